"""CLI: ``ipcity clusters``: find and rank S&T clusters from geocoded inventors (GII method)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ipcity.clusters.defaults import (
    DEFAULT_CITY,
    DEFAULT_MIN_WEIGHT,
    DEFAULT_RADIUS_KM,
    DEFAULT_TOP,
)
from ipcity.errors import InputError

FORMATS = ("table", "json", "csv", "html")


def _merge_refs(text: str | None) -> tuple[str, str] | None:
    if text is None:
        return None
    for sep in (",", "+"):
        if sep in text:
            a, b = (p.strip() for p in text.split(sep, 1))
            if a and b:
                return a, b
    raise InputError(
        f"--merge takes two clusters, by rank or name: '5,8' or 'Shanghai+Suzhou', not '{text}'"
    )


def clusters_command(
    window: Annotated[
        str | None,
        typer.Option("--window", help="Years Y1..Y2 [default: the last 5 years with PCT data]"),
    ] = None,
    radius_km: Annotated[
        float, typer.Option("--radius-km", help="DBSCAN search radius in km")
    ] = DEFAULT_RADIUS_KM,
    min_weight: Annotated[
        str,
        typer.Option(
            "--min-weight",
            help="Weight a point's neighbourhood needs to be a cluster core: a number of "
            "applications, or a percentage of the window's total ('0.1%')",
        ),
    ] = DEFAULT_MIN_WEIGHT,
    top: Annotated[int, typer.Option("--top", help="Clusters to list")] = DEFAULT_TOP,
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv or html")] = "table",
    city: Annotated[
        str, typer.Option("--city", help="GB/T 2260 code of the city to highlight")
    ] = DEFAULT_CITY,
    merge: Annotated[
        str | None,
        typer.Option("--merge", help="What if two clusters were one: '5,8' or 'Shanghai+Suzhou'"),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout")
    ] = None,
    png: Annotated[Path | None, typer.Option("--png", help="Also write a PNG map")] = None,
    unmatched: Annotated[
        Path | None,
        typer.Option("--unmatched", help="Also write the records that were not located (CSV)"),
    ] = None,
    warehouse: Annotated[
        Path | None,
        typer.Option("--warehouse", help="Warehouse directory [env IPCITY_WAREHOUSE]"),
    ] = None,
) -> None:
    """Find science-and-technology clusters (DBSCAN on geocoded PCT inventors and article
    authors) and rank them by their share of the world's filings and articles."""
    if fmt not in FORMATS:
        raise InputError(f"--format must be one of {', '.join(FORMATS)}, not '{fmt}'")
    # Imported here: the numeric stack is not needed to start the CLI.
    from ipcity.clusters.engine import Options, run
    from ipcity.clusters.load import Window
    from ipcity.clusters.render import (
        print_table,
        to_csv,
        to_html,
        to_json,
        to_png,
        unmatched_csv,
    )
    from ipcity.warehouse.store import Warehouse

    opts = Options(
        window=Window.parse(window) if window else None,
        radius_km=radius_km,
        min_weight=min_weight,
        top=top,
        city=city,
        merge=_merge_refs(merge),
    )
    with Warehouse(warehouse, read_only=True) as wh:
        report = run(wh, opts)
    if fmt == "table":
        if output is not None:
            with output.open("w", encoding="utf-8") as fh:
                print_table(report, Console(file=fh, width=140, color_system=None))
        else:
            print_table(report, Console())
    else:
        text = {"json": to_json, "csv": to_csv, "html": to_html}[fmt](report)
        if output is not None:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8")
        else:
            typer.echo(text, nl=not text.endswith("\n"))
    if png is not None:
        to_png(report, png)
    if unmatched is not None:
        unmatched.parent.mkdir(parents=True, exist_ok=True)
        unmatched.write_text(unmatched_csv(report), encoding="utf-8")


def register(app: typer.Typer) -> None:
    app.command("clusters")(clusters_command)
