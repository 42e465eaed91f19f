"""Indicators on the pages: the traffic light against the straight path to the target, and
the chart data (actual values beside the path from baseline to target).

The light compares ``attainment`` (``workspace.actuals.attainment``: the share of the way from
baseline to target covered by the latest value, 1.0 = target met) with the share of the plan
period that had passed in the latest value's year (``time_share``):

- green: the target is met (attainment >= 1), or attainment >= time_share x on_track
  (the evaluation's "on track" threshold, 0.95 by default: on or ahead of the straight path);
- yellow: moving the right way (attainment > 0) but behind the straight path;
- red: no better than the baseline (attainment <= 0);
- none (grey): no value after the baseline year, or no baseline to draw a path from.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any

from ipcity.evaluation.thresholds import default_thresholds
from ipcity.web.i18n import N_
from ipcity.workspace.actuals import IndicatorSeries
from ipcity.workspace.models import IndicatorTarget

LIGHT_REASONS = {
    "met": N_("target met"),
    "on_path": N_("on or ahead of the straight path to the target"),
    "behind": N_("behind the straight path to the target"),
    "not_better": N_("no better than the baseline"),
    "no_value": N_("no value after the baseline year"),
    "no_baseline": N_("no baseline to draw a path from"),
}


@dataclass(frozen=True)
class Light:
    colour: str  # green | yellow | red | none
    reason: str  # a key of LIGHT_REASONS
    share: Fraction | None  # share of the period from baseline to target year passed

    @property
    def time_share(self) -> float | None:
        return float(self.share) if self.share is not None else None

    @property
    def reason_text(self) -> str:
        return LIGHT_REASONS[self.reason]


def time_share(baseline_year: int | None, target_year: int, year: int | None) -> Fraction | None:
    """(year - baseline year) / (target year - baseline year), clipped to 0..1 (exact)."""
    if baseline_year is None or year is None:
        return None
    span = target_year - baseline_year
    if span <= 0:
        return Fraction(1)
    return min(Fraction(1), max(Fraction(0), Fraction(year - baseline_year, span)))


@cache
def _default_on_track() -> Fraction:
    # The evaluation's shipped default (read from its TOML once, not per indicator).
    return default_thresholds().on_track


def indicator_light(series: IndicatorSeries, *, on_track: float | None = None) -> Light:
    """The traffic light of one indicator (rules in the module doc)."""
    limit = Fraction(str(on_track)) if on_track is not None else _default_on_track()
    t = series.target
    share = time_share(t.baseline_year, t.target_year, series.latest_year)
    # Exact decimals (as printed) so a boundary case cannot flip on binary rounding.
    a = Fraction(str(series.attainment)) if series.attainment is not None else None
    if a is not None and a >= 1:
        return Light("green", "met", share)
    if t.baseline_value is None or t.baseline_year is None:
        return Light("none", "no_baseline", share)
    if a is None or share is None or (series.latest_year or 0) <= t.baseline_year:
        return Light("none", "no_value", share)
    if a <= 0:
        return Light("red", "not_better", share)
    if a >= share * limit:
        return Light("green", "on_path", share)
    return Light("yellow", "behind", share)


def path_points(t: IndicatorTarget) -> list[tuple[int, float]]:
    """The straight path from (baseline year, baseline) to (target year, target)."""
    points = []
    if t.baseline_year is not None and t.baseline_value is not None:
        points.append((t.baseline_year, t.baseline_value))
    points.append((t.target_year, t.target_value))
    return points


def chart_data(series: IndicatorSeries, labels: dict[str, str]) -> dict[str, Any]:
    """Plotly traces (drawn by static/charts.js): computed, published, the path."""
    t = series.target
    computed = [(r.year, r.computed) for r in series.rows if r.computed is not None]
    published = [(r.year, r.published) for r in series.rows if r.published is not None]
    path = path_points(t)
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": labels["path"],
            "x": [p[0] for p in path],
            "y": [p[1] for p in path],
            "line": {"dash": "dash", "color": "#8a94a6"},
        }
    ]
    if published:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": labels["published"],
                "x": [p[0] for p in published],
                "y": [p[1] for p in published],
                "line": {"color": "#1f4e8c"},
            }
        )
    if computed:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": labels["computed"],
                "x": [p[0] for p in computed],
                "y": [p[1] for p in computed],
                "line": {"color": "#c8102e"},
            }
        )
    return {
        "data": traces,
        "layout": {
            "margin": {"l": 60, "r": 20, "t": 20, "b": 40},
            "xaxis": {"dtick": 1, "title": {"text": labels["year"]}},
            "yaxis": {"title": {"text": t.unit or ""}},
            "legend": {"orientation": "h", "y": -0.2},
            "height": 360,
        },
    }
