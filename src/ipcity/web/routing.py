"""Router factories, so every page route gets the CSRF check and stays out of the OpenAPI
schema, and every API route sits under /api/v1.

An area adds pages by creating ``ipcity/web/pages/<area>.py`` with ``router = page_router()``
(and optionally ``NAV``), and an API by ``ipcity/web/api/<area>.py`` with
``router = api_router(tags=[...])``; :func:`ipcity.web.app.create_app` finds them.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from ipcity.web.security import require_csrf

API_PREFIX = "/api/v1"
# Request bodies larger than this are refused with 413 before they are read: pages take
# evidence files (20 MiB each, see the workspace) and sheets; the API takes JSON.
PAGE_MAX_BODY = 25 * 1024 * 1024
API_MAX_BODY = 2 * 1024 * 1024


def page_router(**kwargs: Any) -> APIRouter:
    deps = [Depends(require_csrf), *kwargs.pop("dependencies", [])]
    kwargs.setdefault("max_body_size", PAGE_MAX_BODY)
    return APIRouter(dependencies=deps, include_in_schema=False, **kwargs)


def api_router(**kwargs: Any) -> APIRouter:
    kwargs.setdefault("max_body_size", API_MAX_BODY)
    return APIRouter(**kwargs)
