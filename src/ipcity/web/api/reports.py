"""Progress reports: GET /api/v1/reports, GET/PATCH /api/v1/reports/{id},
POST /api/v1/reports/{id}/submit|accept|return; the inbox: GET /api/v1/inbox,
POST /api/v1/inbox/{id}/read."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from starlette.requests import Request

from ipcity.web.deps import ApiActor, DbSession
from ipcity.web.i18n import msg
from ipcity.web.params import DbId
from ipcity.web.routing import api_router
from ipcity.web.schemas.common import ERROR_RESPONSES, ReportState, VersionIn
from ipcity.web.schemas.reports import (
    NoticePublic,
    ReportHistoryOut,
    ReportPublic,
    ReportRevise,
    ReviewIn,
)
from ipcity.workspace import queries
from ipcity.workspace.actions import (
    do_accept_report,
    do_mark_notice_read,
    do_return_report,
    do_revise_report,
    do_submit_report,
)
from ipcity.workspace.models import Notice

router = api_router(tags=["reports"], responses=ERROR_RESPONSES)


@router.get("/reports", response_model=list[ReportPublic])
def list_reports(
    session: DbSession,
    actor: ApiActor,
    task_id: Annotated[DbId | None, Query()] = None,
    unit_id: Annotated[DbId | None, Query()] = None,
    state: Annotated[ReportState | None, Query()] = None,
    work_plan_id: Annotated[DbId | None, Query()] = None,
) -> list[ReportPublic]:
    reports = queries.list_reports(
        session, actor, task_id=task_id, unit_id=unit_id, state=state, work_plan_id=work_plan_id
    )
    return [ReportPublic.model_validate(r.as_dict()) for r in reports]


@router.get("/reports/{report_id}", response_model=ReportHistoryOut)
def get_report(report_id: DbId, session: DbSession, actor: ApiActor) -> ReportHistoryOut:
    """The report with every revision and workflow step."""
    return ReportHistoryOut.model_validate(
        queries.report_history(session, actor, report_id).as_dict()
    )


@router.patch("/reports/{report_id}", response_model=ReportPublic)
def revise_report(
    report_id: DbId, body: ReportRevise, session: DbSession, actor: ApiActor
) -> ReportPublic:
    """A new revision of a draft or returned report (``submit``: and submit it)."""
    report = do_revise_report(
        session,
        actor,
        report_id,
        expected_version=body.version,
        percent=body.percent,
        narrative=body.narrative,
        submit=body.submit,
    )
    return ReportPublic.model_validate(report.as_dict())


@router.post("/reports/{report_id}/submit", response_model=ReportPublic)
def submit_report(
    report_id: DbId, body: VersionIn, session: DbSession, actor: ApiActor
) -> ReportPublic:
    report = do_submit_report(session, actor, report_id, expected_version=body.version)
    return ReportPublic.model_validate(report.as_dict())


@router.post("/reports/{report_id}/accept", response_model=ReportPublic)
def accept_report(
    report_id: DbId, body: ReviewIn, session: DbSession, actor: ApiActor
) -> ReportPublic:
    report = do_accept_report(
        session, actor, report_id, expected_version=body.version, comment=body.comment
    )
    return ReportPublic.model_validate(report.as_dict())


@router.post("/reports/{report_id}/return", response_model=ReportPublic)
def return_report(
    report_id: DbId, body: ReviewIn, session: DbSession, actor: ApiActor
) -> ReportPublic:
    report = do_return_report(
        session, actor, report_id, expected_version=body.version, comment=body.comment
    )
    return ReportPublic.model_validate(report.as_dict())


def _notice(n: Notice, request: Request) -> NoticePublic:
    return NoticePublic.model_validate(
        n.as_dict() | {"message": msg(n.message_key, n.params, request.state.locale)}
    )


@router.get("/inbox", response_model=list[NoticePublic])
def inbox(
    request: Request,
    session: DbSession,
    actor: ApiActor,
    unit_id: Annotated[DbId | None, Query()] = None,
    unread: Annotated[bool, Query()] = False,
) -> list[NoticePublic]:
    notices = queries.inbox(session, actor, unit_id=unit_id, unread_only=unread)
    return [_notice(n, request) for n in notices]


@router.post("/inbox/{notice_id}/read", response_model=NoticePublic)
def mark_read(
    notice_id: DbId, request: Request, session: DbSession, actor: ApiActor
) -> NoticePublic:
    return _notice(do_mark_notice_read(session, actor, notice_id), request)
