"""Uploaded files on pages and in the API, read within the upload limit (IPCITY_UPLOAD_MAX_MB).

Read from the spooled temporary file, so the handlers stay synchronous (run in the thread
pool, never blocking the event loop on the database). An empty file input sends a nameless
empty part, which is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import File, UploadFile

from ipcity.meetings.actions import Attachment
from ipcity.web.i18n import N_
from ipcity.web.web_error import WebError
from ipcity.workspace.actions import EvidenceUpload
from ipcity.workspace.tabular import UploadLimits
from ipcity.workspace.uploads import max_upload_bytes

Files = Annotated[list[UploadFile] | None, File()]
F = TypeVar("F")


def _too_large(name: str, limit: int) -> WebError:
    return WebError(
        413,
        "file_too_large",
        N_("The file %(name)s is larger than %(mb)s MB."),
        name=name,
        mb=limit // (1024 * 1024),
    )


def _read_files(files: list[UploadFile] | None, make: Callable[[str, str, bytes], F]) -> list[F]:
    out = []
    for f in files or []:
        if not f.filename:
            continue
        limit = max_upload_bytes()
        data = f.file.read(limit + 1)
        if len(data) > limit:
            raise _too_large(f.filename, limit)
        out.append(make(f.filename, f.content_type or "", data))
    return out


def read_uploads(files: list[UploadFile] | None) -> list[EvidenceUpload]:
    """A progress report's evidence files."""
    return _read_files(files, EvidenceUpload)


def read_attachments(files: list[UploadFile] | None) -> list[Attachment]:
    """A meeting's or a portal item's attachments."""
    return _read_files(files, Attachment)


def read_sheet_upload(upload: UploadFile | None) -> tuple[bytes, str]:
    """One XLSX or CSV sheet to import: its bytes and file name."""
    if upload is None or not upload.filename:
        raise WebError(422, "no_file", N_("Choose a file (XLSX or CSV) to import."))
    max_bytes = UploadLimits.from_env().max_bytes  # IPCITY_UPLOAD_MAX_MB
    data = upload.file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(upload.filename, max_bytes)
    return data, upload.filename
