"""The dashboard's content, assembled from the workspace's reads (no rules of its own beyond
sorting and counting what the workspace returns)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ipcity.evaluation.figures import value_places
from ipcity.web.views.indicators import Light, indicator_light
from ipcity.workspace import queries
from ipcity.workspace.actuals import IndicatorSeries, plan_indicator_series
from ipcity.workspace.models import Plan, WorkPlan
from ipcity.workspace.permissions import Actor, can_view_internal
from ipcity.workspace.queries import TaskView
from ipcity.workspace.rollup import (
    UnitCompletion,
    WorkPlanRollup,
    unit_completion,
    work_plan_rollup,
)

STATUSES = ("red", "yellow", "green", "done")


@dataclass(frozen=True)
class IndicatorCard:
    series: IndicatorSeries
    light: Light

    @property
    def places(self) -> int:
        t = self.series.target
        return value_places(t.engine_indicator, t.baseline_value, t.target_value)


@dataclass
class PlanIndicators:
    plan: Plan
    cards: list[IndicatorCard]

    @property
    def light_counts(self) -> dict[str, int]:
        c = Counter(card.light.colour for card in self.cards)
        return {k: c.get(k, 0) for k in ("green", "yellow", "red", "none")}


@dataclass
class Dashboard:
    work_plans: list[WorkPlan]
    work_plan: WorkPlan | None
    tasks: list[TaskView] = field(default_factory=list)
    progress: WorkPlanRollup | None = None
    plans: list[PlanIndicators] = field(default_factory=list)
    units: list[UnitCompletion] = field(default_factory=list)

    @property
    def status_counts(self) -> dict[str, int]:
        c = Counter(t.status.status.value for t in self.tasks)
        return {s: c.get(s, 0) for s in STATUSES}

    @property
    def overdue(self) -> list[TaskView]:
        red = [t for t in self.tasks if t.status.status.value == "red"]
        return sorted(red, key=lambda t: (t.status.days_left, t.task.seq))

    @property
    def due_soon(self) -> list[TaskView]:
        """Every yellow task (so the panel and the yellow tile agree): near the deadline
        first, then behind schedule, soonest deadline first."""
        yellow = [t for t in self.tasks if t.status.status.value == "yellow"]
        return sorted(
            yellow,
            key=lambda t: (
                t.status.reason_key != "reason.near_deadline",
                t.status.days_left,
                t.task.seq,
            ),
        )

    def unit_chart(self, labels: dict[str, str]) -> dict[str, Any]:
        """Stacked bars per lead unit: done, overdue, other open tasks."""
        rows = sorted(self.units, key=lambda u: (-u.lead_tasks, u.unit_name))
        rows = [u for u in rows if u.lead_tasks][:15]
        names = [u.unit_name for u in rows]
        done = [u.lead_done for u in rows]
        overdue = [u.lead_overdue for u in rows]
        open_ = [u.lead_tasks - u.lead_done - u.lead_overdue for u in rows]
        return {
            "data": [
                {
                    "type": "bar",
                    "name": labels["done"],
                    "x": names,
                    "y": done,
                    "marker": {"color": "#2e7d32"},
                },
                {
                    "type": "bar",
                    "name": labels["overdue"],
                    "x": names,
                    "y": overdue,
                    "marker": {"color": "#c62828"},
                },
                {
                    "type": "bar",
                    "name": labels["open"],
                    "x": names,
                    "y": open_,
                    "marker": {"color": "#90a4ae"},
                },
            ],
            "layout": {
                "barmode": "stack",
                "height": 320,
                "margin": {"l": 40, "r": 10, "t": 10, "b": 110},
                "legend": {"orientation": "h", "y": 1.12},
                "xaxis": {"tickangle": -35},
            },
        }


def pick_work_plan(work_plans: list[WorkPlan], wanted: int | None, today: date) -> WorkPlan | None:
    """The requested work plan, else this year's, else the newest."""
    if wanted is not None:
        for wp in work_plans:
            if wp.id == wanted:
                return wp
    for wp in work_plans:
        if wp.year == today.year:
            return wp
    return work_plans[0] if work_plans else None


def build_dashboard(
    session: Session,
    actor: Actor,
    *,
    today: date,
    work_plan_id: int | None = None,
    tasks: bool = True,
    indicators: bool = True,
) -> Dashboard:
    """The dashboard's content; ``tasks`` / ``indicators`` leave a part out (they are cached
    separately: they change with different writes)."""
    work_plans = queries.list_work_plans(session, actor)
    # Load the units once: the tasks' lead units then come from the session's identity map
    # instead of one query per unit.
    queries.list_units(session, actor)
    wp = pick_work_plan(work_plans, work_plan_id, today)
    board = Dashboard(work_plans=work_plans, work_plan=wp)
    internal = can_view_internal(actor)
    if wp is not None and tasks:
        # the tasks and their progress are read once and shared by the three parts
        facts = queries.task_facts(session, actor, wp.id, milestones=False)
        board.tasks = queries.task_overview(session, actor, wp.id, today=today, facts=facts)
        if internal:
            board.progress = work_plan_rollup(session, actor, wp.id, facts=facts)
            board.units = unit_completion(
                session, actor, work_plan_id=wp.id, today=today, facts=facts
            )
    for plan in queries.list_plans(session, actor) if indicators else []:
        cards = [
            IndicatorCard(s, indicator_light(s))
            for s in plan_indicator_series(session, actor, plan.id, as_of=today)
        ]
        if cards:
            board.plans.append(PlanIndicators(plan, cards))
    return board
