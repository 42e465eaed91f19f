"""CLI: ``ipcity evaluate`` (mid-term evaluation of a plan) and ``ipcity assess``
(assessment of member units and districts)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ipcity.clitext import cli_lang, say
from ipcity.clock import app_today
from ipcity.errors import InputError
from ipcity.evaluation.assessment import AssessmentResult
from ipcity.evaluation.midterm import status_label
from ipcity.evaluation.plan import MidtermEvaluation

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
FormatOpt = Annotated[str, typer.Option("--format", help="table or json")]
LagOpt = Annotated[
    int | None,
    typer.Option(
        "--population-lag",
        help="Per-10k values divide by the population N years before "
        "[default: each region's setting, IPCITY_POPULATION_LAG; Shanghai 1]",
    ),
]


def _check_format(fmt: str) -> None:
    if fmt not in ("table", "json"):
        raise InputError(f"--format must be table or json, not '{fmt}'")


def _pct(x: float | None, places: int = 1) -> str:
    return "—" if x is None else f"{x * 100:.{places}f}%"


def _num(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,.4f}".rstrip("0").rstrip(".")


def print_evaluation(ev: MidtermEvaluation, notes: list[str]) -> None:
    console = Console()
    lang = cli_lang()
    head = {
        "code": ev.plan_code,
        "start": ev.start_year,
        "end": ev.end_year,
        "as_of": ev.as_of,
        "share": _pct(ev.time_share),
        "ahead": f"{float(ev.thresholds.ahead):g}",
        "on_track": f"{float(ev.thresholds.on_track):g}",
    }
    console.print(
        f"[bold]{ev.plan_title}[/bold]" + say("cli.evaluation_head", head), highlight=False
    )
    t = Table(title=say("cli.indicators"))
    for col in ("code", "indicator", "baseline", "target", "year", "expected", "actual"):
        t.add_column(
            col, justify="right" if col in ("baseline", "target", "expected", "actual") else "left"
        )
    t.add_column("ratio", justify="right")
    t.add_column("class")
    for r in ev.indicators:
        t.add_row(
            r.code,
            r.name,
            f"{_num(r.baseline_value)} ({r.baseline_year})" if r.baseline_year else "—",
            f"{_num(r.target_value)} ({r.target_year})",
            str(r.actual_year or "—"),
            _num(r.expected_value),
            _num(r.actual_value),
            _pct(r.progress_ratio, 2),
            f"{r.status} {status_label(r.status, lang)}",
        )
    console.print(t)
    for title, rows in (
        (say("cli.tasks_by_area"), ev.tasks_by_area),
        (say("cli.tasks_by_unit"), ev.tasks_by_unit),
    ):
        tt = Table(title=title)
        for col in (
            "",
            "tasks",
            "done",
            "on time",
            "overdue",
            "open",
            "done %",
            "expected %",
            "class",
        ):
            tt.add_column(col, justify="left" if col in ("", "class") else "right")
        for c in [*rows, ev.tasks_overall]:
            tt.add_row(
                c.label or say("cli.all" if c is ev.tasks_overall else "cli.no_area"),
                str(c.total),
                str(c.done),
                str(c.done_on_time),
                str(c.overdue),
                str(c.open),
                _pct(c.completion_rate),
                _pct(c.expected_share),
                c.status or "—",
            )
        console.print(tt)
    if ev.overdue:
        console.print(say("cli.overdue_count", {"n": len(ev.overdue)}), highlight=False)
        for o in ev.overdue:
            task = {
                "code": o.code,
                "title": o.title,
                "unit": o.lead_unit,
                "deadline": o.deadline,
                "days": o.days_overdue,
            }
            console.print("  " + say("cli.overdue_task", task), highlight=False)
    for n in [*ev.notes, *notes]:
        console.print(f"[yellow]{say('cli.note')}[/yellow] {n}", highlight=False)


def evaluate_command(
    plan: Annotated[str, typer.Option("--plan", help="Plan id or code (e.g. FYP14)")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Evaluation date YYYY-MM-DD [default: today]")
    ] = None,
    fmt: FormatOpt = "table",
    thresholds: Annotated[
        Path | None, typer.Option("--thresholds", help="TOML file with a [midterm] table")
    ] = None,
    ahead: Annotated[
        float | None, typer.Option("--ahead", help="Ratio from which a plan indicator is ahead")
    ] = None,
    on_track: Annotated[
        float | None, typer.Option("--on-track", help="Ratio from which it is on track")
    ] = None,
    include_co_units: Annotated[
        bool, typer.Option("--include-co-units", help="Count co-operating units' tasks too")
    ] = False,
    population_lag: LagOpt = None,
    warehouse: WarehouseOpt = None,
    db: DbOpt = None,
) -> None:
    """Mid-term evaluation of a plan: indicators against the straight path, tasks against time."""
    from ipcity.evaluation.gather import EngineOptions, gather_plan_input
    from ipcity.evaluation.plan import evaluate_plan
    from ipcity.evaluation.sources import open_sources, parse_date
    from ipcity.evaluation.thresholds import load_thresholds

    _check_format(fmt)
    day = parse_date(as_of, "--as-of", app_today())
    th = load_thresholds(thresholds, ahead=ahead, on_track=on_track)
    with open_sources(warehouse, db, need_warehouse=False, need_workspace=True) as src:
        assert src.session is not None
        plan_input = gather_plan_input(
            src.session,
            plan,
            warehouse=src.warehouse,
            options=EngineOptions(population_lag=population_lag),
            as_of=day,
        )
        notes = list(src.notes)
        projections = (
            _projections(plan_input, day, src.warehouse, population_lag) if fmt == "json" else []
        )
    ev = evaluate_plan(plan_input, day, th, include_co_units=include_co_units)
    if fmt == "json":
        doc: dict[str, Any] = ev.as_dict()
        for row, projection in zip(doc["indicators"], projections, strict=True):
            row["projection"] = projection.as_dict()
            row["projection_inputs"] = projection.inputs
        doc["notes"] = [*doc["notes"], *notes]
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        print_evaluation(ev, notes)


def _projections(
    plan_input: Any, as_of: date, warehouse: Any, population_lag: int | None
) -> list[Any]:
    """Each plan indicator's projection to its target year (ipcity.evaluation.project)."""
    from ipcity import settings
    from ipcity.evaluation.project import project_target

    out = []
    for ind in plan_input.indicators:
        lag = population_lag if population_lag is not None else settings.population_lag(ind.region)
        out.append(project_target(ind, as_of, warehouse, region=ind.region, lag=lag))
    return out


