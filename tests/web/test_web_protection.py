"""IP protection in the web app: party names masked on every page, export and API response
for those who may not see them; the forms, the import report, stale versions, referrals; the
public block with small counts suppressed."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator

import openpyxl
import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from ipcity.protection.actions import do_transfer_case
from ipcity.protection.queries import get_case
from ipcity.web.app import route_table
from ipcity.workspace.permissions import system_actor
from tests.support.protection_web_world import SECRET_CLAIMANT, SECRET_NOTE, SECRET_RESPONDENT
from tests.support.web_world import TODAY, USERNAMES, WebWorld, api_token, page_login

SECRETS = (SECRET_CLAIMANT, SECRET_RESPONDENT, "13800000000")


@pytest.fixture
def pworld(world: WebWorld) -> WebWorld:
    """The web world plus case_a (A owns, B joint) and case_t (A transferred it to B, so A
    is a previous owner: read only, masked). case_a comes with every web world (see
    web_world.WORLD_EXTENSIONS)."""
    with world.db.write() as s:
        from ipcity.protection.actions import do_create_case

        v = do_create_case(
            s,
            system_actor("test"),
            {
                "unit_id": world["unit_a"],
                "case_no": "T-1",
                "kind": "mediation",
                "ip_type": "copyright",
                "received_on": "2023-04-01",
                "claimants": SECRET_CLAIMANT,
                "respondents": SECRET_RESPONDENT,
                "note": SECRET_NOTE,
            },
            today=TODAY,
        )
        v = do_transfer_case(
            s,
            system_actor("test"),
            v.id,
            expected_version=v.version,
            to_unit_id=world["unit_b"],
            note=SECRET_NOTE,
            today=TODAY,
        )
        world.ids["case_t"] = v.id
    return world


@pytest.fixture
def logged_in(
    web_app: FastAPI, pworld: WebWorld
) -> Iterator[Callable[[str], tuple[TestClient, dict[str, str]]]]:
    """role -> (a page client logged in as that role, API headers)."""
    made: list[TestClient] = []

    def login(role: str) -> tuple[TestClient, dict[str, str]]:
        c = TestClient(web_app)
        c.__enter__()
        made.append(c)
        if role == "anonymous":
            return c, {}
        page_login(c, USERNAMES[role])
        return c, {"Authorization": f"Bearer {api_token(c, USERNAMES[role])}"}

    yield login
    for c in made:
        c.__exit__(None, None, None)


def _get_urls(app: FastAPI, w: WebWorld) -> list[str]:
    """Every GET route of the app, with the protection ids filled in (other areas' routes with
    parameters are left out: they never show cases)."""
    urls = []
    for method, path in route_table(app):
        if method != "GET" or path.startswith("/static"):
            continue
        params = re.findall(r"{(\w+)}", path)
        if not params:
            query = "?year=2023" if "protection" in path else ""
            query = "?format=csv" if path.endswith("/export") and "cases" in path else query
            urls.append(path + query)
            continue
        if params == ["case_id"]:
            for key in ("case_a", "case_t"):
                urls.append(path.replace("{case_id}", str(w[key])))
    return urls


def _body(r: object) -> str:
    """The response as text, one line per table row (XLSX cells joined with tabs)."""
    resp = r  # a httpx response
    ctype = resp.headers.get("content-type", "")  # type: ignore[attr-defined]
    if "spreadsheetml" in ctype:
        wb = openpyxl.load_workbook(io.BytesIO(resp.content))  # type: ignore[attr-defined]
        return "\n".join("\t".join(str(c.value) for c in row) for row in wb.active.iter_rows())
    text: str = resp.content.decode("utf-8", errors="replace")  # type: ignore[attr-defined]
    if "text/html" in ctype:
        return "\n".join(seg.replace("\n", " ") for seg in text.split("<tr"))
    return text


def _only_case_t(url: str, r: object, text: str) -> str:
    """For the owner of case_a (in clear for it): what the response says about case_t."""
    if url.startswith("/api/v1/cases?") or url == "/api/v1/cases":
        items = r.json()["items"]  # type: ignore[attr-defined]
        return str([i for i in items if i["case_no"] == "T-1"])
    return "\n".join(line for line in text.splitlines() if "T-1" in line)


@pytest.mark.parametrize("role", ["anonymous", "leader", "editor_other", "editor_lead"])
def test_masked_on_every_page_and_api_response(
    web_app: FastAPI,
    pworld: WebWorld,
    logged_in: Callable[[str], tuple[TestClient, dict[str, str]]],
    role: str,
) -> None:
    """Leaders and uninvolved units never see the parties; the unit that transferred case_t
    away (A = editor_lead) sees case_t masked (it still sees its own case_a in clear)."""
    client, headers = logged_in(role)
    urls = [*_get_urls(web_app, pworld), "/protection/cases/export?format=xlsx"]
    lists = ("/protection/cases", "/protection/cases/export", "/api/v1/cases")
    checked = 0
    for url in urls:
        if role == "editor_lead" and str(pworld["case_a"]) in url:
            continue  # A's own case: in clear, see the next test
        r = client.get(url, headers=headers if url.startswith("/api/") else {})
        if r.status_code != 200:
            continue
        text = _body(r)
        if role == "editor_lead" and url.split("?")[0] in lists:
            text = _only_case_t(url, r, text)
            assert "T-1" in text and "张**" in text, url  # the row is there, masked
        leaked = [s for s in SECRETS if s in text]
        assert not leaked, (role, url, leaked)
        checked += 1
    assert checked >= (3 if role == "anonymous" else 10), checked
    # Searching by a party's name finds nothing for whoever sees that case masked.
    if role != "anonymous":
        found = client.get(f"/api/v1/cases?q={SECRET_CLAIMANT}", headers=headers).json()
        expected = {"editor_lead": ["(2023)沪73知民初1号"]}.get(role, [])
        assert [i["case_no"] for i in found["items"]] == expected


@pytest.mark.parametrize("role", ["admin", "editor_lead", "editor_co"])
def test_clear_for_the_office_the_owner_and_the_joint_unit(
    pworld: WebWorld, logged_in: Callable[[str], tuple[TestClient, dict[str, str]]], role: str
) -> None:
    client, headers = logged_in(role)
    page = client.get(f"/protection/cases/{pworld['case_a']}").text
    assert SECRET_CLAIMANT in page and SECRET_RESPONDENT in page
    api = client.get(f"/api/v1/cases/{pworld['case_a']}", headers=headers).json()
    assert api["claimants"] == SECRET_CLAIMANT and not api["names_masked"]
    assert SECRET_NOTE in api["note"]


def test_record_edit_stale_and_referrals_through_the_pages(
    pworld: WebWorld, logged_in: Callable[[str], tuple[TestClient, dict[str, str]]]
) -> None:
    c, _ = logged_in("editor_lead")
    csrf = page_login(c, "editor_a")
    form = {
        "csrf_token": csrf,
        "case_no": "（2023）沪0101民初9号",
        "kind": "civil",
        "ip_type": "trademark",
        "received_on": "2023-06-01",
        "closed_on": "2023-05-01",
    }
    bad = c.post("/protection/cases", data=form, follow_redirects=False)
    assert bad.status_code == 422 and "早于收案日期" in bad.text  # the input is kept
    assert 'value="（2023）沪0101民初9号"' in bad.text
    form["closed_on"] = "2023-07-01"
    form["outcome"] = "withdrawn"
    ok = c.post("/protection/cases", data=form, follow_redirects=False)
    assert ok.status_code == 303
    url = ok.headers["location"]
    page = c.get(url).text
    assert "(2023)沪0101民初9号" in page and "30" in page  # handling days 1 Jun -> 1 Jul
    case_id = int(url.rsplit("/", 1)[1])
    with pworld.db.read() as s:
        version = get_case(s, system_actor(), case_id).version
    # a stale edit: 409 with both versions named, the user's input kept
    stale = {**form, "version": str(version - 1) if version > 1 else "0", "cause": "我的修改"}
    r = c.post(f"/protection/cases/{case_id}/edit", data=stale, follow_redirects=False)
    assert r.status_code == 409 and "我的修改" in r.text
    r = c.post(
        f"/protection/cases/{case_id}/transfer",
        data={"csrf_token": csrf, "version": str(version), "to_unit_id": str(pworld["unit_b"])},
        follow_redirects=False,
    )
    assert r.status_code == 303
    after = c.get(f"/protection/cases/{case_id}").text
    assert "本单位已移送（只读）" in after and "/edit" not in after  # read only now


def test_import_page_reports_rows_and_writes_nothing(
    pworld: WebWorld, logged_in: Callable[[str], tuple[TestClient, dict[str, str]]]
) -> None:
    c, _ = logged_in("editor_lead")
    csrf = page_login(c, "editor_a")
    bad = (
        "案号,案件类型,知识产权类型,收案日期\nI-1,民事,专利,2023-05-01\nI-2,民事,域名,2023-05-01\n"
    )
    r = c.post(
        "/protection/import",
        data={"csrf_token": csrf},
        files={"file": ("cases.csv", bad.encode(), "text/csv")},
    )
    assert r.status_code == 422 and "未导入任何数据" in r.text
    assert re.search(
        r"<td>3</td><td>知识产权类型</td><td>无法识别的知识产权类型：域名</td>", r.text
    )
    assert "I-1" not in c.get("/protection/cases").text
    good = bad.replace("域名", "商标")
    r = c.post(
        "/protection/import",
        data={"csrf_token": csrf},
        files={"file": ("cases.csv", good.encode(), "text/csv")},
    )
    # A preview first: nothing written until it is confirmed.
    assert r.status_code == 200 and 'data-count="add">2<' in r.text
    assert "I-1" not in c.get("/protection/cases").text
    upload = re.search(r'name="upload" value="([^"]+)"', r.text)
    token = re.search(r'name="token" value="([^"]+)"', r.text)
    unit = re.search(r'name="unit_id" value="([^"]+)"', r.text)
    assert upload and token and unit
    confirm = {"csrf_token": csrf, "upload": upload[1], "token": token[1], "unit_id": unit[1]}
    r = c.post("/protection/import/apply", data=confirm)
    assert r.status_code == 200 and 'data-count="created">2<' in r.text
    assert "I-1" in c.get("/protection/cases").text
    assert c.post("/protection/import/apply", data=confirm).status_code == 409  # used up
    again = c.post(
        "/protection/import",
        data={"csrf_token": csrf},
        files={"file": ("cases.csv", good.encode(), "text/csv")},
    )
    assert (
        'data-count="unchanged">2<' in again.text and "/protection/import/apply" not in again.text
    )
    changed = good.replace("I-1,民事,专利,2023-05-01", "I-1,民事,专利,2023-05-02")
    r = c.post(
        "/protection/import",
        data={"csrf_token": csrf},
        files={"file": ("cases.csv", changed.encode(), "text/csv")},
    )
    # field-level changes: the date before and after
    assert r.status_code == 200 and 'data-count="update">1<' in r.text
    assert "<td>2023-05-01</td><td><strong>2023-05-02</strong></td>" in r.text


def test_case_import_dry_run_in_the_api(
    pworld: WebWorld, logged_in: Callable[[str], tuple[TestClient, dict[str, str]]]
) -> None:
    c, h = logged_in("editor_lead")
    sheet = (
        "案号,案件类型,知识产权类型,收案日期\nD-1,民事,专利,2023-05-01\nD-2,民事,域名,2023-05-01\n"
    )
    files = {"file": ("cases.csv", sheet.encode(), "text/csv")}
    r = c.post("/api/v1/cases/import?dry_run=true", headers=h, files=files)
    assert r.status_code == 200
    body = r.json()
    assert (body["add"], body["update"], body["token"]) == ([], [], None)
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, "知识产权类型")]
    good = {"file": ("cases.csv", sheet.replace("域名", "商标").encode(), "text/csv")}
    body = c.post("/api/v1/cases/import?dry_run=true", headers=h, files=good).json()
    assert [a["code"] for a in body["add"]] == ["D-1", "D-2"] and body["errors"] == []
    assert c.get("/api/v1/cases?q=D-1", headers=h).json()["total"] == 0  # nothing written
    r = c.post(f"/api/v1/cases/import?token={body['token']}", headers=h, files=good)
    assert r.status_code == 200 and r.json()["created"] == ["D-1", "D-2"]
    assert c.get("/api/v1/cases?q=D-1", headers=h).json()["total"] == 1
    r = c.post(f"/api/v1/cases/import?token={body['token']}", headers=h, files=good)
    assert r.status_code == 409  # the preview no longer holds: the cases exist now


def test_api_cases(
    pworld: WebWorld, logged_in: Callable[[str], tuple[TestClient, dict[str, str]]]
) -> None:
    c, h = logged_in("editor_lead")
    r = c.post(
        "/api/v1/cases",
        headers=h,
        json={
            "case_no": "A-9",
            "kind": "调解",
            "ip_type": "copyright",
            "received_on": "2023-08-01",
        },
    )
    assert r.status_code == 201 and r.json()["unit_id"] == pworld["unit_a"]
    case = r.json()
    r = c.patch(
        f"/api/v1/cases/{case['id']}",
        headers=h,
        json={"version": case["version"], "closed_on": "2023-08-11", "outcome": "调解成功"},
    )
    assert r.status_code == 200 and r.json()["handling_days"] == 10
    stale = c.patch(f"/api/v1/cases/{case['id']}", headers=h, json={"version": 1, "cause": "x"})
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    bad = c.post("/api/v1/cases", headers=h, json={"case_no": "A-10", "colour": "red"})
    assert bad.status_code == 422
    r = c.post(
        f"/api/v1/cases/{case['id']}/joint",
        headers=h,
        json={"version": 2, "unit_id": pworld["unit_b"]},
    )
    assert r.status_code == 200 and r.json()["participants"][0]["role"] == "joint"
    r = c.delete(f"/api/v1/cases/{case['id']}/joint/{pworld['unit_b']}?version=3", headers=h)
    assert r.status_code == 200 and r.json()["participants"][0]["role"] == "previous"
    sheet = "案号,案件类型,知识产权类型,收案日期\nAPI-1,民事,专利,2023-05-01\n"
    r = c.post(
        "/api/v1/cases/import",
        headers=h,
        files={"file": ("c.csv", sheet.encode(), "text/csv")},
    )
    assert r.status_code == 200 and r.json()["created"] == ["API-1"]
    r = c.post(
        "/api/v1/cases/import",
        headers=h,
        files={"file": ("c.csv", sheet.replace("专利", "域名").encode(), "text/csv")},
    )
    assert r.status_code == 422 and r.json()["row_errors"][0]["column"] == "知识产权类型"
    ind = c.get("/api/v1/protection/indicators?year=2023&indicator=cases_received", headers=h)
    # editor A sees its own unit's cases only: case_a, T-1 was transferred away, A-9, API-1
    rows = ind.json()["rows"]
    assert rows == [{"indicator": "protection.cases_received", "year": 2023, "value": 3}]


def test_public_block_suppresses_small_counts(
    pworld: WebWorld, logged_in: Callable[[str], tuple[TestClient, dict[str, str]]]
) -> None:
    c, _ = logged_in("anonymous")
    page = c.get("/protection/public?year=2023").text
    assert 'data-figure="cases_received"' in page
    # two cases in 2023: every number is under 5, so every cell and figure shows *
    assert not re.search(r'<td class="num">[0-4]</td>', page)
    assert "*" in page and not any(s in page for s in SECRETS)
    api = c.get("/api/v1/protection/public?year=2023").json()
    assert all(f["value"] is None for f in api["figures"])
    assert api["by_kind_ip"]["total"] == {"value": None, "suppressed": True, "reason": "small"}


def test_records_made_in_a_request_carry_the_apps_day(
    pworld: WebWorld, logged_in: Callable[[str], tuple[TestClient, dict[str, str]]]
) -> None:
    """The app runs with --today (a demo's or training day): a case recorded through it, its
    audit entry and the user the office creates are dated on that day, not the calendar's."""
    from sqlalchemy import select

    from ipcity.protection.models import ProtectionCase
    from ipcity.workspace.models import AuditEntry, User

    c, h = logged_in("editor_lead")
    body = {"case_no": "DAY-1", "kind": "调解", "ip_type": "copyright", "received_on": "2023-08-01"}
    r = c.post("/api/v1/cases", headers=h, json=body)
    assert r.status_code == 201
    # an update is stamped by the request's clock (no day passed down to it)
    made_id, version = r.json()["id"], r.json()["version"]
    r = c.patch(f"/api/v1/cases/{made_id}", headers=h, json={"version": version, "cause": "改"})
    assert r.status_code == 200
    office = TestClient(c.app)
    csrf = page_login(office, "admin")
    r = office.post(
        "/admin/users",
        data={"csrf_token": csrf, "username": "dayuser", "role": "leader", "password": ""},
    )
    assert r.status_code == 200
    with pworld.db.read() as s:
        made = s.scalar(select(ProtectionCase).where(ProtectionCase.case_no == "DAY-1"))
        assert made is not None and made.created_at.date() == TODAY
        audit = s.scalar(
            select(AuditEntry).where(
                AuditEntry.action == "case.create", AuditEntry.entity_id == str(made.id)
            )
        )
        assert audit is not None and audit.at.date() == TODAY
        assert made.updated_at.date() == TODAY
        update = s.scalar(select(AuditEntry).where(AuditEntry.action == "case.update"))
        assert update is not None and update.at.date() == TODAY
        user = s.scalar(select(User).where(User.username == "dayuser"))
        assert user is not None and user.created_at.date() == TODAY
