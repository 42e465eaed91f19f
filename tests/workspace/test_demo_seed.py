"""The demo joint conference: counts, every report state, deterministic, fresh passwords."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from ipcity.demo.workspace_seed import seed_demo
from ipcity.errors import IpcityError
from ipcity.workspace import auth
from ipcity.workspace.db import Database
from ipcity.workspace.models import (
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
