from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from ipcity.web.params import DbId, Version
from ipcity.web.schemas.common import ReportState, Strict


class ReportCreate(Strict):
    """``period``: 2023-06, 2023-Q2, 2023-H1 or 2023 (Chinese forms accepted); ``unit_id``:
    default the caller's unit (the office names the unit it writes for); ``submit``: submit
    at once instead of keeping a draft."""

    period: str
    percent: float = Field(ge=0, le=100)
    narrative: str
    unit_id: DbId | None = None
    submit: bool = False


class ReportRevise(Strict):
    version: Version
    percent: float = Field(ge=0, le=100)
    narrative: str
    submit: bool = False


class ReviewIn(Strict):
    """``comment``: required to return a report, optional to accept it."""

    version: Version
    comment: str = ""


class EvidenceOut(BaseModel):
    """An evidence file of the report's current revision; ``url`` downloads it with the
    same token (always as an attachment) for whoever may see the report. The pages link
    the same file as ``/files/{id}``."""

    id: int
    name: str
    size: int
    url: str


class ReportPublic(BaseModel):
    id: int
    task_id: int
    unit_id: int
    period: str
    period_end: str | None
    state: ReportState
    current_revision: int
    percent: float | None
    narrative: str | None
    created_at: str | None
    updated_at: str | None
    version: int
    evidence: list[EvidenceOut] = []
    # set for submitted reports: when it was (last) submitted, and whole days waiting since
    submitted_at: str | None = None
    age_days: int | None = None


class ReportHistoryOut(BaseModel):
    report: ReportPublic
    revisions: list[dict[str, Any]]
    events: list[dict[str, Any]]


class NoticePublic(BaseModel):
    id: int
    unit_id: int | None
    for_office: bool
    task_id: int | None
    report_id: int | None
    kind: str
    message_key: str
    params: dict[str, Any]
    message: str
    day: str | None
    read_at: str | None
    version: int
