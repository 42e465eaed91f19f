"""Plans and work plans: GET/POST /api/v1/plans, GET/PATCH /api/v1/plans/{id},
GET /api/v1/plans/{id}/indicators, GET/POST /api/v1/plans/{id}/goals,
GET/PATCH/DELETE /api/v1/goals/{id}, GET/POST /api/v1/plans/{id}/targets,
GET/PATCH/DELETE /api/v1/targets/{id}, GET/POST /api/v1/work-plans."""

from __future__ import annotations

from typing import Any

from fastapi import Response, status

from ipcity.web.api.described import GoalId, PlanId, TargetId, VersionQuery
from ipcity.web.deps import ApiActor, DbSession, Settings
from ipcity.web.routing import api_router
from ipcity.web.schemas.common import ERROR_RESPONSES
from ipcity.web.schemas.plans import (
    GoalCreate,
    GoalPublic,
    GoalUpdate,
    PlanCreate,
    PlanDetail,
    PlanPublic,
    PlanUpdate,
    TargetCreate,
    TargetPublic,
    TargetUpdate,
    WorkPlanCreate,
    WorkPlanPublic,
)
from ipcity.web.views.indicators import indicator_light
from ipcity.workspace import queries
from ipcity.workspace.actions import (
    do_create_goal,
    do_create_plan,
    do_create_target,
    do_create_work_plan,
    do_delete_goal,
    do_delete_target,
    do_update_goal,
    do_update_plan,
    do_update_target,
)
from ipcity.workspace.actuals import plan_indicator_series
from ipcity.workspace.permissions import can_view_internal
from ipcity.workspace.rollup import plan_rollup

router = api_router(tags=["plans"], responses=ERROR_RESPONSES)


@router.get("/plans", response_model=list[PlanPublic])
def list_plans(session: DbSession, actor: ApiActor) -> list[PlanPublic]:
    """The plans (outlines, five-year plans) the caller may see.

    **Who:** any logged-in role sees every plan; anonymous callers only when the office opened the
    published plans (``settings/visibility``), and then only published plans.

    **Errors:** 401: anonymous while the public sees the portal only."""
    return [PlanPublic.model_validate(p.as_dict()) for p in queries.list_plans(session, actor)]


@router.post("/plans", response_model=PlanPublic, status_code=status.HTTP_201_CREATED)
def create_plan(body: PlanCreate, session: DbSession, actor: ApiActor) -> PlanPublic:
    """Add a plan (its goals and indicators are added after).

    **Who:** the office only (others: 403).

    **Errors:** 422: a field missing or invalid (a duplicate ``code``, ``end_year`` before
    ``start_year``)."""
    plan = do_create_plan(session, actor, body.model_dump(exclude_unset=True))
    return PlanPublic.model_validate(plan.as_dict())


@router.get("/plans/{plan_id}", response_model=PlanDetail)
def get_plan(plan_id: PlanId, session: DbSession, actor: ApiActor) -> PlanDetail:
    """One plan with its goal tree and, for logged-in callers, the roll-up of its tasks'
    progress.

    **Who:** any logged-in role; anonymous callers only when the office opened the published plans
    (``settings/visibility``), and then only a published plan.

    **Errors:** 404: no such plan, or an unpublished one for the public."""
    plan = queries.get_plan(session, actor, plan_id)
    tree = [n.as_dict() for n in queries.goal_tree(session, actor, plan_id)]
    progress = plan_rollup(session, actor, plan_id).progress if can_view_internal(actor) else None
    return PlanDetail.model_validate(plan.as_dict() | {"goals": tree, "progress": progress})


@router.patch("/plans/{plan_id}", response_model=PlanPublic)
def update_plan(
    plan_id: PlanId, body: PlanUpdate, session: DbSession, actor: ApiActor
) -> PlanPublic:
    """Change a plan's fields (only those sent); ``published`` publishes or withdraws it.

    **Who:** the office only (others: 403).

    **Errors:** 404: no such plan; 409: ``version`` is stale; 422: an invalid field."""
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    plan = do_update_plan(session, actor, plan_id, expected_version=body.version, changes=changes)
    return PlanPublic.model_validate(plan.as_dict())


