"""The engine-based pages with a warehouse (a small sample city): the evaluation uses it,
computed values are refreshed from it, and the annual report is made from the web."""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
from starlette.testclient import TestClient  # noqa: E402

from ipcity.web.app import create_app  # noqa: E402
from ipcity.web.config import WebSettings  # noqa: E402

pytestmark = pytest.mark.slow
PASSWORD = "a password for the demo"


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from ipcity.demo.workspace_seed import seed_demo
    from ipcity.samplecity.generator import generate
    from ipcity.warehouse.ingest import ingest
    from ipcity.warehouse.store import Warehouse
    from ipcity.workspace.actions import do_set_password
    from ipcity.workspace.db import open_db
    from ipcity.workspace.permissions import system_actor
    from ipcity.workspace.queries import get_user_by_name

    root = tmp_path_factory.mktemp("web-wh")
    generate(root / "city", scale=0.005, seed=7)
    with Warehouse(root / "wh") as wh:
        assert ingest(wh, [root / "city"]).ok
    db = open_db(f"sqlite:///{root / 'ws.sqlite'}")
    with db.write() as s:
        seed_demo(s, today=date(2023, 6, 30))
        user = get_user_by_name(s, system_actor(), "office")
        do_set_password(
            s, system_actor(), user.id, expected_version=user.version, new_password=PASSWORD
        )
    app = create_app(WebSettings(warehouse=root / "wh", today=date(2023, 6, 30)), db=db)
    with TestClient(app) as c:
        page = c.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        r = c.post(
            "/login",
            data={"username": "office", "password": PASSWORD, "csrf_token": token.group(1)},
            follow_redirects=False,
        )
        assert r.status_code == 303
        yield c
    db.dispose()


def _csrf(c: TestClient) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/admin").text)
    assert m
    return m.group(1)


def test_refresh_computed_values(office: TestClient) -> None:
    r = office.post("/admin/actuals/refresh", data={"csrf_token": _csrf(office)})
    assert r.status_code == 200
    assert re.search(r"计算值已刷新：新增[1-9]\d*个", r.text)
    html = office.get("/plans/2").text  # the five-year plan: computed values now shown
    assert "最新" in html


def test_evaluation_with_warehouse(office: TestClient) -> None:
    html = office.get("/evaluation?plan=FYP14&as_of=2023-06-30").text
    assert "没有可用的数据仓库" not in html
    # actual values from the engine, with their source in words (issue 12: no "warehouse run")
    assert "根据专利数据计算" in html and "warehouse run" not in html
    assert "目标年预测" in html  # each target's projection, with its method
    # the method and its inputs in plain words (no model vocabulary), and what the range means
    assert "按授权和存量增减逐年推算" in html or "按年度值的趋势推算" in html or "数据太少" in html
    assert "实测情况逐年推算" in html or "个年度值的趋势推算" in html
    assert "十次中约八次落在其中" in html
    for internal in ("flows", "drift", "engine", "流量法"):
        assert internal not in html.split('id="projection"')[1].split("</section>")[0]


def _wait_for_jobs(c: TestClient) -> str:
    """The job list once nothing is queued or running (the page stops polling then)."""
    for _ in range(600):
        html = c.get("/annual-report/jobs").text
        if 'hx-trigger="every' not in html:
            return html
        time.sleep(0.5)
    raise AssertionError("the report jobs did not finish")


def test_annual_report_is_made_in_the_background(office: TestClient) -> None:
    csrf = _csrf(office)
    form = {"csrf_token": csrf, "year": "2022", "report_lang": "zh", "format": "html"}
    r = office.post("/annual-report/jobs", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/annual-report")
    page = office.get("/annual-report").text
    assert "报告正在生成" in page  # the flash
    docx = form | {"report_lang": "en", "format": "docx"}
    assert office.post("/annual-report/jobs", data=docx, follow_redirects=False).status_code == 303
    html = _wait_for_jobs(office)
    ids = re.findall(r'href="/annual-report/jobs/(\d+)/file"', html)
    assert len(ids) == 2 and "已生成" in html
    newest, older = ids  # newest first
    d = office.get(f"/annual-report/jobs/{newest}/file")
    assert d.status_code == 200 and d.content[:2] == b"PK"
    assert "attachment" in d.headers["content-disposition"]
    h = office.get(f"/annual-report/jobs/{older}/file")
    assert h.headers["content-type"].startswith("text/html")
    assert 'src="/static/plotly.min.js"' in h.text  # the app's own copy, not embedded
    assert "'unsafe-inline'" in h.headers["content-security-policy"]
    assert "表1" in h.text and "图1" in h.text
    # Kept: the same file again, not rebuilt.
    assert office.get(f"/annual-report/jobs/{newest}/file").content == d.content


def test_bad_report_format(office: TestClient) -> None:
    before = _wait_for_jobs(office).count('<tr class="job-')
    form = {"csrf_token": _csrf(office), "year": "2022", "format": "odt"}
    r = office.post("/annual-report/jobs", data=form)
    assert r.status_code == 200  # back on the page, which says why
    assert 'class="alert error"' in r.text
    assert _wait_for_jobs(office).count('<tr class="job-') == before  # nothing queued


def test_no_warehouse_dir_is_a_notice(tmp_path: Path) -> None:
    from ipcity.web.warehouse import maybe_warehouse

    with maybe_warehouse(WebSettings(warehouse=tmp_path / "absent")) as wh:
        assert wh is None


def test_indicator_page_explains_the_change(office: TestClient) -> None:
    from ipcity.reports.decomposition import Decomposition

    plan = office.get("/evaluation?plan=FYP14&as_of=2023-06-30").text
    assert plan
    ids = sorted(set(re.findall(r'href="/indicators/(\d+)"', office.get("/plans").text)))
    pages = [office.get(f"/indicators/{i}").text for i in ids]
    if not ids:  # the plans list links to plan pages; the indicator links are there
        plan_ids = sorted(set(re.findall(r'href="/plans/(\d+)"', office.get("/plans").text)))
        for p in plan_ids:
            for i in sorted(
                set(re.findall(r'href="/indicators/(\d+)"', office.get(f"/plans/{p}").text))
            ):
                pages.append(office.get(f"/indicators/{i}").text)
    explained = [h for h in pages if 'id="explained"' in h]
    assert explained, "no indicator page explains its change"
    html = explained[0]
    assert "比上年" in html or "与上年持平" in html
    assert "其中新授权贡献" in html
    # standing alone, the sentence ends with the catalogue's full stop (。 in Chinese)
    said = re.search(r'id="explained".*?<p>([^<]*)</p>', html, re.S)
    assert said is not None and said.group(1).endswith("。") and not said.group(1).endswith("。。")
    assert 'data-chart="explained-chart"' in html and '"waterfall"' in html
    assert Decomposition  # the sentence is built by ipcity.reports.decomposition


def test_explained_sentence_punctuation_in_both_languages() -> None:
    from ipcity.web.views.explained import _as_sentence

    assert _as_sentence("专利增加了5件", "zh") == "专利增加了5件。"
    assert _as_sentence("patents rose by 5", "en") == "Patents rose by 5."
