"""The route x role permission table: every route of the app (pages and /api/v1) with the
status each role must get. ``test_web_permission_matrix.py`` runs every row for every role
and also fails when a route of the app has no row here.

Roles: ``anonymous``; ``editor_lead`` (unit editor of unit A, which leads task t1 and t3);
``editor_other`` (unit editor of district D, involved in no task); ``leader``; ``admin``
(office admin). The world is ``web_world.build_world``: ``{name}`` placeholders in paths,
queries and bodies are its ids (``{t1}``, ``{r_sub}``, ``{r_sub_v}`` for a version, ...);
``{me_username}`` / ``{me_password}`` are the role's own login (anonymous: a wrong one).

Pages answer 303 (to the login page) when an anonymous visitor opens a page that needs a
login, 403 when a logged-in role may not, 404 when the row is hidden from that role. A
successful form post answers 303 (redirect after post).

Another area adds its routes by appending ``Row`` s to ``ROWS`` in its own module named
``web_permission_table_<area>.py`` in this directory (tests/support/) (it is picked up automatically).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ROLES = ("anonymous", "editor_lead", "editor_other", "leader", "admin")


def S(anon: int, lead: int, other: int, leader: int, admin: int) -> dict[str, int]:
    return dict(zip(ROLES, (anon, lead, other, leader, admin), strict=True))


EVERYONE = S(200, 200, 200, 200, 200)
LOGGED_IN = S(303, 200, 200, 200, 200)  # anonymous is sent to the login page
OFFICE_AND_LEADER = S(303, 403, 403, 200, 200)
OFFICE_ONLY_PAGE = S(303, 403, 403, 403, 200)
OFFICE_FORM = S(403, 403, 403, 403, 303)  # an office-only form post
API_EVERYONE = EVERYONE
API_LOGGED_IN = S(403, 200, 200, 200, 200)
API_OFFICE_CREATE = S(403, 403, 403, 403, 201)
API_OFFICE_UPDATE = S(403, 403, 403, 403, 200)

TASK_CSV = (
    "序号,任务编号,重点任务,牵头单位,配合单位,完成时限\n"
    "1,2023-101,新导入任务,市科委,市商务委,6月底\n"
)
TARGET_CSV = "序号,指标编号,指标,单位,目标年,目标值\n1,T9,新指标,件,2025,100\n"


@dataclass(frozen=True)
class Row:
    method: str
    route: str  # the app's path template, e.g. "/tasks/{task_id}"
    expect: dict[str, int]
    params: dict[str, str] = field(default_factory=dict)  # path param -> world key
    query: str = ""
    form: dict[str, Any] | None = None
    json: dict[str, Any] | None = None
    files: dict[str, tuple[str, str, str]] | None = None  # name -> (filename, text, type)
    note: str = ""

    @property
    def is_api(self) -> bool:
        return self.route.startswith("/api/")


ROWS: list[Row] = [
    # --- public pages and assets -----------------------------------------------------------
    Row("GET", "/", S(200, 303, 303, 200, 200), note="an editor's home is their unit's page"),
    Row("GET", "/login", EVERYONE),
    Row(
        "POST",
        "/login",
        S(401, 303, 303, 303, 303),
        form={"username": "{me_username}", "password": "{me_password}", "next": "/"},
    ),
    Row("POST", "/logout", S(303, 303, 303, 303, 303)),
    Row("GET", "/static/htmx.min.js", EVERYONE),
    Row("GET", "/static/plotly.min.js", EVERYONE),
    Row("GET", "/openapi.json", EVERYONE),
    Row("GET", "/plans", EVERYONE),
    Row("GET", "/plans/{plan_id}", EVERYONE, {"plan_id": "plan"}),
    Row(
        "GET",
        "/plans/{plan_id}",
        S(404, 200, 200, 200, 200),
        {"plan_id": "plan_hidden"},
        note="an unpublished plan is hidden from the public",
    ),
    Row("GET", "/indicators/{target_id}", EVERYONE, {"target_id": "target"}),
    Row("GET", "/tasks", EVERYONE),
    Row("GET", "/tasks/{task_id}", EVERYONE, {"task_id": "t1"}),
    Row("GET", "/units", EVERYONE),
    Row("GET", "/units/{unit_id}", EVERYONE, {"unit_id": "unit_a"}),
    Row(
        "GET",
        "/work-plans/{work_plan_id}/export",
        EVERYONE,
        {"work_plan_id": "wp"},
        query="format=csv",
    ),
    Row(
        "GET", "/plans/{plan_id}/targets/export", EVERYONE, {"plan_id": "plan"}, query="format=csv"
    ),
    # --- account ---------------------------------------------------------------------------
    Row("GET", "/account", LOGGED_IN),
    Row(
        "POST",
        "/account/password",
        S(303, 303, 303, 303, 303),
        form={
            "current_password": "{me_password}",
            "new_password": "a new password 2023",
            "repeat_password": "a new password 2023",
        },
        note="anonymous is sent to the login page; a leader may change their own password",
    ),
    # --- indicators ------------------------------------------------------------------------
    Row(
        "POST",
        "/indicators/{target_id}/published",
        OFFICE_FORM,
        {"target_id": "target"},
        form={"year": "2023", "value": "16", "source": "统计公报"},
    ),
    # --- tasks -----------------------------------------------------------------------------
    Row("GET", "/tasks/new", OFFICE_ONLY_PAGE, query="work_plan={wp}"),
    Row(
        "POST",
        "/tasks",
        OFFICE_FORM,
        form={
            "work_plan_id": "{wp}",
            "title": "新任务",
            "lead_unit_id": "{unit_a}",
            "deadline": "2023-12-31",
        },
    ),
    Row(
        "POST",
        "/tasks/{task_id}/edit",
        OFFICE_FORM,
        {"task_id": "t1"},
        form={
            "version": "{t1_v}",
            "title": "任务一（改）",
            "lead_unit_id": "{unit_a}",
            "co_unit_ids": ["{unit_b}"],
            "deadline": "2023-06-30",
            "goal_id": "{goal}",
        },
    ),
    Row(
        "POST",
        "/tasks/{task_id}/delete",
        OFFICE_FORM,
        {"task_id": "t3"},
        form={"version": "{t3_v}"},
    ),
    # --- reports ---------------------------------------------------------------------------
    Row(
        "POST",
        "/tasks/{task_id}/reports",
        S(403, 303, 403, 403, 303),
        {"task_id": "t1"},
        form={
            "unit_id": "{unit_a}",
            "period": "2023-09",
            "percent": "70",
            "narrative": "九月进展",
            "action": "submit",
        },
        files={"files": ("evidence.txt", "证明材料", "text/plain")},
        note="editor_other's unit is not involved; a leader never writes",
    ),
    Row(
        "POST",
        "/reports/{report_id}/revise",
        S(403, 303, 404, 403, 303),
        {"report_id": "r_draft_a"},
        form={"version": "{r_draft_a_v}", "percent": "45", "narrative": "修订", "action": "draft"},
        note="another unit's draft does not exist for editor_other",
    ),
    Row(
        "POST",
        "/reports/{report_id}/submit",
        S(403, 303, 404, 403, 303),
        {"report_id": "r_draft_a"},
        form={"version": "{r_draft_a_v}"},
    ),
    Row(
        "POST",
        "/reports/{report_id}/accept",
        OFFICE_FORM,
        {"report_id": "r_sub"},
        form={"version": "{r_sub_v}", "comment": ""},
    ),
    Row(
        "POST",
        "/reports/{report_id}/return",
        OFFICE_FORM,
        {"report_id": "r_sub2"},
        form={"version": "{r_sub2_v}", "comment": "请补充材料"},
    ),
    Row(
        "GET",
        "/files/{file_id}",
        LOGGED_IN,
        {"file_id": "file_sub"},
        note="a submitted report's file: every logged-in role",
    ),
    Row(
        "GET",
        "/files/{file_id}",
        S(303, 200, 404, 200, 200),
        {"file_id": "file_draft"},
        note="a draft's file: not for another unit",
    ),
    # --- inbox -----------------------------------------------------------------------------
    Row("GET", "/inbox", LOGGED_IN),
    Row(
        "POST",
        "/inbox/{notice_id}/read",
        S(403, 303, 403, 403, 303),
        {"notice_id": "notice_a"},
        note="unit A's notice: its editor and the office mark it read; a leader only reads",
    ),
    # --- administration --------------------------------------------------------------------
    Row("GET", "/admin", OFFICE_AND_LEADER),
    Row("GET", "/admin/units", OFFICE_AND_LEADER),
    Row(
        "POST",
        "/admin/units",
        OFFICE_FORM,
        form={"code": "NEW", "name": "新单位", "kind": "municipal"},
    ),
    Row(
        "POST",
        "/admin/units/{unit_id}",
        OFFICE_FORM,
        {"unit_id": "unit_a"},
        form={
            "version": "{unit_a_v}",
            "name": "市科学技术委员会",
            "kind": "municipal",
            "sort_order": "1",
            "active": "1",
        },
    ),
    Row("GET", "/admin/users", OFFICE_AND_LEADER),
    Row(
        "POST",
        "/admin/users",
        OFFICE_FORM,
        form={
            "username": "newbie",
            "role": "unit_editor",
            "unit_id": "{unit_a}",
            "password": "a long enough password",
        },
    ),
    Row(
        "POST",
        "/admin/users/{user_id}",
        OFFICE_FORM,
        {"user_id": "user_editor_b"},
        form={
            "version": "{user_editor_b_v}",
            "role": "unit_editor",
            "unit_id": "{unit_b}",
            "display_name": "B",
            "active": "1",
        },
    ),
    Row(
        "POST",
        "/admin/users/{user_id}/password",
        OFFICE_FORM,
        {"user_id": "user_editor_b"},
        form={"version": "{user_editor_b_v}", "password": "another long password"},
    ),
    Row("GET", "/admin/plans", OFFICE_AND_LEADER),
    Row(
        "POST",
        "/admin/plans",
        OFFICE_FORM,
        form={
            "code": "NEWPLAN",
            "title": "新规划",
            "kind": "other",
            "start_year": "2026",
            "end_year": "2030",
        },
    ),
    Row(
        "POST",
        "/admin/plans/{plan_id}/publish",
        OFFICE_FORM,
        {"plan_id": "plan"},
        form={"version": "{plan_v}", "published": "1"},
    ),
    Row(
        "POST",
        "/admin/work-plans",
        OFFICE_FORM,
        form={"code": "WP2024", "year": "2024", "title": "2024年推进计划"},
    ),
    Row(
        "POST",
        "/admin/work-plans/{work_plan_id}/publish",
        OFFICE_FORM,
        {"work_plan_id": "wp"},
        form={"version": "{wp_v}", "published": "1"},
    ),
    Row("POST", "/admin/supervision", OFFICE_FORM),
    Row(
        "POST",
        "/admin/actuals/refresh",
        OFFICE_FORM,
        note="without a warehouse the office gets its message, not an error page",
    ),
    Row("GET", "/admin/audit", OFFICE_ONLY_PAGE),
    Row("GET", "/admin/audit.csv", OFFICE_ONLY_PAGE),
    # --- import ----------------------------------------------------------------------------
    Row("GET", "/work-plans/{work_plan_id}/import", OFFICE_ONLY_PAGE, {"work_plan_id": "wp"}),
    Row(
        "POST",
        "/work-plans/{work_plan_id}/import",
        S(403, 403, 403, 403, 200),
        {"work_plan_id": "wp"},
        files={"file": ("tasks.csv", TASK_CSV, "text/csv")},
    ),
    Row("GET", "/plans/{plan_id}/targets/import", OFFICE_ONLY_PAGE, {"plan_id": "plan"}),
    Row(
        "POST",
        "/plans/{plan_id}/targets/import",
        S(403, 403, 403, 403, 200),
        {"plan_id": "plan"},
        files={"file": ("targets.csv", TARGET_CSV, "text/csv")},
    ),
    # --- evaluation and the annual report --------------------------------------------------
    Row("GET", "/evaluation", OFFICE_AND_LEADER),
    Row("GET", "/annual-report", OFFICE_AND_LEADER),
    # --- API: auth -------------------------------------------------------------------------
    Row(
        "POST",
        "/api/v1/auth/token",
        S(401, 200, 200, 200, 200),
        json={"username": "{me_username}", "password": "{me_password}"},
    ),
    Row("GET", "/api/v1/me", API_EVERYONE),
    # --- API: units ------------------------------------------------------------------------
    Row("GET", "/api/v1/units", API_EVERYONE),
    Row(
        "POST",
        "/api/v1/units",
        API_OFFICE_CREATE,
        json={"code": "API", "name": "接口单位", "kind": "municipal"},
    ),
    Row("GET", "/api/v1/units/{unit_id}", API_EVERYONE, {"unit_id": "unit_a"}),
    Row(
        "PATCH",
        "/api/v1/units/{unit_id}",
        API_OFFICE_UPDATE,
        {"unit_id": "unit_a"},
        json={"version": "{unit_a_v}", "short_name": "科委"},
    ),
    # --- API: plans and work plans ---------------------------------------------------------
    Row("GET", "/api/v1/plans", API_EVERYONE),
    Row(
        "POST",
        "/api/v1/plans",
        API_OFFICE_CREATE,
        json={
            "code": "APIPLAN",
            "title": "接口规划",
            "kind": "other",
            "start_year": 2026,
            "end_year": 2030,
        },
    ),
    Row("GET", "/api/v1/plans/{plan_id}", API_EVERYONE, {"plan_id": "plan"}),
    Row("GET", "/api/v1/plans/{plan_id}", S(404, 200, 200, 200, 200), {"plan_id": "plan_hidden"}),
    Row(
        "PATCH",
        "/api/v1/plans/{plan_id}",
        API_OFFICE_UPDATE,
        {"plan_id": "plan"},
        json={"version": "{plan_v}", "description": "说明"},
    ),
    Row("GET", "/api/v1/plans/{plan_id}/indicators", API_EVERYONE, {"plan_id": "plan"}),
    Row("GET", "/api/v1/work-plans", API_EVERYONE),
    Row(
        "POST",
        "/api/v1/work-plans",
        API_OFFICE_CREATE,
        json={"code": "WP2025", "year": 2025, "title": "2025年推进计划"},
    ),
    # --- API: tasks ------------------------------------------------------------------------
    Row("GET", "/api/v1/tasks", API_EVERYONE, query="year=2023"),
    Row(
        "POST",
        "/api/v1/tasks",
        API_OFFICE_CREATE,
        json={
            "work_plan_id": "{wp}",
            "title": "接口任务",
            "lead_unit_id": "{unit_a}",
            "deadline": "2023年三季度",
        },
    ),
    Row("GET", "/api/v1/tasks/{task_id}", API_EVERYONE, {"task_id": "t1"}),
    Row(
        "PATCH",
        "/api/v1/tasks/{task_id}",
        API_OFFICE_UPDATE,
        {"task_id": "t1"},
        json={"version": "{t1_v}", "title": "任务一（接口改）"},
    ),
    Row(
        "DELETE",
        "/api/v1/tasks/{task_id}",
        S(403, 403, 403, 403, 204),
        {"task_id": "t3"},
        query="version={t3_v}",
    ),
    Row("GET", "/api/v1/tasks/{task_id}/timeline", API_LOGGED_IN, {"task_id": "t1"}),
    Row(
        "POST",
        "/api/v1/tasks/{task_id}/reports",
        S(403, 201, 403, 403, 201),
        {"task_id": "t1"},
        json={"period": "2023-09", "percent": 70, "narrative": "九月进展", "unit_id": "{unit_a}"},
    ),
    # --- API: reports and inbox ------------------------------------------------------------
    Row("GET", "/api/v1/reports", API_LOGGED_IN, query="task_id={t1}"),
    Row(
        "GET", "/api/v1/reports/{report_id}", S(403, 200, 404, 200, 200), {"report_id": "r_draft_a"}
    ),
    Row(
        "GET",
        "/api/v1/reports/{report_id}",
        S(403, 404, 404, 200, 200),
        {"report_id": "r_draft_b"},
        note="unit B's draft: hidden from A and D",
    ),
    Row(
        "PATCH",
        "/api/v1/reports/{report_id}",
        S(403, 200, 404, 403, 200),
        {"report_id": "r_draft_a"},
        json={"version": "{r_draft_a_v}", "percent": 50, "narrative": "修订"},
    ),
    Row(
        "POST",
        "/api/v1/reports/{report_id}/submit",
        S(403, 200, 404, 403, 200),
        {"report_id": "r_draft_a"},
        json={"version": "{r_draft_a_v}"},
    ),
    Row(
        "POST",
        "/api/v1/reports/{report_id}/accept",
        API_OFFICE_UPDATE,
        {"report_id": "r_sub"},
        json={"version": "{r_sub_v}"},
    ),
    Row(
        "POST",
        "/api/v1/reports/{report_id}/return",
        API_OFFICE_UPDATE,
        {"report_id": "r_sub2"},
        json={"version": "{r_sub2_v}", "comment": "请补充材料"},
    ),
    Row("GET", "/api/v1/inbox", API_LOGGED_IN),
    Row(
        "POST",
        "/api/v1/inbox/{notice_id}/read",
        S(403, 200, 403, 403, 200),
        {"notice_id": "notice_a"},
    ),
]


# --- what anonymous visitors get under the office's default setting -----------------------
# The statuses above are those with the setting opened to the published work (``published``).
# Under the default (``portal``) every route outside the portal, the login and the public
# API sends an anonymous visitor away: pages answer GET with 303 (``/`` to the portal, the
# rest to the login page) and anything else with 401; the API answers 401.
UNGATED = ("/static/", "/openapi.json")


def portal_only(row: Row) -> dict[str, int]:
    from ipcity.web.public_paths import is_open

    if is_open(row.route) or row.route.startswith(UNGATED):
        return row.expect
    anon = 303 if not row.is_api and row.method in ("GET", "HEAD") else 401
    return {**row.expect, "anonymous": anon}
