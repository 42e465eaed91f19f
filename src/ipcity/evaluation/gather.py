"""Fill the evaluation's inputs from the workspace (SQLAlchemy) and the warehouse (engine).

Where each input comes from:
- plan indicators: ``indicator_targets`` of the plan; the area is the top-level goal.
- actual values, per year, first found wins: a published actual entered by the office
  (source "published: <source>"); else the engine computed now from the warehouse (when one is
  given), office CN, with each region's configured population lag
  (``ipcity.settings.population_lag``: Shanghai 1, as it publishes; others 0); else the newest
  computed snapshot in the workspace. As of a day before the app's date, the published values
  are those recorded by the end of that day (``ipcity.workspace.history.published_on``: an
  entry made later is left out, one corrected later has the value it had then); engine values
  are by year, not by entry date, and are taken as they are.
- tasks: every task linked to a goal of the plan, plus the tasks of the plan's work plans.
  A task counts as completed on the day its lead unit submitted the progress report of 100%
  that the office accepted (the submission date in local time; the earliest when several).
  As of a day before the app's date, tasks and reports are taken as they stood at the end of
  that day (``ipcity.workspace.history``): what was recorded after it does not count, and a
  task has the title, lead unit and dates it had then.
- progress reports owed (assessment): for each task, its lead unit owes one report per period
  (``cadence`` month/quarter/half/year) whose end falls from the task's start to its deadline
  or completion; each is due ``grace_days`` after the period end and counts as submitted on
  the day of its first submission.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from ipcity import settings
from ipcity.clock import app_today
from ipcity.errors import InputError
from ipcity.evaluation.assessment import AssessmentInput, ReportDue
from ipcity.evaluation.midterm import Actual, IndicatorTargetInput, PathPoint
from ipcity.evaluation.plan import PlanInput
from ipcity.evaluation.scheme import Scheme
from ipcity.evaluation.tasks import TaskInput, UnitRef
from ipcity.workspace.actuals import find_provider
from ipcity.workspace.history import (
    TaskOnDay,
    existing_on,
    lead_progress_on,
    published_on,
    tasks_on,
    work_plans_on,
)
from ipcity.workspace.models import (
    ComputedActual,
    Goal,
    IndicatorTarget,
    Plan,
    ProgressReport,
    PublishedActual,
    ReportEvent,
    ReportRevision,
    Task,
    Unit,
    WorkPlan,
)
from ipcity.workspace.progress import awaiting_review

if TYPE_CHECKING:
    from ipcity.warehouse.store import Warehouse

Cadence = Literal["month", "quarter", "half", "year"]
CADENCE_MONTHS: dict[str, int] = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def find_plan(session: Session, ref: str | int) -> Plan:
    """A plan by id (digits) or code; InputError naming the valid codes otherwise."""
    text = str(ref).strip()
    plan = None
    if text.isdigit():
        plan = session.get(Plan, int(text))
    if plan is None:
        plan = session.scalars(select(Plan).where(Plan.code == text)).first()
    if plan is None:
        codes = [c for c in session.scalars(select(Plan.code).order_by(Plan.id))]
        known = ", ".join(codes) if codes else "none: create one in the workspace first"
        raise InputError(f"no plan '{text}' in the workspace (plans: {known})")
    return plan


def plan_for_year(session: Session, year: int) -> Plan | None:
    """The plan whose period covers ``year``: a five-year plan first, then the shortest."""
    plans = list(
        session.scalars(select(Plan).where(Plan.start_year <= year, Plan.end_year >= year))
    )
    plans.sort(key=lambda p: (p.kind != "five_year", p.end_year - p.start_year, p.id))
    return plans[0] if plans else None


def unit_ref(u: Unit) -> UnitRef:
    return UnitRef(
        code=u.code,
        name=u.short_name or u.name,
        kind=u.kind,
        id=u.id,
        admin_code=u.admin_code,
        sort_order=u.sort_order,
    )


def _local_date(at: datetime) -> date:
    """Workspace timestamps are naive UTC; a deadline is a local calendar day."""
    return at.replace(tzinfo=UTC).astimezone().date()


def completion_dates(session: Session, task_ids: Collection[int]) -> dict[int, date]:
    """Task id -> the day its lead unit submitted the accepted 100% report (earliest)."""
    if not task_ids:
        return {}
    rows = session.execute(
        select(ProgressReport.task_id, ReportEvent.at)
        .join(Task, Task.id == ProgressReport.task_id)
        .join(
            ReportRevision,
            and_(
                ReportRevision.report_id == ProgressReport.id,
                ReportRevision.revision_no == ProgressReport.current_revision,
            ),
        )
        .join(
            ReportEvent,
            and_(
                ReportEvent.report_id == ProgressReport.id,
                ReportEvent.revision_no == ProgressReport.current_revision,
                ReportEvent.kind == "submit",
            ),
        )
        .where(
            ProgressReport.task_id.in_(list(task_ids)),
            ProgressReport.state == "accepted",
            ProgressReport.unit_id == Task.lead_unit_id,
            ReportRevision.percent >= 100,
        )
    ).all()
    out: dict[int, date] = {}
    for task_id, at in rows:
        d = _local_date(at)
        if task_id not in out or d < out[task_id]:
            out[task_id] = d
    return out


def _root_goals(goals: Iterable[Goal]) -> dict[int, Goal]:
    """Goal id -> its top-level goal (the plan area)."""
    by_id = {g.id: g for g in goals}
    roots: dict[int, Goal] = {}
    for g in by_id.values():
        cur, seen = g, set()
        while cur.parent_id is not None and cur.parent_id in by_id and cur.id not in seen:
            seen.add(cur.id)
            cur = by_id[cur.parent_id]
        roots[g.id] = cur
    return roots


def task_inputs(
    session: Session,
    tasks: Sequence[Task],
    *,
    today: date | None = None,
    as_of: date | None = None,
) -> list[TaskInput]:
    """Workspace tasks as evaluation inputs (area = the top-level goal of the task's goal),
    as they stood at the end of ``as_of`` (default: the reference date).

    On or after the reference date (``today``, default the app's date) the tables' present
    state counts, and a completion is never later than the reference date (with the app's date
    fixed, as in the demo and tests, the clock may stamp a report "after" it; the dashboard
    already counts such a task done, and so do the evaluation and the report). Before it, the
    state of ``as_of`` is read from the history (``ipcity.workspace.history``): tasks created
    after it are left out, each task has the title, lead unit and dates it had then, and its
    reports count in the state they were in that day (submitted by then but reviewed later:
    waiting for review)."""
    day = app_today(today)
    if as_of is not None and as_of < day:
        return _task_inputs_on(session, tasks, as_of)
    done = completion_dates(session, [t.id for t in tasks])
    pending = awaiting_review(session, [t.id for t in tasks])
    return _inputs(session, tasks, {k: min(v, day) for k, v in done.items()}, pending, {})


def _task_inputs_on(session: Session, tasks: Sequence[Task], as_of: date) -> list[TaskInput]:
    """``task_inputs`` at the end of a past day, from the history: each task with the title,
    lead unit and dates it had then, its progress that of the lead unit of that day."""
    alive = existing_on(session, "task", [t.id for t in tasks], as_of)
    tasks = [t for t in tasks if t.id in alive]
    then = tasks_on(session, [t.id for t in tasks], as_of)
    plans_then = work_plans_on(session, {t.work_plan_id for t in tasks}, as_of)
    leads = {t.id: then[t.id].lead_unit_id if t.id in then else t.lead_unit_id for t in tasks}
    progress = lead_progress_on(session, leads, as_of)
    done = {k: min(_local_date(at), as_of) for k, at in progress.completed.items()}
    starts = {k: w.start_date for k, w in plans_then.items()}
    return _inputs(session, tasks, done, progress.awaiting_review, then, starts)


def _inputs(
    session: Session,
    tasks: Sequence[Task],
    done: dict[int, date],
    pending: Collection[int],
    then_of: dict[int, TaskOnDay],
    plan_starts: dict[int, date] | None = None,
) -> list[TaskInput]:
    """``then_of``: the tasks as they were on a past day (``tasks_on``); ``plan_starts``: work
    plan id -> its start on that day, when it has changed since (``work_plans_on``)."""
    # units a task had on a past day and no longer has (one query for all of them)
    units: dict[int, Unit] = {t.lead_unit_id: t.lead_unit for t in tasks}
    units |= {u.id: u for t in tasks for u in t.co_units}
    former = {w.lead_unit_id for w in then_of.values()}
    former |= {i for w in then_of.values() for i in (w.co_unit_ids or ())}
    former -= set(units)
    if former:
        units |= {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(former)))}
    starts = plan_starts or {}
    goal_ids = {t.goal_id for t in tasks if t.goal_id is not None}
    goals = list(session.scalars(select(Goal).where(Goal.id.in_(goal_ids)))) if goal_ids else []
    # the whole tree of those plans, so a deep goal finds its root
    plan_ids = {g.plan_id for g in goals}
    if plan_ids:
        goals = list(session.scalars(select(Goal).where(Goal.plan_id.in_(plan_ids))))
    roots = _root_goals(goals)
    out = []
    for t in tasks:
        root = roots.get(t.goal_id) if t.goal_id is not None else None
        then = then_of.get(t.id)
        out.append(
            TaskInput(
                id=t.id,
                code=t.code,
                title=then.title if then else t.title,
                lead_unit=unit_ref(units[then.lead_unit_id] if then else t.lead_unit),
                co_units=_co_units(t, then, units),
                deadline=then.deadline if then else t.deadline,
                completed_on=done.get(t.id),
                area_code=root.code if root else "",
                area_title=root.title if root else "",
                area_order=root.sort_order if root else 10**6,
                start=(
                    (then.start_date if then else t.start_date)
                    or starts.get(t.work_plan_id)
                    or t.work_plan.start_date
                ),
                year=t.work_plan.year,
                awaiting_review=t.id in pending,
            )
        )
    return out


def _co_units(task: Task, then: TaskOnDay | None, units: Mapping[int, Unit]) -> tuple[UnitRef, ...]:
    """The co-operating units of ``task``: those it had on the day (``then``) when the history
    records them, else today's; a unit since deleted from the directory is left out."""
    if then is None or then.co_unit_ids is None:
        return tuple(unit_ref(u) for u in task.co_units)
    return tuple(unit_ref(units[i]) for i in _in_directory_order(then.co_unit_ids, units))


def _in_directory_order(ids: Iterable[int], units: Mapping[int, Unit]) -> list[int]:
    """``ids`` of known units in the directory's order (``Task.co_units``: sort order, id)."""
    known = [i for i in ids if i in units]
    return sorted(known, key=lambda i: (units[i].sort_order, i))


def _task_query() -> Any:
    return select(Task).options(
        selectinload(Task.co_units),
        selectinload(Task.lead_unit),
        selectinload(Task.work_plan),
    )


def plan_tasks(session: Session, plan: Plan) -> list[Task]:
    goal_ids = list(session.scalars(select(Goal.id).where(Goal.plan_id == plan.id)))
    wp_ids = list(session.scalars(select(WorkPlan.id).where(WorkPlan.plan_id == plan.id)))
    conds = []
    if goal_ids:
        conds.append(Task.goal_id.in_(goal_ids))
    if wp_ids:
        conds.append(Task.work_plan_id.in_(wp_ids))
    if not conds:
        return []
    return list(session.scalars(_task_query().where(or_(*conds)).order_by(Task.id)))


def year_tasks(session: Session, year: int) -> tuple[list[WorkPlan], list[Task]]:
    """The work plans of ``year`` and their tasks."""
    wps = list(session.scalars(select(WorkPlan).where(WorkPlan.year == year).order_by(WorkPlan.id)))
    if not wps:
        return [], []
    tasks = session.scalars(
        _task_query().where(Task.work_plan_id.in_([w.id for w in wps])).order_by(Task.seq, Task.id)
    )
    return wps, list(tasks)


@dataclass(frozen=True)
class EngineOptions:
    """How the engine is asked. ``population_lag`` None: each region's configured lag
    (``ipcity.settings.population_lag``: Shanghai 1, others 0); ``office``: the official
    figures' office (CN)."""

    population_lag: int | None = None
    counting: str = "first"
    engine: str = "duckdb"
    office: str = settings.REPORTING_OFFICE

    def lag_for(self, region: str) -> int:
        if self.population_lag is not None:
            return self.population_lag
        return settings.population_lag(region)


def engine_series(
    warehouse: Warehouse,
    indicator: str,
    region: str,
    options: EngineOptions,
    years: Sequence[int] | None = None,
) -> tuple[dict[int, float | None], dict[str, Any]]:
    """Year -> value of one indicator for one region, and the engine's meta (kept per
    warehouse state: ``figure_cache``)."""
    from ipcity.evaluation import figure_cache

    args = (
        indicator,
        region,
        None if years is None else tuple(years),
        options.counting,
        options.lag_for(region),
        options.engine,
        options.office,
    )
    return figure_cache.cached(
        warehouse,
        "engine_series",
        args,
        lambda: _engine_series(warehouse, indicator, region, options, years),
    )


def _engine_series(
    warehouse: Warehouse,
    indicator: str,
    region: str,
    options: EngineOptions,
    years: Sequence[int] | None,
) -> tuple[dict[int, float | None], dict[str, Any]]:
    from ipcity.indicators import compute

    result = compute(
        warehouse,
        indicators=[indicator],
        years=years,
        region=region,
        counting=options.counting,
        population_lag=options.lag_for(region),
        engine=options.engine,
        office=options.office,
    )
    values: dict[int, float | None] = {}
    for r in result.table.to_pylist():
        if r["indicator"] == indicator:
            v = r["value"]
            values[int(r["year"])] = None if v is None else float(v)
    return values, result.meta


def _engine_source(meta: dict[str, Any], options: EngineOptions) -> str:
    run = (meta.get("vintage") or {}).get("latest_run")
    lags = meta.get("population_lag") or {}
    lag = ", ".join(f"{r} {v}" for r, v in lags.items()) if isinstance(lags, dict) else lags
    return (
        f"engine {meta.get('definition_version', '?')}, warehouse run {run}, "
        f"office {meta.get('office', options.office)}, population lag {lag or '-'}"
    )


def gather_plan_input(
    session: Session,
    plan_ref: str | int | Plan,
    *,
    warehouse: Warehouse | None = None,
    options: EngineOptions | None = None,
    today: date | None = None,
    as_of: date | None = None,
) -> PlanInput:
    """The plan, its indicators with actual values, and its tasks (see the module doc);
    ``today``: the reference date (default the app's date); ``as_of``: the day the tasks are
    seen on (default the reference date; see ``task_inputs``)."""
    opts = options or EngineOptions()
    plan = plan_ref if isinstance(plan_ref, Plan) else find_plan(session, plan_ref)
    targets = list(
        session.scalars(
            select(IndicatorTarget)
            .where(IndicatorTarget.plan_id == plan.id)
            .order_by(IndicatorTarget.sort_order, IndicatorTarget.id)
        )
    )
    goals = list(session.scalars(select(Goal).where(Goal.plan_id == plan.id)))
    roots = _root_goals(goals)
    ids = [t.id for t in targets]
    published: dict[int, dict[int, Actual]] = defaultdict(dict)
    if as_of is not None and as_of < app_today(today):  # as recorded at the end of that day
        for v in published_on(session, ids, as_of):
            published[v.target_id][v.year] = Actual(v.year, v.value, f"published: {v.source}")
    else:
        for p in session.scalars(select(PublishedActual).where(PublishedActual.target_id.in_(ids))):
            published[p.target_id][p.year] = Actual(p.year, p.value, f"published: {p.source}")
    snapshots: dict[int, dict[int, Actual]] = defaultdict(dict)
    newest: dict[tuple[int, int], datetime] = {}
    for c in session.scalars(select(ComputedActual).where(ComputedActual.target_id.in_(ids))):
        key = (c.target_id, c.year)
        if key not in newest or c.computed_at > newest[key]:
            newest[key] = c.computed_at
            snapshots[c.target_id][c.year] = Actual(
                c.year, c.value, f"engine snapshot of {c.computed_at:%Y-%m-%d}"
            )
    fresh: dict[tuple[str, str], dict[int, Actual]] = {}
    if warehouse is not None:
        pairs = {
            (str(t.engine_indicator), t.region or "ALL") for t in targets if t.engine_indicator
        }
        for indicator, region in sorted(pairs):
            provider = find_provider(indicator)
            if provider is not None:  # computed from the workspace DB (protection.*)
                series, _vintage = provider.compute(session, indicator, years=None, region=region)
                source = f"workspace: {indicator}"
            else:
                series, meta = engine_series(warehouse, indicator, region, opts)
                source = _engine_source(meta, opts)
            fresh[(indicator, region)] = {y: Actual(y, v, source) for y, v in series.items()}
    inputs = []
    for t in targets:
        # A fresh engine run replaces the snapshots (computed perhaps with other options).
        if t.engine_indicator and warehouse is not None:
            merged = dict(fresh.get((t.engine_indicator, t.region or "ALL"), {}))
        else:
            merged = dict(snapshots.get(t.id, {}))
        merged |= published.get(t.id, {})
        root = roots.get(t.goal_id) if t.goal_id is not None else None
        direction = t.direction if t.direction in ("higher", "lower") else "higher"
        inputs.append(
            IndicatorTargetInput(
                id=t.id,
                code=t.code,
                name=t.name,
                unit=t.unit,
                direction=direction,  # type: ignore[arg-type]
                binding=t.binding,
                area=root.title if root else "",
                baseline_year=t.baseline_year,
                baseline_value=t.baseline_value,
                target_year=t.target_year,
                target_value=t.target_value,
                milestones=tuple(
                    PathPoint(int(y), v) for y, v in sorted((t.milestones or {}).items())
                ),
                engine_indicator=t.engine_indicator,
                actuals=tuple(merged[y] for y in sorted(merged)),
                region=t.region or "ALL",
            )
        )
    return PlanInput(
        id=plan.id,
        code=plan.code,
        title=plan.title,
        start_year=plan.start_year,
        end_year=plan.end_year,
        indicators=tuple(inputs),
        tasks=tuple(task_inputs(session, plan_tasks(session, plan), today=today, as_of=as_of)),
    )


# ---------------------------------------------------------------- assessment


def period_ends(first: date, last: date, cadence: str) -> list[date]:
    """Ends of the reporting periods (month/quarter/half/year) from ``first`` to ``last``,
    the period containing ``last`` included: 2022-02-10..2022-07-01 by quarter ->
    [2022-03-31, 2022-06-30, 2022-09-30]."""
    step = CADENCE_MONTHS[cadence]
    out: list[date] = []
    y, m = first.year, ((first.month - 1) // step + 1) * step
    while True:
        end = date(y, m, calendar.monthrange(y, m)[1])
        out.append(end)
        if end >= last:
            return out
        m += step
        if m > 12:
            y, m = y + 1, m - 12


def reports_owed(
    session: Session,
    tasks: Sequence[Task],
    completed: dict[int, date],
    *,
    cadence: str,
    grace_days: int,
    seen: Mapping[int, TaskInput] | None = None,
) -> list[ReportDue]:
    """Progress reports each lead unit owes, with the day each was first submitted. ``seen``:
    the tasks as evaluation inputs (``task_inputs``), whose lead unit, start and deadline (those
    of the as-of day) replace the rows' present ones."""
    if not tasks:
        return []
    submitted: dict[tuple[int, int, date], date] = {}
    rows = session.execute(
        select(
            ProgressReport.task_id,
            ProgressReport.unit_id,
            ProgressReport.period_end,
            ReportEvent.at,
        )
        .join(ReportEvent, ReportEvent.report_id == ProgressReport.id)
        .where(ProgressReport.task_id.in_([t.id for t in tasks]), ReportEvent.kind == "submit")
    ).all()
    for task_id, unit_id, period_end, at in rows:
        key = (task_id, unit_id, period_end)
        d = _local_date(at)
        if key not in submitted or d < submitted[key]:
            submitted[key] = d
    out = []
    for t in tasks:
        then = seen.get(t.id) if seen else None
        lead_id, lead_code = t.lead_unit_id, t.lead_unit.code
        start, deadline = t.effective_start(), t.deadline
        if then is not None:
            lead_id, lead_code = then.lead_unit.id or lead_id, then.lead_unit.code
            start, deadline = then.start or start, then.deadline
        last = min(deadline, completed.get(t.id, deadline))
        for end in period_ends(start, last, cadence):
            out.append(
                ReportDue(
                    unit_code=lead_code,
                    task_code=t.code,
                    period=end.isoformat(),
                    due=end + timedelta(days=grace_days),
                    submitted_on=submitted.get((t.id, lead_id, end)),
                )
            )
    return out


def district_indicator_values(
    warehouse: Warehouse,
    indicators: Iterable[str],
    year: int,
    city: str,
    options: EngineOptions,
) -> dict[str, dict[str, dict[int, float | None]]]:
    """indicator -> district code -> year -> value, for ``year`` and the year before, from one
    engine call per indicator broken down by region_code."""
    from ipcity.indicators import compute

    out: dict[str, dict[str, dict[int, float | None]]] = {}
    for ind in sorted(set(indicators)):
        result = compute(
            warehouse,
            indicators=[ind],
            years=[year - 1, year],
            region=city,
            by=["region_code"],
            counting=options.counting,
            population_lag=options.population_lag,  # None: each district's own setting
            engine=options.engine,
            office=options.office,
        )
        per: dict[str, dict[int, float | None]] = defaultdict(dict)
        for r in result.table.to_pylist():
            code = r.get("region_code")
            if code:
                v = r["value"]
                per[str(code)][int(r["year"])] = None if v is None else float(v)
        out[ind] = dict(per)
    return out


def gather_assessment_input(
    session: Session,
    year: int,
    as_of: date,
    scheme: Scheme,
    *,
    warehouse: Warehouse | None = None,
    city: str = "310000",
    options: EngineOptions | None = None,
    today: date | None = None,
) -> AssessmentInput:
    """Units, the tasks of the year's work plans, reports owed and district indicators, as of
    ``as_of`` (``today``: the reference date, default the app's date; see ``task_inputs``)."""
    opts = options or EngineOptions()
    units = list(
        session.scalars(
            select(Unit).where(Unit.active.is_(True)).order_by(Unit.sort_order, Unit.id)
        )
    )
    _, tasks = year_tasks(session, year)
    if as_of < app_today(today):  # the tasks of that day (ipcity.workspace.history)
        alive = existing_on(session, "task", [t.id for t in tasks], as_of)
        tasks = [t for t in tasks if t.id in alive]
    inputs = task_inputs(session, tasks, today=today, as_of=as_of)
    completed = {t.id: t.completed_on for t in inputs if t.id is not None and t.completed_on}
    reports = reports_owed(
        session,
        tasks,
        {k: v for k, v in completed.items() if v is not None},
        cadence=scheme.report_cadence,
        grace_days=scheme.report_grace_days,
        seen={t.id: t for t in inputs if t.id is not None},
    )
    needed = [i.indicator for i in scheme.items if i.kind == "indicator_growth"]
    values: dict[str, dict[str, dict[int, float | None]]] = {}
    if needed:
        if warehouse is None:
            raise InputError(
                "the assessment scheme scores district indicators: it needs the warehouse "
                "(--warehouse DIR)"
            )
        values = district_indicator_values(warehouse, needed, year, city, opts)
    return AssessmentInput(
        year=year,
        as_of=as_of,
        units=tuple(unit_ref(u) for u in units),
        tasks=tuple(inputs),
        reports=tuple(reports),
        indicator_values=values,
    )
