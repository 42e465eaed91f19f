"""The app factory and the server: ``create_app(settings)`` and ``serve(host, port, ...)``.

Routers are found, not listed: every module in ``ipcity.web.pages`` that defines ``router``
is included as pages, every module in ``ipcity.web.api`` under ``/api/v1``. A page module may
also define ``NAV`` (menu entries) and ``STATIC`` (``{"name": directory}`` served under
``/static/name/``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import logging
import os
import pkgutil
import sys
import threading
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio.to_thread
import uvicorn
from fastapi import APIRouter, Depends, FastAPI
from starlette.middleware.gzip import GZipMiddleware
from uvicorn.supervisors import Multiprocess

from ipcity.settings import current, workspace_db_url
from ipcity.web import server_heap
from ipcity.web.assets import StaticFromMemory, install_static, vendor_files
from ipcity.web.config import WebSettings
from ipcity.web.deps import bearer_actor
from ipcity.web.errors import install_error_handlers
from ipcity.web.middleware import (
    AppDayMiddleware,
    LocaleMiddleware,
    SecurityHeadersMiddleware,
    SessionMiddleware,
)
from ipcity.web.nav import NavItem
from ipcity.web.request_slots import RequestSlots
from ipcity.web.routing import API_PREFIX
from ipcity.web.visibility import ApiGate, PageGate
from ipcity.workspace import auth, queries
from ipcity.workspace.db import Database, open_db
from ipcity.workspace.permissions import is_active_office_admin, system_actor

PAGE_PACKAGE = "ipcity.web.pages"
API_PACKAGE = "ipcity.web.api"


def discover(package: str) -> list[ModuleType]:
    """Every module of ``package`` (sorted by name) that defines ``router``."""
    pkg = importlib.import_module(package)
    found = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{package}.{info.name}")
        if isinstance(getattr(module, "router", None), APIRouter):
            found.append(module)
    return found


class _SetupCheck:
    """Is there no active office admin yet? (Then the pages say how to create one.) Once one
    exists the answer is remembered: admins are not deleted, and the last one cannot be
    disabled."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.has_admin = False

    def __call__(self) -> bool:
        if self.has_admin:
            return False
        with self.db.read() as session:
            users = queries.list_users(session, system_actor("web"))
        self.has_admin = any(is_active_office_admin(u) for u in users)
        return not self.has_admin


