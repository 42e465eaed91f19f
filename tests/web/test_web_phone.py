"""Issue 12, item 13: the pages on a phone (390 px wide, in Chromium through Playwright).

The menu is folded (a <details>, so it works without script) and opens; the page's content
starts on the first screen; on the portal the news starts within two screens; an indicator
name in a table is never squeezed to a character or two per line (the table scrolls inside its
box instead); the page itself never scrolls sideways. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest

from ipcity.meetings.actions.portal import (
    do_create_publication,
    do_publish,
    do_publish_headline_snapshot,
)
from ipcity.workspace.permissions import system_actor
from tests.support.live_server import chromium
from tests.support.public_setting import open_to_public
from tests.support.web_world import PASSWORD, WebWorld
from tests.web.test_web_browser import ARTIFACTS, server  # noqa: F401

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# An indicator, unit or task name (td.name-cell / td.task-title) keeps about seven Chinese
# characters a line; any other first cell about three (before: one character a line).
NARROWEST_NAME_PX = 100
NARROWEST_CELL_PX = 42

LAYOUT = """() => {
  const doc = document.documentElement;
  const main = document.querySelector('main');
  const news = document.querySelector('#news');
  const names = [...document.querySelectorAll(
      'table td.name-cell, table td.task-title, table td:first-child')]
    .filter(td => td.offsetParent !== null && td.innerText.trim().length >= 4)
    .map(td => ({text: td.innerText.trim().slice(0, 20), width: td.getBoundingClientRect().width,
                 name: td.matches('.name-cell, .task-title')}));
  return {
    overflow: doc.scrollWidth - doc.clientWidth,
    mainTop: main.getBoundingClientRect().top + window.scrollY,
    newsTop: news ? news.getBoundingClientRect().top + window.scrollY : null,
    viewport: window.innerHeight,
    names: names,
  };
}"""


def _news(world: WebWorld, count: int = 3) -> None:
    sysa = system_actor("test")
    with world.db.write() as s:
        for i in range(count):
            pub = do_create_publication(
                s,
                sysa,
                {
                    "kind": "news",
                    "title_zh": f"联席会议动态第{i + 1}期",
                    "title_en": f"Joint conference news no. {i + 1}",
                    "summary_zh": "会议部署年度重点任务。",
                    "summary_en": "The meeting set the year's main tasks.",
                    "body_zh": "正文。",
                    "body_en": "Text.",
                },
            )
            do_publish(s, sysa, pub.id, expected_version=pub.version)
        # headline figures (tiles and charts) above the news, as on a real portal
        do_publish_headline_snapshot(s, sysa, 2022, source="workspace")


def _check(page, url: str, failures: list[str], shot: str, js: bool) -> dict:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.wait_for_load_state("load")
    if js and page.locator(".chart").count():
        page.wait_for_selector(".chart[data-drawn]", timeout=10_000)
    m = page.evaluate(LAYOUT)
    page.screenshot(path=str(ARTIFACTS / f"phone-{shot}.png"), full_page=True)
    if m["overflow"] > 1:
        failures.append(f"{url}: the page scrolls sideways by {m['overflow']} px")
    if m["mainTop"] >= m["viewport"] * 0.5:
        failures.append(f"{url}: content starts at {m['mainTop']:.0f} px (half a screen down)")
    for cell in m["names"]:
        if cell["width"] < (NARROWEST_NAME_PX if cell["name"] else NARROWEST_CELL_PX):
            failures.append(f"{url}: {cell['text']!r} squeezed to {cell['width']:.0f} px")
    return m  # type: ignore[no-any-return]


def test_phone_menu_content_news_tables(
    server: str,  # noqa: F811
    world: WebWorld,
) -> None:
    from playwright.sync_api import sync_playwright

    open_to_public(world.db)
    _news(world)
    ARTIFACTS.mkdir(exist_ok=True)
    failures: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium(),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            for js in (True, False):
                ctx = browser.new_context(viewport=PHONE, java_script_enabled=js)
                page = ctx.new_page()
                tag = "js" if js else "nojs"
                # The portal: folded menu, news within two screens.
                m = _check(page, server + "/portal", failures, f"{tag}-portal", js)
                menu = page.locator("details.phonenav")
                assert menu.is_visible() and not page.locator("nav.mainnav").is_visible()
                assert menu.get_attribute("open") is None  # folded
                first_item = menu.locator("nav a").first
                assert not first_item.is_visible()
                menu.locator("summary").click()
                assert first_item.is_visible(), "the menu does not open"
                assert m["newsTop"] is not None, "no news on the portal"
                assert m["newsTop"] < 2 * m["viewport"], f"news starts at {m['newsTop']:.0f} px"

                # As the office, the working pages.
                page.goto(server + "/login")
                page.fill("input[name=username]", "admin")
                page.fill("input[name=password]", PASSWORD)
                page.click("form.form button[type=submit]")
                page.wait_for_load_state("load")
                for path in ("/", "/tasks", f"/tasks/{world['t1']}", "/units", "/plans"):
                    _check(page, server + path, failures, f"{tag}-{path.strip('/') or 'home'}", js)
                plan = page.locator("a[href^='/plans/']").first.get_attribute("href")
                if plan:
                    _check(page, server + plan, failures, f"{tag}-plan", js)
                indicator = page.locator("a[href^='/indicators/']").first
                if indicator.count():
                    _check(page, server + str(indicator.get_attribute("href")), failures, tag, js)
                ctx.close()
        finally:
            browser.close()
    assert not failures, "\n".join(failures)
