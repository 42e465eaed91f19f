"""What changed after a past day does not count on it: published values entered or corrected
later, a task renamed or handed to another unit later, and the task of a meeting decision
recorded later with the day it was decided (``ipcity.workspace.history``). Hand-built
timelines through the real actions, on SQLite and PostgreSQL (IPCITY_TEST_PG). The app's
date is 15 November 2023.

The timeline (all 2023 unless said):
- indicator PUB (published only): its 2022 value 20 entered 10 March, corrected to 25 on
  20 July; its 2021 value 15 entered 15 September.
- HANDED (due 30 June, title 旧标题, led by unit A): A's 100 % report submitted 28 June,
  accepted 5 July; on 1 August renamed 新标题 and handed to unit B (no report of B's): the
  report's unit table and the assessment's reports owed follow the lead unit of the day.
- decisions of a meeting held 28 March, recorded on 15 November with the day they were
  taken (7 April; for 2022, 20 December 2022, whose work plan the decision creates).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ipcity.clock import on_app_day
from ipcity.evaluation.gather import (
    gather_assessment_input,
    gather_plan_input,
    task_inputs,
    year_tasks,
)
from ipcity.evaluation.plan import evaluate_plan
from ipcity.evaluation.scheme import default_scheme
from ipcity.evaluation.tasks import TaskInput, task_state
from ipcity.evaluation.thresholds import default_thresholds
from ipcity.meetings.actions import do_record_decision
from ipcity.reports.gather import gather_report_data, task_summary
from ipcity.warehouse.store import Warehouse
from ipcity.workspace.actions import (
    do_accept_report,
    do_create_report,
    do_create_target,
    do_create_task,
    do_enter_published_actual,
    do_submit_report,
    do_update_task,
)
from ipcity.workspace.db import Database
from ipcity.workspace.history import day_end, existing_on
from ipcity.workspace.models import AuditEntry, PublishedActual, Task, WorkPlan
from tests.support.meeting_fixtures import make_meeting
from tests.support.ws_fixtures import World, build_world

TODAY = date(2023, 11, 15)  # the app's date
SETUP = date(2023, 1, 4)
LAST = timedelta(microseconds=1)


def noon(d: date) -> datetime:
    """A stamp on ``d`` whatever the server's time zone (naive UTC, as the workspace stores)."""
    return day_end(d) - timedelta(hours=12)


@dataclass
class Timeline:
    world: World
    target: int
    handed: int


def _publish(s: Session, w: World, target: int, year: int, value: float, day: date) -> None:
    old = s.scalar(
        select(PublishedActual).where(
            PublishedActual.target_id == target, PublishedActual.year == year
        )
    )
    with on_app_day(day):
        do_enter_published_actual(
            s,
            w.admin,
            target,
            {"year": year, "value": value, "source": f"{year}年白皮书"},
            expected_version=old.version if old else None,
        )


@pytest.fixture
def timeline(db: Database) -> Timeline:
    with on_app_day(SETUP):
        w = build_world(db)
    with db.write() as s:
        with on_app_day(SETUP):
            target = do_create_target(
                s,
                w.admin,
                {
                    "plan_id": w.plan,
                    "goal_id": w.goal_child,
                    "code": "PUB",
                    "name": "公布值指标",
                    "direction": "higher",
                    "baseline_year": 2020,
                    "baseline_value": 10,
                    "target_year": 2025,
                    "target_value": 60,
                },
            ).id
            handed = do_create_task(
                s,
                w.admin,
                {
                    "work_plan_id": w.work_plan,
                    "code": "HANDED",
                    "title": "旧标题",
                    "lead_unit_id": w.unit_a,
                    "deadline": date(2023, 6, 30),
                },
            )
        _publish(s, w, target, 2022, 20, date(2023, 3, 10))
        _publish(s, w, target, 2022, 25, date(2023, 7, 20))
        _publish(s, w, target, 2021, 15, date(2023, 9, 15))
        r = do_create_report(
            s,
            w.editor_a,
            task_id=handed.id,
            unit_id=w.unit_a,
            period="2023-Q2",
            percent=100,
            narrative="任务已全部完成。",
            at=noon(date(2023, 6, 28)),
        )
        r = do_submit_report(
            s, w.editor_a, r.id, expected_version=r.version, at=noon(date(2023, 6, 28))
        )
        do_accept_report(s, w.admin, r.id, expected_version=r.version, at=noon(date(2023, 7, 5)))
        with on_app_day(date(2023, 8, 1)):
            do_update_task(
                s,
                w.admin,
                handed.id,
                expected_version=handed.version,
                changes={"title": "新标题", "lead_unit_id": w.unit_b},
            )
    return Timeline(w, target, handed.id)


