"""Member units: GET/POST /api/v1/units, GET/PATCH /api/v1/units/{id}."""

from __future__ import annotations

from fastapi import status

from ipcity.web.deps import ApiActor, DbSession
from ipcity.web.params import DbId
from ipcity.web.routing import api_router
from ipcity.web.schemas.common import ERROR_RESPONSES
from ipcity.web.schemas.units import UnitCreate, UnitPublic, UnitUpdate
from ipcity.workspace import queries
from ipcity.workspace.actions import do_create_unit, do_update_unit
from ipcity.workspace.permissions import can_view_internal

router = api_router(tags=["units"], responses=ERROR_RESPONSES)


@router.get("/units", response_model=list[UnitPublic])
def list_units(session: DbSession, actor: ApiActor) -> list[UnitPublic]:
    units = queries.list_units(session, actor, include_inactive=can_view_internal(actor))
    return [UnitPublic.model_validate(u.as_dict()) for u in units]


@router.post("/units", response_model=UnitPublic, status_code=status.HTTP_201_CREATED)
def create_unit(body: UnitCreate, session: DbSession, actor: ApiActor) -> UnitPublic:
    unit = do_create_unit(session, actor, body.model_dump(exclude_unset=True))
    return UnitPublic.model_validate(unit.as_dict())


@router.get("/units/{unit_id}", response_model=UnitPublic)
def get_unit(unit_id: DbId, session: DbSession, actor: ApiActor) -> UnitPublic:
    return UnitPublic.model_validate(queries.get_unit(session, actor, unit_id).as_dict())


@router.patch("/units/{unit_id}", response_model=UnitPublic)
def update_unit(unit_id: DbId, body: UnitUpdate, session: DbSession, actor: ApiActor) -> UnitPublic:
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    unit = do_update_unit(session, actor, unit_id, expected_version=body.version, changes=changes)
    return UnitPublic.model_validate(unit.as_dict())
