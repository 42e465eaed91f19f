"""At most ``threads`` requests inside the app at once (``IPCITY_WEB_THREADS``); the rest wait
in line on the event loop, holding nothing.

Why not rely on anyio's thread limiter alone: FastAPI runs each sync dependency and the route
in separate trips to the thread pool, and the request's database session (``DbSession``) is
opened by the first dependency and closed after the route. Between two trips a request holds
its connection without holding a thread, so with 50 users 50 requests held connections while
waiting for one of 10 threads, and the pool (15) ran dry: 30 s waits, then errors. Admitting
``threads`` requests bounds the connections in use to what
:func:`ipcity.workspace.db.pool_limits` provides.

Static files touch no database and pass straight through.
"""

from __future__ import annotations

import asyncio
import weakref

from starlette.types import ASGIApp, Receive, Scope, Send

STATIC_PREFIX = "/static/"


class RequestSlots:
    """Pure ASGI middleware: a semaphore of ``slots`` around every HTTP request but static
    files. One semaphore per event loop (the test client starts a loop per client)."""

    def __init__(self, app: ASGIApp, slots: int) -> None:
        self.app = app
        self.slots = slots
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self._by_loop = weakref.WeakKeyDictionary()

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        semaphore = self._by_loop.get(loop)
        if semaphore is None:
            semaphore = self._by_loop[loop] = asyncio.Semaphore(self.slots)
        return semaphore

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(STATIC_PREFIX):
            await self.app(scope, receive, send)
            return
        async with self._semaphore():
            await self.app(scope, receive, send)
