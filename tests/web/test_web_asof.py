"""The as-of rule on the pages (issue 12, problems 3 and 4): the annual report defaults to the
last complete year, refuses an empty or partial year in the visitor's language, and counts
overdue tasks as of the app's date, like the dashboard. SQLite and PostgreSQL."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from ipcity.warehouse.store import Warehouse
from ipcity.web.app import create_app
from ipcity.web.config import WebSettings
from ipcity.workspace.db import Database
from tests.support.web_world import TODAY, WebWorld, build_world, csrf_of, page_login, wipe


@pytest.fixture(scope="module")
def warehouse_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # 2021 and 2022: grants every month; 2023: January to August (the app's date is
    # 2023-09-15, so the year is running and its data unfinished)
    path = tmp_path_factory.mktemp("asof-wh")
    grants = [date(y, m, 10) for y in (2021, 2022) for m in range(1, 13)]
    grants += [date(2023, m, 10) for m in range(1, 9)]
    with Warehouse(path) as wh:
        for i, g in enumerate(grants):
            wh.con.execute(
                "INSERT INTO patents (patent_id, office, patent_type, application_date, "
                "grant_date) VALUES (?, 'CN', 'invention', ?, ?)",
                [f"CN{i:06d}", date(g.year - 2, 3, 1), g],
            )
    return path


@pytest.fixture
def app_client(database: Database, warehouse_dir: Path) -> Iterator[tuple[TestClient, WebWorld]]:
    wipe(database)
    world = build_world(database)
    app: FastAPI = create_app(WebSettings(today=TODAY, warehouse=warehouse_dir), db=database)
    with TestClient(app) as c:
        yield c, world


def test_annual_report_defaults_to_the_last_complete_year(
    app_client: tuple[TestClient, WebWorld],
) -> None:
    client, _ = app_client
    page_login(client, "admin")
    html = client.get("/annual-report").text
    selected = re.search(r'<option value="(\d{4})"[^>]*selected', html)
    assert selected is not None and selected.group(1) == "2022"  # not the 2023 work plan's year


@pytest.mark.parametrize(
    ("year", "zh", "en"),
    [
        (
            2023,
            "2023年的专利数据不完整（截至2023年8月10日）",
            "incomplete (it ends on 10 August 2023)",
        ),
        (2024, "2024年没有专利数据", "There is no patent data for 2024"),
    ],
)
def test_no_report_for_an_empty_or_partial_year(
    app_client: tuple[TestClient, WebWorld], year: int, zh: str, en: str
) -> None:
    """Refused when asked for, in the user's language, and no job is queued."""
    client, _ = app_client
    page_login(client, "admin")
    form = {"year": str(year), "format": "html", "report_lang": "zh"}
    r = client.post("/annual-report/jobs", data=form | {"csrf_token": csrf_of(client)})
    assert r.status_code == 200 and zh in r.text and "最近的完整年度是2022年" in r.text
    r = client.post("/annual-report/jobs?lang=en", data=form | {"csrf_token": csrf_of(client)})
    assert r.status_code == 200 and en in r.text and "last complete year is 2022" in r.text
    assert "100.00%" not in r.text
    assert "/annual-report/jobs/" not in r.text  # nothing was queued


def test_portal_desk_defaults_to_the_last_complete_year(
    app_client: tuple[TestClient, WebWorld],
) -> None:
    client, _ = app_client
    page_login(client, "admin")
    html = client.get("/portal/desk").text
    assert re.search(r'name="year"[^>]*value="2022"', html) or 'value="2022" selected' in html


@pytest.fixture
def complete_2023(database: Database, tmp_path: Path) -> Iterator[tuple[TestClient, WebWorld]]:
    """A warehouse whose 2022 and 2023 data reach December."""
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
    app = create_app(WebSettings(today=TODAY, warehouse=tmp_path / "wh"), db=database)
    with TestClient(app) as c:
        yield c, world


def _html_report(client: TestClient, year: int) -> str:
    """The HTML report of ``year`` made the way the page makes it: a background job, then
    its kept file."""
    form = {"year": str(year), "format": "html", "report_lang": "zh"}
    client.post("/annual-report/jobs", data=form | {"csrf_token": csrf_of(client)})
    for _ in range(600):
        html = client.get("/annual-report/jobs").text
        if 'hx-trigger="every' not in html:
            break
        time.sleep(0.5)
    ids = re.findall(r'href="/annual-report/jobs/(\d+)/file"', html)
    assert ids, "no finished report job"
    return client.get(f"/annual-report/jobs/{max(int(i) for i in ids)}/file").text


def test_report_counts_overdue_tasks_as_of_the_apps_date(
    complete_2023: tuple[TestClient, WebWorld],
) -> None:
    """Before the rule the report looked at 31 December (the calendar's today was past it)
    while the dashboard looked at the app's date: 22 against 32 overdue in the demo."""
    client, _ = complete_2023
    page_login(client, "admin")
    counts = dict(re.findall(r'data-status-count="(\w+)">(\d+)<', client.get("/").text))
    report = _html_report(client, 2023)
    said = re.search(r"逾期未完成(\d+)项", report)
    assert said is not None
    assert said.group(1) == counts["red"] == "1"  # t1 only; t2 and t3 are due later in 2023
    assert "2023年9月15日" in report or "2023-09-15" in report  # the report says its day


def test_progress_ratio_reads_the_same_on_the_evaluation_page_and_in_the_report(
    complete_2023: tuple[TestClient, WebWorld],
) -> None:
    """The published indicator: baseline 10 (2020), target 20 (2025), 15 in 2022; expected
    on the straight path in 2022: 10 + 10 x 2/5 = 14; progress ratio (15 - 10) / (14 - 10) =
    1.25. The report printed 125.00%, the evaluation page 1.25: one measure, one text."""
    client, _ = complete_2023
    page_login(client, "admin")
    page = client.get("/evaluation").text
    report = _html_report(client, 2023)
    assert "125.00%" in page and "125.00%" in report
    assert ">1.25<" not in page
