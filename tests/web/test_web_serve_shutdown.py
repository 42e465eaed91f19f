"""``ipcity serve`` stops soon after SIGTERM even with a request in flight (issue 10,
problem 10): it used to wait for every running handler ("Waiting for background tasks to
complete") -- for ever when one looped. The real server runs as a subprocess; the request in
flight is a login waiting for the SQLite write lock, which this test holds (a worker thread
blocked in the database, as during a slow upload). The old server waited for it (30 s, the
busy timeout) before it stopped; now uvicorn cancels after 5 s and the process exits
3 s later whatever the thread does."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from ipcity.workspace.db import open_db

SRC = Path(__file__).resolve().parents[2] / "src"
GUARD = 25  # seconds: only so a server that never stops cannot hang the suite


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(base: str, proc: subprocess.Popen[bytes]) -> httpx.Response:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        try:
            return httpx.get(f"{base}/login", timeout=5)
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("the server did not start")


@pytest.mark.timeout(180)
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_serve_stops_on_sigterm_with_a_request_in_flight(tmp_path: Path) -> None:
    db_file = tmp_path / "workspace.sqlite"
    url = f"sqlite:///{db_file}"
    open_db(url).dispose()  # schema first, so the server does not migrate under the lock
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    code = (
        "import sys; from ipcity.cli import main; "
        f"sys.exit(main(['serve', '--port', '{port}', '--db', {url!r}, "
        f"'--warehouse', {str(tmp_path / 'wh')!r}]))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    lock = sqlite3.connect(db_file, isolation_level=None, timeout=60)
    try:
        page = _wait_until_up(base, proc)
        m = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert m
        lock.execute("BEGIN IMMEDIATE")  # every write now waits (busy timeout 30 s)
        in_flight = threading.Thread(
            target=lambda: _post_quietly(
                f"{base}/login",
                {"username": "x", "password": "y" * 12, "csrf_token": m.group(1)},
                page.cookies,
            ),
            daemon=True,
        )
        in_flight.start()
        time.sleep(1.0)  # let the login reach its worker thread (not a measurement)
        assert proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=GUARD)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            pytest.fail("ipcity serve did not stop after SIGTERM with a request in flight")
        # 0, or the SIGTERM uvicorn re-raises once it has shut down (the default action)
        assert proc.returncode in (0, -signal.SIGTERM), proc.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
        log = proc.stderr.read().decode()  # type: ignore[union-attr]
        assert "Application shutdown complete" in log
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        lock.close()


def _post_quietly(url: str, data: dict[str, str], cookies: httpx.Cookies) -> None:
    with contextlib.suppress(httpx.TransportError):  # the server went away under it
        httpx.post(url, data=data, cookies=cookies, timeout=60)


def test_worker_threads_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import anyio.to_thread
    from starlette.testclient import TestClient

    from ipcity.web.app import create_app
    from ipcity.web.config import WEB_THREADS, WebSettings

    assert WebSettings.from_env().threads == WEB_THREADS
    monkeypatch.setenv("IPCITY_WEB_THREADS", "3")
    settings = WebSettings.from_env(db_url=f"sqlite:///{tmp_path / 'w.sqlite'}")
    app = create_app(settings)
    with TestClient(app) as client:
        limiter = client.portal.call(anyio.to_thread.current_default_thread_limiter)  # type: ignore[union-attr]
        assert limiter.total_tokens == 3
    app.state.db.dispose()
