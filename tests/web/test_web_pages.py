"""What each role sees on the pages: report forms only for the units that may write, no other
unit's drafts, no write buttons for a leader, published pages only for the public; the
dashboard's counts computed by hand."""

from __future__ import annotations

import re
import time

from starlette.testclient import TestClient

from tests.support.public_setting import open_to_public
from tests.support.web_world import USERNAMES, WebWorld, api_token, page_login


def _as(make_client, role: str) -> TestClient:  # type: ignore[no-untyped-def]
    c = make_client()
    if role != "anonymous":
        page_login(c, USERNAMES[role])
    return c


def test_dashboard_counts(client: TestClient, world: WebWorld) -> None:
    """On 2023-09-15 (no report accepted yet): t1 (deadline 30 June) is overdue: red;
    t2: 257 of 364 days gone (70.6 %) at 0 %: yellow; t3: 257 of 333 days (77.2 %): yellow."""
    open_to_public(world.db)
    html = client.get("/").text
    counts = dict(re.findall(r'data-status-count="(\w+)">(\d+)<', html))
    assert counts == {"red": "1", "yellow": "2", "green": "0", "done": "0"}
    assert "任务一" in html  # in the overdue list
    # Indicator: (15 - 10) / (20 - 10) = 50 % of the way, 2/5 of the time: green light.
    assert 'class="light light-green"' in html
    assert "50.0%" in html and "40.0%" in html  # one decimal, as in the report


