"""In real Chromium (issue 12): the office works through /review and returns a report with a
reason; the unit editor lands on the unit's page, sees the reason next to the action, adds
evidence and resubmits; the office sees it back in the queue with the evidence link, and
clears its badge. Screenshots (zh/en, 1400 px and 390 px) go to $IPCITY_SHOTS if set."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.support.live_server import chromium
from tests.support.web_world import PASSWORD, WebWorld
from tests.web.test_web_browser import server  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


def _login(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")


def test_review_walk(server: str, world: WebWorld, database) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from playwright.sync_api import sync_playwright

    shots = os.environ.get("IPCITY_SHOTS")
    errors: list[str] = []

    def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/{database.dialect}-{name}.png", full_page=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            office = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            editor = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
            for pg in (office, editor):
                pg.on("pageerror", lambda e: errors.append(str(e)))

            # The office: the queue, oldest first, with ages; open the second report, return it.
            _login(office, server, "admin")
            office.wait_for_url(server + "/")
            office.click("nav.mainnav >> text=待审核")
            office.wait_for_selector("#review-queue")
            assert office.locator("#review-queue tbody tr").count() == 2
            assert "14天" in office.inner_text("#review-queue")
            shot(office, "1-review-queue-zh-1400")
            office.click(f"#queued-{world['r_sub2']} >> text=审核")
            row = office.locator(f"#report-{world['r_sub2']}")
            row.locator("input[name=comment]").fill("请附上合同扫描件")
            row.locator("button:has-text('退回')").click()
            office.wait_for_selector("text=报告已退回")
            assert office.locator("#review-queue").count() == 0

            # The editor lands on the unit's page: the reason, next to the action.
            _login(editor, server, "editor_a")
            editor.wait_for_url(server + f"/units/{world['unit_a']}")
            box = editor.inner_text("#needs-action")
            assert "请附上合同扫描件" in box
            shot(editor, "2-editor-home-zh-390")
            editor.click("#needs-action >> text=修改后重新报送")
            editor.wait_for_selector(f"#report-{world['r_sub2']} .returned-why")
            row = editor.locator(f"#report-{world['r_sub2']}")
            assert "请附上合同扫描件" in row.inner_text()
            row.locator("input[name=files]").set_input_files(
                files=[{"name": "合同.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
            )
            row.locator("button[value=submit]").click()
            editor.wait_for_selector("text=报告已报送")
            shot(editor, "3-resubmitted-zh-390")

            # The office sees it again, with the evidence; then clears its badge.
            office.goto(server + "/review")
            queued = office.locator(f"#queued-{world['r_sub2']}")
            assert queued.locator("a[href^='/files/']").inner_text() == "合同.pdf"
            office.goto(server + "/review?lang=en")
            assert re.search(r"\b0 days\b", office.inner_text("#review-queue"))
            shot(office, "4-review-queue-en-1400")
            # The leader (before the office clears): no review queue in the menu; clearing
            # touches only the leader's own badge, the office's stays.
            leader = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            _login(leader, server, "leader")
            leader.wait_for_url(server + "/")
            assert leader.locator("nav.mainnav >> text=待审核").count() == 0
            leader.goto(server + "/inbox")
            leader.click("#clear-badge button")
            leader.wait_for_selector("h1")
            assert leader.locator("a.inbox-link .count").count() == 0
            shot(leader, "7-leader-inbox-zh-1400")

            office.goto(server + "/inbox")
            assert office.locator("a.inbox-link .count").count() == 1
            office.click("#clear-badge button")
            office.wait_for_selector("h1")
            assert office.locator("a.inbox-link .count").count() == 0
            shot(office, "5-inbox-cleared-en-1400")
            editor.goto(server + f"/units/{world['unit_a']}?lang=en")
            assert "Deadlines coming up" in editor.content()
            shot(editor, "6-editor-home-en-390")

            # Anonymous: the task page, but no report and no evidence link.
            anon = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
            anon.goto(server + f"/tasks/{world['t1']}")
            assert anon.locator("a[href^='/files/']").count() == 0
            shot(anon, "8-anonymous-task-zh-390")
        finally:
            browser.close()
    assert not errors, errors
