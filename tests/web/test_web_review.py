"""Issue 12, problems 2, 5 and 12: evidence on the pages and in the API, the review queue,
notices that close when handled, clearing the badge per role, and the unit editor's home.
The world is ``web_world.build_world`` (today 2023-09-15; r_sub and r_sub2 submitted on
2023-09-01 by unit A; r_draft_a a draft of unit A with one file)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from ipcity.workspace.actions import (
    do_create_report,
    do_return_report,
    do_run_supervision,
    do_submit_report,
)
from ipcity.workspace.db import Database
from ipcity.workspace.models import AuditEntry, Notice, RevisionFile, User
from ipcity.workspace.permissions import Actor, system_actor
from ipcity.workspace.queries import unread_count
from tests.support.web_world import WebWorld, api_token, page_login


def _h(client: TestClient, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(client, username)}"}


def _actor(db: Database, username: str) -> Actor:
    with db.read() as s:
        user = s.scalar(select(User).where(User.username == username))
        assert user is not None
        return Actor.from_user(user)


def _file_links(html: str) -> set[int]:
    return {int(x) for x in re.findall(r'href="/files/(\d+)"', html)}


# --- evidence ------------------------------------------------------------------------------


def test_evidence_links_for_the_roles_that_may_see_them(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    sub, draft = world["file_sub"], world["file_draft"]
    seen: dict[str, set[int]] = {}
    for username in ("editor_a", "editor_d", "leader", "admin"):
        c = make_client()
        page_login(c, username)
        page = c.get(f"/tasks/{world['t1']}")
        assert page.status_code == 200
        seen[username] = _file_links(page.text)
        for fid in seen[username]:  # every link shown downloads, as an attachment
            r = c.get(f"/files/{fid}")
            assert r.status_code == 200
            assert r.headers["content-disposition"].startswith("attachment;")
    assert {sub, draft} <= seen["editor_a"]  # the unit's own draft and submission
    assert {sub, draft} <= seen["admin"] and {sub, draft} <= seen["leader"]
    assert sub in seen["editor_d"] and draft not in seen["editor_d"]  # not another's draft
    anon = make_client().get(f"/tasks/{world['t1']}")
    assert anon.status_code == 200 and not _file_links(anon.text)
    # the timeline links the file too (the row and the timeline: at least twice)
    c = make_client()
    page_login(c, "editor_a")
    html = c.get(f"/tasks/{world['t1']}").text
    timeline = html[html.index('class="timeline"') :]
    assert f'href="/files/{sub}"' in timeline and f'href="/files/{draft}"' in timeline


def test_report_json_lists_evidence(client: TestClient, world: WebWorld) -> None:
    h = _h(client, "admin")
    reports = {
        r["id"]: r for r in client.get(f"/api/v1/reports?task_id={world['t1']}", headers=h).json()
    }
    sub = reports[world["r_sub"]]
    assert sub["evidence"] == [
        {
            "id": world["file_sub"],
            "name": "证明.txt",
            "size": len("材料".encode()),
            "url": f"/api/v1/files/{world['file_sub']}",
        }
    ]
    assert reports[world["r_sub2"]]["evidence"] == []
    one = client.get(f"/api/v1/reports/{world['r_sub']}", headers=h).json()
    assert one["report"]["evidence"][0]["id"] == world["file_sub"]
    # another unit's editor never gets unit A's draft (nor its evidence)
    other = client.get(
        f"/api/v1/reports?task_id={world['t1']}", headers=_h(client, "editor_d")
    ).json()
    assert world["r_draft_a"] not in {r["id"] for r in other}


def _upload(client: TestClient, h: dict[str, str], report: int, version: Any, files: Any) -> Any:
    return client.post(
        f"/api/v1/reports/{report}/evidence", headers=h, data={"version": str(version)}, files=files
    )


def test_api_evidence_upload(client: TestClient, world: WebWorld, database: Database) -> None:
    h = _h(client, "editor_a")
    rid, v = world["r_draft_a"], world["r_draft_a_v"]
    r = _upload(
        client, h, rid, v, {"files": ("会议纪要.pdf", b"%PDF-1.4 minutes", "application/pdf")}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert [e["name"] for e in body["evidence"]] == ["证明.txt", "会议纪要.pdf"]  # kept + added
    assert body["current_revision"] == 2 and body["percent"] == 40 and body["state"] == "draft"
    new = body["evidence"][1]
    dl = client.get(new["url"], headers=h)
    assert dl.status_code == 200 and dl.content == b"%PDF-1.4 minutes"
    assert dl.headers["content-type"] == "application/octet-stream"
    with database.read() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == str(rid))))
        assert "report.revise" in actions
        stored = s.scalar(select(func.count()).select_from(RevisionFile))
    stored += 3  # the hostile-name upload below adds a revision carrying 3 files
    # refused: a type not on the allow-list, a stale version, no file, a submitted report
    bad = _upload(client, h, rid, body["version"], {"files": ("x.html", b"<script>", "text/html")})
    assert bad.status_code == 422 and bad.json()["error"]
    assert _upload(client, h, rid, v, {"files": ("a.txt", b"a", "text/plain")}).status_code == 409
    none = client.post(
        f"/api/v1/reports/{rid}/evidence", headers=h, data={"version": str(body["version"])}
    )
    assert none.status_code == 422
    hostile = _upload(
        client,
        h,
        rid,
        body["version"],
        {"files": ("../../etc/x<script>.pdf", b"%PDF", "text/html")},
    )
    assert hostile.status_code == 200
    assert hostile.json()["evidence"][-1]["name"] == "x_script_.pdf"  # a label, never a path
    body = hostile.json()
    sub = _upload(
        client, h, world["r_sub"], world["r_sub_v"], {"files": ("a.txt", b"a", "text/plain")}
    )
    assert sub.status_code == 409  # under review: unchanged
    # another unit cannot add to unit A's draft, nor learn that it exists
    other = _upload(
        client,
        _h(client, "editor_d"),
        rid,
        body["version"],
        {"files": ("a.txt", b"a", "text/plain")},
    )
    assert other.status_code == 404
    with database.read() as s:
        assert s.scalar(select(func.count()).select_from(RevisionFile)) == stored


def test_api_evidence_too_large(
    client: TestClient, world: WebWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPCITY_UPLOAD_MAX_MB", "1")
    h = _h(client, "editor_a")
    big = b"x" * (1024 * 1024 + 1)
    r = _upload(
        client,
        h,
        world["r_draft_a"],
        world["r_draft_a_v"],
        {"files": ("big.txt", big, "text/plain")},
    )
    assert r.status_code == 413 and r.json()["error"] == "web.file_too_large"


def test_openapi_documents_the_evidence_upload(client: TestClient) -> None:
    op = client.get("/openapi.json").json()["paths"]["/api/v1/reports/{report_id}/evidence"]["post"]
    assert {"200", "401", "403", "404", "409", "413", "422"} <= set(op["responses"])
    assert "multipart/form-data" in op["requestBody"]["content"]


# --- review queue --------------------------------------------------------------------------


def _submit_later(db: Database, world: WebWorld) -> int:
    """Unit A submits on task t3 on 2023-09-10 (5 days before the app's today)."""
    a = _actor(db, "editor_a")
    at = datetime(2023, 9, 10, 9)
    with db.write() as s:
        r = do_create_report(
            s, a, task_id=world["t3"], period="2023-Q3", percent=70, narrative="三季度", at=at
        )
        r = do_submit_report(s, a, r.id, expected_version=r.version, at=at)
        return r.id


def test_review_queue_oldest_first_with_ages(
    make_client, world: WebWorld, database: Database
) -> None:  # type: ignore[no-untyped-def]
    later = _submit_later(database, world)
    office = make_client()
    page_login(office, "admin")
    html = office.get("/review").text
    order = [int(x) for x in re.findall(r'id="queued-(\d+)"', html)]
    assert order == [world["r_sub"], world["r_sub2"], later]
    ages = [int(x) for x in re.findall(r'data-age="(\d+)"', html)]
    assert ages == [14, 14, 5]
    assert "14天" in html and "5天" in html
    en = office.get("/review?lang=en").text
    assert "14 days" in en and "5 days" in en
    assert f'href="/files/{world["file_sub"]}"' in html  # the evidence is at hand
    api = office.get("/api/v1/reports?status=submitted", headers=_h(office, "admin")).json()
    assert [(r["id"], r["age_days"]) for r in api] == [
        (world["r_sub"], 14),
        (world["r_sub2"], 14),
        (later, 5),
    ]
    assert api[0]["submitted_at"] == "2023-09-01T10:00:00"
    # handled reports leave the queue
    with database.write() as s:
        do_return_report(
            s,
            _actor(database, "admin"),
            world["r_sub"],
            expected_version=world["r_sub_v"],
            comment="补充材料",
        )
    order = [int(x) for x in re.findall(r'id="queued-(\d+)"', office.get("/review").text)]
    assert order == [world["r_sub2"], later]


# --- notices -------------------------------------------------------------------------------


def _open_notices(db: Database, report_id: int) -> list[tuple[str, bool]]:
    with db.read() as s:
        rows = s.execute(
            select(Notice.kind, Notice.for_office).where(
                Notice.report_id == report_id, Notice.read_at.is_(None)
            )
        ).all()
        return sorted((k, bool(o)) for k, o in rows)


def test_notices_close_when_the_report_is_handled(
    client: TestClient, world: WebWorld, database: Database
) -> None:
    rid = world["r_sub2"]
    assert _open_notices(database, rid) == [("report_submitted", True)]
    office = _h(client, "admin")
    r = client.post(
        f"/api/v1/reports/{rid}/return",
        headers=office,
        json={"version": world["r_sub2_v"], "comment": "请补充佐证"},
    )
    assert r.status_code == 200
    assert _open_notices(database, rid) == [("report_returned", False)]  # office's closed
    # the unit revises and submits again: its "returned" notice closes, the office gets a new one
    editor = _h(client, "editor_a")
    r = client.patch(
        f"/api/v1/reports/{rid}",
        headers=editor,
        json={"version": r.json()["version"], "percent": 65, "narrative": "补充后", "submit": True},
    )
    assert r.status_code == 200 and r.json()["state"] == "submitted"
    assert _open_notices(database, rid) == [("report_submitted", True)]
    r = client.post(
        f"/api/v1/reports/{rid}/accept", headers=office, json={"version": r.json()["version"]}
    )
    assert r.status_code == 200
    assert _open_notices(database, rid) == [("report_accepted", False)]
    with database.read() as s:
        closes = s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "inbox.close_notices")
        )
        assert closes == 3


