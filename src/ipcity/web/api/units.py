"""Member units: GET/POST /api/v1/units, GET/PATCH /api/v1/units/{id}."""

from __future__ import annotations

from fastapi import status

from ipcity.web.api.described import UnitId
from ipcity.web.deps import ApiActor, DbSession
from ipcity.web.routing import api_router
from ipcity.web.schemas.common import ERROR_RESPONSES
from ipcity.web.schemas.units import UnitCreate, UnitPublic, UnitUpdate
from ipcity.workspace import queries
from ipcity.workspace.actions import do_create_unit, do_update_unit
from ipcity.workspace.permissions import can_view_internal

router = api_router(tags=["units"], responses=ERROR_RESPONSES)


@router.get("/units", response_model=list[UnitPublic])
def list_units(session: DbSession, actor: ApiActor) -> list[UnitPublic]:
    """The member units, in their sort order (retired units too for logged-in callers).

    **Who:** any logged-in role; anonymous callers only when the office opened the published plans
    (``settings/visibility``), and then only active units.

    **Errors:** 401: a bad token, or anonymous while the public sees the portal only."""
    units = queries.list_units(session, actor, include_inactive=can_view_internal(actor))
    return [UnitPublic.model_validate(u.as_dict()) for u in units]


@router.post("/units", response_model=UnitPublic, status_code=status.HTTP_201_CREATED)
def create_unit(body: UnitCreate, session: DbSession, actor: ApiActor) -> UnitPublic:
    """Add a member unit.

    **Who:** the office only (others: 403).

    **Errors:** 422: a field missing or invalid (a duplicate ``code``, a district without
    ``admin_code``), with ``errors`` per field."""
    unit = do_create_unit(session, actor, body.model_dump(exclude_unset=True))
    return UnitPublic.model_validate(unit.as_dict())


@router.get("/units/{unit_id}", response_model=UnitPublic)
def get_unit(unit_id: UnitId, session: DbSession, actor: ApiActor) -> UnitPublic:
    """One unit.

    **Who:** as for the unit list.

    **Errors:** 404: no such unit, or one the caller may not see."""
    return UnitPublic.model_validate(queries.get_unit(session, actor, unit_id).as_dict())


@router.patch("/units/{unit_id}", response_model=UnitPublic)
def update_unit(
    unit_id: UnitId, body: UnitUpdate, session: DbSession, actor: ApiActor
) -> UnitPublic:
    """Change a unit's fields (only those sent).

    **Who:** the office only (others: 403).

    **Errors:** 404: no such unit; 409: ``version`` is stale (the body has the unit as it is
    now); 422: an invalid field."""
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    unit = do_update_unit(session, actor, unit_id, expected_version=body.version, changes=changes)
    return UnitPublic.model_validate(unit.as_dict())
