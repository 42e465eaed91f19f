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
