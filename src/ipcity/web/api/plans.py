"""Plans and work plans: GET/POST /api/v1/plans, GET/PATCH /api/v1/plans/{id},
GET /api/v1/plans/{id}/indicators, GET/POST /api/v1/work-plans."""

from __future__ import annotations

from typing import Any

from fastapi import status

from ipcity.web.deps import ApiActor, DbSession
from ipcity.web.params import DbId
from ipcity.web.routing import api_router
from ipcity.web.schemas.common import ERROR_RESPONSES
from ipcity.web.schemas.plans import (
    PlanCreate,
    PlanDetail,
    PlanPublic,
    PlanUpdate,
    WorkPlanCreate,
    WorkPlanPublic,
)
from ipcity.web.views.indicators import indicator_light
from ipcity.workspace import queries
from ipcity.workspace.actions import do_create_plan, do_create_work_plan, do_update_plan
from ipcity.workspace.actuals import plan_indicator_series
from ipcity.workspace.permissions import can_view_internal
from ipcity.workspace.rollup import plan_rollup

router = api_router(tags=["plans"], responses=ERROR_RESPONSES)


@router.get("/plans", response_model=list[PlanPublic])
def list_plans(session: DbSession, actor: ApiActor) -> list[PlanPublic]:
    return [PlanPublic.model_validate(p.as_dict()) for p in queries.list_plans(session, actor)]


@router.post("/plans", response_model=PlanPublic, status_code=status.HTTP_201_CREATED)
def create_plan(body: PlanCreate, session: DbSession, actor: ApiActor) -> PlanPublic:
    plan = do_create_plan(session, actor, body.model_dump(exclude_unset=True))
    return PlanPublic.model_validate(plan.as_dict())


@router.get("/plans/{plan_id}", response_model=PlanDetail)
def get_plan(plan_id: DbId, session: DbSession, actor: ApiActor) -> PlanDetail:
    plan = queries.get_plan(session, actor, plan_id)
    tree = [n.as_dict() for n in queries.goal_tree(session, actor, plan_id)]
    progress = plan_rollup(session, actor, plan_id).progress if can_view_internal(actor) else None
    return PlanDetail.model_validate(plan.as_dict() | {"goals": tree, "progress": progress})


@router.patch("/plans/{plan_id}", response_model=PlanPublic)
def update_plan(plan_id: DbId, body: PlanUpdate, session: DbSession, actor: ApiActor) -> PlanPublic:
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    plan = do_update_plan(session, actor, plan_id, expected_version=body.version, changes=changes)
    return PlanPublic.model_validate(plan.as_dict())


@router.get("/plans/{plan_id}/indicators")
def plan_indicators(plan_id: DbId, session: DbSession, actor: ApiActor) -> list[dict[str, Any]]:
    """Every visible indicator with its values (computed and published, year by year), its
    attainment and the dashboard's traffic light."""
    out = []
    for s in plan_indicator_series(session, actor, plan_id):
        light = indicator_light(s)
        out.append(
            s.as_dict()
            | {"light": light.colour, "light_reason": light.reason, "time_share": light.time_share}
        )
    return out


@router.get("/work-plans", response_model=list[WorkPlanPublic])
def list_work_plans(session: DbSession, actor: ApiActor) -> list[WorkPlanPublic]:
    return [
        WorkPlanPublic.model_validate(w.as_dict()) for w in queries.list_work_plans(session, actor)
    ]


@router.post("/work-plans", response_model=WorkPlanPublic, status_code=status.HTTP_201_CREATED)
def create_work_plan(body: WorkPlanCreate, session: DbSession, actor: ApiActor) -> WorkPlanPublic:
    wp = do_create_work_plan(session, actor, body.model_dump(exclude_unset=True))
    return WorkPlanPublic.model_validate(wp.as_dict())
