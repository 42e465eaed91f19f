"""Reads, each taking the viewing Actor and applying the visibility rules.

- anonymous: published plans (their goals and published indicators), published work plans
  (their tasks and computed status), the unit list; nothing else (hidden rows are NotFound);
- unit editor: everything internal, but other units' reports only once submitted or accepted
  (never their drafts or returned reports); its own unit's inbox;
- leader and office admin: everything (the leader only reads).

Returned ORM objects belong to the caller's session. Use these functions rather than walking
relationships (e.g. ``task.reports``) so the rules hold.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ipcity.workspace.errors import NotFound, PermissionDenied
from ipcity.workspace.models import (
    EvidenceBlob,
    Goal,
    IndicatorTarget,
    Notice,
    Plan,
    ProgressReport,
    ReportEvent,
    ReportRevision,
    RevisionFile,
    Task,
    TaskCoUnit,
    Unit,
    User,
    WorkPlan,
)
from ipcity.workspace.permissions import (
    Actor,
    Cap,
    Role,
    can_read_unit_inbox,
    can_view_internal,
    can_view_report,
    has,
)
from ipcity.workspace.progress import AcceptedProgress, awaiting_review, latest_accepted
from ipcity.workspace.supervision import SupervisionSettings, TaskStatus, task_status

# --- units and users ---------------------------------------------------------------------------


def list_units(session: Session, viewer: Actor, *, include_inactive: bool = False) -> list[Unit]:
    """Member units in display order (public: names are public information)."""
    stmt = select(Unit).order_by(Unit.sort_order, Unit.id)
    if not include_inactive or not can_view_internal(viewer):
        stmt = stmt.where(Unit.active.is_(True))
    return list(session.scalars(stmt))


def get_unit(session: Session, viewer: Actor, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None or (not unit.active and not can_view_internal(viewer)):
        raise NotFound("unit", unit_id)
    return unit


def list_users(session: Session, viewer: Actor) -> list[User]:
    if not has(viewer, Cap.VIEW_USERS):
        raise PermissionDenied(Cap.VIEW_USERS.value)
    return list(session.scalars(select(User).order_by(User.username)))


def get_user(session: Session, viewer: Actor, user_id: int) -> User:
    """A user: office admins and leaders see anyone, a user sees themself."""
    if viewer.user_id != user_id and not has(viewer, Cap.VIEW_USERS):
        raise PermissionDenied(Cap.VIEW_USERS.value)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


def get_user_by_name(session: Session, viewer: Actor, username: str) -> User:
    if not has(viewer, Cap.VIEW_USERS):
        raise PermissionDenied(Cap.VIEW_USERS.value)
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound("user", username)
    return user


# --- plans, goals, indicators ------------------------------------------------------------------


def list_plans(session: Session, viewer: Actor) -> list[Plan]:
    stmt = select(Plan).order_by(Plan.start_year, Plan.id)
    if not can_view_internal(viewer):
        stmt = stmt.where(Plan.published.is_(True))
    return list(session.scalars(stmt))


def get_plan(session: Session, viewer: Actor, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None or not (plan.published or can_view_internal(viewer)):
        raise NotFound("plan", plan_id)
    return plan


@dataclass
class GoalNode:
    goal: Goal
    children: list[GoalNode] = field(default_factory=list)
    targets: list[IndicatorTarget] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.goal.as_dict(),
            "children": [c.as_dict() for c in self.children],
            "targets": [t.as_dict() for t in self.targets],
        }


def list_targets(session: Session, viewer: Actor, plan_id: int) -> list[IndicatorTarget]:
    """A plan's indicators (the public sees only published ones of a published plan)."""
    get_plan(session, viewer, plan_id)
    stmt = (
        select(IndicatorTarget)
        .where(IndicatorTarget.plan_id == plan_id)
        .order_by(IndicatorTarget.sort_order, IndicatorTarget.id)
    )
    if not can_view_internal(viewer):
        stmt = stmt.where(IndicatorTarget.published.is_(True))
    return list(session.scalars(stmt))


def get_target(session: Session, viewer: Actor, target_id: int) -> IndicatorTarget:
    target = session.get(IndicatorTarget, target_id)
    if target is None:
        raise NotFound("indicator_target", target_id)
    if not can_view_internal(viewer):
        plan = session.get(Plan, target.plan_id)
        if not (target.published and plan is not None and plan.published):
            raise NotFound("indicator_target", target_id)
    return target


