"""CLI: ``ipcity report`` — the annual work report as DOCX, PDF or HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

WarehouseOpt = Annotated[
    Path | None,
    typer.Option(
        "--warehouse", help="Warehouse directory [env IPCITY_WAREHOUSE; default ./ipcity-data]"
    ),
]
DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="Workspace database URL [env IPCITY_DB; default: in the warehouse]"),
]


def report_command(
    year: Annotated[int, typer.Option("--year", help="The report year")],
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
    fmt: Annotated[str, typer.Option("--format", help="docx, pdf or html")] = "docx",
    out: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Output file [default: ipcity-report-Y-LANG.FMT]"),
    ] = None,
    region: Annotated[str, typer.Option("--region", help="The city (GB/T 2260 code)")] = "310000",
    plan: Annotated[
        str | None,
        typer.Option(
            "--plan",
            help="Plan id or code for the mid-term section [default: the plan covering --year]",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Tasks and evaluation as of YYYY-MM-DD [default: the app's date "
            "(IPCITY_TODAY, else today), at most 31 Dec of --year]",
        ),
    ] = None,
    population_lag: Annotated[
        int | None,
        typer.Option(
            "--population-lag",
            help="Per-10k values divide by the population N years before "
            "[default: each region's setting, IPCITY_POPULATION_LAG; Shanghai 1]",
        ),
    ] = None,
    counting: Annotated[
        str, typer.Option("--counting", help="first, whole or fractional")
    ] = "first",
    engine: Annotated[str, typer.Option("--engine", help="duckdb or spark")] = "duckdb",
    thresholds: Annotated[
        Path | None, typer.Option("--thresholds", help="Mid-term thresholds TOML ([midterm])")
    ] = None,
    assessment: Annotated[
        bool, typer.Option("--assessment", help="Add the assessment section (default scheme)")
    ] = False,
    scheme: Annotated[
        Path | None, typer.Option("--scheme", help="Assessment scheme TOML (adds the section)")
    ] = None,
    report_date: Annotated[
        str | None, typer.Option("--date", help="Date printed under the title [default: today]")
    ] = None,
    warehouse: WarehouseOpt = None,
    db: DbOpt = None,
) -> None:
    """Write the annual work report (figures, targets, districts, tasks, evaluation)."""
    from ipcity.clock import app_today
    from ipcity.evaluation.gather import EngineOptions
    from ipcity.evaluation.scheme import load_scheme
    from ipcity.evaluation.sources import open_sources, parse_date
    from ipcity.evaluation.thresholds import load_thresholds
    from ipcity.reports.build import build_report, check_format, check_lang
    from ipcity.reports.gather import default_as_of, gather_report_data

    check_lang(lang)
    check_format(fmt)
    day = parse_date(as_of, "--as-of", default_as_of(year))
    printed = parse_date(report_date, "--date", app_today())
    th = load_thresholds(thresholds)
    sch = load_scheme(scheme) if (scheme is not None or assessment) else None
    with open_sources(warehouse, db, need_warehouse=True, need_workspace=False) as src:
        assert src.warehouse is not None
        data = gather_report_data(
            src.warehouse,
            src.session,
            year,
            city=region,
            as_of=day,
            plan=plan,
            options=EngineOptions(population_lag=population_lag, counting=counting, engine=engine),
            thresholds=th,
            scheme=sch,
            report_date=printed,
        )
    path = build_report(data, lang, fmt, out)
    typer.echo(f"wrote {path}")


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)
