"""Who may do what with protection cases: the one place that defines it.

| right | office_admin / system | leader | unit_editor | anonymous |
| --- | --- | --- | --- | --- |
| record, edit, delete, import cases | any unit | | own unit's cases only | |
| transfer a case, add or remove a joint unit | any case | | cases its unit owns | |
| list and read cases | all | all (names masked) | owned, joint, previously owned | |
| see party names in clear | all | | owned and joint cases | |
| protection indicators | all units | all units | its own unit's | |
| protection self-assessment | yes | yes | | |
| public aggregates (portal) | yes | yes | yes | yes |

A case a unit editor may not see is NotFound (no leak of its existence); one it sees but may
not change (a joint or previously owned case) is PermissionDenied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from ipcity.workspace.errors import PermissionDenied
from ipcity.workspace.permissions import Actor, Role

if TYPE_CHECKING:
    from ipcity.protection.models import ProtectionCase

# Names of the rights, as PermissionDenied reports them.
EDIT_CASES = "protection.edit_cases"
VIEW_CASES = "protection.view_cases"
VIEW_INDICATORS = "protection.view_indicators"
VIEW_ASSESSMENT = "protection.view_assessment"

CaseAccess = Literal["office", "owner", "joint", "previous", "leader"]

_OFFICE = (Role.OFFICE_ADMIN, Role.SYSTEM)


def is_office(actor: Actor) -> bool:
    return actor.role in _OFFICE


def own_unit(actor: Actor) -> int | None:
    """The unit a unit editor works for (its cases and figures by default); None for the
    office and leaders, who choose a unit."""
    return actor.unit_id if actor.role is Role.UNIT_EDITOR else None


def limited_to_own_unit(actor: Actor) -> bool:
    """A unit editor: sees its own unit's indicators and its cases only."""
    return actor.role is Role.UNIT_EDITOR


def sees_all_units(actor: Actor) -> bool:
    """The office and leaders: every unit's cases and figures (the unit filter applies)."""
    return is_office(actor) or actor.role is Role.LEADER


def can_record_for_unit(actor: Actor, unit_id: int) -> bool:
    """Create or import cases owned by ``unit_id``."""
    if is_office(actor):
        return True
    return actor.role is Role.UNIT_EDITOR and actor.unit_id == unit_id


def require_record_for_unit(actor: Actor, unit_id: int) -> None:
    if not can_record_for_unit(actor, unit_id):
        raise PermissionDenied(EDIT_CASES)


def can_view_cases(actor: Actor) -> bool:
    return is_office(actor) or actor.role in (Role.LEADER, Role.UNIT_EDITOR)


def require_view_cases(actor: Actor) -> None:
    if not can_view_cases(actor):
        raise PermissionDenied(VIEW_CASES)


def case_access(actor: Actor, case: ProtectionCase, shared_role: str | None) -> CaseAccess | None:
    """How ``actor`` sees ``case`` (``shared_role``: the actor's unit's row in
    protection_case_units, if any), or None when it may not see it at all."""
    if is_office(actor):
        return "office"
    if actor.role is Role.LEADER:
        return "leader"
    if actor.role is not Role.UNIT_EDITOR or actor.unit_id is None:
        return None
    if case.unit_id == actor.unit_id:
        return "owner"
    if shared_role == "joint":
        return "joint"
    if shared_role == "previous":
        return "previous"
    return None


def names_visible(access: CaseAccess | None) -> bool:
    """Party names in clear: the office, the owning unit and the units handling it jointly."""
    return access in ("office", "owner", "joint")


def can_edit(access: CaseAccess | None) -> bool:
    """Edit, delete, transfer, change joint units: the office and the owning unit."""
    return access in ("office", "owner")


def can_view_indicators(actor: Actor) -> bool:
    return is_office(actor) or actor.role in (Role.LEADER, Role.UNIT_EDITOR)


def indicator_unit_scope(actor: Actor) -> int | None:
    """The only unit whose indicators ``actor`` may see (None: all units). Raises for the
    public, which gets the suppressed public aggregates instead."""
    if is_office(actor) or actor.role is Role.LEADER:
        return None
    if actor.role is Role.UNIT_EDITOR and actor.unit_id is not None:
        return actor.unit_id
    raise PermissionDenied(VIEW_INDICATORS)


def can_view_assessment(actor: Actor) -> bool:
    return is_office(actor) or actor.role is Role.LEADER


def require_view_assessment(actor: Actor) -> None:
    if not can_view_assessment(actor):
        raise PermissionDenied(VIEW_ASSESSMENT)