def goal_tree(session: Session, viewer: Actor, plan_id: int) -> list[GoalNode]:
    """The plan's goals as a tree (roots first, siblings by sort order) with their indicators;
    indicators without a goal are not in the tree (see list_targets)."""
    get_plan(session, viewer, plan_id)
    goals = list(
        session.scalars(
            select(Goal).where(Goal.plan_id == plan_id).order_by(Goal.sort_order, Goal.id)
        )
    )
    nodes = {g.id: GoalNode(g) for g in goals}
    for t in list_targets(session, viewer, plan_id):
        if t.goal_id in nodes:
            nodes[t.goal_id].targets.append(t)
    roots: list[GoalNode] = []
    for g in goals:
        parent = nodes.get(g.parent_id) if g.parent_id is not None else None
        (parent.children if parent is not None else roots).append(nodes[g.id])
    return roots


def list_goals(session: Session, viewer: Actor, plan_id: int) -> list[Goal]:
    """The plan's goals, flat (parents before their children is not guaranteed: sort order)."""
    get_plan(session, viewer, plan_id)
    stmt = select(Goal).where(Goal.plan_id == plan_id).order_by(Goal.sort_order, Goal.id)
    return list(session.scalars(stmt))


def get_goal(session: Session, viewer: Actor, goal_id: int) -> Goal:
    goal = session.get(Goal, goal_id)
    if goal is None:
        raise NotFound("goal", goal_id)
    try:
        get_plan(session, viewer, goal.plan_id)
    except NotFound:
        raise NotFound("goal", goal_id) from None
    return goal


# --- work plans and tasks ----------------------------------------------------------------------


def list_work_plans(session: Session, viewer: Actor) -> list[WorkPlan]:
    stmt = select(WorkPlan).order_by(WorkPlan.year.desc(), WorkPlan.id)
    if not can_view_internal(viewer):
        stmt = stmt.where(WorkPlan.published.is_(True))
    return list(session.scalars(stmt))


def get_work_plan(session: Session, viewer: Actor, work_plan_id: int) -> WorkPlan:
    wp = session.get(WorkPlan, work_plan_id)
    if wp is None or not (wp.published or can_view_internal(viewer)):
        raise NotFound("work_plan", work_plan_id)
    return wp


def get_work_plan_by_code(session: Session, viewer: Actor, code: str) -> WorkPlan:
    wp = session.scalar(select(WorkPlan).where(WorkPlan.code == code))
    if wp is None or not (wp.published or can_view_internal(viewer)):
        raise NotFound("work_plan", code)
    return wp


def list_tasks(
    session: Session,
    viewer: Actor,
    work_plan_id: int,
    *,
    unit_id: int | None = None,
    involvement: str = "any",
    milestones: bool = True,
) -> list[Task]:
    """Tasks of a work plan by 序号. ``unit_id`` with ``involvement`` = lead | co | any keeps
    the tasks that unit leads / co-operates on / either. ``milestones=False``: a page that
    does not show them need not read them (a task has several)."""
    get_work_plan(session, viewer, work_plan_id)
    loads = [selectinload(Task.co_units)]
    if milestones:
        loads.append(selectinload(Task.milestones))
    stmt = (
        select(Task)
        .where(Task.work_plan_id == work_plan_id)
        .options(*loads)
        .order_by(Task.seq, Task.id)
    )
    if not can_view_internal(viewer):
        stmt = stmt.where(Task.internal.is_(False))  # e.g. an unpublished meeting decision
    if unit_id is not None:
        co = select(TaskCoUnit.task_id).where(TaskCoUnit.unit_id == unit_id)
        if involvement == "lead":
            stmt = stmt.where(Task.lead_unit_id == unit_id)
        elif involvement == "co":
            stmt = stmt.where(Task.id.in_(co))
        else:
            stmt = stmt.where(or_(Task.lead_unit_id == unit_id, Task.id.in_(co)))
    return list(session.scalars(stmt))


