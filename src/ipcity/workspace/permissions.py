"""Who may do what: the one place that defines the roles' rights.

Roles: ``office_admin`` (the joint-conference office: everything), ``unit_editor`` (writes
progress reports for tasks its unit leads or co-operates on; sees no other unit's drafts),
``leader`` (reads everything, writes nothing) and ``anonymous`` (published plans, indicators and
work plans only). ``system`` is the actor of the CLI and of scheduled jobs (supervision).

``CAPABILITIES`` is the role x capability matrix; the object-level rules (which unit, which
report state) are in the ``can_*`` helpers below. Actions call ``require(...)``, which raises
PermissionDenied; the web layer may call the same helpers to hide buttons.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ipcity.workspace.errors import PermissionDenied

if TYPE_CHECKING:
    from ipcity.workspace.models import ProgressReport, Task, User


class Role(enum.StrEnum):
    OFFICE_ADMIN = "office_admin"
    UNIT_EDITOR = "unit_editor"
    LEADER = "leader"
    ANONYMOUS = "anonymous"
    SYSTEM = "system"


USER_ROLES = (Role.OFFICE_ADMIN, Role.UNIT_EDITOR, Role.LEADER)  # roles a stored user can have


@dataclass(frozen=True)
class Actor:
    """Who is acting or viewing. Plain data, so it outlives any DB session."""

    role: Role
    user_id: int | None = None
    username: str = ""
    unit_id: int | None = None

    @classmethod
    def from_user(cls, user: User) -> Actor:
        return cls(
            role=Role(user.role), user_id=user.id, username=user.username, unit_id=user.unit_id
        )

    @property
    def is_authenticated(self) -> bool:
        return self.role is not Role.ANONYMOUS

    @property
    def name(self) -> str:
        return self.username or self.role.value


ANONYMOUS = Actor(role=Role.ANONYMOUS, username="anonymous")


def is_office(actor: Actor) -> bool:
    """The joint-conference office (or the system acting for it)."""
    return actor.role in (Role.OFFICE_ADMIN, Role.SYSTEM)


def acts_for_one_unit(actor: Actor) -> bool:
    """A unit editor: works for its own unit only (no unit filter to choose)."""
    return actor.role is Role.UNIT_EDITOR


def home_unit(actor: Actor) -> int | None:
    """The unit a unit editor works for, its starting point on pages; None for the others."""
    return actor.unit_id if actor.role is Role.UNIT_EDITOR else None


def is_active_office_admin(user: User) -> bool:
    """A stored account that can run the office (the first-run setup ends once one exists)."""
    return user.role == Role.OFFICE_ADMIN and user.active


def system_actor(name: str = "system") -> Actor:
    """The actor of CLI commands and scheduled jobs (recorded as such in the audit log)."""
    return Actor(role=Role.SYSTEM, username=name)


class Cap(enum.StrEnum):
    """Capabilities (role-level rights). Object-level checks refine some of them."""

    VIEW_PUBLISHED = "view_published"  # published plans, indicators, work plans and tasks
    VIEW_INTERNAL = "view_internal"  # unpublished plans/work plans, reports, status, roll-ups
    VIEW_ALL_REPORTS = "view_all_reports"  # every unit's reports, drafts included
    MANAGE_UNITS = "manage_units"
    MANAGE_USERS = "manage_users"
    EDIT_PLANS = "edit_plans"  # plans, goals, indicator targets, publishing them
    EDIT_ACTUALS = "edit_actuals"  # published values; refreshing computed values
    EDIT_WORK_PLANS = "edit_work_plans"  # work plans, tasks, milestones, import
    WRITE_REPORTS = "write_reports"  # refined by can_write_report_for_task
    REVIEW_REPORTS = "review_reports"  # accept / return submitted reports
    RUN_SUPERVISION = "run_supervision"
    VIEW_AUDIT = "view_audit"  # view and export the audit log
    VIEW_USERS = "view_users"  # the user list (names, roles, units, e-mail)
    READ_INBOX = "read_inbox"  # refined: own unit's notices (office: the office's)
    EXPORT = "export"  # export work plans and targets to XLSX/CSV
    MANAGE_SETTINGS = "manage_settings"  # office settings (what anonymous visitors see)


_ALL_WRITE = frozenset(
    {
        Cap.MANAGE_UNITS,
        Cap.MANAGE_USERS,
        Cap.EDIT_PLANS,
        Cap.EDIT_ACTUALS,
        Cap.EDIT_WORK_PLANS,
        Cap.WRITE_REPORTS,
        Cap.REVIEW_REPORTS,
        Cap.RUN_SUPERVISION,
        Cap.MANAGE_SETTINGS,
    }
)

CAPABILITIES: dict[Role, frozenset[Cap]] = {
    Role.OFFICE_ADMIN: frozenset(Cap),
    Role.SYSTEM: frozenset(Cap),
    Role.LEADER: frozenset(
        {
            Cap.VIEW_PUBLISHED,
            Cap.VIEW_INTERNAL,
            Cap.VIEW_ALL_REPORTS,
            Cap.READ_INBOX,
            Cap.EXPORT,
            Cap.VIEW_USERS,
        }
    ),
    Role.UNIT_EDITOR: frozenset(
        {Cap.VIEW_PUBLISHED, Cap.VIEW_INTERNAL, Cap.WRITE_REPORTS, Cap.READ_INBOX, Cap.EXPORT}
    ),
    Role.ANONYMOUS: frozenset({Cap.VIEW_PUBLISHED}),
}

# Sanity: a leader never writes.
assert not (CAPABILITIES[Role.LEADER] & _ALL_WRITE)


def has(actor: Actor, cap: Cap) -> bool:
    return cap in CAPABILITIES[actor.role]


def require(actor: Actor, cap: Cap) -> None:
    if not has(actor, cap):
        raise PermissionDenied(cap.value)


def can_view_internal(actor: Actor) -> bool:
    """Unpublished plans, work plans, task status and reports: any logged-in role."""
    return has(actor, Cap.VIEW_INTERNAL)


def can_view_published(actor: Actor, published: bool) -> bool:
    return (published and has(actor, Cap.VIEW_PUBLISHED)) or can_view_internal(actor)


def unit_involved(task: Task, unit_id: int | None) -> bool:
    """Does the unit lead or co-operate on the task?"""
    if unit_id is None:
        return False
    return task.lead_unit_id == unit_id or any(u.id == unit_id for u in task.co_units)


def can_write_report_for_task(actor: Actor, task: Task, unit_id: int) -> bool:
    """May ``actor`` write a report of ``unit_id`` on ``task``?

    The office may write on behalf of any involved unit; a unit editor only for its own unit
    and only when that unit leads or co-operates on the task.
    """
    if not has(actor, Cap.WRITE_REPORTS) or not unit_involved(task, unit_id):
        return False
    if actor.role in (Role.OFFICE_ADMIN, Role.SYSTEM):
        return True
    return actor.unit_id == unit_id


def can_edit_report(actor: Actor, report: ProgressReport) -> bool:
    """Revise or submit: the report's own unit (or the office); only while draft or returned."""
    return report.state in ("draft", "returned") and can_write_report_for_task(
        actor, report.task, report.unit_id
    )


