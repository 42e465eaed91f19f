"""The main pages issue a fixed number of SQL statements, whatever the number of tasks,
reports, indicators and notices (no query per row): each page is counted on the web world
grown to N, then to 3N, tasks (each with reports in several states, evidence, notices) and
indicators (with published and computed values), and the counts must be equal.

Counted with SQLAlchemy's ``before_cursor_execute`` event on the app's engine, every cache of
rendered parts emptied before each request. Runs on SQLite and (IPCITY_TEST_PG) PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from starlette.testclient import TestClient

from ipcity.web.views.cache import clear_all
from ipcity.workspace import auth_sessions
from ipcity.workspace.actions import (
    EvidenceUpload,
    do_accept_report,
    do_create_report,
    do_create_target,
    do_create_task,
    do_enter_published_actual,
    do_return_report,
    do_run_supervision,
    do_submit_report,
)
from ipcity.workspace.db import Database
from ipcity.workspace.models import ComputedActual, User
from ipcity.workspace.permissions import Actor, system_actor
from tests.support.web_world import WebWorld, api_token, page_login

WORLD_TASKS = 3  # the web world's own tasks
N = 7  # tasks counted first; then 3N

# (login, path): the main pages and API lists, as the roles that use them.
PAGES: tuple[tuple[str, str], ...] = (
    ("admin", "/?city=1"),
    ("leader", "/?city=1"),
    ("admin", "/tasks"),
    ("editor_a", "/tasks"),
    ("admin", "/tasks/{t1}"),
    ("editor_a", "/tasks/{t1}"),
    ("editor_a", "/units/{unit_a}"),
    ("admin", "/units/{unit_a}"),
    ("admin", "/units"),
    ("admin", "/review"),
    ("admin", "/evaluation"),
    ("admin", "/plans"),
    ("admin", "/plans/{plan}"),
    ("admin", "/indicators/{target}"),
    ("admin", "/inbox"),
    ("editor_a", "/inbox"),
    ("admin", "/portal"),
    ("anonymous", "/portal"),
    ("admin", "/api/v1/tasks"),
    ("admin", "/api/v1/reports"),
    ("admin", "/api/v1/reports?status=submitted"),
    ("admin", "/api/v1/units"),
    ("admin", "/api/v1/plans"),
    ("admin", "/api/v1/plans/{plan}/targets"),
    ("admin", "/api/v1/inbox"),
    ("editor_a", "/api/v1/inbox"),
)


class Counter:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.n = 0
        self.statements: list[str] = []

    def _on(self, *args: Any) -> None:
        self.n += 1
        self.statements.append(str(args[2])[:120])

    @contextmanager
    def counting(self) -> Iterator[None]:
        self.n = 0
        self.statements = []
        event.listen(self.db.engine, "before_cursor_execute", self._on)
        try:
            yield
        finally:
            event.remove(self.db.engine, "before_cursor_execute", self._on)


def _actors(db: Database) -> dict[str, Actor]:
    with db.read() as s:
        return {u.username: Actor.from_user(u) for u in s.scalars(select(User))}


def grow(world: WebWorld, step: int, n_tasks: int) -> None:
    """Add ``n_tasks`` tasks led by unit A (co-operated by B) with an accepted, a submitted and
    a returned report (evidence attached), reports on t1, indicators with published and
    computed values, and a supervision run (notices)."""
    db, ids = world.db, world.ids
    sysa = system_actor("test")
    actors = _actors(db)
    a, b, office = actors["editor_a"], actors["editor_b"], actors["admin"]
    at = datetime(2023, 9, 1, 10)
    evidence = EvidenceUpload("证明.txt", "text/plain", "材料".encode())
    with db.write() as s:
        for i in range(n_tasks):
            t = do_create_task(
                s,
                sysa,
                {
                    "work_plan_id": ids["wp"],
                    "title": f"增长任务 {step}-{i}",
                    "lead_unit_id": ids["unit_a"],
                    "co_unit_ids": [ids["unit_b"]],
                    "deadline": date(2023, 6 + i % 6, 28),
                    "goal_id": ids["goal"],
                },
            )
            r = do_create_report(
                s, a, task_id=t.id, period="2023-Q1", percent=40, narrative="一季度", at=at
            )
            r = do_submit_report(s, a, r.id, expected_version=r.version, at=at)
            do_accept_report(s, office, r.id, expected_version=r.version, at=at)
            r = do_create_report(
                s, a, task_id=t.id, period="2023-Q2", percent=100, narrative="二季度", at=at
            )
            do_submit_report(s, a, r.id, expected_version=r.version, at=at)
            r = do_create_report(
                s,
                b,
                task_id=t.id,
                period="2023-Q2",
                percent=50,
                narrative="配合",
                files=[evidence],
                at=at,
            )
            r = do_submit_report(s, b, r.id, expected_version=r.version, at=at)
            do_return_report(s, office, r.id, expected_version=r.version, comment="补充", at=at)
            r = do_create_report(
                s,
                a,
                task_id=ids["t1"],
                period=f"{2010 + step * 2 + i // 12}-{i % 12 + 1:02d}",
                percent=10,
                narrative="t1",
                files=[evidence],
                at=at,
            )
            do_submit_report(s, a, r.id, expected_version=r.version, at=at)
            target = do_create_target(
                s,
                sysa,
                {
                    "plan_id": ids["plan"],
                    "goal_id": ids["goal"],
                    "code": f"G{step}-{i}",
                    "name": f"增长指标 {step}-{i}",
                    "unit": "件",
                    "direction": "higher",
                    "baseline_year": 2020,
                    "baseline_value": 10,
                    "target_year": 2025,
                    "target_value": 20,
                    "published": True,
                },
            )
            for year in (2021, 2022):
                do_enter_published_actual(
                    s, sysa, target.id, {"year": year, "value": 12 + i, "source": "白皮书"}
                )
                s.add(
                    ComputedActual(
                        target_id=target.id,
                        year=year,
                        value=11.5 + i,
                        vintage={"latest_run": 1},
                        computed_at=at,
                    )
                )
        do_run_supervision(s, sysa, today=date(2023, 9, 15), smtp=None)


def count_pages(
    world: WebWorld, make_client: Callable[[], TestClient], counter: Counter, period: str
) -> dict[str, int]:
    """Statements per page (and for one report submission), each role in its own client."""
    clients: dict[str, TestClient] = {}
    tokens: dict[str, str] = {}
    csrf: dict[str, str] = {}
    for role in {r for r, _ in PAGES} | {"editor_a"}:
        c = make_client()
        clients[role] = c
        if role != "anonymous":
            csrf[role] = page_login(c, role)
            tokens[role] = api_token(c, role)
    out: dict[str, int] = {}
    for role, template in PAGES:
        path = template.format(**world.ids)
        headers = {"Authorization": f"Bearer {tokens[role]}"} if path.startswith("/api") else {}
        clear_all()
        with counter.counting():
            r = clients[role].get(path, headers=headers, follow_redirects=False)
        assert r.status_code == 200, (role, path, r.status_code, r.text[:200])
        out[f"{role} GET {template}"] = counter.n
    clear_all()
    with counter.counting():
        r = clients["editor_a"].post(
            f"/tasks/{world['t1']}/reports",
            data={
                "csrf_token": csrf["editor_a"],
                "unit_id": str(world["unit_a"]),
                "period": period,
                "percent": "55",
                "narrative": "计数",
                "action": "submit",
            },
            follow_redirects=False,
        )
    assert r.status_code == 303, r.text[:300]
    out["editor_a POST /tasks/{t1}/reports (submit)"] = counter.n
    return out


def test_main_pages_issue_a_fixed_number_of_queries(
    world: WebWorld, make_client: Callable[[], TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a session's last use is written once a minute: on a slow machine that write would land
    # on one page in one round and not in the other
    monkeypatch.setattr(auth_sessions, "TOUCH_INTERVAL", timedelta(days=1))
    counter = Counter(world.db)
    grow(world, 1, N - WORLD_TASKS)
    small = count_pages(world, make_client, counter, "2024-Q1")
    grow(world, 2, 2 * N)
    large = count_pages(world, make_client, counter, "2024-Q2")
    differ = {k: (small[k], large[k]) for k in small if small[k] != large[k]}
    assert not differ, "statements per request grow with the data (N tasks, 3N tasks): " + (
        "; ".join(f"{k}: {a} -> {b}" for k, (a, b) in differ.items())
    )
    assert all(n > 0 for n in small.values())  # the counter counts
    # and a report submitted at once stays a short write (it was 31 statements on SQLite and
    # 30 on PostgreSQL while it read back what it had just written; docs/benchmarks.md)
    budget = 17 if world.db.engine.dialect.name == "sqlite" else 14  # SQLite counts BEGIN
    assert small["editor_a POST /tasks/{t1}/reports (submit)"] <= budget
