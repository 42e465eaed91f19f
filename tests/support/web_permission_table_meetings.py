"""Routes of the meetings and the public portal (``ipcity.meetings``) in the route x role
table. The shared world (``web_world.build_world``) has no meeting, publication or snapshot,
so the rows for one of them check the refusal order: the public is sent to the login page (or
refused a write with 403), roles without the right get 403, and everyone else 404 (missing
and hidden look alike). ``tests/meetings/test_web_meetings.py`` runs the same routes against
real meetings and publications, role by role."""

from __future__ import annotations

from tests.support.web_permission_table import (
    API_EVERYONE,
    API_LOGGED_IN,
    API_OFFICE_CREATE,
    EVERYONE,
    LOGGED_IN,
    OFFICE_AND_LEADER,
    OFFICE_FORM,
    OFFICE_ONLY_PAGE,
    Row,
    S,
)

NOT_FOUND = S(404, 404, 404, 404, 404)
LOGIN_THEN_404 = S(303, 404, 404, 404, 404)  # a page that needs a login, of a missing row
OFFICE_WRITE_404 = S(403, 403, 403, 403, 404)  # office-only write on a missing row
SPEECH_WRITE_404 = S(403, 404, 404, 403, 404)  # unit editors may attach their speech
DESK_404 = S(303, 403, 403, 404, 404)  # the portal desk (office, leaders) of a missing row
API_OFFICE_404 = S(403, 403, 403, 403, 404)
API_LOGIN_404 = S(403, 404, 404, 404, 404)

M = {"meeting_id": "t1"}  # any id: there is no meeting in the shared world
PUB = {"publication_id": "t1"}
FILE = ("a.txt", "材料", "text/plain")

