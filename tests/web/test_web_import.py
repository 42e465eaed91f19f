"""Importing the annual work plan through the web: upload → preview → confirm; a good file
(CSV and XLSX), a file with bad rows (nothing written, every error listed with its row and
column), a re-run (no change), the export read back, a stale or replayed confirmation, and the
API's dry run."""

from __future__ import annotations

import io
import re

import openpyxl
from starlette.testclient import TestClient

from tests.support.web_world import WebWorld, api_token, page_login

GOOD = (
    "2023年知识产权强市推进计划\n"  # a title row above the header is fine
    "序号,任务编号,重点任务,牵头单位,配合单位,完成时限\n"
    "1,2023-101,建设专利导航服务基地,市科委,市商务委,6月底\n"
    "2,2023-102,开展商标品牌培育,市商务委,,三季度\n"
)
BAD = (
    "序号,任务编号,重点任务,牵头单位,配合单位,完成时限\n"
    "1,2023-201,好的一行,市科委,,6月底\n"
    "2,2023-202,未知单位,不存在的局,,6月底\n"
    "3,2023-203,读不懂的时限,市科委,,某个时候\n"
)


def _tasks(client: TestClient, world: WebWorld) -> dict[str, dict[str, object]]:
    h = {"Authorization": f"Bearer {api_token(client, 'admin')}"}
    rows = client.get(f"/api/v1/tasks?work_plan_id={world['wp']}", headers=h).json()
    return {r["code"]: r for r in rows}


def _upload(client: TestClient, world: WebWorld, csrf: str, name: str, data: bytes, ctype: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/work-plans/{world['wp']}/import",
        data={"csrf_token": csrf},
        files={"file": (name, data, ctype)},
    )


def _confirm(client: TestClient, world: WebWorld, csrf: str, preview_html: str):  # type: ignore[no-untyped-def]
    upload = re.search(r'name="upload" value="([^"]+)"', preview_html)
    token = re.search(r'name="token" value="([^"]+)"', preview_html)
    assert upload and token, "the preview has no confirm form"
    return client.post(
        f"/work-plans/{world['wp']}/import/apply",
        data={"csrf_token": csrf, "upload": upload.group(1), "token": token.group(1)},
    )


def _import(client: TestClient, world: WebWorld, csrf: str, name: str, data: bytes, ctype: str):  # type: ignore[no-untyped-def]
    preview = _upload(client, world, csrf, name, data, ctype)
    assert preview.status_code == 200, preview.text[-2000:]
    if 'name="upload"' not in preview.text:  # the file changes nothing: no confirm form
        return preview
    return _confirm(client, world, csrf, preview.text)


def test_good_file_then_rerun(client: TestClient, world: WebWorld) -> None:
    csrf = page_login(client, "admin")
    before = _tasks(client, world)
    preview = _upload(client, world, csrf, "tasks.csv", GOOD.encode("utf-8"), "text/csv")
    assert preview.status_code == 200
    assert 'data-count="add">2<' in preview.text and "建设专利导航服务基地" in preview.text
    assert _tasks(client, world) == before  # the preview writes nothing
    r = _confirm(client, world, csrf, preview.text)
    assert r.status_code == 200
    assert 'data-count="created">2<' in r.text
    after = _tasks(client, world)
    assert set(after) - set(before) == {"2023-101", "2023-102"}
    assert after["2023-101"]["deadline"] == "2023-06-30"  # 6月底 in a 2023 work plan
    assert after["2023-102"]["deadline"] == "2023-09-30"  # 三季度: end of the quarter
    assert after["2023-101"]["co_unit_ids"] == [world["unit_b"]]
    # Existing tasks not in the file are kept and reported.
    assert 'data-count="not_in_file">3<' in r.text
    assert "2023-001, 2023-002, 2023-003" in r.text
    again = _upload(client, world, csrf, "tasks.csv", GOOD.encode("utf-8"), "text/csv")
    assert again.status_code == 200
    assert 'data-count="add">0<' in again.text
    assert 'data-count="update">0<' in again.text
    assert 'data-count="unchanged">2<' in again.text
    assert 'name="upload"' not in again.text  # nothing to confirm
    # Replaying the first confirmation: the upload was used up.
    replay = _confirm(client, world, csrf, preview.text)
    assert replay.status_code == 409 and "重新上传" in replay.text
    assert {c: t["version"] for c, t in _tasks(client, world).items()} == {
        c: t["version"] for c, t in after.items()
    }


def test_bad_rows_write_nothing_and_list_every_error(client: TestClient, world: WebWorld) -> None:
    csrf = page_login(client, "admin")
    before = _tasks(client, world)
    r = _upload(client, world, csrf, "bad.csv", BAD.encode("utf-8"), "text/csv")
    assert r.status_code == 422
    assert "未导入任何数据" in r.text
    # Row numbers as Excel shows them (header = row 1): the bad rows are 3 and 4.
    assert re.search(r"<td>3 <small>[^<]*2[^<]*</small></td><td>牵头单位</td>", r.text)
    assert "不存在的局" in r.text
    assert re.search(r"<td>4 <small>[^<]*3[^<]*</small></td><td>完成时限</td>", r.text)
    assert "某个时候" in r.text
    assert _tasks(client, world) == before  # the good row 2 was not written either


def test_gb18030_csv_and_xlsx(client: TestClient, world: WebWorld) -> None:
    csrf = page_login(client, "admin")
    r = _import(client, world, csrf, "gbk.csv", GOOD.encode("gb18030"), "text/csv")
    assert r.status_code == 200 and 'data-count="created">2<' in r.text
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "任务编号", "重点任务", "牵头单位", "配合单位", "完成时限"])
    ws.append([3, "2023-103", "表格导入的任务", "黄浦区", "", "年底"])
    buf = io.BytesIO()
    wb.save(buf)
    r = _import(
        client,
        world,
        csrf,
        "tasks.xlsx",
        buf.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert r.status_code == 200
    assert _tasks(client, world)["2023-103"]["lead_unit_id"] == world["unit_d"]


def test_export_then_import_changes_nothing(client: TestClient, world: WebWorld) -> None:
    csrf = page_login(client, "admin")
    exported = client.get(f"/work-plans/{world['wp']}/export?format=xlsx")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/vnd.openxmlformats")
    r = _upload(
        client,
        world,
        csrf,
        "export.xlsx",
        exported.content,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert r.status_code == 200
    assert 'data-count="add">0<' in r.text and 'data-count="update">0<' in r.text


def test_no_file_is_a_clear_error(client: TestClient, world: WebWorld) -> None:
    csrf = page_login(client, "admin")
    r = client.post(f"/work-plans/{world['wp']}/import", data={"csrf_token": csrf})
    assert r.status_code == 422
    assert "请选择要导入的文件" in r.text
