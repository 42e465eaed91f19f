"""Shapes of the meetings and portal API (``ipcity.meetings``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from ipcity.web.params import DbId, Version
from ipcity.web.schemas.common import (
    AgendaKind,
    MeetingKind,
    MeetingStatus,
    Out,
    Seq,
    Strict,
    Weight,
    omissible,
)


class MeetingCreate(Strict):
    """kind: annual_enlarged | plenary | special | liaison; status: draft (default) |
    scheduled | held; dates ISO or 2023年3月28日."""

    kind: MeetingKind
    """``annual_enlarged`` (the annual enlarged meeting), ``plenary``, ``special`` (on one
    topic) or ``liaison`` (of the liaison officers)."""
    title: str
    """Title of the meeting."""
    meeting_date: date | str
    """Day of the meeting: ISO (2023-03-28) or 2023年3月28日."""
    time_text: str = omissible()
    """Time of day as written (上午9:30); default empty."""
    place: str = omissible()
    """Where it is held; default empty."""
    convener_name: str = omissible()
    """Who convenes it (a person or a title); default empty."""
    convener_unit_id: DbId | None = None
    """Id of the convening unit; default none."""
    description: str = omissible()
    """Free text; default empty."""
    status: MeetingStatus = omissible()
    """``draft`` (the default: the office only), ``scheduled`` (attending units see it) or
    ``held`` (minutes and decisions can be recorded)."""
    attending_unit_ids: list[DbId] = omissible()
    """Ids of the units that attend (their editors see the meeting); default none."""


class MeetingUpdate(Strict):
    """``version``: the version the change was based on (a stale one gets 409);
    ``attending_unit_ids`` replaces the list; ``null`` clears ``convener_unit_id``."""

    version: Version
    """The meeting's ``version`` the change is based on (a stale one: 409)."""
    kind: MeetingKind = omissible()
    """Kind of meeting; left out: unchanged."""
    title: str = omissible()
    """Title; left out: unchanged."""
    meeting_date: date | str = omissible()
    """Day (ISO or 2023年3月28日); left out: unchanged."""
    time_text: str = omissible()
    """Time of day as written; left out: unchanged."""
    place: str = omissible()
    """Where; left out: unchanged."""
    convener_name: str = omissible()
    """Who convenes it; left out: unchanged."""
    convener_unit_id: DbId | None = None
    """Id of the convening unit; ``null`` clears it; left out: unchanged."""
    description: str = omissible()
    """Free text; left out: unchanged."""
    status: MeetingStatus = omissible()
    """``draft``, ``scheduled`` or ``held``; left out: unchanged."""
    attending_unit_ids: list[DbId] = omissible()
    """Replaces the attending units (``[]``: none); left out: unchanged."""


class AgendaCreate(Strict):
    """kind: convener_speech | work_report | exchange_speech (needs speaker_unit_id) | other."""

    kind: AgendaKind
    """``convener_speech``, ``work_report`` (the office's), ``exchange_speech`` (a member
    unit's; needs ``speaker_unit_id``) or ``other``."""
    title: str = omissible()
    """Title of the item; default empty."""
    speaker_unit_id: DbId | None = None
    """Id of the unit that speaks (required for an exchange speech); default none."""
    speaker_name: str = omissible()
    """Who speaks, when not (only) a unit; default empty."""
    note: str = omissible()
    """Free text; default empty."""
    seq: Seq = omissible()
    """Position on the agenda, smallest first; default after the last item."""


class MinutesCreate(Strict):
    """A new revision of the minutes of a held meeting; ``version`` of the meeting."""

    version: Version
    """The meeting's ``version`` (a stale one: 409; two people recording minutes at once
    cannot both win)."""
    text: str
    """The full text of the minutes; replaces the previous revision's (which is kept)."""
    note: str = ""
    """What changed in this revision; default empty."""


