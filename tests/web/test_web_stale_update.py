"""No lost updates: an update based on an old version gets 409 with the current version and
the row as it is now, through the API and through the pages; concurrent updates of the same
version: exactly one wins."""

from __future__ import annotations

import re
import threading

from starlette.testclient import TestClient

from tests.support.web_world import USERNAMES, WebWorld, api_token, page_login


def _auth(client: TestClient, role: str = "admin") -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(client, USERNAMES[role])}"}


def test_api_stale_patch_gets_409_with_current(client: TestClient, world: WebWorld) -> None:
    h = _auth(client)
    task = client.get(f"/api/v1/tasks/{world['t1']}", headers=h).json()
    v = task["version"]
    first = client.patch(
        f"/api/v1/tasks/{world['t1']}", headers=h, json={"version": v, "title": "甲的修改"}
    )
    assert first.status_code == 200
    assert first.json()["version"] == v + 1
    stale = client.patch(
        f"/api/v1/tasks/{world['t1']}", headers=h, json={"version": v, "title": "乙的修改"}
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["error"] == "error.stale_version"
    assert body["current_version"] == v + 1
    assert body["current"]["title"] == "甲的修改"
    assert body["params"]["expected_version"] == v
    # Nothing was overwritten.
    assert client.get(f"/api/v1/tasks/{world['t1']}", headers=h).json()["title"] == "甲的修改"


def test_api_stale_review_gets_409(client: TestClient, world: WebWorld) -> None:
    h = _auth(client)
    url = f"/api/v1/reports/{world['r_sub']}/accept"
    assert client.post(url, headers=h, json={"version": world["r_sub_v"] - 1}).status_code == 409
    ok = client.post(url, headers=h, json={"version": world["r_sub_v"]})
    assert ok.status_code == 200 and ok.json()["state"] == "accepted"
    # Accepting again: the version moved on (409, not a second acceptance).
    again = client.post(url, headers=h, json={"version": world["r_sub_v"]})
    assert again.status_code == 409
    assert again.json()["current"]["state"] == "accepted"


def test_concurrent_patches_one_wins_rest_409(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    """Four clients PATCH the same version at the same moment, five rounds: every round
    exactly one 200 and three 409; the final title is the winner's; the version stepped
    once per round."""
    clients = [make_client() for _ in range(4)]
    headers = _auth(clients[0])
    url = f"/api/v1/tasks/{world['t1']}"
    for rnd in range(5):
        version = clients[0].get(url, headers=headers).json()["version"]
        barrier = threading.Barrier(len(clients))
        results: dict[int, int] = {}

        def patch(
            i: int, version: int, barrier: threading.Barrier, results: dict[int, int], rnd: int
        ) -> None:
            barrier.wait()
            r = clients[i].patch(
                url, headers=headers, json={"version": version, "title": f"r{rnd}c{i}"}
            )
            results[i] = r.status_code

        threads = [
            threading.Thread(target=patch, args=(i, version, barrier, results, rnd))
            for i in range(len(clients))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = sorted(results.values())
        assert codes == [200, 409, 409, 409], codes
        winner = next(i for i, c in results.items() if c == 200)
        now = clients[0].get(url, headers=headers).json()
        assert now["title"] == f"r{rnd}c{winner}"
        assert now["version"] == version + 1


def test_page_stale_edit_shows_current_version_and_keeps_input(
    client: TestClient, world: WebWorld
) -> None:
    csrf = page_login(client, "admin")
    h = _auth(client)
    client.patch(
        f"/api/v1/tasks/{world['t1']}",
        headers=h,
        json={"version": world["t1_v"], "title": "别人先改了"},
    )
    r = client.post(
        f"/tasks/{world['t1']}/edit",
        data={
            "csrf_token": csrf,
            "version": str(world["t1_v"]),
            "title": "我的修改",
            "lead_unit_id": str(world["unit_a"]),
            "deadline": "2023-06-30",
        },
        follow_redirects=False,
    )
    assert r.status_code == 409
    assert f"当前版本为{world['t1_v'] + 1}" in r.text
    assert 'value="我的修改"' in r.text  # the user's input is kept
    assert client.get(f"/api/v1/tasks/{world['t1']}", headers=h).json()["title"] == "别人先改了"


def test_page_stale_report_revision_is_refused(client: TestClient, world: WebWorld) -> None:
    csrf = page_login(client, USERNAMES["editor_lead"])
    url = f"/reports/{world['r_draft_a']}/revise"
    form = {"csrf_token": csrf, "percent": "50", "narrative": "第一次修订", "action": "draft"}
    ok = client.post(
        url, data=form | {"version": str(world["r_draft_a_v"])}, follow_redirects=False
    )
    assert ok.status_code == 303
    stale = client.post(
        url,
        data=form | {"version": str(world["r_draft_a_v"]), "narrative": "基于旧版本"},
        follow_redirects=False,
    )
    assert stale.status_code == 409
    assert re.search(r"已被他人修改", stale.text)
    assert "基于旧版本" in stale.text  # kept in the form for the user to redo
