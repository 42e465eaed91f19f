"""In a real browser (Debian's Chromium, headless, through Playwright): a unit editor logs in
and submits a report, the office admin accepts it, the dashboard shows the change; then the
same in English. Screenshots go to test-artifacts/ at the repository root."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.support.live_server import chromium, live_server
from tests.support.web_world import PASSWORD, WebWorld

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture
def server(web_app: FastAPI, world: WebWorld) -> Iterator[str]:
    with live_server(web_app) as base:
        yield base


def _counts(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        el.get_attribute("data-status-count"): el.inner_text().strip()
        for el in page.query_selector_all("[data-status-count]")
    }


def test_report_accept_dashboard(server: str, database, request: pytest.FixtureRequest) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    executable = chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    tag = database.dialect
    foreign: list[str] = []
    errors: list[str] = []

    def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
        page.screenshot(path=str(ARTIFACTS / f"web-{tag}-{name}.png"), full_page=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            editor_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
            office_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
            for ctx in (editor_ctx, office_ctx):
                ctx.on(
                    "request",
                    lambda req: (
                        foreign.append(req.url)
                        if not req.url.startswith((server, "data:", "blob:"))
                        else None
                    ),
                )
            editor = editor_ctx.new_page()
            editor.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            editor.on("pageerror", lambda e: errors.append(str(e)))

            # The office's dashboard before: t3 is yellow (behind), nothing done.
            office = office_ctx.new_page()
            office.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            office.on("pageerror", lambda e: errors.append(str(e)))
            office.goto(server + "/login")
            office.fill("input[name=username]", "admin")
            office.fill("input[name=password]", PASSWORD)
            office.click("form.form button[type=submit]")
            office.wait_for_url(server + "/")
            assert _counts(office) == {"red": "1", "yellow": "2", "green": "0", "done": "0"}
            office.wait_for_selector(".chart[data-drawn]")  # plotly drew the unit chart
            shot(office, "1-dashboard-before")

            # A unit editor logs in, finds the unit's task and reports it done.
            editor.goto(server + "/")
            editor.click("text=登录")
            editor.fill("input[name=username]", "editor_a")
            editor.fill("input[name=password]", PASSWORD)
            editor.click("form.form button[type=submit]")
            editor.click("nav.mainnav >> text=重点任务")
            editor.wait_for_selector("table.tasks")
            assert editor.locator("table.tasks >> text=任务二").count() == 0  # not A's task
            shot(editor, "2-my-tasks")
            editor.click("table.tasks >> text=任务三")
            editor.fill("#new-report input[name=percent]", "100")
            editor.fill("#new-report textarea[name=narrative]", "已全部完成，形成总结报告。")
            editor.set_input_files(
                "#new-report input[name=files]",
                files=[{"name": "总结.txt", "mimeType": "text/plain", "buffer": "总结".encode()}],
            )
            editor.click("#new-report button[value=submit]")
            editor.wait_for_selector("text=报告已报送")
            shot(editor, "3-report-submitted")

            # The office sees it in its inbox, opens the task and accepts the report.
            office.click("a.inbox-link")
            office.click("text=/报送了任务.*任务三/")
            office.wait_for_selector("form.review")
            shot(office, "4-task-to-review")
            office.fill("form.review input[name=comment]", "同意")
            office.click("form.review button:has-text('采纳')")
            office.wait_for_selector("text=报告已采纳")

            # The dashboard shows the change.
            office.click("nav.mainnav >> text=工作概览")
            assert _counts(office) == {"red": "1", "yellow": "1", "green": "0", "done": "1"}
            shot(office, "5-dashboard-after")

            # In English.
            office.click("text=English")
            office.wait_for_selector("h1:has-text('Dashboard')")
            assert "Overdue tasks" in office.content()
            shot(office, "6-dashboard-english")
            editor.goto(server + "/inbox")
            assert re.search(r"任务.*任务三.*已采纳", editor.content())
            shot(editor, "7-editor-inbox")
        finally:
            browser.close()
    assert not foreign, f"requests to other hosts: {foreign}"
    assert not errors, f"browser errors: {errors}"