class DecisionCreate(Strict):
    """A decision and the task that follows it up (or ``task_id`` of an existing task)."""

    text: str
    """The decision as recorded."""
    task_id: DbId | None = None
    """Id of an existing task to link instead of creating one; default none (a new task from
    the fields below)."""
    work_plan_id: DbId | None = None
    """Id of the new task's work plan; default the work plan of the meeting's year (created
    if missing)."""
    title: str = omissible()
    """Title of the new task; default the decision's first line."""
    lead_unit_id: DbId | None = None
    """Id of the unit that leads the new task."""
    co_unit_ids: list[DbId] = omissible()
    """Ids of the co-operating units; default none."""
    deadline: date | str = omissible()
    """Due date of the new task: ISO or the office's wording (2023年6月底)."""
    deadline_text: str = omissible()
    """The deadline as written; default empty."""
    expected_output: str = omissible()
    """The result the task should deliver; default empty."""
    goal_id: DbId | None = None
    """Id of the plan goal the task serves; default none."""
    weight: Weight | None = None
    """Weight of the task in the progress roll-up (≥ 0); default none."""


class MeetingSummary(Out):
    id: int
    """Id of the meeting."""
    kind: MeetingKind
    """``annual_enlarged``, ``plenary``, ``special`` or ``liaison``."""
    kind_label: str
    """The kind in words, in the request's language."""
    title: str
    """Title of the meeting."""
    meeting_date: date
    """Day of the meeting (ISO date)."""
    status: MeetingStatus
    """``draft``, ``scheduled`` or ``held``."""
    status_label: str
    """The status in words, in the request's language."""
    place: str
    """Where it is held (may be empty)."""
    convener_name: str
    """Who convenes it (may be empty)."""
    attending_unit_ids: list[int]
    """Ids of the attending units."""
    version: int
    """Row version: send it back with a change (optimistic locking)."""


class PublicationSummary(Out):
    id: int
    """Id of the publication."""
    kind: str
    """``work_report``, ``bulletin`` or ``news``."""
    title: str
    """Title in the request's language (Chinese when there is no English one)."""
    summary: str
    """Short summary in the request's language (may be empty)."""
    published_at: str | None
    """When it was published (ISO date and time), or null (a draft: office and leaders)."""
    report_year: int | None
    """The year a work report covers, or null."""
    files: list[dict[str, Any]]
    """Attached files: ``id``, ``filename``, ``content_type``, ``size`` (bytes),
    ``sha256``, ``lang``."""


class MeetingForm(BaseModel):
    """The new-meeting and edit-meeting forms of the pages, as the browser sends them (text;
    the action parses it, so a bad value shows the form again with the error). ``status`` is
    None when the post has no such field: a new meeting is then a draft."""

    version: str = ""
    kind: str = ""
    title: str = ""
    meeting_date: str = ""
    time_text: str = ""
    place: str = ""
    convener_name: str = ""
    convener_unit_id: str = ""
    description: str = ""
    status: str | None = None
    attending_unit_ids: list[str] = []

    def create_data(self) -> dict[str, Any]:
        """The fields for ``do_create_meeting`` (and the form shown again)."""
        return self._details() | {
            "convener_unit_id": self.convener_unit_id or None,
            "description": self.description,
            "status": "draft" if self.status is None else self.status,
            "attending_unit_ids": [u for u in self.attending_unit_ids if u],
        }

    def changes(self) -> dict[str, Any]:
        """The fields for ``do_update_meeting``."""
        return self._details() | {"description": self.description, "status": self.status or ""}

    def _details(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "meeting_date": self.meeting_date,
            "time_text": self.time_text,
            "place": self.place,
            "convener_name": self.convener_name,
        }


class AgendaItemForm(BaseModel):
    """The add-agenda-item form of the meeting page (text; an empty ``speaker_unit_id``: the
    speaker is named, not a member unit)."""

    kind: str = ""
    title: str = ""
    speaker_unit_id: str = ""
    speaker_name: str = ""

    def data(self) -> dict[str, Any]:
        """The fields for ``do_add_agenda_item`` (and the form shown again)."""
        return self.model_dump() | {"speaker_unit_id": self.speaker_unit_id or None}