def can_review_report(actor: Actor, report: ProgressReport) -> bool:
    return has(actor, Cap.REVIEW_REPORTS) and report.state == "submitted"


def can_view_report(actor: Actor, report: ProgressReport) -> bool:
    """Office and leaders see every report; a unit editor sees its own unit's reports in any
    state and other units' reports only once submitted or accepted (never their drafts or
    returned drafts-to-be); the public sees none."""
    if has(actor, Cap.VIEW_ALL_REPORTS):
        return True
    if not can_view_internal(actor):
        return False
    if report.unit_id == actor.unit_id:
        return True
    return report.state in ("submitted", "accepted")


def can_read_unit_inbox(actor: Actor, unit_id: int | None, for_office: bool) -> bool:
    """Unit notices for that unit's editors; office notices for office admins; leaders read
    all (read-only)."""
    if not has(actor, Cap.READ_INBOX):
        return False
    if actor.role in (Role.OFFICE_ADMIN, Role.SYSTEM, Role.LEADER):
        return True
    return not for_office and unit_id is not None and unit_id == actor.unit_id


def can_mark_notice_read(actor: Actor, unit_id: int | None, for_office: bool) -> bool:
    """Marking read is a write: leaders cannot; others for the notices they may read."""
    if actor.role is Role.LEADER:
        return False
    return can_read_unit_inbox(actor, unit_id, for_office)
