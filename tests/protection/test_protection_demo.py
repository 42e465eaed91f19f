"""The synthetic demo cases: labelled, plausible, deterministic; the report section and the
live plan targets on top of the demo workspace."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from ipcity.demo.protection import CASELOADS, seed_protection_demo
from ipcity.demo.workspace_seed import seed_demo
from ipcity.errors import IpcityError
from ipcity.protection import indicators as ind
from ipcity.protection.models import CaseUnit, ProtectionCase
from ipcity.protection.queries import list_cases
from ipcity.protection.report_section import build_report_section
from ipcity.workspace.actuals import plan_indicator_series
from ipcity.workspace.db import Database
from ipcity.workspace.models import IndicatorTarget, Plan
from ipcity.workspace.permissions import Role, system_actor

TODAY = date(2023, 11, 15)


def _seed(db: Database, scale: float = 0.05) -> object:
    with db.write() as s:
        seed_demo(s, today=TODAY)
        return seed_protection_demo(s, today=TODAY, scale=scale)


def test_demo_cases(db: Database) -> None:
    summary = _seed(db)
    with db.read() as s:
        cases = list(s.scalars(select(ProtectionCase)))
        assert len(cases) == summary.cases > 100  # type: ignore[attr-defined]
        # every case is labelled synthetic, in its number and in its party names
        assert all(c.synthetic and "演示" in c.case_no for c in cases)
        assert all(c.claimants.endswith("（演示数据）") for c in cases)
        # a share is still open on "today"; nothing happens after it
        assert 0 < sum(c.closed_on is None for c in cases) < len(cases)
        assert max(c.closed_on or c.received_on for c in cases) <= TODAY
        # the last quarter of 2022 makes a backlog pending on 1 January 2023
        t = ind.compute(s, years=[2023], indicators=["pending_start", "cases_received"])
        assert (t.value("protection.pending_start", 2023) or 0) > 0
        kinds = {c.kind for c in cases}
        assert kinds == {load.kind for load in CASELOADS}
        # transfers (Pudong -> the city bureau) and joint cases (the city bureau with Xuhui):
        # five each at full scale, fewer when a small scale gives Pudong fewer cases
        roles = list(s.scalars(select(CaseUnit.role)))
        assert roles.count("previous") == summary.transferred > 0  # type: ignore[attr-defined]
        assert roles.count("joint") == summary.joint == 5  # type: ignore[attr-defined]
        # the demo plan FYP14 got three targets read from the cases, with values
        plan = s.scalar(select(Plan).where(Plan.code == "FYP14"))
        assert plan is not None
        series = {
            x.target.code: x
            for x in plan_indicator_series(s, system_actor(), plan.id)
            if x.target.code.startswith("PROT_")
        }
        assert set(series) == {"PROT_RULING_DAYS", "PROT_CLOSURE", "PROT_MEDIATION"}
        assert series["PROT_CLOSURE"].latest_year == 2023
        assert 0 < (series["PROT_CLOSURE"].latest_value or 0) <= 100
        # the demo unit editors see their own cases (the court its own, masked for leaders)
        court = next(u for u in s.scalars(select(IndicatorTarget)) if u.code == "PROT_CLOSURE")
        assert court.engine_indicator == "protection.closure_rate"


def test_demo_is_deterministic_and_refuses_twice(db: Database) -> None:
    _seed(db)
    with db.read() as s:
        first = sorted(
            (c.case_no, c.received_on, c.closed_on, c.kind)
            for c in s.scalars(select(ProtectionCase))
        )
    with pytest.raises(IpcityError, match="already has protection cases"), db.write() as s:
        seed_protection_demo(s, today=TODAY)
    from tests.support.ws_fixtures import wipe

    wipe(db)
    _seed(db)
    with db.read() as s:
        again = sorted(
            (c.case_no, c.received_on, c.closed_on, c.kind)
            for c in s.scalars(select(ProtectionCase))
        )
    assert again == first


def test_needs_the_demo_units(db: Database) -> None:
    with pytest.raises(IpcityError, match="seed the demo joint conference first"), db.write() as s:
        seed_protection_demo(s, today=TODAY)


def test_report_section_on_the_demo(db: Database) -> None:
    _seed(db)
    with db.read() as s:
        section = build_report_section(s, 2023, as_of=TODAY)
        total = s.scalar(
            select(func.count())
            .select_from(ProtectionCase)
            .where(ProtectionCase.received_on.between(date(2023, 1, 1), TODAY))
        )
    zh = section.section("zh")
    en = section.section("en")
    assert zh is not None and en is not None
    assert (
        zh.title == "知识产权保护和纠纷化解" and en.title == "IP protection and dispute resolution"
    )
    lead = zh.blocks[0]
    assert f"共受理知识产权保护案件{total}件" in lead.text  # type: ignore[union-attr]
    table = zh.blocks[1]
    assert sum(int(r[1].replace(",", "")) for r in table.rows) == total  # type: ignore[union-attr]
    assert "演示数据" in zh.blocks[-1].text  # type: ignore[union-attr]
    assert zh.subsections and zh.subsections[0].title == "知识产权保护工作自评"
    scores = zh.subsections[0].blocks[1]
    assert scores.rows[0][1] == "全市"  # type: ignore[union-attr]
    assert len(scores.rows) == 17  # type: ignore[union-attr]  # the city and 16 districts
    # no party name reaches the report
    text = "\n".join(str(b) for b in zh.all_blocks())
    assert "演示数据）" not in text


def test_demo_users_see_their_own(db: Database) -> None:
    _seed(db)
    from ipcity.workspace.models import User
    from ipcity.workspace.permissions import Actor

    with db.read() as s:
        users = {u.username: Actor.from_user(u) for u in s.scalars(select(User))}
        court = list_cases(s, users["court"], limit=5)
        assert court and all(c.access == "owner" and not c.names_masked for c in court)
        leader = list_cases(s, users["leader"], limit=5)
        assert users["leader"].role is Role.LEADER
        assert leader and all(c.names_masked for c in leader)
