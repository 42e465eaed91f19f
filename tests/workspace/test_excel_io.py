"""Import of the office's task and target sheets (XLSX, CSV in UTF-8 and GBK): good file,
bad rows (nothing written, every error listed), re-run (idempotent, updates), export
round trip."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from ipcity.workspace import actions as A
from ipcity.workspace.errors import ImportRejected
from ipcity.workspace.excel_io import (
    TARGET_HEADER,
    export_targets,
    export_tasks,
    parse_milestones,
)
from ipcity.workspace.models import AuditEntry, IndicatorTarget, Task
from ipcity.workspace.tabular import read_rows
from tests.support.ws_fixtures import World

HEADER = [
    "序号",
    "重点任务",
    "任务描述",
    "所属目标",
    "牵头单位",
    "配合单位",
    "完成时限",
    "预期成果",
    "权重",
    "里程碑",
]


def xlsx(rows: list[list[Any]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def good_rows() -> list[list[Any]]:
    return [
        ["2023年知识产权强市建设推进计划"],  # title row above the header
        HEADER,
        ["一、高价值专利"],  # section heading naming goal G1.1
        [
            1,
            "实施高价值专利培育工程",
            "建设示范中心",
            "",
            "市科委",
            "市商务委、黄浦区",
            "2023年6月底",
            "示范中心5家",
            2,
            "3月底前制定方案；2023-06-30 完成验收",
        ],
        [2, "开展专利导航", "", "G1", "科委", "", datetime(2023, 9, 30), "导航报告", "", ""],
        [3, "推进纠纷调解", "", "创造", "黄浦区政府", "各区；市商务委", "年底", "", "", ""],
        [],
    ]


def _tasks(w: World) -> dict[str, Task]:
    with w.db.read() as s:
        tasks = s.scalars(select(Task).where(Task.work_plan_id == w.work_plan)).all()
        return {t.code: t for t in tasks if t.code.startswith("2023-0") and t.seq >= 1} | {}


def test_import_good_xlsx(world: World) -> None:
    w = world
    with w.db.write() as s:
        result = A.do_import_tasks(s, w.admin, w.work_plan, xlsx(good_rows()), "计划.xlsx")
    # 序号 is a row number, not a code: the world's 2023-001 and 2023-002 are left alone and
    # the three rows become new tasks with the next free codes.
    assert (result.updated, result.created, result.rows) == (
        [],
        ["2023-003", "2023-004", "2023-005"],
        3,
    )
    with w.db.read() as s:
        tasks = {t.code: t for t in s.scalars(select(Task).where(Task.work_plan_id == w.work_plan))}
        t1, t2, t3 = tasks["2023-003"], tasks["2023-004"], tasks["2023-005"]
        assert (t1.seq, t2.seq, t3.seq) == (1, 2, 3)
        assert (t1.title, t1.lead_unit_id, t1.deadline, t1.deadline_text, t1.weight) == (
            "实施高价值专利培育工程",
            w.unit_a,
            date(2023, 6, 30),
            "2023年6月底",
            2.0,
        )
        assert [u.id for u in t1.co_units] == [w.unit_b, w.district]
        assert t1.goal_id == w.goal_child  # from the section heading
        assert [(m.title, m.due_date) for m in t1.milestones] == [
            ("制定方案", date(2023, 3, 31)),
            ("完成验收", date(2023, 6, 30)),
        ]
        assert (t2.goal_id, t2.lead_unit_id, t2.deadline, t2.deadline_text) == (
            w.goal_root,
            w.unit_a,
            date(2023, 9, 30),
            "",
        )
        # 各区 = every district; the lead (黄浦区) is dropped from its own co-operating list
        assert (t3.lead_unit_id, [u.id for u in t3.co_units], t3.deadline) == (
            w.district,
            [w.unit_b],
            date(2023, 12, 31),
        )
        assert t3.goal_id == w.goal_root  # 所属目标 by title


def test_rerun_is_idempotent_and_updates(world: World) -> None:
    w = world
    data = xlsx(good_rows())
    with w.db.write() as s:
        A.do_import_tasks(s, w.admin, w.work_plan, data, "计划.xlsx")
    with w.db.read() as s:
        versions = {t.code: t.version for t in s.scalars(select(Task))}
        audits = s.scalar(select(func.count()).select_from(AuditEntry))
    with w.db.write() as s:
        again = A.do_import_tasks(s, w.admin, w.work_plan, data, "计划.xlsx")
    assert (again.created, again.updated, sorted(again.unchanged)) == (
        [],
        [],
        ["2023-003", "2023-004", "2023-005"],
    )
    with w.db.read() as s:
        assert {t.code: t.version for t in s.scalars(select(Task))} == versions
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == audits
    rows = good_rows()
    rows[4][6] = "2023年10月底"  # task 2 moves
    with w.db.write() as s:
        third = A.do_import_tasks(s, w.admin, w.work_plan, xlsx(rows), "计划.xlsx")
    assert (third.updated, sorted(third.unchanged)) == (["2023-004"], ["2023-003", "2023-005"])
    with w.db.read() as s:
        t2 = s.scalar(select(Task).where(Task.code == "2023-004"))
        assert t2 is not None and t2.deadline == date(2023, 10, 31)


def test_bad_rows_write_nothing_and_are_all_listed(world: World) -> None:
    w = world
    rows = good_rows()
    rows[3][4] = "市外星局"  # unknown lead unit (row 4)
    rows[4][6] = "尽快"  # unreadable deadline (row 5)
    rows[5][5] = "各区；市不存在委"  # unknown co-operating unit (row 6)
    rows[5][3] = "G9"  # unknown goal (row 6)
    rows.append(
        [4, "", "", "", "市科委", "", "年底", "", "abc", ""]
    )  # no title, bad weight (row 8)
    rows.append(
        [5, "开展专利导航", "", "", "市科委", "", "年底", "", "", ""]
    )  # the same task as row 5 (title and lead unit; row 9)
    with w.db.read() as s:
        before = {t.id: t.as_dict() for t in s.scalars(select(Task))}
    with w.db.write() as s, pytest.raises(ImportRejected) as info:
        A.do_import_tasks(s, w.admin, w.work_plan, xlsx(rows), "计划.xlsx")
    got = sorted(
        (e.row, e.column, e.key.removesuffix("_suggest").removesuffix("_hint"))
        for e in info.value.row_errors
    )
    assert got == [
        (4, "牵头单位", "field.unknown_unit"),
        (5, "完成时限", "field.invalid_date"),
        (6, "所属目标", "field.unknown_goal"),
        (6, "配合单位", "field.unknown_unit"),
        (8, "权重", "field.not_a_number"),
        (8, "重点任务", "field.required"),
        (9, "重点任务", "field.duplicate_task_row"),
    ]
    assert {e.row: e.seq for e in info.value.row_errors}[9] == "5"  # the 序号 as written
    assert info.value.as_dict("en")["row_errors"][0]["message"].startswith("unknown unit")
    with w.db.read() as s:
        assert {t.id: t.as_dict() for t in s.scalars(select(Task))} == before


def test_missing_header_and_unreadable_file(world: World) -> None:
    w = world
    with w.db.write() as s, pytest.raises(ImportRejected) as info:
        A.do_import_tasks(s, w.admin, w.work_plan, xlsx([["a", "b"], [1, 2]]), "x.xlsx")
    assert info.value.row_errors[0].key == "field.no_header"
    with w.db.write() as s, pytest.raises(ImportRejected) as info:
        A.do_import_tasks(s, w.admin, w.work_plan, b"PK\x03\x04broken", "x.xlsx")
    assert info.value.row_errors[0].key == "field.unreadable_file"


def test_csv_gbk_and_utf8(world: World) -> None:
    w = world
    text = "任务编号,重点任务,牵头单位,配合单位,完成时限\nK-1,加强展会保护,市商务委,市科委,2023年11月\n"
    for data in (text.encode("gbk"), text.encode("utf-8-sig"), text.encode("utf-8")):
        assert read_rows(data, "t.csv")[1] == [
            "K-1",
            "加强展会保护",
            "市商务委",
            "市科委",
            "2023年11月",
        ]
    with w.db.write() as s:
        r = A.do_import_tasks(s, w.admin, w.work_plan, text.encode("gbk"), "任务.csv")
    assert r.created == ["K-1"] and sorted(r.not_in_file) == ["2023-001", "2023-002"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_round_trip(world: World, fmt: str) -> None:
    w = world
    with w.db.write() as s:
        A.do_import_tasks(s, w.admin, w.work_plan, xlsx(good_rows()), "计划.xlsx")
    with w.db.read() as s:
        exported = export_tasks(s, w.leader, w.work_plan, fmt=fmt)
        before = {t.code: t.as_dict() for t in s.scalars(select(Task))}
    rows = read_rows(exported, f"out.{fmt}")
    assert rows[0][:3] == ["序号", "任务编号", "重点任务"]
    with w.db.write() as s:
        again = A.do_import_tasks(s, w.admin, w.work_plan, exported, f"out.{fmt}")
    assert again.created == [] and again.updated == [] and len(again.unchanged) == 5
    with w.db.read() as s:
        assert {t.code: t.as_dict() for t in s.scalars(select(Task))} == before


def test_targets_import_and_round_trip(world: World) -> None:
    w = world
    rows = [
        list(TARGET_HEADER[:12]),  # the office's layout, without 地区 and 备注
        [
            1,
            "HVP",
            "每万人口高价值发明专利拥有量",
            "high_value_invention_patents_per_10k",
            "件",
            "预期性",
            2020,
            21.2,
            2025,
            40,
            "正向",
            "G1.1",
        ],
        [
            2,
            "",
            "专利侵权纠纷行政裁决平均办案周期",
            "",
            "个月",
            "约束性",
            2020,
            4.5,
            2025,
            3,
            "逆向",
            "",
        ],
    ]
    with w.db.write() as s:
        r = A.do_import_targets(s, w.admin, w.plan, xlsx(rows), "指标.xlsx")
    assert r.created == ["HVP", "I002"]
    with w.db.read() as s:
        t = {x.code: x for x in s.scalars(select(IndicatorTarget))}
        assert (
            t["HVP"].goal_id,
            t["HVP"].binding,
            t["HVP"].direction,
            t["HVP"].baseline_value,
        ) == (w.goal_child, False, "higher", 21.2)
        assert (t["I002"].binding, t["I002"].direction, t["I002"].engine_indicator) == (
            True,
            "lower",
            None,
        )
    # re-run: the row without a code is matched by its name
    with w.db.write() as s:
        again = A.do_import_targets(s, w.admin, w.plan, xlsx(rows), "指标.xlsx")
    assert (again.created, again.updated) == ([], [])
    rows[2][9] = 2.5
    with w.db.write() as s:
        third = A.do_import_targets(s, w.admin, w.plan, xlsx(rows), "指标.xlsx")
    assert third.updated == ["I002"]
    with w.db.read() as s:
        out = export_targets(s, w.admin, w.plan, fmt="xlsx")
    with w.db.write() as s:
        fourth = A.do_import_targets(s, w.admin, w.plan, out, "out.xlsx")
    assert (fourth.created, fourth.updated, sorted(fourth.unchanged)) == ([], [], ["HVP", "I002"])
    bad = [rows[0], [1, "X", "", "", "", "属性不明", "", "", "二〇二五", "", "向上", ""]]
    with w.db.write() as s, pytest.raises(ImportRejected) as info:
        A.do_import_targets(s, w.admin, w.plan, xlsx(bad), "bad.xlsx")
    assert sorted((e.column, e.key) for e in info.value.row_errors) == [
        ("属性", "field.invalid_choice"),
        ("指标", "field.required"),
        ("方向", "field.invalid_choice"),
        ("目标值", "field.required"),
        ("目标年", "field.not_a_number"),
    ]


def test_milestone_parsing() -> None:
    assert parse_milestones("3月底前完成调研；2023-09-30 出台办法\n持续跟踪", 2023) == [
        ("完成调研", date(2023, 3, 31)),
        ("出台办法", date(2023, 9, 30)),
        ("持续跟踪", None),
    ]
