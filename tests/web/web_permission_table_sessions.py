"""Permission rows of the session routes (an admin ends every session of a user), picked up
by ``test_web_permission_matrix.py``."""

from __future__ import annotations

from web_permission_table import OFFICE_FORM, Row

ROWS: list[Row] = [
    Row(
        "POST",
        "/admin/users/{user_id}/sessions/end",
        OFFICE_FORM,
        {"user_id": "user_editor_b"},
        form={"version": "{user_editor_b_v}"},
    ),
]