# ---------------------------------------------------------------- published values


def actuals_on(db: Database, tl: Timeline, as_of: date) -> dict[int, float | None]:
    with db.read() as s:
        plan = gather_plan_input(s, tl.world.plan, today=TODAY, as_of=as_of)
    ind = next(i for i in plan.indicators if i.code == "PUB")
    return {a.year: a.value for a in ind.actuals}


@pytest.mark.parametrize(
    ("as_of", "values"),
    [
        (date(2023, 3, 9), {}),  # nothing entered yet
        (date(2023, 3, 10), {2022: 20}),  # entered that day: it counts (inclusive)
        (date(2023, 7, 19), {2022: 20}),  # corrected the next day: the value it had then
        (date(2023, 7, 20), {2022: 25}),
        (date(2023, 9, 14), {2022: 25}),  # 2021 entered the next day: it did not exist
        (date(2023, 9, 15), {2021: 15, 2022: 25}),
        (TODAY, {2021: 15, 2022: 25}),  # the app's date: the present
    ],
)
def test_published_values_as_recorded_at_the_end_of_the_day(
    db: Database, timeline: Timeline, as_of: date, values: dict[int, float]
) -> None:
    assert actuals_on(db, timeline, as_of) == values


def test_the_evaluation_shows_the_value_of_that_day(db: Database, timeline: Timeline) -> None:
    day = date(2023, 7, 19)
    with db.read() as s:
        plan = gather_plan_input(s, timeline.world.plan, today=TODAY, as_of=day)
    row = next(r for r in evaluate_plan(plan, day, default_thresholds()).indicators)
    assert (row.actual_year, row.actual_value) == (2022, 20)
    assert row.actual_source == "published: 2022年白皮书"


def _publish_entries(s: Session, target: int, year: int) -> list[AuditEntry]:
    row = s.scalar(
        select(PublishedActual).where(
            PublishedActual.target_id == target, PublishedActual.year == year
        )
    )
    assert row is not None
    return list(
        s.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "published_actual", AuditEntry.entity_id == str(row.id))
            .order_by(AuditEntry.id)
        )
    )


def test_a_correction_at_the_last_instant_of_the_day_counts_the_next_one_does_not(
    db: Database, timeline: Timeline
) -> None:
    day = date(2023, 7, 19)
    with db.write() as s:
        correction = _publish_entries(s, timeline.target, 2022)[1]
        correction.at = day_end(day)
    assert actuals_on(db, timeline, day) == {2022: 20}
    with db.write() as s:
        _publish_entries(s, timeline.target, 2022)[1].at = day_end(day) - LAST
    assert actuals_on(db, timeline, day) == {2022: 25}


def test_an_entry_at_the_last_instant_of_the_day_counts_the_next_one_does_not(
    db: Database, timeline: Timeline
) -> None:
    day = date(2023, 9, 14)
    with db.write() as s:
        _publish_entries(s, timeline.target, 2021)[0].at = day_end(day)
    assert 2021 not in actuals_on(db, timeline, day)
    with db.write() as s:
        _publish_entries(s, timeline.target, 2021)[0].at = day_end(day) - LAST
    assert actuals_on(db, timeline, day)[2021] == 15


