"""Meetings: GET/POST /api/v1/meetings, GET/PATCH /api/v1/meetings/{id},
POST /api/v1/meetings/{id}/agenda, /minutes, /decisions,
POST /api/v1/meetings/{id}/decisions/{decision_id}/publish, GET /api/v1/meetings/for-task/{task_id}.

Visibility and rights are ``ipcity.meetings``'s: the public sees no meeting (403); a unit
editor sees the meetings its unit attends; only the office writes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, status
from starlette.requests import Request

from ipcity.meetings import queries as mq
from ipcity.meetings.actions import (
    do_add_agenda_item,
    do_create_meeting,
    do_publish_decision,
    do_record_decision,
    do_record_minutes,
    do_update_meeting,
)
from ipcity.meetings.messages import label
from ipcity.meetings.models import Meeting
from ipcity.meetings.permissions import MCap, require
from ipcity.web.deps import ApiActor, DbSession, Settings
from ipcity.web.i18n import ws_locale
from ipcity.web.params import DbId, Year
from ipcity.web.routing import api_router
from ipcity.web.schemas.common import ERROR_RESPONSES, MeetingStatus
from ipcity.web.schemas.meetings import (
    AgendaCreate,
    DecisionCreate,
    MeetingCreate,
    MeetingSummary,
    MeetingUpdate,
    MinutesCreate,
)
from ipcity.workspace import queries
from ipcity.workspace.permissions import Actor

router = api_router(tags=["meetings"], responses=ERROR_RESPONSES)


def _loc(request: Request) -> str:
    return ws_locale(request.state.locale)


def _summary(m: Meeting, loc: str) -> MeetingSummary:
    return MeetingSummary(
        id=m.id,
        kind=m.kind,
        kind_label=label("meeting_kind", m.kind, loc),
        title=m.title,
        meeting_date=m.meeting_date,
        status=m.status,
        status_label=label("meeting_status", m.status, loc),
        place=m.place,
        convener_name=m.convener_name,
        attending_unit_ids=[u.id for u in m.attending_units],
        version=m.version,
    )


def _json(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_json(v) for v in data]
    return data.isoformat() if hasattr(data, "isoformat") else data


def _detail(
    session: DbSession, actor: Actor, meeting_id: DbId, settings: Settings, loc: str
) -> dict[str, Any]:
    detail = mq.meeting_detail(session, actor, meeting_id, today=settings.current_day())
    return detail.as_dict(loc)


@router.get("/meetings", response_model=list[MeetingSummary])
def list_meetings(
    request: Request,
    session: DbSession,
    actor: ApiActor,
    year: Annotated[Year | None, Query()] = None,
    status_: Annotated[MeetingStatus | None, Query(alias="status")] = None,
) -> list[MeetingSummary]:
    """Meetings the caller may see, newest first (office and leaders: all; a unit editor: the
    scheduled and held meetings its unit attends)."""
    require(actor, MCap.VIEW_ATTENDED_MEETINGS)
    loc = _loc(request)
    return [_summary(m, loc) for m in mq.list_meetings(session, actor, year=year, status=status_)]


@router.post("/meetings", status_code=status.HTTP_201_CREATED)
def create_meeting(
    body: MeetingCreate, request: Request, session: DbSession, actor: ApiActor, settings: Settings
) -> dict[str, Any]:
    m = do_create_meeting(session, actor, _json(body.model_dump(exclude_unset=True)))
    return _detail(session, actor, m.id, settings, _loc(request))


@router.get("/meetings/{meeting_id}")
def get_meeting(
    meeting_id: DbId, request: Request, session: DbSession, actor: ApiActor, settings: Settings
) -> dict[str, Any]:
    """The meeting with attendance, agenda, materials, the current minutes and the decisions
    (each with its task's progress and supervision status)."""
    require(actor, MCap.VIEW_ATTENDED_MEETINGS)
    return _detail(session, actor, meeting_id, settings, _loc(request))


@router.patch("/meetings/{meeting_id}")
def update_meeting(
    meeting_id: DbId,
    body: MeetingUpdate,
    request: Request,
    session: DbSession,
    actor: ApiActor,
    settings: Settings,
) -> dict[str, Any]:
    changes = _json(body.model_dump(exclude_unset=True, exclude={"version"}))
    do_update_meeting(session, actor, meeting_id, expected_version=body.version, changes=changes)
    return _detail(session, actor, meeting_id, settings, _loc(request))


@router.post("/meetings/{meeting_id}/agenda", status_code=status.HTTP_201_CREATED)
def add_agenda_item(
    meeting_id: DbId, body: AgendaCreate, session: DbSession, actor: ApiActor
) -> dict[str, Any]:
    item = do_add_agenda_item(session, actor, meeting_id, body.model_dump(exclude_unset=True))
    return item.as_dict()


@router.post("/meetings/{meeting_id}/minutes", status_code=status.HTTP_201_CREATED)
def record_minutes(
    meeting_id: DbId, body: MinutesCreate, session: DbSession, actor: ApiActor
) -> dict[str, Any]:
    minutes = do_record_minutes(
        session, actor, meeting_id, expected_version=body.version, text=body.text, note=body.note
    )
    return minutes.as_dict()


@router.post("/meetings/{meeting_id}/decisions", status_code=status.HTTP_201_CREATED)
def record_decision(
    meeting_id: DbId,
    body: DecisionCreate,
    request: Request,
    session: DbSession,
    actor: ApiActor,
    settings: Settings,
) -> dict[str, Any]:
    """Records the decision and creates its task (see docs/meetings.md)."""
    d = do_record_decision(session, actor, meeting_id, _json(body.model_dump(exclude_unset=True)))
    views = mq.list_decisions(session, actor, meeting_id, today=settings.current_day())
    return next(v for v in views if v.decision.id == d.id).as_dict(_loc(request))


@router.post("/meetings/{meeting_id}/decisions/{decision_id}/publish")
def publish_decision(
    meeting_id: DbId,
    decision_id: DbId,
    request: Request,
    session: DbSession,
    actor: ApiActor,
    settings: Settings,
) -> dict[str, Any]:
    """Make the decision's task public (meetings never are; their decisions stay internal
    until the office publishes them)."""
    do_publish_decision(session, actor, meeting_id, decision_id)
    views = mq.list_decisions(session, actor, meeting_id, today=settings.current_day())
    return next(v for v in views if v.decision.id == decision_id).as_dict(_loc(request))


@router.get("/meetings/for-task/{task_id}")
def meeting_for_task(
    task_id: DbId, request: Request, session: DbSession, actor: ApiActor
) -> dict[str, Any] | None:
    """The meeting whose decision the task follows up (null when none, or for the public)."""
    queries.get_task(session, actor, task_id)
    link = mq.meeting_for_task(session, actor, task_id)
    return link.as_dict(_loc(request)) if link is not None else None
