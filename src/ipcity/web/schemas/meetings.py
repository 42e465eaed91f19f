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
    Seq,
    Strict,
    Weight,
    omissible,
)


class MeetingCreate(Strict):
    """kind: annual_enlarged | plenary | special | liaison; status: draft (default) |
    scheduled | held; dates ISO or 2023年3月28日."""

    kind: MeetingKind
    title: str
    meeting_date: date | str
    time_text: str = omissible()
    place: str = omissible()
    convener_name: str = omissible()
    convener_unit_id: DbId | None = None
    description: str = omissible()
    status: MeetingStatus = omissible()
    attending_unit_ids: list[DbId] = omissible()


class MeetingUpdate(Strict):
    """``version``: the version the change was based on (a stale one gets 409);
    ``attending_unit_ids`` replaces the list; ``null`` clears ``convener_unit_id``."""

    version: Version
    kind: MeetingKind = omissible()
    title: str = omissible()
    meeting_date: date | str = omissible()
    time_text: str = omissible()
    place: str = omissible()
    convener_name: str = omissible()
    convener_unit_id: DbId | None = None
    description: str = omissible()
    status: MeetingStatus = omissible()
    attending_unit_ids: list[DbId] = omissible()


class AgendaCreate(Strict):
    """kind: convener_speech | work_report | exchange_speech (needs speaker_unit_id) | other."""

    kind: AgendaKind
    title: str = omissible()
    speaker_unit_id: DbId | None = None
    speaker_name: str = omissible()
    note: str = omissible()
    seq: Seq = omissible()


class MinutesCreate(Strict):
    """A new revision of the minutes of a held meeting; ``version`` of the meeting."""

    version: Version
    text: str
    note: str = ""


class DecisionCreate(Strict):
    """A decision and the task that follows it up (or ``task_id`` of an existing task)."""

    text: str
    task_id: DbId | None = None
    work_plan_id: DbId | None = None
    title: str = omissible()
    lead_unit_id: DbId | None = None
    co_unit_ids: list[DbId] = omissible()
    deadline: date | str = omissible()
    deadline_text: str = omissible()
    expected_output: str = omissible()
    goal_id: DbId | None = None
    weight: Weight | None = None


class MeetingSummary(BaseModel):
    id: int
    kind: MeetingKind
    kind_label: str
    title: str
    meeting_date: date
    status: MeetingStatus
    status_label: str
    place: str
    convener_name: str
    attending_unit_ids: list[int]
    version: int


class PublicationSummary(BaseModel):
    id: int
    kind: str
    title: str
    summary: str
    published_at: str | None
    report_year: int | None
    files: list[dict[str, Any]]


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
