"""Settings of the web app: which database, which warehouse, cookie policy, the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ipcity.clock import app_today
from ipcity.settings import Settings, current
from ipcity.workspace.auth_sessions import SessionPolicy

# Requests handled at once per worker process (the rest wait in line on the event loop,
# holding nothing: web/request_slots.py); the database pool is sized from it
# (workspace/db.py pool_limits: two connections a request, plus a few for background work).
# Few, because one process runs Python one thread at a time (the GIL): more threads do not
# add speed, and each of a request's database round trips then waits for the GIL behind
# the others (50 users on PostgreSQL: p95 about 140 ms with 10, under 100 ms with 4;
# docs/benchmarks.md). Enough that one long request (an upload, an export) leaves room.
WEB_THREADS = 4
# OWASP ASVS 3.3.2 (level 2): log in again after 30 minutes without a request, and at the
# latest after 12 hours (a working day).
SESSION_IDLE = 30 * 60  # seconds
SESSION_MAX_AGE = 12 * 3600  # seconds


@dataclass(frozen=True)
class WebSettings:
    """What :func:`ipcity.web.create_app` needs.

    - ``db_url``: the workspace database (None: ``--db``/``$IPCITY_DB``/SQLite in the warehouse).
    - ``warehouse``: the warehouse directory (None: ``$IPCITY_WAREHOUSE`` or ``./ipcity-data``).
      Optional: pages that need the engine say "no warehouse" when it is missing.
    - ``cookie_secure``: force the ``Secure`` cookie flag (None: ``$IPCITY_COOKIE_SECURE``;
      unset means "Secure exactly when the request came over HTTPS").
    - ``today``: the day supervision statuses are computed for (None: ``$IPCITY_TODAY``, else
      the real date). The demo fixes it to the day its data was seeded for.
    - ``session_idle`` / ``session_max_age``: a page session ends after this many seconds
      without a request / since login (``$IPCITY_SESSION_IDLE_MINUTES``,
      ``$IPCITY_SESSION_MAX_HOURS``).
    - ``threads``: requests handled at once per worker process (``$IPCITY_WEB_THREADS``).
    """

    db_url: str | None = None
    warehouse: Path | None = None
    cookie_secure: bool | None = None
    today: date | None = None
    session_max_age: int = SESSION_MAX_AGE
    session_idle: int = SESSION_IDLE
    threads: int = WEB_THREADS

    @classmethod
    def from_env(
        cls,
        *,
        db_url: str | None = None,
        warehouse: str | Path | None = None,
        today: date | None = None,
        settings: Settings | None = None,
    ) -> WebSettings:
        """The web part of ``settings`` (default: :func:`ipcity.settings.current`); the
        arguments (the ``serve`` command's options) win over the environment."""
        s = current() if settings is None else settings
        return cls(
            db_url=db_url,
            warehouse=Path(warehouse).expanduser() if warehouse else None,
            cookie_secure=s.cookie_secure,
            today=today or s.today,
            session_idle=(s.session_idle_minutes or SESSION_IDLE // 60) * 60,
            session_max_age=(s.session_max_hours or SESSION_MAX_AGE // 3600) * 3600,
            threads=s.web_threads or WEB_THREADS,
        )

    def current_day(self) -> date:
        return app_today(self.today)

    @property
    def session_policy(self) -> SessionPolicy:
        return SessionPolicy(
            idle=timedelta(seconds=min(self.session_idle, self.session_max_age)),
            absolute=timedelta(seconds=self.session_max_age),
        )
