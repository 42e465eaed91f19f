from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, StringConstraints

from ipcity.web.params import DbId, SortOrder, Version, Year
from ipcity.web.schemas.common import Direction, Out, PlanKind, ReportRhythm, Strict, omissible


class PlanCreate(Strict):
    code: str
    """Short code of the plan, unique (e.g. ``SH-IP-14``)."""
    title: str
    """Title as the plan document names it."""
    kind: PlanKind
    """``outline`` (a long-range outline), ``five_year`` (a five-year plan) or ``other``."""
    start_year: Year
    """First year of the plan period (1949 … 2100)."""
    end_year: Year
    """Last year of the plan period, not before ``start_year``."""
    description: str = omissible()
    """Free text; default empty."""
    published: bool = omissible()
    """true shows the plan to the public (when the office opened the published plans);
    default false."""


class PlanUpdate(Strict):
    version: Version
    """The plan's ``version`` the change is based on (a stale one: 409)."""
    title: str = omissible()
    """Title; left out: unchanged."""
    kind: PlanKind = omissible()
    """``outline``, ``five_year`` or ``other``; left out: unchanged."""
    start_year: Year = omissible()
    """First year of the plan period; left out: unchanged."""
    end_year: Year = omissible()
    """Last year of the plan period; left out: unchanged."""
    description: str = omissible()
    """Free text; left out: unchanged."""
    published: bool = omissible()
    """Publish (true) or withdraw (false) the plan; left out: unchanged."""


class PlanPublic(Out):
    id: int
    """Id of the plan."""
    code: str
    """Short code, unique."""
    title: str
    """Title as the plan document names it."""
    kind: PlanKind
    """``outline``, ``five_year`` or ``other``."""
    start_year: int
    """First year of the plan period."""
    end_year: int
    """Last year of the plan period."""
    description: str
    """Free text (may be empty)."""
    published: bool
    """Whether the public may see the plan."""
    version: int
    """Row version: send it back with a change (optimistic locking)."""


class PlanDetail(PlanPublic):
    goals: list[dict[str, Any]]  # the goal tree, children nested, indicators attached
    """The goal tree: each goal with its fields (as ``GoalPublic``), its ``children`` nested
    and its indicator targets attached."""
    progress: float | None = None  # roll-up of task progress (logged-in users only)
    """Roll-up of its tasks' progress in percent (0–100, weighted by goal and task weights);
    null for the public or when no task is linked to a goal."""


class WorkPlanCreate(Strict):
    """``start_date``: ISO or the office's wording; default 1 January of ``year``."""

    code: str
    """Short code of the work plan, unique (e.g. ``2023``)."""
    year: Year
    """The year the work plan covers (1949 … 2100)."""
    title: str
    """Title (e.g. 2023年知识产权工作要点)."""
    plan_id: DbId | None = None
    """Id of the plan it carries out; default none."""
    start_date: str = omissible()
    """When the year's work starts: ISO date (2023-03-01) or the office's wording
    (2023年3月); default 1 January of ``year``. Supervision measures expected progress from
    it."""
    published: bool = omissible()
    """true shows it to the public (when the office opened the published plans); default
    false."""
    report_rhythm: ReportRhythm = omissible()  # month | quarter (default) | half | year
    """How often units report progress: ``month``, ``quarter`` (the default), ``half`` or
    ``year``."""


class WorkPlanPublic(Out):
    id: int
    """Id of the work plan."""
    code: str
    """Short code, unique."""
    year: int
    """The year it covers."""
    title: str
    """Title of the work plan (2023年知识产权工作要点)."""
    plan_id: int | None
    """Id of the plan it carries out, or null."""
    start_date: str | None
    """When the year's work starts (ISO date), or null."""
    published: bool
    """Whether the public may see it."""
    report_rhythm: str = "quarter"
    """How often units report progress: ``month``, ``quarter`` (default), ``half``, ``year``."""
    version: int
    """Row version: send it back with a change (optimistic locking)."""


class GoalCreate(Strict):
    """A goal of the plan in the path; ``parent_id``: the goal it sits under (none: top level)."""

    code: str
    """Short code, unique in the plan (e.g. ``1.2``)."""
    title: str
    """Title of the goal."""
    parent_id: DbId | None = None
    """Id of the goal of the same plan it sits under; default none (a top-level goal)."""
    description: str = omissible()
    """Free text; default empty."""
    weight: float | None = None
    """Weight among its sibling goals in the progress roll-up (≥ 0); default none (siblings
    without a weight get the mean of the given ones)."""
    sort_order: SortOrder = omissible()
    """Position among its siblings, smallest first; default 0."""


class GoalUpdate(Strict):
    """Moving a goal under another goal of the same plan is allowed; a cycle is a 422."""

    version: Version
    """The goal's ``version`` the change is based on (a stale one: 409)."""
    code: str = omissible()
    """Short code, unique in the plan; left out: unchanged."""
    title: str = omissible()
    """Title; left out: unchanged."""
    parent_id: DbId | None = None
    """Id of the goal it moves under (same plan, no cycle); ``null``: to the top level; left
    out: unchanged."""
    description: str = omissible()
    """Free text; left out: unchanged."""
    weight: float | None = None
    """Weight among its siblings in the roll-up (≥ 0); ``null`` clears it; left out:
    unchanged."""
    sort_order: SortOrder = omissible()
    """Position among its siblings, smallest first; left out: unchanged."""


