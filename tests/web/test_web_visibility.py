"""What anonymous visitors see (issue 12, problem 7): the office's setting, the portal only by
default; supervision data needs a login; a meeting decision stays internal until the office
publishes it. On SQLite and PostgreSQL (the ``database`` fixture)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from starlette.testclient import TestClient

from ipcity.meetings.actions import do_create_meeting, do_record_decision, do_update_meeting
from ipcity.workspace.audit import list_audit
from ipcity.workspace.permissions import system_actor
from ipcity.workspace.visibility import PublicAccess, do_set_public_access, public_access
from tests.support.web_world import WebWorld, api_token, csrf_of, page_login

SYSTEM = system_actor("test")


def _open(world: WebWorld, value: str = "published") -> None:
    with world.db.write() as s:
        do_set_public_access(s, SYSTEM, value)


def _supervision_urls(world: WebWorld) -> dict[str, str]:
    return {
        "dashboard": "/",
        "unit page": f"/units/{world['unit_a']}",
        "unit list": "/units",
        "task list": "/tasks",
        "task page": f"/tasks/{world['t1']}",
        "work plan export": f"/work-plans/{world['wp']}/export",
        "plans": "/plans",
    }


def _api_urls(world: WebWorld) -> list[str]:
    return [
        "/api/v1/tasks",
        "/api/v1/tasks?status=red",
        f"/api/v1/tasks/{world['t1']}",
        "/api/v1/units",
        "/api/v1/work-plans",
        "/api/v1/plans",
    ]


def test_default_is_the_portal_only(client: TestClient, world: WebWorld) -> None:
    with world.db.read() as s:
        assert public_access(s) is PublicAccess.PORTAL
    r = client.get("/", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/portal")
    for name, url in _supervision_urls(world).items():
        if url == "/":
            continue
        r = client.get(url, follow_redirects=False)
        assert r.status_code == 303, name
        assert r.headers["location"].startswith("/login?next="), name
    for url in _api_urls(world):
        r = client.get(url)
        assert r.status_code == 401, url
        assert r.headers["www-authenticate"].startswith("Bearer"), url
        assert r.json()["error"] == "error.login_required"
        assert "overdue" not in r.text and "red" not in r.json()["message"]
    # the portal and the public API stay open
    assert client.get("/portal").status_code == 200
    assert client.get("/api/v1/publications").status_code == 200
    assert client.get("/login").status_code == 200
    # following the redirect lands on the portal, not on an error page
    r = client.get("/")
    assert r.status_code == 200 and r.url.path == "/portal"
    # and its menu offers nothing that would only lead to the login page
    for href in ('href="/tasks"', 'href="/units"', 'href="/plans"', '<a href="/"'):
        assert href not in r.text, href


def test_default_refuses_in_the_visitors_language(client: TestClient, world: WebWorld) -> None:
    zh = client.get("/api/v1/tasks?lang=zh_CN").json()["message"]
    en = client.get("/api/v1/tasks?lang=en").json()["message"]
    assert zh == "请先登录"
    assert en == "please log in"


def test_logged_in_roles_are_not_affected(client: TestClient, world: WebWorld) -> None:
    page_login(client, "editor_a")
    for name, url in _supervision_urls(world).items():
        if url == "/":  # an editor's home is their own unit's page; ?city=1 is the city's
            assert client.get(url, follow_redirects=False).status_code == 303
            url = "/?city=1"
        assert client.get(url, follow_redirects=False).status_code == 200, name
    token = api_token(TestClient(client.app), "leader")
    for url in _api_urls(world):
        assert client.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_an_ended_session_cookie_is_an_anonymous_visitor(
    client: TestClient, world: WebWorld
) -> None:
    page_login(client, "editor_a")
    csrf = csrf_of(client)
    client.post("/logout", data={"csrf_token": csrf})
    r = client.get(f"/units/{world['unit_a']}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_opened_setting_restores_the_published_view(client: TestClient, world: WebWorld) -> None:
    _open(world)
    assert 'href="/tasks"' in client.get("/portal").text  # the menu offers them again
    for name, url in _supervision_urls(world).items():
        assert client.get(url, follow_redirects=False).status_code == 200, name
    for url in _api_urls(world):
        assert client.get(url).status_code == 200, url
    assert client.get("/api/v1/tasks?status=red").json() is not None
    # and closing it again closes everything at once (nothing cached for the public)
    _open(world, "portal")
    assert client.get("/", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/tasks").status_code == 401


def test_the_office_sets_it_in_the_page_and_it_is_audited(
    client: TestClient, world: WebWorld
) -> None:
    csrf = page_login(client, "admin")
    page = client.get("/admin/visibility")
    assert page.status_code == 200 and 'value="portal" checked' in page.text
    r = client.post(
        "/admin/visibility",
        data={"csrf_token": csrf, "public_access": "published"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert 'value="published" checked' in client.get("/admin/visibility").text
    with world.db.read() as s:
        assert public_access(s) is PublicAccess.PUBLISHED
        entry = list_audit(s, SYSTEM)[0]
    assert entry.action == "settings.public_access"
    assert entry.actor_name == "admin"
    assert (entry.before, entry.after) == (
        {"public_access": "portal"},
        {"public_access": "published"},
    )
    # a made-up value is refused with a message, the setting is unchanged
    client.post("/admin/visibility", data={"csrf_token": csrf, "public_access": "everything"})
    with world.db.read() as s:
        assert public_access(s) is PublicAccess.PUBLISHED


@pytest.mark.parametrize(("user", "status"), [("admin", 200), ("leader", 403), ("editor_a", 403)])
def test_the_api_setting_is_the_offices(
    client: TestClient, world: WebWorld, user: str, status: int
) -> None:
    anon = client.put("/api/v1/settings/visibility", json={"public_access": "published"})
    assert anon.status_code == 401
    headers = {"Authorization": f"Bearer {api_token(client, user)}"}
    assert client.get("/api/v1/settings/visibility", headers=headers).json() == {
        "public_access": "portal"
    }
    r = client.put(
        "/api/v1/settings/visibility", json={"public_access": "published"}, headers=headers
    )
    assert r.status_code == status
    bad = client.put("/api/v1/settings/visibility", json={"public_access": "all"}, headers=headers)
    assert bad.status_code == 422


def _decision_task(world: WebWorld) -> tuple[int, int, int]:
    admin = system_actor("office")
    with world.db.write() as s:
        m = do_create_meeting(
            s,
            admin,
            {
                "kind": "plenary",
                "title": "全体会议",
                "meeting_date": date(2023, 3, 28),
                "status": "draft",
                "attending_unit_ids": [world["office"], world["unit_a"]],
            },
        )
        m = do_update_meeting(
            s, admin, m.id, expected_version=m.version, changes={"status": "held"}
        )
        d = do_record_decision(
            s,
            admin,
            m.id,
            {
                "text": "建立诉调对接机制（内部）。",
                "lead_unit_id": world["unit_a"],
                "deadline": "2023年6月底",
                "work_plan_id": world["wp"],
            },
        )
        assert d.task_id is not None
        return m.id, d.id, d.task_id


def _codes(rows: list[dict[str, Any]]) -> set[int]:
    return {r["id"] for r in rows}


def test_a_decision_stays_internal_until_published(client: TestClient, world: WebWorld) -> None:
    _open(world)  # even with published work plans open to the public
    mid, did, tid = _decision_task(world)
    assert tid not in _codes(client.get("/api/v1/tasks").json())
    assert client.get(f"/api/v1/tasks/{tid}").status_code == 404
    assert client.get(f"/tasks/{tid}", follow_redirects=False).status_code in (303, 404)
    assert "诉调对接" not in client.get(f"/work-plans/{world['wp']}/export?format=csv").text
    assert "诉调对接" not in client.get("/").text
    assert "诉调对接" not in client.get(f"/units/{world['unit_a']}").text
    # signed-in roles see it at once
    token = api_token(TestClient(client.app), "editor_a")
    mine = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).json()
    assert tid in _codes(mine)

    office = api_token(TestClient(client.app), "admin")
    leader = api_token(TestClient(client.app), "leader")
    url = f"/api/v1/meetings/{mid}/decisions/{did}/publish"
    assert client.post(url, headers={"Authorization": f"Bearer {leader}"}).status_code == 403
    assert client.post(url).status_code == 403  # opened: anonymous, but not the office
    assert client.get(f"/api/v1/tasks/{tid}").status_code == 404  # still internal
    r = client.post(url, headers={"Authorization": f"Bearer {office}"})
    assert r.status_code == 200 and r.json()["public"] is True
    assert tid in _codes(client.get("/api/v1/tasks").json())
    assert client.get(f"/api/v1/tasks/{tid}").status_code == 200
    assert "诉调对接" in client.get(f"/work-plans/{world['wp']}/export?format=csv").text
    with world.db.read() as s:
        assert list_audit(s, SYSTEM)[0].action == "decision.publish"
    # a decision of another meeting id is not found, publishing twice changes nothing
    wrong = client.post(
        f"/api/v1/meetings/{mid + 999}/decisions/{did}/publish",
        headers={"Authorization": f"Bearer {office}"},
    )
    assert wrong.status_code == 404
    again = client.post(url, headers={"Authorization": f"Bearer {office}"})
    assert again.status_code == 200
    with world.db.read() as s:
        actions = [e.action for e in list_audit(s, SYSTEM)]
    assert actions.count("decision.publish") == 1


def test_the_office_publishes_a_decision_from_the_meeting_page(
    client: TestClient, world: WebWorld
) -> None:
    mid, did, _tid = _decision_task(world)
    csrf = page_login(client, "admin")
    page = client.get(f"/meetings/{mid}")
    assert f"/decisions/{did}/publish" in page.text
    r = client.post(
        f"/meetings/{mid}/decisions/{did}/publish",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert f"/decisions/{did}/publish" not in client.get(f"/meetings/{mid}").text
