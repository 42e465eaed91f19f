"""Fixtures for the workspace tests: every test that uses ``db`` runs on SQLite and, when
IPCITY_TEST_PG is set, on PostgreSQL (in a schema of its own, dropped at the end)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from ws_fixtures import World, build_world, wipe

from ipcity.workspace import auth
from ipcity.workspace.db import Database, open_db

PG_ENV = "IPCITY_TEST_PG"


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    # argon2's defaults cost ~50 ms and 64 MiB per hash; tests hash dozens of passwords.
    monkeypatch.setattr(
        auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)
    )


def _pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("workspace") / "workspace.sqlite"
        db = open_db(f"sqlite:///{path}")
        yield db
        db.dispose()
        return
    url = _pg_url()
    if url is None:
        pytest.skip(f"{PG_ENV} not set: PostgreSQL tests skipped")
    schema = f"ws_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        db = open_db(url, schema=schema)
        db.schema = schema  # type: ignore[attr-defined]
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
