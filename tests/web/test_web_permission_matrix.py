"""Every route of the app for every role: the status in ``web_permission_table`` (and its
area extensions ``web_permission_table_<area>.py``), on SQLite and PostgreSQL.

The world is rebuilt (and everybody logs in again) after any request that changed something,
so each row sees the same starting state whatever ran before it.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from ipcity.web.app import route_table
from ipcity.workspace.db import Database
from ipcity.workspace.permissions import system_actor
from ipcity.workspace.visibility import PublicAccess, do_set_public_access
from tests.support.web_permission_table import ROLES, ROWS, Row, portal_only
from tests.support.web_world import (
    GENERATION,
    PASSWORD,
    USERNAMES,
    WebWorld,
    api_token,
    build_world,
    csrf_of,
    fill,
    page_login,
    wipe,
)

TABLES = Path(__file__).resolve().parent.parent / "support"


def _all_rows() -> list[Row]:
    rows = list(ROWS)
    for path in sorted(TABLES.glob("web_permission_table_*.py")):
        rows.extend(importlib.import_module(f"tests.support.{path.stem}").ROWS)
    return rows


ALL_ROWS = _all_rows()


def _row_id(row: Row) -> str:
    params = ",".join(f"{k}={v}" for k, v in row.params.items())
    return f"{row.method} {row.route}{'[' + params + ']' if params else ''}"


class Matrix:
    """The world and one logged-in page client + API token per role."""

    def __init__(self, app: FastAPI, db: Database) -> None:
        self.app = app
        self.db = db
        self.dirty = True
        self.generation = -1
        self.world: WebWorld | None = None
        self.pages: dict[str, TestClient] = {}
        self.csrf: dict[str, str] = {}
        self.tokens: dict[str, str] = {}
        self.rebuilds = 0
        self.access = PublicAccess.PORTAL  # the office's setting the next request runs under
        self.applied: PublicAccess | None = None

    def _client(self) -> TestClient:
        # Entered once: one event loop thread for all its requests (much faster than a
        # fresh portal per request).
        c = TestClient(self.app)
        c.__enter__()
        return c

    def ensure(self) -> WebWorld:
        if self.dirty or self.generation != GENERATION[0] or self.world is None:
            wipe(self.db)
            self.world = build_world(self.db)
            self.generation = GENERATION[0]
            if not self.pages:
                self.pages = {role: self._client() for role in ROLES}
                self.api = self._client()
            for role, c in self.pages.items():
                c.cookies.clear()
                if role == "anonymous":
                    self.csrf[role] = csrf_of(c)
                else:
                    self.csrf[role] = page_login(c, USERNAMES[role])
                    self.tokens[role] = api_token(self.api, USERNAMES[role])
            self.dirty = False
            self.rebuilds += 1
            self.applied = None
        if self.applied is not self.access:
            with self.db.write() as s:
                do_set_public_access(s, system_actor("test"), self.access.value)
            self.applied = self.access
        return self.world

    def request(self, row: Row, role: str) -> tuple[int, str]:
        world = self.ensure()
        ids: dict[str, Any] = dict(world.ids)
        ids["me_username"] = USERNAMES.get(role, "leader")
        ids["me_password"] = PASSWORD if role != "anonymous" else "not the password"
        url = row.route.format(**{k: world[v] for k, v in row.params.items()})
        if row.query:
            url += "?" + fill(row.query, ids)
        client = self.pages[role]
        kwargs: dict[str, Any] = {"follow_redirects": False}
        if row.is_api:
            headers = {}
            if role != "anonymous" and row.route != "/api/v1/auth/token":
                headers["Authorization"] = f"Bearer {self.tokens[role]}"
            kwargs["headers"] = headers
            if row.json is not None:
                kwargs["json"] = fill(row.json, ids)
            if row.files:  # a multipart API call (e.g. evidence): form fields and files
                kwargs["data"] = fill(row.form or {}, ids)
                kwargs["files"] = {
                    k: (n, t.encode("utf-8"), ct) for k, (n, t, ct) in row.files.items()
                }
            # The API must not use the page session: send it from a cookie-less client.
            self.api.cookies.clear()
            r = self.api.request(row.method, url, **kwargs)
        else:
            if row.method not in ("GET", "HEAD"):
                data = fill(row.form or {}, ids)
                data["csrf_token"] = self.csrf[role]
                kwargs["data"] = data
                if row.files:
                    kwargs["files"] = {
                        k: (n, t.encode("utf-8"), ct) for k, (n, t, ct) in row.files.items()
                    }
            r = client.request(row.method, url, **kwargs)
        if row.method not in ("GET", "HEAD") and (r.status_code < 400 or row.route == "/login"):
            self.dirty = True  # something changed (or a client's session did): start afresh
        return r.status_code, r.text[:400]


_matrices: dict[int, Matrix] = {}


@pytest.fixture
def matrix(web_app: FastAPI, database: Database) -> Matrix:
    key = id(database)
    if key not in _matrices:
        _matrices[key] = Matrix(web_app, database)
    return _matrices[key]


@pytest.mark.parametrize("row", ALL_ROWS, ids=[_row_id(r) for r in ALL_ROWS])
def test_route_for_every_role(matrix: Matrix, row: Row) -> None:
    """Under the office's default setting: anonymous visitors see the portal only."""
    matrix.access = PublicAccess.PORTAL
    expect = portal_only(row)
    got = {}
    bodies = {}
    for role in ROLES:
        got[role], bodies[role] = matrix.request(row, role)
    wrong = {role: (got[role], expect[role]) for role in ROLES if got[role] != expect[role]}
    assert not wrong, (
        "role: (got, expected) "
        + repr(wrong)
        + "\n"
        + "\n".join(f"{role}: {bodies[role]}" for role in wrong)
    )


@pytest.mark.parametrize("row", ALL_ROWS, ids=[_row_id(r) for r in ALL_ROWS])
def test_route_for_anonymous_when_opened(matrix: Matrix, row: Row) -> None:
    """With the setting opened to the published work, anonymous visitors get what they got
    before the setting existed (the table's statuses)."""
    matrix.access = PublicAccess.PUBLISHED
    got, body = matrix.request(row, "anonymous")
    matrix.access = PublicAccess.PORTAL
    assert got == row.expect["anonymous"], body


def test_every_route_has_rows(web_app: FastAPI) -> None:
    covered = {(r.method, r.route) for r in ALL_ROWS}
    missing = [mp for mp in route_table(web_app) if mp not in covered]
    assert not missing, f"routes without a row in web_permission_table: {missing}"


def test_rows_name_real_routes(web_app: FastAPI) -> None:
    routes = set(route_table(web_app))
    unknown = [(r.method, r.route) for r in ALL_ROWS if (r.method, r.route) not in routes]
    assert not unknown, f"rows for routes the app does not have: {unknown}"


def test_rebuild_cost_is_reported(matrix: Matrix) -> None:
    # Not a timing assertion: documents what a rebuild costs so the table stays affordable.
    t = time.perf_counter()
    matrix.dirty = True
    matrix.ensure()
    assert time.perf_counter() - t < 30
