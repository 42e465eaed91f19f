"""The mid-term evaluation of a whole plan: every indicator and the key tasks, as of a date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ipcity.evaluation.exact import to_float
from ipcity.evaluation.midterm import (
    STATUSES,
    IndicatorTargetInput,
    MidtermIndicatorRow,
    Status,
    evaluate_indicator,
)
from ipcity.evaluation.tasks import (
    CompletionRow,
    OverdueTask,
    TaskInput,
    completion_by_area,
    completion_by_unit,
    completion_row,
    overdue_tasks,
)
from ipcity.evaluation.thresholds import Thresholds, default_thresholds
from ipcity.evaluation.timeline import period_share


@dataclass(frozen=True)
class PlanInput:
    code: str
    title: str
    start_year: int
    end_year: int
    indicators: tuple[IndicatorTargetInput, ...] = ()
    tasks: tuple[TaskInput, ...] = ()
    id: int | None = None


@dataclass(frozen=True)
class MidtermEvaluation:
    plan_code: str
    plan_title: str
    start_year: int
    end_year: int
    as_of: date
    thresholds: Thresholds
    time_share: float | None  # share of the plan period elapsed at as_of
    indicators: list[MidtermIndicatorRow]
    tasks_overall: CompletionRow
    tasks_by_area: list[CompletionRow]
    tasks_by_unit: list[CompletionRow]
    overdue: list[OverdueTask]
    plan_id: int | None = None
    notes: list[str] = field(default_factory=list)

    def status_counts(self) -> dict[Status, int]:
        return {s: sum(1 for r in self.indicators if r.status == s) for s in STATUSES}

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": {
                "id": self.plan_id,
                "code": self.plan_code,
                "title": self.plan_title,
                "start_year": self.start_year,
                "end_year": self.end_year,
            },
            "as_of": self.as_of.isoformat(),
            "thresholds": self.thresholds.as_dict(),
            "time_share": self.time_share,
            "indicators": [r.as_dict() for r in self.indicators],
            "indicator_status_counts": self.status_counts(),
            "tasks": {
                "overall": self.tasks_overall.as_dict(),
                "by_area": [r.as_dict() for r in self.tasks_by_area],
                "by_unit": [r.as_dict() for r in self.tasks_by_unit],
                "overdue": [r.as_dict() for r in self.overdue],
            },
            "notes": list(self.notes),
        }


def evaluate_plan(
    plan: PlanInput,
    as_of: date,
    thresholds: Thresholds | None = None,
    *,
    include_co_units: bool = False,
) -> MidtermEvaluation:
    """Evaluate every indicator and the tasks of ``plan`` at the end of ``as_of``.

    Tasks that start after ``as_of`` (a later year's work plan) are left out: they could not
    have been done by then."""
    th = thresholds or default_thresholds()
    share = period_share(plan.start_year, plan.end_year, as_of)
    rows = [evaluate_indicator(ind, as_of, th) for ind in plan.indicators]
    tasks = tuple(t for t in plan.tasks if t.start is None or t.start <= as_of)
    notes = []
    if len(tasks) < len(plan.tasks):
        notes.append(f"{len(plan.tasks) - len(tasks)} task(s) starting after {as_of} left out")
    return MidtermEvaluation(
        plan_id=plan.id,
        plan_code=plan.code,
        plan_title=plan.title,
        start_year=plan.start_year,
        end_year=plan.end_year,
        as_of=as_of,
        thresholds=th,
        time_share=to_float(share),
        indicators=rows,
        tasks_overall=completion_row("", "", tasks, as_of, share, th),
        tasks_by_area=completion_by_area(tasks, as_of, share, th),
        tasks_by_unit=completion_by_unit(
            tasks, as_of, share, th, include_co_units=include_co_units
        ),
        overdue=overdue_tasks(tasks, as_of),
        notes=notes,
    )
