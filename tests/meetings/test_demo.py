"""The demo meetings and portal, seeded after the workspace demo."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ipcity.demo.meetings import seed_meetings_demo
from ipcity.demo.workspace_seed import seed_demo
from ipcity.errors import IpcityError
from ipcity.meetings.portal import portal_home
from ipcity.meetings.queries import (
    list_meetings,
    list_publications,
    meeting_detail,
    minutes_history,
)
from ipcity.workspace.db import Database
from ipcity.workspace.models import Unit, User, WorkPlan
from ipcity.workspace.permissions import ANONYMOUS, Actor, system_actor
from ipcity.workspace.queries import list_tasks

SYSTEM = system_actor("test")


def _user(db: Database, username: str) -> Actor:
    with db.read() as s:
        u = s.scalar(select(User).where(User.username == username))
        assert u is not None
        return Actor.from_user(u)


def test_demo_meetings_and_portal(db: Database) -> None:
    today = date(2023, 9, 30)
    with db.write() as s:
        seed_demo(s, today=today)
        out = seed_meetings_demo(s, today=today)
    assert out.counts() == {
        "meetings": 2,
        "decisions": 3,
        "materials": 0,  # no warehouse: no generated report
        "publications": 4,
        "snapshots": 1,
    }
    annual_id, liaison_id = out.meetings
    with db.read() as s:
        d = meeting_detail(s, SYSTEM, annual_id, today=today)
        m = d.meeting
        assert (m.kind, m.status, m.meeting_date) == ("annual_enlarged", "held", date(2023, 3, 28))
        assert m.convener_name == "市政府分管副市长"  # a role title, no person's name
        assert len(m.attending_units) == s.query(Unit).count() == 40  # every member unit
        assert [a.kind for a in d.agenda] == [
            "convener_speech",
            "work_report",
            "exchange_speech",
            "exchange_speech",
            "exchange_speech",
            "other",
        ]
        assert [a.title for a in d.agenda if a.kind == "exchange_speech"] == [
            "浦东新区交流发言",
            "市高级人民法院交流发言",
            "市市场监管局交流发言",
        ]
        assert d.minutes is not None and d.minutes.revision_no == 2
        assert [r.note for r in minutes_history(s, SYSTEM, annual_id)] == [
            "初稿",
            "更正第二项议定事项的牵头单位",
        ]
        wp = s.scalar(select(WorkPlan).where(WorkPlan.code == "WP2023"))
        assert wp is not None
        tasks = [dv.task for dv in d.decisions]
        assert all(t is not None and t.work_plan_id == wp.id for t in tasks)
        assert [t.code for t in tasks if t is not None] == ["2023-061", "2023-062", "2023-063"]
        leads = [s.get(Unit, t.lead_unit_id).code for t in tasks if t is not None]  # type: ignore[union-attr]
        assert leads == ["310115", "COURT", "CCPIT"]
        # the court's decision task has accepted progress (40 %), the others none yet
        assert [dv.percent for dv in d.decisions] == [0.0, 40.0, 0.0]
        liaison = meeting_detail(s, SYSTEM, liaison_id)
        assert (liaison.meeting.kind, liaison.meeting.status) == ("liaison", "scheduled")
        assert liaison.meeting.meeting_date.year == 2024
    pudong, samr = _user(db, "pudong"), _user(db, "samr")
    with db.read() as s:
        # Pudong attends the annual meeting, not the liaison meeting of the bureaus
        assert [x.id for x in list_meetings(s, pudong)] == [annual_id]
        assert [x.id for x in list_meetings(s, samr)] == [liaison_id, annual_id]
        assert list_meetings(s, ANONYMOUS) == []
        # the decision Pudong leads is in its task list like any task
        pudong_tasks = list_tasks(s, pudong, wp.id, unit_id=pudong.unit_id, involvement="lead")
        assert out.tasks[0] in [t.id for t in pudong_tasks]
        pubs = list_publications(s, ANONYMOUS)
        assert sorted(p.kind for p in pubs) == ["bulletin", "news", "work_report"]
        assert len(list_publications(s, SYSTEM)) == 4  # and one draft
        home = portal_home(s, ANONYMOUS)
        assert home.snapshot is not None
        assert (home.snapshot.year, home.snapshot.source) == (2022, "workspace")
        # published once its values were (26 April 2023), not on the meeting day before it
        assert home.snapshot.published_at.date() == date(2023, 4, 26)
        assert {c.name for c in home.cards} >= {"知识产权质押融资额", "版权登记量"}
    with db.write() as s, pytest.raises(IpcityError, match="only once"):
        seed_meetings_demo(s, today=today)


def test_demo_before_the_meeting_day(db: Database) -> None:
    today = date(2023, 3, 1)
    with db.write() as s:
        seed_demo(s, today=today)
        out = seed_meetings_demo(s, today=today)
    assert out.decisions == [] and out.tasks == []
    with db.read() as s:
        d = meeting_detail(s, SYSTEM, out.meetings[0])
        assert d.meeting.status == "scheduled" and d.minutes is None
        # nothing about a meeting that has not happened is public yet (all four are drafts)
        assert list_publications(s, ANONYMOUS) == []
        assert len(list_publications(s, SYSTEM)) == 4
    # the demo's 2022 values are published on 26 April 2023: none on 1 March, no snapshot
    assert out.snapshot is None
    assert any("no headline snapshot" in n for n in out.notes)


def test_demo_needs_the_workspace_demo(db: Database) -> None:
    with db.write() as s, pytest.raises(IpcityError, match="seed the workspace demo first"):
        seed_meetings_demo(s, today=date(2023, 9, 30))
