"""Fixtures of the protection tests: every test that uses ``db`` runs on SQLite and, when
IPCITY_TEST_PG is set, on PostgreSQL (a schema of its own, dropped at the end). The schema is
built by the migrations (``open_db`` upgrades to head), never by ``create_all``."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "workspace"))

from prot_fixtures import ProtWorld, build_prot_world
from ws_fixtures import wipe

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
        path: Path = tmp_path_factory.mktemp("protection") / "workspace.sqlite"
        db = open_db(f"sqlite:///{path}")
        yield db
        db.dispose()
        return
    url = os.environ.get(PG_ENV) or None
    if url is None:
        pytest.skip(f"{PG_ENV} not set: PostgreSQL tests skipped")
    schema = f"prot_test_{uuid.uuid4().hex[:12]}"
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
def pw(db: Database) -> ProtWorld:
    return build_prot_world(db)
