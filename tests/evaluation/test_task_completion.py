"""Task states and completion rates ("half the time gone, half the tasks done"), by hand."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from ipcity.evaluation.plan import PlanInput, evaluate_plan
from ipcity.evaluation.tasks import (
    TaskInput,
    UnitRef,
    completion_by_area,
    completion_by_unit,
    overdue_tasks,
    task_state,
)
from ipcity.evaluation.thresholds import Thresholds
from ipcity.evaluation.timeline import period_share

A = UnitRef("A", "单位甲", "municipal", sort_order=1)
B = UnitRef("B", "单位乙", "municipal", sort_order=2)
AS_OF = date(2023, 6, 30)


def task(
    code: str,
    deadline: date,
    done: date | None = None,
    unit: UnitRef = A,
    area: str = "G1",
    co: tuple[UnitRef, ...] = (),
) -> TaskInput:
    return TaskInput(
        code,
        f"任务{code}",
        unit,
        deadline,
        completed_on=done,
        area_code=area,
        area_title=f"领域{area}",
        co_units=co,
    )


@pytest.mark.parametrize(
    ("deadline", "done", "state"),
    [
        (date(2023, 3, 31), date(2023, 3, 31), "done_on_time"),  # done on the deadline day
        (date(2023, 3, 31), date(2023, 4, 1), "done_late"),  # a day late
        (date(2023, 6, 30), None, "open"),  # due today: not late yet
        (date(2023, 6, 29), None, "overdue"),  # due yesterday
        (date(2023, 6, 29), date(2023, 7, 5), "overdue"),  # done only after as_of
        (date(2023, 9, 30), date(2023, 7, 5), "open"),  # done after as_of, due later
    ],
)
def test_task_state(deadline: date, done: date | None, state: str) -> None:
    assert task_state(task("T", deadline, done), AS_OF) == state


TASKS = (
    task("1", date(2022, 6, 30), date(2022, 6, 1)),  # A, G1: on time
    task("2", date(2022, 6, 30), date(2022, 8, 1)),  # A, G1: late
    task("3", date(2023, 3, 31)),  # A, G2: overdue 91 days
    task("4", date(2023, 12, 31), area="G2"),  # A, G2: open
    task("5", date(2023, 1, 31), date(2023, 1, 2), unit=B, area="G2"),  # B: on time
    task("6", date(2023, 5, 31), unit=B, co=(A,)),  # B, G1: overdue 30 days
)


def test_half_the_time_gone() -> None:
    # 2021-2025 at 30 June 2023: (2 + 181/365) / 5 = 0.499178...
    share = period_share(2021, 2025, AS_OF)
    assert share == (2 + Fraction(181, 365)) / 5
    rows = {r.key: r for r in completion_by_area(TASKS, AS_OF, share, Thresholds())}
    g1 = rows["G1"]  # tasks 1, 2, 3, 6: done 2 (1 on time, 1 late), overdue 2
    assert (g1.total, g1.done, g1.done_on_time, g1.done_late, g1.overdue, g1.open) == (
        4,
        2,
        1,
        1,
        2,
        0,
    )
    # 2/4 = 0.5 done against 0.499178 of the time: ratio 1.00165 -> on track
    assert g1.completion_rate == 0.5
    assert g1.ratio == pytest.approx(0.5 / float(share))
    assert g1.status == "on_track"
    g2 = rows["G2"]  # tasks 4, 5: 1 done of 2 (task 3 is area G1 by default)
    assert (g2.total, g2.done, g2.open, g2.due) == (2, 1, 1, 1)


def test_completion_by_unit_leads_only_unless_asked() -> None:
    th = Thresholds()
    rows = {r.key: r for r in completion_by_unit(TASKS, AS_OF, Fraction(1, 2), th)}
    # A leads 1-4: done 2 of 4 = 50%; B leads 5-6: done 1 of 2 = 50%
    assert (rows["A"].total, rows["A"].done) == (4, 2)
    assert (rows["B"].total, rows["B"].done, rows["B"].overdue) == (2, 1, 1)
    assert [r.key for r in completion_by_unit(TASKS, AS_OF, Fraction(1, 2), th)] == ["A", "B"]
    with_co = {
        r.key: r
        for r in completion_by_unit(TASKS, AS_OF, Fraction(1, 2), th, include_co_units=True)
    }
    assert with_co["A"].total == 5  # + task 6 it co-operates on


def test_completion_classes_against_time() -> None:
    th = Thresholds()
    # 1 of 2 done = 0.5; time 0.4: ratio 1.25 -> ahead; all done -> achieved early
    rows = completion_by_unit(TASKS[4:5], AS_OF, Fraction(2, 5), th)
    assert rows[0].status == "achieved_early"  # B's only task here is done
    half = completion_by_unit(TASKS[:2] + TASKS[3:4], AS_OF, Fraction(2, 5), th)[0]
    # A: tasks 1, 2, 4 -> 2 of 3 done = 0.6667; / 0.4 = 1.667 -> ahead
    assert half.status == "ahead"
    assert half.completion_rate == pytest.approx(2 / 3)


def test_overdue_list_longest_first() -> None:
    rows = overdue_tasks(TASKS, AS_OF)
    # task 3: 31 Mar -> 30 Jun = 91 days; task 6: 31 May -> 30 Jun = 30 days
    assert [(r.code, r.days_overdue) for r in rows] == [("3", 91), ("6", 30)]


def test_evaluate_plan_brings_it_together() -> None:
    plan = PlanInput("P", "规划", 2021, 2025, tasks=TASKS)
    ev = evaluate_plan(plan, AS_OF)
    assert ev.tasks_overall.total == 6 and ev.tasks_overall.done == 3
    assert ev.time_share == pytest.approx((2 + 181 / 365) / 5)
    doc = ev.as_dict()
    assert doc["tasks"]["overall"]["done"] == 3
    assert doc["as_of"] == "2023-06-30"
    assert [o["code"] for o in doc["tasks"]["overdue"]] == ["3", "6"]


def test_tasks_starting_after_as_of_are_left_out() -> None:
    later = TaskInput("9", "next year's", A, date(2024, 6, 30), start=date(2024, 1, 1))
    ev = evaluate_plan(PlanInput("P", "规划", 2021, 2025, tasks=(*TASKS, later)), AS_OF)
    assert ev.tasks_overall.total == 6
    assert ev.notes == ["1 task(s) starting after 2023-06-30 left out"]


def test_expected_share_uses_each_tasks_own_window() -> None:
    # two tasks of a 2023 work plan (start 1 Jan 2023) as of 30 June 2023:
    # X due 31 Mar 2023 (window 89 days, all used: 1); Y due 31 Dec 2023: 180/364 used
    # expected = (1 + 180/364) / 2 = 0.747253; X done, Y not: rate 1/2; ratio 0.6691 -> lagging
    x = TaskInput("X", "x", A, date(2023, 3, 31), date(2023, 3, 1), start=date(2023, 1, 1))
    y = TaskInput("Y", "y", A, date(2023, 12, 31), start=date(2023, 1, 1))
    row = completion_by_unit((x, y), AS_OF, Fraction(1, 2), Thresholds())[0]
    assert row.expected_share == pytest.approx((1 + 180 / 364) / 2)
    assert row.time_share == 0.5  # the plan period, shown beside
    assert row.ratio == pytest.approx(0.5 / ((1 + 180 / 364) / 2))
    assert row.status == "lagging"
    # a task whose window has not started: nothing expected yet, nothing done -> on track
    z = TaskInput("Z", "z", A, date(2023, 12, 31), start=date(2023, 7, 1))
    only_z = completion_by_unit((z,), AS_OF, None, Thresholds())[0]
    assert only_z.expected_share == 0 and only_z.status == "on_track"