def create_app(settings: WebSettings | None = None, *, db: Database | None = None) -> FastAPI:
    """The FastAPI app. ``db``: an open database to use (tests); otherwise ``settings.db_url``
    (else ``$IPCITY_DB``, else the SQLite file in the warehouse directory) is opened and its
    schema upgraded."""
    from importlib.metadata import PackageNotFoundError, version

    settings = settings or WebSettings.from_env()
    owns_db = db is None
    if db is None:
        db = open_db(
            settings.db_url or workspace_db_url(None, settings.warehouse),
            threads=settings.threads,  # a connection for every request let in at once
        )
    secret = auth.ensure_secret_key(db)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Sync routes run in anyio's worker threads: bound them (IPCITY_WEB_THREADS).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        yield
        worker = getattr(app.state, "report_worker", None)
        if worker is not None:  # let a report being made finish, then stop
            app.state.report_worker = None  # a restarted app starts a fresh one
            worker.shutdown()
        if owns_db:
            db.dispose()
        if getattr(app.state, "exit_after_shutdown", False):
            exit_soon()

    try:
        app_version = version("ipcity")
    except PackageNotFoundError:  # running from a source tree without installing
        app_version = "0"
    app = FastAPI(
        title="ipcity",
        version=app_version,
        description="IP Joint Conference workspace API. Authenticate with POST "
        "/api/v1/auth/token, then send `Authorization: Bearer <token>`.",
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN: not on an intranet
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.db = db
    app.state.settings = settings
    app.state.setup_needed = _SetupCheck(db)

    nav: list[NavItem] = []
    static_dirs: dict[str, Path] = {}
    for module in discover(PAGE_PACKAGE):
        # Anonymous visitors reach only what the office's setting opens (web/visibility.py).
        app.include_router(module.router, dependencies=[PageGate])
        nav.extend(getattr(module, "NAV", ()))
        static_dirs.update(getattr(module, "STATIC", {}))
    for module in discover(API_PACKAGE):
        # Every API route checks the Authorization header, used or not (issue 10, problem 7).
        app.include_router(
            module.router, prefix=API_PREFIX, dependencies=[Depends(bearer_actor), ApiGate]
        )
    app.state.nav = tuple(nav)
    install_static(app, static_dirs)
    install_error_handlers(app)

    # Added innermost first: at most `threads` requests reach the routes (and the database)
    # at once; the session is read before the locale, both inside gzip; static files are
    # answered before any of them.
    app.add_middleware(RequestSlots, slots=settings.threads)
    app.add_middleware(
        SessionMiddleware,
        secret=secret,
        max_age=settings.session_max_age,
        secure=settings.cookie_secure,
    )
    app.add_middleware(LocaleMiddleware, secure=settings.cookie_secure)
    app.add_middleware(GZipMiddleware, minimum_size=2000)
    # a plain GET of a static file: answered from memory, before all of the above
    app.add_middleware(StaticFromMemory, area_dirs=static_dirs, vendor=vendor_files())
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(AppDayMiddleware, day=settings.today)
    return app


# ``ipcity serve`` stops within 10 s of SIGTERM (issue 10): uvicorn waits this long for the
# requests in flight, then cancels them and shuts the app down; a worker thread still busy
# after that (a sync handler cannot be interrupted) gets EXIT_GRACE more seconds, then the
# process exits anyway. An unfinished write transaction is rolled back by the database, as
# after kill -9 (the workspace never half-writes).
SHUTDOWN_GRACE = 5  # seconds
EXIT_GRACE = 3.0  # seconds


def exit_soon(grace: float = EXIT_GRACE) -> None:
    """Exit the process ``grace`` seconds from now unless it has ended by then (a daemon
    timer: a clean exit does not wait for it)."""

    def hard_exit() -> None:
        busy = [t.name for t in threading.enumerate() if t.is_alive() and not t.daemon]
        logging.getLogger("ipcity.web").warning(
            "ipcity: stopping with %d request thread(s) still busy", max(0, len(busy) - 1)
        )
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    timer = threading.Timer(grace, hard_exit)
    timer.daemon = True
    timer.start()


def app_from_env() -> FastAPI:
    """The app configured from :func:`ipcity.settings.current` ($IPCITY_DB, $IPCITY_WAREHOUSE,
    $IPCITY_TODAY, $IPCITY_COOKIE_SECURE, the session and thread settings), exiting soon after
    its shutdown (see :data:`SHUTDOWN_GRACE`). For running under another ASGI server."""
    configured = current()
    return worker_app(
        WebSettings.from_env(
            db_url=configured.db, warehouse=configured.warehouse, settings=configured
        )
    )


def worker_app(settings: WebSettings) -> FastAPI:
    """The app of one server process, built from the settings its parent resolved."""
    app = create_app(settings)
    app.state.exit_after_shutdown = True
    server_heap.settle()
    return app


class WorkerConfig(uvicorn.Config):
    """uvicorn's configuration carrying the resolved :class:`WebSettings`: uvicorn pickles it
    into each worker process, which builds its app from them (nothing goes through
    environment variables)."""

    def __init__(self, web_settings: WebSettings, **options: Any) -> None:
        super().__init__("ipcity.web.app:worker_app", **options)
        self.web_settings = web_settings

    def load_app(self) -> Any:
        return worker_app(self.web_settings)


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    db_url: str | None = None,
    warehouse: str | Path | None = None,
    *,
    today: date | None = None,
    workers: int = 1,
    log_level: str = "info",
    **uvicorn_options: Any,
) -> None:
    """Serve the app with uvicorn until interrupted (blocking). The database is opened (and
    its schema upgraded) first, so a bad URL fails before the server starts.

    ``workers`` > 1 runs that many processes (one per core is the usual choice): everything
    they share lives in the database (sessions are signed with its secret, login attempts and
    versions are rows), so any worker may answer any request."""
    settings = WebSettings.from_env(db_url=db_url, warehouse=warehouse, today=today)
    app = create_app(settings)
    app.state.exit_after_shutdown = True
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": log_level,
        "proxy_headers": True,
        "server_header": False,
        "timeout_graceful_shutdown": SHUTDOWN_GRACE,
        **uvicorn_options,
    }
    if workers <= 1:
        server_heap.settle()
        uvicorn.run(app, **options)
        return
    # Each worker process builds its own app from the same settings (the database URL resolved
    # here, so --db/--warehouse/--today reach every worker); see WorkerConfig.
    db: Database = app.state.db
    worker_settings = dataclasses.replace(settings, db_url=db.url)
    db.dispose()
    config = WorkerConfig(worker_settings, workers=workers, **options)
    Multiprocess(config, sockets=[config.bind_socket()]).run()


def route_table(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the app answers, HEAD left out; the permission-matrix test checks
    that each one has rows."""
    from fastapi.routing import iter_route_contexts

    out = set()
    for rc in iter_route_contexts(app.routes):
        path = getattr(rc, "path", None)
        methods = getattr(rc, "methods", None) or set()
        if not path:
            continue
        for m in methods:
            if m != "HEAD":
                out.add((m, path))
    return sorted(out, key=lambda mp: (mp[1], mp[0]))
