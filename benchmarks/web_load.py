"""Load test of the web app: 50 concurrent users for 60 s on loopback, SQLite and PostgreSQL.

Serves the app with ``ipcity serve`` (a separate process, one uvicorn worker) on the demo
joint conference (40 units, 60 tasks) plus 50 accounts with argon2-hashed passwords (default
cost): 40 unit editors, 5 office admins, 5 leaders. Each virtual user logs in once (page form,
and an API token for the office admins), then loops: pick an action, time it, think 0.5-1.5 s.

- editors:  dashboard 60 %, task list 10 %, task page 15 %, report submission 10 %, CSS 5 %
- leaders:  dashboard 70 %, task list 15 %, task page 10 %, CSS 5 %
- office:   dashboard 55 %, task page 15 %, API PATCH of one of 3 shared tasks 25 %, CSS 5 %

(about 3 report submissions and 1 task edit per second: far more writing than a joint
conference does, where a unit reports a task monthly or quarterly).

A report submission is the page form (POST /tasks/{id}/reports, submitted at once: 303). The
office admins' PATCHes all aim at 3 tasks with the version they just read, so they collide:
each must get 200 or 409. At the end the benchmark checks that no update was lost: every 303
submission is a submitted report in the database, and for every shared task the number of 200
PATCHes equals the versions it moved on, with the title of the last accepted PATCH.

    .venv/bin/python benchmarks/web_load.py                       # SQLite, and PostgreSQL if
    .venv/bin/python benchmarks/web_load.py --pg postgresql+psycopg://ipcity@127.0.0.1:54329/ipcity_test
    .venv/bin/python benchmarks/web_load.py --duration 10 --users 20 --db sqlite   # quick look
    .venv/bin/python benchmarks/web_load.py --write-docs          # the "## Web" section
    # the code before a change beside the code after, in the same run, plus /evaluation:
    git worktree add --detach /tmp/base main
    .venv/bin/python benchmarks/web_load.py --baseline /tmp/base --evaluation-demo ./ipcity-data

The dashboard measured is the city's (``/?city=1``: an editor's ``/`` goes to their unit's
page). Logins are not measured; one refused under the stampede of 50 at once is retried.

The static CSS is the baseline: the same server, the same load, no database.

CPU per request: the server process's CPU seconds in the measured window divided by the
requests answered in it; the same for the PostgreSQL server processes of the benchmark's
database (its connections open at the window's start) and for the load generator itself,
which shares the machine. The virtual users' client is a minimal HTTP/1.1 keep-alive client
(``LightClient``: cookies, gzip, redirects) unless ``--client httpx``: httpx costs several
times the CPU per request, taken from the server being measured.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import psutil
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from ipcity.demo.workspace_seed import seed_demo
from ipcity.workspace.actions import do_create_user
from ipcity.workspace.db import open_db
from ipcity.workspace.models import Task, Unit, WorkPlan
from ipcity.workspace.permissions import system_actor

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2023, 9, 15)
PASSWORD = "bench password 2023"
SHARED_TASKS = 3
DOCS = REPO / "docs" / "benchmarks.md"
SECTION = "## Web"
TARGETS = {"dashboard": 150.0, "report_submit": 150.0}  # issue 12: p95, one worker


@dataclass
class VUser:
    username: str
    role: str  # editor | office | leader
    unit_id: int | None = None
    tasks: list[int] = field(default_factory=list)


@dataclass
class Seeded:
    url: str
    users: list[VUser]
    shared: list[int]
    all_tasks: list[int]
    seed_seconds: float


def seed(url: str, n_users: int) -> Seeded:
    """The demo joint conference plus the benchmark's accounts (argon2 at its default cost)."""
    t0 = time.perf_counter()
    db = open_db(url)
    sysa = system_actor("bench")
    with db.write() as s:
        seed_demo(s, today=TODAY)
    with db.read() as s:
        wp = s.scalar(select(WorkPlan).where(WorkPlan.code == "WP2023"))
        assert wp is not None
        tasks = list(s.scalars(select(Task).where(Task.work_plan_id == wp.id).order_by(Task.seq)))
        office = s.scalar(select(Unit).where(Unit.code == "SIPA"))
        assert office is not None
        by_unit: dict[int, list[int]] = defaultdict(list)
        for t in tasks:
            by_unit[t.lead_unit_id].append(t.id)
    lead_units = sorted(by_unit, key=lambda u: (-len(by_unit[u]), u))
    n_office = max(1, n_users // 10)
    n_leader = max(1, n_users // 10)
    n_editor = n_users - n_office - n_leader
    users: list[VUser] = []
    with db.write() as s:
        for i in range(n_editor):
            unit = lead_units[i % len(lead_units)]
            users.append(VUser(f"bench_ed{i:02d}", "editor", unit, by_unit[unit]))
            do_create_user(
                s,
                sysa,
                {"username": users[-1].username, "role": "unit_editor", "unit_id": unit},
                password=PASSWORD,
            )
        for i in range(n_office):
            users.append(VUser(f"bench_of{i:02d}", "office", office.id))
            do_create_user(
                s,
                sysa,
                {"username": users[-1].username, "role": "office_admin", "unit_id": office.id},
                password=PASSWORD,
            )
        for i in range(n_leader):
            users.append(VUser(f"bench_ld{i:02d}", "leader"))
            do_create_user(
                s, sysa, {"username": users[-1].username, "role": "leader"}, password=PASSWORD
            )
    db.dispose()
    all_ids = [t.id for t in tasks]
    return Seeded(url, users, all_ids[-SHARED_TASKS:], all_ids, time.perf_counter() - t0)


SERVER_PID = [0]


@contextlib.contextmanager
def server(
    url: str,
    workdir: Path,
    workers: int = 1,
    source: Path | None = None,
    warehouse: Path | None = None,
    today: date = TODAY,
) -> Iterator[str]:
    """``ipcity serve`` in a process of its own; ``source``: the checkout whose ``src`` it
    runs (default: this one), to compare the code before a change with the code after."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [
        sys.executable,
        "-m",
        "ipcity.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--db",
        url,
        "--today",
        today.isoformat(),
        "--warehouse",
        str(warehouse or workdir / "no-warehouse"),
        "--workers",
        str(workers),
    ]
    log = (workdir / "server.log").open("wb")
    env = dict(os.environ, PYTHONPATH=str((source or REPO) / "src"))
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    SERVER_PID[0] = proc.pid
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {(workdir / 'server.log').read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    conflicts: int = 0
    submitted: int = 0
    patches_ok: dict[int, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    login_seconds: list[float] = field(default_factory=list)
    login_retries: int = 0  # logins answered with an error under the stampede, then retried
    server_cpu: float = 0.0  # share of one core the server used during the measured window
    client_cpu: float = 0.0
    db_cpu: float = 0.0  # the same for the PostgreSQL server processes of its connections
    # CPU milliseconds per answered request in that window: the server process, the database
    # server's processes (PostgreSQL), the load generator
    server_ms: float = 0.0
    db_ms: float = 0.0
    client_ms: float = 0.0
    done_at: list[float] = field(default_factory=list)  # when each measured request ended
    load_average: float = 0.0  # the machine's 1-minute load at the end of the window


_json_dumps = json.dumps


class ClientError(Exception):
    """A request of :class:`LightClient` that got no complete answer (dropped connection,
    timeout, malformed response)."""


@dataclass
class LightResponse:
    status_code: int
    headers: list[tuple[str, str]]
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)


class LightClient:
    """The virtual user's browser, as cheap as possible: HTTP/1.1 on one kept-alive asyncio
    connection, cookies, gzip (``Accept-Encoding: gzip`` like a browser, so the server
    compresses as it would for one), redirects on request. httpx cost the load generator
    about 3 ms of CPU per request on the machine that also runs the server being measured;
    this does the same for a fraction (the benchmark reports both processes' CPU per
    request). ``--client httpx`` uses httpx instead."""

    IDLE_RECONNECT = 3.0  # seconds: uvicorn closes a connection idle for 5 s

    def __init__(self, base_url: str, timeout: float = 60.0) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._last_used = 0.0

    async def __aenter__(self) -> LightClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def get(self, path: str, **kw: Any) -> LightResponse:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, **kw: Any) -> LightResponse:
        return await self.request("POST", path, **kw)

    async def patch(self, path: str, **kw: Any) -> LightResponse:
        return await self.request("PATCH", path, **kw)

    async def request(
        self,
        method: str,
        path: str,
        *,
        data: dict[str, str] | None = None,
        json: Any = None,  # httpx's name
        headers: dict[str, str] | None = None,
        follow_redirects: bool = False,
        timeout: float | None = None,
    ) -> LightResponse:
        body = b""
        extra = {k.lower(): v for k, v in (headers or {}).items()}
        if data is not None:
            body = urlencode(data).encode()
            extra["content-type"] = "application/x-www-form-urlencoded"
        elif json is not None:
            body = _json_dumps(json).encode()
            extra["content-type"] = "application/json"
        for _hop in range(5):
            try:
                resp = await asyncio.wait_for(
                    self._exchange(method, path, body, extra), timeout or self.timeout
                )
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
                await self.aclose()
                raise ClientError(f"{type(exc).__name__}: {exc}") from exc
            except TimeoutError as exc:
                await self.aclose()
                raise ClientError("timeout") from exc
            location = next((v for k, v in resp.headers if k == "location"), None)
            if not (follow_redirects and location and resp.status_code in (301, 302, 303)):
                return resp
            path = urlsplit(location)._replace(scheme="", netloc="").geturl() or "/"
            method, body = "GET", b""
            extra.pop("content-type", None)
        return resp

    async def _exchange(
        self, method: str, path: str, body: bytes, extra: dict[str, str]
    ) -> LightResponse:
        if self._writer is not None and time.monotonic() - self._last_used > self.IDLE_RECONNECT:
            await self.aclose()  # the server may be closing it: never send on such a one
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._reader, self._writer
        assert reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"host: {self.host}:{self.port}"]
        lines += ["accept-encoding: gzip", "user-agent: ipcity-web-load"]
        if body or method not in ("GET", "HEAD"):
            lines.append(f"content-length: {len(body)}")
        if self.cookies:
            lines.append("cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        lines += [f"{k}: {v}" for k, v in extra.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        headers = []
        for line in head[1:]:
            if line:
                name, _sep, value = line.partition(":")
                headers.append((name.strip().lower(), value.strip()))
        h = dict(headers)
        if method == "HEAD" or status in (204, 304) or status < 200:
            content = b""
        elif h.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    while (await reader.readuntil(b"\r\n")) != b"\r\n":
                        pass  # trailers
                    break
                chunks.append((await reader.readexactly(size + 2))[:-2])
            content = b"".join(chunks)
        elif "content-length" in h:
            content = await reader.readexactly(int(h["content-length"]))
        else:
            content = await reader.read()
            h["connection"] = "close"
        if h.get("connection", "").lower() == "close":
            await self.aclose()
        self._last_used = time.monotonic()
        for name, value in headers:
            if name == "set-cookie":
                pair, _sep, attrs = value.partition(";")
                key, _eq, val = pair.strip().partition("=")
                if "max-age=0" in attrs.lower().replace(" ", ""):
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = val
        if h.get("content-encoding", "").lower() == "gzip":
            content = zlib.decompress(content, 16 + zlib.MAX_WBITS)
        return LightResponse(status, headers, content)


Client = LightClient | httpx.AsyncClient
CLIENT_ERRORS = (ClientError, httpx.HTTPError)


# 50 argon2 verifications at once (not measured) take minutes on a saturated machine
LOGIN_TIMEOUT = 600.0
LOGIN_ATTEMPTS = 5
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def login(client: Client, user: VUser, stats: Stats) -> tuple[str, str | None]:
    t0 = time.perf_counter()
    page = await client.get("/login")
    token = CSRF.search(page.text)
    assert token, "no CSRF token on /login"
    r = await client.post(
        "/login",
        data={
            "username": user.username,
            "password": PASSWORD,
            "csrf_token": token.group(1),
            "next": "/account",
        },
        follow_redirects=True,
        timeout=LOGIN_TIMEOUT,
    )
    m = CSRF.search(r.text)
    if r.status_code != 200 or not m:
        raise RuntimeError(f"login of {user.username} failed: {r.status_code} {r.text[:200]}")
    bearer = None
    if user.role == "office":
        tr = await client.post(
            "/api/v1/auth/token",
            json={"username": user.username, "password": PASSWORD},
            timeout=LOGIN_TIMEOUT,
        )
        bearer = tr.json()["access_token"]
    stats.login_seconds.append(time.perf_counter() - t0)
    return m.group(1), bearer


ACTIONS = {
    "editor": [
        ("dashboard", 60),
        ("task_list", 10),
        ("task_page", 15),
        ("report_submit", 10),
        ("static_css", 5),
    ],
    "leader": [("dashboard", 70), ("task_list", 15), ("task_page", 10), ("static_css", 5)],
    "office": [("dashboard", 55), ("task_page", 15), ("task_patch", 25), ("static_css", 5)],
}


async def virtual_user(
    base: str,
    user: VUser,
    seeded: Seeded,
    stats: Stats,
    window: list[float],
    think: tuple[float, float],
    periods: dict[int, int],
    rng: random.Random,
    ready: asyncio.Event,
    light: bool = True,
) -> None:
    client: Client = LightClient(base) if light else httpx.AsyncClient(base_url=base, timeout=60)
    async with client:
        for attempt in range(LOGIN_ATTEMPTS):  # not measured; a refused login is retried
            try:
                csrf, bearer = await login(client, user, stats)
                break
            except (RuntimeError, AssertionError, KeyError, *CLIENT_ERRORS):
                if attempt == LOGIN_ATTEMPTS - 1:
                    raise
                stats.login_retries += 1
                await asyncio.sleep(1.0 + attempt)
        await ready.wait()
        start, end = window  # set when every user has logged in
        await asyncio.sleep(rng.uniform(0, think[1]))  # do not start in lockstep
        names, weights = zip(*ACTIONS[user.role], strict=True)
        while time.perf_counter() < end:
            action = rng.choices(names, weights)[0]
            t0 = time.perf_counter()
            try:
                ok, note = await do_action(
                    client, action, user, seeded, csrf, bearer, periods, rng, stats
                )
            except CLIENT_ERRORS as exc:  # a dropped connection is an error, not a crash
                ok, note = False, f"{type(exc).__name__}: {exc}"
            t1 = time.perf_counter()
            dt = (t1 - t0) * 1000
            stats.done_at.append(t1)
            if t0 >= start:
                stats.times[action].append(dt)
                if not ok:
                    stats.errors[action].append(note)
            await asyncio.sleep(rng.uniform(*think))


async def do_action(
    client: Client,
    action: str,
    user: VUser,
    seeded: Seeded,
    csrf: str,
    bearer: str | None,
    periods: dict[int, int],
    rng: random.Random,
    stats: Stats,
) -> tuple[bool, str]:
    if action == "dashboard":
        # the city's dashboard (an editor's "/" now goes to their unit's page: ?city=1)
        r = await client.get("/?city=1")
        return r.status_code == 200 and "data-status-count" in r.text, f"{r.status_code}"
    if action == "task_list":
        r = await client.get("/tasks")
        return r.status_code == 200, f"{r.status_code}"
    if action == "task_page":
        tid = rng.choice(user.tasks or seeded.all_tasks)
        r = await client.get(f"/tasks/{tid}")
        return r.status_code == 200, f"{r.status_code}"
    if action == "static_css":
        r = await client.get("/static/app.css")
        return r.status_code == 200, f"{r.status_code}"
    if action == "report_submit":
        tid = rng.choice(user.tasks)
        assert user.unit_id is not None
        n = periods[user.unit_id]
        periods[user.unit_id] = n + 1
        period = f"{2024 + n // 12}-{n % 12 + 1:02d}"  # unique per unit: never a duplicate
        r = await client.post(
            f"/tasks/{tid}/reports",
            data={
                "csrf_token": csrf,
                "unit_id": str(user.unit_id),
                "period": period,
                "percent": str(rng.randint(1, 99)),
                "narrative": f"压力测试 {period}",
                "action": "submit",
            },
        )
        if r.status_code == 303:
            stats.submitted += 1
            return True, ""
        return False, f"{r.status_code} {r.text[:120]}"
    if action == "task_patch":
        tid = rng.choice(seeded.shared)
        h = {"Authorization": f"Bearer {bearer}"}
        cur = await client.get(f"/api/v1/tasks/{tid}", headers=h)
        if cur.status_code != 200:
            return False, f"GET {cur.status_code}"
        title = f"共享任务 {uuid.uuid4().hex[:8]}"
        r = await client.patch(
            f"/api/v1/tasks/{tid}",
            headers=h,
            json={"version": cur.json()["version"], "title": title},
        )
        if r.status_code == 200:
            stats.patches_ok[tid].append((r.json()["version"], title))
            return True, ""
        if r.status_code == 409 and "current_version" in r.json():
            stats.conflicts += 1
            return True, ""
        return False, f"{r.status_code} {r.text[:120]}"
    raise AssertionError(action)


def verify(seeded: Seeded, stats: Stats, initial: dict[int, int]) -> list[str]:
    """No lost update: compare what the clients were told with what the database holds."""
    problems = []
    engine = create_engine(seeded.url)
    with engine.connect() as conn:
        n = conn.execute(
            text(
                "SELECT count(*) FROM progress_reports "
                "WHERE period >= '2024' AND state = 'submitted'"
            )
        ).scalar_one()
        if n != stats.submitted:
            problems.append(f"{stats.submitted} submissions answered 303, {n} in the database")
        for tid in seeded.shared:
            version, title = conn.execute(
                text("SELECT version, title FROM tasks WHERE id = :i"), {"i": tid}
            ).one()
            oks = sorted(stats.patches_ok.get(tid, []))
            if version - initial[tid] != len(oks):
                moved = version - initial[tid]
                problems.append(f"task {tid}: {len(oks)} PATCHes accepted, version moved {moved}")
            if oks and oks[-1][1] != title:
                problems.append(f"task {tid}: last accepted title {oks[-1][1]!r}, stored {title!r}")
    engine.dispose()
    return problems


def _server_cpu(postmaster: psutil.Process | None) -> float:
    """CPU seconds of a PostgreSQL server: its live processes (connections, background
    workers) plus the ended ones it has reaped, so a pool connection closed within the window
    is counted too (summing the connections seen at the start went negative when one closed)."""
    if postmaster is None:
        return 0.0
    total = 0.0
    with contextlib.suppress(psutil.Error):
        t = postmaster.cpu_times()
        total += t.user + t.system + t.children_user + t.children_system
    for proc in postmaster.children():
        with contextlib.suppress(psutil.Error):
            t = proc.cpu_times()
            total += t.user + t.system
    return total


def _cpu(p: psutil.Process, *, children: bool = True) -> float:
    """CPU seconds of the process and (``children``) its children: uvicorn's workers."""
    total = 0.0
    for proc in [p, *(p.children(recursive=True) if children else [])]:
        with contextlib.suppress(psutil.Error):
            t = proc.cpu_times()
            total += t.user + t.system
    return total


def _db_server(url: str) -> psutil.Process | None:
    """The local PostgreSQL server (its postmaster) behind ``url``'s database (a throwaway
    one on the local dev server); none for SQLite, whose work is done inside the app's
    process. The whole server is counted: on the dev server the other databases are idle."""
    if make_url(url).get_backend_name() != "postgresql":
        return None
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with contextlib.suppress(psutil.Error):
            return psutil.Process(pid).parent()
    finally:
        engine.dispose()
    return None


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]
        if len(values) > 1
        else values[0]
    )


