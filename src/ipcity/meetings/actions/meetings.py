"""Writes on meetings: the meeting itself, who attends, and the agenda.

Status: ``draft`` -> ``scheduled`` -> ``held``. A draft is visible to the office and leaders
only; once scheduled the attending units see it; minutes and decisions need ``held``. A held
meeting goes back to scheduled only while it has no minutes and no decisions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ipcity.meetings.actions._shared import load, load_for_update
from ipcity.meetings.errors import StateError, field_error
from ipcity.meetings.fields import AGENDA_FIELDS, MEETING_FIELDS
from ipcity.meetings.models import (
    AgendaItem,
    Meeting,
    MeetingDecision,
)
from ipcity.meetings.permissions import MCap, require
from ipcity.workspace.actions._common import (
    add_audited,
    delete_audited,
    flush_audited,
    parse_changes,
    parse_fields,
    touch,
)
from ipcity.workspace.errors import FieldError, ValidationError
from ipcity.workspace.models import Unit, record_now
from ipcity.workspace.permissions import Actor

# (from, to) -> the action's name in the catalogue (meeting_action.*)
TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "scheduled"): "schedule",
    ("draft", "held"): "hold",  # entering a past meeting
    ("scheduled", "held"): "hold",
    ("scheduled", "draft"): "unschedule",
    ("held", "scheduled"): "reopen",
}


def _check_units(session: Session, field_name: str, ids: Sequence[int]) -> list[FieldError]:
    if not ids:
        return []
    found = set(session.scalars(select(Unit.id).where(Unit.id.in_(list(ids)))))
    return [
        FieldError(field_name, "field.unknown_unit", {"value": uid})
        for uid in ids
        if uid not in found
    ]


def _units(session: Session, ids: Sequence[int]) -> list[Unit]:
    """The units in display order (as the relationship loads them), so the audit entry
    written now and a later read agree."""
    units = session.scalars(select(Unit).where(Unit.id.in_(list(ids)))).all()
    return sorted(units, key=lambda u: (u.sort_order, u.id))


def _speakers_not_attending(meeting: Meeting, attending: Sequence[int]) -> list[FieldError]:
    errors: list[FieldError] = []
    for item in meeting.agenda:
        if item.speaker_unit_id is not None and item.speaker_unit_id not in attending:
            errors.append(
                field_error(
                    "attending_unit_ids",
                    "field.speaker_not_attending",
                    value=item.speaker_unit.name if item.speaker_unit else item.speaker_unit_id,
                )
            )
    return errors


def _check_transition(session: Session, meeting: Meeting, new_status: str) -> None:
    old = meeting.status
    if new_status == old:
        return
    action = TRANSITIONS.get((old, new_status))
    if action is None:
        raise StateError("meeting", old, "hold" if new_status == "held" else "schedule")
    if action == "reopen":
        decisions = session.scalar(
            select(func.count()).where(MeetingDecision.meeting_id == meeting.id)
        )
        if meeting.minutes_revision or decisions:
            raise StateError("meeting", old, "reopen")


def do_create_meeting(session: Session, actor: Actor, data: Mapping[str, Any]) -> Meeting:
    """Fields: kind (annual_enlarged | plenary | special | liaison), title, meeting_date,
    time_text, place, convener_name (a person or a role title such as 分管副市长),
    convener_unit_id, description, status (default draft), attending_unit_ids."""
    require(actor, MCap.MANAGE_MEETINGS)
    values = parse_fields(data, MEETING_FIELDS, partial=False)
    attending = values.pop("attending_unit_ids", None) or []
    errors = _check_units(session, "attending_unit_ids", attending)
    if values.get("convener_unit_id") is not None:
        errors += _check_units(session, "convener_unit_id", [values["convener_unit_id"]])
    if errors:
        raise ValidationError(errors)
    now = record_now()
    meeting = Meeting(
        **{k: v for k, v in values.items() if v is not None},
        created_at=now,
        updated_at=now,
    )
    meeting.status = values.get("status") or "draft"
    meeting.attending_units = _units(session, attending)
    return add_audited(session, actor, meeting, "meeting.create", "meeting")


def do_update_meeting(
    session: Session,
    actor: Actor,
    meeting_id: int,
    *,
    expected_version: int,
    changes: Mapping[str, Any],
) -> Meeting:
    """Change a meeting's fields or status (``{"status": "scheduled"}`` announces it to the
    attending units, ``"held"`` opens minutes and decisions). ``attending_unit_ids`` replaces
    the list (see also :func:`do_set_attendance`)."""
    require(actor, MCap.MANAGE_MEETINGS)
    meeting = load_for_update(session, Meeting, "meeting", meeting_id, expected_version)
    values = parse_changes(
        changes, MEETING_FIELDS, not_cleared=("kind", "title", "meeting_date", "status")
    )
    errors: list[FieldError] = []
    if values.get("convener_unit_id") is not None:
        errors += _check_units(session, "convener_unit_id", [values["convener_unit_id"]])
    attending = values.pop("attending_unit_ids", None)
    if attending is not None:
        errors += _check_units(session, "attending_unit_ids", attending)
        errors += _speakers_not_attending(meeting, attending)
    if errors:
        raise ValidationError(errors)
    if "status" in values:
        _check_transition(session, meeting, values["status"])
    before = meeting.as_dict()
    with session.no_autoflush:  # one UPDATE, one version step
        for k, v in values.items():
            setattr(meeting, k, v)
        if attending is not None:
            meeting.attending_units = _units(session, attending)
        meeting.updated_at = record_now()
    touch(meeting)
    flush_audited(session, actor, meeting, "meeting.update", "meeting", before)
    return meeting


def do_set_attendance(
    session: Session,
    actor: Actor,
    meeting_id: int,
    *,
    expected_version: int,
    unit_ids: Sequence[int],
) -> Meeting:
    """Replace the list of attending units. A unit that speaks on the agenda must stay."""
    return do_update_meeting(
        session,
        actor,
        meeting_id,
        expected_version=expected_version,
        changes={"attending_unit_ids": list(unit_ids)},
    )


def _default_title(kind: str, unit: Unit | None) -> str:
    # The office's own wording on an agenda (stored data, Chinese like the rest of the records).
    base = {
        "convener_speech": "召集人讲话",
        "work_report": "联席会议办公室工作报告",
        "exchange_speech": "交流发言",
        "other": "其他议程",
    }[kind]
    if unit is None or kind != "exchange_speech":
        return base
    # 浦东新区交流发言, 市高级人民法院交流发言: a district by its short name.
    name = unit.short_name if unit.kind == "district" and unit.short_name else unit.name
    return f"{name}{base}"


def _check_agenda(session: Session, meeting: Meeting, values: Mapping[str, Any]) -> Unit | None:
    errors: list[FieldError] = []
    unit: Unit | None = None
    speaker = values.get("speaker_unit_id")
    if speaker is not None:
        unit = session.get(Unit, speaker)
        if unit is None:
            errors.append(FieldError("speaker_unit_id", "field.unknown_unit", {"value": speaker}))
        elif not meeting.attends(speaker):
            errors.append(
                field_error("speaker_unit_id", "field.speaker_not_attending", value=unit.name)
            )
    elif values.get("kind") == "exchange_speech":
        # An exchange speech is by a named unit: that is what the agenda says.
        errors.append(FieldError("speaker_unit_id", "field.required"))
    if errors:
        raise ValidationError(errors)
    return unit


def do_add_agenda_item(
    session: Session, actor: Actor, meeting_id: int, data: Mapping[str, Any]
) -> AgendaItem:
    """Fields: kind (convener_speech | work_report | exchange_speech | other), title (default
    from the kind and the unit), speaker_unit_id (required for an exchange speech; the unit must
    attend), speaker_name, note, seq (default: after the last item)."""
    require(actor, MCap.MANAGE_MEETINGS)
    meeting = load(session, Meeting, "meeting", meeting_id, for_update=True)
    values = parse_fields(data, AGENDA_FIELDS, partial=False)
    unit = _check_agenda(session, meeting, values)
    if values.get("seq") is None:
        last = session.scalar(
            select(func.max(AgendaItem.seq)).where(AgendaItem.meeting_id == meeting.id)
        )
        values["seq"] = (last or 0) + 1
    if not values.get("title"):
        values["title"] = _default_title(values["kind"], unit)
    item = AgendaItem(meeting_id=meeting.id, **{k: v for k, v in values.items() if v is not None})
    item.speaker_name = item.speaker_name or ""
    item.note = item.note or ""
    add_audited(session, actor, item, "agenda.create", "agenda_item")
    meeting.agenda.sort(key=lambda a: (a.seq, a.id))
    return item


def do_update_agenda_item(
    session: Session,
    actor: Actor,
    item_id: int,
    *,
    expected_version: int,
    changes: Mapping[str, Any],
) -> AgendaItem:
    require(actor, MCap.MANAGE_MEETINGS)
    item = load_for_update(session, AgendaItem, "agenda_item", item_id, expected_version)
    values = parse_changes(changes, AGENDA_FIELDS, not_cleared=("kind", "title", "seq"))
    merged = {
        "kind": values.get("kind", item.kind),
        "speaker_unit_id": values.get("speaker_unit_id", item.speaker_unit_id),
    }
    _check_agenda(session, item.meeting, merged)
    before = item.as_dict()
    for k, v in values.items():
        setattr(item, k, "" if v is None and k in ("speaker_name", "note") else v)
    flush_audited(session, actor, item, "agenda.update", "agenda_item", before)
    return item


def do_remove_agenda_item(
    session: Session, actor: Actor, item_id: int, *, expected_version: int
) -> None:
    """Remove an agenda item; materials attached to it stay with the meeting."""
    require(actor, MCap.MANAGE_MEETINGS)
    item = load_for_update(session, AgendaItem, "agenda_item", item_id, expected_version)
    before = item.as_dict()
    meeting = item.meeting
    meeting.agenda.remove(item)
    delete_audited(session, actor, item, "agenda.delete", "agenda_item", before)