def get_task(session: Session, viewer: Actor, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None or (task.internal and not can_view_internal(viewer)):
        raise NotFound("task", task_id)
    get_work_plan(session, viewer, task.work_plan_id)  # public only when its plan is published
    return task


@dataclass(frozen=True)
class TaskView:
    """A task with its supervision status and the progress that status rests on."""

    task: Task
    status: TaskStatus
    progress: AcceptedProgress | None

    @property
    def percent(self) -> float:
        return self.progress.percent if self.progress else 0.0

    def as_dict(self, locale: str = "zh") -> dict[str, Any]:
        return {
            **self.task.as_dict(),
            "percent": self.percent,
            "progress_report_id": self.progress.report_id if self.progress else None,
            "progress_period": self.progress.period if self.progress else None,
            "supervision": self.status.as_dict(locale),
        }


@dataclass(frozen=True)
class TaskFacts:
    """The tasks of a work plan as the viewer sees them, with the latest accepted progress
    and the tasks awaiting review: read once per request and shared by the overview and the
    roll-ups of one page (see ``rollup``), rather than read again by each."""

    work_plan_id: int
    tasks: list[Task]
    progress: dict[int, AcceptedProgress]
    pending: set[int]


def task_facts(
    session: Session,
    viewer: Actor,
    work_plan_id: int,
    *,
    unit_id: int | None = None,
    involvement: str = "any",
    milestones: bool = True,
) -> TaskFacts:
    tasks = list_tasks(
        session,
        viewer,
        work_plan_id,
        unit_id=unit_id,
        involvement=involvement,
        milestones=milestones,
    )
    ids = [t.id for t in tasks]
    return TaskFacts(
        work_plan_id, tasks, latest_accepted(session, ids), awaiting_review(session, ids)
    )


def task_overview(
    session: Session,
    viewer: Actor,
    work_plan_id: int,
    *,
    today: date,
    settings: SupervisionSettings | None = None,
    unit_id: int | None = None,
    involvement: str = "any",
    facts: TaskFacts | None = None,
    milestones: bool = True,
) -> list[TaskView]:
    """Every task of a work plan with status (green/yellow/red/done) and reason on ``today``
    (``facts``: the same work plan's, already read)."""
    settings = settings or SupervisionSettings.from_env()
    if facts is None or facts.work_plan_id != work_plan_id:
        facts = task_facts(
            session,
            viewer,
            work_plan_id,
            unit_id=unit_id,
            involvement=involvement,
            milestones=milestones,
        )
    tasks, progress, pending = facts.tasks, facts.progress, facts.pending
    out = []
    for t in tasks:
        p = progress.get(t.id)
        st = task_status(
            start=t.effective_start(),
            deadline=t.deadline,
            percent=p.percent if p else None,
            today=today,
            settings=settings,
            awaiting_review=t.id in pending,
        )
        out.append(TaskView(t, st, p))
    return out


# --- reports -----------------------------------------------------------------------------------


def _require_internal(viewer: Actor) -> None:
    if not can_view_internal(viewer):
        raise PermissionDenied(Cap.VIEW_INTERNAL.value)


def list_reports(
    session: Session,
    viewer: Actor,
    *,
    task_id: int | None = None,
    task_ids: Collection[int] | None = None,
    unit_id: int | None = None,
    state: str | None = None,
    work_plan_id: int | None = None,
    revisions: bool = True,
) -> list[ProgressReport]:
    """Reports the viewer may see, newest period first. ``revisions=False`` leaves the
    revisions and their files unloaded (a list that shows only the report's own fields and
    its events, such as an editor's column of latest reports, reads far fewer rows)."""
    _require_internal(viewer)
    loads = [
        selectinload(ProgressReport.events),
        selectinload(ProgressReport.task),
        selectinload(ProgressReport.unit),
    ]
    if revisions:
        loads.append(selectinload(ProgressReport.revisions).selectinload(ReportRevision.files))
    stmt = select(ProgressReport).options(*loads)
    if task_id is not None:
        stmt = stmt.where(ProgressReport.task_id == task_id)
    if task_ids is not None:
        stmt = stmt.where(ProgressReport.task_id.in_(list(task_ids)))
    if unit_id is not None:
        stmt = stmt.where(ProgressReport.unit_id == unit_id)
    if state is not None:
        stmt = stmt.where(ProgressReport.state == state)
    if work_plan_id is not None:
        stmt = stmt.join(Task, Task.id == ProgressReport.task_id).where(
            Task.work_plan_id == work_plan_id
        )
    stmt = _visible_reports(stmt, viewer)
    stmt = stmt.order_by(*NEWEST_REPORT_FIRST)
    return [r for r in session.scalars(stmt) if can_view_report(viewer, r)]


NEWEST_REPORT_FIRST = (ProgressReport.period_end.desc(), ProgressReport.id.desc())


def _visible_reports(stmt: Select[Any], viewer: Actor) -> Select[Any]:
    """The SQL side of :func:`can_view_report` (other units' drafts and returns stay hidden)."""
    if has(viewer, Cap.VIEW_ALL_REPORTS):
        return stmt
    return stmt.where(
        or_(
            ProgressReport.unit_id == viewer.unit_id,
            ProgressReport.state.in_(("submitted", "accepted")),
        )
    )


def latest_unit_reports(
    session: Session, viewer: Actor, unit_id: int, task_ids: Collection[int]
) -> dict[int, ProgressReport]:
    """A unit's latest report (newest period, then newest) on each of ``task_ids`` the viewer
    may see, with its events: what :func:`list_reports` would list first per task, without
    reading the unit's older reports."""
    _require_internal(viewer)
    if not task_ids:
        return {}
    rank = func.row_number().over(partition_by=ProgressReport.task_id, order_by=NEWEST_REPORT_FIRST)
    ranked = _visible_reports(
        select(ProgressReport.id, rank.label("rank")).where(
            ProgressReport.unit_id == unit_id, ProgressReport.task_id.in_(list(task_ids))
        ),
        viewer,
    ).subquery()
    stmt = (
        select(ProgressReport)
        .join(ranked, ranked.c.id == ProgressReport.id)
        .where(ranked.c.rank == 1)
        .options(selectinload(ProgressReport.events))
    )
    return {r.task_id: r for r in session.scalars(stmt) if can_view_report(viewer, r)}


def get_report(session: Session, viewer: Actor, report_id: int) -> ProgressReport:
    _require_internal(viewer)
    report = session.get(ProgressReport, report_id)
    if report is None or not can_view_report(viewer, report):
        raise NotFound("report", report_id)
    return report


@dataclass(frozen=True)
class ReportHistory:
    """Every revision and workflow step of one report, oldest first."""

    report: ProgressReport
    revisions: list[ReportRevision]
    events: list[ReportEvent]

    def as_dict(self) -> dict[str, Any]:
        return {
            "report": self.report.as_dict(),
            "revisions": [r.as_dict() for r in self.revisions],
            "events": [e.as_dict() for e in self.events],
        }


def report_history(session: Session, viewer: Actor, report_id: int) -> ReportHistory:
    report = get_report(session, viewer, report_id)
    return ReportHistory(report, list(report.revisions), list(report.events))


@dataclass(frozen=True)
class TimelineEntry:
    """One step in a task's history: a report created, revised, submitted, accepted or
    returned (with the revision's content and the office's comment)."""

    at: datetime
    kind: str
    report_id: int
    unit_id: int
    unit_name: str
    period: str
    revision_no: int
    percent: float | None
    narrative: str | None
    comment: str
    actor_name: str
    to_state: str
    superseded: bool  # a revision that a later revision of the same report replaced
    files: tuple[RevisionFile, ...] = ()  # the revision's evidence (create and revise steps)

    def as_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["at"] = self.at.isoformat(timespec="seconds")
        d["files"] = [f.as_dict() for f in self.files]
        return d


def task_timeline(
    session: Session,
    viewer: Actor,
    task_id: int,
    reports: Sequence[ProgressReport] | None = None,
) -> list[TimelineEntry]:
    """The history of every report on a task that the viewer may see, oldest first.
    ``reports``: that task's ``list_reports`` for this viewer, when the caller has read it
    already (the task page shows both)."""
    _require_internal(viewer)
    get_task(session, viewer, task_id)
    if reports is None:
        reports = list_reports(session, viewer, task_id=task_id)
    elif any(r.task_id != task_id for r in reports):
        raise ValueError("task_timeline: reports of another task")
    out = []
    for r in reports:
        revs = {rev.revision_no: rev for rev in r.revisions}
        for ev in r.events:
            rev = revs.get(ev.revision_no)
            out.append(
                TimelineEntry(
                    at=ev.at,
                    kind=ev.kind,
                    report_id=r.id,
                    unit_id=r.unit_id,
                    unit_name=r.unit.name,
                    period=r.period,
                    revision_no=ev.revision_no,
                    percent=rev.percent if rev else None,
                    narrative=rev.narrative if rev and ev.kind in ("create", "revise") else None,
                    comment=ev.comment,
                    actor_name=ev.actor_name,
                    to_state=ev.to_state,
                    superseded=ev.revision_no < r.current_revision,
                    files=tuple(rev.files) if rev and ev.kind in ("create", "revise") else (),
                )
            )
    out.sort(key=lambda e: (e.at, e.report_id, e.revision_no))
    return out


def get_evidence(session: Session, viewer: Actor, file_id: int) -> tuple[RevisionFile, bytes]:
    """An evidence file and its bytes, if the viewer may see the report it belongs to."""
    f = session.get(RevisionFile, file_id)
    if f is None:
        raise NotFound("evidence_file", file_id)
    rev = session.get(ReportRevision, f.revision_id)
    assert rev is not None
    get_report(session, viewer, rev.report_id)
    blob = session.get(EvidenceBlob, f.blob_sha256)
    assert blob is not None
    return f, blob.data


def evidence_of(report: ProgressReport) -> list[RevisionFile]:
    """The evidence files of a report's current revision (what the office reviews)."""
    return list(report.current().files) if report.revisions else []


@dataclass(frozen=True)
class QueuedReport:
    """A report waiting for the office: when it was (last) submitted and for how long."""

    report: ProgressReport
    submitted_at: datetime
    age_days: int


def review_queue(
    session: Session,
    viewer: Actor,
    *,
    today: date,
    task_id: int | None = None,
    unit_id: int | None = None,
    work_plan_id: int | None = None,
) -> list[QueuedReport]:
    """Submitted reports the viewer may see, oldest submission first; the age is whole days
    from the (last) submission to ``today`` (never negative)."""
    reports = list_reports(
        session,
        viewer,
        task_id=task_id,
        unit_id=unit_id,
        state="submitted",
        work_plan_id=work_plan_id,
    )
    out = []
    for r in reports:
        submits = [e.at for e in r.events if e.kind == "submit"]
        at = submits[-1] if submits else r.updated_at
        out.append(QueuedReport(r, at, max(0, (today - at.date()).days)))
    out.sort(key=lambda q: (q.submitted_at, q.report.id))
    return out


# --- inbox -------------------------------------------------------------------------------------


def inbox(
    session: Session,
    viewer: Actor,
    *,
    unit_id: int | None = None,
    unread_only: bool = False,
    limit: int = 200,
) -> list[Notice]:
    """Notices newest first (by day, then creation). A unit editor gets its unit's; an
    office admin the office's plus (with ``unit_id``) a unit's; a leader any unit's or the
    office's (read-only)."""
    if not has(viewer, Cap.READ_INBOX):
        raise PermissionDenied(Cap.READ_INBOX.value)
    stmt = select(Notice)
    if viewer.role is Role.UNIT_EDITOR:
        stmt = stmt.where(Notice.unit_id == viewer.unit_id, Notice.for_office.is_(False))
    elif unit_id is not None:
        stmt = stmt.where(Notice.unit_id == unit_id, Notice.for_office.is_(False))
    else:
        stmt = stmt.where(Notice.for_office.is_(True))
    if unread_only:
        stmt = stmt.where(Notice.read_at.is_(None))
    newest_first = (Notice.day.desc(), Notice.created_at.desc(), Notice.id.desc())
    notices = list(session.scalars(stmt.order_by(*newest_first).limit(limit)))
    return [n for n in notices if can_read_unit_inbox(viewer, n.unit_id, n.for_office)]


def unread_count(session: Session, viewer: Actor, *, unit_id: int | None = None) -> int:
    if not has(viewer, Cap.READ_INBOX):
        return 0
    stmt = select(func.count()).select_from(Notice).where(Notice.read_at.is_(None))
    if viewer.role is Role.UNIT_EDITOR:
        stmt = stmt.where(Notice.unit_id == viewer.unit_id, Notice.for_office.is_(False))
    elif unit_id is not None:
        stmt = stmt.where(Notice.unit_id == unit_id, Notice.for_office.is_(False))
    else:
        stmt = stmt.where(Notice.for_office.is_(True))
    if viewer.role is Role.LEADER and viewer.user_id is not None:  # see do_clear_inbox
        seen = session.scalar(select(User.inbox_seen_at).where(User.id == viewer.user_id))
        if seen is not None:
            stmt = stmt.where(Notice.created_at > seen)
    return int(session.scalar(stmt) or 0)


def tasks_by_codes(session: Session, work_plan_id: int, codes: Sequence[str]) -> dict[str, Task]:
    """Internal helper for import: the work plan's tasks keyed by code."""
    if not codes:
        return {}
    rows = session.scalars(
        select(Task).where(Task.work_plan_id == work_plan_id, Task.code.in_(list(codes)))
    )
    return {t.code: t for t in rows}
