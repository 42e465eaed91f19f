"""Projection of a plan indicator to its target year, with an 80% interval and the
probability of meeting the target (issue 13; the model is documented in docs/evaluation.md).

Two methods, both simulated with a fixed seed; the interval is the 10th to 90th percentile of
SIMULATIONS simulated outcomes and ``p_meet_target`` their share meeting the target:

- ``flows`` (engine-computed stocks and their per-10,000 ratios): the stock is rolled
  forward year by year from the flows ``ipcity.indicators.explain`` measures in the observed
  years: new grants, the share of the stock that newly qualifies and the share that leaves
  (lapse, expiry, no longer qualifying), and the population by its linear trend. Each
  simulated path draws the *parameters* first (the grants' drift and noise, the mean of each
  share, the population line) from what the few observed years allow, then the year-to-year
  noise around them: five observed years pin a rate only loosely, and that looseness lasts
  for every year ahead, so it must widen the interval more than yearly noise does.
- ``drift`` (published-only measures): ARIMA(0,1,0) with drift (a random walk with drift),
  estimated by statsmodels (least squares on the yearly changes, exact for this model). Its
  textbook forecast interval treats the fitted drift and noise as known; with 3-6 values
  that is far too narrow, so the interval here is the predictive one that also draws them:
  variance s²·(h + h²/m) with a Student t of m−1 degrees of freedom (m yearly changes, s²
  their unbiased variance). Needs three yearly values.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
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
    target: float | None = None  # what p_meet_target is measured against (not in as_dict)

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


def fit_drift(history: Mapping[int, float]) -> tuple[float, float, int]:
    """ARIMA(0,1,0) with drift on the yearly values, estimated exactly: the drift is the
    least-squares mean of the yearly changes (statsmodels WLS on a constant; a change over a
    gap of k years counts as its per-year average with weight k). Returns the drift per year,
    the unbiased variance of a yearly change, and m, the number of changes."""
    import statsmodels.api as sm

    years = sorted(history)
    gaps = np.array([b - a for a, b in itertools.pairwise(years)], dtype=float)
    per_year = np.array([(history[b] - history[a]) / (b - a) for a, b in itertools.pairwise(years)])
    fit = sm.WLS(per_year, np.ones_like(per_year), weights=gaps).fit()
    return float(fit.params[0]), float(fit.scale), len(per_year)


def project_series(
    history: Mapping[int, float],
    year: int,
    target: float | None = None,
    direction: Direction = "higher",
) -> Projection:
    """ARIMA(0,1,0) with drift (see the module docstring) from yearly ``history``."""
    clean = {int(y): float(v) for y, v in history.items() if v is not None and np.isfinite(v)}
    # the recent course: the last SERIES_YEARS values (an old trend says little about now)
    clean = {y: clean[y] for y in sorted(clean)[-SERIES_YEARS:]}
    years = sorted(clean)
    inputs: dict[str, Any] = {"years": years, "values": [clean[y] for y in years]}
    if len(years) < 3:
        return Projection("insufficient_data", year, None, None, None, None, inputs)
    last = years[-1]
    h = year - last
    if h < 0:
        raise IpcityError(f"projection year {year} is before the last observed year {last}")
    drift, s2, m = fit_drift(clean)
    s = float(np.sqrt(s2))
    value = clean[last] + h * drift
    scale = float(np.sqrt(h * s2 + h**2 * s2 / m))
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


def population_draws(
    history: Mapping[int, float], year: int, rng: np.random.Generator
) -> np.ndarray:
    """SIMULATIONS populations of ``year``: the line's prediction and its Student t
    prediction error (the line's own uncertainty and a year's deviation from it; needs
    three points, else the line's value alone)."""
    ys = sorted(history)[-5:]
    centre = population_trend(history, year)
    assert centre is not None
    n = len(ys)
    if n < 3:
        return np.full(SIMULATIONS, centre)
    x = np.array(ys, float)
    y = np.array([history[v] for v in ys])
    slope, intercept = np.polyfit(x, y, 1)
    resid = y - (slope * x + intercept)
    s = float(np.sqrt(resid @ resid / (n - 2)))
    se = s * float(np.sqrt(1 + 1 / n + (year - x.mean()) ** 2 / ((x - x.mean()) ** 2).sum()))
    return np.maximum(centre + se * rng.standard_t(n - 2, SIMULATIONS), 1.0)


def _grant_paths(grants: np.ndarray, h: int, rng: np.random.Generator) -> np.ndarray:
    """SIMULATIONS x h future yearly grants: a random walk with drift whose drift and noise
    are drawn first (the predictive distribution given k observed changes), then the noise."""
    changes = np.diff(grants)
    k = len(changes)
    mean = float(changes.mean())
    if k >= 2:
        s2 = float(changes.var(ddof=1))
        sigma2 = s2 * (k - 1) / rng.chisquare(k - 1, SIMULATIONS)  # the noise is estimated
    else:  # one change: its size is the only measure of the noise
        sigma2 = np.full(SIMULATIONS, mean**2)
    sigma = np.sqrt(sigma2)
    drift = mean + sigma / np.sqrt(k) * rng.standard_normal(SIMULATIONS)  # so is the drift
    out = np.empty((SIMULATIONS, h))
    g = np.full(SIMULATIONS, float(grants[-1]))
    for i in range(h):
        g = np.maximum(g + drift + sigma * rng.standard_normal(SIMULATIONS), 0.0)
        out[:, i] = g
    return out


def _share_paths(shares: np.ndarray, h: int, rng: np.random.Generator) -> np.ndarray:
    """SIMULATIONS x h future yearly shares: each path's mean share drawn around the
    observed mean (Student t, its standard error), then a year's deviation drawn from the
    observed deviations (residual bootstrap)."""
    n = len(shares)
    mean = float(shares.mean())
    sd = float(shares.std(ddof=1)) if n > 1 else 0.0
    level = mean + sd / np.sqrt(n) * rng.standard_t(max(n - 1, 1), SIMULATIONS)
    deviations = shares - mean
    noise = rng.choice(deviations, (SIMULATIONS, h))
    out: np.ndarray = np.clip(level[:, None] + noise, 0.0, 1.0)
    return out


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
    ordered = sorted(flows, key=lambda f: f.year)
    usable = [f for f in ordered if f.start > 0]
    if len(ordered) < 2 or len(usable) < 2:
        return Projection(
            "insufficient_data", year, None, None, None, None, {"years": [f.year for f in flows]}
        )
    last = ordered[-1]
    h = year - last.year
    if h < 0:
        raise IpcityError(f"projection year {year} is before the last observed year {last.year}")
    grants = np.array([f.new_grants for f in ordered])
    g_drift = float(np.diff(grants).mean())
    q = np.array([f.newly_qualifying / f.start for f in usable])
    x = np.array([f.leaving / f.start for f in usable])
    inputs: dict[str, Any] = {
        "years": [f.year for f in ordered],
        "last_stock": last.end,
        "new_grants": grants.tolist(),
        "grant_drift_per_year": g_drift,
        "newly_qualifying_share": q.tolist(),
        "leaving_share": x.tolist(),
    }
    # point path: mean shares, fitted drift
    s, g = last.end, last.new_grants
    for _ in range(h):
        g = max(g + g_drift, 0.0)
        s = s + g + (q.mean() - x.mean()) * s
    rng = np.random.default_rng(SEED)
    sims = np.full(SIMULATIONS, last.end)
    if h > 0:
        gs, qs, xs = _grant_paths(grants, h, rng), _share_paths(q, h, rng), _share_paths(x, h, rng)
        for i in range(h):
            sims = sims + gs[:, i] + (qs[:, i] - xs[:, i]) * sims
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
        sims = sims / population_draws(population, year - lag, rng) * PER10K
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
    """The yearly values whose year has ended by ``as_of``: the actual values, and the
    baseline (an observed value too) when its year has no actual value."""
    seen = {
        a.year: float(a.value)
        for a in target.actuals
        if a.value is not None and np.isfinite(a.value) and date(a.year, 12, 31) <= as_of
    }
    base_year, base = target.baseline_year, target.baseline_value
    if (
        base_year is not None
        and base is not None
        and np.isfinite(base)
        and date(base_year, 12, 31) <= as_of
    ):
        seen.setdefault(base_year, float(base))
    return seen


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
        p = Projection("observed", year, v, v, v, 1.0 if met else 0.0, {"years": [year]})
        return replace(p, target=target.target_value)
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
            return replace(p, target=target.target_value)
    p = project_series(seen, year, target.target_value, target.direction)
    return replace(p, target=target.target_value)


def target_met_float(direction: Direction, value: float, target: float) -> bool:
    return value >= target if direction == "higher" else value <= target
