"""Helpers of the meeting and portal actions: loading rows for update with the right entity
name, storing files in the workspace's blob table, and generated work reports."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ipcity.meetings.errors import field_error
from ipcity.workspace.actions import _common as common
from ipcity.workspace.actions._common import M
from ipcity.workspace.errors import FieldError, ValidationError
from ipcity.workspace.models import EvidenceBlob
from ipcity.workspace.uploads import (
    DEFAULT_MAX_MB,
    check_type,
    max_upload_bytes,
    media_type_for,
    safe_filename,
)

# Same limit as workspace evidence: files live in the database.
MAX_FILE_BYTES = DEFAULT_MAX_MB * 1024 * 1024  # the default: IPCITY_UPLOAD_MAX_MB (uploads.py)


def load(
    session: Session, model: type[M], entity: str, entity_id: object, *, for_update: bool = False
) -> M:
    """The workspace's :func:`~ipcity.workspace.actions._common.load`, with the meetings'
    entity names (NotFound("agenda_item", ...))."""
    return common.load(session, model, entity_id, for_update=for_update, entity=entity)


def load_for_update(
    session: Session, model: type[M], entity: str, entity_id: object, expected_version: int | None
) -> M:
    """Lock the row, then insist it is still the version the caller edited."""
    return common.load_for_update(session, model, entity_id, expected_version, entity=entity)


@dataclass(frozen=True)
class Attachment:
    """A file to attach to a meeting or a publication. A generated work report carries
    ``report_year`` (and ``lang`` / ``format``)."""

    filename: str
    content_type: str
    data: bytes
    report_year: int | None = None
    lang: str | None = None
    format: str | None = None

    @property
    def is_generated_report(self) -> bool:
        return self.report_year is not None


def check_attachment(att: Attachment, field_name: str = "file") -> None:
    errors: list[FieldError] = []
    if not att.filename.strip():
        errors.append(field_error(field_name, "field.required"))
    if not att.data:
        errors.append(field_error(field_name, "field.unreadable_file", value=att.filename))
    limit = max_upload_bytes()
    if len(att.data) > limit:
        errors.append(
            field_error(field_name, "field.file_too_large", max=limit, value=att.filename)
        )
    if att.data and att.filename.strip() and not att.is_generated_report:
        # an upload: type on the allow-list, content matching it (workspace/uploads.py)
        errors.extend(check_type(field_name, att.filename, att.data))
    if errors:
        raise ValidationError(errors)


def store_blob(session: Session, data: bytes) -> str:
    """Store the content once (by SHA-256) and return the hash."""
    sha = hashlib.sha256(data).hexdigest()
    if session.get(EvidenceBlob, sha) is None:
        session.add(EvidenceBlob(sha256=sha, size=len(data), data=data))
        session.flush()
    return sha


def clean_filename(name: str) -> str:
    """The name the user gave (Chinese included), never a path or a control character."""
    return safe_filename(name)


def stored_type(att: Attachment) -> str:
    """A generated report keeps its own type; an upload gets its extension's, never the
    uploader's claim."""
    if att.is_generated_report:
        return (att.content_type or "application/octet-stream")[:100]
    return media_type_for(att.filename)


# (session, year, lang, fmt) -> report bytes; tests and the web app may pass their own.
ReportBuilder = Callable[[Session, int, str, str], bytes]

REPORT_FILENAMES = {"zh": "{year}年知识产权工作报告.{fmt}", "en": "ip-work-report-{year}-en.{fmt}"}


def generate_work_report(
    session: Session,
    year: int,
    *,
    lang: str = "zh",
    fmt: str = "pdf",
    warehouse: Any = None,
    report_date: date | None = None,
    builder: ReportBuilder | None = None,
) -> Attachment:
    """The annual work report of ``year`` built by ``ipcity.reports`` from the warehouse and
    this workspace (``build_report_bytes(gather_report_data(...))``), as an Attachment.

    ``warehouse`` defaults to the configured one, opened read-only (NoWarehouse when there is
    none); ``builder`` replaces the whole build (tests)."""
    from ipcity.reports.build import MEDIA_TYPES, check_format, check_lang

    language, form = check_lang(lang), check_format(fmt)
    if builder is not None:
        data = builder(session, year, language, form)
    else:
        data = _build(session, year, language, form, warehouse, report_date)
    return Attachment(
        filename=REPORT_FILENAMES[language].format(year=year, fmt=form),
        content_type=MEDIA_TYPES[form],
        data=data,
        report_year=year,
        lang=language,
        format=form,
    )


def _build(
    session: Session,
    year: int,
    lang: str,
    fmt: str,
    warehouse: Any,
    report_date: date | None,
) -> bytes:
    from ipcity.reports.build import build_report_bytes
    from ipcity.reports.gather import gather_report_data
    from ipcity.workspace.actuals import open_warehouse

    own = warehouse is None
    wh = open_warehouse() if own else warehouse
    try:
        data = gather_report_data(wh, session, year, report_date=report_date)
        return build_report_bytes(data, lang, fmt)
    finally:
        if own and hasattr(wh, "close"):
            wh.close()
