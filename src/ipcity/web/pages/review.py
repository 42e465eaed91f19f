"""The office's review queue: every submitted report, oldest submission first, with how
many days it has waited, its evidence, and the accept/return forms one click away (on the
task page, where the timeline is)."""

from __future__ import annotations

from fastapi.responses import HTMLResponse, Response

from ipcity.web.deps import View
from ipcity.web.i18n import N_
from ipcity.web.nav import NavItem, with_cap
from ipcity.web.routing import page_router
from ipcity.workspace import queries
from ipcity.workspace.permissions import Cap, require

router = page_router()
NAV = (NavItem("/review", N_("To review"), order=58, visible=with_cap(Cap.REVIEW_REPORTS)),)


@router.get("/review", response_class=HTMLResponse)
def review_queue(v: View) -> Response:
    require(v.actor, Cap.REVIEW_REPORTS)
    queue = queries.review_queue(v.session, v.actor, today=v.today)
    return v.render(
        "review.html",
        {"queue": queue, "evidence_of": queries.evidence_of},
    )
