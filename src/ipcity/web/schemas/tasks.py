from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from ipcity.web.schemas.common import Strict


class Milestone(BaseModel):
    title: str
    due_date: date | str | None = None


class TaskCreate(Strict):
    """Dates are ISO (2023-06-30) or the office's wording (6月底, 年底前, 三季度)."""

    work_plan_id: int
    title: str
    lead_unit_id: int
    deadline: date | str
    code: str | None = None
    seq: int | None = None
    description: str | None = None
    goal_id: int | None = None
    co_unit_ids: list[int] | None = None
    start_date: date | str | None = None
    deadline_text: str | None = None
    expected_output: str | None = None
    weight: float | None = None
    milestones: list[Milestone] | None = None


class TaskUpdate(Strict):
    """``version``: the version the change was based on (a stale one gets 409)."""

    version: int
    title: str | None = None
    code: str | None = None
    seq: int | None = None
    description: str | None = None
    goal_id: int | None = None
    lead_unit_id: int | None = None
    co_unit_ids: list[int] | None = None
    start_date: date | str | None = None
    deadline: date | str | None = None
    deadline_text: str | None = None
    expected_output: str | None = None
    weight: float | None = None
    milestones: list[Milestone] | None = None


class Supervision(BaseModel):
    status: str  # green | yellow | red | done
    status_label: str
    reason_key: str
    params: dict[str, Any]
    reason: str
    expected_percent: float | None
    days_left: int


class TaskPublic(BaseModel):
    id: int
    work_plan_id: int
    code: str
    seq: int
    title: str
    description: str
    goal_id: int | None
    lead_unit_id: int
    co_unit_ids: list[int]
    start_date: str | None
    deadline: str | None
    deadline_text: str
    expected_output: str
    weight: float | None
    milestones: list[dict[str, Any]]
    version: int
    percent: float
    progress_report_id: int | None
    progress_period: str | None
    supervision: Supervision
