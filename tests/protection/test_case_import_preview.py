"""A case sheet is previewed before it is written (issue 12, "Imports that never destroy
work"): the preview lists the cases to add, the field-level changes to existing ones and the
rows left as they are, writes nothing, and is exactly what the apply then does. A 案号 that
another unit records warns loudly; bad rows are errors with their row numbers; hostile sheets
(another unit's cases, a 办理单位 column naming another unit, formula cells, too many rows)
change nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from ipcity.protection.case_import import (
    CaseImportPreview,
    do_import_cases,
    preview_case_import,
    read_case_import,
)
from ipcity.protection.models import ProtectionCase
from ipcity.workspace.errors import ImportRejected
from ipcity.workspace.import_preview import StalePreview
from ipcity.workspace.models import AuditEntry
from ipcity.workspace.permissions import Actor
from tests.protection.test_protection_import import COURT_HEADER, court_sheet, xlsx
from tests.support.prot_fixtures import TODAY, ProtWorld, case


def _preview(pw: ProtWorld, data: bytes, actor: Actor | None = None, unit: int | None = None,
             name: str = "court.xlsx") -> CaseImportPreview:  # fmt: skip
    actor = actor or pw.w.editor_a
    with pw.db.read() as s:
        ready = read_case_import(s, actor, unit or pw.w.unit_a, data, name, today=TODAY)
        return preview_case_import(s, actor, ready)


def _apply(pw: ProtWorld, data: bytes, token: str | None = None, actor: Actor | None = None,
           unit: int | None = None, name: str = "court.xlsx") -> Any:  # fmt: skip
    with pw.db.write() as s:
        return do_import_cases(
            s, actor or pw.w.editor_a, unit or pw.w.unit_a, data, name, today=TODAY,
            expected_token=token,
        )  # fmt: skip


def _state(pw: ProtWorld) -> tuple[int, int, list[tuple[str, int, int]]]:
    """Row counts and every case's (案号, unit, version): what a preview must not touch."""
    with pw.db.read() as s:
        cases = [
            (c.case_no, c.unit_id, c.version)
            for c in s.scalars(select(ProtectionCase).order_by(ProtectionCase.id))
        ]
        audits = int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0)
    return len(cases), audits, cases


def changed_sheet() -> bytes:
    """The court's sheet a month later: case 2 closed, case 3's cause corrected, a new case."""
    return xlsx(
        [
            COURT_HEADER,
            [1, "（2023）沪73知民初1号", "民事", "发明专利", "侵害发明专利权纠纷",
             datetime(2023, 1, 5), "2023年3月1日", "判决支持", "是", "否", "黄浦区",
             "上海甲科技有限公司", "张三", 12.5, "30000", "备注一"],
            [2, "（2023）沪73知民初2号", "民事案件", "商标", "侵害商标权纠纷", "2023/2/1",
             "2023/5/4", "调解", "否", "长三角", "徐汇", "乙公司", "李四", "", "", ""],
            [3, "（2023）沪73知刑初3号", "刑事", "注册商标", "销售假冒注册商标的商品罪",
             "2023-03-01", "2023-06-30", "有罪判决", "", "", "", "", "王五", "", "", ""],
            [4, "（2023）沪73知民初4号", "民事", "著作权", "侵害著作权纠纷", "2023-04-01",
             "", "", "", "", "", "", "", "", "", ""],
        ]
    )  # fmt: skip


def test_preview_changes_nothing_and_apply_does_what_it_showed(pw: ProtWorld) -> None:
    _apply(pw, court_sheet())
    before = _state(pw)
    preview = _preview(pw, changed_sheet())
    assert _state(pw) == before  # counts, versions and audit trail untouched
    assert [a["code"] for a in preview.add] == ["(2023)沪73知民初4号"]
    assert {u["code"]: set(u["changes"]) for u in preview.update} == {
        "(2023)沪73知民初2号": {"closed_on", "outcome"},
        "(2023)沪73知刑初3号": {"cause"},
    }
    closed = preview.update[0]["changes"]["closed_on"]
    assert closed == {"from": "", "to": "2023-05-04"}
    assert preview.update[1]["changes"]["cause"] == {
        "from": "假冒注册商标罪",
        "to": "销售假冒注册商标的商品罪",
    }
    assert preview.unchanged == ["(2023)沪73知民初1号"] and not preview.warnings
    body = preview.as_dict("en")
    assert body["unchanged"] == 1 and body["errors"] == [] and body["token"] == preview.token

    result = _apply(pw, changed_sheet(), token=preview.token)
    assert result.created == [a["code"] for a in preview.add]
    assert result.updated == [u["code"] for u in preview.update]
    assert result.unchanged == preview.unchanged
    after = {no: version for no, _unit, version in _state(pw)[2]}
    was = {no: version for no, _unit, version in before[2]}
    assert after["(2023)沪73知民初1号"] == was["(2023)沪73知民初1号"]
    assert after["(2023)沪73知民初2号"] == was["(2023)沪73知民初2号"] + 1
    # Applied again, the same sheet now changes nothing.
    again = _preview(pw, changed_sheet())
    assert (again.add, again.update, len(again.unchanged)) == ([], [], 4)


