"""Routes of the annual report's background jobs (``web/pages/annual_report.py``) in the route
x role table. The shared world holds no report job: the download row checks the refusal order
(login, then the right, then 404)."""

from __future__ import annotations

from tests.support.web_permission_table import OFFICE_AND_LEADER, Row, S

ROWS = [
    Row("GET", "/annual-report/jobs", OFFICE_AND_LEADER),
    Row(
        "POST",
        "/annual-report/jobs",
        S(403, 403, 403, 303, 303),
        form={"year": "2023", "report_lang": "zh", "format": "html"},
        note="queues a job (the test app has no warehouse: the job fails in the background)",
    ),
    Row(
        "GET",
        "/annual-report/jobs/{job_id}/file",
        S(303, 403, 403, 404, 404),
        {"job_id": "t1"},
        note="any id: no job in the shared world",
    ),
]
