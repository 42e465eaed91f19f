"""Uploaded files going back out: always a download, never rendered by the browser (see
:mod:`ipcity.workspace.uploads`)."""

from __future__ import annotations

from fastapi.responses import Response

from ipcity.workspace.uploads import content_disposition


def attachment_response(data: bytes, filename: str, *, private: bool = True) -> Response:
    """``application/octet-stream`` + ``Content-Disposition: attachment`` with the sanitised
    name, whatever type the uploader declared (``nosniff`` comes from the security headers).
    ``private``: not kept by shared caches (everything but the public portal's files)."""
    return Response(
        data,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": content_disposition(filename),
            "Cache-Control": "private, no-store" if private else "no-cache",
        },
    )
