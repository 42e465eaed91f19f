"""Importing the office's sheets: tasks into a work plan, targets into a plan.

All or nothing: the whole sheet is validated first; any bad row raises ImportRejected with
every row error and nothing is written. Reading and validating (``read_task_import``,
``read_target_import``) need only a read session, so the web app does them before it opens the
write transaction: a slow or hostile upload never holds the database's write lock; the write
transaction (``do_import_*`` given the checked import) only writes.

Writing happens inside a SAVEPOINT through the same actions a form would use (so each
created/updated row gets its audit entry); should one of
them still refuse a row, the savepoint is rolled back and that row is reported the same way.
Re-running the same sheet changes nothing (rows are keyed by code; unchanged rows are not
touched and get no audit entry).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ipcity.workspace import excel_io  # a module: excel_io imports actions._common
from ipcity.workspace.actions._common import load
from ipcity.workspace.actions.plans import do_create_target, do_update_target
from ipcity.workspace.actions.work_plans import do_create_task, do_update_task
from ipcity.workspace.errors import ImportRejected, RowError, ValidationError
from ipcity.workspace.models import IndicatorTarget, Plan, Task, WorkPlan
from ipcity.workspace.permissions import Actor, Cap, require
from ipcity.workspace.tabular import Rows


@dataclass
class ImportResult:
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)  # existing codes the sheet lacks (kept)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _task_header(rows: Rows) -> bool:
    return excel_io.header_check(excel_io.TASK_ALIASES, excel_io.TASK_REQUIRED)(rows)


def _target_header(rows: Rows) -> bool:
    return excel_io.header_check(excel_io.TARGET_ALIASES, excel_io.TARGET_REQUIRED)(rows)


class _Abort(Exception):
    """Leaves the savepoint (rolling it back) when a write refused a row."""


def _task_values(r: excel_io.TaskRow) -> dict[str, Any]:
    return {
        "code": r.code,
        "seq": r.seq,
        "title": r.title,
        "description": r.description,
        "goal_id": r.goal_id,
        "lead_unit_id": r.lead_unit_id,
        "co_unit_ids": r.co_unit_ids,
        "deadline": r.deadline,
        "deadline_text": r.deadline_text,
        "expected_output": r.expected_output,
        "weight": r.weight,
        "milestones": [{"title": t, "due_date": d} for t, d in r.milestones],
    }


def _task_changes(task: Task, values: dict[str, Any]) -> dict[str, Any]:
    current = {
        "code": task.code,
        "seq": task.seq,
        "title": task.title,
        "description": task.description,
        "goal_id": task.goal_id,
        "lead_unit_id": task.lead_unit_id,
        "co_unit_ids": [u.id for u in task.co_units],
        "deadline": task.deadline,
        "deadline_text": task.deadline_text,
        "expected_output": task.expected_output,
        "weight": task.weight,
        "milestones": [{"title": m.title, "due_date": m.due_date} for m in task.milestones],
    }
    return {k: v for k, v in values.items() if current[k] != v}


def _rejected(row: int, exc: ValidationError) -> list[RowError]:
    return [RowError(row, e.field, e.key, e.params) for e in exc.errors]


@dataclass(frozen=True)
class TaskImport:
    """A task sheet read and checked, ready to write (see ``read_task_import``)."""

    work_plan_id: int
    rows: list[excel_io.TaskRow]


@dataclass(frozen=True)
class TargetImport:
    """A target sheet read and checked, ready to write (see ``read_target_import``)."""

    plan_id: int
    rows: list[excel_io.TargetRow]


def read_task_import(
    session: Session,
    actor: Actor,
    work_plan_id: int,
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
) -> TaskImport:
    """Read and check a task sheet (no writes; a read session is enough). ImportRejected
    lists every problem."""
    require(actor, Cap.EDIT_WORK_PLANS)
    wp = load(session, WorkPlan, work_plan_id)
    rows = excel_io.read_sheet(data, filename, sheet=sheet, header_found=_task_header)
    if isinstance(rows, RowError):
        raise ImportRejected([rows])
    parsed, errors = excel_io.parse_task_rows(session, wp, rows)
    if errors:
        raise ImportRejected(errors)
    return TaskImport(wp.id, parsed)


def do_import_tasks(
    session: Session,
    actor: Actor,
    work_plan_id: int,
    data: bytes | TaskImport,
    filename: str = "",
    *,
    sheet: str | None = None,
) -> ImportResult:
    """Import a task sheet (XLSX or CSV) into a work plan; see excel_io for the layout.
    ``data`` may be the sheet's bytes or what ``read_task_import`` returned for it."""
    require(actor, Cap.EDIT_WORK_PLANS)
    wp = load(session, WorkPlan, work_plan_id)
    if isinstance(data, TaskImport):
        if data.work_plan_id != wp.id:
            raise ValueError("the checked import belongs to another work plan")
        parsed = data.rows
    else:
        parsed = read_task_import(session, actor, wp.id, data, filename, sheet=sheet).rows
    result = ImportResult(rows=len(parsed))
    existing = {t.code: t for t in session.scalars(select(Task).where(Task.work_plan_id == wp.id))}
    failures: list[RowError] = []
    try:
        with session.begin_nested():
            for r in parsed:
                values = _task_values(r)
                task = existing.get(r.code)
                try:
                    if task is None:
                        do_create_task(session, actor, {"work_plan_id": wp.id, **values})
                        result.created.append(r.code)
                        continue
                    changes = _task_changes(task, values)
                    if not changes:
                        result.unchanged.append(r.code)
                        continue
                    # The sheet is the authority: it updates whatever version is current.
                    do_update_task(
                        session, actor, task.id, expected_version=task.version, changes=changes
                    )
                    result.updated.append(r.code)
                except ValidationError as exc:
                    failures.extend(_rejected(r.row, exc))
            if failures:
                raise _Abort
    except _Abort:
        raise ImportRejected(failures) from None
    in_file = {r.code for r in parsed}
    result.not_in_file = sorted(c for c in existing if c not in in_file)
    return result


