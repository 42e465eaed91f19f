"""Logins and tokens: bearer tokens for the API, rate limiting (429 + Retry-After), token
expiry and revocation, session cookies (HttpOnly, SameSite, Secure), logout."""

from __future__ import annotations

import time

import itsdangerous.timed
import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from ipcity.web.app import create_app
from ipcity.web.config import WebSettings
from ipcity.workspace.db import Database
from tests.support.web_world import (
    PASSWORD,
    TODAY,
    USERNAMES,
    WebWorld,
    api_token,
    csrf_of,
    page_login,
)


def test_token_flow(client: TestClient, world: WebWorld) -> None:
    r = client.post("/api/v1/auth/token", json={"username": "editor_a", "password": PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 12 * 3600
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json() == {
        "role": "unit_editor",
        "user_id": world["user_editor_a"],
        "username": "editor_a",
        "unit_id": world["unit_a"],
    }
    assert client.get("/api/v1/me").json()["role"] == "anonymous"


def test_bad_token_is_401_not_anonymous(client: TestClient, world: WebWorld) -> None:
    r = client.get("/api/v1/units", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401
    assert r.json()["error"] == "error.token_invalid"


def test_expired_token(
    client: TestClient, world: WebWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = itsdangerous.timed.TimestampSigner.get_timestamp
    # Issued 12 h + 1 s ago: one second past the 12-hour lifetime.
    monkeypatch.setattr(
        itsdangerous.timed.TimestampSigner,
        "get_timestamp",
        lambda self: int(time.time()) - 12 * 3600 - 1,
    )
    token = api_token(client, "editor_a")
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", real)
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and r.json()["error"] == "error.token_expired"


def test_password_reset_revokes_tokens_and_sessions(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    editor, admin = make_client(), make_client()
    token = api_token(editor, "editor_b")
    page_login(editor, "editor_b")
    assert editor.get("/inbox", follow_redirects=False).status_code == 200
    admin_h = {"Authorization": f"Bearer {api_token(admin, 'admin')}"}
    csrf = page_login(admin, "admin")
    r = admin.post(
        f"/admin/users/{world['user_editor_b']}/password",
        data={
            "csrf_token": csrf,
            "version": str(world["user_editor_b_v"]),
            "password": "a brand new password",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert editor.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert editor.get("/inbox", follow_redirects=False).status_code == 303  # logged out
    assert admin.get("/api/v1/me", headers=admin_h).status_code == 200


def test_disabled_user_is_logged_out(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    editor, admin = make_client(), make_client()
    page_login(editor, "editor_b")
    csrf = page_login(admin, "admin")
    r = admin.post(
        f"/admin/users/{world['user_editor_b']}",
        data={
            "csrf_token": csrf,
            "version": str(world["user_editor_b_v"]),
            "role": "unit_editor",
            "unit_id": str(world["unit_b"]),
            "active": "",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert editor.get("/inbox", follow_redirects=False).status_code == 303


def test_login_rate_limit_api_and_page(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    for _ in range(5):
        r = c.post(
            "/api/v1/auth/token", json={"username": "editor_a", "password": "wrong password"}
        )
        assert r.status_code == 401
        assert r.json()["error"] == "error.login_failed"
    locked = c.post("/api/v1/auth/token", json={"username": "editor_a", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["error"] == "error.login_locked"
    retry = int(locked.headers["Retry-After"])
    assert 0 < retry <= 15 * 60
    page = make_client()
    token = csrf_of(page)
    r = page.post(
        "/login", data={"username": "editor_a", "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 429
    assert r.headers["Retry-After"]
    assert "登录失败次数过多" in r.text


def test_wrong_password_page_message(client: TestClient, world: WebWorld) -> None:
    token = csrf_of(client)
    r = client.post(
        "/login", data={"username": "leader", "password": "nope nope", "csrf_token": token}
    )
    assert r.status_code == 401
    assert "用户名或密码错误" in r.text
    assert 'value="leader"' in r.text


def _set_cookie(response: object, name: str) -> str:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    return next(h for h in headers if h.startswith(name + "="))


def test_session_cookie_flags_over_http(client: TestClient, world: WebWorld) -> None:
    token = csrf_of(client)
    r = client.post(
        "/login",
        data={"username": "leader", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookie = _set_cookie(r, "ipcity_session")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP: a Secure cookie would never come back


def test_session_cookie_secure_over_https(web_app: FastAPI, world: WebWorld) -> None:
    with TestClient(web_app, base_url="https://testserver") as c:
        token = csrf_of(c)
        r = c.post(
            "/login",
            data={"username": "leader", "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert "Secure" in _set_cookie(r, "ipcity_session")


def test_session_cookie_secure_forced(database: Database, world: WebWorld) -> None:
    app = create_app(WebSettings(today=TODAY, cookie_secure=True), db=database)
    with TestClient(app) as c:
        r = c.get("/login")
        assert "Secure" in _set_cookie(r, "ipcity_session")


def test_logout_ends_the_session(client: TestClient, world: WebWorld) -> None:
    csrf = page_login(client, USERNAMES["leader"])
    assert client.get("/inbox", follow_redirects=False).status_code == 200
    r = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/inbox", follow_redirects=False).status_code == 303


def test_login_redirects_only_to_this_site(client: TestClient, world: WebWorld) -> None:
    token = csrf_of(client)
    r = client.post(
        "/login",
        data={
            "username": "leader",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/"


def test_security_headers(client: TestClient, world: WebWorld) -> None:
    r = client.get("/")
    assert r.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
