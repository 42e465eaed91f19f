"""Import and export of the office's sheets: a work plan's tasks and a plan's indicator
targets (XLSX or CSV). An import is all or nothing: with any bad row nothing is written and
every row error is listed. A task sheet is previewed first (upload → preview → confirm): the
upload is kept server-side (``PendingImport``) and the confirm form carries its key and the
preview's token, so what is applied is what was previewed. The sheet is read and checked in
the request's read session (``reads_before_writing``); only the writes run in a write
transaction.

Without ``from __future__ import annotations``: the routes are made by a function
(:func:`_add_pages`), and FastAPI reads their parameters' annotations, which name that
function's locals."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, File, Form, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ipcity.web.deps import Db, View, ViewContext, reads_before_writing
from ipcity.web.forms import Outcome, attempt, attempt_write
from ipcity.web.i18n import N_
from ipcity.web.params import DbId
from ipcity.web.routing import page_router
from ipcity.web.uploads import read_sheet_upload
from ipcity.web.web_error import WebError
from ipcity.workspace import queries
from ipcity.workspace.actions.imports import (
    ImportResult,
    do_import_targets,
    do_import_tasks,
    drop_pending_import,
    load_pending_import,
    preview_target_import,
    preview_task_import,
    read_target_import,
    read_task_import,
    store_pending_import,
)
from ipcity.workspace.errors import WorkspaceError
from ipcity.workspace.excel_io import export_targets, export_tasks
from ipcity.workspace.permissions import Actor, Cap, require

router = page_router()

MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _fmt(value: str) -> str:
    if value not in MEDIA:
        raise WebError(422, "bad_format", N_("Choose XLSX or CSV."))
    return value


def _download(data: bytes, fmt: str, name: str) -> Response:
    return Response(
        data,
        media_type=MEDIA[fmt],
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}.{fmt}"},
    )


# --- upload -> preview -> confirm, the same for both sheets ---------------------------------------


def _work_plan_id(work_plan_id: DbId) -> int:
    return work_plan_id


def _plan_id(plan_id: DbId) -> int:
    return plan_id


@dataclass(frozen=True)
class SheetImport:
    """One kind of sheet: how it is read, previewed and applied (``owner_id``: the work plan's
    or the plan's id; ``ready``: the checked sheet), and whose it is: ``pages``, the prefix of
    its pages; ``owner_from_path``, the owner's id from the path (range-checked); ``owner``,
    the owner as the user may see it; ``cap``, who may import; ``export``, its current rows as
    a sheet."""

    kind: str  # "tasks" or "targets": the template's wording and the pending upload's kind
    read: Callable[[Session, Actor, int, bytes, str, str | None], Any]
    preview: Callable[[Session, Actor, Any, date], Any]
    apply: Callable[[Session, Actor, Any, str], ImportResult]
    pages: str
    owner_from_path: Callable[..., int]
    owner: Callable[[Session, Actor, int], Any]
    cap: Cap
    export: Callable[..., bytes]
    route_name: str  # the routes' names: task_import_form, task_import, ..., task_export


TASKS = SheetImport(
    "tasks",
    lambda s, a, owner, data, name, sheet: read_task_import(s, a, owner, data, name, sheet=sheet),
    lambda s, a, ready, today: preview_task_import(s, a, ready, today=today),
    lambda s, a, ready, token: do_import_tasks(
        s, a, ready.work_plan_id, ready, expected_token=token
    ),
    pages="/work-plans/{work_plan_id}",
    owner_from_path=_work_plan_id,
    owner=queries.get_work_plan,
    cap=Cap.EDIT_WORK_PLANS,
    export=export_tasks,
    route_name="task",
)
TARGETS = SheetImport(
    "targets",
    lambda s, a, owner, data, name, sheet: read_target_import(s, a, owner, data, name, sheet=sheet),
    lambda s, a, ready, today: preview_target_import(s, a, ready),
    lambda s, a, ready, token: do_import_targets(s, a, ready.plan_id, ready, expected_token=token),
    pages="/plans/{plan_id}/targets",
    owner_from_path=_plan_id,
    owner=queries.get_plan,
    cap=Cap.EDIT_PLANS,
    export=export_targets,
    route_name="target",
)


def _upload(
    v: ViewContext, db: Db, how: SheetImport, owner: Any, file: UploadFile | None, sheet: str
) -> Response:
    """Upload -> preview: nothing is imported yet; the sheet is kept until it is confirmed."""
    data, name = read_sheet_upload(file)
    actor, today = v.actor, v.today
    checked = attempt(
        v.session,
        lambda: how.preview(
            v.session, actor, how.read(v.session, actor, owner.id, data, name, sheet or None), today
        ),
    )
    if checked.value is None:
        return _page(v, how, owner, error=checked.error, filename=name)
    stored = attempt_write(
        db,
        lambda s: store_pending_import(
            s, actor, kind=how.kind, owner_id=owner.id, data=data, filename=name, sheet=sheet
        ),
    )
    if stored.value is None:
        return _page(v, how, owner, error=stored.error, filename=name)
    return v.render(
        "imports/preview.html",
        {
            "kind": how.kind,
            "owner": owner,
            "preview": checked.value,
            "filename": name,
            "upload_key": stored.value,
        },
    )


def _apply(
    v: ViewContext, db: Db, how: SheetImport, owner: Any, upload: str, token: str
) -> Response:
    """Confirm -> apply exactly the previewed import, or refuse when the data changed since."""
    actor = v.actor
    pending = attempt(
        v.session,
        lambda: load_pending_import(v.session, actor, upload, kind=how.kind, owner_id=owner.id),
    )
    if pending.value is None:
        return _page(v, how, owner, error=pending.error, filename="")
    kept = pending.value
    name, data, sheet = kept.filename, kept.data, kept.sheet
    checked = attempt(
        v.session,
        lambda: how.read(v.session, actor, owner.id, data, name, sheet or None),
    )
    outcome: Outcome[ImportResult] = Outcome(error=checked.error)
    if checked.value is not None:
        ready = checked.value

        def apply(s: Session) -> ImportResult:
            result = how.apply(s, actor, ready, token)
            drop_pending_import(s, upload)
            return result

        outcome = attempt_write(db, apply)
    return _page(v, how, owner, result=outcome.value, error=outcome.error, filename=name)


def _page(
    v: ViewContext,
    how: SheetImport,
    owner: Any,
    *,
    result: ImportResult | None = None,
    error: WorkspaceError | None = None,
    filename: str,
) -> Response:
    return v.render(
        "imports/form.html",
        {"kind": how.kind, "owner": owner, "result": result, "error": error, "filename": filename},
        status_code=error.http_status if error else 200,
    )


# --- the pages of each sheet --------------------------------------------------------------------


def _add_pages(how: SheetImport) -> None:
    """The import form, upload -> preview, confirm -> apply and the export of one sheet."""
    OwnerId = Annotated[int, Depends(how.owner_from_path)]

    def owner_to_import(v: View, owner_id: OwnerId) -> Any:
        require(v.actor, how.cap)  # first: a refusal says nothing of whether the owner exists
        return how.owner(v.session, v.actor, owner_id)

    Owner = Annotated[Any, Depends(owner_to_import)]
    url, name = f"{how.pages}/import", how.route_name

    @router.get(url, response_class=HTMLResponse, name=f"{name}_import_form")
    def import_form(v: View, owner: Owner) -> Response:
        return v.render("imports/form.html", {"kind": how.kind, "owner": owner, "result": None})

    @router.post(url, response_class=HTMLResponse, name=f"{name}_import")
    @reads_before_writing
    def upload_sheet(
        v: View,
        db: Db,
        owner: Owner,
        file: Annotated[UploadFile | None, File()] = None,
        sheet: Annotated[str, Form()] = "",
    ) -> Response:
        return _upload(v, db, how, owner, file, sheet)

    @router.post(f"{url}/apply", response_class=HTMLResponse, name=f"{name}_import_apply")
    @reads_before_writing
    def apply_sheet(
        v: View,
        db: Db,
        owner: Owner,
        upload: Annotated[str, Form()] = "",
        token: Annotated[str, Form()] = "",
    ) -> Response:
        return _apply(v, db, how, owner, upload, token)

    @router.get(f"{how.pages}/export", name=f"{name}_export")
    def export(v: View, owner_id: OwnerId, format: str = "xlsx") -> Response:
        fmt = _fmt(format)
        owner = how.owner(v.session, v.actor, owner_id)
        return _download(how.export(v.session, v.actor, owner.id, fmt=fmt), fmt, owner.title)


_add_pages(TASKS)
_add_pages(TARGETS)
