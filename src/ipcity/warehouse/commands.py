"""CLI: ``ipcity ingest``, ``ipcity runs``, ``ipcity rejects``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ipcity.clitext import say
from ipcity.console import progress
from ipcity.errors import IpcityError
from ipcity.warehouse.ingest import FileResult, ingest
from ipcity.warehouse.store import Warehouse

WarehouseOpt = Annotated[
    Path | None,
    typer.Option(
        "--warehouse", help="Warehouse directory [env IPCITY_WAREHOUSE; default ./ipcity-data]"
    ),
]
FormatOpt = Annotated[str, typer.Option("--format", help="text or json")]


def _line(f: FileResult) -> str:
    if f.status == "failed":
        return f"FAILED {f.path}: {f.message}"
    if f.status == "unchanged":
        return f"unchanged {f.path}: {f.message}"
    extra = f"inserted {f.inserted}, updated {f.updated}, unchanged {f.unchanged}"
    for table, n in f.secondary.items():
        extra += f"; {n} {table} rows"
    if f.secondary_rejected:
        extra += f" ({f.secondary_rejected} rejected)"
    return (
        f"{f.path} [{f.table}, {f.format}, run {f.run_id}]: read {f.read} = loaded {f.loaded} "
        f"+ rejected {f.rejected} + skipped {f.skipped} ({extra})"
    )


def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories (recursive)")],
    warehouse: WarehouseOpt = None,
    fmt: FormatOpt = "text",
) -> None:
    """Load patent records (canonical CSV/Parquet/XLSX tables, USPTO or CNIPA XML)."""
    if fmt not in ("text", "json"):
        raise IpcityError(f"--format must be text or json, not '{fmt}'")
    for p in paths:  # before a warehouse is created for nothing
        if not p.exists():
            raise IpcityError(f"{p}: no such file or directory")
    with Warehouse(warehouse) as wh, progress("ingest") as update:
        report = ingest(wh, paths, progress=update)
    if fmt == "json":
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        for f in report.files:
            typer.echo(_line(f))
            if f.encoding is not None and f.encoding not in ("utf-8", "utf-16"):
                typer.echo(f"  encoding: {f.encoding}")
            for w in f.warnings:
                typer.echo(f"  warning: {w}")
        if report.ignored:
            typer.echo(say("cli.ingest_ignored", {"n": len(report.ignored)}))
    if not report.ok:
        failures = report.failures
        # The list goes to stderr too, so it is seen even when stdout is the JSON report.
        failed = {"failed": len(failures), "files": len(report.files)}
        typer.echo(say("cli.ingest_failed", failed), err=True)
        for f in failures:
            typer.echo(f"  {f.path}: {f.message} (run {f.run_id})", err=True)
        raise typer.Exit(1)


def runs_command(warehouse: WarehouseOpt = None, fmt: FormatOpt = "text") -> None:
    """List the ingest runs recorded in the warehouse."""
    with Warehouse(warehouse, read_only=True) as wh:
        columns = {r[0] for r in wh.con.execute("DESCRIBE ingest_runs").fetchall()}
        # a warehouse written before the encoding column existed has none (read-only here)
        encoding = ", encoding" if "encoding" in columns else ""
        rel = wh.con.execute(
            f"""SELECT run_id, status, "table", format, read, loaded, rejected, skipped, inserted,
               updated, unchanged, secondary_rows, finished_at, path, message{encoding}
               FROM ingest_runs ORDER BY run_id"""
        )
        cols = [d[0] for d in rel.description]
        rows = [dict(zip(cols, r, strict=True)) for r in rel.fetchall()]
    _emit(rows, fmt)


def rejects_command(
    run: Annotated[int | None, typer.Option("--run", help="Only this run")] = None,
    limit: Annotated[int, typer.Option("--limit")] = 100,
    warehouse: WarehouseOpt = None,
    fmt: FormatOpt = "text",
) -> None:
    """List rejected and skipped records with their file, record number and reason."""
    with Warehouse(warehouse, read_only=True) as wh:
        where = "WHERE run_id = ?" if run is not None else ""
        params = [run] if run is not None else []
        rel = wh.con.execute(
            f"""SELECT run_id, kind, path, "table", record, record_key, reason FROM rejects
                {where} ORDER BY run_id, record LIMIT {int(limit)}""",
            params,
        )
        cols = [d[0] for d in rel.description]
        rows = [dict(zip(cols, r, strict=True)) for r in rel.fetchall()]
    _emit(rows, fmt)


def _emit(rows: list[dict[str, object]], fmt: str) -> None:
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    for r in rows:
        typer.echo("  ".join(f"{k}={v}" for k, v in r.items() if v is not None))


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_command)
    app.command("runs")(runs_command)
    app.command("rejects")(rejects_command)
