"""Permission rows of the IP protection routes (pages and /api/v1), picked up by
``test_web_permission_matrix.py``. The matrix world gets ``case_a`` from
``protection_web_world.add_to_world`` (owned by unit A = ``editor_lead``'s unit, handled
jointly with unit B; ``editor_other`` is the district HP's editor and must not see it).
"""

from __future__ import annotations

from tests.support.web_permission_table import EVERYONE, Row, S

# --- statuses ---------------------------------------------------------------------------------

LOGGED_IN_PAGE = S(303, 200, 200, 200, 200)
RECORDERS_PAGE = S(303, 200, 200, 403, 200)  # unit editors and the office record cases
CASE_PAGE = S(303, 200, 404, 200, 200)  # editor_other's unit has nothing to do with case_a
CASE_FORM = S(403, 303, 404, 403, 303)  # owner and office change it
API_LOGGED_IN = S(403, 200, 200, 200, 200)
API_CASE = S(403, 200, 404, 200, 200)
API_CASE_CHANGE = S(403, 200, 404, 403, 200)
CASE_FIELDS = {
    "case_no": "NEW-1",
    "kind": "civil",
    "ip_type": "patent",
    "received_on": "2023-05-01",
}
CASE_CSV = "案号,案件类型,知识产权类型,收案日期\nIMP-1,民事,专利,2023-05-01\n"
C = {"case_id": "case_a"}

ROWS: list[Row] = [
    # pages
    Row("GET", "/protection/cases", LOGGED_IN_PAGE),
    Row("GET", "/protection/cases/export", LOGGED_IN_PAGE, query="format=csv"),
    Row("GET", "/protection/cases/new", RECORDERS_PAGE),
    Row(
        "POST",
        "/protection/cases",
        S(403, 303, 403, 403, 303),
        form={"unit_id": "{unit_a}", **CASE_FIELDS},
        note="a case of unit A: its editor and the office; the district's editor may not",
    ),
    Row("GET", "/protection/cases/{case_id}", CASE_PAGE, C),
    Row(
        "POST",
        "/protection/cases/{case_id}/edit",
        CASE_FORM,
        C,
        form={"version": "{case_a_v}", **CASE_FIELDS},
    ),
    Row("POST", "/protection/cases/{case_id}/delete", CASE_FORM, C, form={"version": "{case_a_v}"}),
    Row(
        "POST",
        "/protection/cases/{case_id}/transfer",
        CASE_FORM,
        C,
        form={"version": "{case_a_v}", "to_unit_id": "{office}"},
    ),
    Row(
        "POST",
        "/protection/cases/{case_id}/joint",
        CASE_FORM,
        C,
        form={"version": "{case_a_v}", "unit_id": "{unit_d}"},
    ),
    Row(
        "POST",
        "/protection/cases/{case_id}/joint/remove",
        CASE_FORM,
        C,
        form={"version": "{case_a_v}", "unit_id": "{unit_b}"},
    ),
    Row("GET", "/protection/import", RECORDERS_PAGE),
    Row(
        "POST",
        "/protection/import",
        S(403, 200, 403, 403, 200),
        form={"unit_id": "{unit_a}"},
        files={"file": ("cases.csv", CASE_CSV, "text/csv")},
    ),
    Row(
        "POST",
        "/protection/import/apply",
        S(403, 409, 403, 403, 409),
        form={"unit_id": "{unit_a}", "upload": "no-such-upload", "token": "0"},
    ),
    Row("GET", "/protection/indicators", LOGGED_IN_PAGE, query="year=2023"),
    Row("GET", "/protection/indicators/export", LOGGED_IN_PAGE, query="year=2023"),
    Row("GET", "/protection/assessment", S(303, 403, 403, 200, 200), query="year=2023"),
    Row("GET", "/protection/public", EVERYONE, query="year=2023"),
    # API
    Row("GET", "/api/v1/cases", API_LOGGED_IN),
    Row(
        "POST",
        "/api/v1/cases",
        S(403, 201, 403, 403, 201),
        json={"unit_id": "{unit_a}", **CASE_FIELDS},
    ),
    Row(
        "POST",
        "/api/v1/cases/import",
        S(403, 422, 422, 403, 422),
        note="without a file: refused before anything else for those without the right, "
        "422 (no file) for the others — the matrix sends JSON only; uploads are tested in "
        "test_web_protection.py",
    ),
    Row("GET", "/api/v1/cases/{case_id}", API_CASE, C),
    Row(
        "PATCH",
        "/api/v1/cases/{case_id}",
        API_CASE_CHANGE,
        C,
        json={"version": "{case_a_v}", "cause": "侵害发明专利权纠纷"},
    ),
    Row(
        "DELETE",
        "/api/v1/cases/{case_id}",
        S(403, 204, 404, 403, 204),
        C,
        query="version={case_a_v}",
    ),
    Row(
        "POST",
        "/api/v1/cases/{case_id}/transfer",
        API_CASE_CHANGE,
        C,
        json={"version": "{case_a_v}", "to_unit_id": "{office}"},
    ),
    Row(
        "POST",
        "/api/v1/cases/{case_id}/joint",
        API_CASE_CHANGE,
        C,
        json={"version": "{case_a_v}", "unit_id": "{unit_d}"},
    ),
    Row(
        "DELETE",
        "/api/v1/cases/{case_id}/joint/{unit_id}",
        API_CASE_CHANGE,
        {"case_id": "case_a", "unit_id": "unit_b"},
        query="version={case_a_v}",
    ),
    Row("GET", "/api/v1/protection/indicators", API_LOGGED_IN, query="year=2023"),
    Row("GET", "/api/v1/protection/assessment", S(403, 403, 403, 200, 200), query="year=2023"),
    Row("GET", "/api/v1/protection/public", EVERYONE, query="year=2023"),
]
