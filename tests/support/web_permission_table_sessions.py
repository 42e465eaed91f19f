"""Permission rows of the session routes (an admin ends every session of a user), picked up
by ``test_web_permission_matrix.py``."""

from __future__ import annotations

from tests.support.web_permission_table import OFFICE_FORM, Row, S

ROWS: list[Row] = [
    Row(
        "POST",
        "/account/sessions/end",
        S(303, 303, 303, 303, 303),
        note="anonymous is sent to the login page; anyone may log out everywhere else",
    ),
    Row(
        "POST",
        "/admin/users/{user_id}/sessions/end",
        OFFICE_FORM,
        {"user_id": "user_editor_b"},
        form={"version": "{user_editor_b_v}"},
    ),
]
