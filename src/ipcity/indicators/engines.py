"""Where the one definition runs: DuckDB (the warehouse file itself) or Spark (local mode, on
the warehouse's Parquet export)."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from ipcity.errors import IpcityError
from ipcity.indicators.expressions import Tables
from ipcity.warehouse.store import Warehouse

ENGINES = ("duckdb", "spark")
# Spark logs errors only (its default prints INFO/WARN lines to the user's terminal).
_LOG4J = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""
TABLES = ("patents", "parties", "pledges", "awards", "families", "population", "sei_concordance")


@functools.cache
def spark_session() -> Any:
    """The process's one SparkSession: local[2], no UI, quiet logs, UTC."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - pyspark is a locked dependency
        raise IpcityError("engine 'spark' needs pyspark, which is not installed") from exc
    logging.getLogger("py4j").setLevel(logging.ERROR)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # local mode: no network lookup
    log_config = Path(tempfile.gettempdir()) / "ipcity-spark-log4j2.properties"
    log_config.write_text(_LOG4J)
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("ipcity-indicators")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.driver.memory", os.environ.get("IPCITY_SPARK_MEMORY", "2g"))
        .config("spark.driver.extraJavaOptions", f"-Dlog4j.configurationFile={log_config}")
    )
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # Java missing or broken: one clear line
        raise IpcityError(f"cannot start Spark (local mode): {exc}") from exc
    session.sparkContext.setLogLevel("ERROR")
    return session


@contextlib.contextmanager
def open_tables(warehouse: Warehouse, engine: str) -> Iterator[tuple[Tables, dict[str, ir.Table]]]:
    """The warehouse tables as Ibis tables on ``engine``; Spark views are dropped afterwards."""
    if engine == "duckdb":
        con = ibis.duckdb.from_connection(warehouse.con)
        # A read-only warehouse of an older schema may lack an optional table.
        tables = {name: con.table(name) for name in TABLES if _has_table(warehouse, name)}
        yield _bundle(tables), tables
        return
    if engine != "spark":
        raise IpcityError(f"unknown engine '{engine}' (valid: {', '.join(ENGINES)})")
    out = warehouse.export_parquet(tuple(t for t in TABLES if _has_table(warehouse, t)))
    session = spark_session()
    scon = ibis.pyspark.connect(session)
    suffix = uuid.uuid4().hex[:12]
    names = {name: f"ipcity_{name}_{suffix}" for name in TABLES}
    tables = {
        name: scon.read_parquet(str(out / f"{name}.parquet"), table_name=view)
        for name, view in names.items()
        if (out / f"{name}.parquet").exists()
    }
    try:
        yield _bundle(tables), tables
    finally:
        for view in names.values():
            session.catalog.dropTempView(view)


def _has_table(warehouse: Warehouse, name: str) -> bool:
    row = warehouse.con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchall()
    return bool(row and row[0][0])


def _bundle(tables: dict[str, ir.Table]) -> Tables:
    families = tables.get("families")
    return Tables(
        patents=tables["patents"],
        parties=tables["parties"],
        pledges=tables["pledges"],
        awards=tables["awards"],
        families=families,
    )
