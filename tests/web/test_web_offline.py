"""Every asset is served by the app itself: no page refers to another host, and every script
and stylesheet a page refers to is served."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.support.web_permission_table import ROWS
from tests.support.web_world import USERNAMES, WebWorld, fill, page_login

ASSET = re.compile(r"<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)\s*=\s*[\"']([^\"']+)")
ANY_URL = re.compile(r"\b(?:src|href|action)\s*=\s*[\"']([^\"']+)")
EXTERNAL = re.compile(r"^(?:https?:)?//", re.I)

PAGE_ROWS = [
    r
    for r in ROWS
    if r.method == "GET"
    and not r.is_api
    and not r.route.startswith(("/static", "/files"))
    and not r.route.endswith(("/export", ".csv", "/download"))
    and r.route != "/openapi.json"
]


def _pages(client: TestClient, world: WebWorld) -> dict[str, str]:
    out = {}
    for row in PAGE_ROWS:
        url = row.route.format(**{k: world[v] for k, v in row.params.items()})
        if row.query:
            url += "?" + fill(row.query, world.ids)
        r = client.get(url)
        if r.status_code == 200 and r.headers["content-type"].startswith("text/html"):
            out[url] = r.text
    return out


def test_no_page_refers_to_another_host(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    seen = 0
    for role in ("anonymous", "admin", "editor_lead"):
        c = make_client()
        if role != "anonymous":
            page_login(c, USERNAMES[role])
        for url, html in _pages(c, world).items():
            seen += 1
            external = [u for u in ANY_URL.findall(html) if EXTERNAL.match(u)]
            assert not external, f"{role} {url}: {external}"
            assets = ASSET.findall(html)
            for a in assets:
                assert a.startswith("/"), f"{url}: {a}"
    assert seen >= 40


def test_every_referenced_asset_is_served(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    page_login(c, "admin")
    assets: set[str] = set()
    for html in _pages(c, world).values():
        assets.update(a for a in ASSET.findall(html) if a.startswith("/static/"))
    assert {
        "/static/app.css",
        "/static/htmx.min.js",
        "/static/app.js",
        "/static/plotly.min.js",
    } <= assets
    for a in sorted(assets):
        r = c.get(a)
        assert r.status_code == 200, a
        assert len(r.content) > 100, a


def test_vendor_scripts_come_from_the_installed_packages(
    client: TestClient, world: WebWorld
) -> None:
    htmx = client.get("/static/htmx.min.js")
    assert b"htmx" in htmx.content[:5000]
    assert htmx.headers["cache-control"].startswith("public")
    plotly = client.get("/static/plotly.min.js")
    assert plotly.headers.get("content-encoding") == "gzip"  # compressed once, kept
    assert b"plotly" in plotly.content[:2000].lower()
    plain = client.get("/static/plotly.min.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert len(plain.content) > 3_000_000


def test_openapi_has_no_cdn_docs(client: TestClient, world: WebWorld) -> None:
    # /docs is Swagger UI from local assets (test_web_openapi.py); FastAPI's own pages, which
    # load their scripts from a CDN, stay off.
    docs = client.get("/docs")
    assert docs.status_code == 200 and "http://" not in docs.text and "https://" not in docs.text
    assert client.get("/redoc").status_code == 404
    spec = client.get("/openapi.json").json()
    assert "/api/v1/tasks/{task_id}" in spec["paths"]
    assert "/tasks/{task_id}" not in spec["paths"]  # pages are not part of the API
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
