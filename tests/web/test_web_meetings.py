"""The meetings and portal pages and API with real meetings and publications: every route for
six roles (the public; unit editors of A, B and D; the leader; the office), the office's work
through the forms, the public portal's content, and the API (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

from starlette.testclient import TestClient  # noqa: E402

from ipcity.meetings.actions import (  # noqa: E402
    Attachment,
    do_add_agenda_item,
    do_attach_material,
    do_create_meeting,
    do_create_publication,
    do_publish,
    do_publish_headline_snapshot,
    do_record_decision,
    do_record_minutes,
)
from ipcity.meetings.models import Meeting  # noqa: E402
from ipcity.web.app import create_app  # noqa: E402
from ipcity.web.config import WebSettings  # noqa: E402
from ipcity.web.public_paths import is_open  # noqa: E402
from ipcity.workspace import auth  # noqa: E402
from ipcity.workspace.actions import do_create_target, do_enter_published_actual  # noqa: E402
from ipcity.workspace.db import Database  # noqa: E402
from ipcity.workspace.permissions import system_actor  # noqa: E402
from tests.support.web_world import (  # noqa: E402
    PASSWORD,
    WebWorld,
    api_token,
    build_world,
    csrf_of,
    fill,
    page_login,
    wipe,
)

TODAY = date(2023, 9, 15)
USERS = {
    "editor_a": "editor_a",
    "editor_b": "editor_b",
    "editor_d": "editor_d",
    "leader": "leader",
    "admin": "admin",
}
ROLES = ("anonymous", *USERS)


def S(anon: int, a: int, b: int, d: int, leader: int, admin: int) -> dict[str, int]:
    return dict(zip(ROLES, (anon, a, b, d, leader, admin), strict=True))


def build(db: Database) -> WebWorld:
    """The shared web world plus: m_sched (scheduled; office and A attend; A speaks; one
    material), m_draft (a draft A would attend), m_held (held; office and B attend; minutes;
    a decision led by B; one material); pub (a published news item with a file), pub_draft;
    a published headline snapshot of 2022 (from the workspace's values)."""
    w = build_world(db)
    ids = w.ids
    sysa = system_actor("test")
    with db.write() as s:
        m = do_create_meeting(
            s,
            sysa,
            {
                "kind": "plenary",
                "title": "全体会议",
                "meeting_date": "2023-10-10",
                "status": "scheduled",
                "attending_unit_ids": [ids["office"], ids["unit_a"]],
            },
        )
        ids["m_sched"] = m.id
        ids["item_a"] = do_add_agenda_item(
            s, sysa, m.id, {"kind": "exchange_speech", "speaker_unit_id": ids["unit_a"]}
        ).id
        ids["mat"] = do_attach_material(
            s, sysa, m.id, Attachment("议程.txt", "text/plain", "议程内容".encode())
        ).id
        ids["m_draft"] = do_create_meeting(
            s,
            sysa,
            {
                "kind": "special",
                "title": "专题会议（筹备）",
                "meeting_date": "2023-11-01",
                "attending_unit_ids": [ids["unit_a"]],
            },
        ).id
        h = do_create_meeting(
            s,
            sysa,
            {
                "kind": "annual_enlarged",
                "title": "年度（扩大）会议",
                "meeting_date": "2023-03-28",
                "status": "held",
                "attending_unit_ids": [ids["office"], ids["unit_b"]],
            },
        )
        ids["m_held"] = h.id
        do_record_minutes(s, sysa, h.id, expected_version=h.version, text="会议纪要第一稿")
        d = do_record_decision(
            s,
            sysa,
            h.id,
            {
                "text": "由市商务委牵头建立海外维权指导机制。",
                "lead_unit_id": ids["unit_b"],
                "deadline": "2023年11月底",
            },
        )
        assert d.task_id is not None
        ids["dec_task"] = d.task_id
        ids["mat_held"] = do_attach_material(
            s, sysa, h.id, Attachment("纪要附件.txt", "text/plain", b"x")
        ).id
        s.flush()
        for key in ("m_sched", "m_draft", "m_held"):
            mt = s.get(Meeting, ids[key])
            assert mt is not None
            ids[f"{key}_v"] = mt.version
        p = do_create_publication(
            s,
            sysa,
            {
                "kind": "news",
                "title_zh": "年度会议召开",
                "title_en": "The annual meeting was held",
                "body_zh": "## 会议\n\n第一段。\n\n<script>alert(1)</script>",
                "body_en": "First paragraph.",
            },
            files=[Attachment("会议通稿.pdf", "application/pdf", b"%PDF-1.7 demo")],
        )
        p = do_publish(s, sysa, p.id, expected_version=p.version)
        ids["pub"], ids["pub_v"], ids["pubfile"] = p.id, p.version, p.files[0].id
        dr = do_create_publication(s, sysa, {"kind": "bulletin", "title_zh": "简报草稿"})
        ids["pub_draft"], ids["pub_draft_v"] = dr.id, dr.version
        ids["snap"] = do_publish_headline_snapshot(
            s, sysa, 2022, source="workspace", years_back=2
        ).id
    return w


@dataclass
class Clients:
    world: WebWorld
    pages: dict[str, TestClient]
    csrf: dict[str, str]
    tokens: dict[str, str]
    api: TestClient


@pytest.fixture(scope="module")
def app(database: Database, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    settings = WebSettings(today=TODAY, warehouse=tmp_path_factory.mktemp("no-warehouse"))
    return create_app(settings, db=database)


@pytest.fixture
def clients(app: FastAPI, database: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Clients]:
    monkeypatch.setattr(auth, "_DUMMY_HASH", auth._hasher.hash("dummy"))
    wipe(database)
    world = build(database)
    pages: dict[str, TestClient] = {}
    csrf: dict[str, str] = {}
    tokens: dict[str, str] = {}
    api = TestClient(app)
    api.__enter__()
    for role in ROLES:
        c = TestClient(app)
        c.__enter__()
        pages[role] = c
        if role == "anonymous":
            csrf[role] = csrf_of(c)
        else:
            csrf[role] = page_login(c, USERS[role], PASSWORD)
            tokens[role] = api_token(api, USERS[role], PASSWORD)
    yield Clients(world, pages, csrf, tokens, api)
    for c in (*pages.values(), api):
        c.__exit__(None, None, None)


def call(
    cl: Clients,
    role: str,
    method: str,
    path: str,
    *,
    form: dict[str, Any] | None = None,
    json: dict[str, Any] | None = None,
    files: dict[str, tuple[str, bytes, str]] | None = None,
) -> Any:
    ids = cl.world.ids
    url = fill(path, ids)
    if url.startswith("/api/"):
        headers = {"Authorization": f"Bearer {cl.tokens[role]}"} if role != "anonymous" else {}
        cl.api.cookies.clear()
        return cl.api.request(
            method, url, headers=headers, json=fill(json, ids) if json is not None else None
        )
    c = cl.pages[role]
    if method == "GET":
        return c.get(url, follow_redirects=False)
    data = {"csrf_token": cl.csrf[role], **(fill(form, ids) if form else {})}
    return c.post(url, data=data, files=files, follow_redirects=False)


def _default_visibility(method: str, path: str, expect: dict[str, int]) -> dict[str, int]:
    """The tables give the anonymous status with published work opened to the public; under
    the office's default (the portal only) every other route needs a login: a page GET is
    sent to the login page (303), anything else answers 401."""
    if is_open(path):
        return expect
    anon = 303 if method == "GET" and not path.startswith("/api/") else 401
    return {**expect, "anonymous": anon}


READS: list[tuple[str, dict[str, int]]] = [
    ("/meetings", S(303, 200, 200, 200, 200, 200)),
    ("/meetings/new", S(303, 403, 403, 403, 403, 200)),
    ("/meetings/{m_sched}", S(303, 200, 404, 404, 200, 200)),
    ("/meetings/{m_draft}", S(303, 404, 404, 404, 200, 200)),  # a draft: office and leader
    ("/meetings/{m_held}", S(303, 404, 200, 404, 200, 200)),
    ("/meetings/{m_held}/minutes", S(303, 404, 200, 404, 200, 200)),
    ("/meetings/{m_sched}/materials/{mat}", S(303, 200, 404, 404, 200, 200)),
    ("/meetings/{m_held}/materials/{mat}", S(303, 404, 404, 404, 404, 404)),  # wrong meeting
    ("/meetings/for-task/{dec_task}", S(200, 200, 200, 200, 200, 200)),
    ("/portal", S(200, 200, 200, 200, 200, 200)),
    ("/portal/news", S(200, 200, 200, 200, 200, 200)),
    ("/portal/news/{pub}", S(200, 200, 200, 200, 200, 200)),
    ("/portal/news/{pub_draft}", S(404, 404, 404, 404, 200, 200)),
    ("/portal/files/{pubfile}", S(200, 200, 200, 200, 200, 200)),
    ("/portal/desk", S(303, 403, 403, 403, 200, 200)),
    ("/portal/desk/publications/{pub_draft}", S(303, 403, 403, 403, 200, 200)),
    ("/api/v1/meetings", S(403, 200, 200, 200, 200, 200)),
    ("/api/v1/meetings/{m_held}", S(403, 404, 200, 404, 200, 200)),
    ("/api/v1/meetings/for-task/{dec_task}", S(200, 200, 200, 200, 200, 200)),
    ("/api/v1/publications", S(200, 200, 200, 200, 200, 200)),
    ("/api/v1/publications/{pub_draft}", S(404, 404, 404, 404, 200, 200)),
    ("/api/v1/portal/headline", S(200, 200, 200, 200, 200, 200)),
]


def test_reads_role_by_role(clients: Clients) -> None:
    wrong = []
    for path, table in READS:
        expect = _default_visibility("GET", path, table)
        for role in ROLES:
            got = call(clients, role, "GET", path).status_code
            if got != expect[role]:
                wrong.append((path, role, expect[role], got))
    assert wrong == []
    # what each role lists
    seen = {
        role: sorted(m["id"] for m in call(clients, role, "GET", "/api/v1/meetings").json())
        for role in USERS
    }
    ids = clients.world.ids
    assert seen == {
        "editor_a": [ids["m_sched"]],
        "editor_b": [ids["m_held"]],
        "editor_d": [],
        "leader": sorted([ids["m_sched"], ids["m_draft"], ids["m_held"]]),
        "admin": sorted([ids["m_sched"], ids["m_draft"], ids["m_held"]]),
    }


SPEECH = {"files": ("发言稿.txt", "发言内容".encode(), "text/plain")}
# (method, path, form/json, files, expected); rows run in this order, the office last in each
# (a refused request changes nothing, so the rows do not disturb one another).
WRITES: list[tuple[str, str, dict[str, Any] | None, Any, dict[str, int]]] = [
    (
        "POST",
        "/meetings/{m_sched}/materials",
        {"agenda_item_id": "{item_a}"},
        SPEECH,
        S(403, 303, 404, 404, 403, 303),  # A speaks at m_sched; B and D do not see it
    ),
    (
        "POST",
        "/meetings/{m_held}/materials",
        {},
        SPEECH,
        S(403, 404, 403, 404, 403, 303),  # B sees m_held but speaks at no item
    ),
    (
        "POST",
        "/meetings/{m_held}/decisions",
        {"text": "再议定一项", "lead_unit_id": "{unit_b}", "deadline": "12月底"},
        None,
        S(403, 403, 403, 403, 403, 303),
    ),
    (
        "POST",
        "/meetings/{m_sched}/minutes",
        {"version": "{m_sched_v}", "text": "纪要"},
        None,
        S(403, 403, 403, 403, 403, 409),  # not held yet
    ),
    (
        "POST",
        "/meetings/{m_held}/minutes",
        {"version": "{m_held_v}", "text": "会议纪要第二稿", "note": "更正"},
        None,
        S(403, 403, 403, 403, 403, 303),
    ),
    (
        "POST",
        "/meetings/{m_sched}/edit",
        {
            "version": "{m_sched_v}",
            "status": "held",
            "kind": "plenary",
            "title": "全体会议",
            "meeting_date": "2023-10-10",
        },
        None,
        S(403, 403, 403, 403, 403, 303),
    ),
    (
        "POST",
        "/portal/desk/publications/{pub_draft}/edit",
        {"version": "{pub_draft_v}", "kind": "bulletin", "title_zh": "简报", "body_zh": "正文"},
        None,
        S(403, 403, 403, 403, 403, 303),
    ),
    (
        "POST",
        "/portal/desk/publications/{pub}/edit",
        {"version": "{pub_v}", "kind": "news", "title_zh": "改"},
        None,
        S(403, 403, 403, 403, 403, 409),  # published: withdraw first
    ),
    (
        "PATCH",
        "/api/v1/meetings/{m_draft}",
        {"version": "{m_draft_v}", "place": "会议室"},
        None,
        S(403, 403, 403, 403, 403, 200),
    ),
]


def test_writes_role_by_role(clients: Clients) -> None:
    wrong = []
    for method, path, body, files, table in WRITES:
        expect = _default_visibility(method, path, table)
        for role in ROLES:
            kw: dict[str, Any] = {"json": body} if path.startswith("/api/") else {"form": body}
            got = call(clients, role, method, path, files=files, **kw).status_code
            if got != expect[role]:
                wrong.append((method, path, role, expect[role], got))
    assert wrong == []


def test_the_office_runs_a_meeting_through_the_forms(clients: Clients) -> None:
    ids = clients.world.ids
    r = call(
        clients,
        "admin",
        "POST",
        "/meetings",
        form={
            "kind": "special",
            "title": "知识产权保护专题会议",
            "meeting_date": "2023-06-20",
            "status": "scheduled",
            "attending_unit_ids": ["{office}", "{unit_a}", "{unit_b}"],
        },
    )
    assert r.status_code == 303
    mid = int(r.headers["location"].rsplit("/", 1)[1])
    base = f"/meetings/{mid}"
    r = call(
        clients,
        "admin",
        "POST",
        base + "/agenda",
        form={"kind": "exchange_speech", "speaker_unit_id": "{unit_a}"},
    )
    assert r.status_code == 303
    page = call(clients, "admin", "GET", base).text
    assert "市科委交流发言" in page
    version = re.search(r'action="/meetings/\d+/edit".*?name="version" value="(\d+)"', page, re.S)
    assert version is not None
    r = call(
        clients,
        "admin",
        "POST",
        base + "/edit",
        form={
            "version": version.group(1),
            "status": "held",
            "kind": "special",
            "title": "知识产权保护专题会议",
            "meeting_date": "2023-06-20",
        },
    )
    assert r.status_code == 303
    # a stale version shows the page again with the message and a 409
    r = call(
        clients,
        "admin",
        "POST",
        base + "/edit",
        form={
            "version": version.group(1),
            "status": "held",
            "kind": "special",
            "title": "改",
            "meeting_date": "2023-06-20",
        },
    )
    assert r.status_code == 409 and "已被他人修改" in r.text
    v = int(version.group(1)) + 1
    r = call(
        clients, "admin", "POST", base + "/minutes", form={"version": str(v), "text": "纪要正文"}
    )
    assert r.status_code == 303
    r = call(
        clients,
        "admin",
        "POST",
        base + "/decisions",
        form={
            "text": "建立快速协同保护机制",
            "lead_unit_id": "{unit_a}",
            "co_unit_ids": ["{unit_b}"],
            "deadline": "9月底",
        },
    )
    assert r.status_code == 303
    page = call(clients, "editor_a", "GET", base).text
    assert "纪要正文" in page and "建立快速协同保护机制" in page
    task_id = int(re.findall(r'href="/tasks/(\d+)"', page)[0])
    # the decision's task is a task of the 2023 work plan like any other
    task_page = call(clients, "editor_a", "GET", f"/tasks/{task_id}")
    assert task_page.status_code == 200 and "建立快速协同保护机制" in task_page.text
    frag = call(clients, "editor_b", "GET", f"/meetings/for-task/{task_id}").text
    assert f'href="/meetings/{mid}#decision-' in frag
    assert call(clients, "anonymous", "GET", f"/meetings/for-task/{task_id}").text.strip() == ""
    # A uploads its speech to its own agenda item; the download is an attachment
    item = re.search(r'name="agenda_item_id">\s*<option[^>]*value="(\d+)"', page)
    assert item is not None
    r = call(
        clients,
        "editor_a",
        "POST",
        base + "/materials",
        form={"agenda_item_id": item.group(1)},
        files=SPEECH,
    )
    assert r.status_code == 303
    page = call(clients, "editor_b", "GET", base).text
    href = re.search(
        rf'href="(/meetings/{mid}/materials/\d+)">(?:<span[^>]*>)?市科委交流发言', page
    )
    assert href is not None
    dl = call(clients, "editor_b", "GET", href.group(1))
    assert dl.content == "发言内容".encode()
    assert dl.headers["content-disposition"].startswith("attachment;")
    del ids


def test_the_portal_shows_what_was_published(clients: Clients) -> None:
    page = call(clients, "anonymous", "GET", "/portal")
    text = page.text
    assert "2022年主要指标" in text
    # the shared world's published indicator: 15 (2022), no 2021 value -> no change; its
    # unit in the card's small text
    assert re.search(r'tile-value"[^>]*>15</div>\s*<div class="tile-note tile-unit">万件<', text)
    assert text.count('class="chart" data-chart=') == 1
    assert '<script src="/static/plotly.min.js" defer></script>' in text
    assert "年度会议召开" in text and "简报草稿" not in text
    assert not re.search(r'(?:src|href|action)="(?:https?:)?//', text)
    assert call(clients, "anonymous", "GET", "/static/portal/portal.css").status_code == 200
    art = call(clients, "anonymous", "GET", "/portal/news/{pub}").text
    assert "<h2>会议</h2>" in art and "&lt;script&gt;" in art and "<script>alert" not in art
    en = call(clients, "anonymous", "GET", "/portal/news/{pub}?lang=en").text
    assert "The annual meeting was held" in en and "First paragraph." in en
    f = call(clients, "anonymous", "GET", "/portal/files/{pubfile}")
    assert f.content == b"%PDF-1.7 demo"
    assert f.headers["content-disposition"].startswith("attachment;")
    api = call(clients, "anonymous", "GET", "/api/v1/portal/headline").json()
    assert api["year"] == 2022 and api["source"] == "workspace"
    assert [(v["year"], v["value"]) for v in api["values"]] == [
        (2020, None),
        (2021, None),
        (2022, 15.0),
    ]
    pubs = call(clients, "anonymous", "GET", "/api/v1/publications").json()
    assert [p["title"] for p in pubs] == ["年度会议召开"]


def _card(page: str, indicator: str) -> tuple[str, str, str]:
    """(big number, small unit, small change) of a portal card, as the HTML holds them."""
    m = re.search(
        rf'data-indicator="{re.escape(indicator)}">.*?class="tile-value"[^>]*>([^<]*)</div>'
        r'\s*(?:<div class="tile-note tile-unit">([^<]*)</div>)?'
        r'\s*<div class="tile-note tile-change">([^<]*)</div>',
        page,
        re.S,
    )
    assert m is not None, indicator
    return m.group(1), m.group(2) or "", m.group(3)


def test_a_portal_card_holds_the_number_alone_and_its_unit_in_the_small_text(
    clients: Clients,
) -> None:
    """Issue 12: "82.0件/万人" as the big number wrapped to three lines on a phone."""
    w = clients.world
    with w.db.write() as s:
        sysa = system_actor("test")
        rate = do_create_target(
            s,
            sysa,
            {
                "plan_id": w["plan"],
                "code": "HV10K",
                "name": "每万人口高价值发明专利拥有量",
                "unit": "件/万人",
                "direction": "higher",
                "target_year": 2025,
                "target_value": 100,
                "published": True,
            },
        )
        for year, value in ((2021, 75.5), (2022, 82.0)):
            do_enter_published_actual(
                s, sysa, rate.id, {"year": year, "value": value, "source": "白皮书"}
            )
        do_publish_headline_snapshot(s, sysa, 2022, source="workspace", years_back=1)
    zh = call(clients, "anonymous", "GET", "/portal").text
    # 82.0 - 75.5 = 6.5 more on the year before
    assert _card(zh, "target:HV10K") == ("82.0", "件/万人", "提高6.5件")
    assert _card(zh, "target:T1") == ("15", "万件", "—")
    en = call(clients, "anonymous", "GET", "/portal?lang=en").text
    assert _card(en, "target:HV10K") == ("82.0", "per 10,000 residents", "+6.5")
    # the API's card keeps the value with its unit, as one text
    api = call(clients, "anonymous", "GET", "/api/v1/portal/headline").json()
    card = next(c for c in api["cards"] if c["indicator"] == "target:HV10K")
    assert card["value_text"] == "82.0件/万人"
    assert "number_text" not in card and "unit_text" not in card


def test_api_meeting_detail_and_stale_update(clients: Clients) -> None:
    body = call(clients, "editor_b", "GET", "/api/v1/meetings/{m_held}").json()
    assert body["status"] == "held" and body["minutes"]["text"] == "会议纪要第一稿"
    [dec] = body["decisions"]
    assert dec["task"]["id"] == clients.world["dec_task"]
    assert dec["supervision"]["status"] in ("green", "yellow")  # due end of November
    r = call(
        clients, "admin", "PATCH", "/api/v1/meetings/{m_held}", json={"version": 1, "place": "别处"}
    )
    assert r.status_code == 409
    assert r.json()["current_version"] == clients.world["m_held_v"]
    r = call(
        clients,
        "admin",
        "POST",
        "/api/v1/meetings/{m_held}/decisions",
        json={"text": "API决定", "lead_unit_id": "{unit_a}", "deadline": "2023-12-31"},
    )
    assert r.status_code == 201 and r.json()["task"]["code"].startswith("2023-")
    r = call(
        clients,
        "admin",
        "POST",
        "/api/v1/meetings",
        json={
            "kind": "liaison",
            "title": "联络员会议",
            "meeting_date": "2024年1月18日",
            "attending_unit_ids": ["{unit_a}"],
        },
    )
    assert r.status_code == 201 and r.json()["meeting_date"] == "2024-01-18"
    r = call(
        clients,
        "admin",
        "POST",
        "/api/v1/meetings",
        json={"kind": "liaison", "title": "x", "meeting_date": "2024-01-18", "oops": 1},
    )
    assert r.status_code == 422
