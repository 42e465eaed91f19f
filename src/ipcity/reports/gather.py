"""Fill a ReportData from the warehouse (engine) and the workspace.

The headline figures are one call of ``ipcity.indicators.compute`` for the city region, the
report year and the year before, office CN, with the city's configured population lag (for
310000: 1, per-10k values divide by the previous year-end population, as Shanghai publishes:
101,800 / 24,894,300 x 10,000 = 40.9 for 2022). ``ipcity indicators --year Y-1..Y --region
310000 --office CN --population-lag 1 --format json`` prints the same numbers; the data notes
of the report name that command.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ipcity.clock import app_today
from ipcity.evaluation.assessment import assess
from ipcity.evaluation.gather import (
    EngineOptions,
    district_indicator_values,
    find_plan,
    gather_assessment_input,
    gather_plan_input,
    plan_for_year,
    task_inputs,
    year_tasks,
)
from ipcity.evaluation.plan import evaluate_plan
from ipcity.evaluation.scheme import Scheme
from ipcity.evaluation.tasks import completion_by_unit, completion_row, overdue_tasks
from ipcity.evaluation.thresholds import Thresholds, default_thresholds
from ipcity.reports.model import (
    ChangeKind,
    DataNotes,
    DistrictComparison,
    DistrictValue,
    HeadlineFigure,
    ReportData,
    TaskSummary,
    ValueKind,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ipcity.warehouse.store import Warehouse

# The headline table, in reading order.
HEADLINE_INDICATORS: tuple[str, ...] = (
    "patents_granted",
    "patent_applications",
    "invention_patents_granted",
    "pct_applications",
    "invention_patents_in_force",
    "invention_patents_in_force_per_10k",
    "high_value_invention_patents",
    "high_value_invention_patents_per_10k",
)
# The engine's own changes, used instead of recomputing them here.
ENGINE_CHANGES: dict[str, str] = {
    "pct_applications": "pct_applications_growth_pct",
    "high_value_invention_patents_per_10k": "high_value_invention_patents_per_10k_change",
}
DISTRICT_INDICATORS: tuple[str, ...] = ("high_value_invention_patents_per_10k", "patents_granted")
UNITS_EN = {"patents": "patents", "applications": "applications"}


def _kind(unit: str) -> tuple[ValueKind, ChangeKind, int]:
    """(value kind, change kind, decimals) from the registry's unit."""
    from ipcity.evaluation.figures import engine_places

    places = engine_places(unit)  # one rounding per measure on every page
    if unit.startswith("per 10"):
        return "rate", "absolute", places
    if unit == "percent":
        return "percent", "absolute", places
    return "count", "percent", places


def indicators_command(year: int, city: str, options: EngineOptions) -> str:
    """The ``ipcity indicators`` command that prints the report's numbers."""
    cmd = f"ipcity indicators --year {year - 1}..{year} --region {city}"
    cmd += f" --office {options.office} --population-lag {options.lag_for(city)}"
    if options.counting != "first":
        cmd += f" --counting {options.counting}"
    if options.engine != "duckdb":
        cmd += f" --engine {options.engine}"
    return cmd + " --format json"


def headline_figures(
    warehouse: Warehouse, year: int, city: str, options: EngineOptions
) -> tuple[tuple[HeadlineFigure, ...], dict[str, Any]]:
    from ipcity.indicators import INDICATORS, compute

    wanted = [*HEADLINE_INDICATORS, *ENGINE_CHANGES.values()]
    result = compute(
        warehouse,
        indicators=wanted,
        years=[year - 1, year],
        region=city,
        counting=options.counting,
        population_lag=options.lag_for(city),
        engine=options.engine,
        office=options.office,
    )
    values: dict[tuple[str, int], float | None] = {}
    for r in result.table.to_pylist():
        v = r["value"]
        values[(r["indicator"], int(r["year"]))] = None if v is None else float(v)
    figures = []
    for ind in HEADLINE_INDICATORS:
        d = INDICATORS[ind]
        kind, change_kind, places = _kind(d.unit)
        change_id = ENGINE_CHANGES.get(ind)
        figures.append(
            HeadlineFigure(
                indicator=ind,
                name_zh=d.name_zh,
                name_en=d.name_en,
                kind=kind,
                value=values.get((ind, year)),
                previous=values.get((ind, year - 1)),
                change=values.get((change_id, year)) if change_id else None,
                change_kind=change_kind,
                unit_zh="件",
                unit_en=UNITS_EN.get(d.unit, d.unit),
                places=places,
            )
        )
    return tuple(figures), result.meta


