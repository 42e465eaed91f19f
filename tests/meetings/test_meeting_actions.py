"""Meetings, attendance and agenda: fields, status workflow, versions, audit."""

from __future__ import annotations

from datetime import date

import pytest

from ipcity.meetings.actions import (
    do_add_agenda_item,
    do_create_meeting,
    do_record_minutes,
    do_remove_agenda_item,
    do_set_attendance,
    do_update_agenda_item,
    do_update_meeting,
)
from ipcity.meetings.errors import StateError
from ipcity.meetings.models import Meeting
from ipcity.meetings.queries import get_meeting, list_agenda
from ipcity.workspace.audit import list_audit
from ipcity.workspace.errors import StaleVersion, ValidationError
from tests.support.meeting_fixtures import make_meeting, version_of
from tests.support.ws_fixtures import World


def test_create_meeting_with_attendance_and_audit(world: World) -> None:
    with world.db.write() as s:
        m = do_create_meeting(
            s,
            world.admin,
            {
                "kind": "annual_enlarged",
                "title": "2023年年度（扩大）会议",
                "meeting_date": "2023年3月28日",
                "convener_name": "市政府分管副市长",
                "attending_unit_ids": [world.unit_b, world.unit_a],
            },
        )
        mid = m.id
        assert m.status == "draft"  # the default
        assert m.meeting_date == date(2023, 3, 28)  # Chinese date form read
        assert m.version == 1
    with world.db.read() as s:
        m2 = get_meeting(s, world.admin, mid)
        # units in display order (A has sort_order 1, B 2), not in the order given
        assert [u.id for u in m2.attending_units] == [world.unit_a, world.unit_b]
        entries = list_audit(s, world.admin, entity="meeting", entity_id=mid)
        assert [e.action for e in entries] == ["meeting.create"]
        assert entries[0].after is not None
        assert entries[0].after["attending_unit_ids"] == [world.unit_a, world.unit_b]
        assert entries[0].actor_name == "admin"


def test_create_meeting_validation(world: World) -> None:
    with world.db.write() as s, pytest.raises(ValidationError) as exc:
        do_create_meeting(
            s,
            world.admin,
            {
                "kind": "party",
                "meeting_date": "soon",
                "attending_unit_ids": [world.unit_a, 9999],
                "colour": "red",
            },
        )
    fields = sorted((e.field, e.key) for e in exc.value.errors)
    assert fields == [
        ("colour", "field.unknown_field"),
        ("kind", "field.invalid_choice"),
        ("meeting_date", "field.invalid_date"),
        ("title", "field.required"),
    ]
    with world.db.write() as s, pytest.raises(ValidationError) as exc2:
        do_create_meeting(
            s,
            world.admin,
            {
                "kind": "plenary",
                "title": "x",
                "meeting_date": "2023-05-01",
                "attending_unit_ids": [world.unit_a, 9999],
            },
        )
    assert [(e.field, e.key, e.params) for e in exc2.value.errors] == [
        ("attending_unit_ids", "field.unknown_unit", {"value": 9999})
    ]


def test_update_checks_version_and_steps_it_once(world: World) -> None:
    mid = make_meeting(world, status="draft")
    with world.db.write() as s:
        m = do_update_meeting(
            s,
            world.admin,
            mid,
            expected_version=1,
            changes={"place": "会议室", "attending_unit_ids": [world.unit_b]},
        )
        assert m.version == 2  # fields and attendance in one edit: one step
    with world.db.write() as s, pytest.raises(StaleVersion) as exc:
        do_update_meeting(s, world.admin, mid, expected_version=1, changes={"place": "别处"})
    assert exc.value.current_version == 2
    assert exc.value.current["place"] == "会议室"
    assert exc.value.current["attending_unit_ids"] == [world.unit_b]


