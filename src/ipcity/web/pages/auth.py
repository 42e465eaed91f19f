"""Log in, log out, and the account page (change one's own password, log out everywhere
else)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.requests import Request

from ipcity.web.deps import Db, Settings, View
from ipcity.web.forms import attempt
from ipcity.web.i18n import _, current_locale, ws_locale
from ipcity.web.routing import page_router
from ipcity.web.security import client_address, end_session, start_session
from ipcity.web.templating import add_flash, render_page
from ipcity.workspace import auth, queries
from ipcity.workspace.actions import do_set_password
from ipcity.workspace.auth_sessions import count_sessions, do_end_user_sessions, end_sessions_of
from ipcity.workspace.errors import AuthError, LoginLocked, WorkspaceError, invalid
from ipcity.workspace.permissions import ANONYMOUS

router = page_router()


def safe_next(target: str | None) -> str:
    """Only a path on this site (no //host, no scheme): no open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    request.state.actor = ANONYMOUS
    return render_page(request, "auth/login.html", {"next": safe_next(next), "username": ""})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    db: Db,
    settings: Settings,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    request.state.actor = ANONYMOUS
    try:
        actor = auth.authenticate(db, username, password, client=client_address(request))
    except AuthError as exc:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, LoginLocked) else {}
        return render_page(
            request,
            "auth/login.html",
            {
                "next": safe_next(next),
                "username": username,
                "error": exc.message(ws_locale(current_locale())),
            },
            status_code=exc.http_status,
            headers=headers,
        )
    assert actor.user_id is not None
    with db.write() as session:
        user = queries.get_user(session, actor, actor.user_id)
        start_session(request, session, settings.session_policy, actor, user.password_hash)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, db: Db) -> Response:
    """Ends the session on the server too: a copy of the cookie no longer opens anything."""
    with db.write() as session:
        end_session(request, session)
    return RedirectResponse("/", status_code=303)


@router.get("/account", response_class=HTMLResponse)
def account(v: View) -> Response:
    if not v.actor.is_authenticated:
        return RedirectResponse("/login?next=/account", status_code=303)
    assert v.actor.user_id is not None
    return _account_page(v)


def _account_page(v: View, error: WorkspaceError | None = None, status_code: int = 200) -> Response:
    assert v.actor.user_id is not None
    user = queries.get_user(v.session, v.actor, v.actor.user_id)
    unit = queries.get_unit(v.session, v.actor, user.unit_id) if user.unit_id else None
    sessions = count_sessions(v.session, user.id, v.settings.session_policy)
    return v.render(
        "auth/account.html",
        {"user": user, "unit": unit, "sessions": sessions, "error": error},
        status_code=status_code,
    )


@router.post("/account/sessions/end", response_class=HTMLResponse)
def end_other_sessions(v: View) -> Response:
    """Log out everywhere else (a laptop left logged in): every session and API token of the
    user ends; this browser gets a fresh session. No version: nothing the user saw is edited."""
    if not v.actor.is_authenticated or v.actor.user_id is None:
        return RedirectResponse("/login?next=/account", status_code=303)
    uid = v.actor.user_id
    current = queries.get_user(v.session, v.actor, uid).version
    outcome = attempt(
        v.session,
        lambda: do_end_user_sessions(v.session, v.actor, uid, expected_version=current),
    )
    if outcome.error is not None or outcome.value is None:
        assert outcome.error is not None
        return _account_page(v, outcome.error, outcome.error.http_status)
    user = outcome.value
    start_session(v.request, v.session, v.settings.session_policy, v.actor, user.password_hash)
    add_flash(v.request, _("Your other sessions and your API tokens have ended."))
    return RedirectResponse("/account", status_code=303)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    v: View,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    repeat_password: Annotated[str, Form()] = "",
) -> Response:
    if not v.actor.is_authenticated:
        return RedirectResponse("/login?next=/account", status_code=303)
    assert v.actor.user_id is not None
    user = queries.get_user(v.session, v.actor, v.actor.user_id)

    def change() -> None:
        if not auth.verify_password(user.password_hash, current_password):
            raise invalid("current_password", "error.login_failed")
        if new_password != repeat_password:
            raise invalid(
                "repeat_password", "field.invalid_format", hint=_("the same password twice")
            )
        do_set_password(
            v.session,
            v.actor,
            user.id,
            expected_version=user.version,
            new_password=new_password,
        )

    outcome = attempt(v.session, change)
    if outcome.error is not None:
        return _account_page(v, outcome.error, outcome.error.http_status)
    # The session is tied to the password: every other session of the user ends (the
    # fingerprint no longer matches); this one starts afresh with the new fingerprint.
    end_sessions_of(v.session, user.id)
    start_session(v.request, v.session, v.settings.session_policy, v.actor, user.password_hash)
    add_flash(v.request, _("Your password was changed."))
    return RedirectResponse("/account", status_code=303)
