"""Demo data a reader believes (issue 12, problem 10), on SQLite and PostgreSQL: full years of
protection cases (no negative closure rate), baselines from the engine where it computes the
measure, narratives that agree with their numbers and evidence that is really attached,
reports written by each unit's own users, and dates that never pass the demo's "today"."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ipcity.demo.meetings import seed_meetings_demo
from ipcity.demo.protection import seed_protection_demo
from ipcity.demo.workspace_seed import seed_demo
from ipcity.protection.models import ProtectionCase
from ipcity.workspace.db import Database
from ipcity.workspace.models import (
    Base,
    ComputedActual,
    IndicatorTarget,
    ProgressReport,
    ReportEvent,
    ReportRevision,
    User,
    WorkPlan,
)

TODAY = date(2023, 11, 15)
END_OF_TODAY = datetime(2023, 11, 15, 23, 59, 59)


def _seed(db: Database) -> None:
    with db.write() as s:
        seed_demo(s, today=TODAY)
        seed_meetings_demo(s, today=TODAY, warehouse=None)
        seed_protection_demo(s, today=TODAY, scale=0.05)


def test_the_demo_reads_true(db: Database) -> None:
    _seed(db)
    with db.read() as s:
        # Full years of cases: every quarter of the year before holds receipts.
        received = list(s.scalars(select(ProtectionCase.received_on)))
        quarters = {(d.year, (d.month - 1) // 3 + 1) for d in received}
        assert {(2022, q) for q in (1, 2, 3, 4)} <= quarters
        assert min(received) == min(d for d in received if d.year == 2022)
        # Rates are rates: no negative or over-100 closure rate, and the plan's protection
        # targets start from the engine's own figure for their baseline year.
        for t in s.scalars(
            select(IndicatorTarget).where(IndicatorTarget.engine_indicator.like("protection.%"))
        ):
            values = {
                c.year: c.value
                for c in s.scalars(
                    select(ComputedActual)
                    .where(ComputedActual.target_id == t.id)
                    .order_by(ComputedActual.computed_at, ComputedActual.id)
                )
            }
            assert t.baseline_year == 2022 and values.get(2022) is not None
            assert t.baseline_value == round(values[2022], 2)
            if t.unit == "%":
                assert all(v is None or 0 <= v <= 100 for v in values.values()), values
        users = {u.id: u for u in s.scalars(select(User))}
        revisions = list(
            s.scalars(
                select(ReportRevision).options(
                    selectinload(ReportRevision.files), selectinload(ReportRevision.report)
                )
            )
        )
        assert revisions
        for r in revisions:
            # Narratives agree with their numbers.
            claims_done = "全部完成" in r.narrative or "已按分工完成" in r.narrative
            assert claims_done == (r.percent >= 100), (r.percent, r.narrative)
            if "佐证材料" in r.narrative and "请补充" not in r.narrative:
                assert r.files, r.narrative  # "已附佐证材料" has a file attached
            # Written by the unit's own people, not by the office on everyone's behalf.
            author = users[r.author_id] if r.author_id is not None else None
            assert author is not None and author.role == "unit_editor"
            assert author.unit_id == r.report.unit_id
            # Dates derive from the demo's "today": none in the real present.
            assert r.created_at <= END_OF_TODAY
        for e in s.scalars(select(ReportEvent)):
            assert e.at <= END_OF_TODAY
        for rep in s.scalars(select(ProgressReport)):
            assert rep.created_at <= END_OF_TODAY and rep.created_at.year == 2023
    _every_timestamp_on_the_demos_clock(db)


def _every_timestamp_on_the_demos_clock(db: Database) -> None:
    """Every date-time column of every table (users, notices, cases, meetings, audit …) lies
    between the start of the demo's work plan and the demo's day: nothing in the real present."""
    with db.read() as s:
        year = s.scalar(select(sa.func.min(WorkPlan.year)))
        assert year == TODAY.year
        start = datetime(year, 1, 1)
        checked = 0
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, sa.DateTime):
                    continue
                low, high = s.execute(sa.select(sa.func.min(column), sa.func.max(column))).one()
                if low is None:
                    continue
                checked += 1
                assert start <= low and high <= END_OF_TODAY, (table.name, column.name, low, high)
        assert checked >= 10  # users, notices, reports, events, audit, cases, meetings …


def test_actions_stamp_records_with_the_apps_day(db: Database) -> None:
    """A case, a user and a notice made for the app's day (a demo's, a training day) carry
    that day, at the real time of day; on the calendar's day, the real time; records made
    inside ``on_app_day`` (a request of an app run with --today) carry the app's day."""
    from ipcity.clock import on_app_day
    from ipcity.workspace.actions import do_create_user
    from ipcity.workspace.actions.notices import notify
    from ipcity.workspace.models import AuditEntry, Notice, stamp_on, utcnow
    from tests.support.prot_fixtures import build_prot_world, case

    pw = build_prot_world(db)
    day = date(2023, 5, 2)
    made = case(db, pw.w.editor_a, today=day, case_no="CLOCK-1")
    with db.write() as s:
        user = do_create_user(
            s,
            pw.w.admin,
            {"username": "clock", "role": "leader"},
            password="Clock-pass-2023!",
            today=day,
        )
        notice = notify(s, kind="overdue", dedupe_key="clock", day=day, params={}, for_office=True)
        assert notice is not None
        with on_app_day(day):
            notify(s, kind="overdue", dedupe_key="clock2", day=day, params={}, for_office=True)
    with db.read() as s:
        stamped = s.get(ProtectionCase, made.id)
        assert stamped is not None and stamped.created_at.date() == day
        created = s.get(User, user.id)
        assert created is not None and created.created_at.date() == day
        assert {n.created_at.date() for n in s.scalars(select(Notice))} == {day}
        audits = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "case.create")))
        assert audits and all(a.at.date() == day for a in audits)
    real = utcnow()
    assert stamp_on(real.date()).date() == real.date()
    assert stamp_on(None).date() in (real.date(), date.today())
