"""Tasks: GET/POST /api/v1/tasks, GET/PATCH/DELETE /api/v1/tasks/{id},
GET /api/v1/tasks/{id}/timeline, POST /api/v1/tasks/{id}/reports.

Updates carry ``version``; a stale one gets 409 with ``current_version`` and ``current``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Response, status
from starlette.requests import Request

from ipcity.web.api.described import TaskId, VersionQuery
from ipcity.web.api.reports import report_out
from ipcity.web.deps import ApiActor, DbSession, Settings
from ipcity.web.i18n import ws_locale
from ipcity.web.params import DbId, Year
from ipcity.web.routing import api_router
from ipcity.web.schemas.common import ERROR_RESPONSES, Light
from ipcity.web.schemas.reports import ReportCreate, ReportPublic
from ipcity.web.schemas.tasks import TaskCreate, TaskPublic, TaskUpdate
from ipcity.web.views.tasks import TaskFilters, task_listing, task_view
from ipcity.workspace import queries
from ipcity.workspace.actions import (
    do_create_report,
    do_create_task,
    do_delete_task,
    do_update_task,
)
from ipcity.workspace.queries import TaskView

router = api_router(tags=["tasks"], responses=ERROR_RESPONSES)


def _public(view: TaskView, request: Request) -> TaskPublic:
    return TaskPublic.model_validate(view.as_dict(ws_locale(request.state.locale)))


def _json(data: Any) -> Any:
    """Milestones and dates as the workspace's JSON-ish input (ISO strings)."""
    if isinstance(data, dict):
        return {k: _json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_json(v) for v in data]
    if hasattr(data, "isoformat"):
        return data.isoformat()
    return data


@router.get("/tasks", response_model=list[TaskPublic])
def list_tasks(
    request: Request,
    session: DbSession,
    actor: ApiActor,
    settings: Settings,
    work_plan_id: Annotated[
        DbId | None,
        Query(description="Only the tasks of this work plan (wins over ``year``)."),
    ] = None,
    year: Annotated[
        Year | None,
        Query(
            description="The tasks of this year's work plan (1949 … 2100); default: this "
            "year's work plan, else the newest."
        ),
    ] = None,
    unit_id: Annotated[
        DbId | None,
        Query(description="Only tasks this unit is involved in (see ``involvement``)."),
    ] = None,
    status_: Annotated[
        Light | None,
        Query(
            alias="status",
            description="Only tasks with this supervision status: ``green``, ``yellow``, "
            "``red`` or ``done``; default all.",
        ),
    ] = None,
    involvement: Annotated[
        str,
        Query(
            pattern="^(any|lead|co)$",
            description="With ``unit_id``: ``lead`` (the unit leads), ``co`` (it co-operates) "
            "or ``any`` (the default: either).",
        ),
    ] = "any",
) -> list[TaskPublic]:
    """Tasks with their supervision status. ``work_plan_id`` or ``year`` (default: this
    year's work plan, else the newest); ``unit_id`` with ``involvement`` lead|co|any;
    ``status`` green|yellow|red|done.

    **Who:** any logged-in role sees every task; anonymous callers only when the office opened
    the published plans (``settings/visibility``), and then the tasks of published work plans
    (a meeting decision's task only once the office published the decision).

    **Errors:** 404: ``work_plan_id`` does not exist or is not visible; 422: a filter out of
    range or not in its list; 401: anonymous while the public sees the portal only."""
    today = settings.current_day()
    if work_plan_id is not None:
        wp = queries.get_work_plan(session, actor, work_plan_id)
        rows = queries.task_overview(
            session, actor, wp.id, today=today, unit_id=unit_id, involvement=involvement
        )
        rows = [r for r in rows if status_ is None or r.status.status.value == status_]
    else:
        filters = TaskFilters(year, unit_id, status_, involvement)
        rows = task_listing(session, actor, filters, today=today).rows
    return [_public(r, request) for r in rows]


