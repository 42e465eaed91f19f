"""Administration (office admins; leaders may look): member units, users (create, disable,
role, reset password, end all sessions), plans and work plans (create, publish), supervision,
actuals refresh."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ipcity.web.deps import View
from ipcity.web.forms import attempt, page_again, run_then_redirect
from ipcity.web.i18n import N_, _, ws_locale
from ipcity.web.nav import NavItem, with_cap
from ipcity.web.params import DbId, form_version
from ipcity.web.routing import page_router
from ipcity.web.schemas.auth import UserForm
from ipcity.web.schemas.plans import PlanForm, WorkPlanForm
from ipcity.web.schemas.units import UnitForm
from ipcity.web.templating import add_flash
from ipcity.web.warehouse import maybe_warehouse
from ipcity.workspace import queries
from ipcity.workspace.actions import (
    do_create_plan,
    do_create_unit,
    do_create_user,
    do_create_work_plan,
    do_refresh_computed_actuals,
    do_run_supervision,
    do_set_password,
    do_update_plan,
    do_update_unit,
    do_update_user,
    do_update_work_plan,
)
from ipcity.workspace.auth import generate_password
from ipcity.workspace.auth_sessions import count_sessions, do_end_user_sessions, end_sessions_of
from ipcity.workspace.errors import WorkspaceError
from ipcity.workspace.permissions import USER_ROLES, Cap, require

router = page_router(prefix="/admin")
NAV = (
    NavItem(
        "/admin", N_("Administration"), order=80, visible=with_cap(Cap.VIEW_USERS), prefix="/admin"
    ),
)

UNIT_KINDS = ("office", "municipal", "district")


def _flag(value: str) -> bool:
    return value in ("1", "on", "true", "yes")


def _write_then_back(
    v: View,
    action: Callable[[], object],
    done: str,
    to: str,
    page: Callable[..., Response],
    **shown: Any,
) -> Response:
    """Run an admin write, then back to the page at ``to`` with ``done`` flashed; refused:
    ``page`` again with the error and ``shown`` (the input, the row being edited)."""
    return run_then_redirect(
        v.session,
        v.request,
        action,
        done=done,
        to=to,
        refused=page_again(page, v, **shown),
    )


@router.get("", response_class=HTMLResponse)
def admin_home(v: View) -> Response:
    require(v.actor, Cap.VIEW_USERS)
    return v.render("admin/home.html", {})


# --- units -------------------------------------------------------------------------------------


def _units_page(
    v: View,
    *,
    error: WorkspaceError | None = None,
    form: dict[str, Any] | None = None,
    target: DbId | None = None,
    status_code: int = 200,
) -> Response:
    require(v.actor, Cap.VIEW_USERS)
    units = queries.list_units(v.session, v.actor, include_inactive=True)
    return v.render(
        "admin/units.html",
        {"units": units, "kinds": UNIT_KINDS, "error": error, "form": form or {}, "target": target},
        status_code=status_code,
    )


@router.get("/units", response_class=HTMLResponse)
def units(v: View) -> Response:
    return _units_page(v)


@router.post("/units", response_class=HTMLResponse)
def create_unit(v: View, form: Annotated[UnitForm, Form()]) -> Response:
    data = form.create_data()
    return _write_then_back(
        v,
        lambda: do_create_unit(v.session, v.actor, data),
        _("The unit was created."),
        "/admin/units",
        _units_page,
        form=data,
    )


@router.post("/units/{unit_id}", response_class=HTMLResponse)
def update_unit(v: View, unit_id: DbId, form: Annotated[UnitForm, Form()]) -> Response:
    expected, changes = form_version(form.version), form.changes(active=_flag(form.active))
    return _write_then_back(
        v,
        lambda: do_update_unit(
            v.session, v.actor, unit_id, expected_version=expected, changes=changes
        ),
        _("The unit was saved."),
        "/admin/units",
        _units_page,
        form=changes,
        target=unit_id,
    )


# --- users -------------------------------------------------------------------------------------


def _users_page(
    v: View,
    *,
    error: WorkspaceError | None = None,
    form: dict[str, Any] | None = None,
    target: DbId | None = None,
    new_password: tuple[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    users = queries.list_users(v.session, v.actor)
    units = queries.list_units(v.session, v.actor, include_inactive=True)
    policy = v.settings.session_policy
    sessions = {u.id: count_sessions(v.session, u.id, policy) for u in users}
    return v.render(
        "admin/users.html",
        {
            "users": users,
            "units": units,
            "unit_names": {u.id: u.name for u in units},
            "roles": [r.value for r in USER_ROLES],
            "error": error,
            "form": form or {},
            "target": target,
            "new_password": new_password,
            "sessions": sessions,
        },
        status_code=status_code,
    )


@router.get("/users", response_class=HTMLResponse)
def users(v: View) -> Response:
    return _users_page(v)


@router.post("/users", response_class=HTMLResponse)
def create_user(v: View, form: Annotated[UserForm, Form()]) -> Response:
    data = form.create_data()
    chosen = form.password or generate_password()
    outcome = attempt(
        v.session,
        lambda: do_create_user(v.session, v.actor, data, password=chosen, today=v.today),
    )
    if outcome.error is not None or outcome.value is None:
        assert outcome.error is not None
        return _users_page(v, error=outcome.error, form=data, status_code=outcome.error.http_status)
    if form.password:
        add_flash(v.request, _("The user was created."))
        return RedirectResponse("/admin/users", status_code=303)
    # A generated password is shown once, on this page; never stored in the session cookie.
    return _users_page(v, new_password=(outcome.value.username, chosen))


@router.post("/users/{user_id}", response_class=HTMLResponse)
def update_user(v: View, user_id: DbId, form: Annotated[UserForm, Form()]) -> Response:
    expected, changes = form_version(form.version), form.changes(active=_flag(form.active))
    return _write_then_back(
        v,
        lambda: do_update_user(
            v.session, v.actor, user_id, expected_version=expected, changes=changes
        ),
        _("The user was saved."),
        "/admin/users",
        _users_page,
        form=changes,
        target=user_id,
    )


@router.post("/users/{user_id}/password", response_class=HTMLResponse)
def reset_password(
    v: View,
    user_id: DbId,
    version: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    chosen = password or generate_password()
    outcome = attempt(
        v.session,
        lambda: do_set_password(
            v.session, v.actor, user_id, expected_version=form_version(version), new_password=chosen
        ),
    )
    if outcome.error is not None or outcome.value is None:
        assert outcome.error is not None
        return _users_page(
            v, error=outcome.error, target=user_id, status_code=outcome.error.http_status
        )
    end_sessions_of(v.session, user_id)  # at once, not on their next request
    if password:
        add_flash(v.request, _("The password was reset; the user's sessions and tokens end."))
        return RedirectResponse("/admin/users", status_code=303)
    return _users_page(v, new_password=(outcome.value.username, chosen))


@router.post("/users/{user_id}/sessions/end", response_class=HTMLResponse)
def end_user_sessions(v: View, user_id: int, version: Annotated[str, Form()] = "") -> Response:
    """Log a user out everywhere at once: page sessions and API tokens (e.g. a lost laptop)."""
    outcome = attempt(
        v.session,
        lambda: do_end_user_sessions(
            v.session, v.actor, user_id, expected_version=form_version(version)
        ),
    )
    if outcome.error is not None:
        return _users_page(
            v, error=outcome.error, target=user_id, status_code=outcome.error.http_status
        )
    add_flash(v.request, _("Every session and API token of the user has ended."))
    return RedirectResponse("/admin/users", status_code=303)


# --- plans and work plans ----------------------------------------------------------------------


def _plans_page(
    v: View,
    *,
    error: WorkspaceError | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    require(v.actor, Cap.VIEW_USERS)
    return v.render(
        "admin/plans.html",
        {
            "plans": queries.list_plans(v.session, v.actor),
            "work_plans": queries.list_work_plans(v.session, v.actor),
            "error": error,
            "form": form or {},
        },
        status_code=status_code,
    )


@router.get("/plans", response_class=HTMLResponse)
def plans(v: View) -> Response:
    return _plans_page(v)


def _plans_write(
    v: View, action: Callable[[], object], done: str, form: dict[str, Any] | None = None
) -> Response:
    return _write_then_back(v, action, done, "/admin/plans", _plans_page, form=form)


@router.post("/plans", response_class=HTMLResponse)
def create_plan(v: View, form: Annotated[PlanForm, Form()]) -> Response:
    data = form.model_dump()
    return _plans_write(
        v, lambda: do_create_plan(v.session, v.actor, data), _("The plan was created."), data
    )


@router.post("/plans/{plan_id}/publish", response_class=HTMLResponse)
def publish_plan(
    v: View,
    plan_id: DbId,
    version: Annotated[str, Form()] = "",
    published: Annotated[str, Form()] = "",
) -> Response:
    expected, changes = form_version(version), {"published": _flag(published)}
    return _plans_write(
        v,
        lambda: do_update_plan(
            v.session, v.actor, plan_id, expected_version=expected, changes=changes
        ),
        _("The plan was saved."),
    )


@router.post("/work-plans", response_class=HTMLResponse)
def create_work_plan(v: View, form: Annotated[WorkPlanForm, Form()]) -> Response:
    data = form.create_data()
    return _plans_write(
        v,
        lambda: do_create_work_plan(v.session, v.actor, data),
        _("The work plan was created."),
        data,
    )


@router.post("/work-plans/{work_plan_id}/publish", response_class=HTMLResponse)
def publish_work_plan(
    v: View,
    work_plan_id: DbId,
    version: Annotated[str, Form()] = "",
    published: Annotated[str, Form()] = "",
) -> Response:
    return _update_work_plan(v, work_plan_id, version, {"published": _flag(published)})


@router.post("/work-plans/{work_plan_id}/rhythm", response_class=HTMLResponse)
def set_report_rhythm(
    v: View,
    work_plan_id: int,
    version: Annotated[str, Form()] = "",
    report_rhythm: Annotated[str, Form()] = "",
) -> Response:
    """How often units report on this work plan (the report form's default period)."""
    return _update_work_plan(v, work_plan_id, version, {"report_rhythm": report_rhythm})


def _update_work_plan(
    v: View, work_plan_id: int, version: str, changes: dict[str, Any]
) -> Response:
    expected = form_version(version)
    return _plans_write(
        v,
        lambda: do_update_work_plan(
            v.session, v.actor, work_plan_id, expected_version=expected, changes=changes
        ),
        _("The work plan was saved."),
    )


# --- jobs --------------------------------------------------------------------------------------


@router.post("/supervision", response_class=HTMLResponse)
def run_supervision(v: View) -> Response:
    run = do_run_supervision(v.session, v.actor, today=v.today, locale=ws_locale(v.locale))
    add_flash(
        v.request,
        _("Supervision ran for %(day)s: %(count)s new notices.")
        % {"day": run.today.isoformat(), "count": run.notices_created},
    )
    return RedirectResponse("/admin", status_code=303)


@router.post("/actuals/refresh", response_class=HTMLResponse)
def refresh_actuals(v: View) -> Response:
    require(v.actor, Cap.EDIT_ACTUALS)
    # The warehouse when there is one; without it, indicators computed from the workspace
    # itself (e.g. protection.*) are still refreshed and the engine-based ones say why not.
    with maybe_warehouse(v.settings) as wh:
        outcome = attempt(
            v.session, lambda: do_refresh_computed_actuals(v.session, v.actor, warehouse=wh)
        )
    if outcome.error is not None or outcome.value is None:
        assert outcome.error is not None
        add_flash(v.request, outcome.error.message(ws_locale(v.locale)), "error")
        return RedirectResponse("/admin", status_code=303)
    summary = outcome.value
    add_flash(
        v.request,
        _("Computed values refreshed: %(added)s new, %(same)s unchanged, %(errors)s errors.")
        % {
            "added": summary.snapshots_added,
            "same": summary.unchanged,
            "errors": len(summary.errors),
        },
        "error" if summary.errors else "success",
    )
    return RedirectResponse("/admin", status_code=303)
