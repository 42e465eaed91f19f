"""Progress reports: GET /api/v1/reports (``status=submitted``: the review queue, oldest
first, with ages), GET/PATCH /api/v1/reports/{id}, POST /api/v1/reports/{id}/evidence
(multipart), GET /api/v1/files/{id} (an evidence file), POST
/api/v1/reports/{id}/submit|accept|return; the inbox: GET /api/v1/inbox, POST
/api/v1/inbox/{id}/read, POST /api/v1/inbox/read-all."""

from __future__ import annotations

from typing import Annotated

from fastapi import File, Form, Query, Response, UploadFile
from starlette.requests import Request

from ipcity.web.api.described import FileId, NoticeId, ReportId
from ipcity.web.deps import ApiActor, DbSession, Settings
from ipcity.web.downloads import attachment_response
from ipcity.web.i18n import msg
from ipcity.web.params import DbId, Version
from ipcity.web.routing import api_router
from ipcity.web.schemas.common import ERROR_RESPONSES, ErrorOut, Out, ReportState, VersionIn
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
    task_id: Annotated[DbId | None, Query(description="Only the reports on this task.")] = None,
    unit_id: Annotated[
        DbId | None,
        Query(
            description="Only the reports of this unit (a unit editor: any unit's "
            "submitted or accepted reports, its own in every state)."
        ),
    ] = None,
    state: Annotated[
        ReportState | None,
        Query(
            description="Only reports in this state: ``draft``, ``submitted`` (the review "
            "queue), ``accepted`` or ``returned``; default all."
        ),
    ] = None,
    status: Annotated[
        ReportState | None,
        Query(description="The same as ``state`` (``status`` wins if both)."),
    ] = None,
    work_plan_id: Annotated[
        DbId | None, Query(description="Only the reports on tasks of this work plan.")
    ] = None,
) -> list[ReportPublic]:
    """Newest period first; ``status=submitted`` (or ``state``) is the review queue: oldest
    submission first, with ``submitted_at`` and ``age_days``.

    **Who:** any logged-in role: the office and leaders see every report; a unit editor its
    own unit's in every state and other units' once submitted or accepted (never their
    drafts). Anonymous callers: 403 (401 while the public sees the portal only).

    **Errors:** 422: a filter out of range or not in its list."""
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
def get_report(report_id: ReportId, session: DbSession, actor: ApiActor) -> ReportHistoryOut:
    """The report (with its evidence) and every revision and workflow step.

    **Who:** as for the report list.

    **Errors:** 404: no such report, or one the caller may not see (another unit's draft);
    403: anonymous."""
    history = queries.report_history(session, actor, report_id)
    return ReportHistoryOut.model_validate(
        history.as_dict() | {"report": report_out(history.report)}
    )


@router.get(
    "/files/{file_id}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The file"}},
)
def evidence_file(file_id: FileId, session: DbSession, actor: ApiActor) -> Response:
    """An evidence file, always as an attachment under its safe name, for whoever may see
    its report (the ``url`` of a report's ``evidence``).

    **Who:** whoever may see the report the file belongs to (see GET /reports).

    **Errors:** 404: no such file, or one of a report the caller may not see; 403:
    anonymous."""
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
    report_id: ReportId,
    session: DbSession,
    actor: ApiActor,
    version: Annotated[
        Version,
        Form(description="The report's ``version`` the upload is based on (a stale one: 409)."),
    ],
    files: Annotated[
        list[UploadFile],
        File(
            description="One or more files of the allow-list (PDF, OFD, office documents, "
            "images, text ...); the whole request at most 2 MiB on the API (else 413)."
        ),
    ],
) -> ReportPublic:
    """Multipart: ``version`` and one or more ``files``. Adds them to a draft or returned
    report as a new revision (the current files kept); a submitted or accepted report is
    refused (409). The same type allow-list and size limit as the page upload.

    **Who:** whoever may revise the report: its unit's editor, or the office (others: 403;
    a report the caller may not see: 404).

    **Errors:** 409: ``version`` is stale, or the report is submitted or accepted; 413: a file
    over the limit; 422: no file, a type not on the allow-list, or content not matching it."""
    uploads = read_uploads(files)
    report = do_add_report_evidence(
        session, actor, report_id, expected_version=version, files=uploads
    )
    return report_out(report)


