"""The report and the evaluation *as of* a past day see the workspace as it stood that day
(``ipcity.workspace.history``), not today's review states. A hand-built year of reports,
written through the real actions with their dates, on SQLite and PostgreSQL
(IPCITY_TEST_PG). The app's date is 15 November 2023.

The timeline (all 2023; tasks created on 4 January unless said):
- T1 (unit A, due 30 June): 100 % submitted 28 June, accepted 5 July.
- T2 (unit B, due 31 December): 100 % submitted 10 October, not reviewed yet.
- RESUB (A, due 31 August): 100 % submitted 20 August, returned 25 August, resubmitted
  5 September, accepted 10 September.
- NEW (B, due 30 September): created 1 August, no report.
- MOVED (A, due 31 May): its deadline moved to 31 October on 15 June; no report.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
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
from ipcity.reports.gather import gather_report_data, task_summary
from ipcity.warehouse.store import Warehouse
from ipcity.workspace.actions import (
    do_accept_report,
    do_create_report,
    do_create_task,
    do_return_report,
    do_revise_report,
    do_submit_report,
    do_update_task,
)
from ipcity.workspace.db import Database
from ipcity.workspace.history import day_end, existing_on, reports_on
from ipcity.workspace.models import AuditEntry, ProgressReport, ReportEvent, Task
from ipcity.workspace.permissions import Actor
from tests.support.ws_fixtures import World, build_world

TODAY = date(2023, 11, 15)  # the app's date
SETUP = date(2023, 1, 4)


def noon(d: date) -> datetime:
    """A stamp on ``d`` whatever the server's time zone (naive UTC, as the workspace stores)."""
    return day_end(d) - timedelta(hours=12)


@dataclass
class Year:
    world: World
    codes: dict[int, str]  # task id -> code


def _task(s: Session, w: World, code: str, lead: int, deadline: date) -> Task:
    data = {"work_plan_id": w.work_plan, "code": code, "title": f"任务{code}"}
    return do_create_task(s, w.admin, {**data, "lead_unit_id": lead, "deadline": deadline})


def _report(s: Session, who: Actor, task_id: int, unit: int, period: str, submitted: date) -> int:
    r = do_create_report(
        s,
        who,
        task_id=task_id,
        unit_id=unit,
        period=period,
        percent=100,
        narrative="任务已全部完成。",
        at=noon(submitted),
    )
    r = do_submit_report(s, who, r.id, expected_version=r.version, at=noon(submitted))
    return r.id


def _accept(s: Session, w: World, report_id: int, day: date) -> None:
    r = s.get(ProgressReport, report_id)
    assert r is not None
    do_accept_report(s, w.admin, report_id, expected_version=r.version, at=noon(day))


@pytest.fixture
def year(db: Database) -> Year:
    with on_app_day(SETUP):
        w = build_world(db)  # T1 (A, due 30 June) and T2 (B, due 31 December)
    codes = {w.t1: "T1", w.t2: "T2"}
    with db.write() as s:
        with on_app_day(SETUP):
            resub = _task(s, w, "RESUB", w.unit_a, date(2023, 8, 31))
            moved = _task(s, w, "MOVED", w.unit_a, date(2023, 5, 31))
        with on_app_day(date(2023, 8, 1)):
            new = _task(s, w, "NEW", w.unit_b, date(2023, 9, 30))
        with on_app_day(date(2023, 6, 15)):
            do_update_task(
                s,
                w.admin,
                moved.id,
                expected_version=moved.version,
                changes={"deadline": date(2023, 10, 31)},
            )
        codes |= {resub.id: "RESUB", moved.id: "MOVED", new.id: "NEW"}
        r1 = _report(s, w.editor_a, w.t1, w.unit_a, "2023-Q2", date(2023, 6, 28))
        _accept(s, w, r1, date(2023, 7, 5))
        _report(s, w.editor_b, w.t2, w.unit_b, "2023-Q3", date(2023, 10, 10))
        rr = _report(s, w.editor_a, resub.id, w.unit_a, "2023-Q3", date(2023, 8, 20))
        rep = s.get(ProgressReport, rr)
        assert rep is not None
        back = noon(date(2023, 8, 25))
        do_return_report(s, w.admin, rr, expected_version=rep.version, comment="请补充", at=back)
        do_revise_report(
            s,
            w.editor_a,
            rr,
            expected_version=rep.version,
            percent=100,
            narrative="任务已全部完成，补充材料。",
            submit=True,
            at=noon(date(2023, 9, 5)),
        )
        _accept(s, w, rr, date(2023, 9, 10))
    return Year(w, codes)


