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
from ipcity.web.api.described import DecisionId, MeetingId, TaskId
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
    year: Annotated[
        Year | None,
        Query(description="Only meetings held in this year (1949 … 2100); default all years."),
    ] = None,
    status_: Annotated[
        MeetingStatus | None,
        Query(
            alias="status",
            description="Only meetings in this state: ``draft``, ``scheduled`` or ``held``; "
            "default all the caller may see.",
        ),
    ] = None,
) -> list[MeetingSummary]:
    """Meetings the caller may see, newest first (office and leaders: all; a unit editor: the
    scheduled and held meetings its unit attends).

    **Who:** the office, leaders and unit editors; the public sees no meeting (403, or 401
    while the public sees the portal only).

    **Errors:** 422: a filter out of range or not in its list."""
    require(actor, MCap.VIEW_ATTENDED_MEETINGS)
    loc = _loc(request)
    return [_summary(m, loc) for m in mq.list_meetings(session, actor, year=year, status=status_)]


@router.post("/meetings", status_code=status.HTTP_201_CREATED)
def create_meeting(
    body: MeetingCreate, request: Request, session: DbSession, actor: ApiActor, settings: Settings
) -> dict[str, Any]:
    """Add a meeting (a draft unless ``status`` says otherwise); the answer is the meeting as
    GET /meetings/{id} returns it.

    **Who:** the office only (others: 403).

    **Errors:** 422: a field missing or invalid (a date that cannot be read, a unit that does
    not exist)."""
    m = do_create_meeting(session, actor, _json(body.model_dump(exclude_unset=True)))
    return _detail(session, actor, m.id, settings, _loc(request))


@router.get("/meetings/{meeting_id}")
def get_meeting(
    meeting_id: MeetingId,
    request: Request,
    session: DbSession,
    actor: ApiActor,
    settings: Settings,
) -> dict[str, Any]:
    """The meeting with attendance, agenda, materials, the current minutes and the decisions
    (each with its task's progress and supervision status).

    The fields of ``MeetingSummary`` and ``convener_unit``, ``attending_units`` (``id``,
    ``name``), ``agenda`` (items in order, with ``kind_label`` and ``speaker_unit``),
    ``materials``, ``minutes`` (the current revision, or null), ``minutes_revisions`` and
    ``decisions`` (each with its ``task``, ``percent``, ``public`` and ``supervision``).

    **Who:** the office and leaders: every meeting; a unit editor: the scheduled and held
    meetings its unit attends; the public: 403.

    **Errors:** 404: no such meeting, or one the caller may not see."""
    require(actor, MCap.VIEW_ATTENDED_MEETINGS)
    return _detail(session, actor, meeting_id, settings, _loc(request))


@router.patch("/meetings/{meeting_id}")
def update_meeting(
    meeting_id: MeetingId,
    body: MeetingUpdate,
    request: Request,
    session: DbSession,
    actor: ApiActor,
    settings: Settings,
) -> dict[str, Any]:
    """Change a meeting's fields (only those sent; ``attending_unit_ids`` replaces the
    list).

    **Who:** the office only (others: 403).

    **Errors:** 404: no such meeting; 409: ``version`` is stale, or a status change its
    state does not allow; 422: an invalid field."""
    changes = _json(body.model_dump(exclude_unset=True, exclude={"version"}))
    do_update_meeting(session, actor, meeting_id, expected_version=body.version, changes=changes)
    return _detail(session, actor, meeting_id, settings, _loc(request))


@router.post("/meetings/{meeting_id}/agenda", status_code=status.HTTP_201_CREATED)
def add_agenda_item(
    meeting_id: MeetingId, body: AgendaCreate, session: DbSession, actor: ApiActor
) -> dict[str, Any]:
    """Add an item to the meeting's agenda; the answer is the item (``id``, ``seq``,
    ``kind``, ``title``, ``speaker_unit_id``, ``speaker_name``, ``note``).

    **Who:** the office only (others: 403).

    **Errors:** 404: no such meeting; 422: an invalid field (an exchange speech without
    ``speaker_unit_id``, a speaker unit that does not attend)."""
    item = do_add_agenda_item(session, actor, meeting_id, body.model_dump(exclude_unset=True))
    return item.as_dict()


@router.post("/meetings/{meeting_id}/minutes", status_code=status.HTTP_201_CREATED)
def record_minutes(
    meeting_id: MeetingId, body: MinutesCreate, session: DbSession, actor: ApiActor
) -> dict[str, Any]:
    """Record a new revision of the minutes of a held meeting (earlier revisions are kept);
    the answer is the revision.

    **Who:** the office only (others: 403).

    **Errors:** 404: no such meeting; 409: ``version`` is stale, or the meeting is not held;
    422: an invalid field."""
    minutes = do_record_minutes(
        session, actor, meeting_id, expected_version=body.version, text=body.text, note=body.note
    )
    return minutes.as_dict()


@router.post("/meetings/{meeting_id}/decisions", status_code=status.HTTP_201_CREATED)
def record_decision(
    meeting_id: MeetingId,
    body: DecisionCreate,
    request: Request,
    session: DbSession,
    actor: ApiActor,
    settings: Settings,
) -> dict[str, Any]:
    """Records the decision and creates its task (see docs/meetings.md); the answer is the
    decision with its ``task``, ``percent``, ``public`` and ``supervision``. The task stays
    internal until the decision is published.

    **Who:** the office only (others: 403).

    **Errors:** 404: no such meeting; 409: the meeting is not held; 422: an invalid field
    (the task's fields as for POST /tasks, or a ``task_id`` that does not exist)."""
    d = do_record_decision(session, actor, meeting_id, _json(body.model_dump(exclude_unset=True)))
    views = mq.list_decisions(session, actor, meeting_id, today=settings.current_day())
    return next(v for v in views if v.decision.id == d.id).as_dict(_loc(request))


@router.post("/meetings/{meeting_id}/decisions/{decision_id}/publish")
def publish_decision(
    meeting_id: MeetingId,
    decision_id: DecisionId,
    request: Request,
    session: DbSession,
    actor: ApiActor,
    settings: Settings,
) -> dict[str, Any]:
    """Make the decision's task public (meetings never are; their decisions stay internal
    until the office publishes them); audited as ``decision.publish``.

    **Who:** the office only (others: 403).

    **Errors:** 404: no such meeting, or no such decision of it."""
    do_publish_decision(session, actor, meeting_id, decision_id)
    views = mq.list_decisions(session, actor, meeting_id, today=settings.current_day())
    return next(v for v in views if v.decision.id == decision_id).as_dict(_loc(request))


@router.get("/meetings/for-task/{task_id}")
def meeting_for_task(
    task_id: TaskId, request: Request, session: DbSession, actor: ApiActor
) -> dict[str, Any] | None:
    """The meeting whose decision the task follows up (null when none, or for the public):
    ``meeting_id``, ``meeting_title``, ``meeting_kind``, ``meeting_date``, ``decision_id``,
    ``decision_text``, ``can_open`` (whether the caller may open the meeting) and ``label``.

    **Who:** whoever may see the task (as GET /tasks/{id}).

    **Errors:** 404: no such task, or one the caller may not see."""
    queries.get_task(session, actor, task_id)
    link = mq.meeting_for_task(session, actor, task_id)
    return link.as_dict(_loc(request)) if link is not None else None
