"""Fixtures of the web tests: the app on SQLite and, when IPCITY_TEST_PG is set, on
PostgreSQL (a schema of its own, dropped at the end); a cheap password hasher."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from dbtest import backend_database, use_cheap_hasher

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
from starlette.testclient import TestClient  # noqa: E402
from web_world import TODAY, WebWorld, build_world, wipe  # noqa: E402

from ipcity.web.app import create_app  # noqa: E402
from ipcity.web.config import WebSettings  # noqa: E402
from ipcity.workspace.db import Database  # noqa: E402


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    use_cheap_hasher(monkeypatch)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    with backend_database(request.param, tmp_path_factory.mktemp("web"), "web") as db:
        yield db


@pytest.fixture(scope="session")
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
