"""Inbox notices: creating them (idempotently) and marking them read."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ipcity.workspace import audit
from ipcity.workspace.actions._common import check_version, load
from ipcity.workspace.errors import PermissionDenied
from ipcity.workspace.models import Notice, utcnow
from ipcity.workspace.permissions import Actor, can_mark_notice_read


def notify(
    session: Session,
    *,
    kind: str,
    dedupe_key: str,
    day: date,
    params: dict[str, Any],
    unit_id: int | None = None,
    for_office: bool = False,
    task_id: int | None = None,
    report_id: int | None = None,
) -> Notice | None:
    """Add a notice unless one with ``dedupe_key`` exists (then None). The message key is
    ``notice.<kind>``. Safe against a concurrent run: the unique key decides."""
    if session.scalar(select(Notice.id).where(Notice.dedupe_key == dedupe_key)) is not None:
        return None
    notice = Notice(
        unit_id=unit_id,
        for_office=for_office,
        task_id=task_id,
        report_id=report_id,
        kind=kind,
        message_key=f"notice.{kind}",
        params=params,
        day=day,
        dedupe_key=dedupe_key,
    )
    try:
        with session.begin_nested():
            session.add(notice)
    except IntegrityError:
        return None
    return notice


def do_mark_notice_read(
    session: Session, actor: Actor, notice_id: int, *, expected_version: int | None = None
) -> Notice:
    """Mark a notice read (for its whole unit). Idempotent, so ``expected_version`` may be
    left out; marking an already read notice keeps the first reader."""
    notice = load(session, Notice, notice_id, for_update=True)
    if expected_version is not None:
        check_version(notice, expected_version)
    if not can_mark_notice_read(actor, notice.unit_id, notice.for_office):
        raise PermissionDenied("read_inbox")
    if notice.read_at is not None:
        return notice
    before = notice.as_dict()
    notice.read_at = utcnow()
    notice.read_by_id = actor.user_id
    session.flush()
    audit.record(
        session, actor, "notice.read", "notice", notice.id, before=before, after=notice.as_dict()
    )
    return notice
