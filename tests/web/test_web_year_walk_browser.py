"""One year of the conference in real Chromium (issue 12, "Done when"), on SQLite and on
PostgreSQL, against a small sample city in the warehouse; the app's date is 31 December 2023.

The office sets up a plan (a goal, an indicator the engine computes) and a work plan in the
pages, imports a 序号-style sheet through the preview (it lists the adds), then a longer one
(it adds the new row and changes no existing task); two units report with evidence files; the
office works the /review queue, returns one report, the unit resubmits, the office accepts;
the office refreshes the computed values, opens the evaluation, makes the annual report as of
a date (a background job, then the download) and publishes the year's headline on the portal;
the leader looks; an anonymous visitor gets only the portal (login or 401 elsewhere). At the
end each headline figure reads the same on the dashboard, the evaluation, the report and the
portal. Screenshots (zh/en, 1400 px and 390 px) go to $IPCITY_SHOTS when set."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ipcity.web.app import create_app
from ipcity.web.config import WebSettings
from ipcity.workspace.actions import do_create_unit, do_create_user
from ipcity.workspace.db import Database
from ipcity.workspace.models import ProgressReport, Task
from ipcity.workspace.permissions import system_actor
from tests.support.live_server import chromium, live_server
from tests.support.web_world import PASSWORD, wipe

pytestmark = pytest.mark.browser

TODAY = date(2023, 12, 31)
HV = "high_value_invention_patents_per_10k"
SHEET_1 = (
    "序号,重点任务,牵头单位,配合单位,完成时限\n"
    "1,开展知识产权宣传周活动,市科委,市商务委,6月底\n"
    "2,推进知识产权金融服务,市商务委,,9月底\n"
    "3,建设知识产权保护中心,市科委,,年底\n"
)
SHEET_2 = SHEET_1 + "4,培育高价值专利,市商务委,,11月底\n"


@pytest.fixture(scope="module")
def city_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small sample city (grants to December 2023, population, districts)."""
    from ipcity.samplecity.generator import generate
    from ipcity.warehouse.ingest import ingest
    from ipcity.warehouse.store import Warehouse

    root = tmp_path_factory.mktemp("walk-wh")
    generate(root / "city", scale=0.005, seed=7)
    with Warehouse(root / "wh") as wh:
        assert ingest(wh, [root / "city"]).ok
    return root / "wh"


def _directory(db: Database) -> dict[str, int]:
    """The member units and their users: set up once, before the year starts."""
    wipe(db)
    sysa = system_actor("test")
    ids: dict[str, int] = {}
    with db.write() as s:
        for key, code, name, kind in (
            ("office", "SIPA", "市知识产权局", "office"),
            ("unit_a", "STCSM", "市科委", "municipal"),
            ("unit_b", "COMM", "市商务委", "municipal"),
        ):
            ids[key] = do_create_unit(s, sysa, {"code": code, "name": name, "kind": kind}).id
        for name, role, unit in (
            ("admin", "office_admin", ids["office"]),
            ("editor_a", "unit_editor", ids["unit_a"]),
            ("editor_b", "unit_editor", ids["unit_b"]),
            ("leader", "leader", None),
        ):
            do_create_user(
                s,
                sysa,
                {"username": name, "role": role, "unit_id": unit, "display_name": name},
                password=PASSWORD,
            )
    return ids


@pytest.fixture
def walk_server(database: Database, city_warehouse: Path) -> Iterator[tuple[str, dict[str, int]]]:
    ids = _directory(database)
    app = create_app(WebSettings(today=TODAY, warehouse=city_warehouse), db=database)
    with live_server(app) as base:
        yield base, ids


