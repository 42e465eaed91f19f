"""The office manages a plan in the pages: the plan itself, its goal tree and its indicator
targets (create, edit, publish or withdraw, delete what is safe to delete).

Every form posts to an action (``do_*``: permission, audit, version); a refused form comes back
with the user's input and each error next to its field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict

from ipcity.indicators.registry import INDICATORS
from ipcity.web.deps import View
from ipcity.web.forms import attempt, page_again, run_then_redirect
from ipcity.web.i18n import _
from ipcity.web.params import DbId
from ipcity.web.plain_notes import engine_indicator_name
from ipcity.web.routing import page_router
from ipcity.web.schemas.plans import GoalForm, PlanEditForm
from ipcity.web.templating import add_flash
from ipcity.workspace import queries
from ipcity.workspace.actions import (
    do_create_goal,
    do_create_target,
    do_delete_goal,
    do_delete_target,
    do_update_goal,
    do_update_plan,
    do_update_target,
)
from ipcity.workspace.actions.plans import PLAN_KINDS
from ipcity.workspace.errors import WorkspaceError
from ipcity.workspace.models import Goal, IndicatorTarget, Plan
from ipcity.workspace.permissions import Cap, require

router = page_router()
Text = Annotated[str, Form()]


def _version(value: str) -> int | None:
    return int(value) if value.strip().isdecimal() and len(value.strip()) < 11 else None


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "on", "yes")


def _manage_url(plan_id: int) -> str:
    return f"/plans/{plan_id}/manage"


def _goal_options(goals: list[Goal], exclude: int | None = None) -> list[tuple[int, str]]:
    """(id, indented label) in tree order; ``exclude`` drops a goal and its subtree (a goal
    cannot move under itself)."""
    children: dict[int | None, list[Goal]] = {}
    for g in goals:
        children.setdefault(g.parent_id, []).append(g)
    known = {g.id for g in goals}
    out: list[tuple[int, str]] = []

    def walk(parent: int | None, depth: int) -> None:
        for g in children.get(parent, []):
            if g.id == exclude:
                continue
            out.append((g.id, "\u3000" * depth + f"{g.code} {g.title}"))
            walk(g.id, depth + 1)

    walk(None, 0)
    # Orphans (a parent in another plan cannot happen; a dangling one is shown at the top).
    for g in goals:
        if g.parent_id is not None and g.parent_id not in known and g.id != exclude:
            out.append((g.id, f"{g.code} {g.title}"))
    return out


def _engine_choices(locale: str, current: str | None) -> list[tuple[str, str]]:
    out = [(d.id, d.name_en if locale == "en" else d.name_zh) for d in INDICATORS.values()]
    if current and current not in INDICATORS:
        # an id the registry does not list (protection.*): its own name, else the id itself
        out.append((current, engine_indicator_name(current)))
    return out


# --- the plan's management page ---------------------------------------------------------------


def _manage_page(
    v: View,
    plan_id: int,
    *,
    error: WorkspaceError | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    require(v.actor, Cap.EDIT_PLANS)
    plan = queries.get_plan(v.session, v.actor, plan_id)
    goals = queries.list_goals(v.session, v.actor, plan_id)
    targets = queries.list_targets(v.session, v.actor, plan_id)
    goal_names = {g.id: f"{g.code} {g.title}" for g in goals}
    return v.render(
        "plans/manage.html",
        {
            "plan": plan,
            "goal_rows": _goal_options(goals),
            "goals": {g.id: g for g in goals},
            "goal_names": goal_names,
            "targets": targets,
            "kinds": PLAN_KINDS,
            "error": error,
            "form": form if form is not None else plan.as_dict(),
        },
        status_code=status_code,
    )


@router.get("/plans/{plan_id}/manage", response_class=HTMLResponse)
def manage(v: View, plan_id: DbId) -> Response:
    return _manage_page(v, plan_id)


@router.post("/plans/{plan_id}/manage", response_class=HTMLResponse)
def update_plan(v: View, plan_id: DbId, form: Annotated[PlanEditForm, Form()]) -> Response:
    expected, data = _version(form.version) or -1, form.changes()
    return run_then_redirect(
        v.session,
        v.request,
        lambda: do_update_plan(
            v.session, v.actor, plan_id, expected_version=expected, changes=data
        ),
        done=_("The plan was saved."),
        to=_manage_url(plan_id),
        refused=page_again(_manage_page, v, plan_id, form=data),
    )


@router.post("/plans/{plan_id}/publish", response_class=HTMLResponse)
def publish_plan(v: View, plan_id: DbId, version: Text = "", published: Text = "") -> Response:
    """Publish or withdraw the plan from its management page (and come back to it)."""
    expected, publish = _version(version) or -1, _flag(published)
    return _back_to_manage(
        v,
        plan_id,
        lambda: do_update_plan(
            v.session, v.actor, plan_id, expected_version=expected, changes={"published": publish}
        ),
        _("The plan was published.") if publish else _("The plan was withdrawn."),
    )


def _back_to_manage(v: View, plan_id: int, action: Callable[[], object], done: str) -> Response:
    """Run a write made on the management page and come back to it; refused: the page again
    with the error."""
    return run_then_redirect(
        v.session,
        v.request,
        action,
        done=done,
        to=_manage_url(plan_id),
        refused=page_again(_manage_page, v, plan_id),
    )


# --- goals ------------------------------------------------------------------------------------


def _goal_page(
    v: View,
    plan: Plan,
    goal: Goal | None,
    *,
    error: WorkspaceError | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    require(v.actor, Cap.EDIT_PLANS)
    goals = queries.list_goals(v.session, v.actor, plan.id)
    return v.render(
        "plans/goal_form.html",
        {
            "plan": plan,
            "goal": goal,
            "parents": _goal_options(goals, exclude=goal.id if goal else None),
            "error": error,
            "form": form if form is not None else (goal.as_dict() if goal else {}),
        },
        status_code=status_code,
    )


@router.get("/plans/{plan_id}/goals/new", response_class=HTMLResponse)
def new_goal(v: View, plan_id: DbId, parent: str = "") -> Response:
    require(v.actor, Cap.EDIT_PLANS)
    plan = queries.get_plan(v.session, v.actor, plan_id)
    return _goal_page(v, plan, None, form={"parent_id": parent if parent.isdecimal() else ""})


@router.post("/plans/{plan_id}/goals", response_class=HTMLResponse)
def create_goal(v: View, plan_id: DbId, form: Annotated[GoalForm, Form()]) -> Response:
    require(v.actor, Cap.EDIT_PLANS)
    plan = queries.get_plan(v.session, v.actor, plan_id)
    data = form.data()
    return run_then_redirect(
        v.session,
        v.request,
        lambda: do_create_goal(v.session, v.actor, data | {"plan_id": plan_id}),
        done=_("The goal was created."),
        to=_manage_url(plan_id),
        refused=page_again(_goal_page, v, plan, None, form=data),
    )


@router.get("/goals/{goal_id}/edit", response_class=HTMLResponse)
def edit_goal(v: View, goal_id: DbId) -> Response:
    require(v.actor, Cap.EDIT_PLANS)
    goal = queries.get_goal(v.session, v.actor, goal_id)
    return _goal_page(v, queries.get_plan(v.session, v.actor, goal.plan_id), goal)


@router.post("/goals/{goal_id}/edit", response_class=HTMLResponse)
def update_goal(v: View, goal_id: DbId, form: Annotated[GoalForm, Form()]) -> Response:
    require(v.actor, Cap.EDIT_PLANS)
    goal = queries.get_goal(v.session, v.actor, goal_id)
    plan = queries.get_plan(v.session, v.actor, goal.plan_id)
    expected, data = _version(form.version) or -1, form.data()
    return run_then_redirect(
        v.session,
        v.request,
        lambda: do_update_goal(
            v.session, v.actor, goal_id, expected_version=expected, changes=data
        ),
        done=_("The goal was saved."),
        to=_manage_url(plan.id),
        refused=page_again(_goal_page, v, plan, goal, form=data | {"version": form.version}),
    )


@router.post("/goals/{goal_id}/delete", response_class=HTMLResponse)
def delete_goal(v: View, goal_id: DbId, version: Text = "") -> Response:
    require(v.actor, Cap.EDIT_PLANS)
    goal = queries.get_goal(v.session, v.actor, goal_id)
    expected = _version(version) or -1
    return _back_to_manage(
        v,
        goal.plan_id,
        lambda: do_delete_goal(v.session, v.actor, goal_id, expected_version=expected),
        _("The goal was deleted."),
    )


# --- indicator targets ------------------------------------------------------------------------


def _target_page(
    v: View,
    plan: Plan,
    target: IndicatorTarget | None,
    *,
    error: WorkspaceError | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    require(v.actor, Cap.EDIT_PLANS)
    goals = queries.list_goals(v.session, v.actor, plan.id)
    if form is None:
        form = _target_form(target) if target else {"direction": "higher", "source": "engine"}
    return v.render(
        "plans/target_form.html",
        {
            "plan": plan,
            "target": target,
            "goals": _goal_options(goals),
            "engine_choices": _engine_choices(v.locale, form.get("engine_indicator")),
            "error": error,
            "form": form,
        },
        status_code=status_code,
    )


def _target_form(target: IndicatorTarget) -> dict[str, Any]:
    """A stored target as the form shows it (milestones as ``year: value`` lines)."""
    row = target.as_dict()
    row["source"] = "engine" if target.engine_indicator else "published"
    row["milestones"] = "\n".join(f"{y}: {v:g}" for y, v in (target.milestones or {}).items())
    for key in ("baseline_value", "target_value"):
        if isinstance(row[key], float):
            row[key] = f"{row[key]:g}"
    return row


def _target_data(form: dict[str, Any]) -> dict[str, Any]:
    """The form's fields as the action reads them; ``source`` decides whether the engine
    indicator is kept (computed) or cleared (published figures only)."""
    data: dict[str, Any] = {k: v for k, v in form.items() if k not in ("source", "version")}
    data["binding"] = _flag(form.get("binding", ""))
    data["published"] = _flag(form.get("published", ""))
    if not str(form.get("sort_order", "")).strip():
        data.pop("sort_order", None)
    if form.get("source") == "published":
        data["engine_indicator"] = ""
    return data


class TargetForm(BaseModel):
    """The target form as posted: text, parsed by the action (errors next to their field)."""

    model_config = ConfigDict(extra="ignore")
    code: str = ""
    name: str = ""
    goal_id: str = ""
    source: str = "engine"
    engine_indicator: str = ""
    region: str = ""
    unit: str = ""
    direction: str = ""
    binding: str = ""
    baseline_year: str = ""
    baseline_value: str = ""
    target_year: str = ""
    target_value: str = ""
    milestones: str = ""
    note: str = ""
    published: str = ""
    sort_order: str = ""
    version: str = ""


Posted = Annotated[TargetForm, Form()]


@router.get("/plans/{plan_id}/targets/new", response_class=HTMLResponse)
def new_target(v: View, plan_id: DbId) -> Response:
    require(v.actor, Cap.EDIT_PLANS)
    return _target_page(v, queries.get_plan(v.session, v.actor, plan_id), None)


@router.post("/plans/{plan_id}/targets", response_class=HTMLResponse)
def create_target(v: View, plan_id: DbId, posted: Posted) -> Response:
    require(v.actor, Cap.EDIT_PLANS)
    plan = queries.get_plan(v.session, v.actor, plan_id)
    form = posted.model_dump()
    data = _target_data(form) | {"plan_id": plan_id}
    outcome = attempt(v.session, lambda: do_create_target(v.session, v.actor, data))
    if outcome.error is not None:
        return _target_page(
            v, plan, None, error=outcome.error, form=form, status_code=outcome.error.http_status
        )
    add_flash(v.request, _("The indicator was created."))
    return RedirectResponse(_manage_url(plan_id), status_code=303)


@router.get("/targets/{target_id}/edit", response_class=HTMLResponse)
def edit_target(v: View, target_id: DbId) -> Response:
    require(v.actor, Cap.EDIT_PLANS)
    target = queries.get_target(v.session, v.actor, target_id)
    return _target_page(v, queries.get_plan(v.session, v.actor, target.plan_id), target)


@router.post("/targets/{target_id}/edit", response_class=HTMLResponse)
def update_target(v: View, target_id: DbId, posted: Posted) -> Response:
    require(v.actor, Cap.EDIT_PLANS)
    target = queries.get_target(v.session, v.actor, target_id)
    plan = queries.get_plan(v.session, v.actor, target.plan_id)
    form = posted.model_dump()
    data = _target_data(form)
    outcome = attempt(
        v.session,
        lambda: do_update_target(
            v.session,
            v.actor,
            target_id,
            expected_version=_version(posted.version) or -1,
            changes=data,
        ),
    )
    if outcome.error is not None:
        return _target_page(
            v, plan, target, error=outcome.error, form=form, status_code=outcome.error.http_status
        )
    add_flash(v.request, _("The indicator was saved."))
    return RedirectResponse(_manage_url(plan.id), status_code=303)


@router.post("/targets/{target_id}/publish", response_class=HTMLResponse)
def publish_target(v: View, target_id: DbId, version: Text = "", published: Text = "") -> Response:
    """Publish or withdraw one indicator (imported ones included) from the management page."""
    require(v.actor, Cap.EDIT_PLANS)
    target = queries.get_target(v.session, v.actor, target_id)
    expected, publish = _version(version) or -1, _flag(published)
    return _back_to_manage(
        v,
        target.plan_id,
        lambda: do_update_target(
            v.session, v.actor, target_id, expected_version=expected, changes={"published": publish}
        ),
        _("The indicator was published.") if publish else _("The indicator was withdrawn."),
    )


@router.post("/targets/{target_id}/delete", response_class=HTMLResponse)
def delete_target(v: View, target_id: DbId, version: Text = "") -> Response:
    require(v.actor, Cap.EDIT_PLANS)
    target = queries.get_target(v.session, v.actor, target_id)
    expected = _version(version) or -1
    return _back_to_manage(
        v,
        target.plan_id,
        lambda: do_delete_target(v.session, v.actor, target_id, expected_version=expected),
        _("The indicator was deleted."),
    )
