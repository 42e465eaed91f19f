"""A fresh install (empty database, no warehouse) answers its public pages (issue 10,
problem 10): the portal and the public protection figures once looped for ever in the
small-count suppression of an empty table, holding a worker thread per request."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from ipcity.web.app import create_app
from ipcity.web.config import WebSettings
from ipcity.workspace.db import Database
from tests.support.web_world import wipe


def _guarded(fn: Callable[[], object]) -> object:
    """Run a request with a guard so a hang fails the test instead of the suite (generous;
    not a speed check)."""
    out: list[object] = []
    worker = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the request never answered"
    return out[0]


@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    "path",
    [
        "/portal",
        "/api/v1/protection/public",
        "/api/v1/protection/public?year=2023",
        "/api/v1/protection/public?year=1990",
    ],
)
def test_public_routes_answer_on_a_fresh_install(
    database: Database, tmp_path: Path, path: str
) -> None:
    wipe(database)
    app = create_app(WebSettings(warehouse=tmp_path / "no-warehouse"), db=database)
    # No ``with``: a hung request must not also hang the client's shutdown.
    client = TestClient(app)
    r = _guarded(lambda: client.get(path))
    assert r.status_code == 200, r.text[:300]  # type: ignore[attr-defined]
    if path.startswith("/api/"):
        body = r.json()  # type: ignore[attr-defined]
        # no district units yet: the district table has no rows, and nothing is shown
        assert body["by_district"]["rows"] == []
        assert all(f["value"] is None for f in body["figures"])