def print_assessment(res: AssessmentResult) -> None:
    console = Console()
    when = say("cli.assessment_head", {"year": res.year, "as_of": res.as_of})
    console.print(f"[bold]{res.scheme.name}[/bold]{when}", highlight=False)
    for group in dict.fromkeys(s.group for s in res.scores):
        t = Table(title=group)
        t.add_column("rank", justify="right")
        t.add_column("unit")
        t.add_column("score", justify="right")
        t.add_column("breakdown")
        for s in (x for x in res.scores if x.group == group):
            parts = [
                f"{b.item_id} {'—' if b.points is None else b.points} ({b.raw_text})"
                for b in s.breakdown
            ]
            t.add_row(str(s.rank), s.unit.name, str(s.score), "; ".join(parts))
        console.print(t)


def assess_command(
    year: Annotated[int, typer.Option("--year", help="The assessed year (its work plans)")],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Assessment date [default: 31 Dec of --year, or today]"),
    ] = None,
    scheme: Annotated[
        Path | None, typer.Option("--scheme", help="Assessment scheme TOML [default: shipped]")
    ] = None,
    region: Annotated[
        str, typer.Option("--region", help="The city whose districts are compared")
    ] = "310000",
    fmt: FormatOpt = "table",
    population_lag: LagOpt = None,
    warehouse: WarehouseOpt = None,
    db: DbOpt = None,
) -> None:
    """Score and rank member units and districts under an assessment scheme."""
    from ipcity.evaluation.assessment import assess
    from ipcity.evaluation.gather import EngineOptions, gather_assessment_input
    from ipcity.evaluation.scheme import load_scheme
    from ipcity.evaluation.sources import open_sources, parse_date

    _check_format(fmt)
    default_day = min(app_today(), date(year, 12, 31))
    day = parse_date(as_of, "--as-of", default_day)
    sch = load_scheme(scheme)
    needs_engine = any(i.kind == "indicator_growth" for i in sch.items)
    with open_sources(warehouse, db, need_warehouse=needs_engine, need_workspace=True) as src:
        assert src.session is not None
        data = gather_assessment_input(
            src.session,
            year,
            day,
            sch,
            warehouse=src.warehouse,
            city=region,
            options=EngineOptions(population_lag=population_lag),
        )
    res = assess(data, sch)
    if fmt == "json":
        typer.echo(json.dumps(res.as_dict(), ensure_ascii=False, indent=2))
    else:
        print_assessment(res)


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate_command)
    app.command("assess")(assess_command)
