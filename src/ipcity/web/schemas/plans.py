from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ipcity.web.params import DbId, Version, Year
from ipcity.web.schemas.common import PlanKind, ReportRhythm, Strict, omissible


class PlanCreate(Strict):
    code: str
    title: str
    kind: PlanKind
    start_year: Year
    end_year: Year
    description: str = omissible()
    published: bool = omissible()


class PlanUpdate(Strict):
    version: Version
    title: str = omissible()
    kind: PlanKind = omissible()
    start_year: Year = omissible()
    end_year: Year = omissible()
    description: str = omissible()
    published: bool = omissible()


class PlanPublic(BaseModel):
    id: int
    code: str
    title: str
    kind: PlanKind
    start_year: int
    end_year: int
    description: str
    published: bool
    version: int


class PlanDetail(PlanPublic):
    goals: list[dict[str, Any]]  # the goal tree, children nested, indicators attached
    progress: float | None = None  # roll-up of task progress (logged-in users only)


class WorkPlanCreate(Strict):
    """``start_date``: ISO or the office's wording; default 1 January of ``year``."""

    code: str
    year: Year
    title: str
    plan_id: DbId | None = None
    start_date: str = omissible()
    published: bool = omissible()
    report_rhythm: ReportRhythm = omissible()  # month | quarter (default) | half | year


class WorkPlanPublic(BaseModel):
    id: int
    code: str
    year: int
    title: str
    plan_id: int | None
    start_date: str | None
    published: bool
    report_rhythm: str = "quarter"
    version: int
