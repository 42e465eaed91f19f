"""Fixtures of the meetings and portal tests: the workspace's small joint conference
(``ws_fixtures.World``) on SQLite and, when IPCITY_TEST_PG is set, on PostgreSQL (a schema of
its own, dropped at the end)."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text

# The workspace tests' helpers (World, build_world, wipe) are shared, not copied.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "workspace"))

from ws_fixtures import World, build_world, wipe

from ipcity.workspace import auth
from ipcity.workspace.db import Database, open_db

PG_ENV = "IPCITY_TEST_PG"


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)
    )


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("meetings") / "workspace.sqlite"
        db = open_db(f"sqlite:///{path}")
        yield db
        db.dispose()
        return
    url = os.environ.get(PG_ENV) or None
    if url is None:
        pytest.skip(f"{PG_ENV} not set: PostgreSQL tests skipped")
    schema = f"mtg_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        db = open_db(url, schema=schema)
        yield db
        db.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db(database: Database) -> Database:
    wipe(database)
    return database


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)
