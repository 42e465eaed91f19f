"""Fixtures for the workspace tests: every test that uses ``db`` runs on SQLite and, when
IPCITY_TEST_PG is set, on PostgreSQL (in a schema of its own, dropped at the end)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ws_fixtures import World, build_world, wipe

from dbtest import backend_database, use_cheap_hasher
from ipcity.workspace.db import Database


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    use_cheap_hasher(monkeypatch)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    with backend_database(request.param, tmp_path_factory.mktemp("workspace"), "ws") as db:
        yield db


@pytest.fixture
def db(database: Database) -> Database:
    wipe(database)
    return database


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)
