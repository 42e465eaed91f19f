"""Static assets, all served by the app itself (no CDN: the intranet has no internet).

- ``/static/htmx.min.js``: from the installed package ``django-js-lib-htmx`` (read where pip
  put it; no Django needed);
- ``/static/plotly.min.js``: from the installed ``plotly`` package (the reports module's HTML
  references the same path);
- ``/static/<file>``: ``ipcity/web/static/`` (the app's CSS and small scripts);
- ``/static/<area>/<file>``: an area's own directory, declared as ``STATIC = {"area": path}``
  in its page module.

:class:`StaticFromMemory` answers the common request for one of these files (a plain GET) from
memory, in front of the session, locale and gzip middleware and the router: the same bytes
and headers as the routes below, compressed once instead of on every request. Anything else
(a conditional or range request, HEAD, a file it cannot resolve, a large file) goes on to the
routes, unchanged.
"""

from __future__ import annotations

import gzip
import importlib.resources
import os
import stat
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from ipcity.errors import IpcityError

STATIC_DIR = Path(__file__).resolve().parent / "static"
CACHE = "public, max-age=86400"


def _package_file(package: str, relative: str, hint: str) -> Path:
    try:
        path = Path(str(importlib.resources.files(package).joinpath(relative)))
    except ModuleNotFoundError:
        raise IpcityError(f"{hint} is not installed (pip install {hint})") from None
    if not path.is_file():
        raise IpcityError(f"{relative} is missing from the installed {hint} package")
    return path


def vendor_files() -> dict[str, Path]:
    """URL name -> file of the third-party scripts the pages use."""
    return {
        "htmx.min.js": _package_file(
            "js_lib_htmx", "static/htmx/htmx.min.js", "django-js-lib-htmx"
        ),
        "plotly.min.js": _package_file("plotly", "package_data/plotly.min.js", "plotly"),
    }


def _file_route(path: Path) -> Callable[[Request], Response]:
    """Serve a (large, unchanging) script; compressed once, on first use, for clients that
    accept gzip (plotly.min.js: 4.6 MB, 1.4 MB gzipped) instead of on every request."""
    packed: list[bytes] = []
    lock = threading.Lock()

    def serve(request: Request) -> Response:
        headers = {"Cache-Control": CACHE, "Vary": "Accept-Encoding"}
        if "gzip" not in request.headers.get("accept-encoding", ""):
            return FileResponse(path, media_type="text/javascript", headers=headers)
        with lock:
            if not packed:
                packed.append(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))
        headers["Content-Encoding"] = "gzip"
        return Response(packed[0], media_type="text/javascript", headers=headers)

    return serve


def install_static(app: FastAPI, area_dirs: Mapping[str, Path]) -> None:
    for name, path in vendor_files().items():
        app.add_api_route(
            f"/static/{name}", _file_route(path), methods=["GET"], include_in_schema=False
        )
    for name, directory in sorted(area_dirs.items()):
        app.mount(f"/static/{name}", StaticFiles(directory=directory), name=f"static-{name}")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


STATIC_PREFIX = "/static/"
# What the app's GZipMiddleware would compress (web/app.py): bodies of at least this size
GZIP_MINIMUM = 2000
# Bigger files are not kept in memory here (plotly.min.js: its route keeps the gzipped copy)
MEMORY_LIMIT = 1024 * 1024
# Requests that the routes answer (304, 206 and the like): not served from memory
_PASS_HEADERS = (b"range", b"if-none-match", b"if-modified-since", b"if-range", b"if-match")
_NOT_COMPRESSED = ("image/png", "image/jpeg", "image/gif", "image/webp", "font/woff", "font/woff2")


@dataclass(frozen=True)
class _Asset:
    """One file as the routes would answer it: plain, and gzipped for clients that accept it
    (None: the routes would not compress it)."""

    key: tuple[int, int]  # (mtime_ns, size) of the file it was read from
    body: bytes
    headers: list[tuple[bytes, bytes]]
    gzip_body: bytes | None
    gzip_headers: list[tuple[bytes, bytes]]


