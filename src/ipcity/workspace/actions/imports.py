"""Importing the office's sheets: tasks into a work plan, targets into a plan.

All or nothing: the whole sheet is validated first; any bad row raises ImportRejected with
every row error and nothing is written. Reading and validating (``read_task_import``,
``read_target_import``) need only a read session, so the web app does them before it opens the
write transaction: a slow or hostile upload never holds the database's write lock; the write
transaction (``do_import_*`` given the checked import) only writes.

Writing happens inside a SAVEPOINT through the same actions a form would use (so each
created/updated row gets its audit entry); should one of
them still refuse a row, the savepoint is rolled back and that row is reported the same way.
Re-running the same sheet changes nothing (unchanged rows are not touched and get no audit
entry).

Tasks are previewed before they are written: ``preview_task_import`` lists the rows it would
add, update (with every changed field, before and after) and leave, with warnings (a deadline
outside the plan's year or already past; the title or lead unit of a task that has progress
reports would change). Its ``token`` is a digest of exactly what would be written and of the
versions of the work plan's tasks; ``do_import_tasks(..., expected_token=token)`` recomputes
it inside the write transaction and refuses (StalePreview, nothing written) when the data
changed in between, so what is applied is what was previewed.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from ipcity.workspace import excel_io  # a module: excel_io imports actions._common
from ipcity.workspace.actions._common import load
from ipcity.workspace.actions.plans import do_create_target, do_update_target
from ipcity.workspace.actions.work_plans import do_create_task, do_update_task
from ipcity.workspace.errors import (
    ImportRejected,
    PermissionDenied,
    RowError,
    ValidationError,
    WorkspaceError,
)
from ipcity.workspace.import_preview import (
    ImportPreview,
    StalePreview,
    digest,
    field_changes,
)
from ipcity.workspace.models import (
    Goal,
    IndicatorTarget,
    PendingImport,
    Plan,
    ProgressReport,
    Task,
    Unit,
    WorkPlan,
    utcnow,
)
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


class _CodedOp(Protocol):
    @property
    def code(self) -> str: ...


OpT = TypeVar("OpT", bound=_CodedOp)


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
    current = _current_values(task)
    return {k: v for k, v in values.items() if k in current and current[k] != v}


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


# Fields a sheet column stands for (only the columns present are compared and written).
_COLUMN_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "description": ("description",),
    "goal": ("goal_id",),
    "lead": ("lead_unit_id",),
    "co": ("co_unit_ids",),
    "deadline": ("deadline", "deadline_text"),
    "expected_output": ("expected_output",),
    "weight": ("weight",),
    "milestones": ("milestones",),
}


@dataclass
class _Op:
    row: excel_io.TaskRow
    code: str
    task: Task | None  # None: create
    values: dict[str, Any]  # create: every field; update: the changed fields only


@dataclass(kw_only=True)
class TaskImportPreview(ImportPreview):
    """What importing a checked sheet would do (see the module doc). ``loud``: the updates
    that rename a task with reports or hand it to another lead unit."""

    work_plan_id: int
    ops: list[_Op] = field(default_factory=list, repr=False)


def _next_codes(year: int, taken: set[str]) -> Any:
    pattern = re.compile(rf"^{year}-(\d+)$")
    n = max((int(m.group(1)) for c in taken if (m := pattern.match(c))), default=0)
    while True:
        n += 1
        code = f"{year}-{n:03d}"
        if code not in taken:
            taken.add(code)
            yield code


class _Names:
    """Display values for the preview: unit names, goal labels, ISO dates."""

    def __init__(self, session: Session) -> None:
        self.units = {u.id: u.name for u in session.scalars(select(Unit))}
        self.goals = {g.id: excel_io.goal_label(g) for g in session.scalars(select(Goal))}

    def show(self, name: str, value: Any) -> Any:
        if value is None:
            return ""
        if name == "lead_unit_id":
            return self.units.get(value, str(value))
        if name == "co_unit_ids":
            return "、".join(self.units.get(u, str(u)) for u in value)
        if name == "goal_id":
            return self.goals.get(value, str(value))
        if name == "milestones":
            return excel_io.format_milestones([(m["title"], m["due_date"]) for m in value])
        if isinstance(value, date):
            return value.isoformat()
        return value


_FIELD_COLUMN = {
    "title": "title",
    "description": "description",
    "goal_id": "goal",
    "lead_unit_id": "lead",
    "co_unit_ids": "co",
    "deadline": "deadline",
    "deadline_text": "deadline",
    "expected_output": "expected_output",
    "weight": "weight",
    "milestones": "milestones",
    "seq": "seq",
}


def preview_task_import(
    session: Session, actor: Actor, checked: TaskImport, *, today: date | None = None
) -> TaskImportPreview:
    """What ``do_import_tasks`` would do with ``checked`` now (no writes). ``today`` (the
    app's date) adds a warning for each deadline that is already past."""
    require(actor, Cap.EDIT_WORK_PLANS)
    wp = load(session, WorkPlan, checked.work_plan_id)
    tasks = list(
        session.scalars(
            select(Task)
            .where(Task.work_plan_id == wp.id)
            .options(selectinload(Task.co_units), selectinload(Task.milestones))
            .order_by(Task.id)
        )
    )
    by_code = {t.code: t for t in tasks}
    by_title: dict[str, list[Task]] = {}
    for t in tasks:
        by_title.setdefault(excel_io.title_key(t.title), []).append(t)
    reports = dict(
        session.execute(
            select(ProgressReport.task_id, func.count())
            .join(Task, Task.id == ProgressReport.task_id)
            .where(Task.work_plan_id == wp.id)
            .group_by(ProgressReport.task_id)
        ).all()
    )
    names = _Names(session)
    taken = set(by_code) | {r.code for r in checked.rows if r.code}
    new_codes = _next_codes(wp.year, taken)
    preview = TaskImportPreview(work_plan_id=wp.id)
    touched: set[int] = set()
    for r in checked.rows:
        preview.warnings.extend(r.warnings)
        task: Task | None = None
        if r.code is not None:
            task = by_code.get(r.code)
        else:
            same_title = by_title.get(excel_io.title_key(r.title), [])
            led = [t for t in same_title if t.lead_unit_id == r.lead_unit_id]
            task = next((t for t in led if t.id not in touched), None)
            if task is None and same_title and not led:
                other = same_title[0]
                preview.warnings.append(
                    _warn(
                        r,
                        "title",
                        "import.same_title_other_lead",
                        code=other.code,
                        unit=names.show("lead_unit_id", other.lead_unit_id),
                    )
                )
        values = _task_values(r)
        if task is None:
            code = r.code or next(new_codes)
            values["code"] = code
            preview.ops.append(_Op(r, code, None, values))
            preview.add.append(
                {
                    "row": r.row,
                    "seq": r.seq_text,
                    "code": code,
                    "title": r.title,
                    "lead_unit": names.show("lead_unit_id", r.lead_unit_id),
                    "co_units": names.show("co_unit_ids", r.co_unit_ids),
                    "deadline": r.deadline.isoformat(),
                    "deadline_text": r.deadline_text,
                }
            )
            _deadline_passed(preview, r, today)
            continue
        touched.add(task.id)
        wanted = {"code", "seq"} if r.code is not None else set()
        for col in r.present:
            wanted.update(_COLUMN_FIELDS.get(col, ()))
        if r.goal_id is not None:
            wanted.add("goal_id")
        changes = {k: v for k, v in _task_changes(task, values).items() if k in wanted}
        if not changes:
            preview.unchanged.append(task.code)
            continue
        preview.ops.append(_Op(r, task.code, task, changes))
        n_reports = int(reports.get(task.id, 0))
        renamed = [k for k in ("title", "lead_unit_id") if k in changes]
        loud = bool(renamed) and n_reports > 0
        current = _current_values(task)
        preview.update.append(
            {
                "row": r.row,
                "seq": r.seq_text,
                "code": task.code,
                "title": task.title,
                "reports": n_reports,
                "loud": loud,
                "changes": field_changes(current, changes, names.show),
            }
        )
        if loud:
            preview.warnings.append(
                _warn(
                    r,
                    "title",
                    "import.renames_reported_task",
                    code=task.code,
                    reports=n_reports,
                    fields="、".join(
                        excel_io.TASK_HEADER[excel_io.TASK_FIELDS.index(_FIELD_COLUMN[k])]
                        for k in renamed
                    ),
                    fields_en=" and ".join(_FIELD_EN[k] for k in renamed),
                )
            )
        if "deadline" in changes:
            _deadline_passed(preview, r, today)
    in_file = {op.code for op in preview.ops} | set(preview.unchanged)
    preview.not_in_file = sorted(c for c in by_code if c not in in_file)
    preview.token = _token(wp.id, tasks, preview.ops)
    return preview


_FIELD_EN = {"title": "title", "lead_unit_id": "lead unit"}  # the English message's words


def _warn(r: excel_io.TaskRow, f: str, key: str, **params: Any) -> RowError:
    column = excel_io.TASK_HEADER[excel_io.TASK_FIELDS.index(f)]
    return RowError(r.row, column, key, params, seq=r.seq_text)


def _deadline_passed(preview: TaskImportPreview, r: excel_io.TaskRow, today: date | None) -> None:
    if today is not None and r.deadline < today:
        preview.warnings.append(
            _warn(
                r,
                "deadline",
                "import.deadline_passed",
                value=r.deadline_text or r.deadline.isoformat(),
                date=r.deadline.isoformat(),
                today=today.isoformat(),
            )
        )


def _token(work_plan_id: int, tasks: list[Task], ops: list[_Op]) -> str:
    return digest(
        {
            "work_plan": work_plan_id,
            "tasks": [[t.id, t.version] for t in tasks],
            "ops": [[op.code, op.task.id if op.task else None, op.values] for op in ops],
        }
    )


def _current_values(task: Task) -> dict[str, Any]:
    return {
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


def do_import_tasks(
    session: Session,
    actor: Actor,
    work_plan_id: int,
    data: bytes | TaskImport,
    filename: str = "",
    *,
    sheet: str | None = None,
    expected_token: str | None = None,
) -> ImportResult:
    """Import a task sheet (XLSX or CSV) into a work plan; see excel_io for the layout.
    ``data`` may be the sheet's bytes or what ``read_task_import`` returned for it. With
    ``expected_token`` (a preview's token) it writes only when the preview still holds."""
    require(actor, Cap.EDIT_WORK_PLANS)
    wp = load(session, WorkPlan, work_plan_id)
    if isinstance(data, TaskImport):
        if data.work_plan_id != wp.id:
            raise ValueError("the checked import belongs to another work plan")
        checked = data
    else:
        checked = read_task_import(session, actor, wp.id, data, filename, sheet=sheet)
    preview = preview_task_import(session, actor, checked)

    def write(op: _Op) -> bool:
        if op.task is None:
            do_create_task(session, actor, {"work_plan_id": wp.id, **op.values})
            return True
        # The previewed changes, on the version the preview saw.
        do_update_task(
            session, actor, op.task.id, expected_version=op.task.version, changes=op.values
        )
        return False

    return _write_previewed(
        session,
        preview,
        preview.ops,
        rows=len(checked.rows),
        expected_token=expected_token,
        write=write,
        row_of=lambda op: op.row.row,
    )


def _write_previewed(
    session: Session,
    preview: ImportPreview,
    ops: Sequence[OpT],
    *,
    rows: int,
    expected_token: str | None,
    write: Callable[[OpT], bool],
    row_of: Callable[[OpT], int],
) -> ImportResult:
    """Write a preview's operations in one savepoint: ``write`` creates (True) or updates
    (False) one row; any row refused rolls back them all and ImportRejected lists every one.
    With ``expected_token`` it writes only when the preview still holds."""
    if expected_token is not None and preview.token != expected_token:
        raise StalePreview()
    result = ImportResult(rows=rows, unchanged=list(preview.unchanged))
    failures: list[RowError] = []
    try:
        with session.begin_nested():
            for op in ops:
                try:
                    created = write(op)
                except ValidationError as exc:
                    failures.extend(_rejected(row_of(op), exc))
                else:
                    (result.created if created else result.updated).append(op.code)
            if failures:
                raise _Abort
    except _Abort:
        raise ImportRejected(failures) from None
    result.not_in_file = list(preview.not_in_file)
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


@dataclass
class _TargetOp:
    row: int
    code: str
    target: IndicatorTarget | None  # None: create
    values: dict[str, Any]


@dataclass(kw_only=True)
class TargetImportPreview(ImportPreview):
    """What importing a checked indicator sheet would do (see ``ImportPreview``); the
    ``token`` is what ``do_import_targets(..., expected_token=)`` checks."""

    plan_id: int
    ops: list[_TargetOp] = field(default_factory=list, repr=False)


def preview_target_import(
    session: Session, actor: Actor, checked: TargetImport
) -> TargetImportPreview:
    """What ``do_import_targets`` would do with ``checked`` now (no writes)."""
    require(actor, Cap.EDIT_PLANS)
    plan = load(session, Plan, checked.plan_id)
    current = sorted(excel_io.existing_targets(session, plan.id), key=lambda t: t.id)
    by_code = {t.code: t for t in current}
    by_name = {t.name: t for t in current}
    used_codes = set(by_code)
    goals = {g.id: excel_io.goal_label(g) for g in session.scalars(select(Goal))}

    def show(k: str, v: Any) -> Any:
        return goals.get(v, "") if k == "goal_id" else ("" if v is None else v)

    preview = TargetImportPreview(plan_id=plan.id)
    for r in checked.rows:
        target = by_code.get(r.code) if r.code else by_name.get(r.values["name"])
        if target is None:
            code = r.code or _new_code(r, used_codes)
            used_codes.add(code)
            preview.ops.append(_TargetOp(r.row, code, None, dict(r.values)))
            preview.add.append(
                {
                    "row": r.row,
                    "seq": str(r.values.get("sort_order") or ""),
                    "code": code,
                    "title": r.values["name"],
                    "target_year": r.values.get("target_year"),
                    "target_value": r.values.get("target_value"),
                }
            )
            continue
        now = target.as_dict()
        changes = {k: v for k, v in r.values.items() if now.get(k) != v}
        if not changes:
            preview.unchanged.append(target.code)
            continue
        preview.ops.append(_TargetOp(r.row, target.code, target, changes))
        preview.update.append(
            {
                "row": r.row,
                "seq": "",
                "code": target.code,
                "title": target.name,
                "reports": 0,
                "loud": False,
                "changes": field_changes(now, changes, show),
            }
        )
    seen = {op.code for op in preview.ops} | set(preview.unchanged)
    preview.not_in_file = sorted(c for c in by_code if c not in seen)
    preview.token = digest(
        {
            "plan": plan.id,
            "targets": [[t.id, t.version] for t in current],
            "ops": [
                [op.code, op.target.id if op.target else None, op.values] for op in preview.ops
            ],
        }
    )
    return preview


def do_import_targets(
    session: Session,
    actor: Actor,
    plan_id: int,
    data: bytes | TargetImport,
    filename: str = "",
    *,
    sheet: str | None = None,
    expected_token: str | None = None,
) -> ImportResult:
    """Import an indicator target sheet into a plan; see excel_io for the layout. ``data``
    may be the sheet's bytes or what ``read_target_import`` returned for it; with
    ``expected_token`` (a preview's) it writes only when the preview still holds."""
    require(actor, Cap.EDIT_PLANS)
    plan = load(session, Plan, plan_id)
    if isinstance(data, TargetImport):
        if data.plan_id != plan.id:
            raise ValueError("the checked import belongs to another plan")
        checked = data
    else:
        checked = read_target_import(session, actor, plan.id, data, filename, sheet=sheet)
    preview = preview_target_import(session, actor, checked)

    def write(op: _TargetOp) -> bool:
        if op.target is None:
            do_create_target(session, actor, {"plan_id": plan.id, "code": op.code, **op.values})
            return True
        do_update_target(
            session, actor, op.target.id, expected_version=op.target.version, changes=op.values
        )
        return False

    return _write_previewed(
        session,
        preview,
        preview.ops,
        rows=len(checked.rows),
        expected_token=expected_token,
        write=write,
        row_of=lambda op: op.row,
    )


def _new_code(r: Any, used: set[str]) -> str:
    base = r.values.get("engine_indicator") or f"I{int(r.values.get('sort_order') or 0):03d}"
    code, n = base, 1
    while code in used:
        n += 1
        code = f"{base}-{n}"
    return code


# --- uploads waiting for confirmation (the pages' preview → confirm) -------------------------

PENDING_KEEP = timedelta(days=1)

# Who may keep an upload of each kind for its owner (work plan, plan, unit); an area that
# previews its own imports registers its kind here (protection: "cases").
PENDING_RIGHTS: dict[str, Callable[[Actor, int], None]] = {
    "tasks": lambda actor, _owner: require(actor, Cap.EDIT_WORK_PLANS),
    "targets": lambda actor, _owner: require(actor, Cap.EDIT_PLANS),
}


def store_pending_import(
    session: Session,
    actor: Actor,
    *,
    kind: str,
    owner_id: int,
    data: bytes,
    filename: str,
    sheet: str,
) -> str:
    """Keep an uploaded sheet until the user confirms its preview; the key goes in the
    confirm form. Uploads older than a day are dropped here."""
    PENDING_RIGHTS[kind](actor, owner_id)
    if actor.user_id is None:
        raise PermissionDenied(Cap.EDIT_WORK_PLANS)
    session.execute(delete(PendingImport).where(PendingImport.created_at < utcnow() - PENDING_KEEP))
    key = secrets.token_urlsafe(24)
    session.add(
        PendingImport(
            key=key,
            user_id=actor.user_id,
            kind=kind,
            owner_id=owner_id,
            filename=filename[:255],
            sheet=sheet[:100],
            data=data,
        )
    )
    session.flush()
    return key


def load_pending_import(
    session: Session, actor: Actor, key: str, *, kind: str, owner_id: int
) -> PendingImport:
    """The upload kept under ``key`` for this user, work plan/plan and kind; NotFound (the
    upload expired or was applied already) otherwise."""
    found = session.scalar(select(PendingImport).where(PendingImport.key == key[:64]))
    if (
        found is None
        or found.user_id != actor.user_id
        or found.kind != kind
        or found.owner_id != owner_id
        or found.created_at < utcnow() - PENDING_KEEP
    ):
        raise PreviewExpired()
    return found


def drop_pending_import(session: Session, key: str) -> None:
    session.execute(delete(PendingImport).where(PendingImport.key == key[:64]))


class PreviewExpired(WorkspaceError):
    """The confirmed upload is gone (applied already, or older than a day)."""

    http_status = 409
    key = "import.preview_expired"
