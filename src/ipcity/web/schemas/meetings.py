"""Shapes of the meetings and portal API (``ipcity.meetings``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from ipcity.web.schemas.common import Strict


class MeetingCreate(Strict):
    """kind: annual_enlarged | plenary | special | liaison; status: draft (default) |
    scheduled | held; dates ISO or 2023年3月28日."""

    kind: str
    title: str
    meeting_date: date | str
    time_text: str | None = None
    place: str | None = None
    convener_name: str | None = None
    convener_unit_id: int | None = None
    description: str | None = None
    status: str | None = None
    attending_unit_ids: list[int] | None = None


class MeetingUpdate(Strict):
    """``version``: the version the change was based on (a stale one gets 409);
    ``attending_unit_ids`` replaces the list."""

    version: int
    kind: str | None = None
    title: str | None = None
    meeting_date: date | str | None = None
    time_text: str | None = None
    place: str | None = None
    convener_name: str | None = None
    convener_unit_id: int | None = None
    description: str | None = None
    status: str | None = None
    attending_unit_ids: list[int] | None = None


class AgendaCreate(Strict):
    """kind: convener_speech | work_report | exchange_speech (needs speaker_unit_id) | other."""

    kind: str
    title: str | None = None
    speaker_unit_id: int | None = None
    speaker_name: str | None = None
    note: str | None = None
    seq: int | None = None


class MinutesCreate(Strict):
    """A new revision of the minutes of a held meeting; ``version`` of the meeting."""

    version: int
    text: str
    note: str = ""


class DecisionCreate(Strict):
    """A decision and the task that follows it up (or ``task_id`` of an existing task)."""

    text: str
    task_id: int | None = None
    work_plan_id: int | None = None
    title: str | None = None
    lead_unit_id: int | None = None
    co_unit_ids: list[int] | None = None
    deadline: date | str | None = None
    deadline_text: str | None = None
    expected_output: str | None = None
    goal_id: int | None = None
    weight: float | None = None


class MeetingSummary(BaseModel):
    id: int
    kind: str
    kind_label: str
    title: str
    meeting_date: date
    status: str
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
