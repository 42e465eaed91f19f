"""Issue 10, "no 5xx": a crawl of every GET route of the app (enumerated from its routes, so a
new route is crawled without touching this file) as each role, on an empty database (a fresh
install: the office, one unit and the users, nothing else) and on the demo joint conference
(``seed_demo`` with the meetings and protection demos, a small protection caseload), on each
backend. Path parameters get real ids from the data (the first and last row of their table)
and absurd ones. No response may be a 5xx; each request has a time-out so a hang fails the
test instead of stalling the suite. The slowest responses are printed (no timed asserts).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from ipcity.web.app import route_table
from ipcity.workspace.actions import do_create_unit, do_create_user
from ipcity.workspace.db import Database
from ipcity.workspace.permissions import system_actor
from tests.support.live_server import live_server
from tests.support.web_world import PASSWORD, wipe

TIMEOUT = 30.0  # seconds per request: far above any real answer, so only a hang trips it
DEMO_TODAY = date(2023, 9, 15)
ABSURD = ("0", "-1", "2147483648", "99999999999999999999", "abc")

# The table whose ids a path parameter names (a route-specific entry first).
ID_TABLES = {
    ("/portal/files/{file_id}", "file_id"): "publication_files",
    "file_id": "revision_files",
    "case_id": "protection_cases",
    "task_id": "tasks",
    "meeting_id": "meetings",
    "material_id": "meeting_materials",
    "plan_id": "plans",
    "publication_id": "publications",
    "report_id": "progress_reports",
    "unit_id": "units",
    "target_id": "indicator_targets",
    "goal_id": "goals",
    "work_plan_id": "work_plans",
    "user_id": "users",
    "notice_id": "notices",
    "item_id": "meeting_agenda_items",
    "snapshot_id": "headline_snapshots",
    "job_id": "report_jobs",
}


@dataclass
class Crawl:
    kind: str
    logins: dict[str, tuple[str, str]]  # role -> (username, password)
    times: list[tuple[float, str, str, int]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def _fresh_install(db: Database) -> dict[str, tuple[str, str]]:
    sysa = system_actor("test")
    with db.write() as s:
        office = do_create_unit(s, sysa, {"code": "SIPA", "name": "市知识产权局", "kind": "office"})
        unit = do_create_unit(s, sysa, {"code": "STCSM", "name": "市科委", "kind": "municipal"})
        for name, role, unit_id in (
            ("admin", "office_admin", office.id),
            ("editor", "unit_editor", unit.id),
            ("leader", "leader", None),
        ):
            do_create_user(
                s, sysa, {"username": name, "role": role, "unit_id": unit_id}, password=PASSWORD
            )
    return {
        "office": ("admin", PASSWORD),
        "unit_editor": ("editor", PASSWORD),
        "leader": ("leader", PASSWORD),
    }


def _demo(db: Database) -> dict[str, tuple[str, str]]:
    from ipcity.demo.meetings import seed_meetings_demo
    from ipcity.demo.protection import seed_protection_demo
    from ipcity.demo.workspace_seed import seed_demo

    with db.write() as s:
        logins = seed_demo(s, today=DEMO_TODAY)
        seed_meetings_demo(s, today=DEMO_TODAY)
        seed_protection_demo(s, today=DEMO_TODAY, scale=0.05)
    first: dict[str, tuple[str, str]] = {}
    roles = {"office_admin": "office", "unit_editor": "unit_editor", "leader": "leader"}
    for login in logins.logins:
        role = roles.get(login.role)
        if role and role not in first:
            first[role] = (login.username, login.password)
    assert set(first) == set(roles.values()), first
    return first


@pytest.fixture(params=["empty", "demo"])
def crawl(request: pytest.FixtureRequest, database: Database) -> Crawl:
    wipe(database)
    logins = _fresh_install(database) if request.param == "empty" else _demo(database)
    return Crawl(request.param, logins)


@pytest.fixture
def server(web_app: FastAPI, crawl: Crawl) -> Iterator[str]:
    with live_server(web_app) as base:
        yield base


def _ids(db: Database, table: str, route: str) -> list[str]:
    with db.read() as s:
        row = s.execute(text(f'SELECT MIN(id), MAX(id) FROM "{table}"')).one()
    return sorted({str(i) for i in row if i is not None}) or ["1"]


def _urls(app: FastAPI, db: Database) -> list[tuple[str, str, bool]]:
    """(route, url, absurd) for every GET route: real ids, then absurd ones."""
    out = []
    for method, route in route_table(app):
        if method != "GET":
            continue
        names = re.findall(r"{(\w+)}", route)
        if not names:
            out.append((route, route, False))
            continue
        choices = []
        for name in names:
            table = ID_TABLES.get((route, name)) or ID_TABLES.get(name)
            assert table, f"{route}: which table do {{{name}}} ids come from? (add to ID_TABLES)"
            choices.append(_ids(db, table, route))
        for i in range(max(len(c) for c in choices)):
            url = route
            for name, values in zip(names, choices, strict=True):
                url = url.replace(f"{{{name}}}", values[min(i, len(values) - 1)])
            out.append((route, url, False))
        for bad in ABSURD:
            url = route
            for name in names:
                url = url.replace(f"{{{name}}}", bad)
            out.append((route, url, True))
    return out


def _client(base: str, crawl: Crawl, role: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=TIMEOUT, follow_redirects=False)
    if role == "anonymous":
        return c
    username, password = crawl.logins[role]
    page = c.get("/login")
    m = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert m
    r = c.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": m.group(1), "next": "/"},
    )
    assert r.status_code == 303, (role, r.status_code)
    token = c.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert token.status_code == 200, token.text
    c.headers["X-Api-Token"] = token.json()["access_token"]
    return c


def _get(c: httpx.Client, url: str) -> httpx.Response:
    token = c.headers.get("X-Api-Token")
    headers = {"Authorization": f"Bearer {token}"} if token and url.startswith("/api/") else {}
    return c.get(url, headers=headers)


ROLES = ("anonymous", "unit_editor", "office", "leader")


def test_every_get_route_answers_without_a_server_error(
    server: str, web_app: FastAPI, database: Database, crawl: Crawl
) -> None:
    urls = _urls(web_app, database)
    for role in ROLES:
        c = _client(server, crawl, role)
        try:
            for _route, url, absurd in urls:
                if absurd and role not in ("anonymous", "office"):
                    continue  # absurd ids: as the public and as the role that sees everything
                started = time.perf_counter()
                try:
                    r = _get(c, url)
                except httpx.TimeoutException:
                    crawl.failures.append(f"{role} GET {url}: no answer in {TIMEOUT:.0f} s")
                    continue
                took = time.perf_counter() - started
                crawl.times.append((took, role, url, r.status_code))
                if r.status_code >= 500:
                    crawl.failures.append(f"{role} GET {url}: {r.status_code} {r.text[:200]!r}")
                elif absurd and r.status_code not in (303, 401, 403, 404, 422):
                    crawl.failures.append(f"{role} GET {url} (absurd id): {r.status_code}")
        finally:
            c.close()
    slowest = sorted(crawl.times, reverse=True)[:8]
    print(f"\n[{database.dialect}/{crawl.kind}] {len(crawl.times)} requests; slowest:")
    for took, role, url, status in slowest:
        print(f"  {took * 1000:8.0f} ms  {status}  {role:12} {url}")
    assert not crawl.failures, "\n".join(crawl.failures)
