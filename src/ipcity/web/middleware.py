"""ASGI middleware of the app: the signed session cookie, the request's language and the
security headers. Pure ASGI (no BaseHTTPMiddleware) so streaming responses pass untouched.

Session cookie: a JSON dict signed with the installation's secret (``itsdangerous``,
timestamped: older than ``max_age`` is ignored), ``HttpOnly``, ``SameSite=Lax``, ``Secure``
when the request came over HTTPS (uvicorn honours ``X-Forwarded-Proto`` from a trusted proxy)
or always when ``secure=True``. On plain-HTTP intranets ``Secure`` cannot be set or the browser
would drop the cookie; see docs/web.md for that trade-off.
"""

from __future__ import annotations

import base64
import json
from datetime import date
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from itsdangerous import BadSignature, TimestampSigner
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ipcity.clock import on_app_day
from ipcity.web.i18n import LANG_COOKIE, pick_locale, reset_locale, set_locale

SESSION_COOKIE = "ipcity_session"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def _cookies(scope: Scope) -> dict[str, str]:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header: behave as if there were none
                return {}
            return {k: m.value for k, m in jar.items()}
    return {}


def _is_https(scope: Scope) -> bool:
    return scope.get("scheme") == "https"


def _cookie_header(
    name: str, value: str, *, max_age: int, secure: bool, http_only: bool = True
) -> str:
    parts = [f"{name}={value}", "Path=/", f"Max-Age={max_age}", "SameSite=Lax"]
    if http_only:
        parts.append("HttpOnly")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


class SessionMiddleware:
    """``scope["session"]``: a dict kept in a signed cookie (written only when it changed)."""

    def __init__(
        self, app: ASGIApp, *, secret: str, max_age: int, secure: bool | None = None
    ) -> None:
        self.app = app
        self.signer = TimestampSigner(secret, salt="ipcity-session")
        self.max_age = max_age
        self.secure = secure

    def _load(self, raw: str | None) -> dict[str, Any]:
        if not raw:
            return {}
        try:
            data = self.signer.unsign(raw.encode(), max_age=self.max_age)
            value = json.loads(base64.urlsafe_b64decode(data))
        except (BadSignature, ValueError, TypeError):
            return {}
        return value if isinstance(value, dict) else {}

    def _dump(self, session: dict[str, Any]) -> str:
        data = base64.urlsafe_b64encode(json.dumps(session, separators=(",", ":")).encode())
        return self.signer.sign(data).decode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = _cookies(scope).get(SESSION_COOKIE)
        initial = self._load(raw)
        scope["session"] = dict(initial)
        secure = self.secure if self.secure is not None else _is_https(scope)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                session = scope["session"]
                headers = MutableHeaders(scope=message)
                if session != initial:
                    if session:
                        headers.append(
                            "set-cookie",
                            _cookie_header(
                                SESSION_COOKIE,
                                self._dump(session),
                                max_age=self.max_age,
                                secure=secure,
                            ),
                        )
                    elif raw:
                        headers.append(
                            "set-cookie",
                            _cookie_header(SESSION_COOKIE, "", max_age=0, secure=secure),
                        )
            await send(message)

        await self.app(scope, receive, send_wrapper)


class LocaleMiddleware:
    """Sets the request's locale (``?lang=`` > cookie > zh_CN) for templates and messages,
    and remembers a ``?lang=`` choice in a cookie (one year)."""

    def __init__(self, app: ASGIApp, *, secure: bool | None = None) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = _query_lang(scope)
        locale, remember = pick_locale(query, _cookies(scope).get(LANG_COOKIE))
        scope.setdefault("state", {})["locale"] = locale
        token = set_locale(locale)
        secure = self.secure if self.secure is not None else _is_https(scope)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start" and remember:
                MutableHeaders(scope=message).append(
                    "set-cookie",
                    _cookie_header(
                        LANG_COOKIE, locale, max_age=365 * 86400, secure=secure, http_only=True
                    ),
                )
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            reset_locale(token)


def _query_lang(scope: Scope) -> str | None:
    qs = scope.get("query_string", b"").decode("latin-1")
    values = parse_qs(qs).get("lang")
    return values[-1] if values else None


class SecurityHeadersMiddleware:
    """No framing, no sniffing, a strict Content-Security-Policy (every asset is local)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                h = MutableHeaders(scope=message)
                h.setdefault("x-content-type-options", "nosniff")
                h.setdefault("x-frame-options", "DENY")
                h.setdefault("referrer-policy", "same-origin")
                h.setdefault("content-security-policy", CSP)
            await send(message)

        await self.app(scope, receive, send_wrapper)


class AppDayMiddleware:
    """Records made during a request are dated on the app's day (``--today``/IPCITY_TODAY,
    a demo's or a training day), so they agree with the statuses computed for that day.
    Sessions and sign-in limits keep the real clock."""

    def __init__(self, app: ASGIApp, *, day: date | None) -> None:
        self.app = app
        self.day = day

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.day is None:
            await self.app(scope, receive, send)
            return
        with on_app_day(self.day):  # a contextvar: copied into the handler's worker thread
            await self.app(scope, receive, send)
