"""Issue 12, item 14 (connections under load): the pool is sized from IPCITY_WEB_THREADS, a
login checks the password outside any transaction, 30 logins at once all succeed, and a
database still locked after its busy timeout is a 503 with Retry-After, never a 500."""

from __future__ import annotations

import re
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool
from starlette.testclient import TestClient

from ipcity.web.app import create_app
from ipcity.web.config import WebSettings
from ipcity.workspace import auth
from ipcity.workspace.db import Database, open_db, pool_limits
from tests.support.web_world import PASSWORD, TODAY, WebWorld, build_world, csrf_of, wipe


@pytest.mark.parametrize("threads", [3, 12])
def test_the_pool_follows_the_thread_setting(tmp_path: Path, threads: int) -> None:
    settings = WebSettings(
        db_url=f"sqlite:///{tmp_path / 'ws.sqlite'}", warehouse=tmp_path, threads=threads
    )
    app = create_app(settings)
    try:
        pool = app.state.db.engine.pool
        assert isinstance(pool, QueuePool)
        size, overflow = pool_limits(threads)
        assert (pool.size(), pool._max_overflow) == (size, overflow)
        # every request let in at once can hold its two connections
        assert size + overflow >= 2 * threads
    finally:
        app.state.db.dispose()


def test_a_login_holds_no_connection_while_the_password_is_checked(
    world: WebWorld, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = database.engine.pool
    idle = pool.checkedout()  # type: ignore[attr-defined]
    seen: dict[str, Any] = {}
    real_verify = auth.verify_password

    def verify(password_hash: str, password: str) -> bool:
        seen["checked_out"] = pool.checkedout()  # type: ignore[attr-defined]
        if database.dialect == "sqlite":  # nobody holds the write lock: take it at once
            path = make_url(database.url).database
            assert path is not None
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                seen["write_lock_free"] = True
            finally:
                other.close()
        return real_verify(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", verify)
    actor = auth.authenticate(database, "admin", PASSWORD, client="test")
    assert actor.is_authenticated
    assert seen["checked_out"] == idle
    assert seen.get("write_lock_free", database.dialect != "sqlite")


@pytest.fixture
def server(web_app: FastAPI, world: WebWorld) -> Iterator[str]:
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(web_app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


LOGINS = 30


def test_thirty_logins_at_once_all_succeed(server: str, world: WebWorld) -> None:
    """The login rush of the load benchmark, on the real server: every login answers 303
    (a session row and a login attempt written per login), none 500."""
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(LOGINS)

    def login(i: int) -> None:
        user = ("admin", "editor_a", "editor_b", "editor_d", "leader")[i % 5]
        with httpx.Client(base_url=server, timeout=120) as c:
            form = c.get("/login")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
            assert csrf
            start.wait()
            r = c.post(
                "/login",
                data={"username": user, "password": PASSWORD, "csrf_token": csrf[1], "next": "/"},
            )
        with lock:
            statuses.append(r.status_code)

    threads = [threading.Thread(target=login, args=(i,)) for i in range(LOGINS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(statuses)) == [303], statuses


def test_a_locked_sqlite_database_is_a_503_with_retry_after(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite"
    db = open_db(f"sqlite:///{path}", busy_seconds=0.2)
    try:
        wipe(db)
        build_world(db)
        app = create_app(WebSettings(today=TODAY, warehouse=tmp_path), db=db)
        with TestClient(app) as c:
            csrf = csrf_of(c)
            holder = sqlite3.connect(path, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")  # another process writing, longer than 0.2 s
            try:
                page = c.post(
                    "/login",
                    data={"username": "admin", "password": PASSWORD, "csrf_token": csrf},
                )
                api = c.post("/api/v1/auth/token", json={"username": "admin", "password": PASSWORD})
            finally:
                holder.execute("ROLLBACK")
                holder.close()
        assert page.status_code == 503, page.text
        assert page.headers["retry-after"].isdigit()
        assert "Traceback" not in page.text
        assert api.status_code == 503, api.text
        assert api.headers["retry-after"].isdigit()
        assert api.json()["error"] == "error.busy"
    finally:
        db.dispose()


def test_no_more_requests_inside_than_slots() -> None:
    """50 requests at once through RequestSlots(3): never more than 3 inside the app (each
    holds its connection across awaits, as a request does across thread-pool trips)."""
    import asyncio

    from ipcity.web.request_slots import RequestSlots

    inside = 0
    most = 0

    async def app(scope: Any, receive: Any, send: Any) -> None:
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        await asyncio.sleep(0.01)
        inside -= 1

    gate = RequestSlots(app, slots=3)

    async def rush() -> None:
        async def nothing() -> Any:
            return {"type": "http.request"}

        async def drop(_message: Any) -> None:
            return None

        pages = [gate({"type": "http", "path": "/"}, nothing, drop) for _ in range(50)]
        await asyncio.gather(*pages)

    asyncio.run(rush())
    assert most == 3
