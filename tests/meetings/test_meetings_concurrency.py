"""Two people recording minutes (or publishing) from the same version: exactly one wins, the
other gets StaleVersion, nothing is lost (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy.orm import Session

from ipcity.meetings.actions import do_create_publication, do_publish, do_record_minutes
from ipcity.meetings.models import Meeting
from ipcity.meetings.queries import minutes_history
from ipcity.workspace.errors import StaleVersion
from tests.support.meeting_fixtures import make_meeting, version_of
from tests.support.ws_fixtures import World


def _race(world: World, write: Callable[[Session, str], object]) -> dict[str, str]:
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def run(name: str) -> None:
        barrier.wait()
        try:
            with world.db.write() as s:
                write(s, name)
            results[name] = "ok"
        except StaleVersion as exc:
            results[name] = f"stale:{exc.current_version}"

    threads = [threading.Thread(target=run, args=(n,)) for n in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_minutes_race(world: World) -> None:
    mid = make_meeting(world, status="held")
    v = version_of(world, Meeting, mid)
    results = _race(
        world,
        lambda s, name: do_record_minutes(s, world.admin, mid, expected_version=v, text=name),
    )
    assert sorted(results.values()) == ["ok", f"stale:{v + 1}"]
    winner = next(n for n, r in results.items() if r == "ok")
    with world.db.read() as s:
        assert [(m.revision_no, m.text) for m in minutes_history(s, world.admin, mid)] == [
            (1, winner)
        ]


def test_publish_race(world: World) -> None:
    with world.db.write() as s:
        pid = do_create_publication(
            s, world.admin, {"kind": "news", "title_zh": "x", "body_zh": "y"}
        ).id
    results = _race(world, lambda s, _name: do_publish(s, world.admin, pid, expected_version=1))
    assert sorted(results.values()) == ["ok", "stale:2"]