def read_target_import(
    session: Session,
    actor: Actor,
    plan_id: int,
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
) -> TargetImport:
    """Read and check an indicator target sheet (no writes). ImportRejected lists every
    problem."""
    require(actor, Cap.EDIT_PLANS)
    plan = load(session, Plan, plan_id)
    rows = excel_io.read_sheet(data, filename, sheet=sheet, header_found=_target_header)
    if isinstance(rows, RowError):
        raise ImportRejected([rows])
    parsed, errors = excel_io.parse_target_rows(session, plan.id, rows)
    if errors:
        raise ImportRejected(errors)
    return TargetImport(plan.id, parsed)


def do_import_targets(
    session: Session,
    actor: Actor,
    plan_id: int,
    data: bytes | TargetImport,
    filename: str = "",
    *,
    sheet: str | None = None,
) -> ImportResult:
    """Import an indicator target sheet into a plan; see excel_io for the layout. ``data``
    may be the sheet's bytes or what ``read_target_import`` returned for it."""
    require(actor, Cap.EDIT_PLANS)
    plan = load(session, Plan, plan_id)
    if isinstance(data, TargetImport):
        if data.plan_id != plan.id:
            raise ValueError("the checked import belongs to another plan")
        parsed = data.rows
    else:
        parsed = read_target_import(session, actor, plan.id, data, filename, sheet=sheet).rows
    current = excel_io.existing_targets(session, plan.id)
    by_code = {t.code: t for t in current}
    by_name = {t.name: t for t in current}
    used_codes = set(by_code)
    result = ImportResult(rows=len(parsed))
    failures: list[RowError] = []
    try:
        with session.begin_nested():
            for r in parsed:
                target: IndicatorTarget | None = (
                    by_code.get(r.code) if r.code else by_name.get(r.values["name"])
                )
                try:
                    if target is None:
                        code = r.code or _new_code(r, used_codes)
                        used_codes.add(code)
                        do_create_target(
                            session, actor, {"plan_id": plan.id, "code": code, **r.values}
                        )
                        result.created.append(code)
                        continue
                    now = target.as_dict()
                    changes = {k: v for k, v in r.values.items() if now.get(k) != v}
                    if not changes:
                        result.unchanged.append(target.code)
                        continue
                    do_update_target(
                        session, actor, target.id, expected_version=target.version, changes=changes
                    )
                    result.updated.append(target.code)
                except ValidationError as exc:
                    failures.extend(_rejected(r.row, exc))
            if failures:
                raise _Abort
    except _Abort:
        raise ImportRejected(failures) from None
    seen = set(result.created) | set(result.updated) | set(result.unchanged)
    result.not_in_file = sorted(c for c in by_code if c not in seen)
    return result


def _new_code(r: Any, used: set[str]) -> str:
    base = r.values.get("engine_indicator") or f"I{int(r.values.get('sort_order') or 0):03d}"
    code, n = base, 1
    while code in used:
        n += 1
        code = f"{base}-{n}"
    return code