@router.post("/tasks", response_model=TaskPublic, status_code=status.HTTP_201_CREATED)
def create_task(
    body: TaskCreate, request: Request, session: DbSession, actor: ApiActor, settings: Settings
) -> TaskPublic:
    """Add a task to a work plan.

    **Who:** the office only (others: 403).

    **Errors:** 422: a field missing or invalid (a unit or goal that does not exist, a
    deadline that cannot be read or is before the start, a duplicate ``code``), with
    ``errors`` per field."""
    task = do_create_task(session, actor, _json(body.model_dump(exclude_unset=True)))
    return _public(task_view(session, actor, task.id, today=settings.current_day()), request)


@router.get("/tasks/{task_id}", response_model=TaskPublic)
def get_task(
    task_id: TaskId, request: Request, session: DbSession, actor: ApiActor, settings: Settings
) -> TaskPublic:
    """One task with its progress and supervision status.

    **Who:** as for the task list.

    **Errors:** 404: no such task, or one the caller may not see."""
    return _public(task_view(session, actor, task_id, today=settings.current_day()), request)


@router.patch("/tasks/{task_id}", response_model=TaskPublic)
def update_task(
    task_id: TaskId,
    body: TaskUpdate,
    request: Request,
    session: DbSession,
    actor: ApiActor,
    settings: Settings,
) -> TaskPublic:
    """Change a task's fields (only those sent; lists replace the old lists). The work plan
    cannot change.

    **Who:** the office only (others: 403).

    **Errors:** 404: no such task; 409: ``version`` is stale (the body has the task as it is
    now); 422: an invalid field."""
    changes = _json(body.model_dump(exclude_unset=True, exclude={"version"}))
    do_update_task(session, actor, task_id, expected_version=body.version, changes=changes)
    return _public(task_view(session, actor, task_id, today=settings.current_day()), request)


@router.delete("/tasks/{task_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_task(
    task_id: TaskId,
    session: DbSession,
    actor: ApiActor,
    version: VersionQuery,
) -> Response:
    """Only a task without progress reports; ``?version=`` as for updates.

    **Who:** the office only (others: 403).

    **Errors:** 404: no such task; 409: ``version`` is stale; 422: the task has progress
    reports."""
    do_delete_task(session, actor, task_id, expected_version=version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/tasks/{task_id}/timeline")
def task_timeline(task_id: TaskId, session: DbSession, actor: ApiActor) -> list[dict[str, Any]]:
    """Every report step on the task the caller may see, oldest first: ``at``, ``kind``,
    ``report_id``, ``unit_id``, ``unit_name``, ``period``, ``revision_no``, ``percent``,
    ``narrative``, ``comment``, ``actor_name``, ``to_state``, ``superseded`` (a later revision
    replaced it) and ``files``.

    **Who:** any logged-in role (a unit editor sees other units' steps only once their report
    was submitted); anonymous callers: 403.

    **Errors:** 404: no such task, or one the caller may not see."""
    return [e.as_dict() for e in queries.task_timeline(session, actor, task_id)]


@router.post(
    "/tasks/{task_id}/reports", response_model=ReportPublic, status_code=status.HTTP_201_CREATED
)
def create_report(
    task_id: TaskId, body: ReportCreate, session: DbSession, actor: ApiActor
) -> ReportPublic:
    """Start a progress report of a unit on the task for a period (a draft, or submitted at
    once with ``submit``).

    **Who:** a unit editor for its own unit, when the unit leads or co-operates on the task;
    the office for any involved unit (naming ``unit_id``). Leaders and the public: 403.

    **Errors:** 404: no such task; 403: the unit is not involved in the task, or not the
    caller's; 422: a period that cannot be read, one the unit already reported (a duplicate),
    ``percent`` out of 0–100, or an unknown ``unit_id``."""
    report = do_create_report(
        session,
        actor,
        task_id=task_id,
        period=body.period,
        percent=body.percent,
        narrative=body.narrative,
        unit_id=body.unit_id,
        submit=body.submit,
    )
    return report_out(report)