async def run_load(
    base: str,
    seeded: Seeded,
    users: int,
    duration: float,
    think: tuple[float, float],
    light: bool = True,
) -> Stats:
    stats = Stats()
    rng = random.Random(2023)
    periods: dict[int, int] = defaultdict(int)
    ready = asyncio.Event()
    window = [0.0, 0.0]
    tasks = [
        asyncio.create_task(
            virtual_user(
                base,
                u,
                seeded,
                stats,
                window,
                think,
                periods,
                random.Random(rng.randrange(1 << 30)),
                ready,
                light,
            )
        )
        for u in seeded.users[:users]
    ]
    while len(stats.login_seconds) < len(tasks):
        await asyncio.sleep(0.1)
        for t in tasks:
            if t.done() and t.exception() is not None:
                raise RuntimeError(f"a virtual user failed: {t.exception()}")
    window[0] = time.perf_counter() + 2.0  # 2 s warm-up, not measured
    window[1] = window[0] + duration
    ready.set()
    server = psutil.Process(SERVER_PID[0])
    me = psutil.Process()
    await asyncio.sleep(2.0)
    postmaster = _db_server(seeded.url)
    s0, c0, d0 = _cpu(server), _cpu(me, children=False), _server_cpu(postmaster)
    t0 = time.perf_counter()
    await asyncio.sleep(max(0.0, duration - 1.0))
    s1, c1, d1 = _cpu(server), _cpu(me, children=False), _server_cpu(postmaster)
    t1 = time.perf_counter()
    stats.server_cpu, stats.client_cpu = (s1 - s0) / (t1 - t0), (c1 - c0) / (t1 - t0)
    stats.db_cpu = (d1 - d0) / (t1 - t0)
    answered = sum(1 for t in stats.done_at if t0 <= t < t1)
    if answered:
        stats.server_ms = 1000 * (s1 - s0) / answered
        stats.client_ms = 1000 * (c1 - c0) / answered
        stats.db_ms = 1000 * (d1 - d0) / answered
    stats.load_average = os.getloadavg()[0]
    await asyncio.gather(*tasks)
    return stats