@router.get("/plans/{plan_id}/indicators")
def plan_indicators(
    plan_id: PlanId, session: DbSession, actor: ApiActor, settings: Settings
) -> list[dict[str, Any]]:
    """Every visible indicator with its values (computed and published, year by year), its
    attainment and the dashboard's traffic light.

    Each item: ``target`` (as ``TargetPublic``), ``rows`` (one per year: computed and
    published values with their source), ``latest_year``, ``latest_value`` (the published
    value when there is one, else the computed one), ``attainment`` (share of the way from
    baseline to target, 1 = met), ``light`` (``green``, ``yellow``, ``red`` or ``none``),
    ``light_reason`` (``met``, ``on_path``, ``behind``, ``not_better``, ``no_baseline``,
    ``no_value``) and ``time_share`` (share of the plan period gone by).

    **Who:** any logged-in role sees every indicator; anonymous callers only when the office opened
    the published plans (``settings/visibility``), and then only the published indicators of a
    published plan.

    **Errors:** 404: no such plan, or an unpublished one for the public."""
    out = []
    for s in plan_indicator_series(session, actor, plan_id, as_of=settings.current_day()):
        light = indicator_light(s)
        out.append(
            s.as_dict()
            | {"light": light.colour, "light_reason": light.reason, "time_share": light.time_share}
        )
    return out


@router.get("/plans/{plan_id}/goals", response_model=list[GoalPublic])
def list_goals(plan_id: PlanId, session: DbSession, actor: ApiActor) -> list[GoalPublic]:
    """The plan's goals, flat; ``parent_id`` builds the tree (GET /plans/{id} nests it).

    **Who:** as for the plan: any logged-in role; anonymous callers only when the office opened the
    published plans (``settings/visibility``), for a published plan.

    **Errors:** 404: no such plan, or one the caller may not see."""
    return [
        GoalPublic.model_validate(g.as_dict()) for g in queries.list_goals(session, actor, plan_id)
    ]


@router.post(
    "/plans/{plan_id}/goals", response_model=GoalPublic, status_code=status.HTTP_201_CREATED
)
def create_goal(
    plan_id: PlanId, body: GoalCreate, session: DbSession, actor: ApiActor
) -> GoalPublic:
    """Add a goal to the plan, at the top level or under ``parent_id``.

    **Who:** the office only (others: 403).

    **Errors:** 422: the plan does not exist (error on ``plan_id``), or an invalid field (a
    duplicate ``code``, a parent of another plan)."""
    goal = do_create_goal(
        session, actor, body.model_dump(exclude_unset=True) | {"plan_id": plan_id}
    )
    return GoalPublic.model_validate(goal.as_dict())


@router.get("/goals/{goal_id}", response_model=GoalPublic)
def get_goal(goal_id: GoalId, session: DbSession, actor: ApiActor) -> GoalPublic:
    """One goal.

    **Who:** as for its plan.

    **Errors:** 404: no such goal, or one of a plan the caller may not see."""
    return GoalPublic.model_validate(queries.get_goal(session, actor, goal_id).as_dict())


@router.patch("/goals/{goal_id}", response_model=GoalPublic)
def update_goal(
    goal_id: GoalId, body: GoalUpdate, session: DbSession, actor: ApiActor
) -> GoalPublic:
    """Change a goal's fields (only those sent), or move it under another goal of the plan.

    **Who:** the office only (others: 403).

    **Errors:** 404: no such goal; 409: ``version`` is stale; 422: an invalid field, or a move
    that would make a cycle."""
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    goal = do_update_goal(session, actor, goal_id, expected_version=body.version, changes=changes)
    return GoalPublic.model_validate(goal.as_dict())


