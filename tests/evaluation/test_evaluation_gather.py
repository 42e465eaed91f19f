"""Filling the evaluation inputs from a hand-built workspace (SQLite): completion dates,
areas, actual values by precedence, reports owed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from ipcity.errors import InputError
from ipcity.evaluation.gather import (
    find_plan,
    gather_assessment_input,
    gather_plan_input,
    period_ends,
    plan_for_year,
    reports_owed,
    task_inputs,
    year_tasks,
)
from ipcity.evaluation.scheme import default_scheme
from ipcity.workspace.db import open_db
from ipcity.workspace.models import (
    ComputedActual,
    Goal,
    IndicatorTarget,
    Plan,
    ProgressReport,
    PublishedActual,
    ReportEvent,
    ReportRevision,
    Task,
    Unit,
    WorkPlan,
)


def noon(d: date) -> datetime:
    # noon UTC is the same calendar day in every time zone from UTC-11 to UTC+11
    return datetime(d.year, d.month, d.day, 12, 0)


def report(
    s: Session,
    task: Task,
    unit: Unit,
    period_end: date,
    percent: float,
    state: str,
    submits: list[date],
) -> None:
    r = ProgressReport(
        task_id=task.id,
        unit_id=unit.id,
        period=period_end.isoformat(),
        period_end=period_end,
        state=state,
        current_revision=len(submits) or 1,
    )
    s.add(r)
    s.flush()
    for n in range(1, (len(submits) or 1) + 1):
        s.add(
            ReportRevision(
                report_id=r.id, revision_no=n, percent=percent, narrative="", author_name="t"
            )
        )
    for n, day in enumerate(submits, 1):
        s.add(
            ReportEvent(
                report_id=r.id,
                revision_no=n,
                kind="submit",
                from_state="draft",
                to_state="submitted",
                actor_name="t",
                at=noon(day),
            )
        )
    s.flush()


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    db = open_db(f"sqlite:///{tmp_path / 'ws.sqlite'}")
    with db.write() as s:
        a = Unit(code="A", name="单位甲", kind="municipal", sort_order=1)
        b = Unit(
            code="B",
            name="单位乙",
            short_name="乙",
            kind="district",
            admin_code="310104",
            sort_order=2,
        )
        s.add_all([a, b])
        plan = Plan(code="FYP", title="规划", kind="five_year", start_year=2021, end_year=2025)
        s.add(plan)
        s.flush()
        g1 = Goal(plan_id=plan.id, code="G1", title="保护", sort_order=2)
        g0 = Goal(plan_id=plan.id, code="G0", title="创造", sort_order=1)
        s.add_all([g1, g0])
        s.flush()
        g11 = Goal(plan_id=plan.id, parent_id=g1.id, code="G1.1", title="司法保护")
        s.add(g11)
        s.flush()
        tgt = IndicatorTarget(
            plan_id=plan.id,
            goal_id=g11.id,
            code="X",
            name="指标",
            direction="higher",
            baseline_year=2020,
            baseline_value=10,
            target_year=2025,
            target_value=20,
            engine_indicator="pct_applications",
            region="310000",
        )
        s.add(tgt)
        s.flush()
        s.add_all(
            [
                PublishedActual(target_id=tgt.id, year=2021, value=12.5, source="统计公报"),
                ComputedActual(
                    target_id=tgt.id,
                    year=2021,
                    value=11.0,
                    vintage={},
                    computed_at=datetime(2022, 3, 1),
                ),
                ComputedActual(
                    target_id=tgt.id,
                    year=2022,
                    value=13.0,
                    vintage={},
                    computed_at=datetime(2023, 3, 1),
                ),
                ComputedActual(
                    target_id=tgt.id,
                    year=2022,
                    value=14.0,
                    vintage={},
                    computed_at=datetime(2023, 4, 1),
                ),  # the newest counts
            ]
        )
        wp = WorkPlan(
            code="WP22",
            year=2022,
            title="2022年推进计划",
            plan_id=plan.id,
            start_date=date(2022, 1, 1),
        )
        s.add(wp)
        s.flush()
        t1 = Task(
            work_plan_id=wp.id,
            code="T1",
            seq=1,
            title="一",
            goal_id=g11.id,
            lead_unit_id=a.id,
            deadline=date(2022, 6, 30),
        )
        t2 = Task(
            work_plan_id=wp.id,
            code="T2",
            seq=2,
            title="二",
            goal_id=g0.id,
            lead_unit_id=b.id,
            deadline=date(2022, 9, 30),
        )
        t3 = Task(
            work_plan_id=wp.id,
            code="T3",
            seq=3,
            title="三",
            lead_unit_id=a.id,
            deadline=date(2022, 6, 30),
        )
        t4 = Task(
            work_plan_id=wp.id,
            code="T4",
            seq=4,
            title="四",
            lead_unit_id=b.id,
            deadline=date(2022, 12, 31),
            start_date=date(2022, 7, 1),
        )
        s.add_all([t1, t2, t3, t4])
        s.flush()
        t2.co_units.append(a)
        # T1: 100% accepted, submitted 20 June -> done on time
        report(s, t1, a, date(2022, 6, 30), 100, "accepted", [date(2022, 6, 20)])
        report(s, t1, a, date(2022, 3, 31), 40, "accepted", [date(2022, 4, 5)])
        # T3: first submitted 1 May, returned, resubmitted 5 July -> the accepted revision's
        # submission is the completion day: late
        report(s, t3, a, date(2022, 6, 30), 100, "accepted", [date(2022, 5, 1), date(2022, 7, 5)])
        # T2: 100% but only submitted, not accepted -> not done; a co-unit's report -> ignored
        report(s, t2, b, date(2022, 9, 30), 100, "submitted", [date(2022, 9, 25)])
        report(s, t2, a, date(2022, 9, 30), 100, "accepted", [date(2022, 9, 20)])
        # T4: 80% accepted -> not done
        report(s, t4, b, date(2022, 9, 30), 80, "accepted", [date(2022, 10, 15)])
    with db.read() as s:
        yield s
    db.dispose()


def test_tasks_completion_days_and_areas(session: Session) -> None:
    _, tasks = year_tasks(session, 2022)
    got = {t.code: t for t in task_inputs(session, tasks)}
    assert got["T1"].completed_on == date(2022, 6, 20)
    assert got["T3"].completed_on == date(2022, 7, 5)
    assert got["T2"].completed_on is None  # submitted, not accepted; co-unit's accepted one
    assert got["T4"].completed_on is None  # 80%
    # area = the top-level goal: T1's goal G1.1 sits under G1
    assert (got["T1"].area_code, got["T1"].area_title, got["T1"].area_order) == ("G1", "保护", 2)
    assert got["T3"].area_code == ""  # no goal
    assert got["T2"].co_units[0].code == "A"
    assert got["T2"].lead_unit.name == "乙"  # the short name
    assert got["T4"].start == date(2022, 7, 1) and got["T1"].start == date(2022, 1, 1)


def test_plan_actuals_by_precedence(session: Session) -> None:
    p = gather_plan_input(session, "FYP")
    (ind,) = p.indicators
    by_year = {a.year: a for a in ind.actuals}
    # 2021: the published value beats the snapshot; 2022: the newest snapshot
    assert (by_year[2021].value, by_year[2021].source) == (12.5, "published: 统计公报")
    assert by_year[2022].value == 14.0 and by_year[2022].source.startswith("engine snapshot")
    assert ind.area == "保护"
    # tasks: linked to the plan's goals or in its work plans
    assert sorted(t.code for t in p.tasks) == ["T1", "T2", "T3", "T4"]


def test_find_plan(session: Session) -> None:
    plan = find_plan(session, "FYP")
    assert find_plan(session, str(plan.id)).code == "FYP"
    with pytest.raises(InputError, match=r"no plan 'NOPE' in the workspace \(plans: FYP\)"):
        find_plan(session, "NOPE")
    assert plan_for_year(session, 2023) is not None
    assert plan_for_year(session, 2030) is None


@pytest.mark.parametrize(
    ("first", "last", "cadence", "ends"),
    [
        (
            date(2022, 2, 10),
            date(2022, 7, 1),
            "quarter",
            [date(2022, 3, 31), date(2022, 6, 30), date(2022, 9, 30)],
        ),
        (date(2022, 1, 1), date(2022, 6, 30), "quarter", [date(2022, 3, 31), date(2022, 6, 30)]),
        (
            date(2022, 11, 5),
            date(2023, 1, 2),
            "month",
            [date(2022, 11, 30), date(2022, 12, 31), date(2023, 1, 31)],
        ),
        (date(2022, 3, 1), date(2022, 12, 31), "half", [date(2022, 6, 30), date(2022, 12, 31)]),
        (date(2022, 3, 1), date(2023, 3, 1), "year", [date(2022, 12, 31), date(2023, 12, 31)]),
    ],
)
def test_period_ends(first: date, last: date, cadence: str, ends: list[date]) -> None:
    assert period_ends(first, last, cadence) == ends


def test_reports_owed(session: Session) -> None:
    _, tasks = year_tasks(session, 2022)
    done = {t.id: d for t in tasks if (d := {"T1": date(2022, 6, 20)}.get(t.code))}
    owed = reports_owed(session, tasks, done, cadence="quarter", grace_days=10)
    rows = {(r.task_code, r.period): r for r in owed}
    # T1 (Jan-Jun, done 20 June): Q1 and Q2, due 10 April and 10 July
    assert rows[("T1", "2022-03-31")].due == date(2022, 4, 10)
    assert rows[("T1", "2022-03-31")].submitted_on == date(2022, 4, 5)
    assert rows[("T1", "2022-06-30")].submitted_on == date(2022, 6, 20)
    assert ("T1", "2022-09-30") not in rows
    # T2 (lead B, Jan-Sep): Q1-Q3; only the Q3 report exists, first submitted 25 September
    assert [r.period for r in owed if r.task_code == "T2"] == [
        "2022-03-31",
        "2022-06-30",
        "2022-09-30",
    ]
    assert rows[("T2", "2022-09-30")].submitted_on == date(2022, 9, 25)
    assert rows[("T2", "2022-03-31")].submitted_on is None
    # T3: first submission 1 May counts for the report (it was handed in then)
    assert rows[("T3", "2022-06-30")].submitted_on == date(2022, 5, 1)
    # T4 starts 1 July: Q3 and Q4 only
    assert [r.period for r in owed if r.task_code == "T4"] == ["2022-09-30", "2022-12-31"]


def test_assessment_input_without_indicator_items(session: Session) -> None:
    scheme = default_scheme()
    with pytest.raises(InputError, match="needs the warehouse"):
        gather_assessment_input(session, 2022, date(2022, 12, 31), scheme)
    from dataclasses import replace

    no_hv = replace(scheme, items=tuple(i for i in scheme.items if i.kind != "indicator_growth"))
    data = gather_assessment_input(session, 2022, date(2022, 12, 31), no_hv)
    assert [u.code for u in data.units] == ["A", "B"]
    assert len(data.tasks) == 4 and data.indicator_values == {}
