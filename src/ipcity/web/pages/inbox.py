"""The inbox: a unit's notices (deadlines, overdue tasks, accepted or returned reports) or the
office's (submitted reports). Marking read uses htmx and swaps the row in place."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ipcity.web.deps import View
from ipcity.web.i18n import N_
from ipcity.web.nav import NavItem, with_cap
from ipcity.web.params import DbId, query_id
from ipcity.web.routing import page_router
from ipcity.workspace import queries
from ipcity.workspace.actions import do_clear_inbox, do_mark_notice_read
from ipcity.workspace.permissions import Cap, acts_for_one_unit, can_mark_notice_read, has

router = page_router()
NAV = (NavItem("/inbox", N_("Inbox"), order=60, visible=with_cap(Cap.READ_INBOX)),)


@router.get("/inbox", response_class=HTMLResponse)
def inbox(
    v: View,
    unit: Annotated[str | None, Query()] = None,
    unread: Annotated[str | None, Query()] = None,
) -> Response:
    unit_id = query_id(unit, "unit") if not acts_for_one_unit(v.actor) else None
    notices = queries.inbox(v.session, v.actor, unit_id=unit_id, unread_only=bool(unread))
    return v.render(
        "inbox.html",
        {
            "notices": notices,
            "unit_id": unit_id,
            "unread_only": bool(unread),
            "units": queries.list_units(v.session, v.actor)
            if not acts_for_one_unit(v.actor) and has(v.actor, Cap.READ_INBOX)
            else [],
            "can_mark": lambda n: can_mark_notice_read(v.actor, n.unit_id, n.for_office),
            "unread_here": queries.unread_count(v.session, v.actor, unit_id=unit_id),
        },
    )


@router.post("/inbox/read-all", response_class=HTMLResponse)
def mark_all_read(v: View, unit: Annotated[str, Form()] = "") -> Response:
    """Clear my badge: office and unit editors mark the notices read, a leader only their
    own badge (see ``do_clear_inbox``)."""
    unit_id = int(unit) if unit.isdigit() and not acts_for_one_unit(v.actor) else None
    do_clear_inbox(v.session, v.actor, unit_id=unit_id)
    return RedirectResponse(f"/inbox?unit={unit_id}" if unit_id else "/inbox", status_code=303)


@router.post("/inbox/{notice_id}/read", response_class=HTMLResponse)
def mark_read(v: View, notice_id: DbId) -> Response:
    notice = do_mark_notice_read(v.session, v.actor, notice_id)
    if v.is_htmx:
        return v.render(
            "_notice.html",
            {"n": notice, "can_mark": lambda n: False},
        )
    return RedirectResponse("/inbox", status_code=303)
