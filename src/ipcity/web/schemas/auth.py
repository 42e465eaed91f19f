from __future__ import annotations

from pydantic import BaseModel

from ipcity.web.schemas.common import RoleName, Strict


class TokenRequest(Strict):
    username: str
    password: str


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class MeOut(BaseModel):
    role: RoleName
    user_id: int | None
    username: str
    unit_id: int | None
