"""Projection of a plan indicator to its target year, with an 80% interval and the
probability of meeting the target (issue 13; the model is documented in docs/evaluation.md).

Two methods:

- ``flows`` (engine-computed stocks and their per-10,000 ratios): the stock is rolled
  forward year by year from the flows ``ipcity.indicators.explain`` measures in the observed
  years: new grants (a random walk with drift fitted to the observed grants), the share of the
  stock that newly qualifies and the share that leaves (lapse and expiry), each drawn from the
  observed years (bootstrap), and the population by its linear trend. The interval is the 10th
  to 90th percentile of SIMULATIONS simulated paths; the point value is the path with the mean
  rates and the fitted drift.
- ``drift`` (published-only measures): a random walk with drift on the yearly values. Drift
  and its standard error from the observed year-to-year changes; the forecast error of h years
  ahead has variance h·s² + h²·s²/m (m changes: the drift's own uncertainty) and a Student t
  distribution with m−1 degrees of freedom, so three or four points give honestly wide
  intervals. Needs three yearly values.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ipcity.errors import IpcityError
from ipcity.evaluation.midterm import IndicatorTargetInput

if TYPE_CHECKING:
    from ipcity.warehouse.store import Warehouse

LEVEL = 0.8  # the interval's coverage
SIMULATIONS = 4000
SEED = 13  # fixed: the same inputs give the same projection
Direction = Literal["higher", "lower"]
PER10K = 10_000
SERIES_YEARS = 6  # values the drift method learns from


@dataclass(frozen=True)
class Projection:
    method: str
    year: int
    value: float | None
    low: float | None
    high: float | None
    p_meet_target: float | None
    inputs: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "year": self.year,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "p_meet_target": self.p_meet_target,
        }


def _quantiles(sims: np.ndarray) -> tuple[float, float]:
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(sims, [tail, 100 - tail])
    return float(low), float(high)


def _p_meet(sims: np.ndarray, target: float | None, direction: Direction) -> float | None:
    if target is None:
        return None
    met = sims >= target if direction == "higher" else sims <= target
    return float(np.mean(met))


def _changes(history: Mapping[int, float]) -> tuple[list[int], np.ndarray]:
    years = sorted(history)
    per_year = [(history[b] - history[a]) / (b - a) for a, b in itertools.pairwise(years)]
    return years, np.array(per_year, dtype=float)


def project_series(
    history: Mapping[int, float],
    year: int,
    target: float | None = None,
    direction: Direction = "higher",
) -> Projection:
    """Random walk with drift (see the module docstring) from yearly ``history``."""
    clean = {int(y): float(v) for y, v in history.items() if v is not None and np.isfinite(v)}
    # the recent course: the last SERIES_YEARS values (an old trend says little about now)
    clean = {y: clean[y] for y in sorted(clean)[-SERIES_YEARS:]}
    years, d = _changes(clean)
    inputs: dict[str, Any] = {"years": years, "values": [clean[y] for y in years]}
    if len(years) < 3:
        return Projection("insufficient_data", year, None, None, None, None, inputs)
    last = years[-1]
    h = year - last
    if h < 0:
        raise IpcityError(f"projection year {year} is before the last observed year {last}")
    m = len(d)
    drift = float(d.mean())
    s = float(d.std(ddof=1))
    value = clean[last] + h * drift
    scale = float(np.sqrt(h * s**2 + h**2 * s**2 / m))
    rng = np.random.default_rng(SEED)
    sims = value + scale * rng.standard_t(m - 1, SIMULATIONS)
    low, high = _quantiles(sims)
    inputs |= {"drift_per_year": drift, "sd_of_changes": s, "degrees_of_freedom": m - 1}
    return Projection("drift", year, value, low, high, _p_meet(sims, target, direction), inputs)


@dataclass(frozen=True)
class FlowHistory:
    """What explain measured in each observed year Y (the change from Y-1 to Y)."""

    year: int
    start: float
    new_grants: float
    newly_qualifying: float
    leaving: float  # lapsed + expired + no longer qualifying, as a positive number
    end: float


def flow_history(
    warehouse: Any,
    stock: str,
    region: str,
    years: Sequence[int],
    *,
    office: str | None = None,
    counting: str = "first",
    engine: str = "duckdb",
) -> list[FlowHistory]:
    """explain() of ``stock`` for each year of ``years`` (kept per warehouse state:
    ``figure_cache``)."""
    from ipcity.evaluation import figure_cache

    args = (stock, region, tuple(years), office, counting, engine)
    return figure_cache.cached(
        warehouse,
        "flow_history",
        args,
        lambda: _flow_history(warehouse, stock, region, years, office, counting, engine),
    )


def _flow_history(
    warehouse: Any,
    stock: str,
    region: str,
    years: Sequence[int],
    office: str | None,
    counting: str,
    engine: str,
) -> list[FlowHistory]:
    from ipcity.indicators.explain import explain

    out = []
    for y in years:
        r = explain(warehouse, stock, y, region, office=office, counting=counting, engine=engine)
        q = sum(
            float(v)
            for row, v in zip(r.rows, r.exact, strict=True)
            if row["component"] == "entered_newly_qualifying"
        )
        leaving = -sum(
            float(r.value(c)) for c in ("left_lapsed", "left_expired", "left_no_longer_qualifying")
        )
        out.append(
            FlowHistory(
                y,
                float(r.value("start")),
                float(r.value("entered_new_grant")),
                q,
                leaving,
                float(r.value("end")),
            )
        )
    return out


def population_trend(history: Mapping[int, float], year: int) -> float | None:
    """The population of ``year`` by the least-squares line through the last five years."""
    ys = sorted(history)[-5:]
    if not ys:
        return None
    if len(ys) == 1:
        return float(history[ys[0]])
    slope, intercept = np.polyfit(np.array(ys, float), np.array([history[y] for y in ys]), 1)
    return float(slope * year + intercept)


def project_flows(
    flows: Sequence[FlowHistory],
    year: int,
    target: float | None = None,
    direction: Direction = "higher",
    population: Mapping[int, float] | None = None,
    lag: int = 0,
) -> Projection:
    """Roll the stock forward (see the module docstring). ``population``: year -> residents
    for a per-10,000 ratio (None: the stock itself); ``lag``: the population of year - lag."""
    usable = [f for f in flows if f.start > 0]
    if len(flows) < 2 or len(usable) < 2:
        return Projection(
            "insufficient_data", year, None, None, None, None, {"years": [f.year for f in flows]}
        )
    last = max(flows, key=lambda f: f.year)
    h = year - last.year
    grants = np.array([f.new_grants for f in sorted(flows, key=lambda f: f.year)])
    g_changes = np.diff(grants)
    g_drift = float(g_changes.mean())
    g_sd = float(g_changes.std(ddof=1)) if len(g_changes) > 1 else abs(g_drift)
    q = np.array([f.newly_qualifying / f.start for f in usable])
    x = np.array([f.leaving / f.start for f in usable])
    inputs: dict[str, Any] = {
        "years": [f.year for f in flows],
        "last_stock": last.end,
        "new_grants": grants.tolist(),
        "grant_drift_per_year": g_drift,
        "newly_qualifying_share": q.tolist(),
        "leaving_share": x.tolist(),
    }
    # point path: mean rates, fitted drift
    s, g = last.end, last.new_grants
    for _ in range(h):
        g = max(g + g_drift, 0.0)
        s = s + g + (q.mean() - x.mean()) * s
    rng = np.random.default_rng(SEED)
    sims = np.full(SIMULATIONS, last.end)
    gs = np.full(SIMULATIONS, last.new_grants)
    drift_draw = g_drift + g_sd / np.sqrt(max(len(g_changes), 1)) * rng.standard_normal(SIMULATIONS)
    for _ in range(h):
        gs = np.maximum(gs + drift_draw + g_sd * rng.standard_normal(SIMULATIONS), 0.0)
        qs = rng.choice(q, SIMULATIONS)
        xs = rng.choice(x, SIMULATIONS)
        sims = sims + gs + (qs - xs) * sims
    value = s
    if population is not None:
        p = population_trend(population, year - lag)
        if p is None or p <= 0:
            return Projection(
                "insufficient_data",
                year,
                None,
                None,
                None,
                None,
                inputs | {"population": "missing"},
            )
        inputs |= {"population_of": year - lag, "population_trend": p}
        value = s / p * PER10K
        sims = sims / p * PER10K
    low, high = _quantiles(sims)
    return Projection("flows", year, value, low, high, _p_meet(sims, target, direction), inputs)


STOCK_OF = {
    "invention_patents_in_force": ("invention_patents_in_force", False),
    "high_value_invention_patents": ("high_value_invention_patents", False),
    "invention_patents_in_force_per_10k": ("invention_patents_in_force", True),
    "high_value_invention_patents_per_10k": ("high_value_invention_patents", True),
}
FLOW_YEARS = 5  # observed changes the flows method learns from


def _observed(target: IndicatorTargetInput, as_of: date) -> dict[int, float]:
    """The yearly values whose year has ended by ``as_of``."""
    return {
        a.year: float(a.value)
        for a in target.actuals
        if a.value is not None and np.isfinite(a.value) and date(a.year, 12, 31) <= as_of
    }


def _population(warehouse: Warehouse, region: str) -> dict[int, float]:
    rows = warehouse.con.execute(
        "SELECT year, population FROM population WHERE region_code = ? AND population > 0",
        [region],
    ).fetchall()
    return {int(y): float(p) for y, p in rows}


def project_target(
    target: IndicatorTargetInput,
    as_of: date,
    warehouse: Warehouse | None = None,
    *,
    region: str = "ALL",
    lag: int = 0,
    office: str | None = None,
    counting: str = "first",
    engine: str = "duckdb",
) -> Projection:
    """The projection of one plan indicator to its target year: ``flows`` for an engine stock
    (or its per-10,000 ratio) when the warehouse is given, else ``drift`` on the values
    observed by ``as_of``; ``observed`` when the target year has already ended."""
    seen = _observed(target, as_of)
    year = target.target_year
    if year in seen:
        v = seen[year]
        met = target_met_float(target.direction, v, target.target_value)
        return Projection("observed", year, v, v, v, 1.0 if met else 0.0, {"years": [year]})
    stock = STOCK_OF.get(target.engine_indicator or "")
    per10k = stock is not None and stock[1]
    if warehouse is not None and stock is not None and not (per10k and region == "ALL"):
        last = max(seen) if seen else as_of.year - 1
        if date(last, 12, 31) > as_of:
            last -= 1
        years = list(range(last - FLOW_YEARS + 1, last + 1))
        flows = flow_history(
            warehouse, stock[0], region, years, office=office, counting=counting, engine=engine
        )
        population = _population(warehouse, region) if per10k else None
        if population is not None:  # only what was known by the last observed year
            population = {y: p for y, p in population.items() if y <= last - lag}
        p = project_flows(
            flows, year, target.target_value, target.direction, population=population, lag=lag
        )
        if p.value is not None:
            return p
    return project_series(seen, year, target.target_value, target.direction)


def target_met_float(direction: Direction, value: float, target: float) -> bool:
    return value >= target if direction == "higher" else value <= target
