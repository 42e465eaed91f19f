from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from ipcity.web.params import DbId, Version
from ipcity.web.schemas.common import Light, Out, Seq, Strict, Weight, omissible


class Milestone(BaseModel):
    # unknown keys are ignored here, as before: only the docstrings are published
    model_config = ConfigDict(use_attribute_docstrings=True)

    title: str
    """What is to be done by the milestone."""
    due_date: date | str | None = None
    """When: ISO date (2023-06-30) or the office's wording with its year (2023年6月底);
    default none (no date)."""


class TaskCreate(Strict):
    """Dates are ISO (2023-06-30) or the office's wording (6月底, 年底前, 三季度)."""

    work_plan_id: DbId
    """Id of the work plan the task belongs to (it cannot move to another)."""
    title: str
    """What is to be done, as the work plan words it."""
    lead_unit_id: DbId
    """Id of the unit that leads the task and answers for it (its reports set the progress)."""
    deadline: date | str
    """Due date: ISO (2023-06-30) or the office's wording with its year (2023年6月底,
    2023年三季度); the last day of a month or quarter so named."""
    code: str = omissible()
    """Short code, unique in the work plan; default ``<year>-<seq, 3 digits>`` (2023-007)."""
    seq: Seq = omissible()
    """Number of the task in the work plan (序号), for ordering; default the next one."""
    description: str = omissible()
    """Free text; default empty."""
    goal_id: DbId | None = None
    """Id of the plan goal the task serves (its progress rolls up there); default none."""
    co_unit_ids: list[DbId] = omissible()
    """Ids of the units that co-operate on the task; default none."""
    start_date: date | str | None = None
    """When work on the task starts (supervision's straight line runs from it to the
    deadline); default none: the work plan's start date."""
    deadline_text: str = omissible()
    """The deadline as the work plan wrote it (6月底), shown beside the date; default empty."""
    expected_output: str = omissible()
    """The result the task should deliver (预期成果); default empty."""
    weight: Weight | None = None
    """Weight among the goal's tasks in the progress roll-up (≥ 0); default none."""
    milestones: list[Milestone] = omissible()
    """Dated steps of the task, in order; default none."""


class TaskUpdate(Strict):
    """``version``: the version the change was based on (a stale one gets 409). ``null``
    clears ``goal_id``, ``start_date`` or ``weight``; the other fields cannot be empty."""

    version: Version
    """The task's ``version`` the change is based on (a stale one: 409)."""
    title: str = omissible()
    """What is to be done; left out: unchanged."""
    code: str = omissible()
    """Short code, unique in the work plan; left out: unchanged."""
    seq: Seq = omissible()
    """Number in the work plan (序号); left out: unchanged."""
    description: str = omissible()
    """Free text; left out: unchanged."""
    goal_id: DbId | None = None
    """Id of the plan goal it serves; ``null`` clears it; left out: unchanged."""
    lead_unit_id: DbId = omissible()
    """Id of the lead unit; left out: unchanged."""
    co_unit_ids: list[DbId] = omissible()
    """Replaces the co-operating units (``[]``: none); left out: unchanged."""
    start_date: date | str | None = None
    """Start date (ISO or the office's wording); ``null``: the work plan's start; left out:
    unchanged."""
    deadline: date | str = omissible()
    """Due date (ISO or the office's wording with its year); left out: unchanged."""
    deadline_text: str = omissible()
    """The deadline as written (6月底); left out: unchanged."""
    expected_output: str = omissible()
    """The result the task should deliver; left out: unchanged."""
    weight: Weight | None = None
    """Weight in the roll-up (≥ 0); ``null`` clears it; left out: unchanged."""
    milestones: list[Milestone] = omissible()
    """Replaces the milestones (``[]``: none); left out: unchanged."""


class Supervision(Out):
    status: Light
    """``green`` (on track), ``yellow`` (deadline within the warning window, 14 days by
    default, or progress behind the straight line from start to deadline by more than the
    margin, 25 points by default), ``red`` (past the deadline, not done) or ``done`` (100 %
    accepted). See docs/workspace.md."""
    status_label: str
    """The status in words, in the request's language."""
    reason_key: str
    """Message key of the rule that gave the status (``reason.done`` ...): for programs."""
    params: dict[str, Any]
    """Values of the reason (percentages, days, dates)."""
    reason: str
    """Why, in words, in the request's language."""
    expected_percent: float | None
    """Progress the straight line from start to deadline expects today, in percent (0–100);
    null when it cannot be drawn."""
    days_left: int
    """Whole days from today to the deadline; negative when overdue."""


class TaskPublic(Out):
    id: int
    """Id of the task."""
    work_plan_id: int
    """Id of its work plan."""
    code: str
    """Short code, unique in the work plan."""
    seq: int
    """Number in the work plan (序号)."""
    title: str
    """What is to be done."""
    description: str
    """Free text (may be empty)."""
    goal_id: int | None
    """Id of the plan goal it serves, or null."""
    lead_unit_id: int
    """Id of the lead unit."""
    co_unit_ids: list[int]
    """Ids of the co-operating units."""
    start_date: str | None
    """Start date (ISO) as set on the task; null: the work plan's start."""
    deadline: str | None
    """Due date (ISO), or null."""
    deadline_text: str
    """The deadline as the work plan wrote it (may be empty)."""
    expected_output: str
    """The result the task should deliver (may be empty)."""
    weight: float | None
    """Weight in the progress roll-up, or null."""
    milestones: list[dict[str, Any]]
    """Dated steps, in order: ``{"title", "due_date"}`` (ISO date or null)."""
    version: int
    """Row version: send it back with a change (optimistic locking)."""
    percent: float
    """Progress in percent (0–100): the lead unit's latest accepted report; 0 without one."""
    progress_report_id: int | None
    """Id of the accepted report ``percent`` comes from, or null."""
    progress_period: str | None
    """Reporting period of that report (2023-Q2, 2023-06 ...), or null."""
    supervision: Supervision
    """The task's status by the supervision rules, as of the server's today."""


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
