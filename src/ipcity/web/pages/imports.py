"""Import and export of the office's sheets: a work plan's tasks and a plan's indicator
targets (XLSX or CSV). An import is all or nothing: with any bad row nothing is written and
every row error is listed."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import File, Form, UploadFile
from fastapi.responses import HTMLResponse, Response

from ipcity.web.deps import View
from ipcity.web.errors import WebError
from ipcity.web.forms import attempt
from ipcity.web.i18n import N_
from ipcity.web.params import DbId
from ipcity.web.routing import page_router
from ipcity.workspace import queries
from ipcity.workspace.actions import do_import_targets, do_import_tasks
from ipcity.workspace.excel_io import export_targets, export_tasks
from ipcity.workspace.permissions import Cap, require

router = page_router()

MAX_SHEET_BYTES = 20 * 1024 * 1024
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _read_sheet(upload: UploadFile | None) -> tuple[bytes, str]:
    if upload is None or not upload.filename:
        raise WebError(422, "no_file", N_("Choose a file (XLSX or CSV) to import."))
    data = upload.file.read(MAX_SHEET_BYTES + 1)
    if len(data) > MAX_SHEET_BYTES:
        raise WebError(
            413,
            "file_too_large",
            N_("The file %(name)s is larger than %(mb)s MB."),
            name=upload.filename,
            mb=MAX_SHEET_BYTES // (1024 * 1024),
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
def task_import(
    v: View,
    work_plan_id: DbId,
    file: Annotated[UploadFile | None, File()] = None,
    sheet: Annotated[str, Form()] = "",
) -> Response:
    require(v.actor, Cap.EDIT_WORK_PLANS)
    wp = queries.get_work_plan(v.session, v.actor, work_plan_id)
    data, name = _read_sheet(file)
    outcome = attempt(
        v.session,
        lambda: do_import_tasks(v.session, v.actor, wp.id, data, name, sheet=sheet or None),
    )
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
def target_import(
    v: View,
    plan_id: DbId,
    file: Annotated[UploadFile | None, File()] = None,
    sheet: Annotated[str, Form()] = "",
) -> Response:
    require(v.actor, Cap.EDIT_PLANS)
    plan = queries.get_plan(v.session, v.actor, plan_id)
    data, name = _read_sheet(file)
    outcome = attempt(
        v.session,
        lambda: do_import_targets(v.session, v.actor, plan.id, data, name, sheet=sheet or None),
    )
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
