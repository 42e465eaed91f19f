"""POST /api/v1/auth/token: a bearer token for a user name and password (rate-limited like
the login page: too many failures give 429 with Retry-After)."""

from __future__ import annotations

from starlette.requests import Request

from ipcity.web.deps import ApiActor, Db
from ipcity.web.routing import api_router
from ipcity.web.schemas.auth import MeOut, TokenOut, TokenRequest
from ipcity.web.schemas.common import AUTH_RESPONSES
from ipcity.web.security import client_address
from ipcity.workspace import auth

router = api_router(tags=["auth"], responses=AUTH_RESPONSES)


@router.post("/auth/token", response_model=TokenOut)
def token(body: TokenRequest, request: Request, db: Db) -> TokenOut:
    """A bearer token for a user name and password, valid for 12 hours (``expires_in``).

    **Who:** anyone (no token needed); the account must be active.

    **Errors:** 401: wrong user name or password (one answer for both, so names cannot be
    probed), or a disabled account; 429: too many failed logins for this name (5 from one client
    or 20 from anywhere in 15 minutes), retry after ``Retry-After`` seconds; 422: a field missing
    or an unknown one."""
    actor = auth.authenticate(db, body.username, body.password, client=client_address(request))
    assert actor.user_id is not None
    with db.write() as session:
        access = auth.issue_token(session, actor.user_id)
    return TokenOut(access_token=access, expires_in=auth.TOKEN_MAX_AGE)


@router.get("/me", response_model=MeOut)
def me(actor: ApiActor) -> MeOut:
    """Who the token stands for: role, user and unit (what the other calls will allow).

    **Who:** anyone; without a token the answer is the anonymous role.

    **Errors:** 401: a malformed ``Authorization`` header, or a forged, expired or revoked token
    (never treated as anonymous)."""
    return MeOut(
        role=actor.role.value, user_id=actor.user_id, username=actor.username, unit_id=actor.unit_id
    )
