"""Passwords, logins with rate limiting, API tokens and the signing secret.

- Passwords are hashed with argon2id (argon2-cffi defaults); there is no default password:
  the first office admin is created with ``ipcity users create ... --password-stdin``.
- ``authenticate`` records every attempt in ``login_attempts`` (so the limit holds across
  processes and restarts). A user name + client (IP) pair is locked after
  ``MAX_FAILURES_PER_CLIENT`` failures within ``WINDOW``; a user name from any client after
  ``MAX_FAILURES_PER_USER``, which stops a spread-out guessing attack. A success clears the
  pair's count. While locked, tries are refused without checking the password and without
  being recorded (so the lock ends WINDOW after the failures, not after the last try).
- API tokens are ``itsdangerous`` signed, timed tokens carrying the user id and a fingerprint
  of the password hash: changing the password revokes them; so does disabling the user, and
  an admin's "end all sessions" (``users.sessions_ended_at``). Page sessions live in
  :mod:`ipcity.workspace.auth_sessions`.
- The signing secret is generated once (``secrets``) and kept in the ``settings`` table; it is
  never a built-in default. The web layer uses :func:`secret_key` for its cookies too.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ipcity.workspace.db import Database
from ipcity.workspace.errors import (
    LoginFailed,
    LoginLocked,
    TokenExpired,
    TokenInvalid,
    UserInactive,
    invalid,
)
from ipcity.workspace.models import LoginAttempt, Setting, User, utcnow
from ipcity.workspace.permissions import Actor

MIN_PASSWORD_LENGTH = 10
MAX_FAILURES_PER_CLIENT = 5
MAX_FAILURES_PER_USER = 20
WINDOW = timedelta(minutes=15)
TOKEN_MAX_AGE = 12 * 3600  # seconds
SECRET_SETTING = "secret_key"
_TOKEN_SALT = "ipcity-api-token"

_hasher = PasswordHasher()
# Verified when the user does not exist, so "no such user" takes as long as "wrong password".
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    check_password_strength(password)
    return _hasher.hash(password)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH or not password.strip():
        raise invalid("password", "field.weak_password", min=MIN_PASSWORD_LENGTH)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def normalise_username(username: str) -> str:
    return username.strip().lower()


def generate_password(length: int = 16) -> str:
    """A random password (used by the demo seed; printed once, never stored in clear)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


# --- login --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LockState:
    locked: bool
    retry_after: int  # seconds


def lock_state(session: Session, username: str, client: str, now: datetime) -> LockState:
    """Is this user name (from this client) locked right now?"""
    since = now - WINDOW
    last_ok = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username,
            LoginAttempt.client == client,
            LoginAttempt.success.is_(True),
        )
    )
    pair_since = max(since, last_ok) if last_ok else since
    pair = list(
        session.scalars(
            select(LoginAttempt.at)
            .where(
                LoginAttempt.username == username,
                LoginAttempt.client == client,
                LoginAttempt.success.is_(False),
                LoginAttempt.at > pair_since,
            )
            .order_by(LoginAttempt.at.desc())
        )
    )
    every = list(
        session.scalars(
            select(LoginAttempt.at)
            .where(
                LoginAttempt.username == username,
                LoginAttempt.success.is_(False),
                LoginAttempt.at > since,
            )
            .order_by(LoginAttempt.at.desc())
        )
    )
    retry = 0
    # The lock lifts when the oldest of the last MAX failures leaves the window.
    if len(pair) >= MAX_FAILURES_PER_CLIENT:
        retry = max(retry, _seconds(pair[MAX_FAILURES_PER_CLIENT - 1] + WINDOW - now))
    if len(every) >= MAX_FAILURES_PER_USER:
        retry = max(retry, _seconds(every[MAX_FAILURES_PER_USER - 1] + WINDOW - now))
    return LockState(retry > 0, retry)