def district_comparisons(
    warehouse: Warehouse, year: int, city: str, options: EngineOptions
) -> tuple[tuple[DistrictComparison, ...], list[str]]:
    """The city's districts for DISTRICT_INDICATORS, and notes on what no district holds."""
    from ipcity.geo.regions import districts, name
    from ipcity.indicators import INDICATORS

    codes = districts(city)
    if not codes:
        return (), []
    values = district_indicator_values(warehouse, DISTRICT_INDICATORS, year, city, options)
    out = []
    notes = []
    for ind in DISTRICT_INDICATORS:
        d = INDICATORS[ind]
        kind, _, places = _kind(d.unit)
        per = values.get(ind, {})
        rows = tuple(
            DistrictValue(
                code=c,
                name_zh=name(c, "zh"),
                name_en=name(c, "en"),
                value=per.get(c, {}).get(year),
                previous=per.get(c, {}).get(year - 1),
            )
            for c in codes
        )
        out.append(
            DistrictComparison(
                indicator=ind,
                name_zh=d.name_zh,
                name_en=d.name_en,
                year=year,
                rows=rows,
                kind=kind,
                places=places,
                unit_zh="件",
                unit_en=UNITS_EN.get(d.unit, d.unit),
            )
        )
        if kind == "count":
            outside = sum(v.get(year) or 0.0 for code, v in per.items() if code not in set(codes))
            if outside:
                notes.append(
                    f"{d.name_en} {year}: {outside:,.0f} attributed to {city} without a district "
                    f"({d.name_zh}中{outside:,.0f}件未能归属到区)"
                )
    return tuple(out), notes


def task_summary(
    session: Session, year: int, as_of: date, th: Thresholds, today: date | None = None
) -> TaskSummary:
    """The tasks of the year's work plans as they stood at the end of ``as_of``: before the
    app's date, work plans and tasks created later are left out, each work plan has the title
    it had that day and each report counts in the state it was in that day
    (``ipcity.workspace.history``)."""
    from ipcity.workspace.history import existing_on, work_plans_on

    wps, tasks = year_tasks(session, year)
    titles = {w.id: w.title for w in wps}
    if as_of < app_today(today):
        alive = existing_on(session, "work_plan", [w.id for w in wps], as_of)
        wps = [w for w in wps if w.id in alive]
        tasks = [t for t in tasks if t.work_plan_id in alive]
        titles |= {k: w.title for k, w in work_plans_on(session, alive, as_of).items()}
    inputs = task_inputs(session, tasks, today=today, as_of=as_of)
    return TaskSummary(
        title="、".join(titles[w.id] for w in wps),
        as_of=as_of,
        overall=completion_row("", "", inputs, as_of, None, th),
        by_unit=tuple(completion_by_unit(inputs, as_of, None, th)),
        overdue=tuple(overdue_tasks(inputs, as_of)),
        work_plans=tuple(titles[w.id] for w in wps),
    )


def default_as_of(year: int, today: date | None = None) -> date:
    """31 December of the report year, or the app's date (``IPCITY_TODAY``, else today) while
    that year is still running: the one as-of rule (``ipcity.evaluation.asof``)."""
    from ipcity.evaluation.asof import as_of_for_year

    return as_of_for_year(year, today)


# Areas that add a section of their own to the annual report ("module:function", called with
# (session, year, as_of=...) and returning an object with ``section(lang)``), imported lazily.
SECTION_PROVIDERS: tuple[str, ...] = ("ipcity.protection.report_section:build_report_section",)


def extra_sections(session: Session, year: int, as_of: date) -> list[Any]:
    import importlib

    out = []
    for where in SECTION_PROVIDERS:
        module, _, attr = where.partition(":")
        build = getattr(importlib.import_module(module), attr)  # every area ships: no guard
        out.append(build(session, year, as_of=as_of))
    return out


