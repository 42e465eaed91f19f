"""Fixtures for the workspace tests: every test that uses ``db`` (tests/conftest.py) runs on
SQLite and, when IPCITY_TEST_PG is set, on PostgreSQL (in a schema of its own, dropped at the
end)."""

from __future__ import annotations

import pytest

from ipcity.workspace.db import Database
from tests.support.ws_fixtures import World, build_world


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)