ROWS: list[Row] = [
    # --- public portal ----------------------------------------------------------------------
    Row("GET", "/portal", EVERYONE),
    Row("GET", "/portal/news", EVERYONE),
    Row("GET", "/portal/news/{publication_id}", NOT_FOUND, PUB),
    Row("GET", "/portal/files/{file_id}", NOT_FOUND, {"file_id": "t1"}),
    # --- the portal desk ----------------------------------------------------------------------
    Row("GET", "/portal/desk", OFFICE_AND_LEADER),
    Row(
        "POST",
        "/portal/desk/publications",
        OFFICE_FORM,
        form={"kind": "news", "title_zh": "新闻", "body_zh": "正文"},
        files={"files": FILE},
    ),
    Row("GET", "/portal/desk/publications/{publication_id}", DESK_404, PUB),
    Row(
        "POST",
        "/portal/desk/publications/{publication_id}/edit",
        OFFICE_WRITE_404,
        PUB,
        form={"version": "1", "kind": "news", "title_zh": "x"},
    ),
    Row(
        "POST",
        "/portal/desk/publications/{publication_id}/report",
        OFFICE_WRITE_404,
        PUB,
        form={"version": "1", "year": "2022", "langs": "zh", "format": "pdf"},
    ),
    Row(
        "POST",
        "/portal/desk/publications/{publication_id}/publish",
        OFFICE_WRITE_404,
        PUB,
        form={"version": "1"},
    ),
    Row(
        "POST",
        "/portal/desk/publications/{publication_id}/withdraw",
        OFFICE_WRITE_404,
        PUB,
        form={"version": "1"},
    ),
    Row(
        "POST",
        "/portal/desk/headline",
        OFFICE_FORM,
        form={"year": "2022", "source": "workspace", "years_back": "2"},
        note="the shared world's published indicator has a published 2022 value",
    ),
    Row(
        "POST",
        "/portal/desk/headline/{snapshot_id}/withdraw",
        OFFICE_WRITE_404,
        {"snapshot_id": "t1"},
        form={"version": "1"},
    ),
    # --- meetings -----------------------------------------------------------------------------
    Row("GET", "/meetings", LOGGED_IN),
    Row("GET", "/meetings/new", OFFICE_ONLY_PAGE),
    Row(
        "POST",
        "/meetings",
        OFFICE_FORM,
        form={
            "kind": "plenary",
            "title": "全体会议",
            "meeting_date": "2023-05-10",
            "attending_unit_ids": ["{office}", "{unit_a}"],
        },
    ),
    Row("GET", "/meetings/{meeting_id}", LOGIN_THEN_404, M),
    Row(
        "POST",
        "/meetings/{meeting_id}/edit",
        OFFICE_WRITE_404,
        M,
        form={"version": "1", "status": "held"},
    ),
    Row(
        "POST",
        "/meetings/{meeting_id}/attendance",
        OFFICE_WRITE_404,
        M,
        form={"version": "1", "unit_ids": ["{unit_a}"]},
    ),
    Row(
        "POST",
        "/meetings/{meeting_id}/agenda",
        OFFICE_WRITE_404,
        M,
        form={"kind": "other", "title": "议程"},
    ),
    Row(
        "POST",
        "/meetings/{meeting_id}/agenda/{item_id}/delete",
        OFFICE_WRITE_404,
        {"meeting_id": "t1", "item_id": "t1"},
        form={"version": "1"},
    ),
    Row("POST", "/meetings/{meeting_id}/materials", SPEECH_WRITE_404, M, files={"files": FILE}),
    Row(
        "POST",
        "/meetings/{meeting_id}/materials/report",
        OFFICE_WRITE_404,
        M,
        form={"year": "2022", "report_lang": "zh", "format": "docx"},
    ),
    Row(
        "POST",
        "/meetings/{meeting_id}/materials/{material_id}/remove",
        SPEECH_WRITE_404,
        {"meeting_id": "t1", "material_id": "t1"},
        form={"version": "1"},
    ),
    Row(
        "GET",
        "/meetings/{meeting_id}/materials/{material_id}",
        LOGIN_THEN_404,
        {"meeting_id": "t1", "material_id": "t1"},
    ),
    Row(
        "POST",
        "/meetings/{meeting_id}/minutes",
        OFFICE_WRITE_404,
        M,
        form={"version": "1", "text": "纪要"},
    ),
    Row("GET", "/meetings/{meeting_id}/minutes", LOGIN_THEN_404, M),
    Row(
        "POST",
        "/meetings/{meeting_id}/decisions",
        OFFICE_WRITE_404,
        M,
        form={"text": "决定", "lead_unit_id": "{unit_a}", "deadline": "2023-12-31"},
    ),
    Row("GET", "/meetings/for-task/{task_id}", EVERYONE, {"task_id": "t1"}),
    # --- API ----------------------------------------------------------------------------------
    Row("GET", "/api/v1/meetings", API_LOGGED_IN),
    Row(
        "POST",
        "/api/v1/meetings",
        API_OFFICE_CREATE,
        json={"kind": "special", "title": "专题会议", "meeting_date": "2023年5月10日"},
    ),
    Row("GET", "/api/v1/meetings/{meeting_id}", API_LOGIN_404, M),
    Row(
        "PATCH",
        "/api/v1/meetings/{meeting_id}",
        API_OFFICE_404,
        M,
        json={"version": 1, "place": "会议室"},
    ),
    Row(
        "POST",
        "/api/v1/meetings/{meeting_id}/agenda",
        API_OFFICE_404,
        M,
        json={"kind": "other", "title": "议程"},
    ),
    Row(
        "POST",
        "/api/v1/meetings/{meeting_id}/minutes",
        API_OFFICE_404,
        M,
        json={"version": 1, "text": "纪要"},
    ),
    Row(
        "POST",
        "/api/v1/meetings/{meeting_id}/decisions",
        API_OFFICE_404,
        M,
        json={"text": "决定", "lead_unit_id": "{unit_a}", "deadline": "2023-12-31"},
    ),
    Row("GET", "/api/v1/meetings/for-task/{task_id}", API_EVERYONE, {"task_id": "t1"}),
    Row("GET", "/api/v1/publications", API_EVERYONE),
    Row("GET", "/api/v1/publications/{publication_id}", NOT_FOUND, PUB),
    Row("GET", "/api/v1/portal/headline", API_EVERYONE),
]

# Publishing a decision (its task becomes public): the office only.
ROWS += [
    Row(
        "POST",
        "/meetings/{meeting_id}/decisions/{decision_id}/publish",
        OFFICE_WRITE_404,
        {"meeting_id": "t1", "decision_id": "t1"},
    ),
    Row(
        "POST",
        "/api/v1/meetings/{meeting_id}/decisions/{decision_id}/publish",
        API_OFFICE_404,
        {"meeting_id": "t1", "decision_id": "t1"},
    ),
]
