"""The embedded warehouse: one DuckDB file in the warehouse directory, Parquet for interchange."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from ipcity.errors import IpcityError
from ipcity.settings import current, warehouse_dir
from ipcity.warehouse.schema import DATA_TABLES, DDL, SCHEMA_VERSION

DB_FILE = "warehouse.duckdb"
PARQUET_DIR = "parquet"
# DuckDB's own memory cap and spill directory (e.g. 6GB, /scratch): large warehouses spill there.
DUCKDB_SETTINGS = {
    "memory_limit": "IPCITY_DUCKDB_MEMORY_LIMIT",
    "temp_directory": "IPCITY_DUCKDB_TEMP_DIRECTORY",
}


def _tune(con: duckdb.DuckDBPyConnection) -> None:
    # DuckDB draws its own progress bar on long queries; the CLI has its own output.
    con.execute("SET enable_progress_bar = false")
    configured = current()
    chosen = {
        "memory_limit": configured.duckdb_memory_limit,
        "temp_directory": configured.duckdb_temp_directory,
    }
    for name, env in DUCKDB_SETTINGS.items():
        value = chosen[name]
        if value:
            try:
                con.execute(f"SET {name} = ?", [value])
            except duckdb.Error as exc:
                con.close()
                reason = str(exc).strip().splitlines()[0]
                raise IpcityError(f"{env}={value!r} is not accepted by DuckDB: {reason}") from exc


@dataclass(frozen=True)
class Vintage:
    """Which data a figure was computed from: the latest ingest run that changed the warehouse."""

    run_id: int | None
    finished_at: datetime | None
    files: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "latest_run": self.run_id,
            "latest_run_at": self.finished_at.isoformat(timespec="seconds")
            if self.finished_at
            else None,
            "runs": self.files,
        }


class Warehouse:
    """A warehouse directory. ``con`` is a DuckDB connection with the schema in place."""

    def __init__(self, directory: str | Path | None = None, *, read_only: bool = False) -> None:
        self.directory = warehouse_dir(directory)
        self.path = self.directory / DB_FILE
        if read_only and not self.path.exists():
            raise IpcityError(
                f"no warehouse at {self.directory} (run 'ipcity ingest' or 'ipcity demo' first)"
            )
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:  # typically: locked by another process
            raise IpcityError(f"cannot open warehouse {self.path}: {exc}") from exc
        _tune(self.con)
        if not read_only:
            self.ensure_schema()

    def ensure_schema(self) -> None:
        for stmt in DDL:
            self.con.execute(stmt)
        self.con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
        )

    def reset(self) -> None:
        """Empty the warehouse: drop the database file and the Parquet export, start afresh."""
        import shutil

        self.con.close()
        for f in (self.path, self.path.with_name(self.path.name + ".wal")):
            f.unlink(missing_ok=True)
        shutil.rmtree(self.directory / PARQUET_DIR, ignore_errors=True)
        self.con = duckdb.connect(str(self.path))
        _tune(self.con)
        self.ensure_schema()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: an exception inside rolls every statement back."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def vintage(self) -> Vintage:
        row = self.con.execute(
            """SELECT max(run_id), max(finished_at), count(*) FROM ingest_runs
               WHERE status = 'loaded'"""
        ).fetchall()[0]
        if row is None:
            return Vintage(None, None, 0)
        return Vintage(row[0], row[1], int(row[2]))

    def count(self, table: str) -> int:
        if table not in DATA_TABLES and table not in ("ingest_runs", "rejects"):
            raise ValueError(table)
        row = self.con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0]
        return int(row[0]) if row else 0

    def export_parquet(self, tables: tuple[str, ...] = DATA_TABLES) -> Path:
        """Write the data tables as Parquet (for Spark and other engines); re-exported only when
        an ingest run happened since the last export."""
        out = self.directory / PARQUET_DIR
        out.mkdir(exist_ok=True)
        stamp = out / "_vintage"
        current = str(self.vintage().run_id)
        if (
            stamp.exists()
            and stamp.read_text() == current
            and all((out / f"{t}.parquet").exists() for t in tables)
        ):
            return out
        for t in tables:
            target = out / f"{t}.parquet"
            self.con.execute(f"COPY \"{t}\" TO '{target}' (FORMAT parquet)")
        stamp.write_text(current)
        return out
