"""The warehouse is optional for the app: pages that need the indicator engine open it
read-only for the request and show the workspace's NoWarehouse message when it is missing."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from ipcity.web.config import WebSettings
from ipcity.workspace import actuals
from ipcity.workspace.errors import NoWarehouse


@contextlib.contextmanager
def open_warehouse(settings: WebSettings) -> Iterator[Any]:
    """The warehouse, read-only, closed at the end of the block; NoWarehouse when absent."""
    directory = str(settings.warehouse) if settings.warehouse else None
    wh = actuals.open_warehouse(directory)
    try:
        yield wh
    finally:
        wh.close()


def maybe_warehouse(settings: WebSettings) -> contextlib.AbstractContextManager[Any]:
    """Like :func:`open_warehouse`, but yields None instead of raising when it is missing."""

    @contextlib.contextmanager
    def inner() -> Iterator[Any]:
        try:
            cm = open_warehouse(settings)
            wh = cm.__enter__()
        except NoWarehouse:
            yield None
            return
        try:
            yield wh
        finally:
            cm.__exit__(None, None, None)

    return inner()
