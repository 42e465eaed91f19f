"""Seed a demo joint conference (演示数据) into an empty workspace.

``seed_demo(session, today=...)`` creates 40 member units (24 municipal units incl. the office,
16 districts), the outline and the 14th five-year plan with goal trees and indicator targets,
published values of the manual indicators (each entered on its publication day,
``workspace_data.published_on``), a 2023 work plan of 60 tasks, progress reports in
every state (draft, submitted, accepted, returned with a comment, superseded revisions), the
day's supervision notices, and demo users with freshly generated random passwords (returned
once in ``DemoLogins``; only their argon2 hashes are stored). Everything goes through the
actions, so the audit log shows the seeding (actor ``demo-seed``).

Deterministic given ``seed`` (and ``today``), except the passwords, which come from
``secrets`` on purpose.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ipcity.clock import on_app_day
from ipcity.demo import workspace_data as D
from ipcity.errors import IpcityError
from ipcity.workspace.actions import (
    EvidenceUpload,
    do_accept_report,
    do_create_goal,
    do_create_plan,
    do_create_report,
    do_create_target,
    do_create_task,
    do_create_unit,
    do_create_user,
    do_create_work_plan,
    do_enter_published_actual,
    do_return_report,
    do_revise_report,
    do_run_supervision,
    do_submit_report,
)
from ipcity.workspace.auth import generate_password
from ipcity.workspace.cn_dates import parse_deadline
from ipcity.workspace.models import Setting, Unit, User
from ipcity.workspace.permissions import Actor, system_actor

DEMO_SETTING = "demo_seeded"
CITY_REGION = "310000"
WORK_PLAN_CODE = "WP2023"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit: str
    password: str


@dataclass
class DemoLogins:
    logins: list[DemoLogin] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def as_rows(self) -> list[tuple[str, str, str, str]]:
        return [(x.username, x.role, x.unit, x.password) for x in self.logins]


# (username, role, unit code or None)
DEMO_USERS: tuple[tuple[str, str, str | None], ...] = (
    ("office", "office_admin", "SIPA"),
    ("leader", "leader", None),
    ("stcsm", "unit_editor", "STCSM"),
    ("samr", "unit_editor", "SAMR"),
    ("court", "unit_editor", "COURT"),
    ("copyright", "unit_editor", "COPYRIGHT"),
    ("customs", "unit_editor", "CUSTOMS"),
    ("pudong", "unit_editor", "310115"),
)

# Report scenarios, cycled over the tasks so that every state occurs many times.
SCENARIOS = (
    "accepted",
    "done",
    "submitted",
    "draft",
    "returned",
    "superseded_accepted",
    "superseded_submitted",
    "none",
    "accepted",
    "accepted_two_periods",
)


def _at(day: date, today: date, hour: int = 10) -> datetime:
    """A timestamp on ``day``, but never after ``today`` (the seed must not invent the
    future)."""
    d = min(day, today)
    return datetime.combine(d, time(hour, 0))


def seed_demo(session: Session, *, today: date, seed: int = 2023) -> DemoLogins:
    """Fill an empty workspace with the demo joint conference; see the module doc."""
    if session.scalar(select(func.count()).select_from(Unit)):
        raise IpcityError("the workspace already has member units; seed the demo into an empty one")
    rng = random.Random(seed)
    actor = system_actor("demo-seed")
    # Set up in the first days of the year, reported through it, supervised on the demo's
    # day: every record is dated by the demo's clock, none in the real present.
    setup_day = min(today, date(today.year, 1, 4))
    with on_app_day(setup_day):
        units = _seed_units(session, actor)
        logins = _seed_users(session, actor, units, setup_day)
        plans, goals = _seed_plans(session, actor)
        _seed_targets(session, actor, plans, goals, setup_day, today)
        _wp, tasks = _seed_work_plan(session, actor, plans["FYP14"], goals, units, rng)
        _seed_unit_editors(session, actor, units, tasks, logins, setup_day)
    users = {u.username: Actor.from_user(u) for u in session.scalars(select(User))}
    with on_app_day(today):
        report_counts = _seed_reports(session, users, tasks, units, rng, today)
        run = do_run_supervision(session, actor, today=today, smtp=None)
    session.merge(Setting(key=DEMO_SETTING, value=f"seed={seed}; today={today.isoformat()}"))
    session.flush()
    logins.counts = {
        "units": len(units),
        "plans": len(plans),
        "goals": len(goals),
        "tasks": len(tasks),
        "notices": run.notices_created,
        **{f"reports_{k}": v for k, v in sorted(report_counts.items())},
    }
    return logins


def _seed_units(session: Session, actor: Actor) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    order = 0
    for code, name, short, kind in D.MUNICIPAL_UNITS:
        order += 1
        units[code] = do_create_unit(
            session,
            actor,
            {
                "code": code,
                "name": name,
                "short_name": short,
                "kind": kind,
                "sort_order": order,
                "aliases": list(D.UNIT_ALIASES.get(code, ())),
            },
        )
    for admin_code, name in D.DISTRICTS:
        order += 1
        units[admin_code] = do_create_unit(
            session,
            actor,
            {
                "code": admin_code,
                "name": f"{name}人民政府",
                "short_name": name,
                "kind": "district",
                "admin_code": admin_code,
                "sort_order": order,
            },
        )
    return units


def _seed_users(session: Session, actor: Actor, units: dict[str, Unit], day: date) -> DemoLogins:
    out = DemoLogins()
    for username, role, unit_code in DEMO_USERS:
        password = generate_password()
        unit = units[unit_code] if unit_code else None
        do_create_user(
            session,
            actor,
            {
                "username": username,
                "role": role,
                "unit_id": unit.id if unit else None,
                "display_name": f"演示用户 {username}",
            },
            password=password,
            today=day,
        )
        out.logins.append(DemoLogin(username, role, unit.name if unit else "", password))
    return out


def _seed_unit_editors(
    session: Session,
    actor: Actor,
    units: dict[str, Unit],
    tasks: list[Any],
    out: DemoLogins,
    day: date,
) -> None:
    """An editor for every unit that leads or co-operates in a task and has none in
    DEMO_USERS, so each unit's reports are written by its own people, not by the office."""
    staffed = {code for _name, role, code in DEMO_USERS if role == "unit_editor"}
    by_id = {u.id: code for code, u in units.items()}
    used = {t.lead_unit_id for t in tasks} | {c.id for t in tasks for c in t.co_units}
    for unit_id in sorted(used):
        code = by_id.get(unit_id)
        if code is None or code in staffed:
            continue
        unit = units[code]
        username = f"u-{code.lower()}"
        password = generate_password()
        do_create_user(
            session,
            actor,
            {
                "username": username,
                "role": "unit_editor",
                "unit_id": unit.id,
                "display_name": f"{unit.short_name or unit.name}联络员（演示）",
            },
            password=password,
            today=day,
        )
        out.logins.append(DemoLogin(username, "unit_editor", unit.name, password))
        staffed.add(code)


