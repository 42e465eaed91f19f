"""Errors -> responses, in one place: JSON under /api/v1, an HTML page elsewhere.

The workspace's errors carry ``http_status`` and ``as_dict(locale)``; they are passed through
(403, 404, 409 with the current version, 422 with field or row errors, 401, 429 with
``Retry-After``, 503 without a warehouse). An anonymous visitor who reaches a page that needs a
login is sent to the login page instead of a 403.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request

from ipcity.errors import IpcityError
from ipcity.web.i18n import current_locale, gettext, ws_locale
from ipcity.web.security import www_authenticate
from ipcity.web.templating import render_page
from ipcity.web.web_error import WebError
from ipcity.workspace.errors import (
    LoginLocked,
    LoginRequired,
    PermissionDenied,
    WorkspaceError,
    labelled,
)
from ipcity.workspace.messages import render

log = logging.getLogger("ipcity.web")

API_PREFIX = "/api/"


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _headers(exc: Exception, *, api: bool = False) -> dict[str, str]:
    if isinstance(exc, LoginLocked):
        return {"Retry-After": str(exc.retry_after)}
    if api and isinstance(exc, WorkspaceError) and exc.http_status == 401:
        return {"WWW-Authenticate": www_authenticate(exc)}
    return {}


def error_page(request: Request, status: int, title: str, message: str, **extra: Any) -> Response:
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
        413: gettext("Too large"),
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


# Pydantic's error types -> the workspace's field-error keys (rendered in the user's language).
_NUMBER_TYPES = {
    "int_parsing",
    "int_type",
    "int_from_float",
    "float_parsing",
    "float_type",
    "decimal_parsing",
    "decimal_type",
}
_RANGE_TYPES = {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}


def _field_error(e: Mapping[str, Any], loc: str) -> dict[str, Any]:
    kind = str(e.get("type", ""))
    ctx = e.get("ctx") or {}
    value = e.get("input")
    key, params = "field.invalid_format", {"hint": str(e.get("msg", ""))}
    if kind == "missing" or (value is None and kind not in ("extra_forbidden",)):
        key, params = "field.required", {}
    elif kind in _NUMBER_TYPES:
        key, params = "field.not_a_number", {"value": _short(value)}
    elif kind in _RANGE_TYPES:
        bound = next(iter(ctx.values()), "")
        if kind.startswith("greater"):
            key, params = "field.too_small", {"min": bound}
        else:
            key, params = "field.too_large", {"max": bound}
    elif kind == "string_too_long":
        key, params = "field.too_long", {"max": ctx.get("max_length", "")}
    elif kind in ("enum", "literal_error"):
        key, params = "field.invalid_choice", {"choices": ctx.get("expected", "")}
    elif kind == "extra_forbidden":
        key, params = "field.unknown_field", {}
    elif kind.startswith(("date_", "datetime_")):
        key, params = "field.invalid_date", {"value": _short(value)}
    field = ".".join(str(p) for p in e.get("loc", ()) if _is_field(p))
    return {"field": field, "error": key, "params": params, "message": _render(key, params, loc)}


_UNION_TAGS = {"int", "float", "str", "bool", "date", "list", "dict", "none"}


def _is_field(part: object) -> bool:
    """A part of a pydantic error location that names a field (not where it came from, nor
    the member of a union that was tried: ``constrained-int``, ``function-after[...]``)."""
    if isinstance(part, int):
        return True
    text = str(part)
    return text not in ("body", "query", "path") and not (
        text in _UNION_TAGS or "-" in text or "[" in text
    )


def _one_per_field(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A value refused by every member of a union gives one error per member: keep one per
    field, a range error first (it says what would be accepted)."""
    chosen: dict[str, dict[str, Any]] = {}
    for err in errors:
        kept = chosen.get(err["field"])
        if kept is None or (
            err["error"] in ("field.too_small", "field.too_large")
            and kept["error"] not in ("field.too_small", "field.too_large")
        ):
            chosen[err["field"]] = err
    return list(chosen.values())


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _render(key: str, params: Mapping[str, Any], loc: str) -> str:
    if key == "field.too_small":
        return gettext("at least %(min)s") % params
    if key == "field.too_large":
        return gettext("at most %(max)s") % params
    return render(key, params, loc)


