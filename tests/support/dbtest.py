"""The workspace database on each backend, shared by the workspace, web, meetings and
protection conftests (``tests/`` is on sys.path through the top conftest)."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text

from ipcity.workspace import auth
from ipcity.workspace.db import Database, open_db

PG_ENV = "IPCITY_TEST_PG"
# argon2's default cost is ~0.5 s per hash here; the tests hash and log in hundreds of times.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)


def use_cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "_hasher", CHEAP_HASHER)
    monkeypatch.setattr(auth, "_DUMMY_HASH", CHEAP_HASHER.hash("dummy"))


@contextlib.contextmanager
def backend_database(backend: str, directory: Path, tag: str) -> Iterator[Database]:
    """A migrated workspace database on ``backend``: a SQLite file in ``directory``, or a
    PostgreSQL schema of its own (``<tag>_test_...``, dropped at the end; the test is skipped
    when IPCITY_TEST_PG is unset)."""
    if backend == "sqlite":
        db = open_db(f"sqlite:///{directory / 'workspace.sqlite'}")
        try:
            yield db
        finally:
            db.dispose()
        return
    url = os.environ.get(PG_ENV) or None
    if url is None:
        pytest.skip(f"{PG_ENV} not set: PostgreSQL tests skipped")
    schema = f"{tag}_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        db = open_db(url, schema=schema)
        db.schema = schema  # type: ignore[attr-defined]
        try:
            yield db
        finally:
            db.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
