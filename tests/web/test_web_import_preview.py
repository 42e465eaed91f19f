"""Import with a preview, through the pages and the API (issue 12): the API's dry run
changes nothing and returns the preview; applying with its token applies exactly that, a
stale token is refused (409); the page warns loudly before renaming a task with reports, in
both languages; an unknown unit gets a suggestion; a unit editor cannot import."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.support.web_world import WebWorld, api_token, page_login

XUHAO = (
    "序号,重点任务,牵头单位,配合单位,完成时限\n"
    "1,开展知识产权宣传周活动,市科委,市商务委,4月底\n"
    "2,推进知识产权金融服务,市商务委,黄浦区,2025年6月\n"
)
RENAME = "任务编号,重点任务,牵头单位,完成时限\n2023-001,改名后的任务,市商务委,年底\n"


def _h(client: TestClient, user: str = "admin") -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(client, user)}"}


def _tasks(client: TestClient, world: WebWorld, h: dict[str, str]) -> dict[str, object]:
    """The stored tasks (without the supervision labels, which follow the language)."""
    rows = client.get(f"/api/v1/tasks?work_plan_id={world['wp']}", headers=h).json()
    return {r["code"]: {k: v for k, v in r.items() if k != "supervision"} for r in rows}


def _api_import(client: TestClient, world: WebWorld, h: dict[str, str], data: str, query: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/work-plans/{world['wp']}/import{query}",
        headers=h,
        files={"file": ("plan.csv", data.encode(), "text/csv")},
    )


def test_api_dry_run_then_apply_with_its_token(client: TestClient, world: WebWorld) -> None:
    h = _h(client)
    before = _tasks(client, world, h)
    r = _api_import(client, world, h, XUHAO, "?dry_run=true&lang=en")
    assert r.status_code == 200, r.text
    body = r.json()
    assert [a["title"] for a in body["add"]] == ["开展知识产权宣传周活动", "推进知识产权金融服务"]
    assert (body["update"], body["unchanged"], body["errors"]) == ([], 0, [])
    keys = sorted(w["error"] for w in body["warnings"])
    assert keys == ["import.deadline_outside_year", "import.deadline_passed"]
    assert _tasks(client, world, h) == before  # the dry run changed nothing
    applied = _api_import(client, world, h, XUHAO, f"?token={body['token']}")
    assert applied.status_code == 200, applied.text
    assert len(applied.json()["created"]) == 2 and applied.json()["updated"] == []
    after = _tasks(client, world, h)
    assert {c: after[c] for c in before} == before  # no existing task changed
    # The same token again: the tasks now exist, so the import would do something else.
    stale = _api_import(client, world, h, XUHAO, f"?token={body['token']}")
    assert stale.status_code == 409 and stale.json()["error"] == "import.stale_preview"
    assert _tasks(client, world, h) == after


def test_api_dry_run_lists_row_errors_with_suggestions(client: TestClient, world: WebWorld) -> None:
    h = _h(client)
    sheet = "序号,重点任务,牵头单位,完成时限\n7,甲,市商务,年底\n8,乙,市科委、市商务委,年底\n"
    body = _api_import(client, world, h, sheet, "?dry_run=true&lang=en").json()
    errors = {(e["row"], e["seq"]): e for e in body["errors"]}
    assert errors[(2, "7")]["message"].startswith("unknown unit: 市商务. Did you mean: 市商务委")
    assert errors[(3, "8")]["error"] == "field.one_lead_unit"
    assert body["add"] == [] and body["token"] is None
    # Without dry_run the same sheet is refused as a whole.
    assert _api_import(client, world, h, sheet, "").status_code == 422


def test_unit_editor_cannot_import(client: TestClient, world: WebWorld) -> None:
    r = _api_import(client, world, _h(client, "editor_a"), XUHAO, "?dry_run=true")
    assert r.status_code == 403


def _upload(client: TestClient, world: WebWorld, csrf: str, data: str, lang: str = ""):  # type: ignore[no-untyped-def]
    return client.post(
        f"/work-plans/{world['wp']}/import{lang}",
        data={"csrf_token": csrf},
        files={"file": ("plan.csv", data.encode(), "text/csv")},
    )


def _confirm(client: TestClient, world: WebWorld, csrf: str, html: str):  # type: ignore[no-untyped-def]
    upload = re.search(r'name="upload" value="([^"]+)"', html)
    token = re.search(r'name="token" value="([^"]+)"', html)
    assert upload and token
    return client.post(
        f"/work-plans/{world['wp']}/import/apply",
        data={"csrf_token": csrf, "upload": upload.group(1), "token": token.group(1)},
    )


def test_page_warns_loudly_before_renaming_a_task_with_reports(
    client: TestClient, world: WebWorld
) -> None:
    csrf = page_login(client, "admin")
    zh = _upload(client, world, csrf, RENAME)
    assert zh.status_code == 200
    assert 'id="import-loud"' in zh.text and "注意" in zh.text
    assert "任务一" in zh.text and "改名后的任务" in zh.text  # before and after
    en = _upload(client, world, csrf, RENAME, "?lang=en")
    assert 'id="import-loud"' in en.text and "Attention" in en.text
    assert 'class="danger"' in en.text  # the confirm button is red


def test_page_refuses_a_stale_preview(client: TestClient, world: WebWorld) -> None:
    csrf = page_login(client, "admin")
    h = _h(client)
    sheet = "序号,重点任务,牵头单位,完成时限\n1,任务一,市科委,2023年10月底\n"
    first = _upload(client, world, csrf, sheet)
    second = _upload(client, world, csrf, sheet)
    assert _confirm(client, world, csrf, second.text).status_code == 200
    before = _tasks(client, world, h)
    stale = _confirm(client, world, csrf, first.text)
    assert stale.status_code == 409
    assert "预览之后数据已有变化" in stale.text
    assert _tasks(client, world, h) == before


def test_aliases_through_the_api_and_the_page(client: TestClient, world: WebWorld) -> None:
    h = _h(client)
    unit = client.get(f"/api/v1/units/{world['unit_b']}", headers=h).json()
    assert unit["aliases"] == []
    r = client.patch(
        f"/api/v1/units/{world['unit_b']}",
        headers=h,
        json={"version": unit["version"], "aliases": ["市商委", "上海市商务委员会"]},
    )
    assert r.status_code == 200, r.text
    assert r.json()["aliases"] == ["市商委", "上海市商务委员会"]
    sheet = "序号,重点任务,牵头单位,完成时限\n1,新任务,市商委,年底\n"
    body = _api_import(client, world, h, sheet, "?dry_run=true").json()
    assert body["errors"] == [] and body["add"][0]["lead_unit"] == "市商务委"
    # An alias that is another unit's name: refused with a message, nothing changed.
    clash = client.patch(
        f"/api/v1/units/{world['unit_b']}",
        headers=h,
        json={"version": r.json()["version"], "aliases": ["市科委"]},
    )
    assert clash.status_code == 422 and "市科委" in clash.json()["message"]
    # The office's page: the row form carries the aliases; a post without the field keeps them.
    csrf = page_login(client, "admin")
    v = client.get(f"/api/v1/units/{world['unit_b']}", headers=h).json()["version"]
    saved = client.post(
        f"/admin/units/{world['unit_b']}",
        data={
            "csrf_token": csrf,
            "version": str(v),
            "name": "市商务委",
            "kind": "municipal",
            "sort_order": "2",
            "active": "1",
            "aliases": "市商委、市商务委员会",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = client.get("/admin/units").text
    assert "市商委、市商务委员会" in page
    v = client.get(f"/api/v1/units/{world['unit_b']}", headers=h).json()["version"]
    client.post(
        f"/admin/units/{world['unit_b']}",
        data={
            "csrf_token": csrf,
            "version": str(v),
            "name": "市商务委",
            "kind": "municipal",
            "sort_order": "2",
            "active": "1",
        },
    )
    assert client.get(f"/api/v1/units/{world['unit_b']}", headers=h).json()["aliases"] == [
        "市商委",
        "市商务委员会",
    ]


TARGETS = "序号,指标编号,指标,单位,目标年,目标值\n1,T9,每万人口高价值发明专利拥有量,件,2025,30\n"


def test_target_sheet_preview_then_confirm(client: TestClient, world: WebWorld) -> None:
    csrf = page_login(client, "admin")
    url = f"/plans/{world['plan']}/targets/import"
    preview = client.post(
        url, data={"csrf_token": csrf}, files={"file": ("t.csv", TARGETS.encode(), "text/csv")}
    )
    assert preview.status_code == 200
    assert 'data-count="add">1<' in preview.text and "每万人口高价值发明专利拥有量" in preview.text
    upload = re.search(r'name="upload" value="([^"]+)"', preview.text)
    token = re.search(r'name="token" value="([^"]+)"', preview.text)
    assert upload and token
    done = client.post(
        f"{url}/apply",
        data={"csrf_token": csrf, "upload": upload.group(1), "token": token.group(1)},
    )
    assert done.status_code == 200 and 'data-count="created">1<' in done.text
    # The same file again: nothing to confirm; a changed value is listed with before and after.
    again = client.post(
        url, data={"csrf_token": csrf}, files={"file": ("t.csv", TARGETS.encode(), "text/csv")}
    )
    assert 'data-count="unchanged">1<' in again.text and 'name="upload"' not in again.text
    changed = TARGETS.replace(",30\n", ",35\n")
    diff = client.post(
        url, data={"csrf_token": csrf}, files={"file": ("t.csv", changed.encode(), "text/csv")}
    )
    assert 'data-count="update">1<' in diff.text
    assert re.search(r"<td>30(\.0)?</td><td><strong>35(\.0)?</strong></td>", diff.text)
