"""Import and export of the office's sheets: a work plan's tasks and a plan's indicator
targets (XLSX or CSV). An import is all or nothing: with any bad row nothing is written and
every row error is listed. The sheet is read and checked in the request's read session
(``reads_before_writing``); only the writes run in a write transaction."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import File, Form, UploadFile
from fastapi.responses import HTMLResponse, Response

from ipcity.web.deps import Db, View, reads_before_writing
from ipcity.web.errors import WebError
from ipcity.web.forms import Outcome, attempt, attempt_write
from ipcity.web.i18n import N_
from ipcity.web.params import DbId
from ipcity.web.routing import page_router
from ipcity.workspace import queries
from ipcity.workspace.actions.imports import (
    ImportResult,
    do_import_targets,
    do_import_tasks,
    read_target_import,
    read_task_import,
)
from ipcity.workspace.excel_io import export_targets, export_tasks
from ipcity.workspace.permissions import Cap, require
from ipcity.workspace.tabular import UploadLimits

router = page_router()

MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _read_sheet(upload: UploadFile | None) -> tuple[bytes, str]:
    if upload is None or not upload.filename:
        raise WebError(422, "no_file", N_("Choose a file (XLSX or CSV) to import."))
    max_bytes = UploadLimits.from_env().max_bytes  # IPCITY_UPLOAD_MAX_MB
    data = upload.file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise WebError(
            413,
            "file_too_large",
            N_("The file %(name)s is larger than %(mb)s MB."),
            name=upload.filename,
            mb=max_bytes // (1024 * 1024),
        )
    return data, upload.filename


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


# --- tasks of a work plan ----------------------------------------------------------------------


@router.get("/work-plans/{work_plan_id}/import", response_class=HTMLResponse)
def task_import_form(v: View, work_plan_id: DbId) -> Response:
    require(v.actor, Cap.EDIT_WORK_PLANS)
    wp = queries.get_work_plan(v.session, v.actor, work_plan_id)
    return v.render("imports/form.html", {"kind": "tasks", "owner": wp, "result": None})


@router.post("/work-plans/{work_plan_id}/import", response_class=HTMLResponse)
@reads_before_writing
def task_import(
    v: View,
    db: Db,
    work_plan_id: DbId,
    file: Annotated[UploadFile | None, File()] = None,
    sheet: Annotated[str, Form()] = "",
) -> Response:
    require(v.actor, Cap.EDIT_WORK_PLANS)
    wp = queries.get_work_plan(v.session, v.actor, work_plan_id)
    data, name = _read_sheet(file)
    actor = v.actor
    checked = attempt(
        v.session,
        lambda: read_task_import(v.session, actor, wp.id, data, name, sheet=sheet or None),
    )
    outcome: Outcome[ImportResult] = Outcome(error=checked.error)
    if checked.value is not None:
        ready = checked.value
        outcome = attempt_write(db, lambda s: do_import_tasks(s, actor, ready.work_plan_id, ready))
    return v.render(
        "imports/form.html",
        {
            "kind": "tasks",
            "owner": wp,
            "result": outcome.value,
            "error": outcome.error,
            "filename": name,
        },
        status_code=outcome.error.http_status if outcome.error else 200,
    )


@router.get("/work-plans/{work_plan_id}/export")
def task_export(v: View, work_plan_id: DbId, format: str = "xlsx") -> Response:
    fmt = _fmt(format)
    wp = queries.get_work_plan(v.session, v.actor, work_plan_id)
    return _download(export_tasks(v.session, v.actor, wp.id, fmt=fmt), fmt, wp.title)


# --- targets of a plan -------------------------------------------------------------------------


@router.get("/plans/{plan_id}/targets/import", response_class=HTMLResponse)
def target_import_form(v: View, plan_id: DbId) -> Response:
    require(v.actor, Cap.EDIT_PLANS)
    plan = queries.get_plan(v.session, v.actor, plan_id)
    return v.render("imports/form.html", {"kind": "targets", "owner": plan, "result": None})


@router.post("/plans/{plan_id}/targets/import", response_class=HTMLResponse)
@reads_before_writing
def target_import(
    v: View,
    db: Db,
    plan_id: DbId,
    file: Annotated[UploadFile | None, File()] = None,
    sheet: Annotated[str, Form()] = "",
) -> Response:
    require(v.actor, Cap.EDIT_PLANS)
    plan = queries.get_plan(v.session, v.actor, plan_id)
    data, name = _read_sheet(file)
    actor = v.actor
    checked = attempt(
        v.session,
        lambda: read_target_import(v.session, actor, plan.id, data, name, sheet=sheet or None),
    )
    outcome: Outcome[ImportResult] = Outcome(error=checked.error)
    if checked.value is not None:
        ready = checked.value
        outcome = attempt_write(db, lambda s: do_import_targets(s, actor, ready.plan_id, ready))
    return v.render(
        "imports/form.html",
        {
            "kind": "targets",
            "owner": plan,
            "result": outcome.value,
            "error": outcome.error,
            "filename": name,
        },
        status_code=outcome.error.http_status if outcome.error else 200,
    )


@router.get("/plans/{plan_id}/targets/export")
def target_export(v: View, plan_id: DbId, format: str = "xlsx") -> Response:
    fmt = _fmt(format)
    plan = queries.get_plan(v.session, v.actor, plan_id)
    return _download(export_targets(v.session, v.actor, plan.id, fmt=fmt), fmt, plan.title)
