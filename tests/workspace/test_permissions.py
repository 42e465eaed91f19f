"""Every action against every role: allowed ones succeed, the rest raise PermissionDenied
(or NotFound where the object is hidden from the role, e.g. another unit's draft)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ipcity.workspace import actions as A
from ipcity.workspace.errors import NotFound, PermissionDenied
from ipcity.workspace.models import Notice
from ipcity.workspace.permissions import (
    CAPABILITIES,
    Actor,
    Cap,
    Role,
    can_view_report,
)
from tests.support.ws_fixtures import World


class FakeResult:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.meta = {"vintage": {"latest_run": 1}}

    @property
    def table(self) -> Any:
        rows = self.rows

        class T:
            def to_pylist(self) -> list[dict[str, Any]]:
                return rows

        return T()


def fake_compute(
    _wh: Any, *, indicators: list[str], years: Any, region: str, **_: Any
) -> FakeResult:
    return FakeResult([{"indicator": indicators[0], "year": 2022, "region": region, "value": 1.0}])


SHEET = "重点任务,牵头单位,完成时限\n新任务,市科委,2023年6月底\n".encode()
TARGET_SHEET = "指标,目标年,目标值\n新指标,2025,10\n".encode()


def _prepare(w: World) -> dict[str, int]:
    """Reports of unit A on T1 in three states, a notice for unit A, an engine indicator."""
    with w.db.write() as s:
        draft = A.do_create_report(
            s, w.editor_a, task_id=w.t1, period="2023-Q1", percent=10, narrative="草稿"
        )
        sub = A.do_create_report(
            s, w.editor_a, task_id=w.t1, period="2023-Q2", percent=20, narrative="报送"
        )
        sub = A.do_submit_report(s, w.editor_a, sub.id, expected_version=sub.version)
        ret = A.do_create_report(
            s, w.editor_a, task_id=w.t1, period="2023-03", percent=5, narrative="退回"
        )
        ret = A.do_submit_report(s, w.editor_a, ret.id, expected_version=ret.version)
        ret = A.do_return_report(s, w.admin, ret.id, expected_version=ret.version, comment="补充")
        notice = s.scalar(select(Notice).where(Notice.unit_id == w.unit_a))
        assert notice is not None
        target = A.do_create_target(
            s,
            w.admin,
            {
                "plan_id": w.plan,
                "code": "HVP",
                "name": "高价值发明专利",
                "engine_indicator": "hvp",
                "direction": "higher",
                "target_year": 2025,
                "target_value": 40,
            },
        )
        return {
            "draft": draft.id,
            "submitted": sub.id,
            "returned": ret.id,
            "notice": notice.id,
            "target": target.id,
        }


Call = Callable[[Session, Actor], Any]


def catalog(w: World, ids: dict[str, int]) -> dict[str, Call]:
    return {
        "unit.create": lambda s, a: A.do_create_unit(
            s, a, {"code": "NEW", "name": "新单位", "kind": "municipal"}
        ),
        "unit.update": lambda s, a: A.do_update_unit(
            s, a, w.unit_a, expected_version=1, changes={"short_name": "科委"}
        ),
        "user.create": lambda s, a: A.do_create_user(
            s, a, {"username": "x1", "role": "leader"}, password="long enough pw"
        ),
        "user.update": lambda s, a: A.do_update_user(
            s, a, w.editor_b.user_id, expected_version=1, changes={"display_name": "B"}
        ),
        "user.set_password_of_other": lambda s, a: A.do_set_password(
            s, a, w.admin.user_id, expected_version=1, new_password="another long one"
        ),
        "plan.create": lambda s, a: A.do_create_plan(
            s,
            a,
            {"code": "P2", "title": "t", "kind": "other", "start_year": 2021, "end_year": 2022},
        ),
        "plan.update": lambda s, a: A.do_update_plan(
            s, a, w.plan, expected_version=1, changes={"published": True}
        ),
        "goal.create": lambda s, a: A.do_create_goal(
            s, a, {"plan_id": w.plan, "code": "G9", "title": "t"}
        ),
        "goal.update": lambda s, a: A.do_update_goal(
            s, a, w.goal_child, expected_version=1, changes={"weight": 2}
        ),
        "target.create": lambda s, a: A.do_create_target(
            s,
            a,
            {
                "plan_id": w.plan,
                "code": "X",
                "name": "x",
                "direction": "lower",
                "target_year": 2025,
                "target_value": 1,
            },
        ),
        "target.update": lambda s, a: A.do_update_target(
            s, a, ids["target"], expected_version=1, changes={"note": "n"}
        ),
        "actual.publish": lambda s, a: A.do_enter_published_actual(
            s, a, ids["target"], {"year": 2022, "value": 3, "source": "年报"}
        ),
        "actual.refresh": lambda s, a: A.do_refresh_computed_actuals(
            s, a, warehouse=object(), compute=fake_compute
        ),
        "work_plan.create": lambda s, a: A.do_create_work_plan(
            s, a, {"code": "WP2024", "year": 2024, "title": "t"}
        ),
        "work_plan.update": lambda s, a: A.do_update_work_plan(
            s, a, w.work_plan, expected_version=1, changes={"published": True}
        ),
        "task.create": lambda s, a: A.do_create_task(
            s,
            a,
            {
                "work_plan_id": w.work_plan,
                "title": "t",
                "lead_unit_id": w.unit_a,
                "deadline": date(2023, 9, 30),
            },
        ),
        "task.update": lambda s, a: A.do_update_task(
            s, a, w.t2, expected_version=1, changes={"title": "改"}
        ),
        "task.delete": lambda s, a: A.do_delete_task(s, a, w.t2, expected_version=1),
        "report.create_for_A_on_T1": lambda s, a: A.do_create_report(
            s, a, task_id=w.t1, unit_id=w.unit_a, period="2023-Q3", percent=1, narrative="n"
        ),
        "report.create_for_B_on_T1": lambda s, a: A.do_create_report(
            s, a, task_id=w.t1, unit_id=w.unit_b, period="2023-Q3", percent=1, narrative="n"
        ),
        "report.create_for_A_on_T2": lambda s, a: A.do_create_report(
            s, a, task_id=w.t2, unit_id=w.unit_a, period="2023-Q3", percent=1, narrative="n"
        ),
        "report.revise_A_draft": lambda s, a: A.do_revise_report(
            s, a, ids["draft"], expected_version=1, percent=11, narrative="n"
        ),
        "report.submit_A_draft": lambda s, a: A.do_submit_report(
            s, a, ids["draft"], expected_version=1
        ),
        "report.revise_A_returned": lambda s, a: A.do_revise_report(
            s, a, ids["returned"], expected_version=3, percent=6, narrative="n"
        ),
        "report.accept": lambda s, a: A.do_accept_report(
            s, a, ids["submitted"], expected_version=2
        ),
        "report.return": lambda s, a: A.do_return_report(
            s, a, ids["submitted"], expected_version=2, comment="c"
        ),
        "supervision.run": lambda s, a: A.do_run_supervision(
            s, a, today=date(2023, 6, 20), smtp=None
        ),
        "import.tasks": lambda s, a: A.do_import_tasks(s, a, w.work_plan, SHEET, "t.csv"),
        "import.targets": lambda s, a: A.do_import_targets(s, a, w.plan, TARGET_SHEET, "t.csv"),
        "notice.read_unit_A": lambda s, a: A.do_mark_notice_read(s, a, ids["notice"]),
    }


ALL = {"admin", "system"}
EXPECTED: dict[str, set[str]] = {
    "report.create_for_A_on_T1": ALL | {"editor_a"},
    "report.create_for_B_on_T1": ALL | {"editor_b"},  # B co-operates on T1
    "report.create_for_A_on_T2": set(),  # A neither leads nor co-operates on T2
    "report.revise_A_draft": ALL | {"editor_a"},
    "report.submit_A_draft": ALL | {"editor_a"},
    "report.revise_A_returned": ALL | {"editor_a"},
    "notice.read_unit_A": ALL | {"editor_a"},
}
ROLES = ("admin", "editor_a", "editor_b", "leader", "anonymous", "system")


def _actor(w: World, role: str) -> Actor:
    return {
        "admin": w.admin,
        "editor_a": w.editor_a,
        "editor_b": w.editor_b,
        "leader": w.leader,
        "anonymous": w.anonymous,
        "system": w.system,
    }[role]


def test_every_action_for_every_role(world: World) -> None:
    ids = _prepare(world)
    cat = catalog(world, ids)
    outcomes: dict[tuple[str, str], str] = {}
    for name, call in cat.items():
        for role in ROLES:
            with world.db.read() as s:  # rolled back: every attempt starts from the same state
                try:
                    call(s, _actor(world, role))
                    outcomes[(name, role)] = "ok"
                except (PermissionDenied, NotFound):
                    outcomes[(name, role)] = "denied"
    wrong = []
    for name in cat:
        allowed = EXPECTED.get(name, ALL)
        for role in ROLES:
            want = "ok" if role in allowed else "denied"
            if outcomes[(name, role)] != want:
                wrong.append(f"{name} as {role}: got {outcomes[(name, role)]}, want {want}")
    assert not wrong, "\n".join(wrong)


def test_leader_has_no_write_capability() -> None:
    writes = {
        Cap.MANAGE_UNITS,
        Cap.MANAGE_USERS,
        Cap.EDIT_PLANS,
        Cap.EDIT_ACTUALS,
        Cap.EDIT_WORK_PLANS,
        Cap.WRITE_REPORTS,
        Cap.REVIEW_REPORTS,
        Cap.RUN_SUPERVISION,
    }
    assert not CAPABILITIES[Role.LEADER] & writes
    assert CAPABILITIES[Role.ANONYMOUS] == {Cap.VIEW_PUBLISHED}


def test_unit_editor_never_sees_other_units_drafts(world: World) -> None:
    from ipcity.workspace import queries as Q

    ids = _prepare(world)
    with world.db.read() as s:
        seen_by_b = {r.id for r in Q.list_reports(s, world.editor_b)}
        seen_by_a = {r.id for r in Q.list_reports(s, world.editor_a)}
        seen_by_leader = {r.id for r in Q.list_reports(s, world.leader)}
        # B sees A's submitted report only; A sees all three of its own; the leader sees all.
        assert seen_by_b == {ids["submitted"]}
        assert seen_by_a == {ids["draft"], ids["submitted"], ids["returned"]}
        assert seen_by_leader == seen_by_a
        with pytest.raises(NotFound):
            Q.get_report(s, world.editor_b, ids["draft"])
        with pytest.raises(NotFound):
            Q.get_report(s, world.editor_b, ids["returned"])
        with pytest.raises(PermissionDenied):
            Q.list_reports(s, world.anonymous)
        draft = Q.get_report(s, world.editor_a, ids["draft"])
        assert not can_view_report(world.editor_b, draft)
        # The timeline hides them from B as well.
        assert {e.report_id for e in Q.task_timeline(s, world.editor_b, world.t1)} == {
            ids["submitted"]
        }


def test_anonymous_sees_only_published(world: World) -> None:
    from ipcity.workspace import queries as Q

    with world.db.read() as s:
        assert Q.list_plans(s, world.anonymous) == []
        assert Q.list_work_plans(s, world.anonymous) == []
        with pytest.raises(NotFound):
            Q.get_plan(s, world.anonymous, world.plan)
        with pytest.raises(NotFound):
            Q.get_task(s, world.anonymous, world.t1)
        assert len(Q.list_plans(s, world.leader)) == 1
    with world.db.write() as s:
        A.do_update_plan(
            s, world.admin, world.plan, expected_version=1, changes={"published": True}
        )
        A.do_update_work_plan(
            s, world.admin, world.work_plan, expected_version=1, changes={"published": True}
        )
    with world.db.read() as s:
        assert [p.id for p in Q.list_plans(s, world.anonymous)] == [world.plan]
        assert Q.get_task(s, world.anonymous, world.t1).id == world.t1
        overview = Q.task_overview(s, world.anonymous, world.work_plan, today=date(2023, 1, 10))
        assert len(overview) == 2
        with pytest.raises(PermissionDenied):
            Q.list_users(s, world.anonymous)
        with pytest.raises(PermissionDenied):
            Q.inbox(s, world.anonymous)
