from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from ipcity.web.params import DbId, Version
from ipcity.web.schemas.common import Light, Seq, Strict, Weight, omissible


class Milestone(BaseModel):
    title: str
    due_date: date | str | None = None


class TaskCreate(Strict):
    """Dates are ISO (2023-06-30) or the office's wording (6月底, 年底前, 三季度)."""

    work_plan_id: DbId
    title: str
    lead_unit_id: DbId
    deadline: date | str
    code: str = omissible()
    seq: Seq = omissible()
    description: str = omissible()
    goal_id: DbId | None = None
    co_unit_ids: list[DbId] = omissible()
    start_date: date | str | None = None
    deadline_text: str = omissible()
    expected_output: str = omissible()
    weight: Weight | None = None
    milestones: list[Milestone] = omissible()


class TaskUpdate(Strict):
    """``version``: the version the change was based on (a stale one gets 409). ``null``
    clears ``goal_id``, ``start_date`` or ``weight``; the other fields cannot be empty."""

    version: Version
    title: str = omissible()
    code: str = omissible()
    seq: Seq = omissible()
    description: str = omissible()
    goal_id: DbId | None = None
    lead_unit_id: DbId = omissible()
    co_unit_ids: list[DbId] = omissible()
    start_date: date | str | None = None
    deadline: date | str = omissible()
    deadline_text: str = omissible()
    expected_output: str = omissible()
    weight: Weight | None = None
    milestones: list[Milestone] = omissible()


class Supervision(BaseModel):
    status: Light
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


class TaskForm(BaseModel):
    """The new-task and edit-task forms of the pages, as the browser sends them (text; the
    action parses it, so a bad value shows the form again with the error). ``deadline_was``:
    the deadline as the edit form showed it."""

    work_plan_id: str = ""
    version: str = ""
    title: str = ""
    description: str = ""
    goal_id: str = ""
    lead_unit_id: str = ""
    co_unit_ids: list[str] = []
    deadline: str = ""
    deadline_was: str = ""
    expected_output: str = ""
    weight: str = ""

    def create_data(self) -> dict[str, Any]:
        """The fields for ``do_create_task`` (and the form shown again)."""
        return {
            "work_plan_id": self.work_plan_id,
            "title": self.title,
            "description": self.description,
        } | self._assignment()

    def changes(self) -> dict[str, Any]:
        """The fields for ``do_update_task``; an unchanged deadline is left out, so it keeps
        the wording it was written with (6月底)."""
        changes = {
            "title": self.title,
            "description": self.description,
            "goal_id": self.goal_id,
        } | self._assignment()
        if self.deadline.strip() == self.deadline_was.strip():
            del changes["deadline"]
        return changes

    def _assignment(self) -> dict[str, Any]:
        return {
            "lead_unit_id": self.lead_unit_id,
            "co_unit_ids": [c for c in self.co_unit_ids if c],
            "deadline": self.deadline,
            "expected_output": self.expected_output,
            "weight": self.weight,
        }