def test_a_stale_preview_is_refused_and_writes_nothing(pw: ProtWorld) -> None:
    _apply(pw, court_sheet())
    preview = _preview(pw, changed_sheet())
    _apply(pw, changed_sheet())  # someone else imported in between
    state = _state(pw)
    with pytest.raises(StalePreview):
        _apply(pw, changed_sheet(), token=preview.token)
    assert _state(pw) == state


def test_another_units_case_number_warns_loudly(pw: ProtWorld) -> None:
    """Unit B records a case; a sheet of unit A holding the same 案号 would count it twice."""
    theirs = case(pw.db, pw.w.editor_b, case_no="（2023）沪73知民初4号")
    state = _state(pw)
    office = _preview(pw, changed_sheet(), actor=pw.w.admin)
    loud = [a for a in office.add if a["loud"]]
    assert [a["code"] for a in loud] == [theirs.case_no]
    (warning,) = office.warnings
    assert (warning.row, warning.column, warning.key) == (5, "案号", "import.case_owned_elsewhere")
    assert "市商务委" in warning.message("zh") and "transfer" in warning.message("en")
    # A unit editor is warned as loudly but not told whose case it is.
    editor = _preview(pw, changed_sheet())
    (hidden,) = editor.warnings
    assert hidden.key == "import.case_owned_by_another" and "市商务委" not in hidden.message("zh")
    assert _state(pw) == state
    # Applied anyway, unit B's case is untouched (a second record is made under unit A).
    _apply(pw, changed_sheet(), token=editor.token)
    with pw.db.read() as s:
        kept = s.get(ProtectionCase, theirs.id)
        assert kept is not None and (kept.unit_id, kept.version) == (pw.w.unit_b, theirs.version)


def test_bad_rows_are_errors_with_their_row_numbers(pw: ProtWorld) -> None:
    sheet = (
        "案号,案件类型,知识产权类型,收案日期,结案日期\n"
        "B1,民事,专利,2023-01-01,\n"
        "B2,民事,专利,2023-13-01,\n"
        "B3,飞行,专利,2023-01-01,2022-12-01\n"
        "B1,民事,专利,2023-01-02,\n"
    )
    state = _state(pw)
    with pytest.raises(ImportRejected) as err:
        _preview(pw, sheet.encode(), name="bad.csv")
    rows = sorted({e.row for e in err.value.row_errors})
    assert rows == [3, 4, 5]
    assert _state(pw) == state


def test_hostile_sheets_change_nothing(pw: ProtWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    _apply(pw, court_sheet())
    state = _state(pw)
    # A 办理单位 column that moves a case to another unit is refused, row by row.
    moving = "案号,办理单位,案件类型,知识产权类型,收案日期\n（2023）沪73知民初1号,市商务委,民事,专利,2023-01-05\n"
    with pytest.raises(ImportRejected) as err:
        _preview(pw, moving.encode(), name="move.csv")
    assert [(e.row, e.key) for e in err.value.row_errors] == [(2, "field.not_own_unit")]
    # Another unit's editor cannot preview or import the court's sheet for the court.
    from ipcity.workspace.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        _preview(pw, court_sheet(), actor=pw.w.editor_b)
    # A formula cell is never evaluated: without a stored value its date is missing.
    formula = xlsx([COURT_HEADER, [1, "F1", "民事", "专利", "", "=TODAY()"] + [""] * 10])
    with pytest.raises(ImportRejected) as err:
        _preview(pw, formula)
    assert [(e.row, e.column) for e in err.value.row_errors] == [(2, "立案日期")]
    # A formula's text (in a CSV) is kept as text, never a formula.
    text = '案号,案件类型,知识产权类型,案由,收案日期\nF2,民事,专利,"=HYPERLINK(""x"")",2023-02-01\n'
    (added,) = _preview(pw, text.encode(), name="f.csv").ops
    assert added.values["cause"] == '=HYPERLINK("x")'
    # A sheet beyond the row limit is refused as a whole, in one line.
    monkeypatch.setenv("IPCITY_UPLOAD_MAX_ROWS", "20")
    huge = xlsx(
        [COURT_HEADER] + [[i, f"H{i}", "民事", "专利", "", "2023-02-01"] for i in range(40)]
    )
    with pytest.raises(ImportRejected) as err:
        _preview(pw, huge)
    assert len(err.value.row_errors) == 1
    assert _state(pw) == state
