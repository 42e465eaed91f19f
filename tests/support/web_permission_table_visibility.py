"""Rows of the visibility setting (see web_permission_table.py for the conventions)."""

from __future__ import annotations

from tests.support.web_permission_table import API_LOGGED_IN, Row, S

ROWS: list[Row] = [
    Row("GET", "/admin/visibility", S(303, 403, 403, 200, 200)),
    Row("POST", "/admin/visibility", S(403, 403, 403, 403, 303), form={"public_access": "portal"}),
    Row("GET", "/api/v1/settings/visibility", API_LOGGED_IN),
    Row(
        "PUT",
        "/api/v1/settings/visibility",
        S(403, 403, 403, 403, 200),
        json={"public_access": "portal"},
    ),
]
