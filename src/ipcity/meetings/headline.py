"""Where the portal's headline figures come from, at the moment the office publishes them.

- ``engine_figures``: one ``ipcity.indicators.compute`` call for the headline indicators of the
  annual report (``ipcity.reports.gather.HEADLINE_INDICATORS``), the city, and the years asked
  for, office CN, per-10k values with the region's configured population lag (Shanghai: the
  previous year-end population, as the city publishes); provenance from the engine's ``meta``.
- ``workspace_figures``: the published indicators of the workspace's published plans: the
  officially published value of a year (with its source), else the newest computed snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ipcity import settings
from ipcity.meetings.errors import invalid
from ipcity.numbers import decimals_of
from ipcity.workspace.actuals import (
    IndicatorEngine,
    latest_computed,
    load_compute,
    open_warehouse,
)
from ipcity.workspace.models import IndicatorTarget, Plan, PublishedActual


@dataclass(frozen=True)
class FigureRow:
    """One value going into a snapshot."""

    indicator: str
    name_zh: str
    name_en: str
    unit_zh: str
    unit_en: str
    kind: str  # count | rate | percent | amount
    places: int
    year: int
    value: float | None
    source: str = ""


@dataclass(frozen=True)
class Figures:
    """The rows and their provenance."""

    rows: list[FigureRow]
    definition_version: str
    vintage: dict[str, Any]
    population_sources: list[str]
    population_lag: int | None
    provenance: dict[str, Any]


def _engine_kind(unit: str) -> tuple[str, int]:
    """(kind, decimals) from the registry's unit, as the annual report prints them."""
    if unit.startswith("per 10"):
        return "rate", 1
    if unit == "percent":
        return "percent", 2
    return "count", 0


def indicators_command(years: Sequence[int], region: str, population_lag: int) -> str:
    """The ``ipcity indicators`` command that prints the same numbers."""
    return (
        f"ipcity indicators --year {min(years)}..{max(years)} --region {region} "
        f"--office {settings.REPORTING_OFFICE} --population-lag {population_lag} --format json"
    )


def _require_complete_year(warehouse: Any, year: int) -> None:
    """The portal publishes no year the warehouse does not cover completely (the as-of rule,
    ``ipcity.evaluation.asof``): "0 grants, -100 %" must never reach the public."""
    from ipcity.evaluation.asof import IncompleteYear, require_complete_year
    from ipcity.warehouse.store import Warehouse

    if not isinstance(warehouse, Warehouse):  # an injected stand-in (tests) has no patents
        return
    try:
        require_complete_year(warehouse, year)
    except IncompleteYear as exc:
        last = exc.last.isoformat() if exc.last else ""
        raise invalid(
            "year", f"field.year_{exc.kind}", year=year, last=last, suggestion=exc.suggestion
        ) from None


def engine_figures(
    years: Sequence[int],
    *,
    region: str,
    population_lag: int | None = None,
    warehouse: Any = None,
    compute: IndicatorEngine | None = None,
) -> Figures:
    """The headline indicators computed from the warehouse (default: the configured one,
    read-only; NoWarehouse when there is none), office CN, with the population lag configured
    for ``region`` unless ``population_lag`` is given."""
    from ipcity.indicators import INDICATORS
    from ipcity.reports.gather import HEADLINE_INDICATORS, UNITS_EN

    if population_lag is None:
        population_lag = settings.population_lag(region)
    fn = compute or load_compute()
    own = warehouse is None
    wh = open_warehouse() if own else warehouse
    try:
        _require_complete_year(wh, max(years))
        result = fn(
            wh,
            indicators=list(HEADLINE_INDICATORS),
            years=list(years),
            region=region,
            population_lag=population_lag,
            office=settings.REPORTING_OFFICE,
        )
    finally:
        if own and hasattr(wh, "close"):
            wh.close()
    values: dict[tuple[str, int], float | None] = {}
    for r in result.table.to_pylist():
        v = r["value"]
        values[(r["indicator"], int(r["year"]))] = None if v is None else float(v)
    rows: list[FigureRow] = []
    for ind in HEADLINE_INDICATORS:
        d = INDICATORS[ind]
        kind, places = _engine_kind(d.unit)
        for y in years:
            rows.append(
                FigureRow(
                    indicator=ind,
                    name_zh=d.name_zh,
                    name_en=d.name_en,
                    unit_zh="件",
                    unit_en=UNITS_EN.get(d.unit, d.unit),
                    kind=kind,
                    places=places,
                    year=y,
                    value=values.get((ind, y)),
                )
            )
    meta: dict[str, Any] = dict(result.meta)
    return Figures(
        rows=rows,
        definition_version=str(meta.get("definition_version", "")),
        vintage=dict(meta.get("vintage") or {}),
        population_sources=[str(s) for s in meta.get("population_sources", [])],
        population_lag=population_lag,
        provenance={
            "counting": meta.get("counting"),
            "engine": meta.get("engine"),
            "region": region,
            "warnings": [str(w) for w in meta.get("warnings", [])],
            "command": indicators_command(years, region, population_lag),
        },
    )


