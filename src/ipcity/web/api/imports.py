"""POST /api/v1/work-plans/{id}/import: a task sheet, previewed or applied.

``?dry_run=true`` returns the preview and writes nothing: ``{"add": [...], "update": [{"code",
"changes": {field: {"from", "to"}}, ...}], "unchanged": n, "warnings": [...], "errors": [...],
"token": ...}`` (a sheet with bad rows: 200 with the row errors in ``errors``). Without it the
import is applied (all or nothing; bad rows: 422 with ``row_errors``); with ``token`` (from the
dry run) it is applied only if it would still do exactly what was previewed (else 409)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import File, Form, Query, UploadFile
from starlette.requests import Request

from ipcity.web.api.described import DRY_RUN, IMPORT_TOKEN, SHEET, SHEET_FILE, WorkPlanId
from ipcity.web.deps import ApiActor, Db, DbSession, Settings, reads_before_writing
from ipcity.web.i18n import ws_locale
from ipcity.web.routing import api_router
from ipcity.web.schemas.common import ERROR_RESPONSES
from ipcity.web.uploads import read_sheet_upload
from ipcity.workspace import queries
from ipcity.workspace.actions.imports import (
    do_import_tasks,
    preview_task_import,
    read_task_import,
)
from ipcity.workspace.errors import ImportRejected
from ipcity.workspace.import_preview import rejected_preview
from ipcity.workspace.permissions import Cap, require

router = api_router(tags=["imports"], responses=ERROR_RESPONSES)


@router.post("/work-plans/{work_plan_id}/import")
@reads_before_writing
def import_tasks(
    work_plan_id: WorkPlanId,
    request: Request,
    session: DbSession,
    db: Db,
    actor: ApiActor,
    settings: Settings,
    file: Annotated[UploadFile | None, File(description=SHEET_FILE)] = None,
    sheet: Annotated[str | None, Form(description=SHEET)] = None,
    dry_run: Annotated[bool, Query(description=DRY_RUN)] = False,
    token: Annotated[str | None, Query(max_length=64, description=IMPORT_TOKEN)] = None,
) -> dict[str, Any]:
    """Import the work plan's tasks from a sheet (multipart ``file``, XLSX or CSV, and
    optional ``sheet``): rows are matched to the work plan's tasks by code; new ones are added,
    changed ones updated, tasks the sheet lacks are kept.

    ``?dry_run=true`` returns the preview and writes nothing: ``{"add": [...], "update":
    [{"code", "changes": {field: {"from", "to"}}, ...}], "unchanged": n, "warnings": [...],
    "errors": [...], "token": ...}`` (a sheet with bad rows: 200 with the row errors in
    ``errors``). Without it the import is applied, all or nothing, and the answer lists the
    codes: ``{"rows", "created", "updated", "unchanged", "not_in_file"}``; with ``token``
    (from the dry run) only if it would still do exactly what was previewed. See
    docs/workspace.md, "Import and export".

    **Who:** the office only (others: 403).

    **Errors:** 404: no such work plan; 409: the ``token`` no longer matches (the sheet or
    the tasks changed since the dry run); 413: the request is over 2 MiB; 422: no file, a
    file that is not a readable sheet, or (applying) bad rows, with ``row_errors``."""
    require(actor, Cap.EDIT_WORK_PLANS)
    wp = queries.get_work_plan(session, actor, work_plan_id)
    data, name = read_sheet_upload(file)
    locale = ws_locale(request.state.locale)
    try:
        ready = read_task_import(session, actor, wp.id, data, name, sheet=sheet or None)
    except ImportRejected as exc:
        if not dry_run:
            raise
        return rejected_preview(exc.row_errors, locale)
    if dry_run:
        preview = preview_task_import(session, actor, ready, today=settings.current_day())
        return preview.as_dict(locale)
    with db.write() as writer:
        result = do_import_tasks(writer, actor, ready.work_plan_id, ready, expected_token=token)
    return result.as_dict()
