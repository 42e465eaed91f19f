"""Roll-up: task progress -> goals -> plan, and completion rates per unit.

Averaging rule (:func:`weighted_average`), used at every level over the siblings that have a
progress at all (a goal with no task anywhere below it has none and is left out, rather than
counting as 0 %):

- no sibling has a weight (or the weights add up to 0): plain average;
- every sibling has a weight: weighted average;
- some have one and some not: the ones without get the mean of the given weights, so they
  neither vanish nor dominate.

A goal averages its direct tasks (task weight) and its child goals (goal weight) together; a
plan averages its top-level goals. Task progress is the latest accepted lead-unit percent,
0 when there is none (see progress.py).

Unit completion rates count the tasks a unit **leads** (done / led); tasks it co-operates on
are reported beside them (``co_tasks``, ``co_done``) but do not enter its rate, because the
lead unit answers for a task.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ipcity.workspace.errors import NotFound, PermissionDenied
from ipcity.workspace.models import Goal, Plan, Task, Unit, WorkPlan
from ipcity.workspace.permissions import Actor, can_view_internal
from ipcity.workspace.progress import AcceptedProgress, awaiting_review, latest_accepted
from ipcity.workspace.queries import TaskFacts
from ipcity.workspace.supervision import Status, SupervisionSettings, task_status


def weighted_average(items: Iterable[tuple[float | None, float | None]]) -> float | None:
    """Average of ``(progress, weight)`` pairs by the rule in the module doc; None when no
    item has a progress."""
    vals = [(p, w) for p, w in items if p is not None]
    if not vals:
        return None
    given = [w for _, w in vals if w is not None]
    if not given:
        return sum(p for p, _ in vals) / len(vals)
    fill = sum(given) / len(given)
    weights = [w if w is not None else fill for _, w in vals]
    total = sum(weights)
    if total <= 0:  # all weights zero: fall back to the plain average, never divide by 0
        return sum(p for p, _ in vals) / len(vals)
    return sum(p * w for (p, _), w in zip(vals, weights, strict=True)) / total


@dataclass(frozen=True)
class TaskInput:
    task_id: int
    goal_id: int | None
    progress: float
    weight: float | None
    done: bool


@dataclass(frozen=True)
class GoalInput:
    goal_id: int
    parent_id: int | None
    code: str
    title: str
    weight: float | None
    sort_order: int = 0


@dataclass
class GoalRollup:
    goal_id: int
    code: str
    title: str
    weight: float | None
    progress: float | None  # None: no task anywhere below
    task_count: int
    done_count: int
    children: list[GoalRollup] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "goal_id": self.goal_id,
            "code": self.code,
            "title": self.title,
            "weight": self.weight,
            "progress": self.progress,
            "task_count": self.task_count,
            "done_count": self.done_count,
            "children": [c.as_dict() for c in self.children],
        }


@dataclass
class PlanRollup:
    plan_id: int
    progress: float | None
    task_count: int
    done_count: int
    goals: list[GoalRollup]

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "progress": self.progress,
            "task_count": self.task_count,
            "done_count": self.done_count,
            "goals": [g.as_dict() for g in self.goals],
        }


def rollup_goals(goals: Sequence[GoalInput], tasks: Sequence[TaskInput]) -> list[GoalRollup]:
    """Roll task progress up the goal tree; returns the roots (children nested)."""
    by_parent: dict[int | None, list[GoalInput]] = defaultdict(list)
    known = {g.goal_id for g in goals}
    for g in goals:
        parent = g.parent_id if g.parent_id in known else None
        by_parent[parent].append(g)
    tasks_by_goal: dict[int, list[TaskInput]] = defaultdict(list)
    for t in tasks:
        if t.goal_id is not None:
            tasks_by_goal[t.goal_id].append(t)

    def build(g: GoalInput, seen: frozenset[int]) -> GoalRollup:
        kids = [
            build(c, seen | {c.goal_id})
            for c in sorted(by_parent.get(g.goal_id, []), key=lambda x: (x.sort_order, x.goal_id))
            if c.goal_id not in seen  # a corrupt cycle must not recurse forever
        ]
        own = tasks_by_goal.get(g.goal_id, [])
        progress = weighted_average(
            [(t.progress, t.weight) for t in own] + [(k.progress, k.weight) for k in kids]
        )
        return GoalRollup(
            goal_id=g.goal_id,
            code=g.code,
            title=g.title,
            weight=g.weight,
            progress=progress,
            task_count=len(own) + sum(k.task_count for k in kids),
            done_count=sum(t.done for t in own) + sum(k.done_count for k in kids),
            children=kids,
        )

    roots = sorted(by_parent.get(None, []), key=lambda x: (x.sort_order, x.goal_id))
    return [build(r, frozenset({r.goal_id})) for r in roots]


def rollup_plan(plan_id: int, goals: Sequence[GoalInput], tasks: Sequence[TaskInput]) -> PlanRollup:
    roots = rollup_goals(goals, tasks)
    return PlanRollup(
        plan_id=plan_id,
        progress=weighted_average([(g.progress, g.weight) for g in roots]),
        task_count=sum(g.task_count for g in roots),
        done_count=sum(g.done_count for g in roots),
        goals=roots,
    )


# --- from the database ------------------------------------------------------------------------


def _task_inputs(session: Session, tasks: Sequence[Task]) -> list[TaskInput]:
    return _inputs_from(tasks, latest_accepted(session, [t.id for t in tasks]))


def _inputs_from(
    tasks: Sequence[Task], progress: Mapping[int, AcceptedProgress]
) -> list[TaskInput]:
    out = []
    for t in tasks:
        p = progress[t.id].percent if t.id in progress else 0.0
        out.append(TaskInput(t.id, t.goal_id, p, t.weight, p >= 100))
    return out


def plan_rollup(
    session: Session, viewer: Actor, plan_id: int, *, work_plan_id: int | None = None
) -> PlanRollup:
    """Progress of a plan's goal tree from every task linked to its goals (or only the tasks
    of one work plan). Logged-in roles only: it is built from internal progress reports."""
    if not can_view_internal(viewer):
        raise PermissionDenied("view_internal")
    if session.get(Plan, plan_id) is None:
        raise NotFound("plan", plan_id)
    goals = list(session.scalars(select(Goal).where(Goal.plan_id == plan_id)))
    stmt = select(Task).where(Task.goal_id.in_([g.id for g in goals]))
    if work_plan_id is not None:
        stmt = stmt.where(Task.work_plan_id == work_plan_id)
    tasks = list(session.scalars(stmt))
    inputs = [GoalInput(g.id, g.parent_id, g.code, g.title, g.weight, g.sort_order) for g in goals]
    return rollup_plan(plan_id, inputs, _task_inputs(session, tasks))


@dataclass(frozen=True)
class WorkPlanRollup:
    work_plan_id: int
    progress: float | None
    task_count: int
    done_count: int

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def work_plan_rollup(
    session: Session, viewer: Actor, work_plan_id: int, *, facts: TaskFacts | None = None
) -> WorkPlanRollup:
    """Average progress of a work plan's tasks (weighted by task weight where set);
    ``facts``: the work plan's tasks and progress already read by an internal viewer."""
    if not can_view_internal(viewer):
        raise PermissionDenied("view_internal")
    if session.get(WorkPlan, work_plan_id) is None:
        raise NotFound("work_plan", work_plan_id)
    if facts is not None and facts.work_plan_id == work_plan_id:
        inputs = _inputs_from(facts.tasks, facts.progress)
    else:
        tasks = list(session.scalars(select(Task).where(Task.work_plan_id == work_plan_id)))
        inputs = _task_inputs(session, tasks)
    return WorkPlanRollup(
        work_plan_id=work_plan_id,
        progress=weighted_average([(t.progress, t.weight) for t in inputs]),
        task_count=len(inputs),
        done_count=sum(t.done for t in inputs),
    )


