"""The joint conference the web tests run against (``WebWorld``), built through the
workspace's actions, and helpers to log in through the pages and the API.

A module with its own name (not ``conftest``) so test files can import it unambiguously.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from starlette.testclient import TestClient

from ipcity.web.views.cache import clear_all
from ipcity.workspace.actions import (
    EvidenceUpload,
    do_create_goal,
    do_create_plan,
    do_create_report,
    do_create_target,
    do_create_task,
    do_create_unit,
    do_create_user,
    do_create_work_plan,
    do_enter_published_actual,
    do_run_supervision,
    do_submit_report,
)
from ipcity.workspace.db import Database
from ipcity.workspace.models import Base, ProgressReport, Unit
from ipcity.workspace.permissions import Actor, system_actor
from ipcity.workspace.queries import inbox

PASSWORD = "correct horse battery"  # test-only: every test user gets it
TODAY = date(2023, 9, 15)
ROLES = ("anonymous", "editor_lead", "editor_other", "leader", "admin")
USERNAMES = {
    "editor_lead": "editor_a",
    "editor_other": "editor_d",
    "leader": "leader",
    "admin": "admin",
    "editor_co": "editor_b",
}


def wipe(db: Database) -> None:
    clear_all()  # audit ids start again at 1 after a wipe: cached pages must go too
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with db.write() as s:
        if db.dialect == "postgresql":
            s.execute(
                text(
                    "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
                )
            )
        else:
            for t in tables:
                s.execute(text(f'DELETE FROM "{t}"'))


@dataclass
class WebWorld:
    """Units: office, A (leads t1 and t3), B (co-operates on t1, leads t2), D (a district,
    involved in nothing). Users: admin, editor_a, editor_b, editor_d, leader. A published
    plan with one published indicator (baseline 10 in 2020, target 20 in 2025, published 15
    for 2022), an unpublished plan, a published 2023 work plan. Reports on t1: r_sub and
    r_sub2 (A, submitted), r_draft_a (A, draft, with a file), r_draft_b (B, draft)."""

    db: Database
    ids: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, key: str) -> int:
        return self.ids[key]


# Areas add their own objects to the matrix world: a test module ``<area>_web_world`` with
# ``add_to_world(world) -> world``, listed here.
WORLD_EXTENSIONS: tuple[str, ...] = ("tests.support.protection_web_world",)

GENERATION = [0]  # bumped by every build, so a cached world knows another test wiped it


def build_world(db: Database) -> WebWorld:
    GENERATION[0] += 1
    sysa = system_actor("test")
    w = WebWorld(db)
    ids = w.ids
    with db.write() as s:
        ids["office"] = do_create_unit(
            s, sysa, {"code": "SIPA", "name": "市知识产权局", "kind": "office"}
        ).id
        ids["unit_a"] = do_create_unit(
            s, sysa, {"code": "STCSM", "name": "市科委", "kind": "municipal", "sort_order": 1}
        ).id
        ids["unit_b"] = do_create_unit(
            s, sysa, {"code": "COMM", "name": "市商务委", "kind": "municipal", "sort_order": 2}
        ).id
        ids["unit_d"] = do_create_unit(
            s,
            sysa,
            {
                "code": "HP",
                "name": "黄浦区人民政府",
                "short_name": "黄浦区",
                "kind": "district",
                "admin_code": "310101",
                "sort_order": 3,
            },
        ).id
        actors: dict[str, Actor] = {}
        for name, role, unit in (
            ("admin", "office_admin", ids["office"]),
            ("editor_a", "unit_editor", ids["unit_a"]),
            ("editor_b", "unit_editor", ids["unit_b"]),
            ("editor_d", "unit_editor", ids["unit_d"]),
            ("leader", "leader", None),
        ):
            u = do_create_user(
                s,
                sysa,
                {"username": name, "role": role, "unit_id": unit, "display_name": name},
                password=PASSWORD,
            )
            ids[f"user_{name}"] = u.id
            ids[f"user_{name}_v"] = u.version
            actors[name] = Actor.from_user(u)
        plan = do_create_plan(
            s,
            sysa,
            {
                "code": "P14",
                "title": "十四五规划",
                "kind": "five_year",
                "start_year": 2021,
                "end_year": 2025,
                "published": True,
            },
        )
        ids["plan"], ids["plan_v"] = plan.id, plan.version
        hidden = do_create_plan(
            s,
            sysa,
            {
                "code": "DRAFT",
                "title": "内部草案",
                "kind": "other",
                "start_year": 2024,
                "end_year": 2026,
            },
        )
        ids["plan_hidden"] = hidden.id
        g1 = do_create_goal(s, sysa, {"plan_id": plan.id, "code": "G1", "title": "创造"}).id
        goal = do_create_goal(
            s, sysa, {"plan_id": plan.id, "parent_id": g1, "code": "G1.1", "title": "高价值专利"}
        )
        ids["goal"], ids["goal_v"] = goal.id, goal.version
        target = do_create_target(
            s,
            sysa,
            {
                "plan_id": plan.id,
                "goal_id": ids["goal"],
                "code": "T1",
                "name": "版权登记量",
                "unit": "万件",
                "direction": "higher",
                "baseline_year": 2020,
                "baseline_value": 10,
                "target_year": 2025,
                "target_value": 20,
                "published": True,
            },
        )
        ids["target"], ids["target_v"] = target.id, target.version
        do_enter_published_actual(
            s, sysa, target.id, {"year": 2022, "value": 15, "source": "白皮书"}
        )
        wp = do_create_work_plan(
            s,
            sysa,
            {
                "code": "WP2023",
                "year": 2023,
                "title": "2023年推进计划",
                "plan_id": plan.id,
                "published": True,
            },
        )
        ids["wp"], ids["wp_v"] = wp.id, wp.version
        t1 = do_create_task(
            s,
            sysa,
            {
                "work_plan_id": wp.id,
                "title": "任务一",
                "lead_unit_id": ids["unit_a"],
                "co_unit_ids": [ids["unit_b"]],
                "deadline": date(2023, 6, 30),
                "goal_id": ids["goal"],
            },
        )
        t2 = do_create_task(
            s,
            sysa,
            {
                "work_plan_id": wp.id,
                "title": "任务二",
                "lead_unit_id": ids["unit_b"],
                "deadline": date(2023, 12, 31),
                "goal_id": g1,
            },
        )
        t3 = do_create_task(
            s,
            sysa,
            {
                "work_plan_id": wp.id,
                "title": "任务三",
                "lead_unit_id": ids["unit_a"],
                "deadline": date(2023, 11, 30),
                "deadline_text": "11月底",
            },
        )
        ids.update(t1=t1.id, t2=t2.id, t3=t3.id)
        at = datetime(2023, 9, 1, 10)
        a, b = actors["editor_a"], actors["editor_b"]
        evidence = EvidenceUpload("证明.txt", "text/plain", "材料".encode())
        r = do_create_report(
            s,
            a,
            task_id=t1.id,
            period="2023-Q1",
            percent=30,
            narrative="一季度进展",
            files=[evidence],
            at=at,
        )
        r = do_submit_report(s, a, r.id, expected_version=r.version, at=at)
        ids["r_sub"], ids["file_sub"] = r.id, r.current().files[0].id
        r2 = do_create_report(
            s, a, task_id=t1.id, period="2023-Q2", percent=60, narrative="二季度进展", at=at
        )
        r2 = do_submit_report(s, a, r2.id, expected_version=r2.version, at=at)
        ids["r_sub2"] = r2.id
        d = do_create_report(
            s,
            a,
            task_id=t1.id,
            period="2023-05",
            percent=40,
            narrative="草稿",
            files=[evidence],
            at=at,
        )
        ids["r_draft_a"], ids["file_draft"] = d.id, d.current().files[0].id
        db_ = do_create_report(
            s, b, task_id=t1.id, period="2023-05", percent=20, narrative="配合单位草稿", at=at
        )
        ids["r_draft_b"] = db_.id
        do_run_supervision(s, sysa, today=TODAY, smtp=None)
        s.flush()
        for key in ("r_sub", "r_sub2", "r_draft_a", "r_draft_b"):
            report = s.get(ProgressReport, ids[key])
            assert report is not None
            ids[f"{key}_v"] = report.version
        ids["t1_v"], ids["t3_v"] = t1.version, t3.version
        unit_a = s.get(Unit, ids["unit_a"])
        assert unit_a is not None
        ids["unit_a_v"] = unit_a.version
        ids["notice_a"] = inbox(s, a)[0].id
        ids["notice_office"] = inbox(s, sysa)[0].id
    for name in WORLD_EXTENSIONS:
        w = importlib.import_module(name).add_to_world(w)
    return w


def csrf_of(client: TestClient) -> str:
    """The session's CSRF token (from a page that has a form)."""
    page = client.get("/login")
    m = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert m, "no CSRF token on the login page"
    return m.group(1)


def page_login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in through the login form; returns the session's new CSRF token."""
    token = csrf_of(client)
    r = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303, (r.status_code, r.text[:300])
    page = client.get("/account")
    m = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert m
    return m.group(1)


def api_token(client: TestClient, username: str, password: str = PASSWORD) -> str:
    r = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def fill(value: Any, ids: dict[str, int]) -> Any:
    """Replace ``{name}`` placeholders (whole-string) with ids; recurse into containers."""
    if isinstance(value, str):
        m = re.fullmatch(r"\{(\w+)\}", value)
        if m:
            return ids[m.group(1)]
        return re.sub(r"\{(\w+)\}", lambda mm: str(ids[mm.group(1)]), value)
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [fill(v, ids) for v in value]
    return value
