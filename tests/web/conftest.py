"""Fixtures of the web tests: the app on the ``database`` of tests/conftest.py (SQLite and,
when IPCITY_TEST_PG is set, PostgreSQL in a schema of its own)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from fastapi import FastAPI

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
from starlette.testclient import TestClient  # noqa: E402

from ipcity.web.app import create_app  # noqa: E402
from ipcity.web.config import WebSettings  # noqa: E402
from ipcity.workspace.db import Database  # noqa: E402
from tests.support.web_world import TODAY, WebWorld, build_world, wipe  # noqa: E402


@pytest.fixture(scope="package")
def web_app(database: Database, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    settings = WebSettings(today=TODAY, warehouse=tmp_path_factory.mktemp("no-warehouse"))
    return create_app(settings, db=database)


@pytest.fixture
def world(database: Database) -> WebWorld:
    wipe(database)
    return build_world(database)


@pytest.fixture
def client(web_app: FastAPI, world: WebWorld) -> Iterator[TestClient]:
    with TestClient(web_app) as c:
        yield c


@pytest.fixture
def make_client(web_app: FastAPI, world: WebWorld) -> Iterator[object]:
    """A factory of independent clients (each with its own cookies)."""
    made: list[TestClient] = []

    def make() -> TestClient:
        c = TestClient(web_app)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()
