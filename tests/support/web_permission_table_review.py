"""Permission rows of the review queue, clearing the inbox badge and evidence through the
API (issue 12), picked up by ``test_web_permission_matrix.py``."""

from __future__ import annotations

from tests.support.web_permission_table import OFFICE_FORM, Row, S

ROWS: list[Row] = [
    Row(
        "GET",
        "/review",
        S(303, 403, 403, 403, 200),
        note="the office's queue; a leader reads reports but does not review them",
    ),
    Row(
        "POST",
        "/inbox/read-all",
        S(403, 303, 303, 303, 303),
        note="every role clears its own badge (a leader's notices stay unread for others)",
    ),
    Row("POST", "/api/v1/inbox/read-all", S(403, 200, 200, 200, 200)),
    Row(
        "POST",
        "/admin/work-plans/{work_plan_id}/rhythm",
        OFFICE_FORM,
        {"work_plan_id": "wp"},
        form={"version": "{wp_v}", "report_rhythm": "month"},
    ),
    Row("GET", "/api/v1/files/{file_id}", S(403, 200, 200, 200, 200), {"file_id": "file_sub"}),
    Row(
        "GET",
        "/api/v1/files/{file_id}",
        S(403, 200, 404, 200, 200),
        {"file_id": "file_draft"},
        note="a draft's file: not for another unit",
    ),
    Row(
        "POST",
        "/api/v1/reports/{report_id}/evidence",
        S(403, 200, 404, 403, 200),
        {"report_id": "r_draft_a"},
        form={"version": "{r_draft_a_v}"},
        files={"files": ("会议纪要.txt", "材料", "text/plain")},
        note="unit A's draft: its editor and the office; hidden from D; a leader only reads",
    ),
]