def test_values_entered_without_the_audit_trail_count_from_their_own_stamp(
    db: Database, timeline: Timeline
) -> None:
    day = date(2023, 9, 14)
    with db.write() as s:
        s.execute(
            update(AuditEntry).where(AuditEntry.entity == "published_actual").values(entity="x")
        )
        s.execute(update(PublishedActual).values(entered_at=day_end(day)))
    assert actuals_on(db, timeline, day) == {}
    with db.write() as s:
        s.execute(update(PublishedActual).values(entered_at=day_end(day) - LAST))
    assert actuals_on(db, timeline, day) == {2021: 15, 2022: 25}  # today's values: no history


def test_the_annual_report_shows_the_published_value_of_its_as_of_date(
    db: Database, timeline: Timeline, tmp_path: Path
) -> None:
    with Warehouse(tmp_path / "wh") as wh:
        for i, m in enumerate(range(1, 13)):
            wh.con.execute(
                "INSERT INTO patents (patent_id, office, patent_type, application_date, "
                "grant_date) VALUES (?, 'CN', 'invention', DATE '2021-03-01', ?)",
                [f"CN{i:04d}", date(2023, m, 10)],
            )
        with db.read() as s:
            then = gather_report_data(wh, s, 2023, as_of=date(2023, 7, 19), today=TODAY)
            now = gather_report_data(wh, s, 2023, today=TODAY)
    assert then.evaluation is not None and now.evaluation is not None
    row = {r.code: r for r in then.evaluation.indicators}["PUB"]
    assert (row.actual_year, row.actual_value) == (2022, 20)
    assert {r.code: r for r in now.evaluation.indicators}["PUB"].actual_value == 25
    # the task handed to B in August is A's, done, in the report as of July
    assert then.tasks is not None
    assert {u.key: u.done for u in then.tasks.by_unit} == {"STCSM": 1, "COMM": 0}


# ---------------------------------------------------------------- title and lead unit


def handed_on(db: Database, tl: Timeline, as_of: date) -> TaskInput:
    with db.read() as s:
        _, tasks = year_tasks(s, 2023)
        got = task_inputs(s, tasks, today=TODAY, as_of=as_of)
    return next(t for t in got if t.id == tl.handed)


@pytest.mark.parametrize(
    ("as_of", "title", "lead", "state"),
    [
        (date(2023, 7, 31), "旧标题", "STCSM", "done_on_time"),  # A's, done by A's report
        (date(2023, 8, 1), "新标题", "COMM", "overdue"),  # B's since that day: B never reported
        (TODAY, "新标题", "COMM", "overdue"),
    ],
)
def test_a_task_has_the_title_and_lead_unit_of_that_day(
    db: Database, timeline: Timeline, as_of: date, title: str, lead: str, state: str
) -> None:
    t = handed_on(db, timeline, as_of)
    assert (t.title, t.lead_unit.code, task_state(t, as_of)) == (title, lead, state)


def _rows(db: Database, as_of: date) -> dict[str, tuple[int, int, int]]:
    with db.read() as s:
        ts = task_summary(s, 2023, as_of, default_thresholds(), TODAY)
    return {u.key: (u.total, u.done, u.overdue) for u in ts.by_unit}


def test_the_report_counts_each_task_under_the_lead_unit_of_that_day(
    db: Database, timeline: Timeline
) -> None:
    # T1 (A, due 30 June, never reported) is overdue throughout; T2 (B) is open
    assert _rows(db, date(2023, 7, 31)) == {"STCSM": (2, 1, 1), "COMM": (1, 0, 0)}
    assert _rows(db, date(2023, 8, 1)) == {"STCSM": (1, 0, 1), "COMM": (2, 0, 1)}
    with db.read() as s:
        ts = task_summary(s, 2023, date(2023, 8, 1), default_thresholds(), TODAY)
    assert ("新标题", "市商务委") in {(o.title, o.lead_unit) for o in ts.overdue}


def test_the_assessment_asks_the_reports_of_the_lead_unit_of_that_day(
    db: Database, timeline: Timeline
) -> None:
    scheme = default_scheme()  # without its warehouse items: tasks only
    tasks_only = replace(
        scheme, items=tuple(i for i in scheme.items if i.kind != "indicator_growth")
    )
    owed = {}
    for day in (date(2023, 7, 31), date(2023, 8, 1)):
        with db.read() as s:
            data = gather_assessment_input(s, 2023, day, tasks_only, today=TODAY)
        owed[day] = {(r.unit_code, r.submitted_on) for r in data.reports if r.task_code == "HANDED"}
    # A owed Q1 (not sent) and Q2 (sent on 28 June); from 1 August B owes both, unsent
    assert owed[date(2023, 7, 31)] == {("STCSM", None), ("STCSM", date(2023, 6, 28))}
    assert owed[date(2023, 8, 1)] == {("COMM", None)}


