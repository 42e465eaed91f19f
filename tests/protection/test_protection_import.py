"""Importing member units' case sheets: their own layouts, all or nothing, re-runnable."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from ipcity.protection.actions import do_transfer_case
from ipcity.protection.case_import import do_import_cases
from ipcity.protection.export import export_cases
from ipcity.protection.models import ProtectionCase
from ipcity.protection.queries import CaseFilter, list_cases
from ipcity.workspace.errors import ImportRejected
from ipcity.workspace.models import AuditEntry
from tests.support.prot_fixtures import TODAY, ProtWorld, case


def xlsx(rows: list[list[Any]]) -> bytes:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


COURT_HEADER = [
    "序号", "案号", "案件类型", "知识产权类型", "案由", "立案日期", "结案日期", "结案方式",
    "涉外", "长三角", "所属区", "原告", "被告", "诉讼标的额（万元）", "判赔金额", "备注",
]  # fmt: skip


def court_sheet(extra: list[list[Any]] | None = None) -> bytes:
    rows: list[list[Any]] = [
        ["2023年知识产权案件收结案情况表"],  # a title row above the header
        COURT_HEADER,
        [1, "（2023）沪73知民初1号", "民事", "发明专利", "侵害发明专利权纠纷",
         datetime(2023, 1, 5), "2023年3月1日", "判决支持", "是", "否", "黄浦区",
         "上海甲科技有限公司", "张三", 12.5, "30000", "备注一"],
        [2, "（2023）沪73知民初2号", "民事案件", "商标", "侵害商标权纠纷", "2023/2/1", "",
         "", "否", "长三角", "徐汇", "乙公司", "李四", "", "", ""],
        [],  # blank rows are skipped
        [3, "（2023）沪73知刑初3号", "刑事", "注册商标", "假冒注册商标罪", "2023-03-01",
         "2023-06-30", "有罪判决", "", "", "", "", "王五", "", "", ""],
    ]  # fmt: skip
    return xlsx(rows + (extra or []))


def _import(pw: ProtWorld, data: bytes, name: str = "court.xlsx", **kw: Any) -> Any:
    with pw.db.write() as s:
        return do_import_cases(s, pw.w.editor_a, pw.w.unit_a, data, name, today=TODAY, **kw)


def _count(pw: ProtWorld, model: Any = ProtectionCase) -> int:
    with pw.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_court_layout_and_rerun(pw: ProtWorld) -> None:
    result = _import(pw, court_sheet())
    assert result.rows == 3 and len(result.created) == 3 and result.updated == []
    with pw.db.read() as s:
        views = {v.case_no: v for v in list_cases(s, pw.w.editor_a)}
    c1 = views["(2023)沪73知民初1号"]
    assert (c1.kind, c1.ip_type, c1.outcome) == ("civil", "patent", "upheld")
    assert (c1.received_on.isoformat(), c1.closed_on and c1.closed_on.isoformat()) == (
        "2023-01-05",
        "2023-03-01",
    )
    assert c1.foreign_related and not c1.cross_region and c1.district == "310101"
    assert c1.amount_claimed == Decimal("125000")  # 12.5 in a 万元 column
    assert c1.amount_awarded == Decimal("30000")
    assert c1.claimants == "上海甲科技有限公司" and c1.respondents == "张三"
    c2 = views["(2023)沪73知民初2号"]
    assert c2.closed_on is None and c2.cross_region and c2.cross_region_note == "长三角"
    assert c2.district == "310104"
    assert views["(2023)沪73知刑初3号"].kind == "criminal"
    audit_before = _count(pw, AuditEntry)
    versions = {k: v.version for k, v in views.items()}
    # Re-running the same sheet changes nothing: no write, no audit entry, no version step.
    again = _import(pw, court_sheet())
    assert len(again.unchanged) == 3 and again.created == again.updated == []
    assert _count(pw, AuditEntry) == audit_before
    # One changed cell updates that case only.
    changed = court_sheet()
    wb = openpyxl.load_workbook(io.BytesIO(changed))
    wb.active["G4"] = "2023-05-20"  # closed_on of case 2
    wb.active["H4"] = "撤诉"
    buf = io.BytesIO()
    wb.save(buf)
    third = _import(pw, buf.getvalue())
    assert third.updated == ["(2023)沪73知民初2号"] and len(third.unchanged) == 2
    with pw.db.read() as s:
        now = {v.case_no: v for v in list_cases(s, pw.w.editor_a)}
    assert now["(2023)沪73知民初2号"].version == versions["(2023)沪73知民初2号"] + 1
    assert now["(2023)沪73知民初2号"].outcome == "withdrawn"
    assert now["(2023)沪73知民初1号"].version == versions["(2023)沪73知民初1号"]


def test_bad_rows_write_nothing(pw: ProtWorld) -> None:
    case(pw.db, pw.w.editor_a, case_no="KEEP")
    before = (_count(pw), _count(pw, AuditEntry))
    bad = court_sheet(
        [
            [4, "（2023）沪73知民初4号", "民事", "专利", "", "2023-05-01", "2023-04-01",
             "支持", "", "", "", "", "", "", "", ""],
            [5, "", "民事", "域名", "", "2023年5月", "", "支持", "也许", "", "杭州", "", "",
             "abc", "", ""],
            [6, "（2023）沪73知民初1号", "民事", "专利", "", "2023-01-05", "", "", "", "", "",
             "", "", "", "", ""],
        ]
    )  # fmt: skip
    with pytest.raises(ImportRejected) as err:
        _import(pw, bad)
    got = {(e.row, e.column, e.key) for e in err.value.row_errors}
    # rows as Excel numbers them (title row 1, header row 2, blank row 6)
    assert got == {
        (7, "结案日期", "field.closed_before_received"),
        (8, "案号", "field.required"),
        (8, "知识产权类型", "field.unknown_ip_type"),
        (8, "立案日期", "field.invalid_date"),
        (8, "涉外", "field.invalid_choice"),
        (8, "所属区", "field.unknown_district"),
        (8, "诉讼标的额（万元）", "field.not_a_number"),
        (8, "结案方式", "field.outcome_needs_closed"),
        (9, "案号", "field.duplicate"),
    }
    assert (_count(pw), _count(pw, AuditEntry)) == before
    body = err.value.as_dict("en")
    assert body["error"] == "error.import_rejected" and len(body["row_errors"]) == 9


def test_customs_csv_in_gbk_with_default_kind(pw: ProtWorld) -> None:
    text = (
        "扣留编号,权利类型,扣留日期,办结日期,处理结果,查扣货值(元),涉外,当事人\n"
        'HG-001,注册商标专用权,2023-03-01,2023-03-20,没收侵权货物,"12,000",是,某外贸公司\n'
        "HG-002,专利,2023-03-02,,,5000,否,赵六\n"
    )
    with pw.db.write() as s:
        result = do_import_cases(
            s,
            pw.w.admin,
            pw.unit_c,
            text.encode("gbk"),
            "customs.csv",
            default_kind="海关扣留",
            today=TODAY,
        )
    assert len(result.created) == 2
    with pw.db.read() as s:
        views = {v.case_no: v for v in list_cases(s, pw.w.admin, CaseFilter(unit_id=pw.unit_c))}
    assert views["HG-001"].kind == "customs_seizure" and views["HG-001"].outcome == "seized"
    assert views["HG-001"].value_seized == Decimal("12000")
    assert views["HG-002"].closed_on is None and views["HG-002"].respondents == "赵六"
    # without the default kind the sheet lacks a required column
    with pytest.raises(ImportRejected) as err, pw.db.write() as s:
        do_import_cases(s, pw.w.admin, pw.unit_c, text.encode("gbk"), "c.csv", today=TODAY)
    assert err.value.row_errors[0].key == "field.no_header"


def test_transferred_cases_are_skipped_and_absent_ones_kept(pw: ProtWorld) -> None:
    _import(pw, court_sheet())
    with pw.db.write() as s:
        v = list_cases(s, pw.w.editor_a, CaseFilter(search="知刑初3号"))[0]
        do_transfer_case(
            s, pw.w.editor_a, v.id, expected_version=v.version, to_unit_id=pw.w.unit_b, today=TODAY
        )
    only_two = xlsx(
        [
            COURT_HEADER,
            [1, "（2023）沪73知民初1号", "民事", "发明专利", "侵害发明专利权纠纷",
             datetime(2023, 1, 5), "2023年3月1日", "判决支持", "是", "否", "黄浦区",
             "上海甲科技有限公司", "张三", 12.5, "30000", "备注一"],
            [3, "（2023）沪73知刑初3号", "刑事", "注册商标", "假冒注册商标罪", "2023-03-01",
             "2023-06-30", "有罪判决", "", "", "", "", "王五", "", "", ""],
        ]
    )  # fmt: skip
    result = _import(pw, only_two)
    # the transferred case is not recreated (it would count twice); case 2 is kept
    assert result.skipped == ["(2023)沪73知刑初3号"]
    assert result.unchanged == ["(2023)沪73知民初1号"]
    assert result.not_in_file == ["(2023)沪73知民初2号"]
    assert _count(pw) == 3


def test_unit_column_must_be_the_importing_unit(pw: ProtWorld) -> None:
    sheet = "案号,办理单位,案件类型,知识产权类型,收案日期\nU1,市科委,民事,专利,2023-01-01\nU2,市商务委,民事,专利,2023-01-01\n"
    with pytest.raises(ImportRejected) as err:
        _import(pw, sheet.encode(), "u.csv")
    assert [(e.row, e.column, e.key) for e in err.value.row_errors] == [
        (3, "办理单位", "field.not_own_unit")
    ]


def test_export_reimports_unchanged(pw: ProtWorld) -> None:
    _import(pw, court_sheet())
    for fmt in ("xlsx", "csv"):
        with pw.db.read() as s:
            data = export_cases(s, pw.w.editor_a, fmt=fmt)
        result = _import(pw, data, f"export.{fmt}")
        assert len(result.unchanged) == 3 and result.updated == [], fmt


def test_unreadable_files(pw: ProtWorld) -> None:
    with pytest.raises(ImportRejected) as err:
        _import(pw, b"\x00\x01 not a sheet", "x.xls")
    assert err.value.row_errors[0].key == "field.unreadable_file"
    with pytest.raises(ImportRejected) as err:
        _import(pw, "名称,金额\n甲,1\n".encode(), "x.csv")
    assert err.value.row_errors[0].key == "field.no_header"
