from __future__ import annotations

from typing import Any

from pydantic import Field

from ipcity.web.params import DbId, Version
from ipcity.web.schemas.common import Out, ReportState, Strict


class ReportCreate(Strict):
    """``period``: 2023-06, 2023-Q2, 2023-H1 or 2023 (Chinese forms accepted); ``unit_id``:
    default the caller's unit (the office names the unit it writes for); ``submit``: submit
    at once instead of keeping a draft."""

    period: str
    """Reporting period: a month (2023-06), quarter (2023-Q2), half (2023-H1) or year
    (2023), also in Chinese (2023年二季度); one report per task, unit and period."""
    percent: float = Field(ge=0, le=100)
    """Progress of the task in percent (0–100) as of the end of the period."""
    narrative: str
    """What was done in the period, in words (the office reads it when reviewing)."""
    unit_id: DbId | None = None
    """Id of the unit the report is for (it must lead or co-operate on the task); default the
    caller's unit (the office must name one)."""
    submit: bool = False
    """true: submit for review at once; default false (kept as a draft)."""


class ReportRevise(Strict):
    version: Version
    """The report's ``version`` the revision is based on (a stale one: 409)."""
    percent: float = Field(ge=0, le=100)
    """Progress in percent (0–100) as of the end of the period."""
    narrative: str
    """What was done in the period, in words."""
    submit: bool = False
    """true: submit the new revision for review at once; default false."""


class ReviewIn(Strict):
    """``comment``: required to return a report, optional to accept it."""

    version: Version
    """The report's ``version`` the review is based on (a stale one: 409)."""
    comment: str = ""
    """The office's comment to the unit: required to return a report, optional to accept it
    (default empty)."""


class EvidenceOut(Out):
    """An evidence file of the report's current revision; ``url`` downloads it with the
    same token (always as an attachment) for whoever may see the report. The pages link
    the same file as ``/files/{id}``."""

    id: int
    """Id of the file."""
    name: str
    """File name as uploaded, made safe."""
    size: int
    """Size in bytes."""
    url: str
    """Path to download it with the same token: ``/api/v1/files/{id}``."""


class ReportPublic(Out):
    id: int
    """Id of the report."""
    task_id: int
    """Id of the task reported on."""
    unit_id: int
    """Id of the unit reporting."""
    period: str
    """Reporting period, normalised (2023-06, 2023-Q2, 2023-H1, 2023)."""
    period_end: str | None
    """Last day of the period (ISO date)."""
    state: ReportState
    """``draft`` (the unit is writing it), ``submitted`` (waiting for the office's review),
    ``accepted`` (its percent counts as the task's progress when the unit leads the task) or
    ``returned`` (sent back with a comment; the unit revises and submits again)."""
    current_revision: int
    """Number of the current revision (1, 2 ...: each revise or evidence upload adds one)."""
    percent: float | None
    """Progress in percent (0–100) in the current revision."""
    narrative: str | None
    """What was done, in the current revision."""
    created_at: str | None
    """When the report was started (ISO date and time, UTC)."""
    updated_at: str | None
    """When it last changed (ISO date and time, UTC)."""
    version: int
    """Row version: send it back with a change or review (optimistic locking)."""
    evidence: list[EvidenceOut] = []  # noqa: RUF012 (pydantic copies it per instance)
    """The evidence files of the current revision (may be empty)."""
    # set for submitted reports: when it was (last) submitted, and whole days waiting since
    submitted_at: str | None = None
    """In the review queue (``?status=submitted``): when it was last submitted (ISO date and
    time); else null."""
    age_days: int | None = None
    """In the review queue: whole days it has waited since; else null."""


class ReportHistoryOut(Out):
    report: ReportPublic
    """The report as it is now."""
    revisions: list[dict[str, Any]]
    """Every revision, oldest first: ``revision_no``, ``percent``, ``narrative``,
    ``author_name``, ``created_at`` and its ``files``."""
    events: list[dict[str, Any]]
    """Every workflow step, oldest first: ``kind``, ``from_state``, ``to_state``,
    ``comment``, ``actor_name``, ``at`` (ISO date and time)."""


class NoticePublic(Out):
    id: int
    """Id of the notice."""
    unit_id: int | None
    """Id of the unit whose inbox it is in, or null (an office notice)."""
    for_office: bool
    """true: a notice for the office's inbox."""
    task_id: int | None
    """Id of the task it is about, or null."""
    report_id: int | None
    """Id of the report it is about, or null."""
    kind: str
    """What it is about (``report_submitted`` ...); the message key is ``notice.<kind>``."""
    message_key: str
    """Message key of the text: stable, for programs."""
    params: dict[str, Any]
    """Values the message is built from."""
    message: str
    """The notice in words, in the request's language."""
    day: str | None
    """The day it is dated (ISO date)."""
    read_at: str | None
    """When it was marked read (ISO date and time), or null: unread."""
    version: int
    """Row version."""
