"""What a held meeting leaves behind: minutes (revisions, never overwritten) and decisions,
each followed up as a task of the workspace's annual work plan.

A decision's task is created by the workspace's own ``do_create_task`` in the work plan of the
meeting's year (created by ``do_create_work_plan`` when the year has none), so it is reported
on, supervised, rolled up and exported like any other task; ``meeting_decisions`` links it back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ipcity.meetings.actions._shared import load, load_for_update
from ipcity.meetings.errors import StateError, field_error, invalid
from ipcity.meetings.fields import DECISION_FIELDS
from ipcity.meetings.messages import render
from ipcity.meetings.models import Meeting, MeetingDecision, MeetingMinutes
from ipcity.meetings.permissions import MCap, require
from ipcity.workspace import audit
from ipcity.workspace.actions import do_create_task, do_create_work_plan
from ipcity.workspace.actions._common import add_audited, parse_fields
from ipcity.workspace.cn_dates import parse_deadline
from ipcity.workspace.errors import FieldError, NotFound, ValidationError
from ipcity.workspace.models import Plan, Task, WorkPlan, record_now
from ipcity.workspace.permissions import Actor, Cap
from ipcity.workspace.permissions import require as ws_require

MAX_MINUTES = 200_000
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _require_held(meeting: Meeting, action: str) -> None:
    if meeting.status != "held":
        raise StateError("meeting", meeting.status, action)


def do_record_minutes(
    session: Session,
    actor: Actor,
    meeting_id: int,
    *,
    expected_version: int,
    text: str,
    note: str = "",
    at: datetime | None = None,
) -> MeetingMinutes:
    """Add a revision of the minutes of a held meeting (the first record or a correction).
    Earlier revisions stay; the meeting's version steps, so ``expected_version`` guards
    against two people correcting at once."""
    require(actor, MCap.MANAGE_MEETINGS)
    meeting = load_for_update(session, Meeting, "meeting", meeting_id, expected_version)
    _require_held(meeting, "record_minutes")
    body = (text or "").strip()
    errors: list[FieldError] = []
    if not body:
        errors.append(FieldError("text", "field.required"))
    elif len(body) > MAX_MINUTES:
        errors.append(FieldError("text", "field.too_long", {"max": MAX_MINUTES}))
    if len(note.strip()) > 300:
        errors.append(FieldError("note", "field.too_long", {"max": 300}))
    if errors:
        raise ValidationError(errors)
    previous = session.scalar(
        select(MeetingMinutes).where(
            MeetingMinutes.meeting_id == meeting.id,
            MeetingMinutes.revision_no == meeting.minutes_revision,
        )
    )
    minutes = MeetingMinutes(
        meeting_id=meeting.id,
        revision_no=meeting.minutes_revision + 1,
        text=body,
        note=note.strip(),
        author_id=actor.user_id,
        author_name=actor.name,
        created_at=at or record_now(),
    )
    session.add(minutes)
    meeting.minutes_revision = minutes.revision_no
    meeting.updated_at = record_now()
    session.flush()
    audit.record(
        session,
        actor,
        "minutes.record",
        "meeting",
        meeting.id,
        before=previous.as_dict() if previous is not None else None,
        after=minutes.as_dict(),
        at=at,
    )
    return minutes


def _plan_for_year(session: Session, year: int) -> Plan | None:
    """The plan a new work plan carries out: the one whose period covers the year (a
    five-year plan before an outline)."""
    plans = session.scalars(
        select(Plan).where(Plan.start_year <= year, Plan.end_year >= year).order_by(Plan.id)
    ).all()
    return min(
        plans, key=lambda p: (p.kind != "five_year", p.end_year - p.start_year, p.id), default=None
    )


def work_plan_for_year(
    session: Session, actor: Actor, year: int, *, at: datetime | None = None
) -> WorkPlan:
    """The annual work plan of ``year`` (``WP<year>`` when several), created through the
    workspace's ``do_create_work_plan`` (unpublished, linked to the covering plan; its
    creation recorded at ``at``, None: now) if the year has none."""
    plans = session.scalars(
        select(WorkPlan).where(WorkPlan.year == year).order_by(WorkPlan.id)
    ).all()
    if plans:
        return next((wp for wp in plans if wp.code == f"WP{year}"), plans[0])
    code = f"WP{year}"
    n = 1
    while session.scalar(select(WorkPlan.id).where(WorkPlan.code == code)) is not None:
        n += 1
        code = f"WP{year}-{n}"
    plan = _plan_for_year(session, year)
    return do_create_work_plan(
        session,
        actor,
        {
            "code": code,
            "year": year,
            "title": f"{year}年度知识产权工作推进计划",
            "plan_id": plan.id if plan is not None else None,
        },
        at=at,
    )


def _zh_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _default_title(decision_text: str) -> str:
    first = decision_text.strip().splitlines()[0].strip()
    return first if len(first) <= 300 else first[:299] + "…"


# Passed on to the workspace's do_create_task (which validates them).
TASK_KEYS = (
    "title",
    "description",
    "goal_id",
    "lead_unit_id",
    "co_unit_ids",
    "start_date",
    "deadline",
    "deadline_text",
    "expected_output",
    "weight",
    "milestones",
    "code",
    "seq",
)


def do_record_decision(
    session: Session,
    actor: Actor,
    meeting_id: int,
    data: Mapping[str, Any],
    *,
    at: datetime | None = None,
) -> MeetingDecision:
    """Record a decision of a held meeting and the task that follows it up.

    ``data``: ``text`` (the decision, required) and either the new task's fields — ``title``
    (default: the decision's first line), ``lead_unit_id``, ``co_unit_ids``, ``deadline``
    (ISO or 2023年6月底), ``deadline_text``, ``expected_output``, ``goal_id``, ``weight``,
    ``milestones``, ``work_plan_id`` (default: the work plan of the meeting's year, created if
    missing), ``start_date`` (default: the meeting day, so supervision's straight line starts
    when the decision was taken) — or ``task_id`` of an existing task to link instead.

    ``at``: when the decision was recorded (None: now). The new task's (and a new work plan's)
    creation is recorded then too, so the workspace as of that day
    (``ipcity.workspace.history``) has the task.
    """
    require(actor, MCap.MANAGE_MEETINGS)
    ws_require(actor, Cap.EDIT_WORK_PLANS)
    meeting = load(session, Meeting, "meeting", meeting_id, for_update=True)
    _require_held(meeting, "record_decision")
    own = {k: v for k, v in data.items() if k in DECISION_FIELDS}
    task_data = {k: v for k, v in data.items() if k not in DECISION_FIELDS}
    unknown = [k for k in task_data if k not in TASK_KEYS]
    errors: list[FieldError] = [FieldError(k, "field.unknown_field") for k in unknown]
    try:
        values = parse_fields(own, DECISION_FIELDS, partial=False)
    except ValidationError as exc:
        raise ValidationError(errors + exc.errors) from None
    if errors:
        raise ValidationError(errors)
    decision_text: str = values["text"]
    if values.get("task_id") is not None:
        if task_data or values.get("work_plan_id") is not None:
            raise ValidationError(
                [FieldError(k, "field.unknown_field") for k in [*task_data, "work_plan_id"]]
            )
        task = session.get(Task, values["task_id"])
        if task is None:
            raise invalid("task_id", "field.not_in_plan", value=values["task_id"])
    else:
        task = _create_task(session, actor, meeting, decision_text, values, task_data, at)
    linked = session.scalar(select(MeetingDecision).where(MeetingDecision.task_id == task.id))
    if linked is not None:
        raise ValidationError(
            [field_error("task_id", "field.task_already_linked", value=task.code)]
        )
    last = session.scalar(
        select(func.max(MeetingDecision.seq)).where(MeetingDecision.meeting_id == meeting.id)
    )
    decision = MeetingDecision(
        meeting_id=meeting.id,
        seq=(last or 0) + 1,
        text=decision_text,
        task_id=task.id,
        recorded_by_id=actor.user_id,
        recorded_by_name=actor.name,
        recorded_at=at or record_now(),
    )
    return add_audited(session, actor, decision, "decision.record", "meeting_decision", at=at)


def _create_task(
    session: Session,
    actor: Actor,
    meeting: Meeting,
    decision_text: str,
    values: Mapping[str, Any],
    task_data: Mapping[str, Any],
    at: datetime | None,
) -> Task:
    if values.get("work_plan_id") is not None:
        wp = session.get(WorkPlan, values["work_plan_id"])
        if wp is None:
            raise invalid("work_plan_id", "field.not_in_plan", value=values["work_plan_id"])
    else:
        wp = work_plan_for_year(session, actor, meeting.meeting_date.year, at=at)
    payload: dict[str, Any] = {"work_plan_id": wp.id, **task_data}
    if not str(payload.get("title") or "").strip():
        payload["title"] = _default_title(decision_text)
    if not str(payload.get("description") or "").strip():
        payload["description"] = render(
            "task.decision_source",
            {
                "text": decision_text,
                "meeting": meeting.title,
                "date": _zh_date(meeting.meeting_date),
            },
            "zh",
        )
    deadline = payload.get("deadline")
    if isinstance(deadline, str) and deadline.strip():
        # "6月底" at a 2023 meeting means 30 June 2023: the work plan's year fills in the year,
        # as the task import does; the wording is kept.
        parsed = parse_deadline(deadline.strip(), wp.year)
        if parsed is not None:
            payload["deadline"] = parsed
            if (
                not ISO_DATE.fullmatch(deadline.strip())
                and not str(payload.get("deadline_text") or "").strip()
            ):
                payload["deadline_text"] = deadline.strip()[:50]
    if (
        payload.get("start_date") in (None, "")
        and wp.start_date < meeting.meeting_date
        and meeting.meeting_date.year == wp.year
    ):
        payload["start_date"] = meeting.meeting_date
    task = do_create_task(session, actor, payload, at=at)
    # Meetings are never public: the decision's task stays internal until the office
    # publishes the decision (do_publish_decision).
    task.internal = True
    session.flush()
    return task


def do_publish_decision(
    session: Session, actor: Actor, meeting_id: int, decision_id: int
) -> MeetingDecision:
    """Make a decision's follow-up task visible to the public (where the office's visibility
    setting shows published work plans at all). Audited as ``decision.publish``; publishing
    an already public decision changes nothing."""
    require(actor, MCap.MANAGE_MEETINGS)
    ws_require(actor, Cap.EDIT_WORK_PLANS)
    decision = session.get(MeetingDecision, decision_id, with_for_update=True)
    if decision is None or decision.meeting_id != meeting_id:
        raise NotFound("meeting_decision", decision_id)
    task = session.get(Task, decision.task_id) if decision.task_id is not None else None
    if task is not None and task.internal:
        task.internal = False
        session.flush()
        audit.record(
            session,
            actor,
            "decision.publish",
            "meeting_decision",
            decision.id,
            before={"task_id": task.id, "internal": True},
            after={"task_id": task.id, "internal": False},
        )
    return decision
