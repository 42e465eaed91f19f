"""Issue 12, item 11: every page in one language. The crawl of ``test_web_crawl`` (every GET
page route, real ids from the demo joint conference) as the office, a unit editor, the leader
and an anonymous visitor, in Chinese and in English: an English page shows no Chinese, a
Chinese page no English word outside a short list of proper terms, and no page an internal word
(engine, warehouse, ids, permission or field names, raw keys). Values typed by users or held
in one language only are exempt only where the template marks them (``data-value`` or
``lang``), see ``i18n_scan``. Then the same for the error messages of forms and of the API,
with a few bad inputs each.
"""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI

from ipcity.workspace.db import Database
from tests.support.i18n_scan import page_problems, text_problems
from tests.support.web_world import wipe
from tests.web.test_web_crawl import ROLES, Crawl, _client, _demo, _get, _urls, server  # noqa: F401

LANGS = {"zh": "zh-CN", "en": "en"}
# Files, not pages: their language is checked by the report and export tests.
NOT_A_PAGE = re.compile(r"^/api/|^/static/|export|download|/files/|\.(xlsx|csv|pdf|docx|json)$")


@pytest.fixture
def crawl(database: Database) -> Crawl:
    wipe(database)
    return Crawl("demo", _demo(database))


def _with_lang(url: str, lang: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang={LANGS[lang]}"


def _is_html(r: httpx.Response) -> bool:
    return r.headers.get("content-type", "").startswith("text/html")


def test_every_page_speaks_one_language(
    server: str,  # noqa: F811
    web_app: FastAPI,
    database: Database,
    crawl: Crawl,
) -> None:
    urls = sorted({url for route, url, absurd in _urls(web_app, database) if not absurd})
    urls = [u for u in urls if not NOT_A_PAGE.search(u)]
    seen = 0
    found: dict[str, list[str]] = {}
    for role in ROLES:
        c = _client(server, crawl, role)
        try:
            for lang in LANGS:
                for url in urls:
                    r = _get(c, _with_lang(url, lang))
                    if 300 <= r.status_code < 400 or not _is_html(r):
                        continue
                    seen += 1
                    for p in page_problems(r.text, lang):
                        found.setdefault(p, []).append(f"{role}/{lang} {url}")
        finally:
            c.close()
    assert seen > 100, f"only {seen} pages crawled"
    report = [f"{p}\n      on {', '.join(where[:3])}" for p, where in sorted(found.items())]
    assert not found, f"{len(found)} problems:\n" + "\n".join(report)


# --- error messages of the API and of the forms ------------------------------------------

API_BAD = [
    ("GET", "/api/v1/tasks/999999", None),
    ("GET", "/api/v1/reports/999999", None),
    ("GET", "/api/v1/units/999999", None),
    ("GET", "/api/v1/tasks?year=0", None),
    ("POST", "/api/v1/units", {"code": "", "name": ""}),
    ("POST", "/api/v1/units", {"code": "X1"}),
    ("POST", "/api/v1/tasks", {"title": "x"}),
    ("POST", "/api/v1/reports", {"task_id": 999999, "period": "2023-Q9", "percent": 140}),
    ("POST", "/api/v1/reports", {"percent": "abc"}),
]


def _messages(body: object) -> list[str]:
    """Every text a user may read in an ``ErrorOut``: the message and each field's message."""
    if not isinstance(body, dict):
        return [str(body)]
    out = [str(body.get("message", ""))]
    for err in body.get("errors") or []:
        if isinstance(err, dict) and err.get("message"):
            out.append(str(err["message"]))
    return out


@pytest.mark.parametrize("lang", list(LANGS))
def test_api_errors_speak_the_users_language(
    server: str,  # noqa: F811
    crawl: Crawl,
    lang: str,
) -> None:
    found: list[str] = []
    for role in ("office", "unit_editor", "anonymous"):
        c = _client(server, crawl, role)
        token = c.headers.get("X-Api-Token")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers["Accept-Language"] = LANGS[lang]
        try:
            for method, url, body in API_BAD:
                r = c.request(method, _with_lang(url, lang), json=body, headers=headers)
                assert r.status_code < 500, (role, method, url, r.status_code, r.text[:200])
                if r.status_code < 400:
                    continue
                assert r.headers["content-type"].startswith("application/json"), (url, r.text)
                texts = _messages(r.json())
                assert texts[0], (role, url, r.text)
                for p in text_problems(texts, lang):
                    found.append(f"{role} {method} {url} -> {r.status_code}: {p}")
        finally:
            c.close()
    assert not found, "\n".join(found)


def _csrf(c: httpx.Client, url: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', c.get(url).text)
    assert m, url
    return m.group(1)


def _first_task_id(c: httpx.Client) -> str:
    m = re.search(r'href="/tasks/(\d+)"', c.get("/tasks").text)
    assert m, "no task on /tasks"
    return m.group(1)


@pytest.mark.parametrize("lang", list(LANGS))
def test_form_errors_speak_the_users_language(
    server: str,  # noqa: F811
    crawl: Crawl,
    lang: str,
) -> None:
    """A few bad inputs per form, as the role that may use it: the page that answers (the
    form again with its errors, or an error page) is checked like a crawled page."""
    found: list[str] = []
    editor = _client(server, crawl, "unit_editor")
    office = _client(server, crawl, "office")
    anonymous = _client(server, crawl, "anonymous")
    try:
        task = _first_task_id(editor)
        cases: list[tuple[httpx.Client, str, str, dict[str, str]]] = [
            (anonymous, "/login", "/login", {"username": "nobody", "password": "wrong"}),
            (anonymous, "/login", "/login", {"username": "", "password": ""}),
            (editor, f"/tasks/{task}", f"/tasks/{task}/reports", {"percent": "abc"}),
            (editor, f"/tasks/{task}", f"/tasks/{task}/reports", {"percent": "140"}),
            (editor, f"/tasks/{task}", f"/tasks/{task}/reports", {"period": "2023-Q9"}),
            (office, "/admin/units", "/admin/units", {"code": "", "name": ""}),
            (office, "/admin/users", "/admin/users", {"username": "", "role": "nobody"}),
            (office, "/account", "/account/password", {"old": "x", "new": "y"}),
        ]
        for c, form_page, action, data in cases:
            token = _csrf(c, _with_lang(form_page, lang))
            r = c.post(_with_lang(action, lang), data={**data, "csrf_token": token})
            if r.status_code in (302, 303):
                r = c.get(r.headers["location"])
            assert r.status_code < 500, (action, data, r.status_code, r.text[:300])
            if not _is_html(r):
                continue
            for p in page_problems(r.text, lang):
                found.append(f"POST {action} {data} -> {r.status_code}: {p}")
    finally:
        for c in (editor, office, anonymous):
            c.close()
    assert not found, "\n".join(found)
