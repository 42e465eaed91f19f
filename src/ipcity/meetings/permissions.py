"""Who may do what with meetings and the portal.

The roles are the workspace's (``ipcity.workspace.permissions.Role``); this module adds its own
capabilities rather than widening the workspace's matrix:

| capability | office_admin / system | leader | unit_editor | anonymous |
| --- | --- | --- | --- | --- |
| view_all_meetings (drafts too) | ✓ | ✓ | | |
| view_attended_meetings (scheduled / held ones its unit attends) | ✓ | ✓ | ✓ | |
| manage_meetings (meetings, attendance, agenda, materials, minutes, decisions) | ✓ | | | |
| attach_speech (a file for an agenda item its own unit speaks at) | ✓ | | ✓ | |
| view_portal_drafts (draft and withdrawn publications, old snapshots) | ✓ | ✓ | | |
| manage_portal (publications, headline snapshots) | ✓ | | | |

Everyone, the public included, sees published publications and the published headline
snapshot. Recording a decision also needs the workspace's ``edit_work_plans`` (it creates a
task).
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from ipcity.workspace.errors import PermissionDenied
from ipcity.workspace.permissions import Actor, Role

if TYPE_CHECKING:
    from ipcity.meetings.models import AgendaItem, Meeting, MeetingMaterial, Publication


class MCap(enum.StrEnum):
    VIEW_ALL_MEETINGS = "view_all_meetings"
    VIEW_ATTENDED_MEETINGS = "view_attended_meetings"
    MANAGE_MEETINGS = "manage_meetings"
    ATTACH_SPEECH = "attach_speech"
    VIEW_PORTAL_DRAFTS = "view_portal_drafts"
    MANAGE_PORTAL = "manage_portal"


MEETING_CAPABILITIES: dict[Role, frozenset[MCap]] = {
    Role.OFFICE_ADMIN: frozenset(MCap),
    Role.SYSTEM: frozenset(MCap),
    Role.LEADER: frozenset(
        {MCap.VIEW_ALL_MEETINGS, MCap.VIEW_ATTENDED_MEETINGS, MCap.VIEW_PORTAL_DRAFTS}
    ),
    Role.UNIT_EDITOR: frozenset({MCap.VIEW_ATTENDED_MEETINGS, MCap.ATTACH_SPEECH}),
    Role.ANONYMOUS: frozenset(),
}

_WRITES = frozenset({MCap.MANAGE_MEETINGS, MCap.ATTACH_SPEECH, MCap.MANAGE_PORTAL})
assert not (MEETING_CAPABILITIES[Role.LEADER] & _WRITES)  # a leader never writes


def has(actor: Actor, cap: MCap) -> bool:
    return cap in MEETING_CAPABILITIES[actor.role]


def require(actor: Actor, cap: MCap) -> None:
    if not has(actor, cap):
        raise PermissionDenied(cap.value)


def can_view_meeting(actor: Actor, meeting: Meeting) -> bool:
    """Office and leaders see every meeting; a unit editor sees the meetings its unit attends
    once they are scheduled (a draft is not announced yet); the public sees none."""
    if has(actor, MCap.VIEW_ALL_MEETINGS):
        return True
    if not has(actor, MCap.VIEW_ATTENDED_MEETINGS):
        return False
    return meeting.status != "draft" and meeting.attends(actor.unit_id)


def can_attach_material(actor: Actor, meeting: Meeting, item: AgendaItem | None) -> bool:
    """The office attaches anything; a unit editor attaches a file (its speech) only to an
    agenda item at which its own unit speaks, in a meeting it may see."""
    if has(actor, MCap.MANAGE_MEETINGS):
        return True
    if not has(actor, MCap.ATTACH_SPEECH) or item is None:
        return False
    return (
        can_view_meeting(actor, meeting)
        and item.speaker_unit_id is not None
        and item.speaker_unit_id == actor.unit_id
    )


def can_remove_material(actor: Actor, meeting: Meeting, material: MeetingMaterial) -> bool:
    """The office, or the person who uploaded it (while they may still attach there)."""
    if has(actor, MCap.MANAGE_MEETINGS):
        return True
    return (
        actor.user_id is not None
        and material.added_by_id == actor.user_id
        and has(actor, MCap.ATTACH_SPEECH)
        and can_view_meeting(actor, meeting)
    )


def can_view_publication(actor: Actor, publication: Publication) -> bool:
    return publication.status == "published" or has(actor, MCap.VIEW_PORTAL_DRAFTS)
