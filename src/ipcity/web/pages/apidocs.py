"""``/docs``: the API's interactive reference (Swagger UI 5) from local assets.

The scripts and styles come from the installed ``swagger-ui-py`` package (served under
``/static/swagger-ui/``), the set-up script from this module: nothing is fetched from the
internet (the Content-Security-Policy forbids it anyway) and the online validator badge is
off."""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path

from fastapi.responses import HTMLResponse, Response
from starlette.requests import Request

from ipcity.errors import IpcityError
from ipcity.web.routing import page_router

router = page_router()


def swagger_ui_dir() -> Path:
    try:
        path = Path(str(importlib.resources.files("swagger_ui").joinpath("static")))
    except ModuleNotFoundError:
        raise IpcityError("swagger-ui-py is not installed (pip install swagger-ui-py)") from None
    if not (path / "swagger-ui-bundle.js").is_file():
        raise IpcityError("swagger-ui-bundle.js is missing from the installed swagger-ui-py")
    return path


STATIC = {"swagger-ui": swagger_ui_dir()}
ASSETS = "/static/swagger-ui"

PAGE = """<!doctype html>
<html lang="{lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>ipcity API</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="{assets}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{assets}/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
"""

CONFIG = {
    "url": "/openapi.json",
    "dom_id": "#swagger-ui",
    "deepLinking": True,
    "validatorUrl": None,  # the default sends the schema to validator.swagger.io
    "persistAuthorization": False,
    "tryItOutEnabled": False,
}


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    lang = "en" if request.state.locale == "en" else "zh-CN"
    return HTMLResponse(PAGE.format(lang=lang, assets=ASSETS))


@router.get("/docs/init.js")
def api_docs_script() -> Response:
    script = (
        "window.ui = SwaggerUIBundle(Object.assign("
        + json.dumps(CONFIG)
        + ", {presets: [SwaggerUIBundle.presets.apis]}));\n"
    )
    return Response(script, media_type="text/javascript")
