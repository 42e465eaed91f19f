"""The public portal's data: GET /api/v1/publications, /api/v1/publications/{id},
GET /api/v1/portal/headline. No token needed: the public sees what is published (the office
and leaders also see drafts and withdrawn items in the publication list)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from starlette.requests import Request

from ipcity.meetings import queries as mq
from ipcity.meetings.portal import headline_cards, publication_summary, render_markdown
from ipcity.web.api.described import PublicationId
from ipcity.web.deps import ApiActor, DbSession
from ipcity.web.i18n import ws_locale
from ipcity.web.params import Year
from ipcity.web.routing import api_router
from ipcity.web.schemas.common import ERROR_RESPONSES, PublicationKind
from ipcity.web.schemas.meetings import PublicationSummary

router = api_router(tags=["portal"], responses=ERROR_RESPONSES)


@router.get("/publications", response_model=list[PublicationSummary])
def list_publications(
    request: Request,
    session: DbSession,
    actor: ApiActor,
    kind: Annotated[
        PublicationKind | None,
        Query(
            description="Only this kind: ``work_report``, ``bulletin`` or ``news``; default all."
        ),
    ] = None,
) -> list[PublicationSummary]:
    """Published work reports, bulletins and news, newest first.

    **Who:** anyone, no token needed: the public sees what is published; the office and
    leaders also drafts and withdrawn items.

    **Errors:** 422: an unknown ``kind``."""
    loc = ws_locale(request.state.locale)
    return [
        PublicationSummary.model_validate(publication_summary(p, loc))
        for p in mq.list_publications(session, actor, kind=kind)
    ]


@router.get("/publications/{publication_id}")
def get_publication(
    publication_id: PublicationId, request: Request, session: DbSession, actor: ApiActor
) -> dict[str, Any]:
    """One publication with both languages (``title_zh``, ``title_en``, ``body_zh``,
    ``body_en`` ...), its files and ``body_html``: the body in the request's language as safe
    HTML.

    **Who:** anyone: the public a published one; the office and leaders also drafts.

    **Errors:** 404: no such publication, or one the caller may not see."""
    loc = ws_locale(request.state.locale)
    pub = mq.get_publication(session, actor, publication_id)
    return {**pub.as_dict(), "body_html": render_markdown(pub.body(loc))}


@router.get("/portal/headline")
def headline(
    request: Request,
    session: DbSession,
    actor: ApiActor,
    year: Annotated[
        Year | None,
        Query(
            description="The snapshot of this year (1949 … 2100); default the latest published one."
        ),
    ] = None,
) -> dict[str, Any] | None:
    """The published headline snapshot (of ``year``, default the latest) with every value
    and its provenance, and the figure cards as the portal writes them; null when none.

    **Who:** anyone, no token needed (the office and leaders may also see older snapshots).

    **Errors:** 422: ``year`` out of range."""
    loc = ws_locale(request.state.locale)
    snap = mq.current_headline_snapshot(session, actor, year=year)
    if snap is None:
        return None
    return {
        **snap.as_dict(),
        "values": [v.as_dict() for v in snap.values],
        "cards": [c.as_dict() for c in headline_cards(snap, loc)],
    }
