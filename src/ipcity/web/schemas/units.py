from __future__ import annotations

from pydantic import BaseModel

from ipcity.web.schemas.common import Strict


class UnitCreate(Strict):
    code: str
    name: str
    kind: str  # office | municipal | district
    short_name: str | None = None
    admin_code: str | None = None  # GB/T 2260, required for a district
    sort_order: int | None = None
    active: bool | None = None
    aliases: list[str] | None = None  # short and former names (市高院), matched on import


class UnitUpdate(Strict):
    version: int
    name: str | None = None
    kind: str | None = None
    short_name: str | None = None
    admin_code: str | None = None
    sort_order: int | None = None
    active: bool | None = None
    aliases: list[str] | None = None  # replaces the unit's aliases ([] clears them)


class UnitPublic(BaseModel):
    id: int
    code: str
    name: str
    short_name: str | None
    kind: str
    admin_code: str | None
    sort_order: int
    active: bool
    aliases: list[str] = []
    version: int
