"""Who sees which meeting and who may write: role by role, action by action."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from ipcity.meetings.actions import (
    Attachment,
    do_add_agenda_item,
    do_attach_material,
    do_create_meeting,
    do_create_publication,
    do_publish_headline_snapshot,
    do_record_decision,
    do_record_minutes,
    do_set_attendance,
    do_update_meeting,
)
from ipcity.meetings.models import Meeting
from ipcity.meetings.permissions import MEETING_CAPABILITIES, MCap
from ipcity.meetings.queries import (
    current_minutes,
    get_agenda_item,
    get_material,
    get_meeting,
    list_decisions,
    list_materials,
    list_meetings,
)
from ipcity.workspace.errors import NotFound, PermissionDenied
from ipcity.workspace.permissions import Actor, Role
from tests.support.meeting_fixtures import make_meeting, version_of
from tests.support.ws_fixtures import World

ROLES = ("admin", "leader", "editor_a", "editor_b", "anonymous")


def actor(world: World, role: str) -> Actor:
    a: Actor = getattr(world, role)
    return a


def test_capability_matrix() -> None:
    assert MEETING_CAPABILITIES[Role.OFFICE_ADMIN] == frozenset(MCap)
    assert MEETING_CAPABILITIES[Role.SYSTEM] == frozenset(MCap)
    assert MEETING_CAPABILITIES[Role.LEADER] == {
        MCap.VIEW_ALL_MEETINGS,
        MCap.VIEW_ATTENDED_MEETINGS,
        MCap.VIEW_PORTAL_DRAFTS,
    }
    assert MEETING_CAPABILITIES[Role.UNIT_EDITOR] == {
        MCap.VIEW_ATTENDED_MEETINGS,
        MCap.ATTACH_SPEECH,
    }
    assert MEETING_CAPABILITIES[Role.ANONYMOUS] == frozenset()


def test_who_sees_which_meeting(world: World) -> None:
    # M1 scheduled, attended by A; M2 a draft attended by A; M3 held, attended by B.
    m1 = make_meeting(world, title="M1", attending=[world.unit_a], day=date(2023, 5, 1))
    m2 = make_meeting(
        world, title="M2", status="draft", attending=[world.unit_a], day=date(2023, 6, 1)
    )
    m3 = make_meeting(
        world, title="M3", status="held", attending=[world.unit_b], day=date(2023, 4, 1)
    )
    expected = {
        "admin": [m2, m1, m3],  # newest first
        "leader": [m2, m1, m3],
        "editor_a": [m1],  # not the draft, not B's meeting
        "editor_b": [m3],
        "anonymous": [],
    }
    with world.db.read() as s:
        for role, ids in expected.items():
            a = actor(world, role)
            assert [m.id for m in list_meetings(s, a)] == ids, role
            for mid in (m1, m2, m3):
                if mid in ids:
                    assert get_meeting(s, a, mid).id == mid
                else:
                    with pytest.raises(NotFound):
                        get_meeting(s, a, mid)
            # the same rule for everything under the meeting
            for mid in (m1, m3):
                if mid not in ids:
                    for read in (list_materials, list_decisions, current_minutes):
                        with pytest.raises(NotFound):
                            read(s, a, mid)
        assert [m.id for m in list_meetings(s, world.admin, unit_id=world.unit_b)] == [m3]
        assert [m.id for m in list_meetings(s, world.admin, year=2023, status="held")] == [m3]
        assert list_meetings(s, world.admin, year=2022) == []


def _writes(world: World, mid: int) -> dict[str, Callable[[Session, Actor], Any]]:
    v = version_of(world, Meeting, mid)
    upload = Attachment("a.txt", "text/plain", b"hello")
    return {
        "create_meeting": lambda s, a: do_create_meeting(
            s, a, {"kind": "special", "title": "t", "meeting_date": "2023-07-01"}
        ),
        "update_meeting": lambda s, a: do_update_meeting(
            s, a, mid, expected_version=v, changes={"place": "x"}
        ),
        "set_attendance": lambda s, a: do_set_attendance(
            s, a, mid, expected_version=v, unit_ids=[world.unit_a, world.unit_b]
        ),
        "add_agenda": lambda s, a: do_add_agenda_item(s, a, mid, {"kind": "other", "title": "x"}),
        "attach_material": lambda s, a: do_attach_material(s, a, mid, upload),
        "record_minutes": lambda s, a: do_record_minutes(s, a, mid, expected_version=v, text="x"),
        "record_decision": lambda s, a: do_record_decision(
            s,
            a,
            mid,
            {"text": "决定", "lead_unit_id": world.unit_a, "deadline": "2023-12-31"},
        ),
        "create_publication": lambda s, a: do_create_publication(
            s, a, {"kind": "news", "title_zh": "x"}
        ),
        "publish_headline": lambda s, a: do_publish_headline_snapshot(
            s, a, 2022, source="workspace"
        ),
    }


@pytest.mark.parametrize("role", ["leader", "editor_a", "editor_b", "anonymous"])
def test_only_the_office_writes(world: World, role: str) -> None:
    mid = make_meeting(world, status="held", attending=[world.office, world.unit_a])
    a = actor(world, role)
    for name, write in _writes(world, mid).items():
        with world.db.write() as s:
            try:
                write(s, a)
            except PermissionDenied:
                pass
            except NotFound:
                # a unit that does not see the meeting learns nothing about it
                assert role in ("editor_b", "anonymous") and name == "attach_material", name
            else:
                pytest.fail(f"{role} could {name}")


def test_the_office_writes_everything(world: World) -> None:
    mid = make_meeting(world, status="held", attending=[world.office, world.unit_a])
    for name, write in _writes(world, mid).items():
        if name in ("update_meeting", "set_attendance", "publish_headline"):
            continue  # versions move as the others run; covered elsewhere
        with world.db.write() as s:
            assert write(s, world.admin) is not None, name


def test_unit_editor_attaches_its_own_speech_only(world: World) -> None:
    mid = make_meeting(world, attending=[world.office, world.unit_a, world.unit_b])
    with world.db.write() as s:
        a_item = do_add_agenda_item(
            s, world.admin, mid, {"kind": "exchange_speech", "speaker_unit_id": world.unit_a}
        ).id
        b_item = do_add_agenda_item(
            s, world.admin, mid, {"kind": "exchange_speech", "speaker_unit_id": world.unit_b}
        ).id
    speech = Attachment("发言稿.docx", "application/octet-stream", b"speech of A")
    with world.db.write() as s:
        mat = do_attach_material(s, world.editor_a, mid, speech, agenda_item_id=a_item)
        assert (mat.kind, mat.title, mat.added_by_name) == ("upload", "市科委交流发言", "editor_a")
        mat_id = mat.id
    for item in (b_item, None):  # B's item, or the meeting in general
        with world.db.write() as s, pytest.raises(PermissionDenied):
            do_attach_material(s, world.editor_a, mid, speech, agenda_item_id=item)
    report = Attachment("r.pdf", "application/pdf", b"%PDF", report_year=2022, lang="zh")
    with world.db.write() as s, pytest.raises(PermissionDenied):
        do_attach_material(s, world.editor_a, mid, report, agenda_item_id=a_item)
    # B sees A's speech as a material of a meeting it attends; the public does not.
    with world.db.read() as s:
        f, data = get_material(s, world.editor_b, mat_id)
        assert (f.filename, data) == ("发言稿.docx", b"speech of A")
        with pytest.raises(NotFound):
            get_material(s, world.anonymous, mat_id)


def test_an_agenda_item_is_found_only_under_its_own_meeting(world: World) -> None:
    """The pages look an item up through its meeting: a wrong pair of ids is NotFound, and so is
    an item of a meeting the viewer may not see."""
    mine = make_meeting(world, title="M1", attending=[world.unit_a])
    other = make_meeting(world, title="M2", attending=[world.office])
    with world.db.write() as s:
        item = do_add_agenda_item(s, world.admin, mine, {"kind": "other", "title": "议程"}).id
    with world.db.read() as s:
        assert get_agenda_item(s, world.admin, mine, item).id == item
        assert get_agenda_item(s, world.editor_a, mine, item).id == item
        with pytest.raises(NotFound):
            get_agenda_item(s, world.admin, other, item)
        with pytest.raises(NotFound):
            get_agenda_item(s, world.editor_b, mine, item)
        with pytest.raises(NotFound):
            get_agenda_item(s, world.admin, mine, item + 1000)
