"""Progress reports: draft -> submitted -> accepted | returned, never overwritten.

Every content change adds an immutable ``ReportRevision``; every step adds a ``ReportEvent``.
A returned report is edited by revising it (a new revision, back to draft) and submitted again.
Notices: a submission goes to the office's inbox; acceptance and return to the unit's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from ipcity.workspace import audit
from ipcity.workspace.actions._common import Invalid, check_version, load, number
from ipcity.workspace.actions.notices import close_report_notices, notify
from ipcity.workspace.cn_dates import parse_period
from ipcity.workspace.errors import (
    FieldError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
    invalid,
)
from ipcity.workspace.models import (
    EvidenceBlob,
    ProgressReport,
    ReportEvent,
    ReportRevision,
    RevisionFile,
    Task,
    Unit,
    record_now,
)
from ipcity.workspace.permissions import (
    Actor,
    Cap,
    can_view_internal,
    can_view_report,
    can_write_report_for_task,
    has,
)
from ipcity.workspace.uploads import (
    DEFAULT_MAX_MB,
    check_upload,
    media_type_for,
    safe_filename,
)

MAX_EVIDENCE_BYTES = DEFAULT_MAX_MB * 1024 * 1024  # default; see uploads.max_upload_bytes
MAX_NARRATIVE = 20000


@dataclass(frozen=True)
class EvidenceUpload:
    """A file to attach to a new revision."""

    filename: str
    content_type: str
    data: bytes


def _validate_content(
    percent: Any, narrative: Any, files: Sequence[EvidenceUpload]
) -> tuple[float, str]:
    errors: list[FieldError] = []
    pct = 0.0
    if percent is None or (isinstance(percent, str) and not percent.strip()):
        errors.append(FieldError("percent", "field.required"))
    else:
        try:
            pct = number(0, 100)(percent)
        except Invalid as exc:
            errors.append(FieldError("percent", exc.key, exc.params))
    text = str(narrative or "").strip()
    if not text:
        errors.append(FieldError("narrative", "field.required"))
    elif len(text) > MAX_NARRATIVE:
        errors.append(FieldError("narrative", "field.too_long", {"max": MAX_NARRATIVE}))
    for f in files:
        if not f.filename.strip():
            errors.append(FieldError("files", "field.required"))
        else:  # type on the allow-list, content matching it, size (uploads.py)
            errors.extend(check_upload("files", f.filename, f.data))
    if errors:
        raise ValidationError(errors)
    return pct, text


def _store_files(
    session: Session, revision: ReportRevision, files: Sequence[EvidenceUpload]
) -> None:
    for f in files:
        sha = hashlib.sha256(f.data).hexdigest()
        if session.get(EvidenceBlob, sha) is None:
            session.add(EvidenceBlob(sha256=sha, size=len(f.data), data=f.data))
            session.flush()
        revision.files.append(
            RevisionFile(
                blob_sha256=sha,
                filename=safe_filename(f.filename),
                content_type=media_type_for(f.filename),  # never the uploader's claim
                size=len(f.data),
            )
        )


def _event(
    session: Session,
    actor: Actor,
    report: ProgressReport,
    kind: str,
    from_state: str | None,
    comment: str = "",
    at: datetime | None = None,
    *,
    flush: bool = True,
) -> ReportEvent:
    ev = ReportEvent(
        revision_no=report.current_revision,
        kind=kind,
        from_state=from_state,
        to_state=report.state,
        comment=comment,
        actor_id=actor.user_id,
        actor_name=actor.name,
        at=at or record_now(),
    )
    report.events.append(ev)
    if flush:
        session.flush()
    return ev


def _snapshot(report: ProgressReport) -> dict[str, Any]:
    return report.as_dict()


def _notice_params(report: ProgressReport, comment: str = "") -> dict[str, Any]:
    return {
        "task_code": report.task.code,
        "task_title": report.task.title,
        "period": report.period,
        "unit": report.unit.name,
        "comment": comment,
    }


def do_create_report(
    session: Session,
    actor: Actor,
    *,
    task_id: int,
    period: str,
    percent: Any,
    narrative: str,
    unit_id: int | None = None,
    files: Sequence[EvidenceUpload] = (),
    submit: bool = False,
    at: datetime | None = None,
) -> ProgressReport:
    """Start a report (state draft, revision 1) of ``unit_id`` (default: the actor's unit) on a
    task for a period (2023-06, 2023-Q2, 2023-H1 or 2023; Chinese forms accepted). One report
    per task, unit and period: revise it rather than starting another. ``submit=True`` submits
    it in the same step: the same rows (both events, both audit entries, the office's notice)
    as :func:`do_create_report` then :func:`do_submit_report`, in about half the statements."""
    task = load(session, Task, task_id)
    unit_id = unit_id if unit_id is not None else actor.unit_id
    # the unit's aliases are not needed here (a unit row otherwise brings them in a 2nd query)
    unit = None if unit_id is None else session.get(Unit, unit_id, options=[lazyload(Unit.aliases)])
    if unit is None:
        if not has(actor, Cap.WRITE_REPORTS):
            raise PermissionDenied("write_reports")
        raise invalid("unit_id", "field.unknown_unit", value=unit_id)
    unit_id = unit.id
    if not can_write_report_for_task(actor, task, unit_id):
        raise PermissionDenied("write_reports")
    parsed = parse_period(period)
    if parsed is None:
        raise invalid("period", "field.invalid_period", value=period)
    pct, text = _validate_content(percent, narrative, files)
    norm, end = parsed
    exists = session.scalar(
        select(ProgressReport.id).where(
            ProgressReport.task_id == task.id,
            ProgressReport.unit_id == unit_id,
            ProgressReport.period == norm,
        )
    )
    if exists is not None:
        raise invalid("period", "field.duplicate", value=norm)
    now = at or record_now()
    report = ProgressReport(
        task_id=task.id,
        unit_id=unit_id,
        period=norm,
        period_end=end,
        state="draft",
        current_revision=1,
        created_at=now,
        updated_at=now,
    )
    rev = ReportRevision(
        revision_no=1,
        percent=pct,
        narrative=text,
        author_id=actor.user_id,
        author_name=actor.name,
        created_at=now,
    )
    # A new object's collections are set before its first flush: an unloaded collection of a
    # persistent object is read back from the database when it is first touched.
    report.revisions, report.events, rev.files = [rev], [], []
    session.add(report)
    session.flush()
    _store_files(session, rev, files)
    _event(session, actor, report, "create", None, at=now, flush=not submit)
    created = _snapshot(report)
    if not submit:
        _audit_create(session, actor, report, created)
        return report
    report.state = "submitted"
    report.updated_at = now
    ev = _event(session, actor, report, "submit", "draft", at=now)  # both events in one flush
    _audit_create(session, actor, report, created)
    _notify_submitted(session, report, ev, now, known_new=True)
    after = _snapshot(report)
    audit.record(session, actor, "report.submit", "report", report.id, before=created, after=after)
    return report


def _audit_create(
    session: Session, actor: Actor, report: ProgressReport, after: dict[str, Any]
) -> None:
    audit.record(session, actor, "report.create", "report", report.id, before=None, after=after)


def _notify_submitted(
    session: Session, report: ProgressReport, ev: ReportEvent, now: datetime, *, known_new: bool
) -> None:
    notify(
        session,
        kind="report_submitted",
        dedupe_key=f"report_submitted:{report.id}:{ev.id}",
        day=now.date(),
        params=_notice_params(report),
        for_office=True,
        task_id=report.task_id,
        report_id=report.id,
        known_new=known_new,
    )


def _load_visible(
    session: Session, actor: Actor, report_id: int, expected_version: int
) -> ProgressReport:
    if not can_view_internal(actor):
        raise PermissionDenied("view_internal")
    report = load(session, ProgressReport, report_id, for_update=True)
    if not can_view_report(actor, report):
        raise NotFound("report", report_id)  # do not reveal that another unit's draft exists
    check_version(report, expected_version)
    return report


def do_revise_report(
    session: Session,
    actor: Actor,
    report_id: int,
    *,
    expected_version: int,
    percent: Any,
    narrative: str,
    files: Sequence[EvidenceUpload] = (),
    keep_file_ids: Sequence[int] | None = None,
    submit: bool = False,
    at: datetime | None = None,
) -> ProgressReport:
    """Add a new revision to a draft or returned report (a returned one goes back to draft).
    The previous revision's files are carried over (all, or only ``keep_file_ids``) plus
    ``files``. ``submit=True`` submits in the same step."""
    report = _load_visible(session, actor, report_id, expected_version)
    if not can_write_report_for_task(actor, report.task, report.unit_id):
        raise PermissionDenied("write_reports")
    if report.state not in ("draft", "returned"):
        raise InvalidTransition(report.state, "revise")
    pct, text = _validate_content(percent, narrative, files)
    before = report.as_dict()
    prev = report.current()
    now = at or record_now()
    rev = ReportRevision(
        revision_no=report.current_revision + 1,
        percent=pct,
        narrative=text,
        author_id=actor.user_id,
        author_name=actor.name,
        created_at=now,
    )
    report.revisions.append(rev)
    session.flush()
    for f in prev.files:
        if keep_file_ids is None or f.id in keep_file_ids:
            rev.files.append(
                RevisionFile(
                    blob_sha256=f.blob_sha256,
                    filename=f.filename,
                    content_type=f.content_type,
                    size=f.size,
                )
            )
    _store_files(session, rev, files)
    from_state = report.state
    report.current_revision = rev.revision_no
    report.state = "draft"
    report.updated_at = now
    session.flush()
    _event(session, actor, report, "revise", from_state, at=now)
    audit.record(
        session, actor, "report.revise", "report", report.id, before=before, after=_snapshot(report)
    )
    if submit:
        return do_submit_report(session, actor, report.id, expected_version=report.version, at=now)
    return report


def do_submit_report(
    session: Session,
    actor: Actor,
    report_id: int,
    *,
    expected_version: int,
    at: datetime | None = None,
) -> ProgressReport:
    """draft -> submitted; the office gets a notice (earlier notices about the report close)."""
    report = _load_visible(session, actor, report_id, expected_version)
    if not can_write_report_for_task(actor, report.task, report.unit_id):
        raise PermissionDenied("write_reports")
    if report.state != "draft":
        raise InvalidTransition(report.state, "submit")
    before = report.as_dict()
    now = at or record_now()
    report.state = "submitted"
    report.updated_at = now
    session.flush()
    ev = _event(session, actor, report, "submit", "draft", at=now)
    close_report_notices(session, actor, report.id)  # e.g. the unit's "returned" notice
    _notify_submitted(session, report, ev, now, known_new=False)
    audit.record(
        session, actor, "report.submit", "report", report.id, before=before, after=_snapshot(report)
    )
    return report


def _review(
    session: Session,
    actor: Actor,
    report_id: int,
    expected_version: int,
    *,
    accept: bool,
    comment: str,
    at: datetime | None,
) -> ProgressReport:
    if not has(actor, Cap.REVIEW_REPORTS):
        raise PermissionDenied("review_reports")
    report = _load_visible(session, actor, report_id, expected_version)
    transition = "accept" if accept else "return"
    if report.state != "submitted":
        raise InvalidTransition(report.state, transition)
    comment = (comment or "").strip()
    if not accept and not comment:
        raise invalid("comment", "field.required")
    if len(comment) > MAX_NARRATIVE:
        raise invalid("comment", "field.too_long", max=MAX_NARRATIVE)
    before = report.as_dict()
    now = at or record_now()
    report.state = "accepted" if accept else "returned"
    report.updated_at = now
    session.flush()
    ev = _event(session, actor, report, transition, "submitted", comment, at=now)
    kind = "report_accepted" if accept else "report_returned"
    close_report_notices(session, actor, report.id)  # the office's "submitted" notice
    notify(
        session,
        kind=kind,
        dedupe_key=f"{kind}:{report.id}:{ev.id}",
        day=now.date(),
        params=_notice_params(report, comment),
        unit_id=report.unit_id,
        task_id=report.task_id,
        report_id=report.id,
    )
    audit.record(
        session,
        actor,
        f"report.{transition}",
        "report",
        report.id,
        before=before,
        after=_snapshot(report) | {"comment": comment},
    )
    return report


def do_accept_report(
    session: Session,
    actor: Actor,
    report_id: int,
    *,
    expected_version: int,
    comment: str = "",
    at: datetime | None = None,
) -> ProgressReport:
    """submitted -> accepted (office only). Its percent now counts for the task if the
    report is the lead unit's latest."""
    return _review(session, actor, report_id, expected_version, accept=True, comment=comment, at=at)


def do_return_report(
    session: Session,
    actor: Actor,
    report_id: int,
    *,
    expected_version: int,
    comment: str,
    at: datetime | None = None,
) -> ProgressReport:
    """submitted -> returned with the office's comment (required); the unit gets a notice."""
    return _review(
        session, actor, report_id, expected_version, accept=False, comment=comment, at=at
    )


def do_add_report_evidence(
    session: Session,
    actor: Actor,
    report_id: int,
    *,
    expected_version: int,
    files: Sequence[EvidenceUpload],
    at: datetime | None = None,
) -> ProgressReport:
    """Attach more evidence to a draft or returned report: a new revision with the same
    percent and narrative, the current files kept and ``files`` added (same allow-list and
    size checks as any upload). A submitted or accepted report is not changed."""
    if not files:
        raise invalid("files", "field.required")
    report = _load_visible(session, actor, report_id, expected_version)
    cur = report.current()
    return do_revise_report(
        session,
        actor,
        report_id,
        expected_version=expected_version,
        percent=cur.percent,
        narrative=cur.narrative,
        files=files,
        at=at,
    )
