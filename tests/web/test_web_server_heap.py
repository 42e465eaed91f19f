"""The server process settles its heap once its app is built (web/server_heap.py: collect,
freeze the survivors of start-up, raise the collector's thresholds), in both ways of serving
(one worker; a worker of several), and nothing else does: an app built for a test or a
command leaves the collector as CPython sets it."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.testclient import TestClient

from ipcity.web import app as web_app
from ipcity.web import server_heap
from ipcity.web.config import WebSettings


def test_settle_freezes_and_raises_the_thresholds(collector: None) -> None:
    before = gc.get_threshold()
    server_heap.settle()
    assert gc.get_freeze_count() > 10_000  # the modules, the test runner: start-up's survivors
    assert gc.get_threshold() == server_heap.THRESHOLDS
    assert all(new > old for new, old in zip(server_heap.THRESHOLDS, before, strict=True))


def test_an_app_built_for_a_test_leaves_the_collector_alone(
    tmp_path: Path, collector: None
) -> None:
    thresholds = gc.get_threshold()
    app = web_app.create_app(WebSettings.from_env(db_url=f"sqlite:///{tmp_path / 'w.sqlite'}"))
    with TestClient(app) as client:
        assert client.get("/login").status_code == 200
    app.state.db.dispose()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == thresholds


def test_a_worker_of_several_settles_after_building_its_app(
    tmp_path: Path, collector: None
) -> None:
    app = web_app.worker_app(WebSettings.from_env(db_url=f"sqlite:///{tmp_path / 'w.sqlite'}"))
    try:
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == server_heap.THRESHOLDS
        assert all(o is not app for o in gc.get_objects())  # frozen with the rest of start-up
    finally:
        app.state.db.dispose()


def test_one_worker_settles_before_it_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collector: None
) -> None:
    seen: dict[str, Any] = {}

    def run(app: Any, **options: Any) -> None:  # uvicorn's loop is not needed to see this
        seen["frozen"] = gc.get_freeze_count()
        seen["thresholds"] = gc.get_threshold()
        app.state.db.dispose()

    monkeypatch.setattr(uvicorn, "run", run)
    web_app.serve(db_url=f"sqlite:///{tmp_path / 'w.sqlite'}", port=0)
    assert seen["frozen"] > 0
    assert seen["thresholds"] == server_heap.THRESHOLDS
