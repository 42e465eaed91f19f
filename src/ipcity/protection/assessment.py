"""The protection self-assessment: a score for the city and for each district, item by item.

For each entity (the city: every case; a district: the cases whose 所属区 is that district)
and each scheme item that applies to its level:

- ``indicator``: the protection indicator for the year (``measure = "level"``) or its change
  on the year before (``change``), on the item's filtered cases (``...?kind=admin_ruling``).
  Share of the weight = clamp((value - zero_at) / (full_at - zero_at), 0, 1): linear from
  ``zero_at`` (nothing) to ``full_at`` (everything), in either direction (handling days:
  full_at 90 < zero_at 180). With ``min_cases``, a value resting on fewer cases (the rate's
  or the mean's denominator) is "nothing to judge".
- ``tasks``: the year's work-plan tasks under the item's goals (the city: all of them; a
  district: those it leads, and with ``include_co`` those it co-operates on); among those due
  or done at ``as_of``, the share done on time (or done at all with ``on_time = false``) —
  the task states of ``ipcity.evaluation.tasks``.

Nothing to judge follows ``when_empty`` (``exclude``: left out, the other items scaled up so
the full score stays reachable — scale = full_score / weights judged; ``zero``; ``full``), as
in the unit assessment (docs/evaluation.md). Points are rounded half-up item by item and the
score is their sum, so the breakdown adds up to the score. Districts are ranked (equal scores
share a rank, the next skips: 1, 1, 3).

``assess`` is pure (plain inputs, exact fractions); ``gather`` reads the workspace.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ipcity.clock import app_today
from ipcity.evaluation.assessment import BreakdownItem, Judged, weighted_breakdown
from ipcity.evaluation.exact import round_half_up
from ipcity.evaluation.tasks import TaskInput, task_state
from ipcity.protection import indicators as ind
from ipcity.protection.permissions import require_view_assessment
from ipcity.protection.scheme import ProtectionScheme, SchemeItem
from ipcity.workspace.models import Goal, Unit
from ipcity.workspace.permissions import Actor

CITY_CODE = "310000"


@dataclass(frozen=True)
class Entity:
    code: str  # GB/T 2260: 310000 for the city
    name: str
    name_en: str
    level: str  # city | district
    sort_order: int = 0


@dataclass(frozen=True)
class Observation:
    """An indicator for an entity: this year, last year, and the cases behind this year's
    value (None: a count, where min_cases does not apply)."""

    value: Fraction | None
    previous: Fraction | None = None
    cases: int | None = None


@dataclass(frozen=True)
class AssessmentData:
    year: int
    as_of: date
    entities: tuple[Entity, ...]
    observations: Mapping[tuple[str, str], Observation] = field(default_factory=dict)
    tasks: Mapping[tuple[str, str], Sequence[TaskInput]] = field(default_factory=dict)
    # (item id, entity code) -> observation / tasks


@dataclass(frozen=True)
class EntityScore:
    entity: Entity
    score: Decimal
    rank: int | None  # districts only
    scale: float
    breakdown: tuple[BreakdownItem, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity": {
                "code": self.entity.code,
                "name": self.entity.name,
                "name_en": self.entity.name_en,
                "level": self.entity.level,
            },
            "score": float(self.score),
            "rank": self.rank,
            "scale": self.scale,
            "breakdown": [b.as_dict() for b in self.breakdown],
        }


@dataclass(frozen=True)
class ProtectionAssessment:
    scheme: ProtectionScheme
    year: int
    as_of: date
    city: EntityScore | None
    districts: list[EntityScore]

    def as_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme.as_dict(),
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "city": self.city.as_dict() if self.city else None,
            "districts": [d.as_dict() for d in self.districts],
        }


def _fmt(x: Fraction) -> str:
    return f"{round_half_up(x, 2)}"


def _judge_indicator(item: SchemeItem, level: str, obs: Observation | None) -> Judged:
    b = item.bounds_for(level)
    if obs is None or obs.value is None:
        return Judged(None, "", None, "no value for the year")
    if b.min_cases and obs.cases is not None and obs.cases < b.min_cases:
        return Judged(
            obs.value, _fmt(obs.value), None, f"only {obs.cases} cases (fewer than {b.min_cases})"
        )
    if item.measure == "change":
        if obs.previous is None:
            return Judged(None, "", None, "no value for the year before")
        raw = obs.value - obs.previous
        text = f"{_fmt(obs.value)} - {_fmt(obs.previous)}"
    else:
        raw, text = obs.value, _fmt(obs.value)
    share = (raw - b.zero_at) / (b.full_at - b.zero_at)
    share = min(Fraction(1), max(Fraction(0), share))
    return Judged(raw, text, share, f"full at {_fmt(b.full_at)}, none at {_fmt(b.zero_at)}")


def _judge_tasks(item: SchemeItem, tasks: Sequence[TaskInput], as_of: date) -> Judged:
    states = [task_state(t, as_of) for t in tasks]
    judged = [s for s in states if s != "open"]
    if not judged:
        return Judged(None, "0/0", None, "no task due or done yet")
    good = sum(1 for s in judged if s == "done_on_time" or (not item.on_time and s == "done_late"))
    share = Fraction(good, len(judged))
    return Judged(share, f"{good}/{len(judged)}", share)


def _score(data: AssessmentData, scheme: ProtectionScheme, entity: Entity) -> EntityScore:
    places = scheme.decimals
    judged: list[tuple[SchemeItem, Judged]] = []
    for item in scheme.items:
        if entity.level not in item.applies_to:
            continue
        key = (item.id, entity.code)
        if item.kind == "indicator":
            j = _judge_indicator(item, entity.level, data.observations.get(key))
        else:
            j = _judge_tasks(item, data.tasks.get(key, ()), data.as_of)
        judged.append((item, j.when_empty(item.when_empty)))
    items, scale = weighted_breakdown(judged, scheme.full_score, places)
    score = sum((b.points for b in items if b.points is not None), Decimal(0))
    return EntityScore(entity, score, None, float(scale), tuple(items))


def assess(data: AssessmentData, scheme: ProtectionScheme) -> ProtectionAssessment:
    """Score the city and every district of ``data`` (see the module doc)."""
    city = next((e for e in data.entities if e.level == "city"), None)
    city_score = _score(data, scheme, city) if city else None
    unranked = [_score(data, scheme, e) for e in data.entities if e.level == "district"]
    unranked.sort(key=lambda s: (-s.score, s.entity.sort_order, s.entity.code))
    districts: list[EntityScore] = []
    rank, previous = 0, None
    for position, s in enumerate(unranked, 1):
        if s.score != previous:
            rank, previous = position, s.score
        districts.append(EntityScore(s.entity, s.score, rank, s.scale, s.breakdown))
    return ProtectionAssessment(scheme, data.year, data.as_of, city_score, districts)


# --- reading the workspace --------------------------------------------------------------------


def entities(session: Session) -> tuple[Entity, ...]:
    out = [Entity(CITY_CODE, "全市", "the city", "city", -1)]
    for u in session.scalars(
        select(Unit)
        .where(Unit.kind == "district", Unit.admin_code.is_not(None), Unit.active.is_(True))
        .order_by(Unit.sort_order, Unit.id)
    ):
        name = u.short_name or u.name
        out.append(Entity(str(u.admin_code), name, name, "district", u.sort_order))
    return tuple(out)


def _as_fraction(value: Any) -> Fraction | None:
    if value is None:
        return None
    return Fraction(value)


def _observations(
    session: Session, item: SchemeItem, year: int, as_of: date, districts: Sequence[str]
) -> dict[str, Observation]:
    parsed = ind.parse_indicator_id(item.indicator)
    scope = ind.scope_for(session, parsed, "ALL")
    years = [year - 1, year] if item.measure == "change" else [year]
    out: dict[str, Observation] = {}
    city = ind.compute(
        session, years=years, indicators=[parsed.indicator], scope=scope, as_of=as_of
    )
    by_year = {r.year: r for r in city.rows}
    out[CITY_CODE] = _observation(parsed.indicator, by_year, year)
    per = ind.compute(
        session,
        years=years,
        by=("district",),
        indicators=[parsed.indicator],
        scope=scope,
        as_of=as_of,
    )
    rows: dict[str, dict[int, ind.IndicatorRow]] = {}
    for r in per.rows:
        rows.setdefault(r.dim("district") or "", {})[r.year] = r
    for code in districts:
        out[code] = _observation(parsed.indicator, rows.get(code, {}), year)
    return out


def _observation(indicator: str, by_year: Mapping[int, ind.IndicatorRow], year: int) -> Observation:
    cur = by_year.get(year)
    prev = by_year.get(year - 1)
    short = ind.short_id(indicator)
    counts = short in (
        "cases_received",
        "cases_closed",
        "pending_start",
        "pending_end",
        "foreign_related_cases",
        "cross_region_cases",
    )
    value = _as_fraction(cur.value) if cur else None
    if cur is None and counts:
        value = Fraction(0)  # no case in that district: a count of zero
    previous = _as_fraction(prev.value) if prev else (Fraction(0) if counts else None)
    # the cases behind a rate or a mean: its denominator; a count has none
    cases = None if counts or cur is None else cur.denominator
    return Observation(value, previous, cases)


def _goal_subtree(session: Session, codes: Sequence[str]) -> set[int] | None:
    """Ids of the goals with these codes (any plan) and every goal below them; None = no
    restriction."""
    if not codes:
        return None
    goals = list(session.scalars(select(Goal)))
    children: dict[int, list[int]] = {}
    for g in goals:
        if g.parent_id is not None:
            children.setdefault(g.parent_id, []).append(g.id)
    todo = [g.id for g in goals if g.code in codes]
    out: set[int] = set()
    while todo:
        gid = todo.pop()
        if gid not in out:
            out.add(gid)
            todo += children.get(gid, [])
    return out


def _tasks(
    session: Session, item: SchemeItem, year: int, as_of: date, districts: Sequence[str]
) -> dict[str, list[TaskInput]]:
    """The item's tasks as they stood at the end of ``as_of`` (on a past day: the history's
    tasks, dates and review states, as the evaluation reads them)."""
    from ipcity.evaluation.gather import task_inputs, year_tasks

    _wps, tasks = year_tasks(session, year)
    allowed = _goal_subtree(session, item.goals)
    if allowed is not None:
        tasks = [t for t in tasks if t.goal_id in allowed]
    inputs = task_inputs(session, tasks, as_of=as_of)
    out: dict[str, list[TaskInput]] = {CITY_CODE: list(inputs)}
    for code in districts:
        out[code] = [
            t
            for t in inputs
            if t.lead_unit.admin_code == code
            or (item.include_co and any(c.admin_code == code for c in t.co_units))
        ]
    return out


def gather(session: Session, year: int, as_of: date, scheme: ProtectionScheme) -> AssessmentData:
    """The inputs of :func:`assess` from the workspace (cases, work plans, reports)."""
    ents = entities(session)
    districts = [e.code for e in ents if e.level == "district"]
    observations: dict[tuple[str, str], Observation] = {}
    tasks: dict[tuple[str, str], Sequence[TaskInput]] = {}
    for item in scheme.items:
        if item.kind == "indicator":
            for code, obs in _observations(session, item, year, as_of, districts).items():
                observations[(item.id, code)] = obs
        else:
            for code, ts in _tasks(session, item, year, as_of, districts).items():
                tasks[(item.id, code)] = ts
    return AssessmentData(year, as_of, ents, observations, tasks)


def self_assessment(
    session: Session,
    viewer: Actor,
    year: int,
    *,
    as_of: date | None = None,
    scheme: ProtectionScheme | None = None,
) -> ProtectionAssessment:
    """The self-assessment for ``year`` as of ``as_of`` (default: 31 December of the year, or
    today while it runs) — office admins and leaders."""
    from ipcity.protection.scheme import default_scheme

    require_view_assessment(viewer)
    scheme = scheme or default_scheme()
    as_of = as_of or min(date(year, 12, 31), app_today())
    return assess(gather(session, year, as_of, scheme), scheme)