def inputs_on(db: Database, yr: Year, as_of: date) -> dict[str, TaskInput]:
    with db.read() as s:
        _, tasks = year_tasks(s, 2023)
        got = task_inputs(s, tasks, today=TODAY, as_of=as_of)
    return {yr.codes[t.id]: t for t in got if t.id is not None}


# (as of, task, its state that day, waiting for review that day)
TIMELINE = [
    # T1: submitted 28 June, accepted 5 July
    (date(2023, 6, 27), "T1", "open", False),  # nothing reported yet
    (date(2023, 6, 28), "T1", "open", True),  # the day it was submitted counts (inclusive)
    (date(2023, 7, 4), "T1", "open", True),  # past its deadline, but waiting for the office
    (date(2023, 7, 5), "T1", "done_on_time", False),  # accepted that day: done, on 28 June
    # T2: submitted 10 October, still waiting today
    (date(2023, 10, 9), "T2", "open", False),  # the report did not exist yet
    (date(2023, 10, 10), "T2", "open", True),
    # RESUB: submitted 20 Aug, returned 25 Aug, resubmitted 5 Sep, accepted 10 Sep
    (date(2023, 8, 24), "RESUB", "open", True),
    (date(2023, 8, 25), "RESUB", "open", False),  # returned that day: not waiting any more
    (date(2023, 9, 1), "RESUB", "overdue", False),  # returned and past its deadline
    (date(2023, 9, 5), "RESUB", "open", True),  # resubmitted: waiting again
    (date(2023, 9, 9), "RESUB", "open", True),
    (date(2023, 9, 10), "RESUB", "done_late", False),  # done on 5 Sep, after 31 Aug
    # MOVED: due 31 May until 15 June, then 31 October
    (date(2023, 6, 10), "MOVED", "overdue", False),  # the deadline it had then
    (date(2023, 6, 15), "MOVED", "open", False),  # moved that day
    # NEW: created 1 August, due 30 September
    (date(2023, 8, 1), "NEW", "open", False),
    (date(2023, 10, 1), "NEW", "overdue", False),
]


@pytest.mark.parametrize(("as_of", "code", "state", "waiting"), TIMELINE)
def test_each_task_as_it_stood_that_day(
    db: Database, year: Year, as_of: date, code: str, state: str, waiting: bool
) -> None:
    task = inputs_on(db, year, as_of)[code]
    assert task_state(task, as_of) == state
    assert task.awaiting_review is waiting


def test_a_task_created_after_the_day_does_not_exist_then(db: Database, year: Year) -> None:
    assert "NEW" not in inputs_on(db, year, date(2023, 7, 31))
    assert "NEW" in inputs_on(db, year, date(2023, 8, 1))  # created that day
    assert set(inputs_on(db, year, date(2023, 1, 3))) == set()  # before the set-up


def test_on_the_apps_date_the_present_state_counts(db: Database, year: Year) -> None:
    now = inputs_on(db, year, TODAY)
    assert task_state(now["T1"], TODAY) == "done_on_time"
    assert now["T2"].awaiting_review
    assert now["MOVED"].deadline == date(2023, 10, 31)
    assert task_state(now["MOVED"], TODAY) == "overdue"


def summary_on(db: Database, as_of: date) -> tuple[int, int, list[str]]:
    """(done, overdue, overdue codes) of the annual report's task section."""
    with db.read() as s:
        ts = task_summary(s, 2023, as_of, default_thresholds(), TODAY)
    return ts.overall.done, ts.overall.overdue, [o.code for o in ts.overdue]


@pytest.mark.parametrize(
    ("as_of", "done", "overdue", "overdue_codes"),
    [
        # MOVED was still due on 31 May
        (date(2023, 6, 10), 0, 1, ["MOVED"]),
        # T1 waits for review (not done, not overdue); MOVED now due in October
        (date(2023, 7, 4), 0, 0, []),
        # T1 done; RESUB returned and late; MOVED moved to October
        (date(2023, 9, 1), 1, 1, ["RESUB"]),
        # RESUB resubmitted (waiting, not done); NEW due 30 September
        (date(2023, 10, 2), 2, 1, ["NEW"]),
    ],
)
def test_the_report_counts_the_state_of_its_as_of_date(
    db: Database, year: Year, as_of: date, done: int, overdue: int, overdue_codes: list[str]
) -> None:
    assert summary_on(db, as_of) == (done, overdue, overdue_codes)


