"""Logins on the session cookie, and CSRF protection of the pages.

CSRF: a synchronizer token kept in the (signed, HttpOnly) session; every unsafe page request
(POST/PUT/PATCH/DELETE) must send it back, as the form field ``csrf_token`` or as the
``X-CSRF-Token`` header (htmx sends the header: ``hx-headers`` on <body>). The API under
/api/v1 does not read the session cookie at all (bearer tokens only), so it needs no CSRF token.

A login session is kept server-side (:mod:`ipcity.workspace.auth_sessions`): the cookie holds
the user id, a random session id and a fingerprint of the user's password hash. Logout, the
idle and absolute timeouts and an admin's "end all sessions" delete or outdate the row; a
changed or reset password no longer matches the fingerprint. Each takes effect on the next
request. A disabled account is logged out on its next request (the actor is re-read every
request).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request

from ipcity.web.i18n import N_
from ipcity.web.web_error import WebError
from ipcity.workspace import auth_sessions
from ipcity.workspace.auth_sessions import SessionPolicy
from ipcity.workspace.errors import TokenInvalid
from ipcity.workspace.permissions import Actor

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class MalformedAuthorization(TokenInvalid):
    """An ``Authorization`` header that is not ``Bearer <token>`` (RFC 6750 invalid_request)."""

    www_error = "invalid_request"


def bearer_token(header: str) -> str:
    """The token of an ``Authorization: Bearer <token>`` header (scheme case-insensitive,
    RFC 7235); anything else raises :class:`MalformedAuthorization`."""
    scheme, _sep, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or any(c.isspace() for c in token):
        raise MalformedAuthorization()
    return token


def www_authenticate(exc: Exception) -> str:
    """The ``WWW-Authenticate`` value of an API 401 (RFC 6750 section 3)."""
    error = getattr(exc, "www_error", "invalid_token" if isinstance(exc, TokenInvalid) else "")
    return f'Bearer realm="ipcity", error="{error}"' if error else 'Bearer realm="ipcity"'


def password_fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    session: dict[str, Any] = request.session
    token = session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


async def require_csrf(request: Request) -> None:
    """Refuse an unsafe request whose CSRF token is missing or wrong (403)."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not (isinstance(expected, str) and sent and hmac.compare_digest(sent, expected)):
        raise WebError(
            403,
            "csrf_failed",
            N_(
                "The form has expired or did not come from this site. "
                "Reload the page and try again."
            ),
        )


def start_session(
    request: Request,
    session: Session,
    policy: SessionPolicy,
    actor: Actor,
    password_hash: str,
) -> None:
    """A fresh session for a user who just logged in (``session``: a write transaction): a
    new server-side session row, a new cookie and a new CSRF token (no fixation). A session
    the browser held before ends."""
    assert actor.user_id is not None
    old = request.session.get("sid")
    if isinstance(old, str):
        auth_sessions.end_session(session, old)
    sid = auth_sessions.create_session(session, actor.user_id, policy)
    request.session.clear()
    request.session.update(
        {
            "uid": actor.user_id,
            "sid": sid,
            "fp": password_fingerprint(password_hash),
            "csrf": secrets.token_urlsafe(32),
        }
    )


def end_session(request: Request, session: Session) -> None:
    """Logout (``session``: a write transaction): the server-side session is deleted, so a
    copy of the cookie is worthless from now on."""
    sid = request.session.get("sid")
    if isinstance(sid, str):
        auth_sessions.end_session(session, sid)
    request.session.clear()


def client_address(request: Request) -> str:
    """The client's IP (uvicorn already applied X-Forwarded-For from trusted proxies)."""
    return request.client.host if request.client else "unknown"
