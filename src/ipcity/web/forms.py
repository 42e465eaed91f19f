"""Form handling on the pages: run an action in a SAVEPOINT so a refused action (validation,
stale version, permission) leaves the request's transaction clean and the page can be shown
again with the error and the user's input."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.requests import Request

from ipcity.web.templating import add_flash
from ipcity.workspace.db import Database
from ipcity.workspace.errors import WorkspaceError

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    value: T | None = None
    error: WorkspaceError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def attempt(session: Session, action: Callable[[], T]) -> Outcome[T]:
    """Run ``action`` in a savepoint; a WorkspaceError rolls the savepoint back and is
    returned (anything else propagates and fails the request)."""
    try:
        with session.begin_nested():
            return Outcome(value=action())
    except WorkspaceError as exc:
        return Outcome(error=exc)


def attempt_write(db: Database, action: Callable[[Session], T]) -> Outcome[T]:
    """Run ``action`` in a write transaction of its own (for routes whose request session
    only reads, see ``deps.reads_before_writing``): committed unless it is refused."""
    with db.write() as session:
        return attempt(session, lambda: action(session))


def run_then_redirect(
    session: Session,
    request: Request,
    action: Callable[[], object],
    *,
    done: str,
    to: str,
    refused: Callable[[WorkspaceError], Response],
) -> Response:
    """A page form's write: refused, ``refused(error)`` shows the page again with the error and
    the user's input; done, the flash message ``done`` and a 303 to ``to``."""
    outcome = attempt(session, action)
    if outcome.error is not None:
        return refused(outcome.error)
    add_flash(request, done)
    return RedirectResponse(to, status_code=303)


def page_again(
    page: Callable[..., Response], *args: Any, **shown: Any
) -> Callable[[WorkspaceError], Response]:
    """The ``refused`` of :func:`run_then_redirect` for most pages: ``page(*args, **shown)``
    again, with the error and its HTTP status (``shown``: the user's input, which form)."""
    return lambda error: page(*args, error=error, status_code=error.http_status, **shown)


def form_text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
