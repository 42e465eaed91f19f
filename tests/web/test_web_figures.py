"""One figure, one value on every page (issue 12, problem 4): the dashboard, the evaluation
page, the annual report (made as a background job, as the page makes it) and the plan API show
each headline figure with the same value, year and rounding. SQLite and PostgreSQL.

The world (``web_world``): plan 2021-2025 with indicator T1 (baseline 10 in 2020, target 20
in 2025, published 15 for 2022); the app's date is 2023-09-15. A published value for 2023 is
added: 2023 has not ended, so every page shows 2022's 15 (the dashboard used to show 18)."""

from __future__ import annotations

import html as htmllib
import re
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from ipcity.warehouse.store import Warehouse
from ipcity.web.app import create_app
from ipcity.web.config import WebSettings
from ipcity.workspace.actions import (
    do_create_report,
    do_create_task,
    do_enter_published_actual,
    do_submit_report,
)
from ipcity.workspace.db import Database
from ipcity.workspace.models import User
from ipcity.workspace.permissions import Actor, system_actor
from tests.support.web_world import (
    TODAY,
    WebWorld,
    api_token,
    build_world,
    csrf_of,
    page_login,
    wipe,
)


@pytest.fixture
def figures_world(database: Database, tmp_path: Path) -> Iterator[tuple[TestClient, WebWorld]]:
    grants = [date(y, m, 10) for y in (2022, 2023) for m in range(1, 13)]
    with Warehouse(tmp_path / "wh") as wh:
        for i, g in enumerate(grants):
            wh.con.execute(
                "INSERT INTO patents (patent_id, office, patent_type, application_date, "
                "grant_date) VALUES (?, 'CN', 'invention', ?, ?)",
                [f"CN{i:06d}", date(g.year - 2, 3, 1), g],
            )
    wipe(database)
    world = build_world(database)
    with database.write() as s:
        sysa = system_actor("test")
        do_enter_published_actual(
            s, sysa, world["target"], {"year": 2023, "value": 18, "source": "快报"}
        )
        # t4, due 31 July, reported complete on 1 September: awaiting the office's review,
        # so not overdue anywhere (the report used to count it, the dashboard not)
        t4 = do_create_task(
            s,
            sysa,
            {
                "work_plan_id": world["wp"],
                "title": "任务四",
                "lead_unit_id": world["unit_a"],
                "deadline": date(2023, 7, 31),
            },
        )
        editor = Actor.from_user(s.get(User, world["user_editor_a"]))
        at = datetime(2023, 9, 1, 10)
        r = do_create_report(
            s, editor, task_id=t4.id, period="2023-Q3", percent=100, narrative="已完成", at=at
        )
        do_submit_report(s, editor, r.id, expected_version=r.version, at=at)
    app = create_app(WebSettings(today=TODAY, warehouse=tmp_path / "wh"), db=database)
    with TestClient(app) as c:
        yield c, world


def figures(page: str) -> dict[str, str]:
    """Every ``data-figure`` hook of a page: name -> the text inside."""
    found = re.findall(r'data-figure="([^"]+)"[^>]*>([^<]*)<', page)
    return {name: htmllib.unescape(text).strip() for name, text in found}


def report_html(client: TestClient, year: int) -> str:
    form = {"year": str(year), "format": "html", "report_lang": "zh"}
    r = client.post("/annual-report/jobs", data=form | {"csrf_token": csrf_of(client)})
    assert r.status_code == 200, r.text[:300]
    for _ in range(600):
        jobs = client.get("/annual-report/jobs").text
        if 'hx-trigger="every' not in jobs:
            break
        time.sleep(0.5)
    ids = re.findall(r'href="/annual-report/jobs/(\d+)/file"', jobs)
    assert ids, "no finished report job"
    return client.get(f"/annual-report/jobs/{max(int(i) for i in ids)}/file").text


def report_figures(report: str) -> dict[str, str]:
    """The same figures read from the report's sentences and its mid-term table."""
    text = re.sub(r"<[^>]+>", "|", report)
    text = htmllib.unescape(re.sub(r"\|+", "|", text))
    out: dict[str, str] = {}
    if m := re.search(r"实施时间已过([\d.]+%)", text):
        out["plan_time_elapsed"] = m.group(1)
    if m := re.search(r"逾期未完成(\d+)项", text):
        out["overdue_tasks"] = m.group(1)
    # mid-term table row: name | baseline (year) | target (year) | expected | actual | ...
    if m := re.search(r"\|版权登记量\|([^|]+)\|([^|]+)\|([^|]+)\|([^|]+)\|", text):
        out["indicator:T1"] = m.group(4).split("（")[0].split("(")[0].strip()
    return out


def test_each_headline_figure_is_the_same_on_every_page(
    figures_world: tuple[TestClient, WebWorld],
) -> None:
    client, world = figures_world
    page_login(client, "admin")
    dashboard = figures(client.get("/").text)
    evaluation = figures(client.get("/evaluation").text)
    report = report_figures(report_html(client, 2023))
    bearer = {"Authorization": f"Bearer {api_token(client, 'admin')}"}
    api = client.get(f"/api/v1/plans/{world['plan']}/indicators", headers=bearer).json()

    # the indicator: 2022's value (2023 is not over on 2023-09-15), as entered (no decimals)
    assert dashboard["indicator:T1"] == evaluation["indicator:T1"] == report["indicator:T1"]
    assert dashboard["indicator:T1"] == "15"
    assert [(s["latest_year"], s["latest_value"]) for s in api] == [(2022, 15)]
    # overdue tasks as of the app's date: t1 (due 30 June) only; t4 waits for review
    assert dashboard["overdue_tasks"] == evaluation["overdue_tasks"] == report["overdue_tasks"]
    assert dashboard["overdue_tasks"] == "1"
    # plan time elapsed on 2023-09-15 of 2021-2025: (2 + 258/365) / 5 = 54.1%
    assert evaluation["plan_time_elapsed"] == report["plan_time_elapsed"] == "54.1%"


def test_percentages_print_with_fixed_decimals(
    figures_world: tuple[TestClient, WebWorld],
) -> None:
    """'42%' on one page and '41.6%' on another were one figure: a percent always prints its
    decimals (42.0%), rounded half up like the report."""
    client, _ = figures_world
    page_login(client, "admin")
    progress = figures(client.get("/").text)["average_progress"]
    assert re.fullmatch(r"\d+\.\d%", progress), progress
