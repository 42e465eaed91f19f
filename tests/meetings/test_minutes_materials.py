"""Minutes keep every revision; materials are stored once, generated reports are marked,
removal only hides."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ipcity.meetings.actions import (
    MAX_FILE_BYTES,
    Attachment,
    do_add_agenda_item,
    do_attach_material,
    do_record_minutes,
    do_remove_material,
    generate_work_report,
)
from ipcity.meetings.errors import StateError
from ipcity.meetings.models import Meeting, MeetingMaterial
from ipcity.meetings.queries import (
    current_minutes,
    get_material,
    list_materials,
    meeting_detail,
    minutes_history,
)
from ipcity.workspace.audit import list_audit
from ipcity.workspace.errors import NotFound, PermissionDenied, StaleVersion, ValidationError
from ipcity.workspace.models import EvidenceBlob
from tests.support.meeting_fixtures import make_meeting, version_of
from tests.support.ws_fixtures import World


def test_minutes_revisions_are_kept(world: World) -> None:
    mid = make_meeting(world, status="held")
    v = version_of(world, Meeting, mid)
    with world.db.write() as s:
        first = do_record_minutes(
            s, world.admin, mid, expected_version=v, text="  初稿  ", note="初稿"
        )
        assert (first.revision_no, first.text) == (1, "初稿")  # trimmed
    with world.db.write() as s, pytest.raises(StaleVersion):
        # someone else's correction was based on the version before the first record
        do_record_minutes(s, world.admin, mid, expected_version=v, text="别的版本")
    with world.db.write() as s:
        second = do_record_minutes(
            s, world.admin, mid, expected_version=v + 1, text="更正稿", note="更正"
        )
        assert second.revision_no == 2
    with world.db.read() as s:
        cur = current_minutes(s, world.editor_a, mid)  # A attends
        assert cur is not None and (cur.revision_no, cur.text) == (2, "更正稿")
        history = minutes_history(s, world.leader, mid)
        assert [(m.revision_no, m.text, m.note) for m in history] == [
            (1, "初稿", "初稿"),
            (2, "更正稿", "更正"),
        ]
        entries = list_audit(s, world.admin, action="minutes.record")
        assert entries[0].before is not None and entries[0].before["text"] == "初稿"
        assert entries[0].after is not None and entries[0].after["text"] == "更正稿"
        assert entries[1].before is None
        with pytest.raises(NotFound):
            minutes_history(s, world.editor_b, mid)  # B does not attend


def test_minutes_need_a_held_meeting_and_text(world: World) -> None:
    mid = make_meeting(world, status="scheduled")
    with world.db.write() as s, pytest.raises(StateError):
        do_record_minutes(s, world.admin, mid, expected_version=1, text="x")
    held = make_meeting(world, status="held")
    v = version_of(world, Meeting, held)
    with world.db.write() as s, pytest.raises(ValidationError) as exc:
        do_record_minutes(s, world.admin, held, expected_version=v, text="   ")
    assert [(e.field, e.key) for e in exc.value.errors] == [("text", "field.required")]
    with world.db.read() as s:
        assert current_minutes(s, world.admin, held) is None


def test_materials_upload_dedupe_and_remove(world: World) -> None:
    mid = make_meeting(world, attending=[world.office, world.unit_a])
    with world.db.write() as s:
        item = do_add_agenda_item(
            s, world.admin, mid, {"kind": "work_report", "title": "办公室工作报告"}
        )
        m1 = do_attach_material(
            s,
            world.admin,
            mid,
            Attachment("C:\\Users\\x\\议程.docx", "application/msword", b"agenda"),
        )
        m2 = do_attach_material(
            s,
            world.admin,
            mid,
            Attachment("copy.docx", "", b"agenda"),
            title="议程（副本）",
            agenda_item_id=item.id,
        )
        assert (m1.filename, m1.title, m1.kind) == ("议程.docx", "议程.docx", "upload")
        # the type comes from the extension, never from the uploader (issue 10, problem 8)
        assert m2.content_type.endswith("wordprocessingml.document")
        assert m1.blob_sha256 == m2.blob_sha256
        assert s.scalar(select(func.count()).select_from(EvidenceBlob)) == 1  # stored once
        ids = (m1.id, m2.id)
    with world.db.write() as s:
        removed = do_remove_material(s, world.admin, ids[0], expected_version=1)
        assert removed.removed_by_name == "admin"
    with world.db.read() as s:
        assert [m.id for m in list_materials(s, world.editor_a, mid)] == [ids[1]]
        every = list_materials(s, world.admin, mid, include_removed=True)
        assert [m.id for m in every] == list(ids)
        # a unit cannot ask for the removed one; the office still can
        assert [m.id for m in list_materials(s, world.editor_a, mid, include_removed=True)] == [
            ids[1]
        ]
        with pytest.raises(NotFound):
            get_material(s, world.editor_a, ids[0])
        assert get_material(s, world.admin, ids[0])[1] == b"agenda"


def test_material_validation(world: World) -> None:
    mid = make_meeting(world)
    other = make_meeting(world, title="另一次")
    with world.db.write() as s:
        foreign_item = do_add_agenda_item(s, world.admin, other, {"kind": "other", "title": "x"}).id
    with world.db.write() as s, pytest.raises(ValidationError) as exc:
        do_attach_material(s, world.admin, mid, Attachment("", "text/plain", b""))
    assert sorted(e.key for e in exc.value.errors) == ["field.required", "field.unreadable_file"]
    with world.db.write() as s, pytest.raises(ValidationError) as exc2:
        do_attach_material(
            s, world.admin, mid, Attachment("big.bin", "x", b"0" * (MAX_FILE_BYTES + 1))
        )
    assert exc2.value.errors[0].message("en") == (
        f"file too large (at most {MAX_FILE_BYTES} bytes): big.bin"
    )
    with world.db.write() as s, pytest.raises(ValidationError) as exc3:
        do_attach_material(
            s, world.admin, mid, Attachment("a.txt", "t", b"a"), agenda_item_id=foreign_item
        )
    assert exc3.value.errors[0].key == "field.unknown_agenda_item"


def test_generated_work_report_is_attached_as_such(world: World) -> None:
    mid = make_meeting(world)
    calls: list[tuple[int, str, str]] = []

    def fake_builder(session: Session, year: int, lang: str, fmt: str) -> bytes:
        calls.append((year, lang, fmt))
        return f"report {year} {lang} {fmt}".encode()

    with world.db.write() as s:
        att = generate_work_report(s, 2022, lang="zh", fmt="docx", builder=fake_builder)
        assert att.filename == "2022年知识产权工作报告.docx"
        assert att.content_type.startswith("application/vnd.openxmlformats")
        m = do_attach_material(s, world.admin, mid, att, at=datetime(2023, 3, 27, 9, 0))
        assert (m.kind, m.report_year, m.report_lang, m.report_format) == (
            "work_report",
            2022,
            "zh",
            "docx",
        )
        assert m.added_at == datetime(2023, 3, 27, 9, 0)
        en = generate_work_report(s, 2022, lang="en", fmt="pdf", builder=fake_builder)
        assert en.filename == "ip-work-report-2022-en.pdf"
    assert calls == [(2022, "zh", "docx"), (2022, "en", "pdf")]
    with world.db.read() as s:
        detail = meeting_detail(s, world.editor_a, mid)
        assert [x.title for x in detail.materials] == ["2022年知识产权工作报告.docx"]
        assert get_material(s, world.editor_a, m.id)[1] == b"report 2022 zh docx"
    with world.db.write() as s, pytest.raises(Exception, match="--format must be"):
        generate_work_report(s, 2022, fmt="odt", builder=fake_builder)


def test_remove_material_rules(world: World) -> None:
    mid = make_meeting(world, attending=[world.office, world.unit_a, world.unit_b])
    with world.db.write() as s:
        item = do_add_agenda_item(
            s, world.admin, mid, {"kind": "exchange_speech", "speaker_unit_id": world.unit_a}
        )
        mat = do_attach_material(
            s, world.editor_a, mid, Attachment("s.txt", "text/plain", b"s"), agenda_item_id=item.id
        )
        mat_id = mat.id
    with world.db.write() as s, pytest.raises(PermissionDenied):
        do_remove_material(s, world.editor_b, mat_id, expected_version=1)
    with world.db.write() as s:
        assert do_remove_material(s, world.editor_a, mat_id, expected_version=1).removed_at
    with world.db.read() as s:
        row = s.get(MeetingMaterial, mat_id)
        assert row is not None and row.version == 2
