"""Party names: the masking function by hand, and masked in every query, export and JSON
shape for everyone but the owning unit, the units handling a case jointly and the office."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from ipcity.protection.actions import do_add_joint_unit, do_transfer_case
from ipcity.protection.export import export_cases
from ipcity.protection.masking import mask_name, mask_names
from ipcity.protection.queries import CaseFilter, case_history, get_case, list_cases
from ipcity.workspace.permissions import Actor
from tests.support.prot_fixtures import TODAY, ProtWorld, case


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("王小明", "王**"),
        ("欧阳娜娜", "欧***"),
        ("上海某某科技有限公司", "上海某**有限公司"),
        ("华为技术有限公司", "华**有限公司"),
        ("浙江星辰股份有限公司", "浙江星**股份有限公司"),
        ("张三服装店", "张**店"),
        ("上海公司", "上海**公司"),
        ("Apple Inc.", "A*** Inc."),
        ("Acme Trading Co., Ltd.", "A*** Co., Ltd."),
        ("John Smith", "J*** S***"),
        ("李四（演示数据）", "李*（演示数据）"),
        ("", ""),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked
    assert mask_name(masked) == masked  # idempotent


def test_mask_names_field() -> None:
    assert mask_names("张三、李四；Acme Trading Co., Ltd.\n王五") == "张*、李*、A*** Co., Ltd.、王*"


SECRET_NAMES = ("张三丰", "上海秘密科技有限公司", "李四")
NOTE = "当事人张三丰电话13800000000"


@pytest.fixture
def shared_case(pw: ProtWorld) -> int:
    """A case of unit A (names, a note, an outcome text), transferred to B and handled
    jointly with C: A is now a previous owner."""
    w = pw.w
    v = case(
        w.db,
        w.editor_a,
        case_no="P-1",
        claimants="张三丰、上海秘密科技有限公司",
        respondents="李四",
        note=NOTE,
        closed_on="2023-05-01",
        outcome="upheld",
        outcome_text="判决李四赔偿张三丰",
    )
    with w.db.write() as s:
        v = do_transfer_case(
            s,
            w.admin,
            v.id,
            expected_version=v.version,
            to_unit_id=w.unit_b,
            note="移送，联系人张三丰",
            today=TODAY,
        )
        do_add_joint_unit(s, w.admin, v.id, expected_version=v.version, unit_id=pw.unit_c)
    return v.id


def _clear(text: str) -> bool:
    return any(n in text for n in SECRET_NAMES) or "13800000000" in text


def _everything(pw: ProtWorld, viewer: Actor, case_id: int) -> str:
    """Every output a viewer can get about the case, as text."""
    with pw.db.read() as s:
        parts = [
            json.dumps(get_case(s, viewer, case_id).as_dict(), ensure_ascii=False),
            json.dumps([c.as_dict("en") for c in list_cases(s, viewer)], ensure_ascii=False),
            json.dumps([h.as_dict() for h in case_history(s, viewer, case_id)], ensure_ascii=False),
            export_cases(s, viewer, fmt="csv").decode("utf-8-sig"),
        ]
        wb = openpyxl.load_workbook(io.BytesIO(export_cases(s, viewer, fmt="xlsx")))
        parts += [str(c.value) for row in wb.active.iter_rows() for c in row]
    return "\n".join(parts)


def test_masked_for_leaders_and_previous_owners(pw: ProtWorld, shared_case: int) -> None:
    w = pw.w
    for viewer in (w.leader, w.editor_a):
        text = _everything(pw, viewer, shared_case)
        assert not _clear(text), viewer
        assert "张**" in text and "上海秘**有限公司" in text and "李*" in text
    with pw.db.read() as s:
        v = get_case(s, w.leader, shared_case)
    assert v.names_masked and v.note == "" and v.outcome_text == ""


def test_clear_for_owner_joint_and_office(pw: ProtWorld, shared_case: int) -> None:
    w = pw.w
    for viewer in (w.editor_b, pw.editor_c, w.admin, w.system):
        text = _everything(pw, viewer, shared_case)
        assert all(n in text for n in SECRET_NAMES), viewer
        assert NOTE in text


def test_search_never_reveals_a_masked_party(pw: ProtWorld, shared_case: int) -> None:
    w = pw.w
    with pw.db.read() as s:
        # By case number anyone who sees the case finds it ...
        assert [c.id for c in list_cases(s, w.leader, CaseFilter(search="P-1"))] == [shared_case]
        # ... by party name only viewers who see the names in clear.
        assert list_cases(s, w.leader, CaseFilter(search="张三丰")) == []
        assert list_cases(s, w.editor_a, CaseFilter(search="张三丰")) == []
        assert [c.id for c in list_cases(s, w.editor_b, CaseFilter(search="张三丰"))] == [
            shared_case
        ]
        assert [c.id for c in list_cases(s, pw.editor_c, CaseFilter(search="李四"))] == [
            shared_case
        ]
