"""Errors -> responses, in one place: JSON under /api/v1, an HTML page elsewhere.

The workspace's errors carry ``http_status`` and ``as_dict(locale)``; they are passed through
(403, 404, 409 with the current version, 422 with field or row errors, 401, 429 with
``Retry-After``, 503 without a warehouse). An anonymous visitor who reaches a page that needs a
login is sent to the login page instead of a 403.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request

from ipcity.errors import IpcityError
from ipcity.web.i18n import current_locale, gettext, ws_locale
from ipcity.workspace.errors import LoginLocked, LoginRequired, PermissionDenied, WorkspaceError

log = logging.getLogger("ipcity.web")

API_PREFIX = "/api/"


class WebError(Exception):
    """An error of the web layer itself (CSRF, bad upload, no warehouse path ...).

    ``message`` is an English msgid translated through the catalogs, ``%(name)s`` params."""

    def __init__(self, status: int, code: str, message: str, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.status = status
        self.code = code
        self.message_id = message
        self.params = params

    def message(self) -> str:
        text = gettext(self.message_id)
        return text % self.params if self.params else text

    def as_dict(self) -> dict[str, Any]:
        return {"error": f"web.{self.code}", "params": self.params, "message": self.message()}


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _headers(exc: Exception, *, api: bool = False) -> dict[str, str]:
    if isinstance(exc, LoginLocked):
        return {"Retry-After": str(exc.retry_after)}
    if api and isinstance(exc, WorkspaceError) and exc.http_status == 401:
        from ipcity.web.security import www_authenticate

        return {"WWW-Authenticate": www_authenticate(exc)}
    return {}


def error_page(request: Request, status: int, title: str, message: str, **extra: Any) -> Response:
    from ipcity.web.templating import render_page

    return render_page(
        request, "error.html", {"title": title, "message": message, **extra}, status_code=status
    )


def _title(status: int) -> str:
    titles = {
        401: gettext("Please log in"),
        403: gettext("Not allowed"),
        404: gettext("Not found"),
        405: gettext("Not allowed"),
        409: gettext("Changed by someone else"),
        422: gettext("Please check your input"),
        429: gettext("Too many attempts"),
        503: gettext("Not available"),
    }
    return titles.get(status, gettext("Something went wrong"))


def _wants_login(request: Request, exc: Exception) -> bool:
    actor = getattr(request.state, "actor", None)
    anonymous = actor is None or not actor.is_authenticated
    return (
        anonymous
        and request.method == "GET"
        and isinstance(exc, PermissionDenied)
        and not request.headers.get("hx-request")
    )


async def workspace_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WorkspaceError)
    loc = ws_locale(current_locale())
    if is_api(request):
        return JSONResponse(
            exc.as_dict(loc), status_code=exc.http_status, headers=_headers(exc, api=True)
        )
    if isinstance(exc, LoginRequired) and request.method == "GET":
        # supervision data is internal (the office's setting): the home page leads to the
        # portal, any other page to the login page and back
        target = "/portal" if request.url.path == "/" else f"/login?next={quote(request.url.path)}"
        return RedirectResponse(target, status_code=303)
    if _wants_login(request, exc):
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    return error_page(
        request,
        exc.http_status,
        _title(exc.http_status),
        exc.message(loc),
        error=exc,
        headers=_headers(exc),
    )


async def web_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebError)
    if is_api(request):
        return JSONResponse(exc.as_dict(), status_code=exc.status)
    return error_page(request, exc.status, _title(exc.status), exc.message())


async def request_validation_error(request: Request, exc: Exception) -> Response:
    """Malformed input before it reached the workspace: the workspace's 422 shape."""
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "field": ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query")),
            "error": "field.invalid_format",
            "params": {},
            "message": str(e.get("msg", "")),
        }
        for e in exc.errors()
    ]
    details = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    message = gettext("Invalid input: %(details)s") % {"details": details}
    body = {
        "error": "error.validation",
        "params": {"details": details},
        "message": message,
        "errors": errors,
    }
    if is_api(request):
        return JSONResponse(body, status_code=422)
    return error_page(request, 422, _title(422), message)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if is_api(request):
        return JSONResponse(
            {"error": f"http.{exc.status_code}", "params": {}, "message": str(exc.detail)},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )
    message = {
        404: gettext("There is no page at this address."),
        405: gettext("This address does not accept this kind of request."),
    }.get(exc.status_code, str(exc.detail))
    return error_page(request, exc.status_code, _title(exc.status_code), message)


async def stale_data_error(request: Request, exc: Exception) -> Response:
    """The ORM's own version check (a concurrent update slipped past the explicit check)."""
    message = gettext("Someone else changed this at the same moment. Reload and try again.")
    if is_api(request):
        return JSONResponse(
            {"error": "error.stale_version", "params": {}, "message": message}, status_code=409
        )
    return error_page(request, 409, _title(409), message)


async def ipcity_error(request: Request, exc: Exception) -> Response:
    """A one-line user error from another area (e.g. evaluation: no plan 'X')."""
    if is_api(request):
        return JSONResponse(
            {"error": "error.input", "params": {}, "message": str(exc)}, status_code=400
        )
    return error_page(request, 400, gettext("Please check your input"), str(exc))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(WorkspaceError, workspace_error)
    app.add_exception_handler(WebError, web_error)
    app.add_exception_handler(RequestValidationError, request_validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(StaleDataError, stale_data_error)
    app.add_exception_handler(IpcityError, ipcity_error)
