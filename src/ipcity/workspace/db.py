"""Opening the workspace database: SQLite by default, PostgreSQL supported.

``open_db(url)`` creates the engine, upgrades the schema to the newest Alembic revision (unless
``upgrade=False``) and returns a :class:`Database`. Use ``db.write()`` for a unit of work that
changes data (one transaction: commit on success, roll back on any exception) and ``db.read()``
for reads.

Concurrency: on SQLite a write transaction starts with ``BEGIN IMMEDIATE``, so two writers
queue up instead of failing with "database is locked" half-way; on PostgreSQL actions load the
row they change with ``SELECT ... FOR UPDATE``. Either way the second writer sees the first
one's version and gets StaleVersion — no update is lost.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

import ipcity.workspace.all_models  # noqa: F401  (every table on Base.metadata)
from ipcity.errors import IpcityError
from ipcity.settings import workspace_db_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_WRITE_OPTION = "ipcity_write"
# Any constant: serialises concurrent schema upgrades on one PostgreSQL database.
_PG_MIGRATION_LOCK = 7_310_000_001


@dataclass
class Database:
    """An open workspace database."""

    url: str
    engine: Engine
    _read: sessionmaker[Session]
    _write: sessionmaker[Session]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A session in one write transaction: committed when the block ends, rolled back
        when it raises."""
        with self._write() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading. Whatever it might change is rolled back when the block ends
        (closing the session rolls its transaction back); objects loaded in it stay readable
        afterwards (detached, not expired)."""
        with self._read() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    """The newest migration revision shipped with this version of ipcity."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (idempotent; safe when several processes start)."""
    cfg = _alembic_config()
    with engine.execution_options(**{_WRITE_OPTION: True}).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


# Connections a request may hold at once: its own transaction, plus the short write that
# records a page session's use (web/deps.py ``_touch``) or ends it.
CONNECTIONS_PER_REQUEST = 2
# Beyond the requests: the report worker's thread, the setup check, a CLI-style helper.
BACKGROUND_CONNECTIONS = 4


def pool_limits(threads: int) -> tuple[int, int]:
    """``(pool_size, max_overflow)`` for ``threads`` requests at once: ``threads`` kept open,
    up to ``CONNECTIONS_PER_REQUEST * threads + BACKGROUND_CONNECTIONS`` in all, so a
    request never waits for a connection (the web app admits at most ``threads`` requests at
    once, see web/middleware.py ``RequestSlots``)."""
    most = CONNECTIONS_PER_REQUEST * threads + BACKGROUND_CONNECTIONS
    return threads, most - threads


# Seconds a SQLite statement waits for another writer before "database is locked" (the web
# answers that with a 503 and Retry-After). Writers hold the lock briefly: no password
# hashing or sheet reading inside a write transaction.
SQLITE_BUSY_SECONDS = 30.0


def _sqlite_setup(engine: Engine, busy_seconds: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below decide how a transaction starts.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(_WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def open_db(
    url: str | None = None,
    *,
    upgrade_schema: bool = True,
    schema: str | None = None,
    echo: bool = False,
    threads: int | None = None,
    busy_seconds: float = SQLITE_BUSY_SECONDS,
) -> Database:
    """Open the workspace DB at ``url`` (default: ``settings.workspace_db_url()``).

    ``schema`` (PostgreSQL only) puts every table in that schema via ``search_path``.
    With ``upgrade_schema`` (the default) the schema is migrated to head first.
    ``threads``: how many requests use the database at once (the web server's
    ``IPCITY_WEB_THREADS``); the connection pool is sized so none of them waits for a
    connection (:func:`pool_limits`). None: SQLAlchemy's default pool (5 + 10 overflow).
    ``busy_seconds`` (SQLite only): how long a statement waits for another writer.
    """
    url = url or workspace_db_url()
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise IpcityError(f"not a database URL: {url!r} ({exc})") from exc
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        db_path = parsed.database
        if db_path and db_path != ":memory:":
            Path(db_path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": busy_seconds, "check_same_thread": False}
    elif backend == "postgresql":
        if schema:
            kwargs["connect_args"] = {"options": f"-csearch_path={schema}"}
    else:
        raise IpcityError(f"unsupported workspace database {backend!r} (use sqlite or postgresql)")
    if threads is not None:
        kwargs["pool_size"], kwargs["max_overflow"] = pool_limits(threads)
    engine = create_engine(parsed, **kwargs)
    if backend == "sqlite":
        _sqlite_setup(engine, busy_seconds)
    if upgrade_schema:
        try:
            upgrade(engine)
        except Exception as exc:
            engine.dispose()
            if isinstance(exc, IpcityError):
                raise
            raise IpcityError(f"cannot open workspace database {parsed!r}: {exc}") from exc
    write_engine = engine.execution_options(**{_WRITE_OPTION: True})
    return Database(
        url=url,
        engine=engine,
        _read=sessionmaker(engine, expire_on_commit=False),
        _write=sessionmaker(write_engine, expire_on_commit=False),
    )
