"""A unit's own page as its editors' home: what waits for them (returned reports with the
office's reason, drafts not yet submitted), each task's latest report of this unit, and the
deadlines coming up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from ipcity.workspace import queries
from ipcity.workspace.models import ProgressReport
from ipcity.workspace.permissions import Actor, can_view_internal
from ipcity.workspace.queries import TaskView
from ipcity.workspace.rhythm import period_of
from ipcity.workspace.supervision import Status

UPCOMING_LIMIT = 8


@dataclass(frozen=True)
class ReturnedReport:
    report: ProgressReport
    comment: str
    returned_at: datetime | None


@dataclass(frozen=True)
class UnitHome:
    returned: list[ReturnedReport] = field(default_factory=list)
    drafts: list[ProgressReport] = field(default_factory=list)
    latest: dict[int, ProgressReport] = field(default_factory=dict)  # task id -> report
    period: dict[int, str] = field(default_factory=dict)  # task id -> the rhythm's period now
    upcoming: list[TaskView] = field(default_factory=list)


def _returned(report: ProgressReport) -> ReturnedReport:
    returns = [e for e in report.events if e.kind == "return"]
    last = returns[-1] if returns else None
    return ReturnedReport(report, last.comment if last else "", last.at if last else None)


def unit_home(
    session: Session, actor: Actor, unit_id: int, tasks: Sequence[TaskView], *, today: date
) -> UnitHome:
    """The unit's reports on ``tasks`` (its work plan's) and their deadlines; empty for a
    viewer who may not see reports."""
    if not can_view_internal(actor):
        return UnitHome()
    task_ids = {t.task.id for t in tasks}
    reports = [
        r for r in queries.list_reports(session, actor, unit_id=unit_id) if r.task_id in task_ids
    ]  # newest period first
    latest: dict[int, ProgressReport] = {}
    for r in reports:
        latest.setdefault(r.task_id, r)
    upcoming = sorted(
        (t for t in tasks if t.status.status is not Status.DONE and t.task.deadline >= today),
        key=lambda t: (t.task.deadline, t.task.seq, t.task.id),
    )[:UPCOMING_LIMIT]
    rhythms = {t.task.work_plan_id: t.task.work_plan.report_rhythm for t in tasks}
    return UnitHome(
        returned=[_returned(r) for r in reports if r.state == "returned"],
        drafts=[r for r in reports if r.state == "draft"],
        latest=latest,
        period={t.task.id: period_of(today, rhythms[t.task.work_plan_id]) for t in tasks},
        upcoming=upcoming,
    )
