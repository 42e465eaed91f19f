"""Mid-term evaluation of plan indicators: where each should be by now, where it is, a class.

Definitions (docs/evaluation.md has worked examples):

- Path: straight from (baseline year, baseline value) to (target year, target value), or
  piecewise straight through the milestones in between, on the year scale of
  :mod:`ipcity.evaluation.timeline` (a value for year Y sits at 31 Dec of Y). Before the
  baseline the path is the baseline, after the target year it is the target.
- Actual: the latest yearly value whose year has ended by ``as_of`` (an unfinished year is
  never used: the engine would count a part-year). Values before the baseline year are ignored.
- Expected: the path at the *year of that actual*, not at ``as_of``: statistics come months
  after the year, and comparing 2022's figure with where the path stands in mid-2023 would
  make every indicator look late. ``expected_at_as_of`` is reported alongside.
- Progress ratio = (actual - baseline) / (expected - baseline). For a lower-is-better indicator
  both differences are negative when things go as planned, so the same formula holds: baseline
  10, expected 8, actual 7 -> (-3)/(-2) = 1.5, ahead.
- Class: ``achieved_early`` when the target is met already (actual >= target, or <= for lower
  is better); else by the ratio: ``ahead`` >= thresholds.ahead, ``on_track`` >=
  thresholds.on_track, ``lagging`` below. No ratio exists when the path expects no improvement
  yet (at the baseline year, a flat stretch between milestones, or a target that does not
  improve on the baseline: a floor or ceiling); then the class compares actual with expected:
  better -> ahead, equal -> on_track, worse -> lagging. No actual or no baseline -> ``no_data``.
All arithmetic is exact (see :mod:`ipcity.evaluation.exact`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any, Literal

from ipcity.errors import InputError
from ipcity.evaluation.exact import exact, exact_or_none, to_float
from ipcity.evaluation.figures import value_places
from ipcity.evaluation.thresholds import Thresholds
from ipcity.evaluation.timeline import elapsed_share, year_time
from ipcity.i18n import render

Direction = Literal["higher", "lower"]
Status = Literal["achieved_early", "ahead", "on_track", "lagging", "no_data"]
STATUSES: tuple[Status, ...] = ("achieved_early", "ahead", "on_track", "lagging", "no_data")


def status_label(status: Status | None, lang: str) -> str:
    """The class in words: ``midterm_status.<status>`` of the evaluation catalogue."""
    if status is None:
        return "—"
    return render(f"midterm_status.{status}", None, lang)


@dataclass(frozen=True)
class PathPoint:
    """A milestone of an indicator: the value planned for the end of ``year``."""

    year: int
    value: float


@dataclass(frozen=True)
class Actual:
    """A yearly value of an indicator; ``source`` says where it came from (shown in reports)."""

    year: int
    value: float | None
    source: str = ""


@dataclass(frozen=True)
class IndicatorTargetInput:
    """A plan indicator as the evaluation needs it (filled from the workspace by gather.py)."""

    code: str
    name: str
    direction: Direction
    target_year: int
    target_value: float
    baseline_year: int | None
    baseline_value: float | None
    unit: str = ""
    binding: bool = False
    area: str = ""
    milestones: tuple[PathPoint, ...] = ()
    actuals: tuple[Actual, ...] = ()
    engine_indicator: str | None = None
    id: int | None = None
    region: str = "ALL"  # the region the engine computes it for (projection)


@dataclass(frozen=True)
class MidtermIndicatorRow:
    code: str
    name: str
    unit: str
    direction: Direction
    binding: bool
    area: str
    baseline_year: int | None
    baseline_value: float | None
    target_year: int
    target_value: float
    as_of: date
    expected_at_as_of: float | None
    actual_year: int | None
    actual_value: float | None
    actual_source: str
    time_share: float | None  # share of baseline..target elapsed at the actual's year
    expected_value: float | None  # the path at the actual's year
    progress_ratio: float | None
    target_share: float | None  # (actual - baseline) / (target - baseline): the way done
    status: Status
    note: str = ""
    id: int | None = None
    milestones: tuple[PathPoint, ...] = field(default=())
    places: int = 2  # decimals of its values on every page (evaluation.figures.value_places)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "places": self.places,
            "code": self.code,
            "name": self.name,
            "unit": self.unit,
            "direction": self.direction,
            "binding": self.binding,
            "area": self.area,
            "baseline_year": self.baseline_year,
            "baseline_value": self.baseline_value,
            "target_year": self.target_year,
            "target_value": self.target_value,
            "milestones": [{"year": m.year, "value": m.value} for m in self.milestones],
            "as_of": self.as_of.isoformat(),
            "expected_at_as_of": self.expected_at_as_of,
            "actual_year": self.actual_year,
            "actual_value": self.actual_value,
            "actual_source": self.actual_source,
            "time_share": self.time_share,
            "expected_value": self.expected_value,
            "progress_ratio": self.progress_ratio,
            "target_share": self.target_share,
            "status": self.status,
            "note": self.note,
        }


def _sign(direction: Direction) -> int:
    if direction == "higher":
        return 1
    if direction == "lower":
        return -1
    raise InputError(f"indicator direction must be 'higher' or 'lower', not {direction!r}")


def target_met(direction: Direction, actual: Fraction, target: Fraction) -> bool:
    """Target met: actual >= target (higher is better) or actual <= target (lower is better)."""
    return _sign(direction) * (actual - target) >= 0


def classify(
    direction: Direction,
    baseline: Fraction,
    target: Fraction,
    expected: Fraction,
    actual: Fraction,
    thresholds: Thresholds,
) -> tuple[Status, Fraction | None]:
    """The class and the progress ratio (None when no improvement is expected yet)."""
    s = _sign(direction)
    expected_gain = s * (expected - baseline)
    actual_gain = s * (actual - baseline)
    ratio = actual_gain / expected_gain if expected_gain > 0 else None
    if target_met(direction, actual, target):
        return "achieved_early", ratio
    if ratio is None:
        if actual_gain > expected_gain:
            return "ahead", None
        return ("on_track" if actual_gain == expected_gain else "lagging"), None
    if ratio >= thresholds.ahead:
        return "ahead", ratio
    if ratio >= thresholds.on_track:
        return "on_track", ratio
    return "lagging", ratio


def _path(ind: IndicatorTargetInput) -> list[tuple[Fraction, Fraction]]:
    assert ind.baseline_year is not None and ind.baseline_value is not None
    points = [(Fraction(ind.baseline_year), exact(ind.baseline_value))]
    for m in sorted(ind.milestones, key=lambda p: p.year):
        points.append((Fraction(m.year), exact(m.value)))
    points.append((Fraction(ind.target_year), exact(ind.target_value)))
    return points


def path_value(points: Sequence[tuple[Fraction, Fraction]], at: Fraction) -> Fraction:
    """The piecewise straight path at time ``at``; flat before the first and after the last."""
    if at <= points[0][0]:
        return points[0][1]
    for (t0, v0), (t1, v1) in itertools.pairwise(points):
        if at <= t1:
            return v0 + (v1 - v0) * (at - t0) / (t1 - t0)
    return points[-1][1]


def validate(ind: IndicatorTargetInput) -> None:
    """One-line errors for a plan indicator the evaluation cannot use."""
    _sign(ind.direction)
    where = f"indicator {ind.code}"
    if ind.baseline_year is not None and ind.baseline_year >= ind.target_year:
        raise InputError(
            f"{where}: baseline year {ind.baseline_year} must be before the target year "
            f"{ind.target_year}"
        )
    years = [m.year for m in ind.milestones]
    if len(set(years)) != len(years):
        raise InputError(f"{where}: two milestones for the same year")
    low = ind.baseline_year if ind.baseline_year is not None else -(10**9)
    for y in years:
        if not (low < y < ind.target_year):
            raise InputError(
                f"{where}: milestone year {y} must lie between the baseline and target years"
            )


def evaluate_indicator(
    ind: IndicatorTargetInput, as_of: date, thresholds: Thresholds
) -> MidtermIndicatorRow:
    validate(ind)
    now = year_time(as_of)
    target = exact(ind.target_value)
    baseline = exact_or_none(ind.baseline_value) if ind.baseline_year is not None else None
    points = _path(ind) if baseline is not None else None

    usable = [
        a
        for a in ind.actuals
        if exact_or_none(a.value) is not None
        and Fraction(a.year) <= now
        and (ind.baseline_year is None or a.year >= ind.baseline_year)
    ]
    latest = max(usable, key=lambda a: a.year) if usable else None

    status: Status = "no_data"
    ratio: Fraction | None = None
    expected: Fraction | None = None
    time_share: Fraction | None = None
    target_share: Fraction | None = None
    note = ""
    if latest is None:
        note = "no value for a finished year since the baseline"
    else:
        assert latest.value is not None
        actual = exact(latest.value)
        if baseline is None or points is None:
            if target_met(ind.direction, actual, target):
                status = "achieved_early"
            note = "no baseline: only whether the target is met can be judged"
        else:
            at = Fraction(latest.year)
            expected = path_value(points, at)
            time_share = elapsed_share(points[0][0], points[-1][0], at)
            status, ratio = classify(ind.direction, baseline, target, expected, actual, thresholds)
            s = _sign(ind.direction)
            if s * (target - baseline) > 0:
                target_share = (actual - baseline) / (target - baseline)
            else:
                note = "the target does not improve on the baseline: judged as a floor/ceiling"
    expected_now = path_value(points, now) if points is not None else None
    return MidtermIndicatorRow(
        id=ind.id,
        code=ind.code,
        name=ind.name,
        unit=ind.unit,
        direction=ind.direction,
        binding=ind.binding,
        area=ind.area,
        baseline_year=ind.baseline_year,
        baseline_value=ind.baseline_value,
        target_year=ind.target_year,
        target_value=ind.target_value,
        milestones=tuple(sorted(ind.milestones, key=lambda p: p.year)),
        as_of=as_of,
        expected_at_as_of=to_float(expected_now),
        actual_year=latest.year if latest else None,
        actual_value=latest.value if latest else None,
        actual_source=latest.source if latest else "",
        time_share=to_float(time_share),
        expected_value=to_float(expected),
        progress_ratio=to_float(ratio),
        target_share=to_float(target_share),
        status=status,
        note=note,
        places=value_places(ind.engine_indicator, ind.baseline_value, ind.target_value),
    )
