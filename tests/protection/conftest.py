"""Fixtures of the protection tests: every test that uses ``db`` (tests/conftest.py) runs on
SQLite and, when IPCITY_TEST_PG is set, on PostgreSQL (a schema of its own, dropped at the
end). The schema is built by the migrations (``open_db`` upgrades to head), never by
``create_all``."""

from __future__ import annotations

import pytest

from ipcity.workspace.db import Database
from tests.support.prot_fixtures import ProtWorld, build_prot_world


@pytest.fixture
def pw(db: Database) -> ProtWorld:
    return build_prot_world(db)
