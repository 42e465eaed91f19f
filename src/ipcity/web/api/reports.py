"""Progress reports: GET /api/v1/reports (``status=submitted``: the review queue, oldest
first, with ages), GET/PATCH /api/v1/reports/{id}, POST /api/v1/reports/{id}/evidence
(multipart), GET /api/v1/files/{id} (an evidence file), POST
/api/v1/reports/{id}/submit|accept|return; the inbox: GET /api/v1/inbox, POST
/api/v1/inbox/{id}/read, POST /api/v1/inbox/read-all."""

from __future__ import annotations

from typing import Annotated

from fastapi import File, Form, Query, Response, UploadFile
from pydantic import BaseModel
from starlette.requests import Request

from ipcity.web.deps import ApiActor, DbSession, Settings
from ipcity.web.downloads import attachment_response
from ipcity.web.i18n import msg
from ipcity.web.params import DbId, Version
from ipcity.web.routing import api_router
from ipcity.web.schemas.common import ERROR_RESPONSES, ErrorOut, ReportState, VersionIn
from ipcity.web.schemas.reports import (
    EvidenceOut,
    NoticePublic,
    ReportHistoryOut,
    ReportPublic,
    ReportRevise,
    ReviewIn,
)
from ipcity.web.uploads import read_uploads
from ipcity.workspace import queries
from ipcity.workspace.actions import (
    do_accept_report,
    do_add_report_evidence,
    do_clear_inbox,
    do_mark_notice_read,
    do_return_report,
    do_revise_report,
    do_submit_report,
)
from ipcity.workspace.models import Notice, ProgressReport

router = api_router(tags=["reports"], responses=ERROR_RESPONSES)


def report_out(r: ProgressReport, queued: queries.QueuedReport | None = None) -> ReportPublic:
    """A report with its evidence files (and, waiting for review, since when)."""
    evidence = [
        EvidenceOut(id=f.id, name=f.filename, size=f.size, url=f"/api/v1/files/{f.id}")
        for f in queries.evidence_of(r)
    ]
    extra: dict[str, object] = {"evidence": evidence}
    if queued is not None:
        extra |= {
            "submitted_at": queued.submitted_at.isoformat(timespec="seconds"),
            "age_days": queued.age_days,
        }
    return ReportPublic.model_validate(r.as_dict() | extra)


@router.get("/reports", response_model=list[ReportPublic])
def list_reports(
    session: DbSession,
    actor: ApiActor,
    settings: Settings,
    task_id: Annotated[DbId | None, Query()] = None,
    unit_id: Annotated[DbId | None, Query()] = None,
    state: Annotated[ReportState | None, Query()] = None,
    status: Annotated[ReportState | None, Query(description="The same as ``state``")] = None,
    work_plan_id: Annotated[DbId | None, Query()] = None,
) -> list[ReportPublic]:
    """Newest period first; ``status=submitted`` (or ``state``) is the review queue: oldest
    submission first, with ``submitted_at`` and ``age_days``."""
    wanted = status or state
    if wanted == "submitted":
        queue = queries.review_queue(
            session,
            actor,
            today=settings.current_day(),
            task_id=task_id,
            unit_id=unit_id,
            work_plan_id=work_plan_id,
        )
        return [report_out(q.report, q) for q in queue]
    reports = queries.list_reports(
        session, actor, task_id=task_id, unit_id=unit_id, state=wanted, work_plan_id=work_plan_id
    )
    return [report_out(r) for r in reports]


@router.get("/reports/{report_id}", response_model=ReportHistoryOut)
def get_report(report_id: DbId, session: DbSession, actor: ApiActor) -> ReportHistoryOut:
    """The report (with its evidence) and every revision and workflow step."""
    history = queries.report_history(session, actor, report_id)
    return ReportHistoryOut.model_validate(
        history.as_dict() | {"report": report_out(history.report)}
    )


@router.get(
    "/files/{file_id}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The file"}},
)
def evidence_file(file_id: DbId, session: DbSession, actor: ApiActor) -> Response:
    """An evidence file, always as an attachment under its safe name, for whoever may see
    its report (the ``url`` of a report's ``evidence``)."""
    meta, data = queries.get_evidence(session, actor, file_id)
    return attachment_response(data, meta.filename)


_UPLOAD_RESPONSES: dict[int | str, dict[str, object]] = {
    413: {"model": ErrorOut, "description": "A file is larger than the upload limit"},
    422: {
        "model": ErrorOut,
        "description": "No file, a type not on the allow-list, or content not matching it",
    },
}


@router.post(
    "/reports/{report_id}/evidence", response_model=ReportPublic, responses=_UPLOAD_RESPONSES
)
def add_evidence(
    report_id: DbId,
    session: DbSession,
    actor: ApiActor,
    version: Annotated[Version, Form()],
    files: Annotated[list[UploadFile], File()],
) -> ReportPublic:
    """Multipart: ``version`` and one or more ``files``. Adds them to a draft or returned
    report as a new revision (the current files kept); a submitted or accepted report is
    refused (409). The same type allow-list and size limit as the page upload."""
    uploads = read_uploads(files)
    report = do_add_report_evidence(
        session, actor, report_id, expected_version=version, files=uploads
    )
    return report_out(report)


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
    return report_out(report)


@router.post("/reports/{report_id}/submit", response_model=ReportPublic)
def submit_report(
    report_id: DbId, body: VersionIn, session: DbSession, actor: ApiActor
) -> ReportPublic:
    report = do_submit_report(session, actor, report_id, expected_version=body.version)
    return report_out(report)


@router.post("/reports/{report_id}/accept", response_model=ReportPublic)
def accept_report(
    report_id: DbId, body: ReviewIn, session: DbSession, actor: ApiActor
) -> ReportPublic:
    report = do_accept_report(
        session, actor, report_id, expected_version=body.version, comment=body.comment
    )
    return report_out(report)


@router.post("/reports/{report_id}/return", response_model=ReportPublic)
def return_report(
    report_id: DbId, body: ReviewIn, session: DbSession, actor: ApiActor
) -> ReportPublic:
    report = do_return_report(
        session, actor, report_id, expected_version=body.version, comment=body.comment
    )
    return report_out(report)


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


class ClearedOut(BaseModel):
    marked_read: int  # 0 for a leader: only the leader's own badge is cleared


@router.post("/inbox/read-all", response_model=ClearedOut)
def mark_all_read(
    session: DbSession, actor: ApiActor, unit_id: Annotated[DbId | None, Query()] = None
) -> ClearedOut:
    """Clear the caller's badge (see ``do_clear_inbox``)."""
    return ClearedOut(marked_read=do_clear_inbox(session, actor, unit_id=unit_id))


@router.post("/inbox/{notice_id}/read", response_model=NoticePublic)
def mark_read(
    notice_id: DbId, request: Request, session: DbSession, actor: ApiActor
) -> NoticePublic:
    return _notice(do_mark_notice_read(session, actor, notice_id), request)
