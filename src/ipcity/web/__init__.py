"""The web app of the joint-conference workspace: server-rendered pages (Jinja2 + htmx) and a
JSON API under /api/v1. See docs/web.md."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ipcity.web.config import WebSettings

__all__ = ["create_app", "serve"]

# The app is imported when one is made: ``import ipcity.web`` (the CLI, the demo) stays light,
# without FastAPI and every area's pages.


def create_app(settings: WebSettings | None = None, **kwargs: Any) -> FastAPI:
    from ipcity.web.app import create_app as _create_app

    return _create_app(settings, **kwargs)


def serve(*args: Any, **kwargs: Any) -> None:
    from ipcity.web.app import serve as _serve

    _serve(*args, **kwargs)
