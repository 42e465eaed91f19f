"""``explain``: the exact decomposition of an indicator's change from year Y-1 to year Y.

Stocks are decomposed patent by patent with the same per-patent facts ``compute`` counts
(``expressions.stock_facts``: the in-force interval, ``hv_start`` and the year each criterion
first holds) and the same attribution weights k/n, as one Ibis expression on either engine.
Every patent in the stock at the end of Y-1 or Y is in exactly one class:

- in both years: no component;
- only at the end of Y: ``entered_new_grant`` (granted in Y), else ``entered_newly_qualifying``
  with the criterion that newly holds in Y, the first of ``CRITERIA`` that does when several do;
- only at the end of Y-1: ``left_expired`` (the statutory term ended in Y, whether or not a
  lapse date was also recorded), else ``left_lapsed``; ``left_no_longer_qualifying`` when the
  patent is still in force but no criterion holds (never under definitions 1 and 2, whose
  criteria hold for good once met; the row is kept so the shape does not depend on that).

So ``end - start`` is the sum of the components, exactly: the sums are taken as fractions
(k/n weights, populations as the exact value of their float) and each value is rounded to a
float once, at the end. Per-10,000 ratios split the change as issue 13 defines:
``numerator_effect`` = (S_Y - S_Y-1) / P_Y x 10,000 (itself split by the stock components) and
``population_effect`` = S_Y-1 x (1/P_Y - 1/P_Y-1) x 10,000. Flows give the change by patent
type and by IPC section (each adds up to ``end - start``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import ibis
import ibis.expr.types as ir

from ipcity import settings
from ipcity.errors import IpcityError
from ipcity.indicators import assemble
from ipcity.indicators.api import _definition, _office, _validate, criteria_inputs
from ipcity.indicators.config import DefinitionConfig
from ipcity.indicators.engines import open_tables
from ipcity.indicators.expressions import (
    FLOW_YEAR,
    Plan,
    Tables,
    attach_weights,
    counts,
    stock_facts,
    stock_owners,
)
from ipcity.indicators.registry import RATIO_INPUTS
from ipcity.warehouse.store import Warehouse

IN_FORCE = "invention_patents_in_force"
HIGH_VALUE = "high_value_invention_patents"
STOCKS = (IN_FORCE, HIGH_VALUE)
PER_10K = {
    "invention_patents_in_force_per_10k": IN_FORCE,
    "high_value_invention_patents_per_10k": HIGH_VALUE,
}
# Precedence when several criteria newly hold in the same year (documented in
# docs/indicators.md): the patent is counted once, under the first of these.
CRITERIA = ("maintained", "pledge", "award", "family", "sei")
STOCK_COMPONENTS = (
    "entered_new_grant",
    "entered_newly_qualifying",
    "left_lapsed",
    "left_expired",
    "left_no_longer_qualifying",
)
LEAVING = ("left_lapsed", "left_expired", "left_no_longer_qualifying")
EXPLAINABLE = (*STOCKS, *PER_10K, *FLOW_YEAR)
BY_CHOICES = ("region_code",)
PER10K = 10_000

Key = tuple[str | None, ...]  # the by-dimension values of a row


@dataclass(frozen=True)
class ExplainResult:
    """``rows``: dicts indicator, year, region, component, criterion, value, <by keys> (and
    for flows patent_type / ipc_section); ``exact``: each row's value as a fraction, in the
    same order; ``meta``: how it was computed."""

    rows: list[dict[str, Any]]
    exact: list[Fraction]
    meta: dict[str, Any]

    def to_json_dict(self) -> dict[str, Any]:
        return {"meta": self.meta, "rows": self.rows}

    def additive(self, **keys: str | None) -> list[tuple[dict[str, Any], Fraction]]:
        """The rows whose values add up to end - start (of the rows matching ``keys``): all
        but start, end and the split rows (component with a dot) of stocks and ratios; for
        flows the change by patent type."""
        out = []
        for row, value in zip(self.rows, self.exact, strict=True):
            if any(row.get(k) != v for k, v in keys.items()):
                continue
            comp = str(row["component"])
            if comp in ("start", "end") or "." in comp or comp == "change_by_ipc_section":
                continue
            out.append((row, value))
        return out

    def value(self, component: str, criterion: str | None = None, **keys: str | None) -> Fraction:
        """The exact value of one component (0 when no row has it)."""
        total = Fraction(0)
        for row, value in zip(self.rows, self.exact, strict=True):
            if row["component"] != component or row["criterion"] != criterion:
                continue
            if all(row.get(k) == v for k, v in keys.items()):
                total += value
        return total


def _stock_expression(t: Tables, plan: Plan, indicator: str, year: int) -> ir.Table:
    """component, criterion, <by dims>, n, k: the weighted patents of each class (plus the
    classes ``start`` and ``end``: the stock at the end of Y-1 and of Y)."""
    cfg = plan.config
    stock = stock_facts(t, plan)
    s = stock.grant_year if indicator == IN_FORCE else stock.hv_start
    prev = year - 1
    was = s.notnull() & (s <= prev) & (stock.end >= prev)
    now = s.notnull() & (s <= year) & (stock.end >= year)
    came = ~was & now
    gone = was & ~now
    expiry = (
        stock.term_year
        if cfg.statutory_term
        else stock.app_year + ibis.literal(cfg.invention_term_years, type="int64")
    )
    component = ibis.cases(
        (came & (stock.grant_year == year), "entered_new_grant"),
        (came, "entered_newly_qualifying"),
        (gone & (stock.end >= year), "left_no_longer_qualifying"),
        (gone & (expiry == year).fill_null(False), "left_expired"),
        (gone, "left_lapsed"),
        else_=ibis.null("string"),
    )
    newly = came & (stock.grant_year != year)
    present = [c for c in CRITERIA if f"from_{c}" in stock.columns]
    criterion: ir.StringValue = ibis.null("string")
    if present:
        criterion = ibis.cases(
            *((newly & (stock[f"from_{c}"] == year), c) for c in present),
            else_=ibis.null("string"),
        )
    x = stock.select(
        "patent_id", component=component, criterion=criterion, was=was, now=now
    ).filter(was | now)
    parties = t.parties.select("patent_id", "role", "sequence", "region_code", "country")
    w = attach_weights(x, stock_owners(parties, x), plan)
    dims = list(plan.by)
    cols = [*dims, "n", "k"]
    no_criterion = ibis.null("string")
    parts = [
        w.filter(w.was).select(*cols, component=ibis.literal("start"), criterion=no_criterion),
        w.filter(w.now).select(*cols, component=ibis.literal("end"), criterion=no_criterion),
        w.filter(w.component.notnull()).select(*cols, "component", "criterion"),
    ]
    rows = parts[0].union(parts[1]).union(parts[2])
    return rows.group_by(["component", "criterion", *dims, "n"]).aggregate(
        k=rows.k.sum().cast("int64")
    )


def _fractions(
    rows: Iterable[dict[str, Any]], keys: Sequence[str]
) -> dict[tuple[Any, ...], Fraction]:
    out: dict[tuple[Any, ...], Fraction] = {}
    for r in rows:
        key = tuple(r[k] for k in keys)
        out[key] = out.get(key, Fraction(0)) + Fraction(int(r["k"]), int(r["n"]))
    return out


def _stock_values(
    t: Tables, plan: Plan, indicator: str, year: int
) -> dict[Key, dict[tuple[str, str | None], Fraction]]:
    """by key -> (component, criterion) -> exact value (leaving components negative)."""
    dims = list(plan.by)
    long = _stock_expression(t, plan, indicator, year).to_pyarrow().to_pylist()
    sums = _fractions(long, ["component", "criterion", *dims])
    out: dict[Key, dict[tuple[str, str | None], Fraction]] = {}
    for (comp, crit, *key), value in sums.items():
        sign = -1 if comp in LEAVING else 1
        out.setdefault(tuple(key), {})[(comp, crit)] = sign * value
    return out


def _stock_rows(
    values: dict[tuple[str, str | None], Fraction], criteria: Sequence[str], high_value: bool
) -> list[tuple[str, str | None, Fraction]]:
    """start, the components in a fixed order (zeros included), end."""
    rows: list[tuple[str, str | None, Fraction]] = [
        ("start", None, values.get(("start", None), Fraction(0)))
    ]
    for comp in STOCK_COMPONENTS:
        if comp == "entered_newly_qualifying":
            if not high_value:
                continue
            for c in criteria:
                rows.append((comp, c, values.get((comp, c), Fraction(0))))
            unknown = values.get((comp, None))
            if unknown:  # cannot happen: a criterion always holds from hv_start
                rows.append((comp, None, unknown))
            continue
        if comp == "left_no_longer_qualifying" and not high_value:
            continue
        rows.append((comp, None, values.get((comp, None), Fraction(0))))
    rows.append(("end", None, values.get(("end", None), Fraction(0))))
    return rows


def _flow_values(
    t: Tables, plan: Plan, year: int, split: str
) -> dict[Key, dict[str, dict[str | None, Fraction]]]:
    """by key -> "start"/"end" -> split value -> exact value."""
    dims = list(plan.by)
    p = Plan(
        counted=plan.counted,
        years=(year - 1, year),
        region=plan.region,
        by=(*plan.by, split),
        counting=plan.counting,
        config=plan.config,
        office=plan.office,
    )
    long = counts(t, p).to_pyarrow().to_pylist()
    sums = _fractions(long, ["year", *dims, split])
    out: dict[Key, dict[str, dict[str | None, Fraction]]] = {}
    for (y, *rest), value in sums.items():
        key, part = tuple(rest[:-1]), rest[-1]
        side = "end" if y == year else "start"
        out.setdefault(key, {"start": {}, "end": {}})[side][part] = value
    return out


def _population(
    population: assemble.Population, region: str, year: int, lag: int
) -> Fraction | None:
    found = population.rows.get((region, year - lag))
    if found is None or found[0] <= 0:
        return None
    population.used_sources.add(found[1] or "(no source recorded)")
    return Fraction(found[0])


def explain(
    warehouse: Warehouse,
    indicator: str,
    year: int,
    region: str = "ALL",
    *,
    office: str | None = None,
    counting: str = "first",
    population_lag: int | None = None,
    by: Sequence[str] = (),
    engine: str = "duckdb",
    config: DefinitionConfig | None = None,
    definition: str | int | None = None,
) -> ExplainResult:
    """Decompose the change of ``indicator`` from ``year`` - 1 to ``year`` (see the module
    docstring). ``by``: () or ("region_code",), the contribution of each district."""
    if indicator not in EXPLAINABLE:
        raise IpcityError(
            f"cannot explain '{indicator}' (valid: {', '.join(EXPLAINABLE)}); the change "
            "indicators are explained by explaining their per-10k indicator"
        )
    if isinstance(by, str):
        by = [by]
    for d in by:
        if d not in BY_CHOICES:
            raise IpcityError(f"explain breaks down only by region_code, not '{d}'")
    if isinstance(year, bool) or not isinstance(year, int):
        raise IpcityError(f"year must be a whole year, not {year!r}")
    _, reg, dims = _validate(
        [indicator], [year - 1, year], region, by, counting, population_lag, engine
    )
    cfg = _definition(config, definition)
    chosen_office = _office(office, dims, cfg)
    counted = RATIO_INPUTS[indicator][0] if indicator in RATIO_INPUTS else indicator
    if indicator in PER_10K and reg == "ALL" and not dims:
        raise IpcityError(
            "a per-10,000 ratio needs a region: give --region (e.g. 310000) or --by region_code"
        )
    warnings: list[str] = []
    out_rows: list[dict[str, Any]] = []
    exact: list[Fraction] = []
    lags_used: dict[str, int] = {}
    with open_tables(warehouse, engine) as (tables, raw):
        inputs = criteria_inputs(raw, cfg, counted == HIGH_VALUE, dims)
        warnings += inputs.warnings
        plan = Plan(
            counted=(counted,),
            years=(year - 1, year),
            region=reg,
            by=dims,
            counting=counting,
            config=cfg,
            sei=inputs.concordance,
            office=chosen_office,
            award_names=inputs.award_names,
        )

        def emit(key: Key, comp: str, crit: str | None, value: Fraction, **extra: Any) -> None:
            row: dict[str, Any] = {
                "indicator": indicator,
                "year": year,
                "region": reg,
                "component": comp,
                "criterion": crit,
                "value": float(value),
            }
            row |= dict(zip(dims, key, strict=True)) | extra
            out_rows.append(row)
            exact.append(value)

        if counted in STOCKS:
            per_key = _stock_values(tables, plan, counted, year)
            present = [c for c in CRITERIA if getattr(cfg, c)] if counted == HIGH_VALUE else []
            keys = sorted(per_key, key=_sort_key) if dims else [()]
            population = None
            if indicator in PER_10K:
                population = assemble.Population.from_arrow(raw["population"].to_pyarrow())
            for key in keys:
                parts = _stock_rows(per_key.get(key, {}), present, counted == HIGH_VALUE)
                if population is None:
                    for comp, crit, value in parts:
                        emit(key, comp, crit, value)
                    continue
                where = str(key[0]) if dims else reg
                if key and key[0] is None:
                    warnings.append("patents without a region code: no population, left out")
                    continue
                lag = (
                    population_lag if population_lag is not None else settings.population_lag(where)
                )
                lags_used[where] = lag
                p_now = _population(population, where, year, lag)
                p_prev = _population(population, where, year - 1, lag)
                if p_now is None or p_prev is None:
                    missing = [
                        y for y, p in ((year - 1 - lag, p_prev), (year - lag, p_now)) if p is None
                    ]
                    warnings.append(
                        f"no population for {where} in {', '.join(map(str, missing))}: "
                        "its per-10,000 change is not explained"
                    )
                    continue
                s_prev = parts[0][2]
                s_now = parts[-1][2]
                emit(key, "start", None, s_prev / p_prev * PER10K)
                emit(key, "numerator_effect", None, (s_now - s_prev) / p_now * PER10K)
                for comp, crit, value in parts[1:-1]:
                    emit(key, "numerator_effect." + comp, crit, value / p_now * PER10K)
                emit(key, "population_effect", None, s_prev * (1 / p_now - 1 / p_prev) * PER10K)
                emit(key, "end", None, s_now / p_now * PER10K)
        else:
            by_type = _flow_values(tables, plan, year, "patent_type")
            by_section = _flow_values(tables, plan, year, "ipc_section")
            keys = sorted(set(by_type) | set(by_section), key=_sort_key) if dims else [()]
            for key in keys:
                t_vals = by_type.get(key, {"start": {}, "end": {}})
                s_vals = by_section.get(key, {"start": {}, "end": {}})
                blank = {"patent_type": None, "ipc_section": None}
                emit(key, "start", None, sum(t_vals["start"].values(), Fraction(0)), **blank)
                for split, vals in (("patent_type", t_vals), ("ipc_section", s_vals)):
                    for part in sorted(set(vals["start"]) | set(vals["end"]), key=_none_last):
                        change = vals["end"].get(part, Fraction(0)) - vals["start"].get(
                            part, Fraction(0)
                        )
                        emit(key, f"change_by_{split}", None, change, **(blank | {split: part}))
                emit(key, "end", None, sum(t_vals["end"].values(), Fraction(0)), **blank)
    if counting == "whole" and dims:
        warnings.append(
            "whole counting: a patent of several districts counts in each, so the districts' "
            "contributions add up to more than the region's change"
        )
    meta: dict[str, Any] = {
        "indicator": indicator,
        "year": year,
        "from_year": year - 1,
        "region": reg,
        "office": chosen_office,
        "by": list(dims),
        "counting": counting,
        "definition_version": cfg.label,
        "criteria_precedence": list(CRITERIA),
        "population_lag": lags_used,
        "engine": engine,
        "vintage": warehouse.vintage().as_dict(),
        "identity": _identity(out_rows, exact, dims),
        "warnings": warnings,
    }
    return ExplainResult(rows=out_rows, exact=exact, meta=meta)


def _sort_key(key: Key) -> tuple[tuple[int, str], ...]:
    return tuple(_none_last(k) for k in key)


def _none_last(v: str | None) -> tuple[int, str]:
    return (1, "") if v is None else (0, str(v))


def _identity(rows: list[dict[str, Any]], exact: list[Fraction], dims: Sequence[str]) -> list[Any]:
    """Per by key: end - start and the sum of the additive components, as exact fractions
    (strings) - equal by construction, shown so a reader can check it."""
    result = ExplainResult(rows=rows, exact=exact, meta={})
    keys = sorted({tuple(r[d] for d in dims) for r in rows}, key=_sort_key)
    out = []
    for key in keys:
        sel = dict(zip(dims, key, strict=True))
        end = result.value("end", **sel)
        start = result.value("start", **sel)
        total = sum((v for _, v in result.additive(**sel)), Fraction(0))
        out.append(
            sel
            | {
                "end_minus_start": str(end - start),
                "sum_of_components": str(total),
                "holds": end - start == total,
            }
        )
    return out
