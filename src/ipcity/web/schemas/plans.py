from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, StringConstraints

from ipcity.web.params import DbId, SortOrder, Version, Year
from ipcity.web.schemas.common import Direction, PlanKind, ReportRhythm, Strict, omissible


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


class GoalCreate(Strict):
    """A goal of the plan in the path; ``parent_id``: the goal it sits under (none: top level)."""

    code: str
    title: str
    parent_id: DbId | None = None
    description: str = omissible()
    weight: float | None = None
    sort_order: SortOrder = omissible()


class GoalUpdate(Strict):
    """Moving a goal under another goal of the same plan is allowed; a cycle is a 422."""

    version: Version
    code: str = omissible()
    title: str = omissible()
    parent_id: DbId | None = None
    description: str = omissible()
    weight: float | None = None
    sort_order: SortOrder = omissible()


class GoalPublic(BaseModel):
    id: int
    plan_id: int
    parent_id: int | None
    code: str
    title: str
    description: str
    weight: float | None
    sort_order: int
    version: int


Milestones = dict[Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")], float]


class TargetDetails(Strict):
    """The fields of an indicator target that may be left out, on create and on update."""

    goal_id: DbId | None = None
    engine_indicator: str | None = None
    region: str = omissible()
    unit: str = omissible()
    binding: bool = omissible()
    baseline_year: Year | None = None
    baseline_value: float | None = None
    milestones: Milestones = omissible()
    note: str = omissible()
    published: bool = omissible()
    sort_order: SortOrder = omissible()


class TargetCreate(TargetDetails):
    """An indicator target. ``engine_indicator``: computed by the engine (an id from the
    indicator registry); none: published figures entered by the office. ``milestones``: the
    value planned for the end of each year between baseline and target, inside the plan period."""

    code: str
    name: str
    direction: Direction
    target_year: Year
    target_value: float


class TargetUpdate(TargetDetails):
    version: Version
    code: str = omissible()
    name: str = omissible()
    direction: Direction = omissible()
    target_year: Year = omissible()
    target_value: float = omissible()


class TargetPublic(BaseModel):
    id: int
    plan_id: int
    goal_id: int | None
    code: str
    name: str
    engine_indicator: str | None
    region: str
    unit: str
    direction: Direction
    binding: bool
    baseline_year: int | None
    baseline_value: float | None
    target_year: int
    target_value: float
    milestones: dict[str, float]
    note: str
    published: bool
    sort_order: int
    version: int


class PlanForm(BaseModel):
    """The new-plan form of the admin pages, as the browser sends it (text; the action parses
    it, so a bad value shows the form again with the error)."""

    code: str = ""
    title: str = ""
    kind: str = "five_year"
    start_year: str = ""
    end_year: str = ""


class WorkPlanForm(BaseModel):
    """The new-work-plan form of the admin pages. An empty ``plan_id`` means no plan; an empty
    ``report_rhythm`` the default, quarter."""

    code: str = ""
    year: str = ""
    title: str = ""
    plan_id: str = ""
    report_rhythm: str = "quarter"

    def create_data(self) -> dict[str, Any]:
        """The fields for ``do_create_work_plan`` (and the form shown again)."""
        return self.model_dump() | {
            "plan_id": self.plan_id or None,
            "report_rhythm": self.report_rhythm or "quarter",
        }


class PlanEditForm(PlanForm):
    """The plan form of the plan's management page (every field, at the version shown)."""

    kind: str = ""
    description: str = ""
    version: str = ""

    def changes(self) -> dict[str, Any]:
        """The fields for ``do_update_plan`` (and the form shown again)."""
        return self.model_dump(exclude={"version"})


class GoalForm(BaseModel):
    """The goal form of the plan's management page, as the browser sends it (text)."""

    code: str = ""
    title: str = ""
    parent_id: str = ""
    description: str = ""
    weight: str = ""
    sort_order: str = ""
    version: str = ""

    def data(self) -> dict[str, Any]:
        """The fields for ``do_create_goal`` / ``do_update_goal``; a blank ``sort_order`` is
        left out, so the goal keeps its place (the column has no "no value")."""
        data = self.model_dump(exclude={"version"})
        if not self.sort_order.strip():
            del data["sort_order"]
        return data
