"""Passwords (argon2), rate-limited logins, signed API tokens, the stored secret."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from ipcity.workspace import actions as A
from ipcity.workspace import auth
from ipcity.workspace.errors import (
    LoginFailed,
    LoginLocked,
    TokenExpired,
    TokenInvalid,
    UserInactive,
    ValidationError,
)
from ipcity.workspace.models import Setting, User
from tests.support.ws_fixtures import PASSWORD, World

T0 = datetime(2024, 3, 1, 9, 0, 0)


def test_hash_is_argon2_and_never_the_password(world: World) -> None:
    with world.db.read() as s:
        user = s.scalar(select(User).where(User.username == "admin"))
        assert user is not None
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        assert "password_hash" not in user.as_dict()
    with world.db.write() as s, pytest.raises(ValidationError) as info:
        A.do_create_user(s, world.admin, {"username": "short", "role": "leader"}, password="123")
    assert info.value.errors[0].key == "field.weak_password"


def test_authenticate(world: World) -> None:
    actor = auth.authenticate(world.db, " Admin ", PASSWORD, client="10.0.0.1", now=T0)
    assert actor.username == "admin" and actor.role == "office_admin"
    with pytest.raises(LoginFailed):
        auth.authenticate(world.db, "admin", "wrong", client="10.0.0.1", now=T0)
    with pytest.raises(LoginFailed):
        auth.authenticate(world.db, "nobody", PASSWORD, client="10.0.0.1", now=T0)
    with world.db.write() as s:
        A.do_update_user(
            s, world.admin, world.leader.user_id, expected_version=1, changes={"active": False}
        )
    with pytest.raises(UserInactive):
        auth.authenticate(world.db, "leader", PASSWORD, client="x", now=T0)


def test_lockout_after_five_failures_per_client(world: World) -> None:
    db = world.db
    for i in range(5):
        with pytest.raises(LoginFailed):
            auth.authenticate(
                db, "editor_a", "bad", client="1.1.1.1", now=T0 + timedelta(minutes=i)
            )
    # Sixth try at T0+5min, even with the right password: locked. The oldest of the five
    # failures was at T0, so the lock lifts at T0+15min: 10 minutes = 600 s from now.
    with pytest.raises(LoginLocked) as info:
        auth.authenticate(db, "editor_a", PASSWORD, client="1.1.1.1", now=T0 + timedelta(minutes=5))
    assert info.value.retry_after == 600
    assert info.value.http_status == 429
    assert info.value.message("en") == "too many failed logins; try again in 10 minutes"
    # Another client is not locked by these failures.
    assert auth.authenticate(
        db, "editor_a", PASSWORD, client="2.2.2.2", now=T0 + timedelta(minutes=5)
    )
    # Just before T0+15min still locked; at T0+15min the first failure has left the window.
    with pytest.raises(LoginLocked) as info:
        auth.authenticate(
            db, "editor_a", PASSWORD, client="1.1.1.1", now=T0 + timedelta(minutes=14, seconds=59)
        )
    assert info.value.retry_after == 1
    assert auth.authenticate(
        db, "editor_a", PASSWORD, client="1.1.1.1", now=T0 + timedelta(minutes=15)
    )


def test_success_resets_client_count(world: World) -> None:
    db = world.db
    for i in range(4):
        with pytest.raises(LoginFailed):
            auth.authenticate(db, "editor_b", "bad", client="c", now=T0 + timedelta(seconds=i))
    auth.authenticate(db, "editor_b", PASSWORD, client="c", now=T0 + timedelta(seconds=10))
    for i in range(4):  # four more: 8 failures in the window, but only 4 since the success
        with pytest.raises(LoginFailed):
            auth.authenticate(db, "editor_b", "bad", client="c", now=T0 + timedelta(seconds=20 + i))
    assert auth.authenticate(db, "editor_b", PASSWORD, client="c", now=T0 + timedelta(seconds=30))


def test_lockout_per_user_across_clients(world: World) -> None:
    db = world.db
    for i in range(auth.MAX_FAILURES_PER_USER):
        with pytest.raises(LoginFailed):
            auth.authenticate(
                db, "leader", "bad", client=f"10.0.0.{i}", now=T0 + timedelta(seconds=i)
            )
    with pytest.raises(LoginLocked):
        auth.authenticate(
            db, "leader", PASSWORD, client="fresh-client", now=T0 + timedelta(seconds=30)
        )


def test_tokens(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from itsdangerous.timed import TimestampSigner

    db = world.db
    clock = [1_700_000_000]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: clock[0])
    with db.write() as s:
        token = auth.issue_token(s, world.editor_a.user_id)  # type: ignore[arg-type]
    with db.read() as s:
        assert auth.verify_token(s, token).username == "editor_a"
        with pytest.raises(TokenInvalid):
            auth.verify_token(s, token[:-2] + "xx")
    # Exactly TOKEN_MAX_AGE (12 h) later it still works; one second more and it has expired.
    clock[0] += auth.TOKEN_MAX_AGE
    with db.read() as s:
        assert auth.verify_token(s, token).username == "editor_a"
    clock[0] += 1
    with db.read() as s, pytest.raises(TokenExpired):
        auth.verify_token(s, token)
    clock[0] -= auth.TOKEN_MAX_AGE
    # Changing the password revokes the token.
    with db.write() as s:
        A.do_set_password(
            s,
            world.editor_a,
            world.editor_a.user_id,
            expected_version=1,
            new_password="a new long password",
        )  # type: ignore[arg-type]
    with db.read() as s, pytest.raises(TokenInvalid):
        auth.verify_token(s, token)


def test_secret_generated_once_and_kept(world: World) -> None:
    with world.db.read() as s:
        assert s.get(Setting, auth.SECRET_SETTING) is None
    first = auth.ensure_secret_key(world.db)
    second = auth.ensure_secret_key(world.db)
    assert first == second and len(first) >= 48
    with world.db.read() as s:
        assert s.get(Setting, auth.SECRET_SETTING).value == first  # type: ignore[union-attr]


def test_last_admin_cannot_be_disabled_and_load_actor(world: World) -> None:
    from ipcity.workspace.errors import ValidationError as VE

    w = world
    with w.db.write() as s, pytest.raises(VE) as info:
        A.do_update_user(s, w.admin, w.admin.user_id, expected_version=1, changes={"active": False})  # type: ignore[arg-type]
    assert info.value.errors[0].key == "field.last_admin"
    with w.db.write() as s:
        A.do_update_user(
            s, w.admin, w.leader.user_id, expected_version=1, changes={"role": "office_admin"}
        )  # type: ignore[arg-type]
        A.do_update_user(
            s, w.admin, w.admin.user_id, expected_version=1, changes={"role": "leader"}
        )  # type: ignore[arg-type]
    with w.db.read() as s:
        assert auth.load_actor(s, w.admin.user_id).role == "leader"  # type: ignore[arg-type]
        with pytest.raises(TokenInvalid):
            auth.load_actor(s, 9999)