def test_the_report_leaves_out_tasks_and_work_plans_made_later(db: Database, year: Year) -> None:
    with db.read() as s:
        before = task_summary(s, 2023, date(2023, 1, 3), default_thresholds(), TODAY)
        july = task_summary(s, 2023, date(2023, 7, 31), default_thresholds(), TODAY)
    assert before.overall.total == 0 and before.work_plans == ()
    assert july.overall.total == 4 and july.work_plans == ("2023年推进计划",)


def test_the_evaluation_and_the_assessment_see_the_same_day(db: Database, year: Year) -> None:
    waiting, early = date(2023, 7, 4), date(2023, 6, 10)
    with db.read() as s:
        plan = gather_plan_input(s, year.world.plan, today=TODAY, as_of=waiting)
        ev = evaluate_plan(plan, waiting, default_thresholds())
        scheme = default_scheme()  # without its warehouse items: tasks only
        tasks_only = replace(
            scheme, items=tuple(i for i in scheme.items if i.kind != "indicator_growth")
        )
        assessed = gather_assessment_input(s, 2023, early, tasks_only, today=TODAY)
    # T1 waits for review: neither done nor overdue; NEW does not exist yet
    assert (ev.tasks_overall.total, ev.tasks_overall.done, ev.tasks_overall.overdue) == (4, 0, 0)
    states = {t.code: task_state(t, early) for t in assessed.tasks}
    assert "NEW" not in states and states["MOVED"] == "overdue"


def test_an_event_at_the_last_instant_of_the_day_counts_the_next_one_does_not(
    db: Database, year: Year
) -> None:
    day = date(2023, 7, 4)
    with db.write() as s:  # move T1's acceptance to the first instant of 5 July, then earlier
        accept = ReportEvent.kind == "accept"
        s.execute(update(ReportEvent).where(accept).values(at=day_end(day)))
    assert task_state(inputs_on(db, year, day)["T1"], day) == "open"
    with db.write() as s:
        s.execute(
            update(ReportEvent)
            .where(ReportEvent.kind == "accept")
            .values(at=day_end(day) - timedelta(microseconds=1))
        )
    assert task_state(inputs_on(db, year, day)["T1"], day) == "done_on_time"


def test_reports_on_a_day_carry_that_days_revision(db: Database, year: Year) -> None:
    with db.read() as s:
        resub = next(k for k, v in year.codes.items() if v == "RESUB")
        on = {r.task_id: r for r in reports_on(s, [resub], date(2023, 8, 25))}
        later = {r.task_id: r for r in reports_on(s, [resub], date(2023, 9, 5))}
    assert (on[resub].state, on[resub].revision_no) == ("returned", 1)
    assert (later[resub].state, later[resub].revision_no) == ("submitted", 2)
    assert later[resub].submitted_at == noon(date(2023, 9, 5))


def test_rows_without_a_creation_entry_always_exist(db: Database, year: Year) -> None:
    new = next(k for k, v in year.codes.items() if v == "NEW")
    with db.write() as s:
        s.execute(update(AuditEntry).where(AuditEntry.action == "task.create").values(action="x"))
        assert existing_on(s, "task", [new], date(2023, 1, 1)) == {new}
    with pytest.raises(ValueError), db.read() as s:
        existing_on(s, "unit", [1], date(2023, 1, 1))


def test_the_annual_report_as_of_a_day(db: Database, year: Year, tmp_path: Path) -> None:
    """The whole report (``ipcity report --as-of``, the report job) takes the same path."""
    with Warehouse(tmp_path / "wh") as wh:
        for i, m in enumerate(range(1, 13)):
            wh.con.execute(
                "INSERT INTO patents (patent_id, office, patent_type, application_date, "
                "grant_date) VALUES (?, 'CN', 'invention', DATE '2021-03-01', ?)",
                [f"CN{i:04d}", date(2023, m, 10)],
            )
        with db.read() as s:
            data = gather_report_data(wh, s, 2023, as_of=date(2023, 6, 10), today=TODAY)
            default = gather_report_data(wh, s, 2023, today=TODAY)
    assert data.as_of == date(2023, 6, 10) and data.tasks is not None
    assert (data.tasks.overall.done, [o.code for o in data.tasks.overdue]) == (0, ["MOVED"])
    assert data.evaluation is not None and data.evaluation.tasks_overall.total == 4
    assert default.as_of == TODAY and default.tasks is not None  # the app's date, not the clock's
    assert default.tasks.overall.done == 2  # T1 and RESUB
