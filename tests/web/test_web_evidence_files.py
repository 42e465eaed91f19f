"""Uploaded files (issue 10, problem 8): served as application/octet-stream attachments
under a sanitised name, stored under a generated name, type and size checked on upload
against the allow-list (IPCITY_UPLOAD_TYPES, IPCITY_UPLOAD_MAX_MB)."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import update
from starlette.testclient import TestClient

from ipcity.errors import InputError
from ipcity.workspace.db import Database
from ipcity.workspace.models import EvidenceBlob, RevisionFile
from ipcity.workspace.uploads import allowed_types, content_disposition, safe_filename
from tests.support.web_world import WebWorld, api_token, page_login

EVIL = "../../../etc/evil<script>.html"


def _report(client: TestClient, world: WebWorld, csrf: str, files: dict) -> object:  # type: ignore[type-arg]
    return client.post(
        f"/tasks/{world['t3']}/reports",
        data={
            "csrf_token": csrf,
            "unit_id": str(world["unit_a"]),
            "period": "2023年9月",
            "percent": "80",
            "narrative": "完成八成",
            "action": "submit",
        },
        files=files,
        follow_redirects=False,
    )


def _evidence_ids(client: TestClient, world: WebWorld) -> list[int]:
    h = {"Authorization": f"Bearer {api_token(client, 'admin')}"}
    reports = client.get(f"/api/v1/reports?task_id={world['t3']}", headers=h).json()
    out = []
    for rep in reports:
        hist = client.get(f"/api/v1/reports/{rep['id']}", headers=h).json()
        out += [f["id"] for rev in hist["revisions"] for f in rev["files"]]
    return out


def test_html_upload_is_refused(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    editor = make_client()
    csrf = page_login(editor, "editor_a")
    before = _evidence_ids(make_client(), world)
    r = _report(editor, world, csrf, {"files": (EVIL, b"<script>alert(1)</script>", "text/html")})
    assert r.status_code == 422
    assert "不接受此类文件" in r.text and "evil_script_.html" in r.text
    assert "<script>alert" not in r.text
    assert _evidence_ids(make_client(), world) == before  # nothing stored


def test_allowed_upload_with_a_hostile_name_and_type(  # type: ignore[no-untyped-def]
    make_client, world: WebWorld, database: Database
) -> None:
    editor = make_client()
    csrf = page_login(editor, "editor_a")
    data = b"%PDF-1.4 a report"
    name = "../../../etc/evil<script>.pdf"
    r = _report(editor, world, csrf, {"files": (name, data, "text/html")})
    assert r.status_code == 303, r.text[:500]
    (file_id,) = _evidence_ids(make_client(), world)
    f = editor.get(f"/files/{file_id}")
    assert f.status_code == 200 and f.content == data
    assert f.headers["content-type"] == "application/octet-stream"
    assert f.headers["x-content-type-options"] == "nosniff"
    cd = f.headers["content-disposition"]
    assert cd == "attachment; filename=\"evil_script_.pdf\"; filename*=UTF-8''evil_script_.pdf"
    with database.read() as s:
        row = s.get(RevisionFile, file_id)
        assert row is not None
        assert (row.filename, row.content_type) == ("evil_script_.pdf", "application/pdf")
        # stored under a generated name: the content's SHA-256, not the uploader's name
        assert row.blob_sha256 == hashlib.sha256(data).hexdigest()
        assert s.get(EvidenceBlob, row.blob_sha256) is not None


def test_a_stored_hostile_name_is_sanitised_on_download(  # type: ignore[no-untyped-def]
    make_client, world: WebWorld, database: Database
) -> None:
    # Files stored before the fix kept the uploader's name and type: still served safely.
    editor = make_client()
    csrf = page_login(editor, "editor_a")
    assert _report(editor, world, csrf, {"files": ("a.txt", b"x", "text/plain")}).status_code == 303
    (file_id,) = _evidence_ids(make_client(), world)
    with database.write() as s:
        s.execute(update(RevisionFile).values(filename=EVIL, content_type="text/html"))
    f = editor.get(f"/files/{file_id}")
    assert f.headers["content-type"] == "application/octet-stream"
    assert f.headers["content-disposition"].startswith('attachment; filename="evil_script_.html"')
    assert "/" not in f.headers["content-disposition"].split("filename*=")[1]


def test_chinese_names_use_rfc5987() -> None:
    cd = content_disposition("2023年/进展\r\n报告.docx")
    assert cd == (
        'attachment; filename="download.docx"; '
        "filename*=UTF-8''%E8%BF%9B%E5%B1%95%E6%8A%A5%E5%91%8A.docx"
    )
    assert "\r" not in cd and "\n" not in cd


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\Users\\x\\议程.docx", "议程.docx"),
        ("../../a/b/../c.pdf", "c.pdf"),
        ("..", "file"),
        ("   ", "file"),
        ("a\x00b\x1fc\u200bd.txt", "abcd.txt"),
        ('re:port|"1"?*.xlsx', "re_port__1___.xlsx"),
        (".hidden.pdf", "hidden.pdf"),
        ("name.pdf. . ", "name.pdf"),
        ("长" * 300 + ".pdf", "长" * 196 + ".pdf"),
    ],
)
def test_safe_filename(raw: str, clean: str) -> None:
    assert safe_filename(raw) == clean


def test_upload_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "pdf" in allowed_types() and "html" not in allowed_types()
    monkeypatch.setenv("IPCITY_UPLOAD_TYPES", "pdf, .DOCX")
    assert allowed_types() == {"pdf", "docx"}
    monkeypatch.setenv("IPCITY_UPLOAD_TYPES", "pdf,html")
    with pytest.raises(InputError, match="html"):
        allowed_types()


def test_type_and_size_settings_apply_to_uploads(  # type: ignore[no-untyped-def]
    make_client, world: WebWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = make_client()
    csrf = page_login(editor, "editor_a")
    monkeypatch.setenv("IPCITY_UPLOAD_TYPES", "pdf")
    r = _report(editor, world, csrf, {"files": ("notes.txt", b"x", "text/plain")})
    assert r.status_code == 422 and "可上传：pdf" in r.text
    monkeypatch.setenv("IPCITY_UPLOAD_MAX_MB", "1")
    big = b"%PDF" + b"0" * (1024 * 1024)
    r = _report(editor, world, csrf, {"files": ("big.pdf", big, "application/pdf")})
    assert r.status_code == 413


def test_meeting_material_of_a_forbidden_type_is_refused() -> None:
    from ipcity.meetings.actions import Attachment
    from ipcity.meetings.actions._shared import check_attachment
    from ipcity.workspace.errors import ValidationError

    with pytest.raises(ValidationError, match="not accepted"):
        check_attachment(Attachment(EVIL, "text/html", b"<script>"))
    check_attachment(Attachment("纪要.docx", "text/html", b"PK"))  # allowed: no error
