"""The workspace as it stood at the end of a past day, read from its own history.

The tables hold the present (a report's ``state`` is today's), but every report transition is
a ``report_events`` row with its time, and every task and work plan has its creation in the
audit trail (``task.create``, ``work_plan.create``), as is every later change
(``task.update``, ``work_plan.update``, ``actual.publish``). A report or an evaluation
*as of* a day before the app's date reads that day's state from them
(``ipcity.evaluation.gather``):

- **The day is inclusive**: whatever was recorded on it (local calendar day, at any hour)
  had happened by it, the rule of every as-of figure ("completed on or before the as-of
  date"; a task due on that day is not late yet). ``day_end`` is the first instant after it.
- **A report** exists on the day once it has an event recorded by then. Its state and
  revision are those its last such event left, and its percent is that revision's. So a
  report submitted by the day and accepted or returned after it was *submitted* (waiting for
  review) on the day; one created after the day did not exist; one returned and resubmitted
  shows the state it had on the day.
- **A task or a work plan** exists on the day unless its creation was recorded after it (rows
  without a creation entry, e.g. loaded by hand before the audit trail, always exist). A task
  changed after the day had, on the day, the title, lead unit, start and deadline in the
  ``before`` of the first change recorded after it (a deadline extended in October was still
  June's on 15 July, so the task was overdue then; a task handed to another unit in August
  was the first unit's in July, and its progress that unit's reports), and the co-operating
  units in it too (``task.update`` records the task with its ``co_unit_ids``: a unit added
  in September did not co-operate in July). A work plan changed after the day had the title
  and start in the ``before`` of its first ``work_plan.update`` after it (the start of each
  task without its own). A work plan's year and a task's work plan are today's (the year a
  plan is filed under decides which report reads it).
- **A published value** (``published_actuals``, entered by the office) counts on the day as
  the last ``actual.publish`` recorded by then left it; one first entered after the day did
  not exist then, one corrected after it had its earlier value. Engine values (computed from
  the warehouse, which is by year and not by entry date) are not rebuilt.

Time stamps are naive UTC (``workspace.models``); a day is the server's local calendar day,
as the evaluation dates a submission (``evaluation.gather``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ipcity.workspace.models import (
    AuditEntry,
    ProgressReport,
    PublishedActual,
    ReportEvent,
    ReportRevision,
)

# The audit trail's entity name for each kind of row whose creation dates it.
CREATED_ENTITIES = ("task", "work_plan")


def day_end(day: date) -> datetime:
    """The first instant (naive UTC) after the local calendar day ``day``: a record stamped
    before it was made on or before ``day``."""
    local_midnight = datetime.combine(day + timedelta(days=1), time()).astimezone()
    return local_midnight.astimezone(UTC).replace(tzinfo=None)


def existing_on(session: Session, entity: str, ids: Collection[int], day: date) -> set[int]:
    """Those of ``ids`` (rows of ``entity``: task or work_plan) that existed at the end of
    ``day``: all but the ones whose creation was recorded after it."""
    if entity not in CREATED_ENTITIES:
        raise ValueError(f"no creation history for {entity!r}")
    if not ids:
        return set()
    later = session.scalars(
        select(AuditEntry.entity_id).where(
            AuditEntry.entity == entity,
            AuditEntry.action == f"{entity}.create",
            AuditEntry.entity_id.in_([str(i) for i in ids]),
            AuditEntry.at >= day_end(day),
        )
    )
    created_later = {int(x) for x in later}
    return {i for i in ids if i not in created_later}


def _before_first_change(
    session: Session, entity: str, ids: Collection[int], day: date
) -> dict[int, dict[str, Any]]:
    """Row id -> the ``before`` of the first ``<entity>.update`` recorded after ``day``: the
    row as it stood at the end of that day (rows not changed since are absent). One query."""
    if not ids:
        return {}
    rows = session.execute(
        select(AuditEntry.entity_id, AuditEntry.before)
        .where(
            AuditEntry.entity == entity,
            AuditEntry.action == f"{entity}.update",
            AuditEntry.entity_id.in_([str(i) for i in ids]),
            AuditEntry.at >= day_end(day),
        )
        .order_by(AuditEntry.id)  # the order the changes were made in
    ).all()
    out: dict[int, dict[str, Any]] = {}
    for entity_id, before in rows:
        # only the first change after the day holds that day's row
        out.setdefault(int(entity_id), before or {})
    return out


@dataclass(frozen=True)
class TaskOnDay:
    """What a task was at the end of a past day: its title, lead unit, co-operating units
    (None: the change recorded none, so today's), start (None: its work plan's) and deadline."""

    title: str
    lead_unit_id: int
    start_date: date | None
    deadline: date
    co_unit_ids: tuple[int, ...] | None = None


def tasks_on(session: Session, task_ids: Collection[int], day: date) -> dict[int, TaskOnDay]:
    """The tasks among ``task_ids`` changed after ``day``, as they were at its end (the
    ``before`` of the first ``task.update`` recorded after it). Tasks absent from the answer
    were as they are today. One query, whatever the number of tasks."""
    out: dict[int, TaskOnDay] = {}
    for task_id, before in _before_first_change(session, "task", task_ids, day).items():
        then = _task_of(before)
        if then is not None:
            out[task_id] = then
    return out


def _task_of(snapshot: dict[str, object]) -> TaskOnDay | None:
    try:
        deadline = date.fromisoformat(str(snapshot["deadline"]))
        start = snapshot.get("start_date")
        lead = snapshot["lead_unit_id"]
        if not isinstance(lead, int | str):
            return None
        return TaskOnDay(
            title=str(snapshot["title"]),
            lead_unit_id=int(lead),
            start_date=None if start is None else date.fromisoformat(str(start)),
            deadline=deadline,
            co_unit_ids=_ids_of(snapshot.get("co_unit_ids")),
        )
    except (KeyError, ValueError):  # a snapshot without them: nothing to go back to
        return None


def _ids_of(value: object) -> tuple[int, ...] | None:
    """A list of row ids as the audit recorded it (None: not recorded, or not a list)."""
    if not isinstance(value, list):
        return None
    try:
        return tuple(int(i) for i in value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class WorkPlanOnDay:
    """What a work plan was at the end of a past day: its title and start (the start of each
    task that has none of its own)."""

    title: str
    start_date: date


def work_plans_on(
    session: Session, work_plan_ids: Collection[int], day: date
) -> dict[int, WorkPlanOnDay]:
    """The work plans among ``work_plan_ids`` changed after ``day``, as they were at its end
    (the ``before`` of the first ``work_plan.update`` recorded after it); those absent were as
    they are today. One query."""
    out: dict[int, WorkPlanOnDay] = {}
    for wp_id, before in _before_first_change(session, "work_plan", work_plan_ids, day).items():
        try:
            out[wp_id] = WorkPlanOnDay(
                title=str(before["title"]),
                start_date=date.fromisoformat(str(before["start_date"])),
            )
        except (KeyError, ValueError):  # a snapshot without them: nothing to go back to
            continue
    return out


@dataclass(frozen=True)
class ReportOnDay:
    """A progress report as it stood at the end of a day."""

    report_id: int
    task_id: int
    unit_id: int
    period_end: date
    state: str  # draft | submitted | accepted | returned
    revision_no: int
    percent: float
    submitted_at: datetime | None  # when the revision it stood on was submitted


def reports_on(session: Session, task_ids: Collection[int], day: date) -> list[ReportOnDay]:
    """The progress reports of ``task_ids`` that existed at the end of ``day``, each in the
    state of that day (see the module doc). Two queries, whatever the number of reports."""
    if not task_ids:
        return []
    events = session.execute(
        select(
            ReportEvent.id,
            ReportEvent.report_id,
            ReportEvent.revision_no,
            ReportEvent.kind,
            ReportEvent.to_state,
            ReportEvent.at,
            ProgressReport.task_id,
            ProgressReport.unit_id,
            ProgressReport.period_end,
        )
        .join(ProgressReport, ProgressReport.id == ReportEvent.report_id)
        .where(ProgressReport.task_id.in_(list(task_ids)), ReportEvent.at < day_end(day))
        .order_by(ReportEvent.id)  # the order the actions ran in
    ).all()
    last: dict[int, tuple[int, str, int, int, date]] = {}
    submitted: dict[tuple[int, int], datetime] = {}
    for _id, report_id, revision_no, kind, to_state, at, task_id, unit_id, period_end in events:
        last[report_id] = (revision_no, to_state, task_id, unit_id, period_end)
        if kind == "submit":
            submitted[(report_id, revision_no)] = at
    percents = _percents(session, last)
    return [
        ReportOnDay(
            report_id=report_id,
            task_id=task_id,
            unit_id=unit_id,
            period_end=period_end,
            state=state,
            revision_no=revision_no,
            percent=percents[(report_id, revision_no)],
            submitted_at=submitted.get((report_id, revision_no)),
        )
        for report_id, (revision_no, state, task_id, unit_id, period_end) in last.items()
        if (report_id, revision_no) in percents
    ]


def _percents(session: Session, report_ids: Iterable[int]) -> dict[tuple[int, int], float]:
    ids = list(report_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(ReportRevision.report_id, ReportRevision.revision_no, ReportRevision.percent).where(
            ReportRevision.report_id.in_(ids)
        )
    ).all()
    return {(r, n): float(p) for r, n, p in rows}


@dataclass(frozen=True)
class LeadProgressOnDay:
    """What the lead units' reports said at the end of a day: task id -> when the 100 % report
    the office had accepted by then was submitted (the earliest), and the tasks whose 100 %
    report was waiting for review that day."""

    completed: dict[int, datetime]
    awaiting_review: set[int]


def lead_progress_on(session: Session, lead_units: dict[int, int], day: date) -> LeadProgressOnDay:
    """``lead_units``: task id -> its lead unit's id. The rules of ``workspace.progress``
    (a task's progress is its lead unit's; 100 % accepted is done, 100 % submitted waits for
    review) applied to the reports as they stood on ``day``."""
    completed: dict[int, datetime] = {}
    waiting: set[int] = set()
    for r in reports_on(session, lead_units, day):
        if r.unit_id != lead_units.get(r.task_id) or r.percent < 100:
            continue
        if r.state == "accepted" and r.submitted_at is not None:
            best = completed.get(r.task_id)
            if best is None or r.submitted_at < best:
                completed[r.task_id] = r.submitted_at
        elif r.state == "submitted":
            waiting.add(r.task_id)
    return LeadProgressOnDay(completed, waiting)


@dataclass(frozen=True)
class PublishedOnDay:
    """An officially published value as it was recorded at the end of a day."""

    target_id: int
    year: int
    value: float
    source: str


def published_on(session: Session, target_ids: Collection[int], day: date) -> list[PublishedOnDay]:
    """The published values of ``target_ids`` as recorded at the end of ``day``: each entry
    as the last ``actual.publish`` recorded by then left it (its ``after``); an entry whose
    first record came after the day did not exist then, unless that record corrected a value
    already there (its ``before``). Entries without any audit record count from their
    ``entered_at``. Two queries, whatever the number of values."""
    if not target_ids:
        return []
    rows = list(
        session.scalars(
            select(PublishedActual).where(PublishedActual.target_id.in_(list(target_ids)))
        )
    )
    if not rows:
        return []
    history: dict[int, list[tuple[datetime, dict[str, Any] | None, dict[str, Any] | None]]] = {}
    for entity_id, at, before, after in session.execute(
        select(AuditEntry.entity_id, AuditEntry.at, AuditEntry.before, AuditEntry.after)
        .where(
            AuditEntry.entity == "published_actual",
            AuditEntry.action == "actual.publish",
            AuditEntry.entity_id.in_([str(r.id) for r in rows]),
        )
        .order_by(AuditEntry.id)  # the order the entries were made in
    ):
        history.setdefault(int(entity_id), []).append((at, before, after))
    end = day_end(day)
    out: list[PublishedOnDay] = []
    for row in rows:
        entries = history.get(row.id)
        if not entries:  # loaded without the audit trail: its own stamp dates it
            then: dict[str, Any] | None = row.as_dict() if row.entered_at < end else None
        else:
            by_then = [after for at, _before, after in entries if at < end]
            then = by_then[-1] if by_then else entries[0][1]
        value = _published_of(then) if then else None
        if value is not None:
            out.append(value)
    return out


def _published_of(snapshot: dict[str, Any]) -> PublishedOnDay | None:
    try:
        return PublishedOnDay(
            target_id=int(snapshot["target_id"]),
            year=int(snapshot["year"]),
            value=float(snapshot["value"]),
            source=str(snapshot["source"]),
        )
    except (KeyError, TypeError, ValueError):  # a snapshot without them: nothing to show
        return None
