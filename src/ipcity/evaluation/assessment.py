"""Assessment of member units and districts under a scheme: score, rank, and the breakdown.

For each unit and each item that applies to its kind:
- ``tasks_on_time`` / ``tasks_done``: among the unit's tasks that are due or done at
  ``as_of`` (state done_on_time, done_late or overdue; open tasks are not judged yet), the
  share done on time / done at all; points = weight x share.
- ``reports_on_time``: among progress reports due by ``as_of`` or already submitted, the share
  submitted on or before their due date; points = weight x share.
- ``indicator_growth``: the district's indicator (``measure``: change = this year - last
  year, growth_pct = that change in % of last year, level = this year) against a reference:
  the best or the median of the districts it applies to, or a fixed ``target``;
  points = weight x clamp(raw / reference, 0, 1). When the best or median is not positive
  (no district improved) a ratio means nothing: the item then scores linearly from the worst
  (0) to the best (full weight), and nobody scores if all are equal.
- ``overdue_deduction``: minus points_per_task for each task overdue at ``as_of`` (and done
  late ones when ``count_done_late``), at most ``cap``.
An item with nothing to judge (no task due, no data) follows ``when_empty``: ``exclude`` (the
default) leaves it out and scales the unit's other items up so the full score stays reachable
(scale = full_score / weights of the items judged); ``zero`` gives 0; ``full`` the weight.
Points are rounded half-up to ``decimals`` item by item and the score is their sum, so the
breakdown adds up exactly to the score shown. Ranks: within each unit kind (or all units),
higher score first; equal scores share a rank and the next rank skips (1, 2, 2, 4).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol

from ipcity.evaluation.exact import exact_or_none, round_half_up
from ipcity.evaluation.scheme import Item, Scheme
from ipcity.evaluation.tasks import TaskInput, UnitRef, task_state

KIND_ORDER = {"office": 0, "municipal": 1, "district": 2}

# indicator id -> GB/T 2260 code -> year -> value
IndicatorValues = Mapping[str, Mapping[str, Mapping[int, float | None]]]


@dataclass(frozen=True)
class ReportDue:
    """A progress report a unit owes: due on ``due``, submitted on ``submitted_on`` (or not)."""

    unit_code: str
    task_code: str
    period: str
    due: date
    submitted_on: date | None = None


@dataclass(frozen=True)
class AssessmentInput:
    year: int
    as_of: date
    units: tuple[UnitRef, ...]
    tasks: tuple[TaskInput, ...] = ()
    reports: tuple[ReportDue, ...] = ()
    indicator_values: IndicatorValues = field(default_factory=dict)


@dataclass(frozen=True)
class BreakdownItem:
    item_id: str
    label: str
    label_en: str
    kind: str
    weight: float | None  # None for a deduction
    raw: float | None  # the share, the growth, or the count of overdue tasks
    raw_text: str  # how raw was obtained: "3/4", "5.20 - 4.10", "2 overdue"
    points: Decimal | None  # None: excluded (nothing to judge)
    max_points: Decimal | None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "item": self.item_id,
            "label": self.label,
            "label_en": self.label_en,
            "kind": self.kind,
            "weight": self.weight,
            "raw": self.raw,
            "raw_text": self.raw_text,
            "points": None if self.points is None else float(self.points),
            "max_points": None if self.max_points is None else float(self.max_points),
            "note": self.note,
        }


@dataclass(frozen=True)
class UnitScore:
    unit: UnitRef
    group: str
    score: Decimal
    rank: int
    scale: float
    breakdown: tuple[BreakdownItem, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": {
                "code": self.unit.code,
                "name": self.unit.name,
                "kind": self.unit.kind,
                "admin_code": self.unit.admin_code,
            },
            "group": self.group,
            "score": float(self.score),
            "rank": self.rank,
            "scale": self.scale,
            "breakdown": [b.as_dict() for b in self.breakdown],
        }


@dataclass(frozen=True)
class AssessmentResult:
    scheme: Scheme
    year: int
    as_of: date
    scores: list[UnitScore]

    def as_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme.as_dict(),
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "scores": [s.as_dict() for s in self.scores],
        }


@dataclass(frozen=True)
class Judged:
    """One item judged for one unit (or district): its raw figure and the share earned."""

    raw: Fraction | None
    raw_text: str
    share: Fraction | None  # the fraction of the weight earned; None = nothing to judge
    note: str = ""

    def when_empty(self, rule: str) -> Judged:
        """Nothing to judge: ``exclude`` keeps it out (unchanged), ``full`` / ``zero`` give a
        share of 1 / 0, said in the note."""
        if self.share is not None or rule == "exclude":
            return self
        share = Fraction(1 if rule == "full" else 0)
        return Judged(self.raw, self.raw_text, share, f"{self.note} (when_empty = {rule})")


class WeightedItem(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def label_en(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def weight(self) -> Fraction: ...


def weighted_breakdown(
    judged: Sequence[tuple[WeightedItem, Judged]], full_score: Fraction, places: int
) -> tuple[list[BreakdownItem], Fraction]:
    """The points of each judged item and the scale: the items left out (no share) are
    listed without points, and the others scaled up so the full score stays reachable."""
    counted = sum((i.weight for i, j in judged if j.share is not None), Fraction(0))
    scale = full_score / counted if counted else Fraction(0)
    items = [
        BreakdownItem(
            item_id=item.id,
            label=item.label,
            label_en=item.label_en,
            kind=item.kind,
            weight=float(item.weight),
            raw=None if j.raw is None else float(j.raw),
            raw_text=j.raw_text,
            points=None
            if j.share is None
            else round_half_up(item.weight * scale * j.share, places),
            max_points=None if j.share is None else round_half_up(item.weight * scale, places),
            note=j.note if j.share is not None else f"{j.note}: left out",
        )
        for item, j in judged
    ]
    return items, scale


def _fmt(x: Fraction, places: int = 2) -> str:
    return f"{round_half_up(x, places)}"


def _unit_tasks(unit: UnitRef, tasks: Sequence[TaskInput], include_co: bool) -> list[TaskInput]:
    return [
        t
        for t in tasks
        if t.lead_unit.code == unit.code
        or (include_co and any(c.code == unit.code for c in t.co_units))
    ]


def _tasks_share(tasks: Sequence[TaskInput], as_of: date, on_time_only: bool) -> Judged:
    states = [task_state(t, as_of) for t in tasks]
    judged = [s for s in states if s != "open"]
    good = sum(1 for s in judged if s == "done_on_time" or (not on_time_only and s == "done_late"))
    if not judged:
        return Judged(None, "0/0", None, "no task due or done yet")
    share = Fraction(good, len(judged))
    return Judged(share, f"{good}/{len(judged)}", share)


def _reports_share(reports: Sequence[ReportDue], as_of: date) -> Judged:
    judged = [
        r
        for r in reports
        if r.due < as_of or (r.submitted_on is not None and r.submitted_on <= as_of)
    ]
    good = sum(
        1
        for r in judged
        if r.submitted_on is not None and r.submitted_on <= r.due and r.submitted_on <= as_of
    )
    if not judged:
        return Judged(None, "0/0", None, "no report due yet")
    share = Fraction(good, len(judged))
    return Judged(share, f"{good}/{len(judged)}", share)


def _indicator_raw(
    item: Item, unit: UnitRef, values: IndicatorValues, year: int
) -> tuple[Fraction | None, str]:
    series = values.get(item.indicator, {}).get(unit.admin_code or "", {})
    cur = exact_or_none(series.get(year))
    prev = exact_or_none(series.get(year - 1))
    if item.measure == "level":
        return cur, "" if cur is None else _fmt(cur)
    if cur is None or prev is None:
        return None, ""
    if item.measure == "change":
        return cur - prev, f"{_fmt(cur)} - {_fmt(prev)}"
    if prev == 0:
        return None, f"{_fmt(cur)} vs 0"
    return (cur - prev) / prev * 100, f"({_fmt(cur)} - {_fmt(prev)}) / {_fmt(prev)} x 100"


def _indicator_judged(
    item: Item, raw: Fraction | None, raw_text: str, peers: list[Fraction]
) -> Judged:
    if raw is None:
        return Judged(None, raw_text, None, f"no {item.indicator} data for this unit")
    if item.against == "target":
        assert item.target is not None
        ref: Fraction = item.target
        what = f"target {_fmt(ref)}"
    elif item.against == "best":
        ref, what = max(peers), f"best {_fmt(max(peers))}"
    else:
        med = Fraction(statistics.median(peers))
        ref, what = med, f"median {_fmt(med)}"
    if ref > 0:
        share = min(Fraction(1), max(Fraction(0), raw / ref))
        return Judged(raw, raw_text, share, f"against the {what}")
    best, worst = max(peers), min(peers)
    share = Fraction(0) if best == worst else (raw - worst) / (best - worst)
    return Judged(
        raw,
        raw_text,
        share,
        f"the {what} is not positive: scored from the worst {_fmt(worst)} to the best {_fmt(best)}",
    )


def _applies(item: Item, unit: UnitRef) -> bool:
    return unit.kind in item.applies_to


def assess(data: AssessmentInput, scheme: Scheme) -> AssessmentResult:
    """Score and rank every unit of ``data`` under ``scheme`` (see the module docstring)."""
    places = scheme.decimals
    # References of indicator items are taken over every unit the item applies to.
    peers: dict[str, list[Fraction]] = {}
    raws: dict[tuple[str, str], tuple[Fraction | None, str]] = {}
    for item in scheme.items:
        if item.kind != "indicator_growth":
            continue
        for unit in data.units:
            if _applies(item, unit):
                raw = _indicator_raw(item, unit, data.indicator_values, data.year)
                raws[(item.id, unit.code)] = raw
                if raw[0] is not None:
                    peers.setdefault(item.id, []).append(raw[0])

    unranked: list[tuple[UnitRef, str, Decimal, float, tuple[BreakdownItem, ...]]] = []
    for unit in data.units:
        tasks = _unit_tasks(unit, data.tasks, scheme.include_co_units)
        reports = [r for r in data.reports if r.unit_code == unit.code]
        judged: list[tuple[Item, Judged]] = []
        for item in scheme.items:
            if not _applies(item, unit) or item.is_deduction:
                continue
            if item.kind in ("tasks_on_time", "tasks_done"):
                j = _tasks_share(tasks, data.as_of, item.kind == "tasks_on_time")
            elif item.kind == "reports_on_time":
                j = _reports_share(reports, data.as_of)
            else:
                value, text = raws[(item.id, unit.code)]
                j = _indicator_judged(item, value, text, peers.get(item.id, []))
            judged.append((item, j.when_empty(item.when_empty)))
        items, scale = weighted_breakdown(judged, scheme.full_score, places)
        for item in scheme.items:
            if item.is_deduction and _applies(item, unit):
                states = [task_state(t, data.as_of) for t in tasks]
                n = sum(
                    1
                    for s in states
                    if s == "overdue" or (item.count_done_late and s == "done_late")
                )
                off = item.points_per_task * n
                capped = item.cap is not None and off > item.cap
                if item.cap is not None:
                    off = min(off, item.cap)
                items.append(
                    BreakdownItem(
                        item_id=item.id,
                        label=item.label,
                        label_en=item.label_en,
                        kind=item.kind,
                        weight=None,
                        raw=float(n),
                        raw_text=f"{n} x {_fmt(item.points_per_task)}",
                        points=-round_half_up(off, places) if off else round_half_up(off, places),
                        max_points=None,
                        note="capped" if capped else "",
                    )
                )
        score = sum((b.points for b in items if b.points is not None), Decimal(0))
        group = unit.kind if scheme.rank_within == "kind" else "all"
        unranked.append((unit, group, score, float(scale), tuple(items)))

    scores: list[UnitScore] = []
    groups = sorted({g for _, g, *_ in unranked}, key=lambda g: (KIND_ORDER.get(g, 9), g))
    for g in groups:
        members = sorted(
            (u for u in unranked if u[1] == g),
            key=lambda u: (-u[2], u[0].sort_order, u[0].code),
        )
        rank = 0
        previous: Decimal | None = None
        for position, (member, group, total, factor, breakdown) in enumerate(members, 1):
            if total != previous:
                rank, previous = position, total
            scores.append(UnitScore(member, group, total, rank, factor, breakdown))
    return AssessmentResult(scheme=scheme, year=data.year, as_of=data.as_of, scores=scores)
