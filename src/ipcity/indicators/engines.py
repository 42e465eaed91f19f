"""Where the one definition runs: DuckDB (the warehouse file itself) or Spark (local mode on
the warehouse's Parquet export, or any Spark target on an exported dataset)."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from ipcity.errors import IpcityError
from ipcity.indicators.dataset import Dataset
from ipcity.indicators.expressions import Tables
from ipcity.indicators.spark_settings import APP_NAME, SparkSettings
from ipcity.settings import current
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


_session: tuple[SparkSettings, Any] | None = None


def spark_session(settings: SparkSettings | None = None) -> Any:
    """The process's one SparkSession for ``settings`` (default: IPCITY_SPARK_* or local[2]).

    Local mode: no UI, quiet logs, UTC. A session for other settings is stopped first (a JVM
    holds one SparkContext)."""
    global _session
    settings = settings or SparkSettings.resolve()
    if _session is not None:
        known, session = _session
        if known == settings and not _stopped(session):
            return session
        session.stop()
        _session = None
    session = _start(settings)
    _session = (settings, session)
    return session


def _stopped(session: Any) -> bool:
    ctx = getattr(session, "_sc", None)  # classic sessions; Connect sessions have none
    return ctx is not None and getattr(ctx, "_jsc", None) is None


def _start(settings: SparkSettings) -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - pyspark is a locked dependency
        raise IpcityError("engine 'spark' needs pyspark, which is not installed") from exc
    logging.getLogger("py4j").setLevel(logging.ERROR)
    if settings.is_local:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # local mode: no network lookup
    else:
        # Executors run Python only for results sent back; they need this interpreter's version.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    log_config = Path(tempfile.gettempdir()) / "ipcity-spark-log4j2.properties"
    log_config.write_text(_LOG4J)
    defaults = {
        "spark.app.name": APP_NAME,
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": "8",
        "spark.sql.adaptive.enabled": "true",
        # Partition directories (office=CN, role=owner) stay strings: never guessed as numbers.
        "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
    }
    if settings.remote is None:
        defaults |= {
            "spark.ui.enabled": "false",  # opt in: --spark-conf spark.ui.enabled=true
            "spark.driver.memory": current().spark_memory or "2g",  # IPCITY_SPARK_MEMORY
            "spark.driver.extraJavaOptions": f"-Dlog4j.configurationFile={log_config}",
        }
    conf = defaults | dict(settings.conf)
    if settings.remote is not None:
        builder = SparkSession.builder.remote(settings.remote)
    else:
        builder = SparkSession.builder.master(settings.master)
    for key, value in conf.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except ImportError as exc:  # the Connect client's gRPC packages
        raise IpcityError(
            f"Spark Connect ({settings.remote}) needs the pyspark Connect client "
            f"(pip install 'pyspark[connect]'): {exc}"
        ) from exc
    except Exception as exc:  # Java missing, master unreachable: one clear line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise IpcityError(f"cannot start Spark on {settings.target}: {first}") from exc
    if settings.remote is None:
        session.sparkContext.setLogLevel("ERROR")
    return session


@contextlib.contextmanager
def open_tables(
    warehouse: Warehouse,
    engine: str,
    data: Dataset | None = None,
    spark: SparkSettings | None = None,
) -> Iterator[tuple[Tables, dict[str, ir.Table]]]:
    """The warehouse tables as Ibis tables on ``engine``; Spark views are dropped afterwards.

    Spark reads ``data`` (a verified exported dataset) when given, else the warehouse's own
    Parquet export, which only a local-mode session can see."""
    if engine == "duckdb":
        if data is not None:
            raise IpcityError(
                "--data is read by --engine spark; DuckDB reads the warehouse file itself"
            )
        con = ibis.duckdb.from_connection(warehouse.con)
        # A read-only warehouse of an older schema may lack an optional table.
        tables = {name: con.table(name) for name in TABLES if _has_table(warehouse, name)}
        yield _bundle(tables), tables
        return
    if engine != "spark":
        raise IpcityError(f"unknown engine '{engine}' (valid: {', '.join(ENGINES)})")
    settings = spark or SparkSettings.resolve()
    if data is None and not settings.is_local:
        raise IpcityError(
            f"Spark on {settings.target} cannot read this machine's warehouse: export it to a "
            "path every worker can read ('ipcity export --to URI') and pass --data URI"
        )
    if data is not None:
        paths = {name: data.table_path(name) for name in TABLES}
    else:
        # A read-only warehouse of an older schema may lack an optional table.
        present = tuple(t for t in TABLES if _has_table(warehouse, t))
        out = warehouse.export_parquet(present)
        paths = {name: str(out / f"{name}.parquet") for name in present}
    session = spark_session(settings)
    scon = ibis.pyspark.connect(session)
    suffix = uuid.uuid4().hex[:12]
    names = {name: f"ipcity_{name}_{suffix}" for name in paths}
    tables = {name: scon.read_parquet(paths[name], table_name=view) for name, view in names.items()}
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