def _seed_plans(session: Session, actor: Actor) -> tuple[dict[str, Any], dict[str, Any]]:
    plans: dict[str, Any] = {}
    goals: dict[str, Any] = {}
    for spec, tree in ((D.OUTLINE, D.OUTLINE_GOALS), (D.FIVE_YEAR, D.FIVE_YEAR_GOALS)):
        plan = do_create_plan(session, actor, {**spec, "published": True})
        plans[str(spec["code"])] = plan
        for i, (code, title, weight, children) in enumerate(tree, start=1):
            g = do_create_goal(
                session,
                actor,
                {
                    "plan_id": plan.id,
                    "code": code,
                    "title": title,
                    "weight": weight,
                    "sort_order": i,
                },
            )
            goals[code] = g
            for j, (ccode, ctitle, cweight) in enumerate(children, start=1):
                goals[ccode] = do_create_goal(
                    session,
                    actor,
                    {
                        "plan_id": plan.id,
                        "parent_id": g.id,
                        "code": ccode,
                        "title": ctitle,
                        "weight": cweight,
                        "sort_order": j,
                    },
                )
    return plans, goals


def _seed_targets(
    session: Session,
    actor: Actor,
    plans: dict[str, Any],
    goals: dict[str, Any],
    setup_day: date,
    today: date,
) -> None:
    for i, (
        plan_code,
        goal_code,
        code,
        name,
        engine,
        unit,
        direction,
        binding,
        by,
        bv,
        ty,
        tv,
    ) in enumerate(D.TARGETS, start=1):
        target = do_create_target(
            session,
            actor,
            {
                "plan_id": plans[plan_code].id,
                "goal_id": goals[goal_code].id,
                "code": code,
                "name": name,
                "engine_indicator": engine,
                # The city's own figures: engine indicators are computed for Shanghai (310000).
                "region": CITY_REGION if engine else "ALL",
                "unit": unit,
                "direction": direction,
                "binding": binding,
                "baseline_year": by,
                "baseline_value": bv,
                "target_year": ty,
                "target_value": tv,
                "published": True,
                "sort_order": i,
                "note": "演示数据",
            },
        )
        for year, value in D.PUBLISHED.get(code, {}).items():
            published = D.published_on(year)
            if published > today:
                continue  # not yet published on the demo's "today"
            # entered on its publication day (or at setup, for a value published before it)
            with on_app_day(max(published, setup_day)):
                do_enter_published_actual(
                    session,
                    actor,
                    target.id,
                    {
                        "year": year,
                        "value": value,
                        "source": D.PUBLISHED_SOURCE,
                        "published_on": published,
                    },
                )