class GoalPublic(Out):
    id: int
    """Id of the goal."""
    plan_id: int
    """Id of the plan it belongs to."""
    parent_id: int | None
    """Id of the goal it sits under; null: a top-level goal."""
    code: str
    """Short code, unique in the plan."""
    title: str
    """Title of the goal."""
    description: str
    """Free text (may be empty)."""
    weight: float | None
    """Weight among its siblings in the progress roll-up, or null."""
    sort_order: int
    """Position among its siblings, smallest first."""
    version: int
    """Row version: send it back with a change (optimistic locking)."""


Milestones = dict[Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")], float]


class TargetDetails(Strict):
    """The fields of an indicator target that may be left out, on create and on update."""

    goal_id: DbId | None = None
    """Id of the plan's goal the indicator measures; none: not tied to a goal."""
    engine_indicator: str | None = None
    """Id of an indicator the engine computes from the patent warehouse (the indicator
    registry, docs/indicators.md); none: only figures the office publishes by hand."""
    region: str = omissible()
    """Region the figure is for: ``ALL`` (the whole city, the default on create) or a
    district's GB/T 2260 code; left out on update: unchanged."""
    unit: str = omissible()
    """Unit of measurement as printed (件, 亿元, %); default empty."""
    binding: bool = omissible()
    """true: a binding (约束性) indicator, false: an expected (预期性) one; default false."""
    baseline_year: Year | None = None
    """Year of the baseline value (1949 … 2100); none: no baseline."""
    baseline_value: float | None = None
    """Value in the baseline year, in ``unit``; none: no baseline."""
    milestones: Milestones = omissible()
    """Value planned for the end of each year, ``{"2024": 12.5}``: four-digit years strictly
    between baseline and target year, inside the plan period; default none."""
    note: str = omissible()
    """Free text (definition, source); default empty."""
    published: bool = omissible()
    """true shows the indicator to the public, false withdraws it; default false."""
    sort_order: SortOrder = omissible()
    """Position in the plan's indicator list, smallest first; default 0."""


class TargetCreate(TargetDetails):
    """An indicator target. ``engine_indicator``: computed by the engine (an id from the
    indicator registry); none: published figures entered by the office. ``milestones``: the
    value planned for the end of each year between baseline and target, inside the plan period."""

    code: str
    """Short code, unique in the plan."""
    name: str
    """Name of the indicator as the plan prints it (e.g. 每万人口高价值发明专利拥有量)."""
    direction: Direction
    """Which way is better: ``higher`` (also ``up``, 正向, 越高越好, 增加, 提高) or
    ``lower`` (``down``, 逆向)."""
    target_year: Year
    """Year the target is due (1949 … 2100)."""
    target_value: float
    """Value to reach by the end of ``target_year``, in ``unit``."""


class TargetUpdate(TargetDetails):
    version: Version
    """The indicator's ``version`` the change is based on (a stale one: 409)."""
    code: str = omissible()
    """Short code, unique in the plan; left out: unchanged."""
    name: str = omissible()
    """Name of the indicator; left out: unchanged."""
    direction: Direction = omissible()
    """``higher`` or ``lower`` is better (or their synonyms); left out: unchanged."""
    target_year: Year = omissible()
    """Year the target is due; left out: unchanged."""
    target_value: float = omissible()
    """Value to reach, in ``unit``; left out: unchanged."""


class TargetPublic(Out):
    id: int
    """Id of the indicator target."""
    plan_id: int
    """Id of the plan."""
    goal_id: int | None
    """Id of the goal it measures, or null."""
    code: str
    """Short code, unique in the plan."""
    name: str
    """Name of the indicator as the plan prints it."""
    engine_indicator: str | None
    """Id of the engine indicator that computes it, or null (published figures only)."""
    region: str
    """``ALL`` (the whole city) or a district's GB/T 2260 code."""
    unit: str
    """Unit of measurement (件, 亿元, %), may be empty."""
    direction: Direction
    """``higher`` or ``lower`` is better."""
    binding: bool
    """true: binding (约束性); false: expected (预期性)."""
    baseline_year: int | None
    """Year of the baseline value, or null."""
    baseline_value: float | None
    """Baseline value in ``unit``, or null."""
    target_year: int
    """Year the target is due."""
    target_value: float
    """Value to reach, in ``unit``."""
    milestones: dict[str, float]
    """Value planned for the end of each year: ``{"2024": 12.5}`` (may be empty)."""
    note: str
    """Free text (may be empty)."""
    published: bool
    """Whether the public may see the indicator."""
    sort_order: int
    """Position in the plan's indicator list, smallest first."""
    version: int
    """Row version: send it back with a change (optimistic locking)."""


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
