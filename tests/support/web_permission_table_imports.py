"""Routes of the import preview (issue 12) in the route x role table: the API's import
(dry run and apply) is the office's; confirming a preview needs the office too, and an upload
key that does not exist (expired, applied or someone else's) is a 409 for the office."""

from __future__ import annotations

from tests.support.web_permission_table import Row, S

ROWS = [
    Row(
        "POST",
        "/api/v1/work-plans/{work_plan_id}/import",
        S(403, 403, 403, 403, 422),
        {"work_plan_id": "wp"},
        query="dry_run=true",
        note="the matrix sends JSON only: 422 (no file) for the office; uploads are tested in "
        "test_web_import_preview.py",
    ),
    Row(
        "POST",
        "/work-plans/{work_plan_id}/import/apply",
        S(403, 403, 403, 403, 409),
        {"work_plan_id": "wp"},
        form={"upload": "no-such-upload", "token": "0"},
    ),
    Row(
        "POST",
        "/plans/{plan_id}/targets/import/apply",
        S(403, 403, 403, 403, 409),
        {"plan_id": "plan"},
        form={"upload": "no-such-upload", "token": "0"},
    ),
]