def _explained(warehouse: Warehouse, year: int, city: str, opts: EngineOptions) -> Any:
    """The headline ratio's change explained (ipcity.reports.decomposition)."""
    from ipcity.reports.decomposition import explain_headline

    return explain_headline(
        warehouse,
        year,
        city,
        population_lag=opts.lag_for(city),
        counting=opts.counting,
        engine=opts.engine,
    )


def _projections(plan_input: Any, day: date, warehouse: Warehouse, opts: EngineOptions) -> Any:
    """(name, projection to the target year) of each plan indicator."""
    from ipcity.evaluation.project import project_target

    return [
        (
            ind.name,
            project_target(
                ind,
                day,
                warehouse,
                region=ind.region,
                lag=opts.lag_for(ind.region),
                counting=opts.counting,
                engine=opts.engine,
            ),
        )
        for ind in plan_input.indicators
    ]


def gather_report_data(
    warehouse: Warehouse,
    session: Session | None,
    year: int,
    *,
    city: str = "310000",
    as_of: date | None = None,
    plan: str | int | None = None,
    options: EngineOptions | None = None,
    thresholds: Thresholds | None = None,
    scheme: Scheme | None = None,
    report_date: date | None = None,
    issuer_zh: str | None = None,
    issuer_en: str | None = None,
    today: date | None = None,
) -> ReportData:
    """Everything the annual report of ``year`` shows. Without a workspace session the report
    has the figures and districts only; ``plan`` defaults to the plan covering ``year``;
    ``scheme`` adds the assessment section."""
    from ipcity.geo.regions import check_region, name

    city = check_region(city)
    opts = options or EngineOptions()
    th = thresholds or default_thresholds()
    from ipcity.evaluation.asof import require_complete_year

    require_complete_year(warehouse, year, today)  # no report of an empty or partial year
    day = as_of or default_as_of(year, today)
    headline, meta = headline_figures(warehouse, year, city, opts)
    districts, district_notes = district_comparisons(warehouse, year, city, opts)
    city_zh, city_en = name(city, "zh"), name(city, "en")
    tasks = evaluation = assessment = None
    projections: list[Any] = []
    extra: list[str] = list(district_notes)
    sections: list[Any] = []
    if session is not None:
        tasks = task_summary(session, year, day, th, today)
        sections = extra_sections(session, year, day)
        p = find_plan(session, plan) if plan is not None else plan_for_year(session, year)
        if p is not None:
            plan_input = gather_plan_input(
                session, p, warehouse=warehouse, options=opts, today=today, as_of=day
            )
            evaluation = evaluate_plan(plan_input, day, th)
            projections = _projections(plan_input, day, warehouse, opts)
            extra += evaluation.notes
        if scheme is not None:
            data = gather_assessment_input(
                session,
                year,
                day,
                scheme,
                warehouse=warehouse,
                city=city,
                options=opts,
                today=today,
            )
            assessment = assess(data, scheme)
    else:
        extra.append("no workspace database: plans, tasks and assessment are not shown")
    notes = DataNotes(
        definition_version=str(meta.get("definition_version", "")),
        vintage=dict(meta.get("vintage") or {}),
        population_sources=tuple(str(s) for s in meta.get("population_sources", [])),
        population_lag=opts.lag_for(city),
        counting=opts.counting,
        region=city,
        engine=opts.engine,
        command=indicators_command(year, city, opts),
        warnings=tuple(str(w) for w in meta.get("warnings", [])),
        extra=tuple(extra),
    )
    return ReportData(
        year=year,
        city_code=city,
        city_name_zh=city_zh,
        city_name_en=city_en,
        as_of=day,
        report_date=report_date or app_today(),
        headline=headline,
        notes=notes,
        districts=districts,
        tasks=tasks,
        evaluation=evaluation,
        assessment=assessment,
        extra_sections=sections,
        explained=_explained(warehouse, year, city, opts),
        projections=projections,
        issuer_zh=issuer_zh if issuer_zh is not None else f"{city_zh}知识产权联席会议办公室",
        issuer_en=issuer_en
        if issuer_en is not None
        else f"Office of the {city_en} Intellectual Property Joint Conference",
    )