async def request_validation_error(request: Request, exc: Exception) -> Response:
    """Malformed input before it reached the workspace: the workspace's 422 shape, each field's
    message in the request's language. An impossible path (``/tasks/abc``, ``/tasks/0``, an id
    above 2^63) names no row: 404, as for an id that does not exist."""
    assert isinstance(exc, RequestValidationError)
    raw = list(exc.errors())
    if raw and all(tuple(e.get("loc", ()))[:1] == ("path",) for e in raw):
        return await http_error(request, StarletteHTTPException(404, "Not Found"))
    loc = ws_locale(current_locale())
    errors = _one_per_field([_field_error(e, loc) for e in raw])
    sep = "；" if loc == "zh" else "; "
    details = sep.join(labelled(str(e["field"]), str(e["message"]), loc) for e in errors)
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
    message = {
        404: gettext("There is no page at this address."),
        405: gettext("This address does not accept this kind of request."),
        413: gettext("The request is too large."),
    }.get(exc.status_code, str(exc.detail))
    if is_api(request):
        return JSONResponse(
            {"error": f"http.{exc.status_code}", "params": {}, "message": message},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )
    return error_page(request, exc.status_code, _title(exc.status_code), message)


async def stale_data_error(request: Request, exc: Exception) -> Response:
    """The ORM's own version check (a concurrent update slipped past the explicit check)."""
    message = gettext("Someone else changed this at the same moment. Reload and try again.")
    if is_api(request):
        return JSONResponse(
            {"error": "error.stale_version", "params": {}, "message": message}, status_code=409
        )
    return error_page(request, 409, _title(409), message)


async def out_of_range_error(request: Request, exc: Exception) -> Response:
    """A value the database cannot hold (an integer beyond 64 bits in a body field, a date
    past year 9999): a safety net behind the parameter checks, 422 instead of a 500."""
    log.warning("value out of range on %s %s: %s", request.method, request.url.path, exc)
    message = gettext("A value is outside the range this system accepts.")
    if is_api(request):
        return JSONResponse(
            {"error": "error.out_of_range", "params": {}, "message": message}, status_code=422
        )
    return error_page(request, 422, _title(422), message)


# Seconds a client is asked to wait after the database was busy (a 503).
BUSY_RETRY_AFTER = 5


async def database_busy(request: Request, exc: Exception) -> Response:
    """The database could not serve the request in time: SQLite still locked after its busy
    timeout, no connection free in the pool, the PostgreSQL server unreachable. Load, not a
    bug: 503 with ``Retry-After`` (JSON on the API, a page elsewhere), nothing written (the
    transaction was rolled back)."""
    log.warning("database busy on %s %s: %s", request.method, request.url.path, exc)
    message = gettext("The database is busy. Please try again in a few seconds.")
    headers = {"Retry-After": str(BUSY_RETRY_AFTER)}
    if is_api(request):
        return JSONResponse(
            {"error": "error.busy", "params": {}, "message": message},
            status_code=503,
            headers=headers,
        )
    page = error_page(request, 503, _title(503), message)
    page.headers.update(headers)
    return page


async def unexpected_error(request: Request, exc: Exception) -> Response:
    """A bug: logged with its traceback; the client gets the documented error shape (JSON on
    the API, a page in the user's language) and no internals."""
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    message = gettext("Something went wrong on the server. The error has been logged.")
    if is_api(request):
        return JSONResponse(
            {"error": "error.internal", "params": {}, "message": message}, status_code=500
        )
    return error_page(request, 500, _title(500), message)


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
    app.add_exception_handler(OverflowError, out_of_range_error)
    app.add_exception_handler(DataError, out_of_range_error)
    app.add_exception_handler(OperationalError, database_busy)
    app.add_exception_handler(PoolTimeout, database_busy)
    app.add_exception_handler(Exception, unexpected_error)
