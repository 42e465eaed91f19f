"""CLI: ``ipcity sample`` (the synthetic sample city's tables; ``ipcity demo`` builds on it from
``ipcity.demo``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ipcity.clitext import say
from ipcity.console import progress
from ipcity.errors import IpcityError


def sample_command(
    out: Annotated[Path, typer.Argument(help="Directory to write the canonical tables into")],
    scale: Annotated[float, typer.Option("--scale", help="1 = Shanghai scale")] = 1.0,
    seed: Annotated[int, typer.Option("--seed")] = 20230101,
    fmt: Annotated[str, typer.Option("--format", help="parquet or csv")] = "parquet",
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace existing files")] = False,
) -> None:
    """Write the synthetic sample city's tables (for ingest tests and benchmarks)."""
    from ipcity.samplecity import generate

    if fmt not in ("parquet", "csv"):
        raise IpcityError(f"--format must be parquet or csv, not '{fmt}'")
    with progress("generate") as update:
        summary = generate(
            out,
            scale=scale,
            seed=seed,
            fmt=fmt,  # type: ignore[arg-type]
            overwrite=overwrite,
            progress=lambda done, total: update("patents", done, total),
        )
    wrote = {
        "files": len(summary.files),
        "mb": f"{summary.bytes_written / 1e6:,.0f}",
        "directory": summary.out_dir,
        "rows": ", ".join(f"{n:,} {t}" for t, n in summary.rows.items() if n),
    }
    typer.echo(say("cli.sample_written", wrote))


def register(app: typer.Typer) -> None:
    app.command("sample")(sample_command)