def _seconds(delta: timedelta) -> int:
    return max(0, int(-(-delta.total_seconds() // 1)))


def authenticate(
    db: Database,
    username: str,
    password: str,
    *,
    client: str = "unknown",
    now: datetime | None = None,
) -> Actor:
    """Check a login and return the user's Actor, or raise LoginLocked / LoginFailed /
    UserInactive. Runs its own transactions so a failed attempt is recorded even though the
    call raises.

    The password is checked (argon2: tens of milliseconds of CPU) between two short
    transactions, never inside one: on SQLite a write transaction holds the database's one
    write lock, so 50 logins at once queued behind each other's hashing until "database is
    locked"; on PostgreSQL the connection sat idle in its transaction. The lock state is read
    again in the write transaction, so attempts running in parallel cannot slip past it."""
    name = normalise_username(username)
    client = (client or "unknown")[:64]
    now = now or utcnow()
    with db.read() as session:
        state = lock_state(session, name, client, now)
        if state.locked:
            raise LoginLocked(state.retry_after)
        user = session.scalar(select(User).where(User.username == name))
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    ok = ok and user is not None
    with db.write() as session:
        state = lock_state(session, name, client, now)
        if state.locked:  # failures recorded meanwhile by parallel attempts
            raise LoginLocked(state.retry_after)
        session.add(LoginAttempt(username=name, client=client, at=now, success=ok))
        # Keep the table small: attempts older than a day no longer matter.
        session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=1)))
    if not ok or user is None:
        raise LoginFailed()
    if not user.active:
        raise UserInactive()
    if _hasher.check_needs_rehash(user.password_hash):
        rehashed = _hasher.hash(password)  # outside the transaction, like the check
        with db.write() as session:
            fresh = session.get(User, user.id)
            if fresh is not None and fresh.password_hash == user.password_hash:
                fresh.password_hash = rehashed
    return Actor.from_user(user)


def load_actor(session: Session, user_id: int) -> Actor:
    """The Actor of a logged-in user id (e.g. from a session cookie), re-read on every request
    so a role change or a disabled account takes effect at once."""
    return Actor.from_user(load_active_user(session, user_id))


def load_active_user(session: Session, user_id: int) -> User:
    """The active user of ``user_id`` (TokenInvalid when gone, UserInactive when disabled).
    Callers that need the row too keep this one: the session's identity map holds rows
    weakly, so a second ``get`` after ``load_actor`` would query again."""
    user = session.get(User, user_id)
    if user is None:
        raise TokenInvalid()
    if not user.active:
        raise UserInactive()
    return user


# --- secret and tokens ---------------------------------------------------------------------------


def ensure_secret_key(db: Database) -> str:
    """The installation's signing secret, created (and committed) on first use."""
    with db.write() as session:
        return secret_key(session)


def secret_key(session: Session) -> str:
    """The signing secret, created on first use: call it in a write session (``db.write()``)
    or use :func:`ensure_secret_key`, else a new secret would be rolled back."""
    row = session.get(Setting, SECRET_SETTING)
    if row is not None:
        return row.value
    value = secrets.token_urlsafe(48)
    try:
        with session.begin_nested():
            session.add(Setting(key=SECRET_SETTING, value=value))
    except IntegrityError:  # another process created it at the same moment: use theirs
        row = session.get(Setting, SECRET_SETTING, populate_existing=True)
        assert row is not None
        return row.value
    return value


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def issue_token(session: Session, user_id: int) -> str:
    """A signed API token for the user (checked against ``max_age``, by default
    ``TOKEN_MAX_AGE`` seconds). Call in a write session: the secret may be created here."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise TokenInvalid()
    s = URLSafeTimedSerializer(secret_key(session), salt=_TOKEN_SALT)
    return str(s.dumps({"uid": user.id, "fp": _fingerprint(user)}))


def verify_token(session: Session, token: str, *, max_age: int = TOKEN_MAX_AGE) -> Actor:
    """The Actor a token stands for, or TokenExpired / TokenInvalid."""
    row = session.get(Setting, SECRET_SETTING)
    if row is None:  # no token was ever issued here
        raise TokenInvalid()
    s = URLSafeTimedSerializer(row.value, salt=_TOKEN_SALT)
    try:
        data, issued = s.loads(token, max_age=max_age, return_timestamp=True)
    except SignatureExpired:
        raise TokenExpired() from None
    except BadSignature:
        raise TokenInvalid() from None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        raise TokenInvalid()
    user = session.get(User, data["uid"])
    if user is None or not user.active or data.get("fp") != _fingerprint(user):
        raise TokenInvalid()
    # "End all sessions" revokes every token issued up to that second (whole seconds: a
    # token of the same second is refused too, the safe side).
    ended = user.sessions_ended_at
    if ended is not None and issued.replace(tzinfo=None) <= ended:
        raise TokenInvalid()
    return Actor.from_user(user)