def test_notices_newest_first(client: TestClient, world: WebWorld, database: Database) -> None:
    # a supervision run for an earlier day, after today's: newer rows, older notices
    with database.write() as s:
        do_run_supervision(s, system_actor("test"), today=date(2023, 9, 1), smtp=None)
    notices = client.get("/api/v1/inbox", headers=_h(client, "editor_a")).json()
    days = [n["day"] for n in notices]
    assert "2023-09-01" in days and "2023-09-15" in days
    assert days == sorted(days, reverse=True)


def test_every_role_clears_its_own_badge(make_client, world: WebWorld, database: Database) -> None:  # type: ignore[no-untyped-def]
    office_actor = _actor(database, "admin")
    leader_actor = _actor(database, "leader")
    with database.read() as s:
        office_before = unread_count(s, office_actor)
        assert office_before > 0 and unread_count(s, leader_actor) == office_before
    # the leader clears only the leader's own badge: the office still has its notices
    leader = make_client()
    csrf = page_login(leader, "leader")
    assert 'id="clear-badge"' in leader.get("/inbox").text
    r = leader.post("/inbox/read-all", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    with database.read() as s:
        assert unread_count(s, leader_actor) == 0
        assert unread_count(s, office_actor) == office_before
    assert 'id="clear-badge"' not in leader.get("/inbox").text
    # the office and a unit editor mark their notices read
    for username in ("admin", "editor_a"):
        c = make_client()
        csrf = page_login(c, username)
        # an editor naming another unit still clears only their own unit's notices
        data = {"csrf_token": csrf, "unit": str(world["unit_b"]) if username == "editor_a" else ""}
        r = c.post("/inbox/read-all", data=data, follow_redirects=False)
        assert r.status_code == 303
        with database.read() as s:
            assert unread_count(s, _actor(database, username)) == 0
        assert '<span class="count">' not in c.get("/inbox").text
    # unit B's notices are untouched by unit A's editor
    with database.read() as s:
        unit_b_unread = s.scalar(
            select(func.count())
            .select_from(Notice)
            .where(Notice.unit_id == world["unit_b"], Notice.read_at.is_(None))
        )
        assert unit_b_unread and unit_b_unread > 0
    # the API does the same
    api = make_client()
    r = api.post("/api/v1/inbox/read-all", headers=_h(api, "editor_b"))
    assert r.status_code == 200 and r.json()["marked_read"] == unit_b_unread


# --- the unit editor's home ----------------------------------------------------------------


def test_editor_lands_on_the_unit_page(make_client, world: WebWorld, database: Database) -> None:  # type: ignore[no-untyped-def]
    with database.write() as s:
        do_return_report(
            s,
            _actor(database, "admin"),
            world["r_sub2"],
            expected_version=world["r_sub2_v"],
            comment="请附上合同扫描件",
        )
    editor = make_client()
    page_login(editor, "editor_a")
    r = editor.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/units/{world['unit_a']}"
    assert editor.get("/?city=1", follow_redirects=False).status_code == 200
    html = editor.get(f"/units/{world['unit_a']}").text
    attention = html[html.index('id="needs-action"') : html.index('id="upcoming"')]
    assert "请附上合同扫描件" in attention  # what was returned and why, with the action
    assert f'href="/tasks/{world["t1"]}#report-{world["r_sub2"]}"' in attention
    assert "2023-05" in attention  # the draft not yet submitted
    upcoming = html[html.index('id="upcoming"') :]
    upcoming = upcoming[: upcoming.index("</section>")]
    assert "任务三" in upcoming and "还剩76天" in upcoming  # t3 due 2023-11-30
    assert "任务一" not in upcoming  # t1's deadline has passed
    # each task shows this unit's latest report and its state
    assert "已退回" in html and "2023-Q2" in html
    # the office and the leader still land on the dashboard
    office = make_client()
    page_login(office, "admin")
    assert office.get("/", follow_redirects=False).status_code == 200


def test_new_report_form_defaults_to_the_current_quarter(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    editor = make_client()
    page_login(editor, "editor_a")
    html = editor.get(f"/tasks/{world['t3']}").text
    m = re.search(r'<input name="period" list="periods" value="([^"]+)"', html)
    assert m and m.group(1) == "2023-Q3"  # today 2023-09-15, quarterly by default


def test_office_sets_the_reporting_rhythm(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    office = make_client()
    csrf = page_login(office, "admin")
    assert 'name="report_rhythm"' in office.get("/admin/plans").text
    bad = office.post(
        f"/admin/work-plans/{world['wp']}/rhythm",
        data={"csrf_token": csrf, "version": str(world["wp_v"]), "report_rhythm": "weekly"},
        follow_redirects=False,
    )
    assert bad.status_code == 422
    r = office.post(
        f"/admin/work-plans/{world['wp']}/rhythm",
        data={"csrf_token": csrf, "version": str(world["wp_v"]), "report_rhythm": "half"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    editor = make_client()
    page_login(editor, "editor_a")
    html = editor.get(f"/tasks/{world['t3']}").text
    m = re.search(r'<input name="period" list="periods" value="([^"]+)"', html)
    assert m and m.group(1) == "2023-H2"


def test_complete_and_awaiting_review_is_not_overdue(client: TestClient, world: WebWorld) -> None:
    h = _h(client, "editor_a")
    before = client.get(f"/api/v1/tasks/{world['t1']}", headers=h).json()
    assert before["supervision"]["status"] == "red"  # deadline 2023-06-30 has passed
    r = client.post(
        f"/api/v1/tasks/{world['t1']}/reports",
        headers=h,
        json={"period": "2023-Q3", "percent": 100, "narrative": "全部完成", "submit": True},
    )
    assert r.status_code == 201, r.text
    after = client.get(f"/api/v1/tasks/{world['t1']}", headers=h).json()["supervision"]
    assert (after["status"], after["reason_key"]) == ("green", "reason.awaiting_review")
    # the office returns it: overdue again
    office = _h(client, "admin")
    rr = client.post(
        f"/api/v1/reports/{r.json()['id']}/return",
        headers=office,
        json={"version": r.json()["version"], "comment": "缺少验收材料"},
    )
    assert rr.status_code == 200
    assert (
        client.get(f"/api/v1/tasks/{world['t1']}", headers=h).json()["supervision"]["status"]
        == "red"
    )


def test_dashboard_yellow_and_at_risk_agree(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    office = make_client()
    page_login(office, "admin")
    html = office.get("/").text
    m = re.search(r'data-status-count="yellow">(\d+)<', html)
    assert m
    panel = re.search(r"预警：即将到期或进度滞后 <span class=\"count-pill\">(\d+)<", html)
    assert panel and panel.group(1) == m.group(1)
    # t3: day 257 of 333 (line 77 %), 0 % reported: behind by more than 25 points -> yellow
    assert int(m.group(1)) >= 1 and "任务三" in html[html.index("预警：即将到期或进度滞后") :]


def test_task_list_shows_my_units_reports(make_client, world: WebWorld, database: Database) -> None:  # type: ignore[no-untyped-def]
    """A unit editor's /tasks: each task's latest report of their own unit, what was returned
    and why next to the revise link, and "none yet" for the rhythm's current period."""
    with database.write() as s:
        do_return_report(
            s,
            _actor(database, "admin"),
            world["r_sub2"],
            expected_version=world["r_sub2_v"],
            comment="请附上合同扫描件",
        )
    editor = make_client()
    page_login(editor, "editor_a")
    html = editor.get("/tasks").text
    assert "本单位报告" in html
    rows = {m[1]: m[0] for m in re.finditer(r'<tr>.*?href="/tasks/(\d+)".*?</tr>', html, re.S)}
    t1 = rows[str(world["t1"])]
    cell = t1[t1.index('class="my-report"') :]
    assert "已退回：请附上合同扫描件" in cell
    assert f'href="/tasks/{world["t1"]}#report-{world["r_sub2"]}"' in cell
    assert "2023-Q3尚未报送" in cell  # today 2023-09-15: the quarter has no report yet
    english = editor.get("/tasks?lang=en").text
    assert "My unit&#39;s report" in english or "My unit's report" in english
    assert "Returned: 请附上合同扫描件" in english and "none yet for 2023-Q3" in english
    # a task the unit has no part in asks nothing of it
    everyone = editor.get("/tasks?unit=").text
    others = [
        m[0]
        for m in re.finditer(r"<tr>.*?</tr>", everyone, re.S)
        if 'class="my-report"' in m[0] and "尚未报送" not in m[0] and "report-" not in m[0]
    ]
    assert others, "tasks of other units show an empty cell"
    # the office sees no such column (it is about the editor's own unit)
    office = make_client()
    page_login(office, "admin")
    assert "本单位报告" not in office.get("/tasks").text
