"""Fixtures of the meetings and portal tests: the workspace's small joint conference
(``tests.support.ws_fixtures.World``) on the ``db`` of tests/conftest.py (SQLite and, when
IPCITY_TEST_PG is set, PostgreSQL)."""

from __future__ import annotations

import pytest

from ipcity.workspace.db import Database
from tests.support.ws_fixtures import World, build_world


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)
