"""Meeting materials: uploaded files and the generated annual work report.

Files go into the workspace's ``evidence_blobs`` (stored once by SHA-256). A removed material
is only marked removed: the record, the file and the audit entry stay.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ipcity.meetings.actions._shared import (
    Attachment,
    check_attachment,
    clean_filename,
    load,
    load_for_update,
    store_blob,
    stored_type,
)
from ipcity.meetings.errors import invalid
from ipcity.meetings.models import AgendaItem, Meeting, MeetingMaterial
from ipcity.meetings.permissions import (
    MCap,
    can_attach_material,
    can_remove_material,
    can_view_meeting,
    has,
)
from ipcity.workspace.actions._common import add_audited, flush_audited
from ipcity.workspace.errors import NotFound, PermissionDenied
from ipcity.workspace.models import record_now
from ipcity.workspace.permissions import Actor


def do_attach_material(
    session: Session,
    actor: Actor,
    meeting_id: int,
    attachment: Attachment,
    *,
    title: str = "",
    agenda_item_id: int | None = None,
    at: datetime | None = None,
) -> MeetingMaterial:
    """Attach a file to a meeting (optionally to one of its agenda items).

    ``attachment`` is an upload (``Attachment(filename, content_type, data)``) or a generated
    work report (``generate_work_report(session, year, lang=..., fmt=..., warehouse=...)``,
    which builds it with ``ipcity.reports``); the material's kind follows. The office attaches
    anything; a unit editor only a file for an agenda item at which its own unit speaks.
    """
    if not (has(actor, MCap.MANAGE_MEETINGS) or has(actor, MCap.ATTACH_SPEECH)):
        raise PermissionDenied(MCap.MANAGE_MEETINGS.value)
    meeting = load(session, Meeting, "meeting", meeting_id)
    item: AgendaItem | None = None
    if agenda_item_id is not None:
        item = session.get(AgendaItem, agenda_item_id)
        if item is None or item.meeting_id != meeting.id:
            if not can_view_meeting(actor, meeting):
                raise NotFound("meeting", meeting_id)
            raise invalid("agenda_item_id", "field.unknown_agenda_item", value=agenda_item_id)
    if not can_attach_material(actor, meeting, item):
        if not can_view_meeting(actor, meeting):
            raise NotFound("meeting", meeting_id)
        raise PermissionDenied(MCap.MANAGE_MEETINGS.value)
    if attachment.is_generated_report and not has(actor, MCap.MANAGE_MEETINGS):
        raise PermissionDenied(MCap.MANAGE_MEETINGS.value)
    check_attachment(attachment)
    title_text = title.strip()[:300]
    if not title_text:
        title_text = item.title if item is not None else clean_filename(attachment.filename)
    sha = store_blob(session, attachment.data)
    material = MeetingMaterial(
        meeting_id=meeting.id,
        agenda_item_id=item.id if item is not None else None,
        kind="work_report" if attachment.is_generated_report else "upload",
        title=title_text,
        blob_sha256=sha,
        filename=clean_filename(attachment.filename),
        content_type=stored_type(attachment),
        size=len(attachment.data),
        report_year=attachment.report_year,
        report_lang=attachment.lang,
        report_format=attachment.format,
        added_by_id=actor.user_id,
        added_by_name=actor.name,
        added_at=at or record_now(),
    )
    return add_audited(session, actor, material, "material.attach", "meeting_material", at=at)


def do_remove_material(
    session: Session, actor: Actor, material_id: int, *, expected_version: int
) -> MeetingMaterial:
    """Mark a material removed (kept for the record; no longer listed)."""
    if not (has(actor, MCap.MANAGE_MEETINGS) or has(actor, MCap.ATTACH_SPEECH)):
        raise PermissionDenied(MCap.MANAGE_MEETINGS.value)
    material = load_for_update(
        session, MeetingMaterial, "meeting_material", material_id, expected_version
    )
    meeting = load(session, Meeting, "meeting", material.meeting_id)
    if not can_remove_material(actor, meeting, material):
        if not can_view_meeting(actor, meeting):
            raise NotFound("meeting_material", material_id)
        raise PermissionDenied(MCap.MANAGE_MEETINGS.value)
    if material.removed_at is not None:
        return material
    before = material.as_dict()
    material.removed_at = record_now()
    material.removed_by_name = actor.name
    flush_audited(session, actor, material, "material.remove", "meeting_material", before)
    return material
