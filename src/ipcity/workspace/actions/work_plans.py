"""Writes on annual work plans and their tasks (with co-operating units and milestones)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ipcity.workspace.actions._common import (
    Field,
    a_date,
    add_audited,
    boolean,
    choice,
    delete_audited,
    flush_audited,
    ident,
    ident_list,
    integer,
    load_for_update,
    matching,
    milestone_list,
    number,
    optional_ident,
    parse_changes,
    parse_fields,
    text,
    touch,
)
from ipcity.workspace.actions._editable import Editable
from ipcity.workspace.errors import FieldError, ValidationError, invalid
from ipcity.workspace.models import (
    Goal,
    Milestone,
    Notice,
    Plan,
    ProgressReport,
    Task,
    Unit,
    WorkPlan,
)
from ipcity.workspace.permissions import Actor, Cap, require
from ipcity.workspace.rhythm import RHYTHMS

_code = matching(r"[\w.\-]{1,32}", "letters, digits, _ . - (max 32)")


WORK_PLAN_FIELDS: dict[str, Field] = {
    "code": Field(_code, required=True),
    "year": Field(integer(1949, 2100), required=True),
    "title": Field(text(200), required=True),
    "plan_id": Field(optional_ident),
    "start_date": Field(a_date),
    "published": Field(boolean),
    "report_rhythm": Field(choice(RHYTHMS)),  # month | quarter | half | year (rhythm.py)
}


def _check_work_plan(session: Session, values: Mapping[str, Any], wp: WorkPlan | None) -> None:
    errors = []
    code = values.get("code")
    if code is not None:
        other = session.scalar(select(WorkPlan).where(WorkPlan.code == code))
        if other is not None and (wp is None or other.id != wp.id):
            errors.append(FieldError("code", "field.duplicate", {"value": code}))
    plan_id = values.get("plan_id")
    if plan_id is not None and session.get(Plan, plan_id) is None:
        errors.append(FieldError("plan_id", "field.not_in_plan", {"value": plan_id}))
    if errors:
        raise ValidationError(errors)


def _start_of_year(values: dict[str, Any], wp: WorkPlan | None) -> None:
    """No start date (left out on a new work plan, or cleared): 1 January of its year."""
    if values.get("start_date") is None and (wp is None or "start_date" in values):
        year = values["year"] if wp is None or "year" in values else wp.year
        values["start_date"] = date(year, 1, 1)


WORK_PLANS = Editable(
    WorkPlan,
    Cap.EDIT_WORK_PLANS,
    WORK_PLAN_FIELDS,
    _check_work_plan,
    "work_plan",
    complete=_start_of_year,
)


def do_create_work_plan(
    session: Session, actor: Actor, data: Mapping[str, Any], *, at: datetime | None = None
) -> WorkPlan:
    """Fields: code, year, title, plan_id (the plan it carries out, optional), start_date
    (default 1 January of the year: the start of every task's straight line), published,
    report_rhythm (month | quarter | half | year; default quarter: the period the report
    form proposes). ``at``: when its creation is recorded (None: now)."""
    return WORK_PLANS.create(session, actor, data, at=at)


def do_update_work_plan(
    session: Session,
    actor: Actor,
    work_plan_id: int,
    *,
    expected_version: int,
    changes: Mapping[str, Any],
) -> WorkPlan:
    """Change a work plan; ``{"published": True}`` shows it (and its tasks) to the public."""
    return WORK_PLANS.update(
        session, actor, work_plan_id, expected_version=expected_version, changes=changes
    )


TASK_FIELDS: dict[str, Field] = {
    "work_plan_id": Field(ident, required=True),
    "code": Field(_code),  # default: <year>-<seq as 3 digits>
    "seq": Field(integer(0)),
    "title": Field(text(300), required=True),
    "description": Field(text(20000)),
    "goal_id": Field(optional_ident),
    "lead_unit_id": Field(ident, required=True),
    "co_unit_ids": Field(ident_list),
    "start_date": Field(a_date),
    "deadline": Field(a_date, required=True),
    "deadline_text": Field(text(50)),
    "expected_output": Field(text(20000)),
    "weight": Field(number(0)),
    "milestones": Field(milestone_list),
}
SCALAR_TASK_FIELDS = tuple(k for k in TASK_FIELDS if k not in ("co_unit_ids", "milestones"))


def default_task_code(year: int, seq: int) -> str:
    """How a task code is formed when the sheet or form gives none: ``2023-007``."""
    return f"{year}-{seq:03d}"


def _check_task(session: Session, values: dict[str, Any], task: Task | None, wp: WorkPlan) -> None:
    errors: list[FieldError] = []
    lead_id = values.get("lead_unit_id", task.lead_unit_id if task else None)
    co_ids = values.get("co_unit_ids")
    if co_ids is None:
        co_ids = [u.id for u in task.co_units] if task else []
    for uid in [lead_id, *co_ids]:
        if uid is not None and session.get(Unit, uid) is None:
            errors.append(FieldError("unit", "field.unknown_unit", {"value": uid}))
    if lead_id in co_ids:
        errors.append(FieldError("co_unit_ids", "field.lead_also_co", {"value": lead_id}))
    goal_id = values.get("goal_id")
    if goal_id is not None:
        goal = session.get(Goal, goal_id)
        if goal is None or (wp.plan_id is not None and goal.plan_id != wp.plan_id):
            errors.append(FieldError("goal_id", "field.unknown_goal", {"value": goal_id}))
    code = values.get("code")
    if code:
        other = session.scalar(select(Task).where(Task.work_plan_id == wp.id, Task.code == code))
        if other is not None and (task is None or other.id != task.id):
            errors.append(FieldError("code", "field.duplicate", {"value": code}))
    start = values.get("start_date", task.start_date if task else None) or wp.start_date
    deadline = values.get("deadline", task.deadline if task else None)
    if deadline is not None and deadline < start:
        errors.append(FieldError("deadline", "field.deadline_before_start"))
    if errors:
        raise ValidationError(errors)


def _apply_task(session: Session, task: Task, values: Mapping[str, Any]) -> None:
    for k in SCALAR_TASK_FIELDS:
        if k in values and k != "work_plan_id":
            setattr(task, k, values[k])
    if "co_unit_ids" in values:
        ids = values["co_unit_ids"] or []
        units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))}
        task.co_units = [units[i] for i in ids]
    if "milestones" in values:
        task.milestones = [
            Milestone(seq=i, title=title, due_date=due)
            for i, (title, due) in enumerate(values["milestones"] or [], start=1)
        ]


def do_create_task(
    session: Session, actor: Actor, data: Mapping[str, Any], *, at: datetime | None = None
) -> Task:
    """Fields: work_plan_id, code (default ``<year>-<seq:03d>``), seq (default next), title,
    description, goal_id, lead_unit_id, co_unit_ids, start_date (default the work plan's),
    deadline (a date, ISO or a Chinese form like 2023年6月底), deadline_text, expected_output,
    weight, milestones ([{title, due_date}]). ``at``: when its creation is recorded (None:
    now; a meeting's decision records the task on the day it was decided)."""
    require(actor, Cap.EDIT_WORK_PLANS)
    values = parse_fields(data, TASK_FIELDS, partial=False)
    wp = session.get(WorkPlan, values["work_plan_id"])
    if wp is None:
        raise invalid("work_plan_id", "field.not_in_plan", value=values["work_plan_id"])
    if values.get("seq") is None:
        last = session.scalar(select(func.max(Task.seq)).where(Task.work_plan_id == wp.id))
        values["seq"] = (last or 0) + 1
    if not values.get("code"):
        values["code"] = default_task_code(wp.year, values["seq"])
    _check_task(session, values, None, wp)
    task = Task(work_plan_id=wp.id, lead_unit_id=values["lead_unit_id"], title=values["title"])
    task.work_plan = wp
    _apply_task(session, task, {k: v for k, v in values.items() if v is not None or k == "goal_id"})
    return add_audited(session, actor, task, "task.create", "task", at=at)


def do_update_task(
    session: Session,
    actor: Actor,
    task_id: int,
    *,
    expected_version: int,
    changes: Mapping[str, Any],
) -> Task:
    """Change any task field (lists replace the old lists). The work plan cannot change."""
    require(actor, Cap.EDIT_WORK_PLANS)
    task = load_for_update(session, Task, task_id, expected_version)
    fields = {k: v for k, v in TASK_FIELDS.items() if k != "work_plan_id"}
    values = parse_changes(changes, fields, not_cleared=("code", "seq"))
    _check_task(session, values, task, task.work_plan)
    before = task.as_dict()
    with session.no_autoflush:  # one UPDATE, so one version step per edit
        _apply_task(session, task, values)
    touch(task)  # co-units and milestones live in other tables: bump the version anyway
    flush_audited(session, actor, task, "task.update", "task", before)
    return task


def do_delete_task(session: Session, actor: Actor, task_id: int, *, expected_version: int) -> None:
    """Delete a task that has no progress report yet (a reported task is kept for the record)."""
    require(actor, Cap.EDIT_WORK_PLANS)
    task = load_for_update(session, Task, task_id, expected_version)
    n = session.scalar(select(func.count()).where(ProgressReport.task_id == task.id))
    if n:
        raise invalid("task_id", "field.has_reports")
    before = task.as_dict()
    # Notices keep their text (task code and title are in their params), not the link.
    session.execute(update(Notice).where(Notice.task_id == task.id).values(task_id=None))
    task.co_units = []
    delete_audited(session, actor, task, "task.delete", "task", before)
