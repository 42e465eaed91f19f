from __future__ import annotations

from typing import Any

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


class UserForm(BaseModel):
    """The user forms of the admin pages, as the browser sends them (text; the action parses
    it). An empty ``unit_id`` means no unit."""

    username: str = ""
    display_name: str = ""
    email: str = ""
    role: str = ""
    unit_id: str = ""
    password: str = ""
    active: str = ""
    version: str = ""

    def create_data(self) -> dict[str, Any]:
        """The fields for ``do_create_user`` (the password goes apart)."""
        return {"username": self.username} | self._profile()

    def changes(self, active: bool) -> dict[str, Any]:
        """The fields for ``do_update_user``; ``active`` as the page reads the checkbox."""
        return self._profile() | {"active": active}

    def _profile(self) -> dict[str, Any]:
        return {
            "display_name": self.display_name,
            "email": self.email,
            "role": self.role,
            "unit_id": self.unit_id or None,
        }
