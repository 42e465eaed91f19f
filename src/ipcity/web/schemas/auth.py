from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ipcity.web.schemas.common import Out, RoleName, Strict


class TokenRequest(Strict):
    username: str
    """The user's login name (as on the login page)."""
    password: str
    """The user's password (sent once; the token stands for it afterwards)."""


class TokenOut(Out):
    access_token: str
    """Send as ``Authorization: Bearer <access_token>`` on every later request."""
    token_type: str = "bearer"
    """Always ``bearer``."""
    expires_in: int
    """Lifetime of the token in seconds (43200: 12 hours); then ask for a new one."""


class MeOut(Out):
    role: RoleName
    """``office_admin`` (the office: everything), ``unit_editor`` (its unit's reports and
    cases), ``leader`` (reads everything, writes nothing), ``anonymous`` (no token)."""
    user_id: int | None
    """Id of the user; null when anonymous."""
    username: str
    """Login name (``anonymous`` without a token)."""
    unit_id: int | None
    """Id of the unit the user belongs to (a unit editor's unit scopes what it may write);
    null when none, and for the public."""


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
