"""Fixtures of the meetings and portal tests: the workspace's small joint conference
(``ws_fixtures.World``) on SQLite and, when IPCITY_TEST_PG is set, on PostgreSQL (a schema of
its own, dropped at the end)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dbtest import backend_database, use_cheap_hasher

# The workspace tests' helpers (World, build_world, wipe) are shared, not copied.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "workspace"))

from ws_fixtures import World, build_world, wipe

from ipcity.workspace.db import Database


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    use_cheap_hasher(monkeypatch)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    with backend_database(request.param, tmp_path_factory.mktemp("meetings"), "mtg") as db:
        yield db


@pytest.fixture
def db(database: Database) -> Database:
    wipe(database)
    return database


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)
