"""Optimistic concurrency: a stale update gets StaleVersion with the current row; two writers
racing on one row never lose an update (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest

from ipcity.workspace import actions as A
from ipcity.workspace.errors import StaleVersion
from ipcity.workspace.models import Task
from tests.support.ws_fixtures import World


def test_stale_update_gets_current_version(world: World) -> None:
    with world.db.write() as s:
        A.do_update_task(
            s, world.admin, world.t1, expected_version=1, changes={"title": "第一次修改"}
        )
    with world.db.write() as s, pytest.raises(StaleVersion) as info:
        A.do_update_task(
            s, world.admin, world.t1, expected_version=1, changes={"title": "基于旧版本"}
        )
    exc = info.value
    assert exc.current_version == 2
    assert exc.current["title"] == "第一次修改"
    assert exc.current["version"] == 2
    assert exc.http_status == 409
    body = exc.as_dict("en")
    assert body["current_version"] == 2 and body["error"] == "error.stale_version"
    with world.db.read() as s:
        assert s.get(Task, world.t1).title == "第一次修改"  # type: ignore[union-attr]


def test_two_threads_same_version_exactly_one_wins(world: World) -> None:
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def edit(name: str) -> None:
        barrier.wait()
        try:
            with world.db.write() as s:
                A.do_update_task(
                    s, world.admin, world.t1, expected_version=1, changes={"title": name}
                )
            results[name] = "ok"
        except StaleVersion as exc:
            results[name] = f"stale:{exc.current_version}"

    threads = [threading.Thread(target=edit, args=(n,)) for n in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results.values()) == ["ok", "stale:2"]
    winner = next(n for n, r in results.items() if r == "ok")
    with world.db.read() as s:
        task = s.get(Task, world.t1)
        assert task is not None and task.title == winner and task.version == 2


def test_no_lost_updates_under_contention(world: World) -> None:
    """Two threads each add 1 to the task weight 10 times, re-reading on StaleVersion.
    Without the version check some increments would be lost; with it the total is 20."""
    with world.db.write() as s:
        A.do_update_task(s, world.admin, world.t1, expected_version=1, changes={"weight": 0})
    stale_seen = []

    def bump() -> None:
        done = 0
        while done < 10:
            with world.db.read() as s:
                task = s.get(Task, world.t1)
                assert task is not None
                version, weight = task.version, task.weight or 0.0
            try:
                with world.db.write() as s:
                    A.do_update_task(
                        s,
                        world.admin,
                        world.t1,
                        expected_version=version,
                        changes={"weight": weight + 1},
                    )
                done += 1
            except StaleVersion:
                stale_seen.append(1)

    threads = [threading.Thread(target=bump) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    with world.db.read() as s:
        task = s.get(Task, world.t1)
        assert task is not None
        assert task.weight == 20  # 2 threads x 10 increments, none lost
        assert task.version == 2 + 20  # create=1, set weight 0 -> 2, then 20 updates