@pytest.mark.parametrize(
    ("start", "to", "ok"),
    [
        ("draft", "scheduled", True),
        ("draft", "held", True),  # entering a past meeting
        ("scheduled", "held", True),
        ("scheduled", "draft", True),
        ("held", "scheduled", True),  # nothing recorded yet
        ("held", "draft", False),
    ],
)
def test_status_transitions(world: World, start: str, to: str, ok: bool) -> None:
    mid = make_meeting(world, status=start)
    v = version_of(world, Meeting, mid)
    with world.db.write() as s:
        if ok:
            assert (
                do_update_meeting(
                    s, world.admin, mid, expected_version=v, changes={"status": to}
                ).status
                == to
            )
        else:
            with pytest.raises(StateError):
                do_update_meeting(s, world.admin, mid, expected_version=v, changes={"status": to})


def test_held_meeting_with_minutes_cannot_be_reopened(world: World) -> None:
    mid = make_meeting(world, status="held")
    v = version_of(world, Meeting, mid)
    with world.db.write() as s:
        m = do_record_minutes(s, world.admin, mid, expected_version=v, text="纪要")
    v = version_of(world, Meeting, mid)
    with world.db.write() as s, pytest.raises(StateError) as exc:
        do_update_meeting(s, world.admin, mid, expected_version=v, changes={"status": "scheduled"})
    assert exc.value.http_status == 409
    assert exc.value.message("zh") == "会议当前状态为“已召开”，不能撤销“已召开”"
    assert exc.value.message("en") == "cannot undo “held”: the meeting is held"
    del m


def test_agenda_defaults_order_and_speaker_rules(world: World) -> None:
    mid = make_meeting(world, attending=[world.office, world.unit_a, world.district])
    with world.db.write() as s:
        a = do_add_agenda_item(s, world.admin, mid, {"kind": "convener_speech"})
        b = do_add_agenda_item(
            s, world.admin, mid, {"kind": "exchange_speech", "speaker_unit_id": world.unit_a}
        )
        c = do_add_agenda_item(
            s, world.admin, mid, {"kind": "exchange_speech", "speaker_unit_id": world.district}
        )
        assert (a.seq, b.seq, c.seq) == (1, 2, 3)  # appended in order
        assert a.title == "召集人讲话"
        assert b.title == "市科委交流发言"  # a municipal unit by its name
        assert c.title == "黄浦区交流发言"  # a district by its short name
        # an item inserted at position 0 comes first
        d = do_add_agenda_item(s, world.admin, mid, {"kind": "other", "title": "开场", "seq": 0})
        did = d.id
    with world.db.read() as s:
        assert [x.title for x in list_agenda(s, world.admin, mid)] == [
            "开场",
            "召集人讲话",
            "市科委交流发言",
            "黄浦区交流发言",
        ]
    with world.db.write() as s, pytest.raises(ValidationError) as exc:
        do_add_agenda_item(s, world.admin, mid, {"kind": "exchange_speech"})
    assert [(e.field, e.key) for e in exc.value.errors] == [("speaker_unit_id", "field.required")]
    with world.db.write() as s, pytest.raises(ValidationError) as exc2:
        do_add_agenda_item(
            s, world.admin, mid, {"kind": "exchange_speech", "speaker_unit_id": world.unit_b}
        )
    err = exc2.value.errors[0]
    assert err.key == "field.speaker_not_attending"
    assert err.message("zh") == "发言单位不在参会单位中：市商务委"
    assert err.message("en") == "the speaking unit does not attend the meeting: 市商务委"
    # A speaking unit cannot be dropped from the attendance.
    v = version_of(world, Meeting, mid)
    with world.db.write() as s, pytest.raises(ValidationError) as exc3:
        do_set_attendance(s, world.admin, mid, expected_version=v, unit_ids=[world.office])
    assert sorted(e.params["value"] for e in exc3.value.errors) == ["市科委", "黄浦区人民政府"]
    with world.db.write() as s:
        item = do_update_agenda_item(
            s, world.admin, did, expected_version=1, changes={"title": "开场白", "note": "5分钟"}
        )
        assert (item.title, item.note, item.version) == ("开场白", "5分钟", 2)
        do_remove_agenda_item(s, world.admin, did, expected_version=2)
    with world.db.read() as s:
        assert len(list_agenda(s, world.admin, mid)) == 3
        actions = [e.action for e in list_audit(s, world.admin, entity="agenda_item")]
        assert actions.count("agenda.create") == 4
        assert "agenda.update" in actions
        assert "agenda.delete" in actions
