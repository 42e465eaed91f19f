"""Static assets, all served by the app itself (no CDN: the intranet has no internet).

- ``/static/htmx.min.js``: from the installed package ``django-js-lib-htmx`` (read where pip
  put it; no Django needed);
- ``/static/plotly.min.js``: from the installed ``plotly`` package (the reports module's HTML
  references the same path);
- ``/static/<file>``: ``ipcity/web/static/`` (the app's CSS and small scripts);
- ``/static/<area>/<file>``: an area's own directory, declared as ``STATIC = {"area": path}``
  in its page module.
"""

from __future__ import annotations

import gzip
import importlib.resources
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request

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
