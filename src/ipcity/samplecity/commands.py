"""CLI: ``ipcity demo`` (the whole product on the synthetic sample city) and ``ipcity sample``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ipcity.console import progress
from ipcity.errors import IpcityError
from ipcity.warehouse.store import Warehouse

DEMO_MARKER = "demo.json"


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
    typer.echo(
        f"wrote {len(summary.files)} files ({summary.bytes_written / 1e6:,.0f} MB) to "
        f"{summary.out_dir}: " + ", ".join(f"{n:,} {t}" for t, n in summary.rows.items() if n)
    )


def build_demo_warehouse(wh: Warehouse, *, scale: float, seed: int, rebuild: bool) -> bool:
    """Generate and ingest the sample city (and the world sample for clusters) unless this
    warehouse already holds the same demo. Returns True when it (re)built."""
    from ipcity.samplecity import generate
    from ipcity.warehouse.ingest import ingest

    marker = wh.directory / DEMO_MARKER
    wanted = {"scale": scale, "seed": seed}
    if not rebuild and marker.exists() and json.loads(marker.read_text()) == wanted:
        return False
    if wh.count("ingest_runs") and not rebuild and not marker.exists():
        raise IpcityError(
            f"{wh.directory} already holds other data; use another --warehouse for the demo "
            "or pass --rebuild to replace it"
        )
    wh.reset()
    source = wh.directory / "sample-city"
    with progress("sample city") as update:
        generate(
            source,
            scale=scale,
            seed=seed,
            overwrite=True,
            progress=lambda done, total: update("generating patents", done, total),
        )
    with progress("ingest") as update:
        report = ingest(wh, [source], progress=update)
    failed = [f for f in report.files if f.status == "failed"]
    if failed:
        raise IpcityError(f"demo ingest failed: {failed[0].message}")
    world = wh.directory / "world-sample"
    from ipcity.clusters.sample import generate_world_sample

    generate_world_sample(world, seed=seed)
    with progress("ingest world sample") as update:
        ingest(wh, [world], progress=update)
    marker.write_text(json.dumps(wanted))
    return True


def register(app: typer.Typer) -> None:
    app.command("sample")(sample_command)
