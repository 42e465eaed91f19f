from __future__ import annotations

from typing import Annotated

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
