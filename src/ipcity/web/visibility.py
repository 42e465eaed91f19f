"""The gate in front of every page and API route: under the office's default setting
(``portal``, see :mod:`ipcity.workspace.visibility`) an anonymous visitor reaches only the
public portal, the login page and the public API; every other route answers a page request
with a redirect (``/`` to the portal, the rest to the login page) and an API call with 401.

Routes are closed unless listed here, so a new area is internal until someone opens it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import Request

from ipcity.web.deps import Db, bearer_actor
from ipcity.web.public_paths import is_open
from ipcity.workspace.permissions import ANONYMOUS, Actor
from ipcity.workspace.visibility import require_supervision_view


def page_gate(request: Request, db: Db) -> None:
    """A visitor without a session cookie; the route's own actor check (``page_actor``)
    covers a cookie that turns out to be ended or expired."""
    if not isinstance(request.session.get("uid"), int) and not is_open(request.url.path):
        with db.read() as session:  # its own read: open routes (login) write on their own
            require_supervision_view(session, ANONYMOUS)


def api_gate(request: Request, db: Db, actor: Annotated[Actor, Depends(bearer_actor)]) -> None:
    if not actor.is_authenticated and not is_open(request.url.path):
        with db.read() as session:  # its own read, closed before the route's transaction
            require_supervision_view(session, actor)


PageGate = Depends(page_gate)
ApiGate = Depends(api_gate)
