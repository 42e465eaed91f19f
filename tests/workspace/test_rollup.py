"""Roll-up task -> goal -> plan, by hand; unit completion rates."""

from __future__ import annotations

from datetime import date

import pytest

from ipcity.workspace import actions as A
from ipcity.workspace.rollup import (
    GoalInput,
    TaskInput,
    plan_rollup,
    rollup_plan,
    unit_completion,
    weighted_average,
    work_plan_rollup,
)
from tests.support.ws_fixtures import World


def test_weighted_average_rules() -> None:
    # No weights: plain average (20 + 40 + 90) / 3 = 50.
    assert weighted_average([(20, None), (40, None), (90, None)]) == 50
    # All weighted: (20*1 + 40*3) / 4 = 35.
    assert weighted_average([(20, 1), (40, 3)]) == 35
    # Mixed: the unweighted one gets the mean given weight (1+3)/2 = 2:
    # (20*1 + 40*3 + 90*2) / 6 = 320 / 6.
    assert weighted_average([(20, 1), (40, 3), (90, None)]) == pytest.approx(320 / 6)
    # All weights zero: no division by zero, plain average.
    assert weighted_average([(20, 0), (40, 0)]) == 30
    # Items without progress are left out; nothing at all -> None.
    assert weighted_average([(None, 5), (60, None)]) == 60
    assert weighted_average([]) is None


def test_rollup_tree_by_hand() -> None:
    goals = [
        GoalInput(1, None, "G1", "root A", weight=3),
        GoalInput(2, 1, "G1.1", "child", weight=None),
        GoalInput(3, 1, "G1.2", "child without tasks", weight=None),
        GoalInput(4, None, "G2", "root B", weight=1),
    ]
    tasks = [
        TaskInput(10, 2, 100, None, True),
        TaskInput(11, 2, 50, None, False),  # G1.1 = (100 + 50) / 2 = 75
        TaskInput(12, 1, 25, None, False),  # G1 = avg(task 25, child 75) = 50 (G1.2 has none)
        TaskInput(13, 4, 10, 2, False),
        TaskInput(14, 4, 40, 1, False),  # G2 = (10*2 + 40*1) / 3 = 20
    ]
    plan = rollup_plan(1, goals, tasks)
    g1, g2 = plan.goals
    assert g1.children[0].progress == 75
    assert g1.children[1].progress is None and g1.children[1].task_count == 0
    assert g1.progress == 50
    assert g2.progress == 20
    # Plan: (50*3 + 20*1) / 4 = 42.5
    assert plan.progress == 42.5
    assert (plan.task_count, plan.done_count) == (5, 1)


def test_rollup_without_any_weights_and_without_tasks() -> None:
    goals = [GoalInput(1, None, "G1", "a", None), GoalInput(2, None, "G2", "b", None)]
    assert rollup_plan(1, goals, []).progress is None
    plan = rollup_plan(
        1, goals, [TaskInput(1, 1, 30, None, False), TaskInput(2, 2, 60, None, False)]
    )
    assert plan.progress == 45


def _accept(w: World, actor, task_id: int, percent: float, period: str = "2023-Q2") -> None:  # type: ignore[no-untyped-def]
    with w.db.write() as s:
        r = A.do_create_report(
            s, actor, task_id=task_id, period=period, percent=percent, narrative="n"
        )
        r = A.do_submit_report(s, actor, r.id, expected_version=r.version)
        A.do_accept_report(s, w.admin, r.id, expected_version=r.version)


def test_plan_and_work_plan_rollup_from_db(world: World) -> None:
    w = world
    _accept(w, w.editor_a, w.t1, 80)  # T1 under G1.1
    _accept(w, w.editor_b, w.t2, 100)  # T2 directly under G1
    with w.db.read() as s:
        plan = plan_rollup(s, w.leader, w.plan)
        # G1.1 = 80; G1 = avg(T2 100, G1.1 80) = 90; plan = 90
        assert plan.goals[0].children[0].progress == 80
        assert plan.goals[0].progress == 90
        assert plan.progress == 90
        assert work_plan_rollup(s, w.leader, w.work_plan).progress == 90
    with w.db.write() as s:
        A.do_update_task(s, w.admin, w.t1, expected_version=1, changes={"weight": 3})
        A.do_update_task(s, w.admin, w.t2, expected_version=1, changes={"weight": 1})
    with w.db.read() as s:
        # (80*3 + 100*1) / 4 = 85
        assert work_plan_rollup(s, w.leader, w.work_plan).progress == 85


def test_unit_completion(world: World) -> None:
    w = world
    _accept(w, w.editor_b, w.t2, 100)
    with w.db.read() as s:
        rows = {
            r.unit_id: r
            for r in unit_completion(s, w.leader, work_plan_id=w.work_plan, today=date(2023, 7, 15))
        }
    a, b = rows[w.unit_a], rows[w.unit_b]
    # A leads T1 (0 %, overdue since 2023-06-30): rate 0/1, one overdue.
    assert (a.lead_tasks, a.lead_done, a.lead_overdue, a.completion_rate) == (1, 0, 1, 0.0)
    # B leads T2 (done) and co-operates on T1 (not done): rate 1/1, co 0/1.
    assert (b.lead_tasks, b.lead_done, b.completion_rate, b.co_tasks, b.co_done) == (
        1,
        1,
        1.0,
        1,
        0,
    )
    assert w.office not in rows  # leads nothing, co-operates on nothing
