"""Helpers of the workspace tests: a small joint conference (``World``) and ``wipe``.

A module with its own name (not ``conftest``) so test files can import it unambiguously.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from ipcity.workspace.actions import (
    do_create_goal,
    do_create_plan,
    do_create_task,
    do_create_unit,
    do_create_user,
    do_create_work_plan,
)
from ipcity.workspace.db import Database
from ipcity.workspace.models import Base
from ipcity.workspace.permissions import ANONYMOUS, Actor, system_actor

PASSWORD = "correct horse battery"  # test-only: every test user gets it


def wipe(db: Database) -> None:
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
class World:
    """A small joint conference: the office, two bureaus, a district; four users; a plan with
    a goal tree; a 2023 work plan with two tasks (T1 led by A with B co-operating, T2 by B)."""

    db: Database
    office: int
    unit_a: int
    unit_b: int
    district: int
    admin: Actor
    editor_a: Actor
    editor_b: Actor
    leader: Actor
    plan: int
    goal_root: int
    goal_child: int
    work_plan: int
    t1: int
    t2: int
    system: Actor = field(default_factory=lambda: system_actor("test"))
    anonymous: Actor = ANONYMOUS


def add_district(s: Session, code: str, short_name: str, admin_code: str, sort_order: int) -> int:
    """A district government unit (``黄浦区`` -> ``黄浦区人民政府``); its id."""
    values = {
        "code": code,
        "name": f"{short_name}人民政府",
        "short_name": short_name,
        "kind": "district",
        "admin_code": admin_code,
        "sort_order": sort_order,
    }
    return do_create_unit(s, system_actor("test"), values).id


def add_users(s: Session, *specs: tuple[str, str, int | None]) -> dict[str, Actor]:
    """Users (user name, role, unit id) with the test PASSWORD, as actors by user name."""
    users = {}
    for name, role, unit in specs:
        values = {"username": name, "role": role, "unit_id": unit}
        users[name] = Actor.from_user(
            do_create_user(s, system_actor("test"), values, password=PASSWORD)
        )
    return users


def build_world(db: Database) -> World:
    sysa = system_actor("test")
    with db.write() as s:
        office = do_create_unit(
            s, sysa, {"code": "SIPA", "name": "市知识产权局", "kind": "office"}
        ).id
        a = do_create_unit(
            s, sysa, {"code": "STCSM", "name": "市科委", "kind": "municipal", "sort_order": 1}
        ).id
        b = do_create_unit(
            s, sysa, {"code": "COMM", "name": "市商务委", "kind": "municipal", "sort_order": 2}
        ).id
        d = add_district(s, "HP", "黄浦区", "310101", sort_order=3)
        users = add_users(
            s,
            ("admin", "office_admin", office),
            ("editor_a", "unit_editor", a),
            ("editor_b", "unit_editor", b),
            ("leader", "leader", None),
        )
        plan = do_create_plan(
            s,
            sysa,
            {
                "code": "P14",
                "title": "十四五规划",
                "kind": "five_year",
                "start_year": 2021,
                "end_year": 2025,
            },
        ).id
        g1 = do_create_goal(s, sysa, {"plan_id": plan, "code": "G1", "title": "创造"}).id
        g11 = do_create_goal(
            s, sysa, {"plan_id": plan, "parent_id": g1, "code": "G1.1", "title": "高价值专利"}
        ).id
        wp = do_create_work_plan(
            s, sysa, {"code": "WP2023", "year": 2023, "title": "2023年推进计划", "plan_id": plan}
        ).id
        t1 = do_create_task(
            s,
            sysa,
            {
                "work_plan_id": wp,
                "title": "任务一",
                "lead_unit_id": a,
                "co_unit_ids": [b],
                "deadline": date(2023, 6, 30),
                "goal_id": g11,
            },
        ).id
        t2 = do_create_task(
            s,
            sysa,
            {
                "work_plan_id": wp,
                "title": "任务二",
                "lead_unit_id": b,
                "deadline": date(2023, 12, 31),
                "goal_id": g1,
            },
        ).id
    return World(
        db,
        office,
        a,
        b,
        d,
        users["admin"],
        users["editor_a"],
        users["editor_b"],
        users["leader"],
        plan,
        g1,
        g11,
        wp,
        t1,
        t2,
    )
