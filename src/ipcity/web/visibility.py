"""The gate in front of every page and API route: under the office's default setting
(``portal``, see :mod:`ipcity.workspace.visibility`) an anonymous visitor reaches only the
public portal, the login page and the public API; every other route answers a page request
with a redirect (``/`` to the portal, the rest to the login page) and an API call with 401.

Routes are closed unless listed here, so a new area is internal until someone opens it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from ipcity.web.deps import Db, bearer_actor
from ipcity.web.public_paths import is_open
from ipcity.workspace.db import Database
from ipcity.workspace.permissions import ANONYMOUS, Actor
from ipcity.workspace.visibility import require_supervision_view


async def page_gate(request: Request, db: Db) -> None:
    """A visitor without a session cookie; the route's own actor check (``page_actor``)
    covers a cookie that turns out to be ended or expired. Async: a logged-in request (the
    usual one) passes without a trip to the thread pool; the database is read in one."""
    if not isinstance(request.session.get("uid"), int) and not is_open(request.url.path):
        await run_in_threadpool(_anonymous_gate, db)


def _anonymous_gate(db: Database) -> None:
    with db.read() as session:  # its own read: open routes (login) write on their own
        require_supervision_view(session, ANONYMOUS)


async def api_gate(
    request: Request, db: Db, actor: Annotated[Actor, Depends(bearer_actor)]
) -> None:
    if not actor.is_authenticated and not is_open(request.url.path):
        # its own read, closed before the route's transaction
        await run_in_threadpool(_anonymous_gate, db)


PageGate = Depends(page_gate)
ApiGate = Depends(api_gate)