@dataclass
class Result:
    backend: str
    users: int
    duration: float
    think: tuple[float, float]
    stats: Stats
    problems: list[str]
    seed_seconds: float
    load_before: float = 0.0  # the machine's 1-minute load when the server started
    light: bool = True  # the load generator's client: LightClient (else httpx)


def bench(
    backend: str,
    url: str,
    users: int,
    duration: float,
    think: tuple[float, float],
    workers: int = 1,
    source: Path | None = None,
    label: str = "",
    light: bool = True,
) -> Result:
    with tempfile.TemporaryDirectory(prefix="ipcity-webload-") as tmp:
        work = Path(tmp)
        seeded = seed(url, users)
        engine = create_engine(url)
        with engine.connect() as conn:
            initial = {
                tid: conn.execute(
                    text("SELECT version FROM tasks WHERE id = :i"), {"i": tid}
                ).scalar_one()
                for tid in seeded.shared
            }
        engine.dispose()
        load_before = os.getloadavg()[0]
        with server(url, work, workers, source) as base:
            try:
                stats = asyncio.run(run_load(base, seeded, users, duration, think, light))
            finally:
                log = (work / "server.log").read_text(errors="replace")
                errors = [ln for ln in log.splitlines() if "Error" in ln or "Traceback" in ln]
                if errors:
                    print(
                        f"server log ({backend}, {workers} workers):",
                        *errors[-20:],
                        sep="\n",
                        file=sys.stderr,
                    )
        problems = verify(seeded, stats, initial)
        name = backend if workers == 1 else f"{backend}, {workers} workers"
        name += f", {label}" if label else ""
        return Result(
            name, users, duration, think, stats, problems, seeded.seed_seconds, load_before, light
        )


