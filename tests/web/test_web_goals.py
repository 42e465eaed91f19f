"""Issue 12, problem 6: the office manages plans, goals (a tree) and indicator targets in the
pages and the API, on SQLite and PostgreSQL: create, edit, publish, withdraw, delete what is
safe; unit editors and anonymous visitors are refused; stale versions get 409; a goal cannot
become its own ancestor; milestones must be numbers in years of the plan period; a goal that
still holds tasks is not deleted."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from ipcity.workspace.actions import do_import_targets
from ipcity.workspace.db import Database
from ipcity.workspace.permissions import system_actor
from ipcity.workspace.visibility import do_set_public_access
from tests.support.web_permission_table import TARGET_CSV
from tests.support.web_world import USERNAMES, WebWorld, api_token, page_login


def _h(client: TestClient, role: str = "admin") -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(client, USERNAMES[role])}"}


def _plan(client: TestClient, h: dict[str, str], code: str = "FYP15") -> int:
    r = client.post(
        "/api/v1/plans",
        headers=h,
        json={
            "code": code,
            "title": "十五五知识产权规划",
            "kind": "five_year",
            "start_year": 2026,
            "end_year": 2030,
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


# --- API ------------------------------------------------------------------------------------


def test_api_goal_tree_create_edit_move_and_cycle(client: TestClient, world: WebWorld) -> None:
    h = _h(client)
    plan = _plan(client, h)
    root = client.post(
        f"/api/v1/plans/{plan}/goals", headers=h, json={"code": "1", "title": "创造"}
    )
    assert root.status_code == 201, root.text
    child = client.post(
        f"/api/v1/plans/{plan}/goals",
        headers=h,
        json={"code": "1.1", "title": "高价值专利", "parent_id": root.json()["id"]},
    ).json()
    grandchild = client.post(
        f"/api/v1/plans/{plan}/goals",
        headers=h,
        json={"code": "1.1.1", "title": "发明专利", "parent_id": child["id"]},
    ).json()
    listed = client.get(f"/api/v1/plans/{plan}/goals", headers=h).json()
    assert [g["code"] for g in listed] == ["1", "1.1", "1.1.1"]
    # The root under its own grandchild: a cycle, refused, nothing changed.
    r0 = root.json()
    cyc = client.patch(
        f"/api/v1/goals/{r0['id']}",
        headers=h,
        json={"version": r0["version"], "parent_id": grandchild["id"]},
    )
    assert cyc.status_code == 422 and cyc.json()["errors"][0]["field"] == "parent_id"
    own = client.patch(
        f"/api/v1/goals/{r0['id']}",
        headers=h,
        json={"version": r0["version"], "parent_id": r0["id"]},
    )
    assert own.status_code == 422
    assert client.get(f"/api/v1/goals/{r0['id']}", headers=h).json()["parent_id"] is None
    # A goal of another plan cannot be the parent.
    other = client.post(
        f"/api/v1/plans/{plan}/goals",
        headers=h,
        json={"code": "X", "title": "x", "parent_id": world["goal"]},
    )
    assert other.status_code == 422
    # Edit, then a stale edit: 409 with the current version and row.
    ok = client.patch(
        f"/api/v1/goals/{child['id']}",
        headers=h,
        json={"version": child["version"], "title": "高价值发明专利", "parent_id": None},
    )
    assert ok.status_code == 200 and ok.json()["parent_id"] is None
    stale = client.patch(
        f"/api/v1/goals/{child['id']}", headers=h, json={"version": child["version"], "title": "旧"}
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == ok.json()["version"]
    assert stale.json()["current"]["title"] == "高价值发明专利"
    # Duplicate code in the same plan.
    dup = client.post(f"/api/v1/plans/{plan}/goals", headers=h, json={"code": "1", "title": "再来"})
    assert dup.status_code == 422


def test_api_goal_delete_refused_while_it_holds_tasks(client: TestClient, world: WebWorld) -> None:
    h = _h(client)
    g = client.get(f"/api/v1/goals/{world['goal']}", headers=h).json()
    r = client.delete(f"/api/v1/goals/{g['id']}?version={g['version']}", headers=h)
    assert r.status_code == 422
    body = r.json()
    assert body["errors"][0]["error"] == "field.goal_in_use"
    assert body["errors"][0]["params"]["tasks"] >= 1
    assert client.get(f"/api/v1/goals/{g['id']}", headers=h).status_code == 200
    # An empty goal goes; stale version first.
    plan = _plan(client, h, "DEL")
    empty = client.post(
        f"/api/v1/plans/{plan}/goals", headers=h, json={"code": "E", "title": "空"}
    ).json()
    assert client.delete(f"/api/v1/goals/{empty['id']}?version=99", headers=h).status_code == 409
    gone = client.delete(f"/api/v1/goals/{empty['id']}?version={empty['version']}", headers=h)
    assert gone.status_code == 204
    assert client.get(f"/api/v1/goals/{empty['id']}", headers=h).status_code == 404
    audit = client.get("/audit?entity=goal", headers=h)
    assert audit.status_code in (200, 303, 404)  # the audit page is for people; see the log below


def test_api_targets_milestones_publish(client: TestClient, world: WebWorld) -> None:
    h = _h(client)
    plan = _plan(client, h)
    goal = client.post(
        f"/api/v1/plans/{plan}/goals", headers=h, json={"code": "1", "title": "创造"}
    ).json()
    body = {
        "code": "T1",
        "name": "每万人口高价值发明专利拥有量",
        "goal_id": goal["id"],
        "engine_indicator": "high_value_invention_patents_per_10k",
        "unit": "件",
        "direction": "higher",
        "baseline_year": 2025,
        "baseline_value": 50,
        "target_year": 2030,
        "target_value": 80,
        "milestones": {"2027": 60, "2028": 68.5},
    }
    r = client.post(f"/api/v1/plans/{plan}/targets", headers=h, json=body)
    assert r.status_code == 201, r.text
    t = r.json()
    assert t["milestones"] == {"2027": 60.0, "2028": 68.5} and t["published"] is False
    # Milestones outside the plan period, or at the baseline year: refused next to the field.
    for bad in ({"2031": 90}, {"2025": 55}, {"2019": 1}):
        rb = client.post(
            f"/api/v1/plans/{plan}/targets",
            headers=h,
            json=body | {"code": "TB", "milestones": bad},
        )
        assert rb.status_code == 422, (bad, rb.text)
        assert rb.json()["errors"][0]["field"] == "milestones"
    # Not a number: the schema refuses it.
    rn = client.post(
        f"/api/v1/plans/{plan}/targets",
        headers=h,
        json=body | {"code": "TN", "milestones": {"2027": "多"}},
    )
    assert rn.status_code == 422
    # Anonymous does not see the unpublished indicator; after publishing it does.
    assert client.get(f"/api/v1/targets/{t['id']}").status_code in (401, 404)
    pub = client.patch(
        f"/api/v1/targets/{t['id']}", headers=h, json={"version": t["version"], "published": True}
    )
    assert pub.status_code == 200 and pub.json()["published"] is True
    stale = client.patch(
        f"/api/v1/targets/{t['id']}", headers=h, json={"version": t["version"], "target_value": 1}
    )
    assert stale.status_code == 409 and stale.json()["current"]["target_value"] == 80
    # Switch to published figures (no engine indicator) and clear a milestone.
    v = pub.json()["version"]
    sw = client.patch(
        f"/api/v1/targets/{t['id']}",
        headers=h,
        json={"version": v, "engine_indicator": None, "milestones": {"2027": 61}},
    )
    assert sw.status_code == 200
    assert sw.json()["engine_indicator"] is None and sw.json()["milestones"] == {"2027": 61.0}
    listed = client.get(f"/api/v1/plans/{plan}/targets", headers=h).json()
    assert [x["code"] for x in listed] == ["T1"]
    # A target with published values is not deleted (the world's T1 has one).
    wt = client.get(f"/api/v1/targets/{world['target']}", headers=h).json()
    rd = client.delete(f"/api/v1/targets/{wt['id']}?version={wt['version']}", headers=h)
    assert rd.status_code == 422 and rd.json()["errors"][0]["error"] == "field.target_has_values"
    # Our new one has none: it can go.
    cur = client.get(f"/api/v1/targets/{t['id']}", headers=h).json()
    assert (
        client.delete(f"/api/v1/targets/{t['id']}?version={cur['version']}", headers=h).status_code
        == 204
    )


def test_api_unit_editor_and_anonymous_refused(client: TestClient, world: WebWorld) -> None:
    plan = world["plan"]
    goal_body = {"code": "Z", "title": "不该有"}
    target_body = {
        "code": "TZ",
        "name": "x",
        "direction": "higher",
        "target_year": 2025,
        "target_value": 1,
    }
    for headers in ({}, _h(client, "editor_lead"), _h(client, "leader")):
        refused = 403 if headers else 401  # anonymous: log in first (portal-only default)
        assert (
            client.post(f"/api/v1/plans/{plan}/goals", headers=headers, json=goal_body).status_code
            == refused
        )
        assert (
            client.post(
                f"/api/v1/plans/{plan}/targets", headers=headers, json=target_body
            ).status_code
            == refused
        )
        r = client.patch(
            f"/api/v1/targets/{world['target']}",
            headers=headers,
            json={"version": world["target_v"], "published": False},
        )
        assert r.status_code == refused
        r = client.patch(
            f"/api/v1/goals/{world['goal']}",
            headers=headers,
            json={"version": world["goal_v"], "title": "改"},
        )
        assert r.status_code == refused
    h = _h(client)
    codes = [g["code"] for g in client.get(f"/api/v1/plans/{plan}/goals", headers=h).json()]
    assert "Z" not in codes


# --- pages ----------------------------------------------------------------------------------


def _csrf(page: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert m
    return m.group(1)


def test_pages_office_sets_up_a_plan(client: TestClient, world: WebWorld) -> None:
    csrf = page_login(client, "admin")
    r = client.post(
        "/admin/plans",
        data={
            "csrf_token": csrf,
            "code": "P15",
            "title": "十五五规划",
            "kind": "five_year",
            "start_year": "2026",
            "end_year": "2030",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    h = _h(client)
    plan = next(p for p in client.get("/api/v1/plans", headers=h).json() if p["code"] == "P15")
    page = client.get(f"/plans/{plan['id']}/manage")
    assert page.status_code == 200 and "十五五规划" in page.text
    # A goal, then a sub-goal under it.
    r = client.post(
        f"/plans/{plan['id']}/goals",
        data={"csrf_token": csrf, "code": "1", "title": "知识产权创造"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:500]
    g1 = client.get(f"/api/v1/plans/{plan['id']}/goals", headers=h).json()[0]
    r = client.post(
        f"/plans/{plan['id']}/goals",
        data={"csrf_token": csrf, "code": "1.1", "title": "高价值专利", "parent_id": str(g1["id"])},
        follow_redirects=False,
    )
    assert r.status_code == 303
    # Moving goal 1 under its own child: the error sits next to the field, in Chinese.
    g11 = next(
        g
        for g in client.get(f"/api/v1/plans/{plan['id']}/goals", headers=h).json()
        if g["code"] == "1.1"
    )
    r = client.post(
        f"/goals/{g1['id']}/edit",
        data={
            "csrf_token": csrf,
            "code": "1",
            "title": "知识产权创造",
            "parent_id": str(g11["id"]),
            "version": str(g1["version"]),
        },
    )
    assert r.status_code == 422
    assert 'class="field-error"' in r.text and "上级目标不能是自身或下级目标" in r.text
    # An indicator with a bad milestone: the error next to the field, input kept.
    form = {
        "csrf_token": csrf,
        "code": "T1",
        "name": "PCT国际专利申请量",
        "goal_id": str(g11["id"]),
        "source": "engine",
        "engine_indicator": "pct_applications",
        "unit": "件",
        "direction": "higher",
        "baseline_year": "2025",
        "baseline_value": "1,000",
        "target_year": "2030",
        "target_value": "1500",
        "milestones": "2027: 1200\n2035: 1900",
    }
    r = client.post(f"/plans/{plan['id']}/targets", data=form)
    assert r.status_code == 422
    assert "阶段目标年份2035应在2026到2029年之间" in r.text and "PCT国际专利申请量" in r.text
    r = client.post(f"/plans/{plan['id']}/targets", data=form | {"milestones": "2027: 一千"})
    assert r.status_code == 422 and "不是数字" in r.text
    r = client.post(
        f"/plans/{plan['id']}/targets",
        data=form | {"milestones": "2027: 1200；2028：1300"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:800]
    t = client.get(f"/api/v1/plans/{plan['id']}/targets", headers=h).json()[0]
    assert t["milestones"] == {"2027": 1200.0, "2028": 1300.0} and t["baseline_value"] == 1000
    # Edit page shows the milestones as lines; a published-figures indicator drops the engine id.
    edit = client.get(f"/targets/{t['id']}/edit")
    assert "2027: 1200" in edit.text
    r = client.post(
        f"/targets/{t['id']}/edit",
        data=form
        | {"source": "published", "milestones": "2027: 1200", "version": str(t["version"])},
        follow_redirects=False,
    )
    assert r.status_code == 303
    t2 = client.get(f"/api/v1/targets/{t['id']}", headers=h).json()
    assert t2["engine_indicator"] is None and t2["milestones"] == {"2027": 1200.0}
    # Publish from the management page, then a stale publish: 409 page with both versions.
    r = client.post(
        f"/targets/{t['id']}/publish",
        data={"csrf_token": csrf, "version": str(t2["version"]), "published": "1"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert client.get(f"/api/v1/targets/{t['id']}", headers=h).json()["published"] is True
    r = client.post(
        f"/targets/{t['id']}/publish",
        data={"csrf_token": csrf, "version": str(t2["version"]), "published": "0"},
    )
    assert r.status_code == 409 and "当前版本" in r.text
    # The goal holding the indicator cannot be deleted; the page says why.
    g11 = client.get(f"/api/v1/goals/{g11['id']}", headers=h).json()
    r = client.post(
        f"/goals/{g11['id']}/delete", data={"csrf_token": csrf, "version": str(g11["version"])}
    )
    assert r.status_code == 422 and "1项指标" in r.text


def test_pages_english_errors_and_refusals(client: TestClient, world: WebWorld) -> None:
    csrf = page_login(client, "admin")
    client.get("/?lang=en")
    r = client.post(
        f"/plans/{world['plan']}/goals", data={"csrf_token": csrf, "code": "", "title": ""}
    )
    assert r.status_code == 422
    assert r.text.count('class="field-error"') == 2 and "required" in r.text
    # The world's indicator is public: the management page offers to withdraw it, in English.
    page = client.get(f"/plans/{world['plan']}/manage")
    assert "Indicators and targets" in page.text and ">Unpublish<" in page.text
    assert "指标与目标值" not in page.text
    # Unit editors and leaders may not open or post the forms.
    other = TestClient(client.app)
    csrf_e = page_login(other, USERNAMES["editor_lead"])
    assert other.get(f"/plans/{world['plan']}/manage").status_code == 403
    assert other.get(f"/targets/{world['target']}/edit").status_code == 403
    r = other.post(
        f"/targets/{world['target']}/publish",
        data={"csrf_token": csrf_e, "version": str(world["target_v"]), "published": "0"},
    )
    assert r.status_code == 403
    anon = TestClient(client.app)
    assert anon.get(f"/plans/{world['plan']}/manage", follow_redirects=False).status_code == 303


def test_imported_target_published_from_the_page(
    client: TestClient, world: WebWorld, database: Database
) -> None:
    """Problem 6: a target that came in through the sheet import is unpublished; the office
    publishes it from the management page, and anonymous visitors then see it."""
    with database.write() as s:
        do_import_targets(s, system_actor("test"), world["plan"], TARGET_CSV.encode(), "t.csv")
        # the office lets anonymous visitors see published plans (the default: portal only)
        do_set_public_access(s, system_actor("test"), "published")
    csrf = page_login(client, "admin")
    h = _h(client)
    imported = next(
        t
        for t in client.get(f"/api/v1/plans/{world['plan']}/targets", headers=h).json()
        if t["code"] == "T9"
    )
    assert imported["published"] is False
    anon = TestClient(client.app)
    assert all(t["code"] != "T9" for t in anon.get(f"/api/v1/plans/{world['plan']}/targets").json())
    assert (
        f'action="/targets/{imported["id"]}/publish"'
        in client.get(f"/plans/{world['plan']}/manage").text
    )
    r = client.post(
        f"/targets/{imported['id']}/publish",
        data={"csrf_token": csrf, "version": str(imported["version"]), "published": "1"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert any(t["code"] == "T9" for t in anon.get(f"/api/v1/plans/{world['plan']}/targets").json())
