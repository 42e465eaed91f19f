"""The demo joint conference: counts, every report state, deterministic, fresh passwords."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from ipcity.demo import workspace_data as D
from ipcity.demo.workspace_seed import seed_demo
from ipcity.errors import IpcityError
from ipcity.workspace import auth
from ipcity.workspace.db import Database
from ipcity.workspace.history import day_end, published_on
from ipcity.workspace.models import (
    AuditEntry,
    IndicatorTarget,
    Notice,
    Plan,
    ProgressReport,
    PublishedActual,
    ReportRevision,
    Task,
    Unit,
    User,
)

TODAY = date(2023, 9, 15)


def _snapshot(db: Database) -> list[tuple[object, ...]]:
    with db.read() as s:
        tasks = [
            (t.code, t.title, t.lead_unit_id, t.deadline, t.weight)
            for t in s.scalars(select(Task).order_by(Task.id))
        ]
        reports = [
            (r.task_id, r.unit_id, r.period, r.state, r.current_revision)
            for r in s.scalars(select(ProgressReport).order_by(ProgressReport.id))
        ]
    return [*tasks, *reports]


def test_demo_seed(db: Database) -> None:
    with db.write() as s:
        logins = seed_demo(s, today=TODAY)
    with db.read() as s:
        count = lambda model: s.scalar(select(func.count()).select_from(model))  # noqa: E731
        assert count(Unit) == 40
        assert s.scalar(select(func.count()).select_from(Unit).where(Unit.kind == "district")) == 16
        assert (
            sorted(s.scalars(select(Unit.admin_code).where(Unit.kind == "district")))[0] == "310101"
        )
        assert s.scalar(select(Unit.name).where(Unit.admin_code == "310151")) == "崇明区人民政府"
        assert count(Plan) == 2
        assert count(Task) == 60
        assert count(IndicatorTarget) >= 10
        engine_ids = set(s.scalars(select(IndicatorTarget.engine_indicator)))
        assert {"high_value_invention_patents_per_10k", "pct_applications", None} <= engine_ids
        assert count(PublishedActual) > 0
        states = dict(
            s.execute(
                select(ProgressReport.state, func.count()).group_by(ProgressReport.state)
            ).all()
        )
        assert set(states) == {"draft", "submitted", "accepted", "returned"}
        assert all(n >= 3 for n in states.values())
        # superseded revisions: reports with more than one revision
        multi = s.scalar(
            select(func.count())
            .select_from(ProgressReport)
            .where(ProgressReport.current_revision > 1)
        )
        assert multi and multi >= 3
        assert count(ReportRevision) > count(ProgressReport)
        assert count(Notice) > 0
        users = {u.username: u for u in s.scalars(select(User))}
    roles = {x.role for x in logins.logins}
    assert roles == {"office_admin", "leader", "unit_editor"}
    assert logins.counts["units"] == 40 and logins.counts["tasks"] == 60
    for login in logins.logins:
        assert len(login.password) >= auth.MIN_PASSWORD_LENGTH
        assert auth.verify_password(users[login.username].password_hash, login.password)
    # Logins work with the returned passwords.
    office = next(x for x in logins.logins if x.role == "office_admin")
    assert (
        auth.authenticate(db, office.username, office.password, client="t").role == "office_admin"
    )
    # Not twice into the same workspace.
    with pytest.raises(IpcityError), db.write() as s:
        seed_demo(s, today=TODAY)


def test_deterministic_except_passwords(db: Database) -> None:
    from tests.support.ws_fixtures import wipe

    with db.write() as s:
        first_logins = seed_demo(s, today=TODAY, seed=7)
    first = _snapshot(db)
    wipe(db)
    with db.write() as s:
        second_logins = seed_demo(s, today=TODAY, seed=7)
    assert _snapshot(db) == first
    assert [x.password for x in first_logins.logins] != [x.password for x in second_logins.logins]


DEMO_DAY = date(2023, 11, 15)  # the demo's day


@pytest.mark.parametrize("today", [DEMO_DAY, date(2023, 4, 25)])
def test_published_values_are_recorded_on_their_publication_day(db: Database, today: date) -> None:
    """Issue 12: the seed recorded the 2022 values on 4 January 2023, so an evaluation as of
    March counted figures published on 26 April. Each is now entered on its publication day
    (or at setup, 4 January, when published before it), never before it nor after ``today``."""
    with db.write() as s:
        seed_demo(s, today=today)
    with db.read() as s:
        rows = list(s.scalars(select(PublishedActual)))
        stamps = {
            int(e.entity_id): e.at
            for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "actual.publish"))
        }
        ids = list(s.scalars(select(IndicatorTarget.id)))
        by_day = {
            day: {(v.target_id, v.year) for v in published_on(s, ids, day)}
            for day in (date(2023, 4, 25), date(2023, 4, 26))
        }
    expected = [  # a code in both plans has its values in each
        (t[2], y)
        for t in D.TARGETS
        for y in D.PUBLISHED.get(t[2], {})
        if D.published_on(y) <= today
    ]
    assert len(rows) == len(expected) == len(stamps)
    assert {r.year for r in rows} == ({2021, 2022} if today == DEMO_DAY else {2021})
    setup = date(2023, 1, 4)
    for r in rows:
        assert r.published_on == D.published_on(r.year)
        first = max(r.published_on, setup)  # the day it is recorded on
        for at in (r.entered_at, stamps[r.id]):
            assert day_end(first - timedelta(days=1)) <= at < day_end(first), (r.year, at)
            assert at < day_end(today)
    # the evaluation's history: the 2022 values are unknown the day before their publication
    assert {y for _t, y in by_day[date(2023, 4, 25)]} == {2021}
    if today == DEMO_DAY:
        assert {y for _t, y in by_day[date(2023, 4, 26)]} == {2021, 2022}