def _login(page: Any, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    # logged in: the menu shows (the full one on a desk, the folded one on a phone)
    page.wait_for_selector("nav.mainnav:visible, details.phonenav:visible")


def _figures(page: Any) -> dict[str, str]:
    pairs = page.eval_on_selector_all(
        "[data-figure]", "els => els.map(e => [e.dataset.figure, e.textContent.trim()])"
    )
    return {k: v for k, v in pairs}


def _number(text: str) -> str:
    m = re.search(r"[\d,]+(?:\.\d+)?", text)
    assert m, text
    return m.group(0)


def _report_figures(report: str) -> dict[str, str]:
    text = re.sub(r"<[^>]+>", "|", report)
    text = re.sub(r"\|+", "|", text)
    out: dict[str, str] = {}
    for key, pattern in (
        ("plan_time_elapsed", r"实施时间已过([\d.]+%)"),
        ("overdue_tasks", r"逾期未完成(\d+)项"),
        ("tasks_done_share", r"已完成\d+项，完成率([\d.]+%)"),
        ("headline:" + HV, r"每万人口高价值发明专利拥有量([\d.,]+)"),
    ):
        m = re.search(pattern, text)
        assert m, f"{key} not found in the report"
        out[key] = m.group(1)
    # the mid-term table: indicator | baseline | target | expected | actual | ratio | class
    figures = re.findall(r'<figure class="table">.*?</figure>', report, re.S)
    table = next(f for f in figures if "规划指标中期评估" in f)
    for row in re.findall(r"<tr.*?</tr>", table, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td.*?</td>", row, re.S)]
        if cells and cells[0] == "每万人口高价值发明专利拥有量":
            out["indicator:T1"] = _number(cells[4])
    return out


def _task_ids(db: Database) -> dict[str, int]:
    with db.read() as s:
        return {t.title: t.id for t in s.scalars(select(Task))}


def _report_id(db: Database, task_id: int) -> int:
    with db.read() as s:
        return max(s.scalars(select(ProgressReport.id).where(ProgressReport.task_id == task_id)))


def test_one_year_of_the_conference(
    walk_server: tuple[str, dict[str, int]], database: Database
) -> None:
    from playwright.sync_api import sync_playwright

    server, ids = walk_server
    shots = os.environ.get("IPCITY_SHOTS")
    tag = database.dialect
    errors: list[str] = []

    def shot(page: Any, name: str) -> None:
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/walk-{tag}-{name}.png", full_page=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            office = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            office.on("pageerror", lambda e: errors.append(str(e)))
            _login(office, server, "admin")

            # --- the plan, a goal, an engine indicator; published ---------------------------
            office.goto(server + "/admin/plans")
            form = office.locator("form[action='/admin/plans']")
            form.locator("input[name=code]").fill("P14")
            form.locator("input[name=title]").fill("十四五知识产权规划")
            form.locator("input[name=start_year]").fill("2021")
            form.locator("input[name=end_year]").fill("2025")
            form.locator("button[type=submit]").click()
            office.wait_for_selector("text=十四五知识产权规划")
            office.locator("tr", has_text="P14").locator("text=管理").click()
            office.wait_for_selector("h1:has-text('管理规划')")
            plan_id = office.url.rstrip("/").split("/")[-2]
            office.click("text=新建目标")
            office.fill("input[name=code]", "1")
            office.fill("input[name=title]", "知识产权创造")
            office.click("button:has-text('创建目标')")
            office.wait_for_selector("text=目标已创建")
            office.click("text=新建指标")
            office.fill("input[name=code]", "T1")
            office.fill("input[name=name]", "每万人口高价值发明专利拥有量")
            office.select_option("select[name=goal_id]", label="1 知识产权创造")
            office.select_option("select[name=engine_indicator]", HV)
            office.fill("input[name=region]", "310000")
            office.fill("input[name=unit]", "件")
            office.fill("input[name=baseline_year]", "2020")
            office.fill("input[name=baseline_value]", "0.1")
            office.fill("input[name=target_value]", "1")
            office.click("button:has-text('创建指标')")
            office.wait_for_selector("text=指标已创建")
            rows = office.locator("section:has(h2:has-text('指标与目标值')) tbody tr")
            rows.filter(has_text="T1").locator("button:has-text('发布')").click()
            office.wait_for_selector("text=指标已发布")
            office.locator(f"form[action='/plans/{plan_id}/publish'] button").click()
            office.wait_for_selector("text=规划已发布")

            # --- the work plan, then the 序号-style sheet through the preview ----------------
            office.goto(server + "/admin/plans")
            form = office.locator("form[action='/admin/work-plans']")
            form.locator("input[name=code]").fill("WP2023")
            form.locator("input[name=year]").fill("2023")
            form.locator("input[name=title]").fill("2023年工作要点")
            form.locator("select[name=plan_id]").select_option(label="十四五知识产权规划")
            form.locator("button[type=submit]").click()
            office.wait_for_selector("text=2023年工作要点")
            office.locator("tr", has_text="2023年工作要点").locator(
                "form[action$='/publish'] button"
            ).click()
            office.wait_for_load_state()
            office.locator("tr", has_text="2023年工作要点").locator("text=导入任务").click()
            wp_id = office.url.split("/work-plans/")[1].split("/")[0]

            def import_sheet(sheet: str) -> tuple[int, int]:
                office.goto(server + f"/work-plans/{wp_id}/import")
                office.set_input_files(
                    "input[name=file]",
                    files=[{"name": "要点.csv", "mimeType": "text/csv", "buffer": sheet.encode()}],
                )
                office.click("form[enctype] button[type=submit]")
                office.wait_for_selector("#import-summary")
                adds = office.locator("#import-add tbody tr").count()
                updates = office.locator("#import-update tbody tr").count()
                assert office.locator("#import-loud").count() == 0
                office.click("#import-confirm button[type=submit]")
                office.wait_for_load_state()
                return adds, updates

            assert import_sheet(SHEET_1) == (3, 0)
            before = _task_ids(database)
            shot(office, "1-imported")
            assert import_sheet(SHEET_2) == (1, 0)  # the new row only; no task changes
            tasks = _task_ids(database)
            assert {k: tasks[k] for k in before} == before and len(tasks) == 4

            # --- two units report, with evidence -------------------------------------------
            def report(user: str, title: str, percent: str, file: str) -> int:
                page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
                page.on("pageerror", lambda e: errors.append(str(e)))
                _login(page, server, user)
                page.goto(server + f"/tasks/{tasks[title]}")
                page.fill("#new-report input[name=percent]", percent)
                page.fill("#new-report textarea[name=narrative]", f"{title}：进展{percent}%。")
                page.set_input_files(
                    "#new-report input[name=files]",
                    files=[{"name": file, "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}],
                )
                page.click("#new-report button[value=submit]")
                page.wait_for_selector("text=报告已报送")
                page.context.close()
                return _report_id(database, tasks[title])

            r_a = report("editor_a", "开展知识产权宣传周活动", "100", "总结.pdf")
            r_b = report("editor_b", "推进知识产权金融服务", "60", "台账.pdf")

            # --- the office's review queue: return A's, accept B's -------------------------
            office.goto(server + "/review")
            office.wait_for_selector("#review-queue")
            assert office.locator("#review-queue tbody tr").count() == 2
            shot(office, "2-review-queue")
            office.click(f"#queued-{r_a} >> text=审核")
            row = office.locator(f"#report-{r_a}")
            row.locator("input[name=comment]").fill("请补充活动照片")
            row.locator("button:has-text('退回')").click()
            office.wait_for_selector("text=报告已退回")
            office.goto(server + "/review")
            office.click(f"#queued-{r_b} >> text=审核")
            row = office.locator(f"#report-{r_b}")
            row.locator("input[name=comment]").fill("同意")
            row.locator("button:has-text('采纳')").click()
            office.wait_for_selector("text=报告已采纳")

            editor = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
            _login(editor, server, "editor_a")
            editor.goto(server + f"/units/{ids['unit_a']}")
            assert "请补充活动照片" in editor.inner_text("#needs-action")
            editor.click("#needs-action >> text=修改后重新报送")
            row = editor.locator(f"#report-{r_a}")
            row.locator("input[name=files]").set_input_files(
                files=[{"name": "照片.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
            )
            row.locator("button[value=submit]").click()
            editor.wait_for_selector("text=报告已报送")
            editor.context.close()

            office.goto(server + "/review")
            office.click(f"#queued-{r_a} >> text=审核")
            row = office.locator(f"#report-{r_a}")
            assert row.locator("a[href^='/files/']").count() >= 2  # both evidence files
            row.locator("input[name=comment]").fill("同意")
            row.locator("button:has-text('采纳')").click()
            office.wait_for_selector("text=报告已采纳")

            # --- computed values, evaluation, the report as of a date, publication ---------
            office.goto(server + "/admin")
            office.click("form[action='/admin/actuals/refresh'] button")
            office.wait_for_load_state()
            office.goto(server + "/")
            dashboard = _figures(office)
            shot(office, "3-dashboard")
            office.goto(server + "/evaluation")
            evaluation = _figures(office)
            shot(office, "4-evaluation")

            office.goto(server + "/annual-report")
            assert office.input_value("select[name=year]") == "2023"  # last complete year
            office.fill("input[name=as_of]", "2023-12-31")
            office.select_option("select[name=format]", "html")
            office.click("form[action='/annual-report/jobs'] button[type=submit]")
            link = office.wait_for_selector("#jobs a[href$='/file']", timeout=240_000)
            href = link.get_attribute("href")
            shot(office, "5-annual-report")
            response = office.request.get(server + str(href))
            assert response.ok
            report_text = response.text()
            assert "2023年12月31日" in report_text
            reported = _report_figures(report_text)

            office.goto(server + "/portal/desk")
            office.click("details:has(form[action='/portal/desk/headline']) summary")
            headline = office.locator("form[action='/portal/desk/headline']")
            assert headline.locator("input[name=year]").input_value() == "2023"
            headline.locator("button[type=submit]").click()
            office.wait_for_load_state()

            # --- the leader; an anonymous visitor ------------------------------------------
            leader = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            _login(leader, server, "leader")
            leader.goto(server + "/")
            lead_dashboard = _figures(leader)
            leader.goto(server + "/evaluation")
            assert _figures(leader) == evaluation

            anon_ctx = browser.new_context(viewport={"width": 390, "height": 844})
            anon = anon_ctx.new_page()
            anon.goto(server + "/")
            assert re.search(r"/(portal|login)", anon.url), anon.url
            anon.goto(server + "/portal")
            portal = _figures(anon)
            shot(anon, "6-portal-390")
            for path in (
                f"/units/{ids['unit_a']}",
                f"/work-plans/{wp_id}/export?format=xlsx",
                "/api/v1/tasks",
                f"/api/v1/tasks?work_plan_id={wp_id}&status=red",
            ):
                r = anon_ctx.request.get(server + path, max_redirects=0)
                assert r.status in (302, 303, 307, 401), (path, r.status)
                if r.status != 401:
                    assert "/login" in r.headers.get("location", ""), path

            # --- each headline figure, the same everywhere --------------------------------
            assert dashboard["indicator:T1"] == evaluation["indicator:T1"]
            assert dashboard["indicator:T1"] == reported["indicator:T1"]
            assert dashboard["indicator:T1"] == reported["headline:" + HV]
            assert dashboard["indicator:T1"] == _number(portal["engine:" + HV])
            assert lead_dashboard["indicator:T1"] == dashboard["indicator:T1"]
            # overdue on 31 Dec: the publicity task (due 30 June) is done; the finance task
            # (due 30 Sep, 60%) is overdue; the centre (年底 = 31 Dec) is due today, not late;
            # the new task (30 Nov) is overdue
            assert dashboard["overdue_tasks"] == evaluation["overdue_tasks"] == "2"
            assert reported["overdue_tasks"] == "2"
            assert evaluation["plan_time_elapsed"] == reported["plan_time_elapsed"] == "60.0%"
            assert evaluation["tasks_done_share"] == reported["tasks_done_share"] == "25.0%"

            if shots:  # the changed pages in both languages and widths
                for lang in ("zh", "en"):
                    for width in (1400, 390):
                        pg = browser.new_context(
                            viewport={"width": width, "height": 900}
                        ).new_page()
                        _login(pg, server, "admin")
                        for name, path in (
                            ("dashboard", "/"),
                            ("evaluation", "/evaluation"),
                            ("annual", "/annual-report"),
                            ("unit", f"/units/{ids['unit_a']}"),
                            ("portal", "/portal"),
                        ):
                            pg.goto(f"{server}{path}{'&' if '?' in path else '?'}lang={lang}")
                            shot(pg, f"7-{name}-{lang}-{width}")
                        pg.context.close()
        finally:
            browser.close()
    assert not errors, errors