@router.delete("/goals/{goal_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_goal(
    goal_id: GoalId, session: DbSession, actor: ApiActor, version: VersionQuery
) -> Response:
    """Only an empty goal (no tasks, sub-goals or indicators: 422 with the counts);
    ``?version=`` as for updates.

    **Who:** the office only (others: 403).

    **Errors:** 404: no such goal; 409: ``version`` is stale; 422: the goal still has tasks,
    sub-goals or indicators (``params`` has the counts)."""
    do_delete_goal(session, actor, goal_id, expected_version=version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/plans/{plan_id}/targets", response_model=list[TargetPublic])
def list_targets(plan_id: PlanId, session: DbSession, actor: ApiActor) -> list[TargetPublic]:
    """The plan's indicator targets the caller may see (anonymous: published ones).

    **Who:** any logged-in role sees all; anonymous callers only when the office opened the
    published plans (``settings/visibility``), and then the published indicators of a published
    plan.

    **Errors:** 404: no such plan, or one the caller may not see."""
    return [_target(t.as_dict()) for t in queries.list_targets(session, actor, plan_id)]


@router.post(
    "/plans/{plan_id}/targets", response_model=TargetPublic, status_code=status.HTTP_201_CREATED
)
def create_target(
    plan_id: PlanId, body: TargetCreate, session: DbSession, actor: ApiActor
) -> TargetPublic:
    """Add an indicator with its baseline, target and yearly milestones to the plan.

    **Who:** the office only (others: 403).

    **Errors:** 422: the plan does not exist (error on ``plan_id``), or an invalid field (a
    duplicate ``code``, a goal of another plan, a milestone year outside the plan period or
    not between baseline and target year)."""
    data = body.model_dump(exclude_unset=True) | {"plan_id": plan_id}
    return _target(do_create_target(session, actor, data).as_dict())


@router.get("/targets/{target_id}", response_model=TargetPublic)
def get_target(target_id: TargetId, session: DbSession, actor: ApiActor) -> TargetPublic:
    """One indicator target.

    **Who:** as for the plan's indicator list.

    **Errors:** 404: no such indicator, or one the caller may not see."""
    return _target(queries.get_target(session, actor, target_id).as_dict())


@router.patch("/targets/{target_id}", response_model=TargetPublic)
def update_target(
    target_id: TargetId, body: TargetUpdate, session: DbSession, actor: ApiActor
) -> TargetPublic:
    """Any field; ``{"published": true|false}`` publishes or withdraws the indicator.

    **Who:** the office only (others: 403).

    **Errors:** 404: no such indicator; 409: ``version`` is stale; 422: an invalid field."""
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    target = do_update_target(
        session, actor, target_id, expected_version=body.version, changes=changes
    )
    return _target(target.as_dict())


@router.delete("/targets/{target_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_target(
    target_id: TargetId, session: DbSession, actor: ApiActor, version: VersionQuery
) -> Response:
    """Only an indicator without published values (422 otherwise: unpublish it instead).

    **Who:** the office only (others: 403).

    **Errors:** 404: no such indicator; 409: ``version`` is stale; 422: it has published values."""
    do_delete_target(session, actor, target_id, expected_version=version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _target(row: dict[str, Any]) -> TargetPublic:
    return TargetPublic.model_validate(row)


@router.get("/work-plans", response_model=list[WorkPlanPublic])
def list_work_plans(session: DbSession, actor: ApiActor) -> list[WorkPlanPublic]:
    """The yearly work plans (工作要点) the caller may see.

    **Who:** any logged-in role sees all; anonymous callers only when the office opened the
    published plans (``settings/visibility``), and then only published work plans.

    **Errors:** 401: anonymous while the public sees the portal only."""
    return [
        WorkPlanPublic.model_validate(w.as_dict()) for w in queries.list_work_plans(session, actor)
    ]


@router.post("/work-plans", response_model=WorkPlanPublic, status_code=status.HTTP_201_CREATED)
def create_work_plan(body: WorkPlanCreate, session: DbSession, actor: ApiActor) -> WorkPlanPublic:
    """Add a yearly work plan (its tasks are added one by one or imported from a sheet).

    **Who:** the office only (others: 403).

    **Errors:** 422: an invalid field (a duplicate ``code``, a ``plan_id`` that does not exist, a
    ``start_date`` that cannot be read)."""
    wp = do_create_work_plan(session, actor, body.model_dump(exclude_unset=True))
    return WorkPlanPublic.model_validate(wp.as_dict())
