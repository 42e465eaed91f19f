"""The API reference (``/docs``, Swagger UI from local assets) in the permission table: open
to everyone, like ``/openapi.json``."""

from __future__ import annotations

from tests.support.web_permission_table import EVERYONE, Row

ROWS: list[Row] = [
    Row("GET", "/docs", EVERYONE),
    Row("GET", "/docs/init.js", EVERYONE),
]
