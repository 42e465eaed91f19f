"""Uploaded files (evidence of progress reports, meeting materials, portal attachments):
what is accepted, under which name they are stored and served.

- **Type**: the file name's extension must be on the allow-list (``IPCITY_UPLOAD_TYPES``,
  default :data:`DEFAULT_TYPES`: office documents, PDF/OFD, images, plain text and archives;
  never HTML, SVG, scripts or programs). The type stored is the one the extension maps to,
  never what the uploader declared. The content is not sniffed: whatever it is, it only ever
  goes back out as a download (below), so a web page renamed ``.pdf`` is saved, not rendered.
- **Size**: at most ``IPCITY_UPLOAD_MAX_MB`` (default 20) megabytes per file.
- **Name**: :func:`safe_filename` keeps the name the user gave (Chinese included) but drops
  any path part, control and formatting characters (bidi overrides) and the characters
  Windows forbids; it is only ever a label. The content is stored under a generated name (its
  SHA-256, table ``evidence_blobs``), never under the uploader's name.
- **Download**: always ``application/octet-stream`` with ``Content-Disposition: attachment``
  (:func:`content_disposition`, RFC 6266 with an RFC 5987 ``filename*`` for non-ASCII names),
  plus ``nosniff`` from the security headers: the browser saves the file, never renders it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from urllib.parse import quote

from ipcity.settings import NEVER_UPLOAD, UPLOAD_MOST_MB, Settings, current
from ipcity.workspace.errors import FieldError

DEFAULT_MAX_MB = 20
MAX_NAME = 200

# extension -> media type recorded for the file
DEFAULT_TYPES: Mapping[str, str] = {
    "pdf": "application/pdf",
    "ofd": "application/ofd",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "wps": "application/vnd.ms-works",
    "et": "application/vnd.ms-excel",
    "dps": "application/vnd.ms-powerpoint",
    "csv": "text/csv",
    "txt": "text/plain",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "zip": "application/zip",
    "rar": "application/vnd.rar",
    "7z": "application/x-7z-compressed",
}
# Never allowed, whatever IPCITY_UPLOAD_TYPES says: a browser or the desktop would run them.
NEVER = NEVER_UPLOAD

_WINDOWS_FORBIDDEN = set('<>:"/\\|?*')


def allowed_types() -> frozenset[str]:
    """The allowed extensions: ``$IPCITY_UPLOAD_TYPES`` (comma-separated, e.g.
    ``pdf,docx,xlsx``) or the default list; the dangerous ones are never allowed."""
    chosen = current().upload_types
    return frozenset(DEFAULT_TYPES) if chosen is None else chosen


MOST_MB = UPLOAD_MOST_MB


def max_upload_bytes(env: Mapping[str, str] | None = None) -> int:
    """The largest uploaded file (sheets, evidence, materials): ``IPCITY_UPLOAD_MAX_MB``."""
    chosen = (current() if env is None else Settings.from_env(env)).upload_max_mb
    return (chosen or DEFAULT_MAX_MB) * 1024 * 1024


def safe_filename(name: str, fallback: str = "file") -> str:
    """The last path part of ``name`` without control/format characters or the characters
    Windows forbids (each becomes ``_``), without leading dots or trailing dots/spaces, at
    most 200 characters (the extension kept)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    chars = []
    for ch in base:
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            continue
        chars.append("_" if ch in _WINDOWS_FORBIDDEN else ch)
    clean = "".join(chars).strip().lstrip(".").rstrip(". ")
    if not clean:
        return fallback
    if len(clean) > MAX_NAME:
        stem, dot, ext = clean.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            clean = stem[: MAX_NAME - len(ext) - 1] + "." + ext
        else:
            clean = clean[:MAX_NAME]
    return clean


def extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def media_type_for(name: str) -> str:
    """The media type recorded for an accepted file (from its extension)."""
    return DEFAULT_TYPES.get(extension(name), "application/octet-stream")


def check_type(field: str, filename: str, data: bytes) -> list[FieldError]:
    """Why this file's type is refused (empty: accepted): the extension must be on the
    allow-list. ``data`` is not sniffed (see the module doc)."""
    name = safe_filename(filename)
    ext = extension(name)
    allowed = allowed_types()
    if ext in NEVER or ext not in allowed:
        return [
            FieldError(
                field,
                "field.file_type_not_allowed",
                {"value": name, "allowed": ", ".join(sorted(allowed))},
            )
        ]
    return []


def check_upload(field: str, filename: str, data: bytes) -> list[FieldError]:
    """Why this upload is refused (empty: accepted): its type, then its size."""
    errors = check_type(field, filename, data)
    limit = max_upload_bytes()
    if not errors and len(data) > limit:
        errors.append(FieldError(field, "field.out_of_range", {"min": 0, "max": limit}))
    return errors


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII ``filename`` for old clients and the exact (UTF-8,
    percent-encoded) ``filename*`` (RFC 6266 section 4.3, RFC 5987)."""
    name = safe_filename(filename)
    ascii_name = name.encode("ascii", "ignore").decode()
    if ascii_name != name:
        ext = extension(name)
        ascii_name = f"download.{ext}" if ext.isascii() and ext else "download"
    ascii_name = ascii_name.replace('"', "_").replace("\\", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