def _raw(headers: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]


class StaticFromMemory:
    """ASGI middleware: a plain ``GET /static/...`` of a known file is answered from memory.
    Each request still looks at the file (one ``stat``), so a changed file is read again."""

    def __init__(
        self, app: ASGIApp, *, area_dirs: Mapping[str, Path], vendor: Mapping[str, Path]
    ) -> None:
        self.app = app
        self.area_dirs = {name: Path(d).resolve() for name, d in area_dirs.items()}
        self.vendor = dict(vendor)
        self.root = STATIC_DIR.resolve()
        self._assets: dict[Path, _Asset] = {}
        self._lock = threading.Lock()

    def _resolve(self, rel: str) -> tuple[Path, bool] | None:
        """The file of ``/static/<rel>`` and whether it is a vendor script (None: leave the
        request to the routes)."""
        if rel in self.vendor:
            return self.vendor[rel], True
        parts = rel.split("/")
        if any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts):
            return None
        base = self.root
        if len(parts) > 1 and parts[0] in self.area_dirs:
            base, parts = self.area_dirs[parts[0]], parts[1:]
        path = base.joinpath(*parts)
        real = Path(os.path.realpath(path))
        if os.path.commonpath([real, base]) != str(base):
            return None
        return path, False

    def _asset(self, path: Path, is_vendor: bool, st: os.stat_result) -> _Asset:
        key = (st.st_mtime_ns, st.st_size)
        found = self._assets.get(path)
        if found is not None and found.key == key:
            return found
        body = path.read_bytes()
        if is_vendor:  # as _file_route serves them
            extra = {"Cache-Control": CACHE, "Vary": "Accept-Encoding"}
            plain = FileResponse(path, media_type="text/javascript", headers=extra, stat_result=st)
            gz_body: bytes | None = gzip.compress(body, compresslevel=6, mtime=0)
            packed = Response(
                gz_body, media_type="text/javascript", headers=extra | {"Content-Encoding": "gzip"}
            )
            gz_headers = packed.raw_headers
        else:  # as StaticFiles serves them, then GZipMiddleware
            plain = FileResponse(path, stat_result=st)
            media = plain.media_type or ""
            gz_body, gz_headers = None, []
            if len(body) >= GZIP_MINIMUM and not media.startswith(_NOT_COMPRESSED):
                gz_body = gzip.compress(body, compresslevel=9)
                headers = Headers(raw=plain.raw_headers).mutablecopy()
                headers["content-length"] = str(len(gz_body))
                headers["vary"] = "Accept-Encoding"
                headers["content-encoding"] = "gzip"
                gz_headers = headers.raw
        asset = _Asset(key, body, list(plain.raw_headers), gz_body, list(gz_headers))
        with self._lock:
            self._assets[path] = asset
        return asset

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if (
            not path.startswith(STATIC_PREFIX)
            or scope.get("method") != "GET"
            or any(name in _PASS_HEADERS for name, _v in scope.get("headers", ()))
        ):
            await self.app(scope, receive, send)
            return
        found = self._resolve(path[len(STATIC_PREFIX) :])
        try:
            st = found[0].stat() if found else None
        except (OSError, ValueError):
            st = None
        if found is None or st is None or not stat.S_ISREG(st.st_mode) or st.st_size > MEMORY_LIMIT:
            await self.app(scope, receive, send)
            return
        asset = self._asset(found[0], found[1], st)
        accept = Headers(scope=scope).get("accept-encoding", "")
        if asset.gzip_body is not None and "gzip" in accept:
            body, headers = asset.gzip_body, asset.gzip_headers
        else:
            body, headers = asset.body, asset.headers
        await send({"type": "http.response.start", "status": 200, "headers": list(headers)})
        await send({"type": "http.response.body", "body": body})
