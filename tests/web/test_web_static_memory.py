"""Static files answered from memory (web/assets.py ``StaticFromMemory``) are the same answer
the routes behind it give: the same bytes, the same headers (gzip for clients that accept
it, the vendor scripts' Cache-Control), the security headers; conditional and range requests,
unknown files and paths out of the directories go on to the routes (304, 206, 404)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from ipcity.web.app import create_app
from ipcity.web.assets import STATIC_DIR, StaticFromMemory
from ipcity.workspace.db import Database
from tests.support.web_world import WebWorld

# headers that may legitimately differ between two answers of one file
VOLATILE = {"date", "content-length", "content-encoding", "vary", "server"}


@pytest.fixture
def pair(
    web_app: FastAPI, database: Database, world: WebWorld
) -> Iterator[tuple[TestClient, TestClient]]:
    """The app, and the same app built without StaticFromMemory in its middleware."""
    plain = create_app(web_app.state.settings, db=database)
    plain.user_middleware = [
        m for m in plain.user_middleware if getattr(m, "cls", None) is not StaticFromMemory
    ]
    assert len(plain.user_middleware) == len(web_app.user_middleware) - 1
    with TestClient(web_app) as fast, TestClient(plain) as slow:
        yield fast, slow


@pytest.mark.parametrize("path", ["/static/app.css", "/static/app.js", "/static/htmx.min.js"])
@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_the_same_answer_as_the_routes(
    pair: tuple[TestClient, TestClient], path: str, encoding: str
) -> None:
    fast, slow = pair
    a = fast.get(path, headers={"Accept-Encoding": encoding})
    b = slow.get(path, headers={"Accept-Encoding": encoding})
    assert a.status_code == b.status_code == 200
    assert a.content == b.content  # decoded by the client
    assert a.headers.get("content-encoding") == b.headers.get("content-encoding")
    same = {k: v for k, v in a.headers.items() if k not in VOLATILE}
    assert same == {k: v for k, v in b.headers.items() if k not in VOLATILE}
    assert a.headers["content-security-policy"] and a.headers["x-content-type-options"]


def test_css_is_compressed_once_and_decodes_to_the_file(
    pair: tuple[TestClient, TestClient],
) -> None:
    fast, _slow = pair
    raw = fast.get("/static/app.css", headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    assert raw.headers["vary"] == "Accept-Encoding"
    assert raw.content == (STATIC_DIR / "app.css").read_bytes()
    etag = raw.headers["etag"]
    again = fast.get("/static/app.css", headers={"If-None-Match": etag})
    assert again.status_code == 304  # a conditional request: answered by the routes
    part = fast.get("/static/app.css", headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and len(part.content) == 10


@pytest.mark.parametrize(
    "path",
    [
        "/static/missing.css",
        "/static/../app.py",
        "/static/%2e%2e/app.py",
        "/static/portal/../../app.py",
        "/static/",
    ],
)
def test_what_it_cannot_serve_goes_to_the_routes(
    pair: tuple[TestClient, TestClient], path: str
) -> None:
    fast, slow = pair
    a, b = fast.get(path), slow.get(path)
    assert a.status_code == b.status_code
    assert a.status_code in (404, 405)
    assert b"import" not in a.content


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    (tmp_path / "x.css").write_text("a" * 3000)

    async def inner(scope: object, receive: object, send: object) -> None:
        raise AssertionError("not passed on")

    app = StaticFromMemory(inner, area_dirs={"area": tmp_path}, vendor={})  # type: ignore[arg-type]
    c = TestClient(app)  # type: ignore[arg-type]
    # (used without "with": a bare middleware has no lifespan)
    first = c.get("/static/area/x.css", headers={"Accept-Encoding": "gzip"})
    assert first.headers["content-encoding"] == "gzip"
    assert first.content == b"a" * 3000
    (tmp_path / "x.css").write_text("b" * 4000)
    assert c.get("/static/area/x.css").content == b"b" * 4000