def _seed_work_plan(
    session: Session,
    actor: Actor,
    plan: Any,
    goals: dict[str, Any],
    units: dict[str, Unit],
    rng: random.Random,
) -> tuple[Any, list[Any]]:
    wp = do_create_work_plan(
        session,
        actor,
        {
            "code": WORK_PLAN_CODE,
            "year": 2023,
            "title": "2023年上海市知识产权强市建设推进计划（演示数据）",
            "plan_id": plan.id,
            "published": True,
        },
    )
    districts = [u.id for code, u in units.items() if u.kind == "district"]
    tasks = []
    for seq, (goal_code, title, lead, co, deadline_text, output) in enumerate(D.TASKS, start=1):
        co_ids: list[int] = []
        for c in co:
            for uid in districts if c == "DISTRICTS" else [units[c].id]:
                if uid != units[lead].id and uid not in co_ids:
                    co_ids.append(uid)
        deadline = parse_deadline(deadline_text, 2023)
        assert deadline is not None, deadline_text
        # Milestones: a plan at a third of the way, progress at two thirds, the output at the end.
        span = (deadline - date(2023, 1, 1)).days
        milestones = [
            {"title": step, "due_date": date(2023, 1, 1) + timedelta(days=span * k // 3)}
            for k, step in enumerate(D.MILESTONE_STEPS, start=1)
        ]
        weight = rng.choice((None, None, 1.0, 2.0, 3.0))
        tasks.append(
            do_create_task(
                session,
                actor,
                {
                    "work_plan_id": wp.id,
                    "seq": seq,
                    "title": title,
                    "description": f"{title}。{output}。",
                    "goal_id": goals[goal_code].id,
                    "lead_unit_id": units[lead].id,
                    "co_unit_ids": co_ids,
                    "deadline": deadline,
                    "deadline_text": deadline_text,
                    "expected_output": output,
                    "weight": weight,
                    "milestones": milestones,
                },
            )
        )
    return wp, tasks


def _office_for(users: dict[str, Actor]) -> Actor:
    return users["office"]


def narrative_for(pct: int) -> str:
    """The stage wording that fits the percentage: "全部完成" only at 100%."""
    if pct >= 100:
        return D.NARRATIVES[3]
    if pct >= 70:
        return D.NARRATIVES[2]
    if pct >= 35:
        return D.NARRATIVES[1]
    return D.NARRATIVES[0]


def evidence_file(task: Any, pct: int, period: str) -> EvidenceUpload:
    """A small real evidence file for a report whose text says evidence is attached: the
    quantities behind the percentage, as CSV (UTF-8 with BOM, so Excel opens it)."""
    rows = [
        "事项,内容",
        f"任务,{task.code} {task.title}",
        f"报告期,{period}",
        f"完成比例,{pct}%",
        "说明,演示数据：量化进展台账",
    ]
    data = ("\ufeff" + "\r\n".join(rows) + "\r\n").encode("utf-8")
    return EvidenceUpload(f"{task.code}-{period}-进展台账.csv", "text/csv", data)


def _writer_for(users: dict[str, Actor], unit_id: int) -> Actor:
    """The unit's demo editor when it has one, else the office writing on its behalf."""
    for a in users.values():
        if a.role == "unit_editor" and a.unit_id == unit_id:
            return a
    return users["office"]


def _seed_reports(
    session: Session,
    users: dict[str, Actor],
    tasks: list[Any],
    units: dict[str, Unit],
    rng: random.Random,
    today: date,
) -> dict[str, int]:
    office = _office_for(users)
    counts: dict[str, int] = {}
    order = list(range(len(tasks)))
    rng.shuffle(order)
    for n, idx in enumerate(order):
        task = tasks[idx]
        scenario = SCENARIOS[n % len(SCENARIOS)]
        if scenario == "none":
            counts["none"] = counts.get("none", 0) + 1
            continue
        writer = _writer_for(users, task.lead_unit_id)
        total = (task.deadline - date(2023, 1, 1)).days
        # The report period: the quarter two thirds of the way to the deadline.
        mid = date(2023, 1, 1) + timedelta(days=total * 2 // 3)
        q = (mid.month - 1) // 3 + 1
        period = f"2023-Q{q}"
        period_end = date(2023, 3 * q, 28)
        on_line = round(100 * ((period_end - date(2023, 1, 1)).days / max(1, total)))
        pct = min(100, max(5, on_line + rng.choice((-15, -5, 0, 5, 10))))
        if scenario == "done":
            pct = 100
        text = narrative_for(pct)
        t0 = period_end + timedelta(days=3)
        r = do_create_report(
            session,
            writer,
            task_id=task.id,
            unit_id=task.lead_unit_id,
            period=period,
            percent=pct,
            narrative=text,
            at=_at(t0, today, 9),
        )
        state = "draft"
        if scenario != "draft":
            r = do_submit_report(
                session, writer, r.id, expected_version=r.version, at=_at(t0, today, 10)
            )
            state = "submitted"
        if scenario in ("accepted", "done", "accepted_two_periods"):
            r = do_accept_report(
                session,
                office,
                r.id,
                expected_version=r.version,
                at=_at(t0 + timedelta(days=2), today),
            )
            state = "accepted"
        if scenario in ("returned", "superseded_accepted", "superseded_submitted"):
            r = do_return_report(
                session,
                office,
                r.id,
                expected_version=r.version,
                comment=rng.choice(D.RETURN_COMMENTS),
                at=_at(t0 + timedelta(days=2), today),
            )
            state = "returned"
        if scenario in ("superseded_accepted", "superseded_submitted"):
            r = do_revise_report(
                session,
                writer,
                r.id,
                expected_version=r.version,
                percent=min(100, pct + 5),
                narrative=narrative_for(min(100, pct + 5)) + "补充：已附量化数据及佐证材料。",
                files=[evidence_file(task, min(100, pct + 5), period)],
                submit=True,
                at=_at(t0 + timedelta(days=5), today),
            )
            state = "submitted"
            if scenario == "superseded_accepted":
                r = do_accept_report(
                    session,
                    office,
                    r.id,
                    expected_version=r.version,
                    at=_at(t0 + timedelta(days=7), today),
                )
                state = "accepted"
            counts["superseded"] = counts.get("superseded", 0) + 1
        if scenario == "accepted_two_periods" and q < 4:
            later_end = date(2023, 3 * (q + 1), 28)
            r2 = do_create_report(
                session,
                writer,
                task_id=task.id,
                unit_id=task.lead_unit_id,
                period=f"2023-Q{q + 1}",
                percent=min(100, pct + 25),
                narrative=narrative_for(min(100, pct + 25)),
                at=_at(later_end, today, 9),
            )
            counts["draft"] = counts.get("draft", 0) + 1
            del r2
        counts[state] = counts.get(state, 0) + 1
        # A co-operating unit's own account of its part, on some tasks.
        if task.co_units and rng.random() < 0.25:
            co_unit = task.co_units[0]
            co_writer = _writer_for(users, co_unit.id)
            rc = do_create_report(
                session,
                co_writer,
                task_id=task.id,
                unit_id=co_unit.id,
                period=period,
                percent=pct,
                narrative=(
                    "配合单位：已按分工完成相关工作。"
                    if pct >= 100
                    else "配合单位：正按分工推进相关工作，配合牵头单位开展阶段性工作。"
                ),
                at=_at(t0, today, 11),
            )
            do_submit_report(
                session, co_writer, rc.id, expected_version=rc.version, at=_at(t0, today, 12)
            )
            counts["submitted"] = counts.get("submitted", 0) + 1
    return counts