@router.patch("/reports/{report_id}", response_model=ReportPublic)
def revise_report(
    report_id: ReportId, body: ReportRevise, session: DbSession, actor: ApiActor
) -> ReportPublic:
    """A new revision of a draft or returned report (``submit``: and submit it).

    **Who:** the report's unit's editor, or the office (leaders, other units: 403, or 404 for
    a draft they may not see).

    **Errors:** 404: no such report, or not visible; 409: ``version`` is stale, or the report
    is submitted or accepted; 422: ``percent`` out of 0–100 or a field missing."""
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
    report_id: ReportId, body: VersionIn, session: DbSession, actor: ApiActor
) -> ReportPublic:
    """Submit a draft or returned report for the office's review (the office is notified).

    **Who:** the report's unit's editor, or the office (leaders: 403).

    **Errors:** 404: no such report, or not visible (another unit's draft); 403: a report the
    caller may see but not submit; 409: ``version`` is stale, or the report is already
    submitted or accepted."""
    report = do_submit_report(session, actor, report_id, expected_version=body.version)
    return report_out(report)


@router.post("/reports/{report_id}/accept", response_model=ReportPublic)
def accept_report(
    report_id: ReportId, body: ReviewIn, session: DbSession, actor: ApiActor
) -> ReportPublic:
    """Accept a submitted report: its percent becomes the task's progress when the unit
    leads the task; the unit is notified.

    **Who:** the office only (others: 403).

    **Errors:** 404: no such report; 409: ``version`` is stale, or the report is not
    submitted."""
    report = do_accept_report(
        session, actor, report_id, expected_version=body.version, comment=body.comment
    )
    return report_out(report)


@router.post("/reports/{report_id}/return", response_model=ReportPublic)
def return_report(
    report_id: ReportId, body: ReviewIn, session: DbSession, actor: ApiActor
) -> ReportPublic:
    """Return a submitted report to its unit with a comment (the unit revises and submits
    again); the unit is notified.

    **Who:** the office only (others: 403).

    **Errors:** 404: no such report; 409: ``version`` is stale, or the report is not
    submitted; 422: no ``comment``."""
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
    unit_id: Annotated[
        DbId | None,
        Query(
            description="Office and leaders: this unit's inbox instead of the office's "
            "(default). Ignored for a unit editor: always its own unit's."
        ),
    ] = None,
    unread: Annotated[
        bool, Query(description="true: only unread notices; default false (all).")
    ] = False,
) -> list[NoticePublic]:
    """Notices newest first (by day), at most 200: reports to review and their outcomes,
    supervision warnings.

    **Who:** any logged-in role: a unit editor reads its unit's inbox; the office its own
    (or, with ``unit_id``, a unit's); a leader any (read-only). Anonymous callers: 403.

    **Errors:** 422: ``unit_id`` out of range."""
    notices = queries.inbox(session, actor, unit_id=unit_id, unread_only=unread)
    return [_notice(n, request) for n in notices]


class ClearedOut(Out):
    marked_read: int  # 0 for a leader: only the leader's own badge is cleared
    """How many notices were marked read; 0 for a leader (only the leader's own badge is
    cleared, the notices stay unread for their owners)."""


@router.post("/inbox/read-all", response_model=ClearedOut)
def mark_all_read(
    session: DbSession,
    actor: ApiActor,
    unit_id: Annotated[
        DbId | None,
        Query(
            description="The office: clear this unit's inbox instead of its own (default). "
            "Ignored for a unit editor."
        ),
    ] = None,
) -> ClearedOut:
    """Clear the caller's badge (see ``do_clear_inbox``): every unread notice of the inbox
    the caller sees is marked read.

    **Who:** any logged-in role (a leader: only its own badge is cleared). Anonymous: 403.

    **Errors:** 422: ``unit_id`` out of range."""
    return ClearedOut(marked_read=do_clear_inbox(session, actor, unit_id=unit_id))


@router.post("/inbox/{notice_id}/read", response_model=NoticePublic)
def mark_read(
    notice_id: NoticeId, request: Request, session: DbSession, actor: ApiActor
) -> NoticePublic:
    """Mark one notice read.

    **Who:** the unit editor of the notice's unit, or the office (leaders and other units:
    403).

    **Errors:** 404: no such notice."""
    return _notice(do_mark_notice_read(session, actor, notice_id), request)
