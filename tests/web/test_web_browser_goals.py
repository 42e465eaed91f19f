"""In a real browser (Chromium through Playwright): the office sets up a new five-year plan
from nothing through the pages alone: the plan, two goals (one under the other), three
indicators (computed by the engine, published figures, one with yearly milestones, the first try
refused next to the field), publishes one and the plan; the public plan page then shows them.
Screenshots (zh, 1400 px and 390 px) go to test-artifacts/ like the other browser tests."""

from __future__ import annotations

import pytest

from tests.support.live_server import chromium
from tests.support.web_world import PASSWORD
from tests.web.test_web_browser import ARTIFACTS, server  # noqa: F401  (the server fixture)

pytestmark = pytest.mark.browser


def test_office_sets_up_a_plan(server: str, database) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from playwright.sync_api import sync_playwright

    executable = chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    tag = database.dialect

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            ctx = browser.new_context(viewport={"width": 1400, "height": 900})
            page = ctx.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            # The refused form answers 422 on purpose; any other console error fails the walk.
            page.on(
                "console",
                lambda m: (
                    errors.append(m.text)
                    if m.type == "error" and "status of 422" not in m.text
                    else None
                ),
            )
            page.goto(server + "/login")
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", PASSWORD)
            page.click("form.form button[type=submit]")
            page.wait_for_url(server + "/")

            # The plan.
            page.goto(server + "/admin/plans")
            form = page.locator("form[action='/admin/plans']")
            form.locator("input[name=code]").fill("FYP15")
            form.locator("input[name=title]").fill("十五五知识产权保护和运用规划")
            form.locator("input[name=start_year]").fill("2026")
            form.locator("input[name=end_year]").fill("2030")
            form.locator("button[type=submit]").click()
            page.wait_for_selector("text=十五五知识产权保护和运用规划")
            page.locator("tr", has_text="FYP15").locator("text=管理").click()
            page.wait_for_selector("h1:has-text('管理规划')")
            plan_id = page.url.rstrip("/").split("/")[-2]

            # Two goals: 1, and 1.1 under it.
            for code, title, parent in (
                ("1", "知识产权创造", None),
                ("1.1", "高价值专利培育", "1 "),
            ):
                page.click("text=新建目标")
                page.fill("input[name=code]", code)
                page.fill("input[name=title]", title)
                if parent:
                    page.select_option("select[name=parent_id]", label="1 知识产权创造")
                page.click("button:has-text('创建目标')")
                page.wait_for_selector("text=目标已创建")
            assert page.locator("td.goal-label").all_inner_texts() == [
                "1 知识产权创造",
                "\u30001.1 高价值专利培育",
            ]

            # Three indicators.
            page.click("text=新建指标")
            page.fill("input[name=code]", "T1")
            page.fill("input[name=name]", "每万人口高价值发明专利拥有量")
            page.select_option("select[name=goal_id]", label="\u30001.1 高价值专利培育")
            page.select_option(
                "select[name=engine_indicator]", "high_value_invention_patents_per_10k"
            )
            page.fill("input[name=unit]", "件")
            page.fill("input[name=baseline_year]", "2025")
            page.fill("input[name=baseline_value]", "50")
            page.fill("input[name=target_value]", "80")
            page.fill("textarea[name=milestones]", "2027: 60\n2032: 90")
            page.click("button:has-text('创建指标')")
            err = page.locator("textarea[name=milestones] ~ .field-error")
            assert "2032" in err.inner_text() and "2026到2029" in err.inner_text()
            assert page.input_value("input[name=name]") == "每万人口高价值发明专利拥有量"
            page.screenshot(path=str(ARTIFACTS / f"goals-{tag}-target-error.png"), full_page=True)
            page.fill("textarea[name=milestones]", "2027: 60\n2028: 68")
            page.click("button:has-text('创建指标')")
            page.wait_for_selector("text=指标已创建")

            for code, name, goal in (
                ("T2", "PCT国际专利申请量", "1 知识产权创造"),
                ("T3", "知识产权质押融资额", "1 知识产权创造"),
            ):
                page.click("text=新建指标")
                page.fill("input[name=code]", code)
                page.fill("input[name=name]", name)
                page.select_option("select[name=goal_id]", label=goal)
                if code == "T2":
                    page.select_option("select[name=engine_indicator]", "pct_applications")
                else:
                    page.check("input[name=source][value=published]")
                    page.fill("input[name=unit]", "亿元")
                page.fill("input[name=target_value]", "1000")
                page.click("button:has-text('创建指标')")
                page.wait_for_selector("text=指标已创建")
            rows = page.locator("section:has(h2:has-text('指标与目标值')) tbody tr")
            assert rows.count() == 3

            # Publish T3 and the plan.
            rows.filter(has_text="T3").locator("button:has-text('发布')").click()
            page.wait_for_selector("text=指标已发布")
            page.locator(f"form[action='/plans/{plan_id}/publish'] button").click()
            page.wait_for_selector("text=规划已发布")
            page.screenshot(path=str(ARTIFACTS / f"goals-{tag}-manage.png"), full_page=True)

            # The plan's page shows the tree with its indicators.
            page.click("p.crumbs >> text=十五五知识产权保护和运用规划")
            page.wait_for_selector("text=高价值专利培育")
            assert page.locator("text=每万人口高价值发明专利拥有量").count() >= 1

            phone = browser.new_context(viewport={"width": 390, "height": 844})
            ph = phone.new_page()
            ph.goto(server + "/login")
            ph.fill("input[name=username]", "admin")
            ph.fill("input[name=password]", PASSWORD)
            ph.click("form.form button[type=submit]")
            ph.goto(page.url + "/manage")
            ph.wait_for_selector("h1")
            ph.screenshot(path=str(ARTIFACTS / f"goals-{tag}-manage-390.png"), full_page=True)
            # Nothing wider than the phone screen but the tables' own scroll areas (the
            # navigation bar is the phone slice's; measured here: the page's main column).
            width = ph.evaluate("document.getElementById('main').scrollWidth")
            assert width <= 390 + 1, width
        finally:
            browser.close()
    assert not errors, errors
