"""The office's visibility setting: what anonymous visitors see (the portal only, or also the
published plans and work plans with their tasks' statuses). Leaders may look."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ipcity.web.deps import View
from ipcity.web.forms import attempt
from ipcity.web.i18n import _, ws_locale
from ipcity.web.routing import page_router
from ipcity.web.templating import add_flash
from ipcity.workspace.permissions import Cap, require
from ipcity.workspace.visibility import PublicAccess, do_set_public_access, public_access

router = page_router(prefix="/admin")


@router.get("/visibility", response_class=HTMLResponse)
def visibility_page(v: View) -> Response:
    require(v.actor, Cap.VIEW_USERS)
    return v.render(
        "admin/visibility.html",
        {"current": public_access(v.session).value, "choices": [a.value for a in PublicAccess]},
    )


@router.post("/visibility", response_class=HTMLResponse)
def set_visibility(v: View, public_access: Annotated[str, Form()] = "") -> Response:
    outcome = attempt(v.session, lambda: do_set_public_access(v.session, v.actor, public_access))
    if outcome.error is not None:
        if outcome.error.http_status == 403:
            raise outcome.error
        add_flash(v.request, outcome.error.message(ws_locale(v.locale)), "error")
    else:
        add_flash(v.request, _("Saved: what anonymous visitors see."))
    return RedirectResponse("/admin/visibility", status_code=303)