@contextlib.contextmanager
def pg_database(admin_url: str) -> Iterator[str]:
    name = f"ipcity_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield str(make_url(admin_url).set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


ORDER = ["dashboard", "report_submit", "task_list", "task_page", "task_patch", "static_css"]
LABELS = {
    "dashboard": "dashboard (GET /?city=1)",
    "report_submit": "report submission (form POST)",
    "task_list": "task list (GET /tasks)",
    "task_page": "task page (GET /tasks/{id})",
    "task_patch": "task PATCH, API (200 or 409)",
    "static_css": "baseline: static CSS",
}


def table(results: list[Result]) -> str:
    lines = [
        "| backend | endpoint | requests | p50 ms | p95 ms | p95 / baseline | target p95 "
        "| errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for res in results:
        base95 = pct(res.stats.times.get("static_css", []), 95)
        for name in ORDER:
            t = res.stats.times.get(name, [])
            if not t:
                continue
            p95 = pct(t, 95)
            target = f"{TARGETS[name]:.0f}" if name in TARGETS else ""
            lines.append(
                f"| {res.backend} | {LABELS[name]} | {len(t)} | {pct(t, 50):.1f} | {p95:.1f} | "
                f"{p95 / base95:.1f}x | {target} | {len(res.stats.errors.get(name, []))} |"
            )
    return "\n".join(lines)


def verdicts(results: list[Result]) -> list[str]:
    """One line per run: each target's p95 against its limit, met or not (from the data)."""
    lines = []
    for res in results:
        parts = []
        for name, limit in TARGETS.items():
            p95 = pct(res.stats.times.get(name, []), 95)
            verdict = "met" if p95 < limit else "**not met**"
            parts.append(f"{LABELS[name]} p95 {p95:.0f} ms, target {limit:.0f}: {verdict}")
        lines.append(f"- Targets, {res.backend}: " + "; ".join(parts) + ".")
    return lines


EVALUATION_REQUESTS = 8
DEMO_TODAY = date(2023, 11, 15)


@dataclass
class EvaluationTiming:
    label: str
    first_ms: float  # the first request of the process (the engine runs)
    times_ms: list[float]  # the following ones
    load: float


def time_evaluation(demo: Path, source: Path | None, label: str) -> EvaluationTiming:
    """GET /evaluation on the demo as the office, one request after another: the first of the
    server process, then ``EVALUATION_REQUESTS`` more. The demo's workspace is copied (the
    logins write sessions) and the office's password set in the copy."""
    import sqlite3

    from ipcity.workspace.auth import hash_password

    with tempfile.TemporaryDirectory(prefix="ipcity-webload-eval-") as tmp:
        work = Path(tmp)
        copy = work / "workspace.sqlite"
        src_db = sqlite3.connect(demo / "workspace.sqlite")
        dst_db = sqlite3.connect(copy)
        src_db.backup(dst_db)
        src_db.close()
        dst_db.execute(
            "UPDATE users SET password_hash = ? WHERE username = 'office'",
            (hash_password(PASSWORD),),
        )
        dst_db.commit()
        dst_db.close()
        url = f"sqlite:///{copy}"
        serving = server(url, work, 1, source, warehouse=demo, today=DEMO_TODAY)
        with serving as base, httpx.Client(base_url=base, timeout=120) as client:
            page = client.get("/login")
            token = CSRF.search(page.text)
            assert token
            r = client.post(
                "/login",
                data={
                    "username": "office",
                    "password": PASSWORD,
                    "csrf_token": token.group(1),
                    "next": "/account",
                },
                follow_redirects=True,
            )
            assert r.status_code == 200, r.text[:200]
            times = []
            for _ in range(EVALUATION_REQUESTS + 1):
                t0 = time.perf_counter()
                r = client.get("/evaluation")
                times.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:
                    raise RuntimeError(f"/evaluation answered {r.status_code}")
    return EvaluationTiming(label, times[0], times[1:], os.getloadavg()[0])


def evaluation_table(timings: list[EvaluationTiming]) -> list[str]:
    lines = [
        "| code | first request ms | next requests: median ms | slowest ms | load |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for t in timings:
        lines.append(
            f"| {t.label or 'this checkout'} | {t.first_ms:.0f} | "
            f"{statistics.median(t.times_ms):.0f} | {max(t.times_ms):.0f} | {t.load:.1f} |"
        )
    return lines


def report(results: list[Result], evaluation: list[EvaluationTiming] | None = None) -> str:
    cpu = platform.processor() or platform.machine()
    out = [
        SECTION,
        "",
        "`benchmarks/web_load.py` — the web app under load on loopback: "
        f"{results[0].users} concurrent users for {results[0].duration:.0f} s, each thinking "
        f"{results[0].think[0]:.1f}-{results[0].think[1]:.1f} s between actions, against one "
        "`ipcity serve` process (one uvicorn worker) on the demo joint conference (40 units, 60 "
        "tasks) with the benchmark's 50 accounts; the load generator (asyncio, "
        f"{'a minimal HTTP/1.1 client' if results[0].light else 'httpx'}) runs "
        f"on the same machine. Machine: 2 cores shared with other work, 24 GB, {cpu}, "
        f"Python {platform.python_version()}.",
        "",
        table(results),
        "",
    ]
    for res in results:
        s = res.stats
        logins = sorted(s.login_seconds)
        accepted = sum(len(v) for v in s.patches_ok.values())
        out.append(
            f"- {res.backend}: {s.submitted} reports submitted, {accepted} "
            f"PATCHes accepted and {s.conflicts} refused with 409 on {SHARED_TASKS} shared tasks; "
            f"errors: {sum(len(v) for v in s.errors.values())}; lost updates: "
            f"{'none' if not res.problems else '; '.join(res.problems)}. "
            f"Logging the {len(logins)} users in at once (argon2 at its default cost): median "
            f"{statistics.median(logins):.1f} s, slowest {logins[-1]:.1f} s "
            f"({s.login_retries} retried after an error). CPU during the "
            f"window: server {s.server_cpu:.0%} of a core, load generator {s.client_cpu:.0%}"
            + (f", the PostgreSQL server's processes {s.db_cpu:.0%}" if s.db_cpu else "")
            + f"; CPU per request: server {s.server_ms:.1f} ms"
            + (f", PostgreSQL {s.db_ms:.1f} ms" if s.db_cpu else "")
            + f", load generator {s.client_ms:.1f} ms; "
            f"machine load average {res.load_before:.1f} at the start, "
            f"{s.load_average:.1f} at the end (2 cores); "
            f"{len(s.times.get('report_submit', [])) / res.duration:.1f} submissions/s."
        )
    if evaluation:
        out += [
            "",
            f"`/evaluation` on the demo (`ipcity demo`, {DEMO_TODAY.isoformat()}), as the "
            "office, with the demo's warehouse, one request after another on one worker:",
            "",
            *evaluation_table(evaluation),
        ]
    out += [
        "",
        "The dashboard is cached in two parts (tasks; indicators), the same for every viewer "
        "of a visibility class, until a write that can change the part (the newest relevant "
        "audit entry is the stamp; drafts, submissions and notices are not): most views cost "
        "a few small queries and the page frame, a task edit makes the next view recompute the "
        "tasks part (~25 ms). SQLite serialises writers (WAL, `BEGIN IMMEDIATE`, 30 s busy "
        "timeout): submissions wait for each other, none failed. The benchmark counts every "
        "response that is not the expected one (and every dropped connection) as an error.",
        "",
        *verdicts(results),
        "",
        "Each worker admits `IPCITY_WEB_THREADS` requests at once (here "
        f"{os.environ.get('IPCITY_WEB_THREADS') or 'the default'}; the rest wait in line on the "
        "event loop). PostgreSQL's processes and the load generator share the machine's two "
        "cores with the server, so the tails move with whatever else the machine runs: compare "
        "runs made in one session (`--baseline`), and repeat a run before reading much into one "
        "p95.",
        "",
    ]
    return "\n".join(out)


def write_docs(text_: str) -> None:
    doc = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    pattern = re.compile(r"^## Web\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(doc):
        doc = pattern.sub(lambda _m: text_ + "\n", doc)
    else:
        doc = doc.rstrip("\n") + "\n\n" + text_ + "\n"
    DOCS.write_text(doc, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--think", type=float, nargs=2, default=(0.5, 1.5), metavar=("MIN", "MAX"))
    ap.add_argument("--db", choices=("sqlite", "postgresql", "both", "none"), default="both")
    ap.add_argument(
        "--pg",
        default=os.environ.get("IPCITY_TEST_PG"),
        help="PostgreSQL server URL (a database is created and dropped)",
    )
    ap.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[1],
        help="uvicorn worker processes; several values run the load once per value",
    )
    ap.add_argument(
        "--baseline",
        type=Path,
        help="a checkout of the code before a change (e.g. git worktree add /tmp/base main): "
        "each run is made with it first, then with this checkout, in the same session",
    )
    ap.add_argument(
        "--evaluation-demo",
        type=Path,
        help="a demo warehouse directory (ipcity demo --warehouse DIR --no-serve): also time "
        "GET /evaluation on it",
    )
    ap.add_argument(
        "--client",
        choices=("light", "httpx"),
        default="light",
        help="the virtual users' HTTP client: a minimal keep-alive one (default; little CPU "
        "taken from the server on a shared machine) or httpx",
    )
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args()
    light = args.client == "light"
    think = (args.think[0], args.think[1])
    sources: list[tuple[Path | None, str]] = [(None, "")]
    if args.baseline:
        sources = [(args.baseline, "before"), (None, "after")]
    results = []
    if args.db in ("sqlite", "both"):
        for w in args.workers:
            for src, label in sources:
                with tempfile.TemporaryDirectory(prefix="ipcity-webload-db-") as tmp:
                    url = f"sqlite:///{Path(tmp) / 'workspace.sqlite'}"
                    results.append(
                        bench("SQLite", url, args.users, args.duration, think, w, src, label, light)
                    )
    if args.db in ("postgresql", "both"):
        if not args.pg:
            print("PostgreSQL skipped: give --pg URL or set IPCITY_TEST_PG", file=sys.stderr)
        else:
            for w in args.workers:
                for src, label in sources:
                    with pg_database(args.pg) as url:
                        results.append(
                            bench(
                                "PostgreSQL",
                                url,
                                args.users,
                                args.duration,
                                think,
                                w,
                                src,
                                label,
                                light,
                            )
                        )
    evaluation = []
    if args.evaluation_demo:
        evaluation = [time_evaluation(args.evaluation_demo, src, label) for src, label in sources]
    text_ = report(results, evaluation) if results else "\n".join(evaluation_table(evaluation))
    print(text_)
    if args.write_docs:
        write_docs(text_)
    bad = any(r.problems or any(r.stats.errors.values()) for r in results)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
