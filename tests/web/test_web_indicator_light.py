"""The dashboard's traffic light of an indicator, by hand.

time_share = (latest year - baseline year) / (target year - baseline year), clipped to 0..1;
green when the target is met or attainment >= time_share x 0.95; yellow when 0 < attainment
below that; red when attainment <= 0; grey without a value after the baseline year.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from ipcity.web.views.indicators import chart_data, indicator_light, path_points, time_share
from ipcity.workspace.actuals import IndicatorSeries, attainment
from ipcity.workspace.models import IndicatorTarget


def _series(
    *,
    baseline: float | None,
    target: float,
    latest: float | None,
    latest_year: int | None,
    direction: str = "higher",
    baseline_year: int | None = 2020,
    target_year: int = 2025,
) -> IndicatorSeries:
    t = IndicatorTarget(
        id=1,
        plan_id=1,
        code="X",
        name="X",
        unit="件",
        direction=direction,
        baseline_year=baseline_year,
        baseline_value=baseline,
        target_year=target_year,
        target_value=target,
        region="ALL",
    )
    a = attainment(baseline=baseline, target=target, actual=latest, direction=direction)
    return IndicatorSeries(t, [], latest_year, latest, a)


def test_time_share() -> None:
    assert time_share(2020, 2025, 2022) == Fraction(2, 5)  # 2 of 5 years
    assert time_share(2020, 2025, 2019) == 0  # before the baseline: clipped
    assert time_share(2020, 2025, 2027) == 1  # after the target year: clipped
    assert time_share(2020, 2020, 2020) == 1  # no span: all due
    assert time_share(None, 2025, 2022) is None


@pytest.mark.parametrize(
    ("baseline", "target", "latest", "year", "direction", "colour", "reason"),
    [
        # (15 - 10) / (20 - 10) = 0.5 >= 2/5 x 0.95 = 0.38: green, on the path
        (10, 20, 15, 2022, "higher", "green", "on_path"),
        # boundary: 0.38 exactly (13.8 - 10) / 10 = 0.38 = 0.4 x 0.95: green
        (10, 20, 13.8, 2022, "higher", "green", "on_path"),
        # just below: (13.79 - 10) / 10 = 0.379 < 0.38: yellow
        (10, 20, 13.79, 2022, "higher", "yellow", "behind"),
        # no better than the baseline: (10 - 10) / 10 = 0: red
        (10, 20, 10, 2022, "higher", "red", "not_better"),
        # worse than the baseline: (9 - 10) / 10 = -0.1: red
        (10, 20, 9, 2022, "higher", "red", "not_better"),
        # target met: (21 - 10) / 10 = 1.1 >= 1: green
        (10, 20, 21, 2022, "higher", "green", "met"),
        # lower is better: (4 - 4.5) / (3 - 4.5) = 1/3 < 0.38: yellow
        (4.5, 3, 4, 2022, "lower", "yellow", "behind"),
        # lower is better: (3.8 - 4.5) / (3 - 4.5) = 0.4667 >= 0.38: green
        (4.5, 3, 3.8, 2022, "lower", "green", "on_path"),
        # lower is better, got worse: (5 - 4.5) / (-1.5) = -1/3: red
        (4.5, 3, 5, 2022, "lower", "red", "not_better"),
        # the only value is the baseline year's: nothing to judge yet
        (10, 20, 10, 2020, "higher", "none", "no_value"),
        # no value at all
        (10, 20, None, None, "higher", "none", "no_value"),
    ],
)
def test_light(
    baseline: float,
    target: float,
    latest: float | None,
    year: int | None,
    direction: str,
    colour: str,
    reason: str,
) -> None:
    light = indicator_light(
        _series(
            baseline=baseline, target=target, latest=latest, latest_year=year, direction=direction
        )
    )
    assert (light.colour, light.reason) == (colour, reason)


def test_no_baseline_is_grey_unless_met() -> None:
    # Without a baseline attainment is actual / target: 15 / 20 = 0.75, but no path to judge.
    s = _series(baseline=None, target=20, latest=15, latest_year=2022, baseline_year=None)
    assert indicator_light(s).colour == "none"
    met = _series(baseline=None, target=20, latest=20, latest_year=2022, baseline_year=None)
    assert indicator_light(met).reason == "met"


def test_other_thresholds() -> None:
    s = _series(baseline=10, target=20, latest=13.9, latest_year=2022)  # attainment 0.39
    assert indicator_light(s, on_track=1.0).colour == "yellow"  # needs 0.4
    assert indicator_light(s, on_track=0.95).colour == "green"  # needs 0.38


def test_path_and_chart() -> None:
    s = _series(baseline=10, target=20, latest=15, latest_year=2022)
    assert path_points(s.target) == [(2020, 10), (2025, 20)]
    chart = chart_data(s, {"path": "p", "published": "pub", "computed": "c", "year": "y"})
    assert chart["data"][0]["x"] == [2020, 2025]
    assert chart["data"][0]["y"] == [10, 20]
