"""Issue 10, problem 1 (the server): while a unit editor's large upload is being read and
checked, the office's task PATCH and a login answer normally, on SQLite (one write lock for the
whole database) and on PostgreSQL. A real server (uvicorn in a thread) and real HTTP clients.

The upload is held in the middle of being processed (its sheet is being read) until the other
two requests have answered: the test observes the order through two events, so it checks
correctness, not timing. Before the fix the upload's request held SQLite's write transaction
while it read the sheet: the PATCH failed with "database is locked" (500) after 30 s."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import openpyxl
import pytest
from fastapi import FastAPI

from ipcity.workspace import excel_io
from tests.support.live_server import live_server
from tests.support.web_world import PASSWORD, WebWorld

ROWS = 3_000
HEADER = ["序号", "案号", "案件类型", "知识产权类型", "案由", "立案日期", "原告", "被告"]


def big_case_sheet() -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("案件")
    ws.append(["2023年案件登记表"])
    ws.append(HEADER)
    for i in range(1, ROWS + 1):
        ws.append(
            [i, f"(2023)沪0101民初{i}号", "民事", "专利", "专利纠纷", "2023-03-01", "甲", "乙"]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def server(web_app: FastAPI, world: WebWorld) -> Iterator[str]:
    with live_server(web_app) as base:
        yield base


def token(base: str, username: str) -> str:
    r = httpx.post(f"{base}/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def test_patch_and_login_answer_while_an_upload_is_processed(
    server: str, world: WebWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = big_case_sheet()
    editor, office = token(server, "editor_a"), token(server, "admin")
    reading = threading.Event()  # the upload's sheet is being read
    release = threading.Event()  # the test lets it go on
    real_read_rows = excel_io.read_rows

    def held_read_rows(*args: Any, **kwargs: Any) -> Any:
        reading.set()
        assert release.wait(timeout=120), "the test never released the upload"
        return real_read_rows(*args, **kwargs)

    monkeypatch.setattr(excel_io, "read_rows", held_read_rows)
    upload: dict[str, httpx.Response] = {}

    def send_upload() -> None:
        upload["response"] = httpx.post(
            f"{server}/api/v1/cases/import",
            headers={"Authorization": f"Bearer {editor}"},
            files={"file": ("cases.xlsx", sheet, "application/octet-stream")},
            timeout=300,
        )

    uploader = threading.Thread(target=send_upload)
    uploader.start()
    try:
        assert reading.wait(timeout=60), "the upload never reached the reader"
        # The office edits a task while the upload is held mid-read ...
        h = {"Authorization": f"Bearer {office}"}
        url = f"{server}/api/v1/tasks/{world['t1']}"
        version = httpx.get(url, headers=h).json()["version"]
        patched = httpx.patch(
            url, headers=h, json={"version": version, "title": "改名"}, timeout=120
        )
        # ... and someone logs in.
        with httpx.Client(base_url=server, timeout=120) as c:
            page = c.get("/login")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert csrf
            login = c.post(
                "/login",
                data={
                    "username": "leader",
                    "password": PASSWORD,
                    "csrf_token": csrf.group(1),
                    "next": "/",
                },
            )
        # Both answered while the upload was still being processed.
        assert uploader.is_alive() and "response" not in upload
    finally:
        release.set()
        uploader.join(timeout=300)
    assert patched.status_code == 200, patched.text[:300]
    assert patched.json()["title"] == "改名"
    assert login.status_code == 303, login.text[:300]
    assert upload["response"].status_code == 200, upload["response"].text[:500]
    assert len(upload["response"].json()["created"]) == ROWS
