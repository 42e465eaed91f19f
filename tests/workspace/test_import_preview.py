"""Imports that never destroy work (issue 12): the office's 序号-style sheet (no task codes)
against a work plan whose tasks 2023-001..003 have reports adds tasks and changes none; the
preview lists what it would do and changes nothing; renaming a task with reports is a loud
warning; a stale preview is refused; unit aliases resolve and unknown units get suggestions.
Also the tired user's and the attacker's cases (same file twice, header only, duplicates,
aliases colliding with other units)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from ipcity.workspace import actions as A
from ipcity.workspace.actions.imports import (
    StalePreview,
    TaskImportPreview,
    do_import_tasks,
    preview_task_import,
    read_task_import,
)
from ipcity.workspace.errors import ImportRejected, ValidationError
from ipcity.workspace.models import AuditEntry, Task, Unit
from tests.support.ws_fixtures import World

TODAY = date(2023, 11, 15)

# The sheet from the issue: 序号 / 重点任务 / 牵头单位 / 配合单位 / 完成时限, no task code.
XUHAO = (
    "序号,重点任务,牵头单位,配合单位,完成时限\n"
    "1,开展知识产权宣传周活动,市科委,市商务委,4月底\n"
    "2,加强知识产权司法保护,市高院,,2023年12月\n"
    "3,推进知识产权金融服务,市商务委,黄浦区,2025年6月\n"
)


@pytest.fixture
def court_world(world: World) -> tuple[World, int]:
    """The world plus the court (alias 市高院) leading task 2023-003; every task has a
    submitted report."""
    w = world
    with w.db.write() as s:
        court = A.do_create_unit(
            s,
            w.system,
            {
                "code": "COURT",
                "name": "市高级人民法院",
                "short_name": "高院",
                "kind": "municipal",
                "aliases": ["市高院", "上海高院"],
            },
        ).id
        t3 = A.do_create_task(
            s,
            w.system,
            {
                "work_plan_id": w.work_plan,
                "title": "完善知识产权审判机制",
                "lead_unit_id": court,
                "deadline": date(2023, 12, 31),
            },
        )
        for task_id, unit in ((w.t1, w.unit_a), (w.t2, w.unit_b), (t3.id, court)):
            r = A.do_create_report(
                s,
                w.admin,
                task_id=task_id,
                period="2023-Q3",
                percent=60,
                narrative="进展顺利",
                unit_id=unit,
            )
            A.do_submit_report(s, w.admin, r.id, expected_version=r.version)
    return w, court


def _state(w: World) -> tuple[dict[str, dict[str, Any]], int]:
    with w.db.read() as s:
        tasks = {t.code: t.as_dict() for t in s.scalars(select(Task))}
        audits = s.scalar(select(func.count()).select_from(AuditEntry)) or 0
    return tasks, audits


def _preview(w: World, data: bytes, name: str = "计划.csv") -> TaskImportPreview:
    with w.db.read() as s:
        ready = read_task_import(s, w.admin, w.work_plan, data, name)
        return preview_task_import(s, w.admin, ready, today=TODAY)


def test_xuhao_sheet_adds_tasks_and_changes_none(court_world: tuple[World, int]) -> None:
    w, court = court_world
    before, _ = _state(w)
    assert sorted(before) == ["2023-001", "2023-002", "2023-003"]
    preview = _preview(w, XUHAO.encode())
    # The preview: three new tasks with the next free codes, nothing updated.
    assert [(a["code"], a["seq"], a["title"], a["lead_unit"]) for a in preview.add] == [
        ("2023-004", "1", "开展知识产权宣传周活动", "市科委"),
        ("2023-005", "2", "加强知识产权司法保护", "市高级人民法院"),  # via the alias 市高院
        ("2023-006", "3", "推进知识产权金融服务", "市商务委"),
    ]
    assert preview.update == [] and preview.unchanged == []
    assert preview.not_in_file == ["2023-001", "2023-002", "2023-003"]
    # 4月底 reads as 30 April: shown with its date, and flagged as already past.
    assert preview.add[0]["deadline_text"] == "4月底"
    assert preview.add[0]["deadline"] == "2023-04-30"
    warnings = sorted((x.row, x.seq, x.key) for x in preview.warnings)
    assert warnings == [
        (2, "1", "import.deadline_passed"),
        (4, "3", "import.deadline_outside_year"),  # 2025年6月 in the 2023 plan
    ]
    outside = next(x for x in preview.warnings if x.key == "import.deadline_outside_year")
    assert "2025年6月" in outside.message("zh") and "2023" in outside.message("en")
    body = preview.as_dict("en")
    assert (len(body["add"]), body["update"], body["unchanged"], body["errors"]) == (3, [], 0, [])
    # Applying: three tasks added, the three existing ones byte for byte as before.
    with w.db.write() as s:
        result = do_import_tasks(
            s, w.admin, w.work_plan, XUHAO.encode(), "计划.csv", expected_token=preview.token
        )
    assert (result.created, result.updated) == (["2023-004", "2023-005", "2023-006"], [])
    after, _ = _state(w)
    assert {c: after[c] for c in before} == before
    assert after["2023-005"]["lead_unit_id"] == court
    assert after["2023-004"]["seq"] == 1  # 序号 orders the tasks; it is not their code


def test_dry_run_writes_nothing(court_world: tuple[World, int]) -> None:
    w, _ = court_world
    before = _state(w)
    _preview(w, XUHAO.encode())
    assert _state(w) == before


def test_same_file_twice_changes_nothing_the_second_time(court_world: tuple[World, int]) -> None:
    w, _ = court_world
    with w.db.write() as s:
        do_import_tasks(s, w.admin, w.work_plan, XUHAO.encode(), "a.csv")
    before = _state(w)
    preview = _preview(w, XUHAO.encode())
    assert (preview.add, preview.update) == ([], [])
    assert sorted(preview.unchanged) == ["2023-004", "2023-005", "2023-006"]
    with w.db.write() as s:
        again = do_import_tasks(s, w.admin, w.work_plan, XUHAO.encode(), "a.csv")
    assert (again.created, again.updated) == ([], [])
    assert _state(w) == before  # not even an audit entry


def test_matching_by_title_and_lead_updates_only_the_sheets_columns(
    court_world: tuple[World, int],
) -> None:
    w, _ = court_world
    sheet = "序号,重点任务,牵头单位,完成时限\n9,任务一,市科委,2023年9月底\n"
    preview = _preview(w, sheet.encode())
    assert preview.add == []
    [upd] = preview.update
    # Only the deadline moves: not the code, not the seq (序号 9 is a row number), not the
    # co-operating units (the sheet has no such column).
    assert (upd["code"], sorted(upd["changes"])) == ("2023-001", ["deadline", "deadline_text"])
    assert upd["changes"]["deadline"] == {"from": "2023-06-30", "to": "2023-09-30"}
    assert not upd["loud"]


def test_renaming_a_task_with_reports_is_a_loud_warning(court_world: tuple[World, int]) -> None:
    w, _ = court_world
    sheet = "任务编号,重点任务,牵头单位,完成时限\n2023-003,开展知识产权宣传活动,市委宣传部,年底\n"
    with w.db.write() as s:
        A.do_create_unit(s, w.system, {"code": "PUB", "name": "市委宣传部", "kind": "municipal"})
    preview = _preview(w, sheet.encode())
    [upd] = preview.update
    assert upd["loud"] and upd["reports"] == 1
    assert upd["changes"]["title"] == {"from": "完善知识产权审判机制", "to": "开展知识产权宣传活动"}
    assert upd["changes"]["lead_unit_id"] == {"from": "市高级人民法院", "to": "市委宣传部"}
    [loud] = [x for x in preview.warnings if x.key == "import.renames_reported_task"]
    assert "2023-003" in loud.message("zh") and "重点任务、牵头单位" in loud.message("zh")
    assert loud.message("en").endswith("changes its title and lead unit")  # no Chinese words
    assert preview.loud == [upd]


def test_stale_preview_is_refused_and_writes_nothing(court_world: tuple[World, int]) -> None:
    w, _ = court_world
    sheet = "序号,重点任务,牵头单位,完成时限\n1,任务一,市科委,2023年9月底\n2,新任务,市科委,年底\n"
    preview = _preview(w, sheet.encode())
    with w.db.write() as s:  # someone edits task 2023-001 after the preview
        t1 = s.get(Task, w.t1)
        assert t1 is not None
        A.do_update_task(s, w.admin, t1.id, expected_version=t1.version, changes={"weight": 3})
    before = _state(w)
    with w.db.write() as s, pytest.raises(StalePreview) as info:
        do_import_tasks(
            s, w.admin, w.work_plan, sheet.encode(), "a.csv", expected_token=preview.token
        )
    assert info.value.http_status == 409
    assert "nothing was written" in info.value.message("en")
    assert _state(w) == before
    # A fresh preview of the same file applies.
    fresh = _preview(w, sheet.encode())
    with w.db.write() as s:
        done = do_import_tasks(
            s, w.admin, w.work_plan, sheet.encode(), "a.csv", expected_token=fresh.token
        )
    assert (done.created, done.updated) == (["2023-004"], ["2023-001"])


def test_unknown_units_get_suggestions_and_one_lead_unit_its_own_message(
    court_world: tuple[World, int],
) -> None:
    w, _ = court_world
    sheet = (
        "序号,重点任务,牵头单位,配合单位,完成时限\n"
        "1,甲,市高级法院,,年底\n"  # close to 市高级人民法院
        "2,乙,市科委、市商务委,,年底\n"  # two lead units
        "3,丙,各区,,年底\n"  # every district: not one lead unit
        "4,丁,市科委,市外星局,年底\n"  # nothing close
        "5,戊,市商务,,年底\n"  # 市商务委 without 委
    )
    with w.db.read() as s, pytest.raises(ImportRejected) as info:
        read_task_import(s, w.admin, w.work_plan, sheet.encode(), "a.csv")
    errs = {(e.row, e.seq): e for e in info.value.row_errors}
    assert errs[(2, "1")].key == "field.unknown_unit_suggest"
    assert "市高级人民法院" in errs[(2, "1")].message("zh")
    assert errs[(2, "1")].message("en").startswith("unknown unit: 市高级法院. Did you mean")
    assert errs[(3, "2")].key == "field.one_lead_unit"
    assert errs[(4, "3")].key == "field.one_lead_unit"
    assert errs[(5, "4")].key in ("field.unknown_unit_hint", "field.unknown_unit_suggest")
    assert "市商务委" in errs[(6, "5")].params["suggestions"]
    # No message blames a code the user never typed.
    assert not any("2023-" in e.message("zh") for e in info.value.row_errors)


def test_duplicate_rows_name_the_other_row(court_world: tuple[World, int]) -> None:
    w, _ = court_world
    sheet = "序号,重点任务,牵头单位,完成时限\n1,甲,市科委,年底\n2,甲 ,市科委,年底\n"
    with w.db.read() as s, pytest.raises(ImportRejected) as info:
        read_task_import(s, w.admin, w.work_plan, sheet.encode(), "a.csv")
    [e] = info.value.row_errors
    assert (e.row, e.seq, e.key, e.params) == (3, "2", "field.duplicate_task_row", {"other": 2})


def test_header_only_and_empty_files(court_world: tuple[World, int]) -> None:
    w, _ = court_world
    for data in ("序号,重点任务,牵头单位,配合单位,完成时限\n".encode(), b"", b"\n\n"):
        with w.db.read() as s, pytest.raises(ImportRejected) as info:
            read_task_import(s, w.admin, w.work_plan, data, "a.csv")
        assert info.value.row_errors[0].key in ("import.empty_sheet", "field.no_header")
    with w.db.read() as s, pytest.raises(ImportRejected) as info:
        read_task_import(
            s, w.admin, w.work_plan, "序号,重点任务,牵头单位,完成时限\n".encode(), "a.csv"
        )
    assert info.value.row_errors[0].key == "import.empty_sheet"


def test_aliases_are_audited_and_never_collide(court_world: tuple[World, int]) -> None:
    w, court = court_world
    with w.db.write() as s:
        unit = s.get(Unit, w.unit_a)
        assert unit is not None
        A.do_update_unit(
            s,
            w.admin,
            unit.id,
            expected_version=unit.version,
            changes={"aliases": "科委；市科学技术委员会"},
        )
    with w.db.read() as s:
        unit = s.get(Unit, w.unit_a)
        assert unit is not None and unit.alias_names == ["科委", "市科学技术委员会"]
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.entity == "unit").order_by(AuditEntry.id.desc())
        ).first()
        assert entry is not None and entry.action == "unit.update"
        assert "市科学技术委员会" in str(entry.after)
    # An alias that is another unit's name, short name or alias is refused ...
    for taken in ("市科委", "高院", "市高院"):
        with w.db.write() as s, pytest.raises(ValidationError) as info:
            unit = s.get(Unit, w.unit_b)
            assert unit is not None
            A.do_update_unit(
                s, w.admin, unit.id, expected_version=unit.version, changes={"aliases": [taken]}
            )
        assert info.value.errors[0].key == "field.alias_taken"
    # ... and so is a new unit named like another unit's alias.
    with w.db.write() as s, pytest.raises(ValidationError) as info:
        A.do_create_unit(s, w.admin, {"code": "X", "name": "市高院", "kind": "municipal"})
    assert info.value.errors[0].key == "field.alias_taken"
    # Clearing the aliases works; the sheet's 市高院 is then unknown, with a suggestion.
    with w.db.write() as s:
        c = s.get(Unit, court)
        assert c is not None
        A.do_update_unit(s, w.admin, c.id, expected_version=c.version, changes={"aliases": ""})
    with w.db.read() as s, pytest.raises(ImportRejected) as info:
        read_task_import(s, w.admin, w.work_plan, XUHAO.encode(), "a.csv")
    [e] = info.value.row_errors
    assert e.key == "field.unknown_unit_suggest" and "市高级人民法院" in e.params["suggestions"]


def test_changing_aliases_steps_the_units_version(court_world: tuple[World, int]) -> None:
    w, court = court_world
    with w.db.write() as s:
        c = s.get(Unit, court)
        assert c is not None
        v = c.version
        A.do_update_unit(s, w.admin, c.id, expected_version=v, changes={"aliases": ["市高院"]})
    with w.db.read() as s:
        c = s.get(Unit, court)
        assert c is not None and c.version == v + 1 and c.alias_names == ["市高院"]


def test_a_kept_upload_is_only_its_owners(court_world: tuple[World, int]) -> None:
    from ipcity.workspace.actions.imports import (
        PreviewExpired,
        load_pending_import,
        store_pending_import,
    )
    from ipcity.workspace.permissions import Actor

    w, _ = court_world
    with w.db.write() as s:
        other = Actor.from_user(
            A.do_create_user(
                s,
                w.system,
                {"username": "office2", "role": "office_admin", "unit_id": w.office},
                password="Correct-horse-9-battery",
            )
        )
        key = store_pending_import(
            s,
            w.admin,
            kind="tasks",
            owner_id=w.work_plan,
            data=XUHAO.encode(),
            filename="a.csv",
            sheet="",
        )
    with w.db.read() as s:
        assert load_pending_import(s, w.admin, key, kind="tasks", owner_id=w.work_plan).data
        for actor, kind, owner in (
            (other, "tasks", w.work_plan),  # another office user
            (w.admin, "targets", w.work_plan),  # another kind
            (w.admin, "tasks", w.work_plan + 1),  # another work plan
        ):
            with pytest.raises(PreviewExpired):
                load_pending_import(s, actor, key, kind=kind, owner_id=owner)
        with pytest.raises(PreviewExpired):
            load_pending_import(s, w.admin, "x" * 500, kind="tasks", owner_id=w.work_plan)
