"""Tasks: the filtered list (htmx refreshes the table only), the task page with its report
timeline, and the office's create / edit / delete forms."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ipcity.web.deps import View
from ipcity.web.forms import attempt, page_again, run_then_redirect
from ipcity.web.i18n import N_, _
from ipcity.web.nav import NavItem
from ipcity.web.params import DbId, lenient_int, query_id, query_year
from ipcity.web.routing import page_router
from ipcity.web.schemas.tasks import TaskForm
from ipcity.web.templating import add_flash
from ipcity.web.views.tasks import TaskFilters, task_listing, task_page
from ipcity.workspace import queries
from ipcity.workspace.actions import do_create_task, do_delete_task, do_update_task
from ipcity.workspace.errors import WorkspaceError
from ipcity.workspace.permissions import Cap, acts_for_one_unit, home_unit, require

router = page_router()
NAV = (NavItem("/tasks", N_("Tasks"), order=30, prefix="/tasks"),)


@router.get("/tasks", response_class=HTMLResponse)
def task_list(
    v: View,
    year: Annotated[str | None, Query()] = None,
    unit: Annotated[str | None, Query()] = None,
    status: Annotated[str | None, Query()] = None,
    involvement: Annotated[str, Query()] = "any",
    q: Annotated[str, Query()] = "",
) -> Response:
    unit_id = query_id(unit, "unit")
    if unit is None and year is None and status is None and acts_for_one_unit(v.actor):
        unit_id = home_unit(v.actor)  # a unit editor starts from their own unit's tasks
    filters = TaskFilters(query_year(year), unit_id, status or None, involvement, q)
    listing = task_listing(v.session, v.actor, filters, today=v.today, milestones=False)
    template = "tasks/_table.html" if v.is_htmx else "tasks/list.html"
    return v.render(template, {"listing": listing, "f": listing.filters})


def _show_task(
    v: View,
    task_id: DbId,
    *,
    error: WorkspaceError | None = None,
    form: dict[str, Any] | None = None,
    form_name: str = "",
    form_target: DbId | None = None,
    status_code: int = 200,
) -> Response:
    page = task_page(v.session, v.actor, task_id, today=v.today)
    return v.render(
        "tasks/detail.html",
        {
            "page": page,
            "task": page.task,
            "error": error,
            "form": form or {},
            "form_name": form_name,
            "form_target": form_target,
        },
        status_code=status_code,
    )


@router.get("/tasks/new", response_class=HTMLResponse)
def new_task_form(v: View, work_plan: DbId | None = None) -> Response:
    require(v.actor, Cap.EDIT_WORK_PLANS)
    return _new_task_page(v, work_plan, {})


def _new_task_page(
    v: View,
    work_plan: DbId | None,
    form: dict[str, Any],
    error: WorkspaceError | None = None,
    status_code: int = 200,
) -> Response:
    plans = queries.list_work_plans(v.session, v.actor)
    return v.render(
        "tasks/new.html",
        {
            "work_plans": plans,
            "selected": work_plan or (plans[0].id if plans else None),
            "units": queries.list_units(v.session, v.actor),
            "form": form,
            "error": error,
        },
        status_code=status_code,
    )


@router.post("/tasks", response_class=HTMLResponse)
def create_task(v: View, form: Annotated[TaskForm, Form()]) -> Response:
    data = form.create_data()
    outcome = attempt(v.session, lambda: do_create_task(v.session, v.actor, data))
    if outcome.error is not None or outcome.value is None:
        assert outcome.error is not None
        return _new_task_page(
            v, lenient_int(form.work_plan_id), data, outcome.error, outcome.error.http_status
        )
    add_flash(v.request, _("Task %(code)s was created.") % {"code": outcome.value.code})
    return RedirectResponse(f"/tasks/{outcome.value.id}", status_code=303)


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_detail(v: View, task_id: DbId) -> Response:
    return _show_task(v, task_id)


@router.post("/tasks/{task_id}/edit", response_class=HTMLResponse)
def edit_task(v: View, task_id: DbId, form: Annotated[TaskForm, Form()]) -> Response:
    changes = form.changes()
    expected = lenient_int(form.version) or 0
    outcome = attempt(
        v.session,
        lambda: do_update_task(
            v.session, v.actor, task_id, expected_version=expected, changes=changes
        ),
    )
    if outcome.error is not None:
        return _show_task(
            v,
            task_id,
            error=outcome.error,
            form=changes | {"version": form.version},
            form_name="edit",
            status_code=outcome.error.http_status,
        )
    add_flash(v.request, _("The task was saved."))
    return RedirectResponse(f"/tasks/{task_id}", status_code=303)


@router.post("/tasks/{task_id}/delete", response_class=HTMLResponse)
def delete_task(v: View, task_id: DbId, version: Annotated[str, Form()] = "") -> Response:
    expected = lenient_int(version) or 0
    return run_then_redirect(
        v.session,
        v.request,
        lambda: do_delete_task(v.session, v.actor, task_id, expected_version=expected),
        done=_("The task was deleted."),
        to="/tasks",
        refused=page_again(_show_task, v, task_id, form_name="delete"),
    )
