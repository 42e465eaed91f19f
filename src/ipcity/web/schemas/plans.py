from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ipcity.web.schemas.common import Strict


class PlanCreate(Strict):
    code: str
    title: str
    kind: str  # outline | five_year | other
    start_year: int
    end_year: int
    description: str | None = None
    published: bool | None = None


class PlanUpdate(Strict):
    version: int
    title: str | None = None
    kind: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    description: str | None = None
    published: bool | None = None


class PlanPublic(BaseModel):
    id: int
    code: str
    title: str
    kind: str
    start_year: int
    end_year: int
    description: str
    published: bool
    version: int


class PlanDetail(PlanPublic):
    goals: list[dict[str, Any]]  # the goal tree, children nested, indicators attached
    progress: float | None = None  # roll-up of task progress (logged-in users only)


class WorkPlanCreate(Strict):
    code: str
    year: int
    title: str
    plan_id: int | None = None
    start_date: str | None = None
    published: bool | None = None
    report_rhythm: str | None = None  # month | quarter (default) | half | year


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
