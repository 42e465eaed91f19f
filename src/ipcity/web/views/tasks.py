"""The task list (filters) and the task page (status, timeline, reports, what the viewer may
do), assembled from the workspace's reads and permission helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from ipcity.web.views.dashboard import pick_work_plan
from ipcity.workspace import queries, rhythm
from ipcity.workspace.errors import NotFound
from ipcity.workspace.models import Goal, ProgressReport, Task, Unit, WorkPlan
from ipcity.workspace.permissions import (
    Actor,
    Cap,
    can_edit_report,
    can_review_report,
    can_view_internal,
    can_write_report_for_task,
    has,
    home_unit,
    is_office,
)
from ipcity.workspace.progress import awaiting_review, latest_accepted
from ipcity.workspace.queries import TaskView, TimelineEntry
from ipcity.workspace.supervision import SupervisionSettings, TaskStatus, task_status

STATUS_CHOICES = ("red", "yellow", "green", "done")
INVOLVEMENT_CHOICES = ("any", "lead", "co")


@dataclass
class TaskFilters:
    year: int | None = None
    unit_id: int | None = None
    status: str | None = None
    involvement: str = "any"
    q: str = ""

    def normalised(self) -> TaskFilters:
        return TaskFilters(
            year=self.year,
            unit_id=self.unit_id,
            status=self.status if self.status in STATUS_CHOICES else None,
            involvement=self.involvement if self.involvement in INVOLVEMENT_CHOICES else "any",
            q=self.q.strip(),
        )


@dataclass(frozen=True)
class MyReport:
    """A unit editor's own unit's latest report on a task, and the period the work plan's
    rhythm asks for now (a report on an earlier period means "none yet" for this one)."""

    period: str
    report: ProgressReport | None

    @property
    def current(self) -> ProgressReport | None:
        return self.report if self.report and self.report.period == self.period else None

    @property
    def return_reason(self) -> str | None:
        """Why the office returned it (shown next to the revise link)."""
        if self.report is None or self.report.state != "returned":
            return None
        returns = [e for e in self.report.events if e.kind == "return"]
        return returns[-1].comment if returns else ""


@dataclass
class TaskListing:
    filters: TaskFilters
    years: list[int]
    units: list[Unit]
    work_plans: list[WorkPlan]
    rows: list[TaskView] = field(default_factory=list)
    total_before_status: int = 0
    mine: dict[int, MyReport] | None = None  # task id -> report; None: not a unit editor


def _my_reports(
    session: Session,
    actor: Actor,
    unit_id: int,
    plans: list[WorkPlan],
    rows: list[TaskView],
    today: date,
) -> dict[int, MyReport]:
    """The editor's unit's latest report per listed task (one query for all of them)."""
    period = {wp.id: rhythm.period_of(today, wp.report_rhythm) for wp in plans}
    theirs = [  # only the tasks the unit reports on: it leads or co-operates
        r.task
        for r in rows
        if r.task.work_plan_id in period
        and (r.task.lead_unit_id == unit_id or any(u.id == unit_id for u in r.task.co_units))
    ]
    latest = queries.latest_unit_reports(session, actor, unit_id, {t.id for t in theirs})
    return {t.id: MyReport(period[t.work_plan_id], latest.get(t.id)) for t in theirs}


def task_listing(
    session: Session, actor: Actor, filters: TaskFilters, *, today: date, milestones: bool = True
) -> TaskListing:
    """The task list's rows for the filters (``milestones=False``: a page that does not show
    them; the API's task JSON lists them)."""
    f = filters.normalised()
    all_plans = queries.list_work_plans(session, actor)
    years = sorted({wp.year for wp in all_plans}, reverse=True)
    if f.year is None:
        default = pick_work_plan(all_plans, None, today)
        f.year = default.year if default else None
    plans = [wp for wp in all_plans if wp.year == f.year]
    listing = TaskListing(f, years, queries.list_units(session, actor), plans)
    for wp in plans:
        rows = queries.task_overview(
            session,
            actor,
            wp.id,
            today=today,
            unit_id=f.unit_id,
            involvement=f.involvement,
            milestones=milestones,
        )
        if f.q:
            needle = f.q.casefold()
            rows = [
                r
                for r in rows
                if needle in r.task.title.casefold() or needle in r.task.code.casefold()
            ]
        listing.total_before_status += len(rows)
        listing.rows.extend(
            r for r in rows if f.status is None or r.status.status.value == f.status
        )
    unit_id = home_unit(actor)
    if unit_id is not None and can_view_internal(actor):
        listing.mine = _my_reports(session, actor, unit_id, plans, listing.rows, today)
    return listing