def test_a_change_at_the_last_instant_of_the_day_counts_the_next_one_does_not(
    db: Database, timeline: Timeline
) -> None:
    day = date(2023, 7, 31)
    change = (AuditEntry.action == "task.update") & (AuditEntry.entity_id == str(timeline.handed))
    with db.write() as s:
        s.execute(update(AuditEntry).where(change).values(at=day_end(day)))
    assert handed_on(db, timeline, day).lead_unit.code == "STCSM"
    with db.write() as s:
        s.execute(update(AuditEntry).where(change).values(at=day_end(day) - LAST))
    t = handed_on(db, timeline, day)
    assert (t.title, t.lead_unit.code) == ("新标题", "COMM")


# ---------------------------------------------------------------- a meeting's decisions


def _decide(w: World, meeting: int, text: str, at: datetime) -> int:
    with w.db.write() as s, on_app_day(TODAY):  # recorded today, with the day it was taken
        d = do_record_decision(
            s,
            w.admin,
            meeting,
            {"text": text, "lead_unit_id": w.unit_a, "deadline": f"{at.year}-12-31"},
            at=at,
        )
    assert d.task_id is not None
    return d.task_id


def _codes_on(db: Database, as_of: date, year: int = 2023) -> set[int]:
    with db.read() as s:
        _, tasks = year_tasks(s, year)
        return {t.id for t in task_inputs(s, tasks, today=TODAY, as_of=as_of) if t.id}


def test_a_decisions_task_exists_from_the_day_it_was_decided(db: Database) -> None:
    with on_app_day(SETUP):
        w = build_world(db)
    with on_app_day(TODAY):
        meeting = make_meeting(w, status="held", day=date(2023, 3, 28))
    decided = date(2023, 4, 7)
    task = _decide(w, meeting, "建立诉调对接机制。", noon(decided))
    assert task not in _codes_on(db, decided - timedelta(days=1))
    assert task in _codes_on(db, decided)
    with db.read() as s:
        created = s.scalar(
            select(AuditEntry.at).where(
                AuditEntry.action == "task.create", AuditEntry.entity_id == str(task)
            )
        )
    assert created == noon(decided)


def test_a_decision_at_the_last_instant_of_the_day_counts_the_next_one_does_not(
    db: Database,
) -> None:
    with on_app_day(SETUP):
        w = build_world(db)
    with on_app_day(TODAY):
        meeting = make_meeting(w, status="held", day=date(2023, 3, 28))
    day = date(2023, 4, 7)
    last = _decide(w, meeting, "最后一刻议定。", day_end(day) - LAST)
    next_ = _decide(w, meeting, "次日议定。", day_end(day))
    on = _codes_on(db, day)
    assert last in on and next_ not in on
    assert next_ in _codes_on(db, day + timedelta(days=1))


def test_the_work_plan_a_decision_creates_exists_from_that_day(db: Database) -> None:
    with on_app_day(SETUP):
        w = build_world(db)
    with on_app_day(TODAY):
        meeting = make_meeting(w, status="held", day=date(2022, 12, 20))
    day = date(2022, 12, 20)
    task = _decide(w, meeting, "启动明年工作。", noon(day))
    with db.read() as s:
        t = s.get(Task, task)
        assert t is not None
        wp = s.get(WorkPlan, t.work_plan_id)
        assert wp is not None and wp.year == 2022
        assert existing_on(s, "work_plan", [wp.id], day) == {wp.id}
        assert existing_on(s, "work_plan", [wp.id], day - timedelta(days=1)) == set()
        summary = task_summary(s, 2022, day, default_thresholds(), TODAY)
    assert summary.overall.total == 1
