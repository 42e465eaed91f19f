"""Issue 10, problem 1 (the routes): the 1.5 M-row workbook of the issue (600 KB on the wire)
sent by a unit editor to the API import and to the import page is refused with one line
naming the limit (JSON on the API, the user's language on the page); nothing is written.
The time it takes is measured by benchmarks/upload_refusal.py, not asserted here."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from ipcity.protection.models import ProtectionCase
from tests.support.sheets import inline_xlsx
from tests.support.web_world import WebWorld, api_token, page_login


@pytest.fixture(scope="module")
def huge() -> bytes:
    return inline_xlsx(1_500_000)


def _cases(world: WebWorld) -> int:
    with world.db.read() as s:
        return s.query(ProtectionCase).count()


def test_api_refuses_the_issue_upload(client: TestClient, world: WebWorld, huge: bytes) -> None:
    before = _cases(world)
    h = {"Authorization": f"Bearer {api_token(client, 'editor_a')}"}
    r = client.post(
        "/api/v1/cases/import", headers=h, files={"file": ("cases.xlsx", huge, "application/x")}
    )
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "error.import_rejected"
    (problem,) = body["row_errors"]
    assert problem["error"] == "upload.unzipped_too_large"
    assert (
        problem["message"]
        == "工作簿解压后超过 50 MB（IPCITY_UPLOAD_MAX_UNZIPPED_MB），请拆分后再导入"
    )
    assert _cases(world) == before


def test_page_refuses_it_in_the_users_language(
    client: TestClient, world: WebWorld, huge: bytes
) -> None:
    csrf = page_login(client, "editor_a")
    r = client.post(
        "/protection/import",
        data={"csrf_token": csrf},
        files={"file": ("案件.xlsx", huge, "application/x")},
    )
    assert r.status_code == 422
    assert "工作簿解压后超过 50 MB（IPCITY_UPLOAD_MAX_UNZIPPED_MB）" in r.text


def test_row_cap_is_a_setting(
    client: TestClient, world: WebWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPCITY_UPLOAD_MAX_ROWS", "3")
    csrf = page_login(client, "admin")
    sheet = "序号,任务编号,重点任务,牵头单位,完成时限\n" + "1,2023-1,a,市科委,6月底\n" * 5
    r = client.post(
        f"/work-plans/{world['wp']}/import",
        data={"csrf_token": csrf},
        files={"file": ("tasks.csv", sheet.encode(), "text/csv")},
    )
    assert r.status_code == 422
    assert "表格超过 3 行（IPCITY_UPLOAD_MAX_ROWS）" in r.text
