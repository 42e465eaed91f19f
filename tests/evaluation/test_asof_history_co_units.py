"""A task's co-operating units and a work plan's title and start, as they stood at the end of a
past day (``ipcity.workspace.history``): read from the ``before`` of the first change recorded
after it, like a task's title, lead unit and dates. Hand-built timelines through the real
actions, on SQLite and PostgreSQL (IPCITY_TEST_PG). The app's date is 15 November 2023.

The timeline (all 2023; the shared world's T1 is led by A (STCSM) with B (COMM) co-operating,
T2 led by B without a start of its own, both in the work plan 2023年推进计划 starting 1 January):
- 1 August: T1's co-operating unit B is replaced by the district (HP);
- 1 September: the work plan is renamed 2023年推进计划（修订） and starts on 1 March;
- 1 October: T1's co-operating unit becomes the office (SIPA).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ipcity.clock import on_app_day
from ipcity.evaluation.gather import task_inputs, year_tasks
from ipcity.evaluation.tasks import TaskInput, completion_by_unit
from ipcity.evaluation.thresholds import default_thresholds
from ipcity.reports.gather import task_summary
from ipcity.workspace.actions import do_update_task, do_update_work_plan
from ipcity.workspace.db import Database
from ipcity.workspace.history import day_end, tasks_on, work_plans_on
from ipcity.workspace.models import AuditEntry, Task, WorkPlan
from tests.support.ws_fixtures import World, build_world

TODAY = date(2023, 11, 15)  # the app's date
SETUP = date(2023, 1, 4)
LAST = timedelta(microseconds=1)
OLD_TITLE, NEW_TITLE = "2023年推进计划", "2023年推进计划（修订）"


def _co_units(s: Session, w: World, task_id: int, unit_ids: list[int], day: date) -> None:
    task = s.get(Task, task_id)
    assert task is not None
    with on_app_day(day):
        do_update_task(
            s, w.admin, task_id, expected_version=task.version, changes={"co_unit_ids": unit_ids}
        )


@pytest.fixture
def world(db: Database) -> World:
    with on_app_day(SETUP):
        w = build_world(db)
    with db.write() as s:
        _co_units(s, w, w.t1, [w.district], date(2023, 8, 1))
    with db.write() as s:
        wp = s.get(WorkPlan, w.work_plan)
        assert wp is not None
        with on_app_day(date(2023, 9, 1)):
            do_update_work_plan(
                s,
                w.admin,
                w.work_plan,
                expected_version=wp.version,
                changes={"title": NEW_TITLE, "start_date": "2023-03-01"},
            )
    with db.write() as s:
        _co_units(s, w, w.t1, [w.office], date(2023, 10, 1))
    return w


def inputs_on(db: Database, as_of: date) -> dict[int, TaskInput]:
    with db.read() as s:
        _, tasks = year_tasks(s, 2023)
        return {t.id: t for t in task_inputs(s, tasks, today=TODAY, as_of=as_of) if t.id}


def co_codes_on(db: Database, w: World, as_of: date) -> tuple[str, ...]:
    return tuple(u.code for u in inputs_on(db, as_of)[w.t1].co_units)


# ---------------------------------------------------------------- co-operating units


@pytest.mark.parametrize(
    ("as_of", "codes"),
    [
        (date(2023, 7, 31), ("COMM",)),  # as created
        (date(2023, 8, 1), ("HP",)),  # changed that day: it counts (inclusive)
        (date(2023, 9, 30), ("HP",)),  # the first change after the day holds it, not the last
        (date(2023, 10, 1), ("SIPA",)),
        (TODAY, ("SIPA",)),  # the app's date: the present
    ],
)
def test_a_task_has_the_co_operating_units_of_that_day(
    db: Database, world: World, as_of: date, codes: tuple[str, ...]
) -> None:
    assert co_codes_on(db, world, as_of) == codes


def _change_stamp(db: Database, w: World, nth: int, at: object) -> None:
    """Move the stamp of the ``nth`` (0-based) recorded change of T1."""
    with db.write() as s:
        ids = list(
            s.scalars(
                select(AuditEntry.id)
                .where(AuditEntry.action == "task.update", AuditEntry.entity_id == str(w.t1))
                .order_by(AuditEntry.id)
            )
        )
        s.execute(update(AuditEntry).where(AuditEntry.id == ids[nth]).values(at=at))


def test_a_co_unit_change_at_the_last_instant_of_the_day_counts_the_next_one_does_not(
    db: Database, world: World
) -> None:
    day = date(2023, 7, 31)
    _change_stamp(db, world, 0, day_end(day))  # the first instant of 1 August
    assert co_codes_on(db, world, day) == ("COMM",)
    _change_stamp(db, world, 0, day_end(day) - LAST)  # 23:59:59.999999 on 31 July
    assert co_codes_on(db, world, day) == ("HP",)


def test_the_by_unit_table_with_co_units_counts_the_co_units_of_that_day(
    db: Database, world: World
) -> None:
    th = default_thresholds()

    def units(as_of: date) -> set[str]:
        rows = completion_by_unit(
            inputs_on(db, as_of).values(), as_of, None, th, include_co_units=True
        )
        return {r.key for r in rows}

    assert units(date(2023, 7, 31)) == {"STCSM", "COMM"}  # B leads T2 as well
    assert units(date(2023, 8, 1)) == {"STCSM", "COMM", "HP"}
    assert units(TODAY) == {"STCSM", "COMM", "SIPA"}


def test_a_change_that_recorded_no_co_units_leaves_todays(db: Database, world: World) -> None:
    # An entry without co_unit_ids (hand-loaded history): the other fields still count.
    with db.write() as s:
        entry = s.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "task.update", AuditEntry.entity_id == str(world.t1))
            .order_by(AuditEntry.id)
        ).first()
        assert entry is not None and entry.before is not None
        entry.before = {k: v for k, v in entry.before.items() if k != "co_unit_ids"}
    with db.read() as s:
        then = tasks_on(s, [world.t1], date(2023, 7, 31))[world.t1]
    assert then.co_unit_ids is None and then.title == "任务一"
    assert co_codes_on(db, world, date(2023, 7, 31)) == ("SIPA",)


# ---------------------------------------------------------------- work plan title and start


def titles_on(db: Database, as_of: date) -> tuple[str, tuple[str, ...]]:
    with db.read() as s:
        ts = task_summary(s, 2023, as_of, default_thresholds(), TODAY)
    return ts.title, ts.work_plans


@pytest.mark.parametrize(
    ("as_of", "title", "start"),
    [
        (date(2023, 8, 31), OLD_TITLE, date(2023, 1, 1)),
        (date(2023, 9, 1), NEW_TITLE, date(2023, 3, 1)),
        (TODAY, NEW_TITLE, date(2023, 3, 1)),
    ],
)
def test_a_work_plan_has_the_title_and_start_of_that_day(
    db: Database, world: World, as_of: date, title: str, start: date
) -> None:
    assert titles_on(db, as_of) == (title, (title,))
    # T2 has no start of its own: its work plan's of that day
    assert inputs_on(db, as_of)[world.t2].start == start


def test_a_work_plan_change_at_the_last_instant_of_the_day_counts_the_next_one_does_not(
    db: Database, world: World
) -> None:
    day = date(2023, 8, 31)
    change = (AuditEntry.action == "work_plan.update") & (
        AuditEntry.entity_id == str(world.work_plan)
    )
    with db.write() as s:
        s.execute(update(AuditEntry).where(change).values(at=day_end(day)))
    assert titles_on(db, day)[0] == OLD_TITLE
    with db.write() as s:
        s.execute(update(AuditEntry).where(change).values(at=day_end(day) - LAST))
    assert titles_on(db, day)[0] == NEW_TITLE
    with db.read() as s:
        assert work_plans_on(s, [world.work_plan], day) == {}  # unchanged since that day
