from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, StringConstraints

from ipcity.web.params import SortOrder, Version
from ipcity.web.schemas.common import Strict, UnitKind, omissible


class UnitCreate(Strict):
    code: str
    name: str
    kind: UnitKind
    short_name: str | None = None
    admin_code: str | None = None  # GB/T 2260, required for a district
    sort_order: SortOrder = omissible()
    active: bool = omissible()
    # short and former names (市高院), matched on import
    aliases: list[Annotated[str, StringConstraints(max_length=100)]] = omissible()


class UnitUpdate(Strict):
    """``null`` clears ``short_name`` or ``admin_code``; the other fields cannot be empty."""

    version: Version
    name: str = omissible()
    kind: UnitKind = omissible()
    short_name: str | None = None
    admin_code: str | None = None
    sort_order: SortOrder = omissible()
    active: bool = omissible()
    # replaces the unit's aliases ([] clears them)
    aliases: list[Annotated[str, StringConstraints(max_length=100)]] = omissible()


class UnitPublic(BaseModel):
    id: int
    code: str
    name: str
    short_name: str | None
    kind: UnitKind
    admin_code: str | None
    sort_order: int
    active: bool
    aliases: list[str] = []
    version: int


class UnitForm(BaseModel):
    """The unit forms of the admin pages, as the browser sends them (text; the action parses
    it, so a bad value shows the form again with the error). ``aliases`` is None when the post
    has no such field: an edit then keeps the unit's aliases."""

    code: str = ""
    name: str = ""
    short_name: str = ""
    kind: str = ""
    admin_code: str = ""
    sort_order: str = ""
    aliases: str | None = None
    active: str = ""
    version: str = ""

    def create_data(self) -> dict[str, Any]:
        """The fields for ``do_create_unit`` (and the form shown again)."""
        data: dict[str, Any] = self.model_dump(include=set(_UNIT_TEXT) | {"code"})
        data["aliases"] = self.aliases or ""
        return data

    def changes(self, active: bool) -> dict[str, Any]:
        """The fields for ``do_update_unit``; ``active`` as the page reads the checkbox."""
        changes: dict[str, Any] = self.model_dump(include=set(_UNIT_TEXT))
        changes["active"] = active
        if self.aliases is not None:  # a post without the field keeps the aliases
            changes["aliases"] = self.aliases
        return changes


_UNIT_TEXT = ("name", "short_name", "kind", "admin_code", "sort_order")
