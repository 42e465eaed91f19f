"""Settings of the web app: which database, which warehouse, cookie policy, the day."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ipcity.errors import InputError
from ipcity.workspace.auth_sessions import SessionPolicy

COOKIE_SECURE_ENV = "IPCITY_COOKIE_SECURE"
TODAY_ENV = "IPCITY_TODAY"
THREADS_ENV = "IPCITY_WEB_THREADS"
# Requests handled at once per worker process (the rest wait in line; the event loop stays
# free): under the database pool's 15 connections (SQLAlchemy's 5 + 10 overflow), since a
# request may briefly hold two (its transaction and the session bookkeeping).
WEB_THREADS = 10
SESSION_IDLE_ENV = "IPCITY_SESSION_IDLE_MINUTES"
SESSION_MAX_ENV = "IPCITY_SESSION_MAX_HOURS"
# OWASP ASVS 3.3.2 (level 2): log in again after 30 minutes without a request, and at the
# latest after 12 hours (a working day).
SESSION_IDLE = 30 * 60  # seconds
SESSION_MAX_AGE = 12 * 3600  # seconds


def _env_flag(name: str) -> bool | None:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return None
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise InputError(f"{name} must be 1 or 0, not {raw!r}")


def _env_seconds(name: str, unit: int, default: int, *, most: int) -> int:
    """A whole number from 1 to ``most`` from the environment, times ``unit`` (seconds per
    minute or hour; 1 for a plain count)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        raise InputError(f"{name} must be a whole number from 1 to {most}, not {raw!r}")
    return int(raw) * unit


def _env_today() -> date | None:
    raw = os.environ.get(TODAY_ENV, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InputError(f"{TODAY_ENV} must be a date like 2023-09-15, not {raw!r}") from None


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
    ) -> WebSettings:
        return cls(
            db_url=db_url,
            warehouse=Path(warehouse).expanduser() if warehouse else None,
            cookie_secure=_env_flag(COOKIE_SECURE_ENV),
            today=today or _env_today(),
            session_idle=_env_seconds(SESSION_IDLE_ENV, 60, SESSION_IDLE, most=24 * 60),
            session_max_age=_env_seconds(SESSION_MAX_ENV, 3600, SESSION_MAX_AGE, most=24 * 30),
            threads=_env_seconds(THREADS_ENV, 1, WEB_THREADS, most=64),
        )

    def current_day(self) -> date:
        return self.today or date.today()

    @property
    def session_policy(self) -> SessionPolicy:
        return SessionPolicy(
            idle=timedelta(seconds=min(self.session_idle, self.session_max_age)),
            absolute=timedelta(seconds=self.session_max_age),
        )
