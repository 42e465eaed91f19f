"""A task's progress: the percent of the latest *accepted* report of its *lead* unit.

Why the lead unit only: it answers for the task as a whole; co-operating units report their
part, which the office reads in the timeline but which does not move the task's percent (the
office reports on a lead unit's behalf when needed). "Latest" is by report period, then by the
time it was accepted. Drafts, submitted and returned reports never count.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from ipcity.workspace.models import ProgressReport, ReportRevision, Task


@dataclass(frozen=True)
class AcceptedProgress:
    task_id: int
    report_id: int
    period: str
    period_end: date
    percent: float
    accepted_at: datetime


def latest_accepted(session: Session, task_ids: Collection[int]) -> dict[int, AcceptedProgress]:
    """Task id -> its latest accepted lead-unit progress (tasks without one are absent)."""
    if not task_ids:
        return {}
    rows = session.execute(
        select(
            ProgressReport.task_id,
            ProgressReport.id,
            ProgressReport.period,
            ProgressReport.period_end,
            ProgressReport.updated_at,
            ReportRevision.percent,
        )
        .join(Task, Task.id == ProgressReport.task_id)
        .join(
            ReportRevision,
            and_(
                ReportRevision.report_id == ProgressReport.id,
                ReportRevision.revision_no == ProgressReport.current_revision,
            ),
        )
        .where(
            ProgressReport.task_id.in_(list(task_ids)),
            ProgressReport.state == "accepted",
            ProgressReport.unit_id == Task.lead_unit_id,
        )
    ).all()
    best: dict[int, AcceptedProgress] = {}
    for task_id, report_id, period, period_end, accepted_at, percent in rows:
        cand = AcceptedProgress(task_id, report_id, period, period_end, percent, accepted_at)
        cur = best.get(task_id)
        if cur is None or (cand.period_end, cand.accepted_at, cand.report_id) > (
            cur.period_end,
            cur.accepted_at,
            cur.report_id,
        ):
            best[task_id] = cand
    return best


def awaiting_review(session: Session, task_ids: Collection[int]) -> set[int]:
    """Tasks whose lead unit has a *submitted* report at 100 % that the office has not handled
    yet (supervision rule 1b: complete, awaiting review, so not overdue)."""
    if not task_ids:
        return set()
    rows = session.scalars(
        select(ProgressReport.task_id)
        .join(Task, Task.id == ProgressReport.task_id)
        .join(
            ReportRevision,
            and_(
                ReportRevision.report_id == ProgressReport.id,
                ReportRevision.revision_no == ProgressReport.current_revision,
            ),
        )
        .where(
            ProgressReport.task_id.in_(list(task_ids)),
            ProgressReport.state == "submitted",
            ProgressReport.unit_id == Task.lead_unit_id,
            ReportRevision.percent >= 100,
        )
    )
    return set(rows)