@dataclass
class ReportRow:
    report: ProgressReport
    can_edit: bool
    can_review: bool

    @property
    def return_comment(self) -> str | None:
        """Why the office returned the report (shown next to the revise action)."""
        if self.report.state != "returned":
            return None
        returns = [e for e in self.report.events if e.kind == "return"]
        return returns[-1].comment if returns else None


@dataclass
class TaskPage:
    task: Task
    work_plan: WorkPlan
    goal: Goal | None
    status: TaskStatus
    percent: float
    internal: bool
    timeline: list[TimelineEntry]
    reports: list[ReportRow]
    writable_units: list[Unit]
    periods: list[str]
    can_edit_task: bool
    units: list[Unit]
    goals: list[Goal]


def _find_goal(nodes: list[queries.GoalNode], goal_id: int) -> Goal | None:
    for n in nodes:
        if n.goal.id == goal_id:
            return n.goal
        found = _find_goal(n.children, goal_id)
        if found is not None:
            return found
    return None


def _all_goals(nodes: list[queries.GoalNode]) -> list[Goal]:
    out: list[Goal] = []
    for n in nodes:
        out.append(n.goal)
        out.extend(_all_goals(n.children))
    return out


def task_page(session: Session, actor: Actor, task_id: int, *, today: date) -> TaskPage:
    task = queries.get_task(session, actor, task_id)
    wp = queries.get_work_plan(session, actor, task.work_plan_id)
    tree: list[queries.GoalNode] = []
    if wp.plan_id is not None:
        try:
            tree = queries.goal_tree(session, actor, wp.plan_id)
        except NotFound:  # the plan is not published: the public does not see its goals
            tree = []
    progress = latest_accepted(session, [task.id]).get(task.id)
    status = task_status(
        start=task.effective_start(),
        deadline=task.deadline,
        percent=progress.percent if progress else None,
        today=today,
        settings=SupervisionSettings.from_env(),
        awaiting_review=task.id in awaiting_review(session, [task.id]),
    )
    internal = can_view_internal(actor)
    # one read of the task's reports for both the timeline and the report rows
    task_reports = queries.list_reports(session, actor, task_id=task.id) if internal else []
    timeline = queries.task_timeline(session, actor, task.id, task_reports) if internal else []
    reports = [
        ReportRow(r, can_edit_report(actor, r), can_review_report(actor, r)) for r in task_reports
    ]
    involved = [task.lead_unit, *task.co_units]
    if is_office(actor):
        writable = [u for u in involved if can_write_report_for_task(actor, task, u.id)]
    else:
        writable = [
            u
            for u in involved
            if u.id == actor.unit_id and can_write_report_for_task(actor, task, u.id)
        ]
    can_edit = has(actor, Cap.EDIT_WORK_PLANS)
    return TaskPage(
        task=task,
        work_plan=wp,
        goal=_find_goal(tree, task.goal_id) if task.goal_id else None,
        status=status,
        percent=progress.percent if progress else 0.0,
        internal=internal,
        timeline=timeline,
        reports=reports,
        writable_units=writable,
        periods=rhythm.suggestions(today, wp.report_rhythm),
        can_edit_task=can_edit,
        units=queries.list_units(session, actor) if can_edit else [],
        goals=_all_goals(tree) if can_edit else [],
    )


def task_view(session: Session, actor: Actor, task_id: int, *, today: date) -> TaskView:
    """One task with its status, as ``queries.task_overview`` gives it for a whole plan."""
    task = queries.get_task(session, actor, task_id)
    progress = latest_accepted(session, [task.id]).get(task.id)
    status = task_status(
        start=task.effective_start(),
        deadline=task.deadline,
        percent=progress.percent if progress else None,
        today=today,
        settings=SupervisionSettings.from_env(),
        awaiting_review=task.id in awaiting_review(session, [task.id]),
    )
    return TaskView(task, status, progress)
