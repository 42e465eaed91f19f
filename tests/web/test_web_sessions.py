"""Server-side sessions (issue 10, problem 6): a cookie captured before logout, a password
change or an admin's "end all sessions" no longer opens anything; idle and absolute
timeouts; the settings that set them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from starlette.testclient import TestClient

from ipcity.errors import InputError
from ipcity.web.config import WebSettings
from ipcity.web.middleware import SESSION_COOKIE
from ipcity.workspace.auth_sessions import WebSession
from ipcity.workspace.db import Database
from ipcity.workspace.models import AuditEntry, utcnow
from tests.support.web_world import PASSWORD, USERNAMES, WebWorld, api_token, page_login

PROTECTED = ("/account", "/admin/users")


def _stolen(make_client, cookie: str) -> TestClient:  # type: ignore[no-untyped-def]
    """Another browser that replays a captured session cookie."""
    thief: TestClient = make_client()
    thief.cookies.set(SESSION_COOKIE, cookie)
    return thief


def _opens(client: TestClient, path: str) -> bool:
    return client.get(path, follow_redirects=False).status_code == 200


def test_logout_ends_the_session_everywhere(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    admin = make_client()
    csrf = page_login(admin, USERNAMES["admin"])
    captured = admin.cookies[SESSION_COOKIE]
    thief = _stolen(make_client, captured)
    assert all(_opens(thief, p) for p in PROTECTED)  # the copy works while logged in
    r = admin.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    r = thief.get("/account", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    # the replayed cookie is cleared, not refreshed
    assert any("Max-Age=0" in h for h in r.headers.get_list("set-cookie"))
    thief = _stolen(make_client, captured)
    r = thief.get("/admin/users", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_password_change_ends_other_sessions(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    me, other = make_client(), make_client()
    page_login(other, USERNAMES["admin"])
    captured = other.cookies[SESSION_COOKIE]
    csrf = page_login(me, USERNAMES["admin"])
    thief = _stolen(make_client, captured)
    assert _opens(thief, "/admin/users")
    r = me.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": PASSWORD,
            "new_password": "a brand new password",
            "repeat_password": "a brand new password",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert not any(_opens(thief, p) for p in PROTECTED)
    assert _opens(me, "/account")  # the browser that changed it stays logged in


def test_admin_ends_all_sessions_of_a_user(  # type: ignore[no-untyped-def]
    make_client, world: WebWorld, database: Database
) -> None:
    editor1, editor2, admin = make_client(), make_client(), make_client()
    page_login(editor1, "editor_b")
    page_login(editor2, "editor_b")
    token = api_token(editor1, "editor_b")
    bearer = {"Authorization": f"Bearer {token}"}
    captured = editor1.cookies[SESSION_COOKIE]
    assert _opens(editor1, "/account") and _opens(editor2, "/account")
    assert editor1.get("/api/v1/me", headers=bearer).json()["username"] == "editor_b"
    csrf = page_login(admin, USERNAMES["admin"])
    users_page = admin.get("/admin/users")
    assert "/sessions/end" in users_page.text
    r = admin.post(
        f"/admin/users/{world['user_editor_b']}/sessions/end",
        data={"csrf_token": csrf, "version": str(world["user_editor_b_v"])},
        follow_redirects=False,
    )
    assert r.status_code == 303
    for c in (editor1, editor2, _stolen(make_client, captured)):
        assert not _opens(c, "/account")
    assert editor1.get("/api/v1/me", headers=bearer).status_code == 401
    assert _opens(admin, "/admin/users")  # only that user's sessions
    with database.read() as s:
        assert s.scalars(select(WebSession).where(
            WebSession.user_id == world["user_editor_b"])).all() == []  # fmt: skip
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "user.end_sessions")).one()
        assert entry.entity_id == str(world["user_editor_b"])
    # a stale version is refused (another admin changed the user meanwhile)
    r = admin.post(
        f"/admin/users/{world['user_editor_b']}/sessions/end",
        data={"csrf_token": csrf, "version": str(world["user_editor_b_v"])},
    )
    assert r.status_code == 409
    # the user can log in again
    assert page_login(editor1, "editor_b")


def test_unit_editor_cannot_end_sessions(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    editor = make_client()
    csrf = page_login(editor, "editor_a")
    r = editor.post(
        f"/admin/users/{world['user_editor_b']}/sessions/end",
        data={"csrf_token": csrf, "version": str(world["user_editor_b_v"])},
    )
    assert r.status_code == 403


@pytest.mark.parametrize("column", ["last_seen_at", "created_at"])
def test_idle_and_absolute_timeouts(  # type: ignore[no-untyped-def]
    make_client, world: WebWorld, database: Database, column: str
) -> None:
    c = make_client()
    page_login(c, USERNAMES["leader"])
    assert _opens(c, "/account")
    settings = WebSettings()
    # Age the session past the idle timeout (last request 31 min ago) or past the absolute
    # one (logged in 12 h + 1 min ago, used just now): the clock is the row's, not a sleep.
    past = {
        "last_seen_at": utcnow() - timedelta(seconds=settings.session_idle + 60),
        "created_at": utcnow() - timedelta(seconds=settings.session_max_age + 60),
    }[column]
    with database.write() as s:
        s.execute(update(WebSession).values({column: past}))
    assert not _opens(c, "/account")


def test_use_keeps_an_idle_session_alive(  # type: ignore[no-untyped-def]
    make_client, world: WebWorld, database: Database
) -> None:
    c = make_client()
    page_login(c, USERNAMES["leader"])
    almost = utcnow() - timedelta(seconds=WebSettings().session_idle - 120)
    with database.write() as s:
        s.execute(update(WebSession).values(last_seen_at=almost))
    assert _opens(c, "/account")  # within the idle time: used now, so touched
    with database.read() as s:
        seen = s.scalars(select(WebSession.last_seen_at)).one()
    assert seen > almost


def test_session_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPCITY_SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("IPCITY_SESSION_MAX_HOURS", "8")
    s = WebSettings.from_env()
    assert (s.session_idle, s.session_max_age) == (15 * 60, 8 * 3600)
    assert s.session_policy.idle == timedelta(minutes=15)
    for bad in ("0", "-1", "abc", "99999"):
        monkeypatch.setenv("IPCITY_SESSION_IDLE_MINUTES", bad)
        with pytest.raises(InputError, match="IPCITY_SESSION_IDLE_MINUTES"):
            WebSettings.from_env()


def test_cookie_without_server_side_session_is_anonymous(  # type: ignore[no-untyped-def]
    make_client, world: WebWorld, database: Database
) -> None:
    c = make_client()
    page_login(c, USERNAMES["admin"])
    with database.write() as s:
        s.execute(WebSession.__table__.delete())
    assert not _opens(c, "/admin/users")


def test_log_out_everywhere_else(make_client, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    here, laptop = make_client(), make_client()
    page_login(laptop, "editor_a")
    csrf = page_login(here, "editor_a")
    token = api_token(laptop, "editor_a")
    assert "您当前有 2 个登录会话" in here.get("/account").text
    r = here.post("/account/sessions/end", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert not _opens(laptop, "/account")
    assert laptop.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert _opens(here, "/account")  # this browser stays logged in, with a new session
