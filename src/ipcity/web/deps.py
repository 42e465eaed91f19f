"""Typed dependencies of the routes (FastAPI ``Annotated`` style).

- ``Db``: the open :class:`~ipcity.workspace.db.Database`.
- ``DbSession``: one transaction per request: ``db.read()`` for GET/HEAD, ``db.write()``
  (committed when the route returns, rolled back when it raises) for everything else.
- ``CurrentActor``: the page user from the session cookie (else anonymous).
- ``ApiActor``: the API user from ``Authorization: Bearer <token>`` (else anonymous; a
  malformed header or a bad or expired token is a 401, never silently anonymous).
- ``RequireCsrf``: the CSRF check (page routers apply it to every route already).
- ``Locale``: ``zh_CN`` or ``en``.
- ``View``: everything a page handler needs, with ``render(...)``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import Depends
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from ipcity.web.config import WebSettings
from ipcity.web.i18n import ws_locale
from ipcity.web.public_paths import is_open
from ipcity.web.security import SAFE_METHODS, bearer_token, password_fingerprint, require_csrf
from ipcity.web.templating import render_page
from ipcity.workspace import auth, auth_sessions, queries
from ipcity.workspace.db import Database
from ipcity.workspace.errors import NotFound, TokenInvalid, UserInactive
from ipcity.workspace.permissions import ANONYMOUS, Actor
from ipcity.workspace.visibility import PublicAccess, public_access, require_supervision_view

# Dependencies that only read the request or the app state are ``async def``: FastAPI runs
# every sync dependency in a trip of its own to the thread pool, which costs more CPU than
# what these do (and a thread, under load). Those that touch the database stay sync.


async def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_settings(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


Db = Annotated[Database, Depends(get_db)]
Settings = Annotated[WebSettings, Depends(get_settings)]


_READ_FIRST: set[object] = set()
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def reads_before_writing(endpoint: Endpoint) -> Endpoint:
    """Mark an upload route (put it under ``@router.post``): its request session is a *read*
    session, so reading and checking a sheet holds no write lock (SQLite has one for the
    whole database); the route opens ``db.write()`` itself for the writes alone."""
    _READ_FIRST.add(endpoint)
    return endpoint


def _reads(request: Request) -> bool:
    """Is the request's own session a read session (safe methods, upload routes)?"""
    return request.method in SAFE_METHODS or request.scope.get("endpoint") in _READ_FIRST


def get_session(request: Request, db: Db) -> Iterator[Session]:
    ctx = db.read() if _reads(request) else db.write()
    with ctx as session:
        yield session


# scope="function": the transaction ends (commits) before the response is sent, so a failed
# commit is reported to the client instead of being lost after a 200.
DbSession = Annotated[Session, Depends(get_session, scope="function")]


def page_actor(request: Request, session: DbSession, db: Db, settings: Settings) -> Actor:
    """The page user: the cookie's session must still exist server-side, within its idle and
    absolute timeouts, for the same user and the same password (else anonymous, and the
    cookie is cleared)."""
    actor = ANONYMOUS
    uid = request.session.get("uid")
    sid = request.session.get("sid")
    if isinstance(uid, int):
        policy = settings.session_policy
        try:
            if not isinstance(sid, str):  # a cookie from before server-side sessions
                raise TokenInvalid()
            check = auth_sessions.check_session(session, sid, uid, policy)
            if not check.valid:
                raise TokenInvalid()
            user = auth.load_active_user(session, uid)  # one read of the row, not two
            actor = Actor.from_user(user)
            if password_fingerprint(user.password_hash) != request.session.get("fp"):
                raise TokenInvalid()
            if check.touch:
                _touch(db, session, request, sid)
        except (TokenInvalid, UserInactive, NotFound):
            if isinstance(sid, str):  # ended, expired, password changed or account disabled
                with _writing(db, session, request) as ws:
                    auth_sessions.end_session(ws, sid)
            request.session.clear()
            actor = ANONYMOUS
    request.state.actor = actor
    if not actor.is_authenticated:
        # the office's setting (web/visibility.py); the menu hides what would need a login
        request.state.portal_only = public_access(session) is PublicAccess.PORTAL
        if not is_open(request.url.path):
            require_supervision_view(session, actor)
    return actor


@contextlib.contextmanager
def _writing(db: Database, session: Session, request: Request) -> Iterator[Session]:
    """Where the session bookkeeping writes: a write request's own transaction (a second one
    would wait for it on SQLite), else a short write transaction of its own (also on upload
    routes, whose request session only reads: a write there would be rolled back)."""
    if _reads(request):
        with db.write() as ws:
            yield ws
    else:
        yield session


def _touch(db: Database, session: Session, request: Request, sid: str) -> None:
    """Record the session's use (at most once a minute, see auth_sessions)."""
    with _writing(db, session, request) as ws:
        auth_sessions.touch_session(ws, sid)


CurrentActor = Annotated[Actor, Depends(page_actor)]

# Only for the OpenAPI schema (the "Authorize" button); the header is read by bearer_actor.
_bearer = HTTPBearer(auto_error=False, description="A token from POST /api/v1/auth/token")


async def bearer_actor(request: Request, db: Db) -> Actor:
    """The API caller from ``Authorization: Bearer <token>``; anonymous without the header.

    Installed on every API route (``create_app``), so no route can treat a bad header as
    anonymous: a header that is not ``Bearer`` + a token (``Basic ...``, ``Token abc``, a
    bare ``Bearer``, ``Bearer `` with nothing after it) and a bearer token that is forged,
    expired or revoked are all a 401 with ``WWW-Authenticate`` (see docs/security.md). The
    token is checked in a read transaction of its own, closed before the route opens its
    transaction (a route that writes through ``db.write()`` itself must not wait on it)."""
    raw = request.headers.get("authorization")
    actor = ANONYMOUS
    if raw is not None:
        actor = await run_in_threadpool(_verify_bearer, db, bearer_token(raw))
    request.state.actor = actor
    return actor


def _verify_bearer(db: Database, token: str) -> Actor:
    with db.read() as session:
        return auth.verify_token(session, token)


async def api_actor(
    actor: Annotated[Actor, Depends(bearer_actor)],
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    return actor


ApiActor = Annotated[Actor, Depends(api_actor)]
RequireCsrf = Annotated[None, Depends(require_csrf)]


async def get_locale(request: Request) -> str:
    locale: str = request.state.locale
    return locale


Locale = Annotated[str, Depends(get_locale)]


@dataclass
class ViewContext:
    """What a page handler works with: the request, its DB session, the actor, the locale
    and the day; ``render`` builds the page."""

    request: Request
    session: Session
    actor: Actor
    locale: str
    settings: WebSettings

    @property
    def today(self) -> date:
        return self.settings.current_day()

    @property
    def ws_locale(self) -> str:
        return ws_locale(self.locale)

    @property
    def is_htmx(self) -> bool:
        return self.request.headers.get("hx-request") == "true"

    def render(
        self,
        template: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        if self.actor.is_authenticated and not self.is_htmx:
            self.request.state.unread = queries.unread_count(self.session, self.actor)
        ctx = {"today": self.today, **(context or {})}
        return render_page(self.request, template, ctx, status_code=status_code, headers=headers)


async def view_context(
    request: Request, session: DbSession, actor: CurrentActor, settings: Settings
) -> ViewContext:
    return ViewContext(request, session, actor, request.state.locale, settings)


View = Annotated[ViewContext, Depends(view_context)]
