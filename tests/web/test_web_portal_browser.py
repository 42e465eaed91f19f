"""The public portal in a real browser (Debian's Chromium, headless, through Playwright), on
the demo data: without logging in, the headline figures and their charts (local plotly.js),
the news list, a report's page; then in English; then the office's meeting page. Nothing is
requested from another host and the browser logs no error. Screenshots go to
test-artifacts/ at the repository root."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from ipcity.demo.meetings import seed_meetings_demo
from ipcity.demo.workspace_seed import seed_demo
from ipcity.web.app import create_app
from ipcity.web.config import WebSettings
from ipcity.workspace.actions import do_set_password
from ipcity.workspace.db import open_db
from ipcity.workspace.models import User
from ipcity.workspace.permissions import system_actor
from tests.support.live_server import chromium, live_server

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
TODAY = date(2023, 9, 30)
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("portal-browser")
    db = open_db(f"sqlite:///{root / 'ws.sqlite'}")
    with db.write() as s:
        seed_demo(s, today=TODAY)
        seed_meetings_demo(s, today=TODAY)
        office = s.scalar(select(User).where(User.username == "office"))
        assert office is not None
        do_set_password(
            s, system_actor(), office.id, expected_version=office.version, new_password=PASSWORD
        )
    app = create_app(WebSettings(today=TODAY, warehouse=root / "no-warehouse"), db=db)
    with live_server(app) as base:
        yield base
    db.dispose()


def test_public_portal(server: str) -> None:
    from playwright.sync_api import sync_playwright

    executable = chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    foreign: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})
            ctx.on(
                "request",
                lambda req: (
                    foreign.append(req.url)
                    if not req.url.startswith((server, "data:", "blob:"))
                    else None
                ),
            )
            page = ctx.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            # The public home: no login, the published figures with drawn charts, the news.
            page.goto(server + "/portal")
            assert page.locator("h2", has_text="2022年主要指标").count() == 1
            cards = page.locator(".headline-card")
            assert cards.count() == 5  # the demo's published indicators with 2022 values
            pledge = page.locator('.headline-card[data-indicator="target:PLEDGE"]')
            # 95.6亿元 in 2022, 78.3 in 2021: (95.6 - 78.3) / 78.3 = 22.09 % growth; the big
            # figure is the number alone, its unit in the small text
            assert pledge.locator(".tile-value").inner_text() == "95.6"
            assert pledge.locator(".tile-unit").inner_text() == "亿元"
            assert pledge.locator(".tile-change").inner_text() == "增长22.09%"
            page.wait_for_function(
                "document.querySelectorAll('.chart[data-drawn]').length === "
                "document.querySelectorAll('.chart').length"
            )
            assert page.locator(".chart[data-drawn] .main-svg").count() >= 5  # plotly drew
            assert page.locator("nav.mainnav >> text=会议").count() == 0  # not for the public
            news = page.locator("#news .news-list li")
            assert news.count() == 3
            page.screenshot(path=str(ARTIFACTS / "portal-1-home.png"), full_page=True)

            # A report's page, readable without logging in, with its text.
            page.click("#news >> text=2022年上海市知识产权工作报告（演示数据）")
            page.wait_for_selector("article.publication h1")
            assert "2022年上海市知识产权工作报告" in page.locator("article h1").inner_text()
            assert page.locator(".publication-body p").count() >= 2
            page.screenshot(path=str(ARTIFACTS / "portal-2-report.png"), full_page=True)

            # The whole news list, filtered by kind.
            page.goto(server + "/portal/news?kind=bulletin")
            assert page.locator(".news-list li").count() == 1

            # English.
            page.goto(server + "/portal?lang=en")
            assert page.locator("h2", has_text="Headline indicators 2022").count() == 1
            assert page.locator("#news >> text=IP Joint Conference bulletin").count() == 1
            page.wait_for_selector(".chart[data-drawn]")
            page.screenshot(path=str(ARTIFACTS / "portal-3-english.png"), full_page=True)
            # On a phone every figure stays on one line (issue 12: "95.6 × 100 million yuan"
            # as the big figure wrapped to two, "82.0 per 10,000 residents" to three).
            page.set_viewport_size({"width": 390, "height": 844})
            assert pledge.locator(".tile-unit").inner_text() == "× 100 million yuan"
            lines = page.eval_on_selector_all(
                ".headline-card .tile-value",
                "els => els.map(e => e.getBoundingClientRect().height"
                " / parseFloat(getComputedStyle(e).lineHeight))",
            )
            assert len(lines) == 5 and max(lines) < 1.5, lines
            page.screenshot(path=str(ARTIFACTS / "portal-3-english-phone.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(server + "/portal?lang=zh")

            # The office's meeting page: agenda, minutes, decisions with their tasks.
            office = ctx.new_page()
            office.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            office.goto(server + "/login")
            office.fill("input[name=username]", "office")
            office.fill("input[name=password]", PASSWORD)
            office.click("form.form button[type=submit]")
            office.wait_for_url(server + "/")
            office.click("nav.mainnav >> text=会议")
            office.click(
                "#meetings >> text=2023年上海市知识产权联席会议年度（扩大）会议（演示数据）"
            )
            office.wait_for_selector("#decisions table")
            assert office.locator("#decisions tbody tr").count() == 3
            assert office.locator("#agenda li").count() == 6
            office.screenshot(path=str(ARTIFACTS / "portal-4-meeting.png"), full_page=True)
        finally:
            browser.close()
    assert foreign == []
    assert errors == []
