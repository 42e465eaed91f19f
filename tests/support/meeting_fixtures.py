"""Helpers of the meetings tests (a module with its own name, not ``conftest``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ipcity.meetings.actions import do_create_meeting, do_update_meeting
from tests.support.ws_fixtures import World


def make_meeting(
    world: World,
    *,
    title: str = "全体会议",
    kind: str = "plenary",
    day: date = date(2023, 3, 28),
    status: str = "scheduled",
    attending: Sequence[int] | None = None,
) -> int:
    """A meeting attended by ``attending`` (default: the office and unit A)."""
    units = list(attending) if attending is not None else [world.office, world.unit_a]
    with world.db.write() as s:
        m = do_create_meeting(
            s,
            world.system,
            {
                "kind": kind,
                "title": title,
                "meeting_date": day,
                "status": "draft" if status == "held" else status,
                "attending_unit_ids": units,
            },
        )
        if status == "held":
            m = do_update_meeting(
                s, world.system, m.id, expected_version=m.version, changes={"status": "held"}
            )
        return m.id


def version_of(world: World, model: type, row_id: int) -> int:
    with world.db.read() as s:
        row = s.get(model, row_id)
        assert row is not None
        return int(row.version)