def _places(values: Sequence[float | None]) -> int:
    """Decimals to print: as many as the values carry, at most two."""
    return min(2, max((decimals_of(v) for v in values if v is not None), default=0))


def _workspace_kind(name: str, unit: str) -> str:
    if "%" in unit or "％" in unit:
        return "percent"
    if "万人" in name:
        return "rate"
    return "amount"


def workspace_figures(session: Session, years: Sequence[int]) -> Figures:
    """The published indicators of published plans with their actual values (published value
    first, else the newest computed one). An indicator that several plans share (same engine
    id or name) appears once."""
    from ipcity.indicators import INDICATORS

    targets = session.scalars(
        select(IndicatorTarget)
        .join(Plan, Plan.id == IndicatorTarget.plan_id)
        .where(Plan.published.is_(True), IndicatorTarget.published.is_(True))
        .order_by(Plan.start_year.desc(), Plan.id, IndicatorTarget.sort_order, IndicatorTarget.id)
    ).all()
    chosen: dict[str, IndicatorTarget] = {}
    for t in targets:
        chosen.setdefault(t.engine_indicator or t.name, t)
    ids = [t.id for t in chosen.values()]
    computed = latest_computed(session, ids)
    published = {
        (p.target_id, p.year): p
        for p in session.scalars(select(PublishedActual).where(PublishedActual.target_id.in_(ids)))
    }
    rows: list[FigureRow] = []
    vintage: dict[str, Any] = {}
    for t in chosen.values():
        d = INDICATORS.get(t.engine_indicator or "")
        cells: list[tuple[int, float | None, str]] = []
        for y in years:
            p = published.get((t.id, y))
            c = computed.get((t.id, y))
            if p is not None:
                cells.append((y, p.value, p.source))
            elif c is not None and c.value is not None:
                day = c.computed_at.date().isoformat()
                cells.append((y, c.value, f"指标引擎计算 / computed by the engine, {day}"))
                vintage = vintage or dict(c.vintage or {})
            else:
                cells.append((y, None, ""))
        if all(v is None for _, v, _ in cells):
            continue
        places = _places([v for _, v, _ in cells])
        for y, v, src in cells:
            rows.append(
                FigureRow(
                    indicator=t.engine_indicator or f"target:{t.code}",
                    name_zh=t.name,
                    name_en=d.name_en if d is not None else "",
                    unit_zh=t.unit,
                    unit_en=t.unit,
                    kind=_workspace_kind(t.name, t.unit),
                    places=places,
                    year=y,
                    value=v,
                    source=src,
                )
            )
    return Figures(
        rows=rows,
        definition_version=str(vintage.get("definition_version", "")),
        vintage=vintage,
        population_sources=[],
        population_lag=None,
        provenance={"targets": ids, "rule": "published value first, else newest computed"},
    )
