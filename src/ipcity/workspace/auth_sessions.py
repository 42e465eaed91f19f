"""Server-side login sessions of the pages, so ending one takes effect at once.

The session cookie carries a random id (``secrets``, 256 bits); the ``web_sessions`` table
keeps only its SHA-256, the user, when it started and when it was last used. Every page
request looks the row up (:func:`check_session`): no row, a different user, an idle gap
longer than the idle timeout or an age beyond the absolute timeout and the request is
anonymous. So these take effect on the very next request, on every worker process:

- logout deletes the row (:func:`end_session`);
- a password change or reset: the cookie's password fingerprint no longer matches (checked
  by the web layer) and the row is deleted there;
- an office admin's "end all sessions of this user" (:func:`do_end_user_sessions`) deletes
  every row of the user and sets ``users.sessions_ended_at``, which also revokes every API
  token issued up to that second (see :func:`ipcity.workspace.auth.verify_token`).

``last_seen_at`` is written at most once per :data:`TOUCH_INTERVAL` (a GET would otherwise
write on every page view), so the idle timeout holds to within that interval.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import DateTime, ForeignKey, Index, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ipcity.workspace import audit
from ipcity.workspace.models import Base, User, utcnow
from ipcity.workspace.permissions import Actor, Cap, require

TOUCH_INTERVAL = timedelta(seconds=60)


class WebSession(Base):
    """One logged-in page session (the cookie holds the id, this row its SHA-256)."""

    __tablename__ = "web_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (Index("ix_web_sessions_user_id", "user_id"),)


@dataclass(frozen=True)
class SessionPolicy:
    """The timeouts: ``idle`` without a request, ``absolute`` since login."""

    idle: timedelta
    absolute: timedelta


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def create_session(
    session: Session, user_id: int, policy: SessionPolicy, *, now: datetime | None = None
) -> str:
    """A new session for the user; returns the id for the cookie (never stored in clear).
    Also drops every session past its timeouts (keeps the table small)."""
    now = now or utcnow()
    purge_expired(session, policy, now=now)
    session_id = secrets.token_urlsafe(32)
    session.add(WebSession(id_hash=_hash(session_id), user_id=user_id, created_at=now,
                           last_seen_at=now))  # fmt: skip
    return session_id


def purge_expired(session: Session, policy: SessionPolicy, *, now: datetime) -> None:
    session.execute(
        delete(WebSession).where(
            (WebSession.created_at < now - policy.absolute)
            | (WebSession.last_seen_at < now - policy.idle)
        )
    )


@dataclass(frozen=True)
class SessionCheck:
    """The outcome of :func:`check_session`: ``valid``, and whether ``last_seen_at`` is due
    to be written (:func:`touch_session`)."""

    valid: bool
    touch: bool = False


def check_session(
    session: Session,
    session_id: str,
    user_id: int,
    policy: SessionPolicy,
    *,
    now: datetime | None = None,
) -> SessionCheck:
    """Is this cookie's session still alive for this user?"""
    now = now or utcnow()
    row = session.get(WebSession, _hash(session_id))
    if row is None or row.user_id != user_id:
        return SessionCheck(False)
    if now - row.created_at > policy.absolute or now - row.last_seen_at > policy.idle:
        return SessionCheck(False)
    return SessionCheck(True, touch=now - row.last_seen_at >= TOUCH_INTERVAL)


def touch_session(session: Session, session_id: str, *, now: datetime | None = None) -> None:
    row = session.get(WebSession, _hash(session_id))
    if row is not None:
        row.last_seen_at = now or utcnow()


def end_session(session: Session, session_id: str) -> None:
    """Logout: the session ends now, whoever still holds a copy of the cookie."""
    session.execute(delete(WebSession).where(WebSession.id_hash == _hash(session_id)))


def end_sessions_of(session: Session, user_id: int) -> int:
    """Delete every page session of the user; returns how many there were."""
    ids = list(session.scalars(select(WebSession.id_hash).where(WebSession.user_id == user_id)))
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    return len(ids)


def count_sessions(session: Session, user_id: int, policy: SessionPolicy) -> int:
    """The user's sessions that are still alive (for the admin page)."""
    now = utcnow()
    rows = session.scalars(select(WebSession).where(WebSession.user_id == user_id))
    return sum(
        1
        for r in rows
        if now - r.created_at <= policy.absolute and now - r.last_seen_at <= policy.idle
    )


def do_end_user_sessions(
    session: Session, actor: Actor, user_id: int, *, expected_version: int
) -> User:
    """An office admin (or the user themself: "log out everywhere else") ends every session
    of a user at once: page sessions are deleted and every API token issued so far stops
    working. Audited (how many sessions ended)."""
    # Imported here: the actions import auth, which imports the database and so this module.
    from ipcity.workspace.actions._common import load_for_update

    if actor.user_id != user_id or not actor.is_authenticated:
        require(actor, Cap.MANAGE_USERS)
    user = load_for_update(session, User, user_id, expected_version)
    before = user.as_dict()
    ended = end_sessions_of(session, user.id)
    user.sessions_ended_at = utcnow()
    session.flush()
    after = user.as_dict() | {"sessions_ended": ended}
    audit.record(session, actor, "user.end_sessions", "user", user.id, before=before, after=after)
    return user
