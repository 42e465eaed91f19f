"""The office's visibility setting: GET/PUT /api/v1/settings/visibility."""

from __future__ import annotations

from typing import Literal

from ipcity.web.deps import ApiActor, DbSession
from ipcity.web.routing import api_router
from ipcity.web.schemas.common import ERROR_RESPONSES, Out, Strict
from ipcity.workspace.permissions import Cap, require
from ipcity.workspace.visibility import do_set_public_access, public_access

router = api_router(tags=["settings"], responses=ERROR_RESPONSES)


class VisibilityPublic(Out):
    public_access: Literal["portal", "published"]
    """What anonymous visitors see: ``portal`` (the public portal only, the default) or
    ``published`` (also the published plans and work plans with their tasks' statuses)."""


class VisibilityUpdate(Strict):
    public_access: Literal["portal", "published"]
    """``portal`` (the public portal only) or ``published`` (also the published plans and
    work plans with their tasks' statuses)."""


@router.get("/settings/visibility", response_model=VisibilityPublic)
def get_visibility(session: DbSession, actor: ApiActor) -> VisibilityPublic:
    """What anonymous visitors see: ``portal`` (the portal only, the default) or
    ``published`` (also the published plans and work plans with their tasks' statuses).

    **Who:** any logged-in role.

    **Errors:** 401: anonymous while the public sees the portal only; 403: anonymous when the
    published plans are open."""
    require(actor, Cap.VIEW_INTERNAL)
    return VisibilityPublic(public_access=public_access(session).value)


@router.put("/settings/visibility", response_model=VisibilityPublic)
def set_visibility(body: VisibilityUpdate, session: DbSession, actor: ApiActor) -> VisibilityPublic:
    """Set what anonymous visitors see; audited as ``settings.public_access``. Takes effect
    on the next request.

    **Who:** the office only (others: 403).

    **Errors:** 422: a value other than ``portal`` or ``published``."""
    new = do_set_public_access(session, actor, body.public_access)
    return VisibilityPublic(public_access=new.value)
