"""Fixtures of the protection tests: every test that uses ``db`` runs on SQLite and, when
IPCITY_TEST_PG is set, on PostgreSQL (a schema of its own, dropped at the end). The schema is
built by the migrations (``open_db`` upgrades to head), never by ``create_all``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dbtest import backend_database, use_cheap_hasher

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "workspace"))

from prot_fixtures import ProtWorld, build_prot_world
from ws_fixtures import wipe

from ipcity.workspace.db import Database


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    use_cheap_hasher(monkeypatch)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    with backend_database(request.param, tmp_path_factory.mktemp("protection"), "prot") as db:
        yield db


@pytest.fixture
def db(database: Database) -> Database:
    wipe(database)
    return database


@pytest.fixture
def pw(db: Database) -> ProtWorld:
    return build_prot_world(db)
