"""Fixtures of the web tests: the app on SQLite and, when IPCITY_TEST_PG is set, on
PostgreSQL (a schema of its own, dropped at the end); a cheap password hasher."""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from sqlalchemy import create_engine, text

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
from starlette.testclient import TestClient  # noqa: E402
from web_world import TODAY, WebWorld, build_world, wipe  # noqa: E402

from ipcity.web.app import create_app  # noqa: E402
from ipcity.web.config import WebSettings  # noqa: E402
from ipcity.workspace import auth  # noqa: E402
from ipcity.workspace.db import Database, open_db  # noqa: E402

PG_ENV = "IPCITY_TEST_PG"
CHEAP = PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    # argon2's default cost is ~0.5 s per hash on this machine; tests log in hundreds of times.
    monkeypatch.setattr(auth, "_hasher", CHEAP)
    monkeypatch.setattr(auth, "_DUMMY_HASH", CHEAP.hash("dummy"))


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("web") / "workspace.sqlite"
        db = open_db(f"sqlite:///{path}")
        yield db
        db.dispose()
        return
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} not set: PostgreSQL tests skipped")
    schema = f"web_test_{uuid.uuid4().hex[:12]}"
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
