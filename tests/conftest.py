"""Fixtures shared by the whole suite: ``../shared/data``, the workspace database on each
backend (``database``, emptied per test as ``db``) and a cheap password hasher. The helpers
behind them live in ``tests/support/``."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from ipcity.workspace.db import Database
from tests.support.dbtest import backend_database, use_cheap_hasher
from tests.support.ws_fixtures import wipe

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the repository; the test is skipped when it is absent
    (a user's clone has no ``../shared``)."""
    if not (SHARED_DATA / "real").is_dir():
        pytest.skip(f"../shared/data not present at {SHARED_DATA}; real-data tests skipped")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    use_cheap_hasher(monkeypatch)


@pytest.fixture(scope="package", params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """One migrated workspace database per test directory (``tests/web`` ...) and backend:
    SQLite, and PostgreSQL in a schema of its own when IPCITY_TEST_PG is set."""
    area = Path(request.node.path).name
    with backend_database(request.param, tmp_path_factory.mktemp(area), area) as db:
        yield db


@pytest.fixture
def db(database: Database) -> Database:
    wipe(database)
    return database


@pytest.fixture
def collector() -> Iterator[None]:
    """For a test that builds the server's app (``web/server_heap.py`` freezes the heap and
    raises the collector's thresholds): start from nothing frozen, and give the test process
    its collector back as it was."""
    thresholds = gc.get_threshold()
    gc.unfreeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
