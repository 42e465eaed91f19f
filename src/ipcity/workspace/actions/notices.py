"""Inbox notices: creating them (idempotently), marking them read (one or all: "clear my
badge"), and closing the notices about a report once it is handled."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ipcity.workspace import audit
from ipcity.workspace.actions._common import check_version, load
from ipcity.workspace.errors import PermissionDenied
from ipcity.workspace.models import Notice, User, record_now, stamp_on
from ipcity.workspace.permissions import (
    Actor,
    Cap,
    Role,
    can_mark_notice_read,
    can_read_unit_inbox,
    has,
)


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
    known_new: bool = False,
) -> Notice | None:
    """Add a notice unless one with ``dedupe_key`` exists (then None). The message key is
    ``notice.<kind>``. Safe against a concurrent run: the unique key decides. ``known_new``:
    the key names a row this transaction has just created (a new event's id), so no notice can
    hold it yet and neither the look-up nor the savepoint is needed."""
    if not known_new and session.scalar(select(Notice.id).where(Notice.dedupe_key == dedupe_key)):
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
        created_at=stamp_on(day),  # the notice's day by the app's clock (a demo's day)
    )
    if known_new:
        session.add(notice)
        return notice
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
    notice.read_at = record_now()
    notice.read_by_id = actor.user_id
    session.flush()
    audit.record(
        session, actor, "notice.read", "notice", notice.id, before=before, after=notice.as_dict()
    )
    return notice


def close_report_notices(
    session: Session, actor: Actor, report_id: int, *, keep: Notice | None = None
) -> list[int]:
    """Close (mark read, by whoever handled the report) every open notice about a report:
    called when the office accepts or returns it, and when the unit submits it again. The
    notice the step itself just wrote (``keep``) stays open. Audited as ``inbox.close_notices``."""
    open_notices = session.scalars(
        select(Notice)
        .where(Notice.report_id == report_id, Notice.read_at.is_(None))
        .order_by(Notice.id)
    ).all()
    closed = []
    now = record_now()
    for n in open_notices:
        if keep is not None and n.id == keep.id:
            continue
        n.read_at = now
        n.read_by_id = actor.user_id
        closed.append(n.id)
    if closed:
        session.flush()
        audit.record(
            session,
            actor,
            "inbox.close_notices",
            "report",
            report_id,
            before=None,
            after={"closed_notice_ids": closed},
        )
    return closed


def do_clear_inbox(session: Session, actor: Actor, *, unit_id: int | None = None) -> int:
    """ "Mark all read": clear the caller's badge. Office admins and unit editors mark every
    unread notice of the inbox they see (the office's, or with ``unit_id`` that unit's; an
    editor always their own unit's) read. A leader only reads: the notices stay unread for
    the office and the units, and the leader's own badge counts from now on
    (``users.inbox_seen_at``). Returns how many notices were marked (0 for a leader)."""
    if not has(actor, Cap.READ_INBOX):
        raise PermissionDenied("read_inbox")
    now = record_now()
    if actor.role is Role.LEADER:
        if actor.user_id is not None:  # not a versioned edit of the user: a plain update
            session.execute(update(User).where(User.id == actor.user_id).values(inbox_seen_at=now))
        audit.record(
            session, actor, "inbox.clear", "user", actor.user_id or 0, before=None, after=None
        )
        return 0
    stmt = select(Notice).where(Notice.read_at.is_(None))
    if actor.role is Role.UNIT_EDITOR:
        stmt = stmt.where(Notice.unit_id == actor.unit_id, Notice.for_office.is_(False))
    elif unit_id is not None:
        stmt = stmt.where(Notice.unit_id == unit_id, Notice.for_office.is_(False))
    else:
        stmt = stmt.where(Notice.for_office.is_(True))
    marked = []
    for n in session.scalars(stmt.order_by(Notice.id)):
        if can_read_unit_inbox(actor, n.unit_id, n.for_office) and can_mark_notice_read(
            actor, n.unit_id, n.for_office
        ):
            n.read_at = now
            n.read_by_id = actor.user_id
            marked.append(n.id)
    session.flush()
    audit.record(
        session,
        actor,
        "inbox.read_all",
        "inbox",
        unit_id if unit_id is not None else (actor.unit_id or 0),
        before=None,
        after={"notice_ids": marked},
    )
    return len(marked)