def test_accepted_report_moves_the_dashboard(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    editor, admin = _as(make_client, "editor_lead"), _as(make_client, "admin")
    h_ed = {"Authorization": f"Bearer {api_token(editor, 'editor_a')}"}
    h_ad = {"Authorization": f"Bearer {api_token(admin, 'admin')}"}
    r = editor.post(
        f"/api/v1/tasks/{world['t3']}/reports",
        headers=h_ed,
        json={"period": "2023-09", "percent": 100, "narrative": "全部完成", "submit": True},
    )
    assert r.status_code == 201 and r.json()["state"] == "submitted"
    rep = r.json()
    ok = admin.post(
        f"/api/v1/reports/{rep['id']}/accept", headers=h_ad, json={"version": rep["version"]}
    )
    assert ok.status_code == 200
    counts = dict(re.findall(r'data-status-count="(\w+)">(\d+)<', admin.get("/").text))
    assert counts == {"red": "1", "yellow": "1", "green": "0", "done": "1"}


def test_report_form_only_for_involved_units(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    url = f"/tasks/{world['t1']}"
    lead = _as(make_client, "editor_lead").get(url).text
    assert 'id="new-report"' in lead
    co = make_client()
    page_login(co, "editor_b")
    assert 'id="new-report"' in co.get(url).text  # a co-operating unit reports its part
    assert 'id="new-report"' not in _as(make_client, "editor_other").get(url).text
    assert 'id="new-report"' not in _as(make_client, "leader").get(url).text
    office = _as(make_client, "admin").get(url).text
    assert 'id="new-report"' in office and 'name="unit_id"' in office


def test_no_other_units_drafts(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    url = f"/tasks/{world['t1']}"
    lead = _as(make_client, "editor_lead").get(url).text
    assert "配合单位草稿" not in lead  # unit B's draft
    assert "草稿" in lead  # its own draft is there
    other = _as(make_client, "editor_other").get(url).text
    assert "配合单位草稿" not in other
    assert "一季度进展" in other  # submitted reports are visible to every unit
    leader = _as(make_client, "leader").get(url).text
    assert "配合单位草稿" in leader  # leaders see every report


def test_leader_sees_no_write_buttons(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    leader = _as(make_client, "leader")
    html = leader.get(f"/tasks/{world['t1']}").text
    assert "/accept" not in html and "/revise" not in html and "/edit" not in html
    users = leader.get("/admin/users").text
    assert 'action="/admin/users"' not in users and "editor_a" in users
    admin = _as(make_client, "admin").get(f"/tasks/{world['t1']}").text
    assert f"/reports/{world['r_sub']}/accept" in admin


def test_public_sees_published_only(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    open_to_public(world.db)
    anon = _as(make_client, "anonymous")
    assert "内部草案" not in anon.get("/plans").text
    assert "内部草案" in _as(make_client, "editor_other").get("/plans").text
    task = anon.get(f"/tasks/{world['t1']}").text
    assert "一季度进展" not in task and "登录后可查看进展报告" in task
    assert "待办提醒" not in anon.get("/").text  # no inbox in the menu


def test_task_filters_and_htmx_partial(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    c = _as(make_client, "leader")
    full = c.get("/tasks?year=2023&status=yellow")
    assert "<html" in full.text and "任务二" in full.text and "任务一" not in full.text
    part = c.get(
        f"/tasks?year=2023&unit={world['unit_b']}&involvement=lead", headers={"HX-Request": "true"}
    )
    assert "<html" not in part.text
    assert "任务二" in part.text and "任务一" not in part.text
    co = c.get(
        f"/tasks?year=2023&unit={world['unit_b']}&involvement=co", headers={"HX-Request": "true"}
    )
    assert "任务一" in co.text and "任务二" not in co.text
    # A unit editor starts from their own unit's tasks.
    mine = _as(make_client, "editor_lead").get("/tasks").text
    assert "任务一" in mine and "任务三" in mine and "任务二" not in mine


def test_report_through_the_form_then_review(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    editor = make_client()
    csrf = page_login(editor, "editor_a")
    r = editor.post(
        f"/tasks/{world['t3']}/reports",
        data={
            "csrf_token": csrf,
            "unit_id": str(world["unit_a"]),
            "period": "2023年9月",
            "percent": "80",
            "narrative": "完成八成",
            "action": "submit",
        },
        files={"files": ("进展.txt", "内容".encode(), "text/plain")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = editor.get(f"/tasks/{world['t3']}").text
    assert "报告已报送" in page and "完成八成" in page and "2023-09" in page
    admin = make_client()
    csrf_a = page_login(admin, "admin")
    h = {"Authorization": f"Bearer {api_token(admin, 'admin')}"}
    rep = admin.get(f"/api/v1/reports?task_id={world['t3']}", headers=h).json()[0]
    back = admin.post(
        f"/reports/{rep['id']}/return",
        data={"csrf_token": csrf_a, "version": str(rep["version"]), "comment": ""},
        follow_redirects=False,
    )
    assert back.status_code == 422  # returning needs a comment
    assert "必填" in back.text
    back = admin.post(
        f"/reports/{rep['id']}/return",
        data={"csrf_token": csrf_a, "version": str(rep["version"]), "comment": "请补充数据"},
        follow_redirects=False,
    )
    assert back.status_code == 303
    inbox = editor.get("/inbox").text
    assert "请补充数据" in inbox  # the unit's notice with the office's comment
    # The evidence file can be downloaded by the unit.
    hist = admin.get(f"/api/v1/reports/{rep['id']}", headers=h).json()
    file_id = hist["revisions"][0]["files"][0]["id"]
    f = editor.get(f"/files/{file_id}")
    assert f.status_code == 200 and f.content == "内容".encode()
    assert "attachment" in f.headers["content-disposition"]


def test_validation_errors_keep_the_input(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    editor = make_client()
    csrf = page_login(editor, "editor_a")
    r = editor.post(
        f"/tasks/{world['t3']}/reports",
        data={
            "csrf_token": csrf,
            "unit_id": str(world["unit_a"]),
            "period": "某月",
            "percent": "120",
            "narrative": "我写了很多字",
            "action": "draft",
        },
    )
    assert r.status_code == 422
    assert "无法识别的报告期" in r.text
    assert "我写了很多字" in r.text


def test_setup_notice_without_office_admin(web_app, database) -> None:  # type: ignore[no-untyped-def]
    from ipcity.web.app import create_app
    from ipcity.web.config import WebSettings
    from tests.support.web_world import wipe

    wipe(database)
    app = create_app(WebSettings(), db=database)
    with TestClient(app) as c:
        html = c.get("/login").text
    assert "ipcity users create NAME --role office_admin --password-stdin" in html


def test_unknown_page_and_method(client: TestClient, world: WebWorld) -> None:
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "此地址没有页面" in r.text
    assert client.get("/api/v1/nothing").json()["error"] == "http.404"
    assert client.get(f"/tasks/{world['t1']}/reports").status_code == 405


def test_refresh_without_warehouse_says_so(
    make_client, world: WebWorld, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from ipcity.workspace.actions import do_create_target

    # The workspace falls back to the default warehouse directory: make sure there is none.
    monkeypatch.setenv("IPCITY_WAREHOUSE", str(tmp_path / "none"))
    from ipcity.workspace.permissions import system_actor

    with world.db.write() as s:
        do_create_target(
            s,
            system_actor("test"),
            {
                "plan_id": world["plan"],
                "code": "PCT",
                "name": "PCT申请量",
                "engine_indicator": "pct_applications",
                "region": "310000",
                "unit": "件",
                "direction": "higher",
                "target_year": 2025,
                "target_value": 5000,
            },
        )
    admin = make_client()
    csrf = page_login(admin, "admin")
    r = admin.post("/admin/actuals/refresh", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert "没有可用的数据仓库" in admin.get("/admin").text
    form = {"csrf_token": csrf, "year": "2023", "report_lang": "zh", "format": "html"}
    queued = admin.post("/annual-report/jobs", data=form, follow_redirects=False)
    assert queued.status_code == 303  # the job fails in the background and the page says why
    for _ in range(600):
        jobs = admin.get("/annual-report/jobs").text
        if 'hx-trigger="every' not in jobs:
            break
        time.sleep(0.2)
    assert "生成失败" in jobs and "没有可用的数据仓库" in jobs


def test_editing_a_task_keeps_its_deadline_wording(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    """t3's deadline was written 11月底 (30 Nov 2023): saving the edit form with the deadline
    untouched keeps the wording; the form shows the date and the wording beside it."""
    admin = make_client()
    csrf = page_login(admin, "admin")
    page = admin.get(f"/tasks/{world['t3']}").text
    assert (
        'name="deadline" value="2023-11-30"' in page
        and '原文：<span data-value="">11月底</span>' in page
    )
    r = admin.post(
        f"/tasks/{world['t3']}/edit",
        data={
            "csrf_token": csrf,
            "version": str(world["t3_v"]),
            "title": "任务三（改）",
            "lead_unit_id": str(world["unit_a"]),
            "deadline": "2023-11-30",
            "deadline_was": "2023-11-30",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    h = {"Authorization": f"Bearer {api_token(admin, 'admin')}"}
    task = admin.get(f"/api/v1/tasks/{world['t3']}", headers=h).json()
    assert task["title"] == "任务三（改）"
    assert (task["deadline"], task["deadline_text"]) == ("2023-11-30", "11月底")
