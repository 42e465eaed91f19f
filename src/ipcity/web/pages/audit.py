"""The audit log (office admins): filter, page through, export as CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from fastapi.responses import HTMLResponse, Response

from ipcity.web.deps import View
from ipcity.web.params import PageNo
from ipcity.web.routing import page_router
from ipcity.workspace.audit import export_audit_csv, list_audit

router = page_router(prefix="/admin")
PAGE_SIZE = 100


def _or_none(value: str) -> str | None:
    return value.strip() or None


@router.get("/audit", response_class=HTMLResponse)
def audit_log(
    v: View,
    entity: Annotated[str, Query()] = "",
    action: Annotated[str, Query()] = "",
    page: Annotated[PageNo, Query()] = 1,
) -> Response:
    entries = list_audit(
        v.session,
        v.actor,
        entity=_or_none(entity),
        action=_or_none(action),
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
    )
    return v.render(
        "admin/audit.html",
        {
            "entries": entries[:PAGE_SIZE],
            "more": len(entries) > PAGE_SIZE,
            "page": page,
            "entity": entity,
            "action": action,
        },
    )


@router.get("/audit.csv")
def audit_csv(
    v: View,
    entity: Annotated[str, Query()] = "",
    action: Annotated[str, Query()] = "",
) -> Response:
    data = export_audit_csv(v.session, v.actor, entity=_or_none(entity), action=_or_none(action))
    return Response(
        data,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="ipcity-audit.csv"'},
    )