@dataclass(frozen=True)
class UnitCompletion:
    unit_id: int
    unit_name: str
    lead_tasks: int
    lead_done: int
    lead_overdue: int
    completion_rate: float | None  # lead_done / lead_tasks; None when it leads nothing
    average_progress: float | None  # plain average of its lead tasks' progress
    co_tasks: int
    co_done: int

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def unit_completion(
    session: Session,
    viewer: Actor,
    *,
    work_plan_id: int | None,
    today: date,
    settings: SupervisionSettings | None = None,
    facts: TaskFacts | None = None,
) -> list[UnitCompletion]:
    """Completion per unit over one work plan (or all), units in their display order; units
    with no task at all are left out. ``facts``: the work plan's tasks and progress already
    read by an internal viewer (every task of the plan)."""
    if not can_view_internal(viewer):
        raise PermissionDenied("view_internal")
    settings = settings or SupervisionSettings.from_env()
    if facts is not None and work_plan_id is not None and facts.work_plan_id == work_plan_id:
        tasks, progress, pending = facts.tasks, facts.progress, facts.pending
    else:
        stmt = select(Task).options(selectinload(Task.co_units), selectinload(Task.work_plan))
        if work_plan_id is not None:
            stmt = stmt.where(Task.work_plan_id == work_plan_id)
        tasks = list(session.scalars(stmt))
        progress = latest_accepted(session, [t.id for t in tasks])
        pending = awaiting_review(session, [t.id for t in tasks])
    lead: dict[int, list[tuple[float, Status]]] = defaultdict(list)
    co: dict[int, list[bool]] = defaultdict(list)
    for t in tasks:
        p = progress[t.id].percent if t.id in progress else 0.0
        st = task_status(
            start=t.effective_start(),
            deadline=t.deadline,
            percent=p,
            today=today,
            settings=settings,
            awaiting_review=t.id in pending,
        ).status
        lead[t.lead_unit_id].append((p, st))
        for u in t.co_units:
            co[u.id].append(st is Status.DONE)
    units = list(session.scalars(select(Unit).order_by(Unit.sort_order, Unit.id)))
    out = []
    for u in units:
        led = lead.get(u.id, [])
        coop = co.get(u.id, [])
        if not led and not coop:
            continue
        done = sum(st is Status.DONE for _, st in led)
        out.append(
            UnitCompletion(
                unit_id=u.id,
                unit_name=u.name,
                lead_tasks=len(led),
                lead_done=done,
                lead_overdue=sum(st is Status.RED for _, st in led),
                completion_rate=done / len(led) if led else None,
                average_progress=sum(p for p, _ in led) / len(led) if led else None,
                co_tasks=len(coop),
                co_done=sum(coop),
            )
        )
    return out
