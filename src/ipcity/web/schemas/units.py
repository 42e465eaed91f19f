from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, StringConstraints

from ipcity.web.params import SortOrder, Version
from ipcity.web.schemas.common import Out, Strict, UnitKind, omissible


class UnitCreate(Strict):
    code: str
    """Short code of the unit, unique (e.g. ``SIPA``); not changed later."""
    name: str
    """Full official name (e.g. 上海市知识产权局)."""
    kind: UnitKind
    """``office`` (the joint-conference office), ``municipal`` (a city-level member unit) or
    ``district`` (a district government; needs ``admin_code``)."""
    short_name: str | None = None
    """Short name shown in tables; default none."""
    admin_code: str | None = None  # GB/T 2260, required for a district
    """Six-digit GB/T 2260 administrative division code; required for a district, else
    default none."""
    sort_order: SortOrder = omissible()
    """Position in unit lists, smallest first; default 0."""
    active: bool = omissible()
    """false: a retired unit, kept for its history; default true."""
    # short and former names (市高院), matched on import
    aliases: list[Annotated[str, StringConstraints(max_length=100)]] = omissible()
    """Short and former names (市高院), each at most 100 characters, matched when sheets are
    imported; default none."""


class UnitUpdate(Strict):
    """``null`` clears ``short_name`` or ``admin_code``; the other fields cannot be empty."""

    version: Version
    """The unit's ``version`` the change is based on (a stale one: 409)."""
    name: str = omissible()
    """Full official name; left out: unchanged."""
    kind: UnitKind = omissible()
    """``office``, ``municipal`` or ``district``; left out: unchanged."""
    short_name: str | None = None
    """Short name; ``null`` clears it, left out: unchanged."""
    admin_code: str | None = None
    """GB/T 2260 code; ``null`` clears it (not for a district), left out: unchanged."""
    sort_order: SortOrder = omissible()
    """Position in unit lists, smallest first; left out: unchanged."""
    active: bool = omissible()
    """false retires the unit (its history stays); left out: unchanged."""
    # replaces the unit's aliases ([] clears them)
    aliases: list[Annotated[str, StringConstraints(max_length=100)]] = omissible()
    """Replaces the unit's aliases (``[]`` clears them); left out: unchanged."""


class UnitPublic(Out):
    id: int
    """Id of the unit."""
    code: str
    """Short code, unique."""
    name: str
    """Full official name."""
    short_name: str | None
    """Short name shown in tables, or null."""
    kind: UnitKind
    """``office``, ``municipal`` or ``district``."""
    admin_code: str | None
    """GB/T 2260 administrative division code (districts), or null."""
    sort_order: int
    """Position in unit lists, smallest first."""
    active: bool
    """false: retired (listed only for logged-in users)."""
    aliases: list[str] = []  # noqa: RUF012 (pydantic copies it per instance)
    """Short and former names matched on import."""
    version: int
    """Row version: send it back with a change (optimistic locking)."""


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
