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

from ipcity.web.deps import ApiActor, Db, DbSession, Settings, reads_before_writing
from ipcity.web.i18n import ws_locale
from ipcity.web.params import DbId
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
    work_plan_id: DbId,
    request: Request,
    session: DbSession,
    db: Db,
    actor: ApiActor,
    settings: Settings,
    file: Annotated[UploadFile | None, File()] = None,
    sheet: Annotated[str | None, Form()] = None,
    dry_run: Annotated[bool, Query()] = False,
    token: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """Multipart ``file`` (XLSX/CSV) and optional ``sheet``. See the module doc."""
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
