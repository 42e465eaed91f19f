"""Permission rows of the goal and indicator-target routes (issue 12, problem 6: the office
manages plans, goals and targets in the pages and the API), picked up by
``test_web_permission_matrix.py``."""

from __future__ import annotations

from tests.support.web_permission_table import (
    API_EVERYONE,
    API_OFFICE_CREATE,
    API_OFFICE_UPDATE,
    OFFICE_FORM,
    OFFICE_ONLY_PAGE,
    Row,
    S,
)

# Deleting the world's goal (it holds tasks) or target (it has a published value) is refused
# for the office with a 422: the row still proves who may try.
API_OFFICE_REFUSED = S(403, 403, 403, 403, 422)
GOAL = {"plan_id": "plan"}
TARGET_JSON = {
    "code": "T-API",
    "name": "接口指标",
    "direction": "higher",
    "target_year": 2025,
    "target_value": 30,
    "baseline_year": 2020,
    "baseline_value": 10,
    "milestones": {"2023": 18},
}

PAGE_OFFICE_REFUSED = S(403, 403, 403, 403, 422)
TARGET_FORM = {
    "code": "T-PAGE",
    "name": "页面指标",
    "source": "published",
    "direction": "higher",
    "target_year": "2025",
    "target_value": "30",
    "milestones": "2023: 18",
}

ROWS: list[Row] = [
    # --- pages -----------------------------------------------------------------------------
    Row("GET", "/plans/{plan_id}/manage", OFFICE_ONLY_PAGE, GOAL),
    Row(
        "POST",
        "/plans/{plan_id}/manage",
        OFFICE_FORM,
        GOAL,
        form={
            "version": "{plan_v}",
            "code": "OUTLINE",
            "title": "知识产权强市纲要",
            "kind": "outline",
            "start_year": "2021",
            "end_year": "2025",
        },
    ),
    Row(
        "POST",
        "/plans/{plan_id}/publish",
        OFFICE_FORM,
        GOAL,
        form={"version": "{plan_v}", "published": "0"},
    ),
    Row("GET", "/plans/{plan_id}/goals/new", OFFICE_ONLY_PAGE, GOAL),
    Row(
        "POST",
        "/plans/{plan_id}/goals",
        OFFICE_FORM,
        GOAL,
        form={"code": "G-PAGE", "title": "页面目标", "parent_id": "{goal}"},
    ),
    Row("GET", "/goals/{goal_id}/edit", OFFICE_ONLY_PAGE, {"goal_id": "goal"}),
    Row(
        "POST",
        "/goals/{goal_id}/edit",
        OFFICE_FORM,
        {"goal_id": "goal"},
        form={"version": "{goal_v}", "code": "G1.1", "title": "高价值发明专利"},
    ),
    Row(
        "POST",
        "/goals/{goal_id}/delete",
        PAGE_OFFICE_REFUSED,
        {"goal_id": "goal"},
        form={"version": "{goal_v}"},
        note="the goal holds tasks: the office gets the page again with the reason",
    ),
    Row("GET", "/plans/{plan_id}/targets/new", OFFICE_ONLY_PAGE, GOAL),
    Row("POST", "/plans/{plan_id}/targets", OFFICE_FORM, GOAL, form=TARGET_FORM),
    Row("GET", "/targets/{target_id}/edit", OFFICE_ONLY_PAGE, {"target_id": "target"}),
    Row(
        "POST",
        "/targets/{target_id}/edit",
        OFFICE_FORM,
        {"target_id": "target"},
        form=TARGET_FORM | {"code": "T1", "version": "{target_v}"},
    ),
    Row(
        "POST",
        "/targets/{target_id}/publish",
        OFFICE_FORM,
        {"target_id": "target"},
        form={"version": "{target_v}", "published": "0"},
    ),
    Row(
        "POST",
        "/targets/{target_id}/delete",
        PAGE_OFFICE_REFUSED,
        {"target_id": "target"},
        form={"version": "{target_v}"},
        note="the indicator has a published value: refused with the reason",
    ),
    # --- API -------------------------------------------------------------------------------
    Row("GET", "/api/v1/plans/{plan_id}/goals", API_EVERYONE, GOAL),
    Row(
        "GET",
        "/api/v1/plans/{plan_id}/goals",
        S(404, 200, 200, 200, 200),
        {"plan_id": "plan_hidden"},
    ),
    Row(
        "POST",
        "/api/v1/plans/{plan_id}/goals",
        API_OFFICE_CREATE,
        GOAL,
        json={"code": "G9", "title": "新目标", "parent_id": "{goal}"},
    ),
    Row("GET", "/api/v1/goals/{goal_id}", API_EVERYONE, {"goal_id": "goal"}),
    Row(
        "PATCH",
        "/api/v1/goals/{goal_id}",
        API_OFFICE_UPDATE,
        {"goal_id": "goal"},
        json={"version": "{goal_v}", "title": "高价值发明专利"},
    ),
    Row(
        "DELETE",
        "/api/v1/goals/{goal_id}",
        API_OFFICE_REFUSED,
        {"goal_id": "goal"},
        query="version={goal_v}",
    ),
    Row("GET", "/api/v1/plans/{plan_id}/targets", API_EVERYONE, GOAL),
    Row(
        "POST",
        "/api/v1/plans/{plan_id}/targets",
        API_OFFICE_CREATE,
        GOAL,
        json=TARGET_JSON,
    ),
    Row("GET", "/api/v1/targets/{target_id}", API_EVERYONE, {"target_id": "target"}),
    Row(
        "PATCH",
        "/api/v1/targets/{target_id}",
        API_OFFICE_UPDATE,
        {"target_id": "target"},
        json={"version": "{target_v}", "published": False},
    ),
    Row(
        "DELETE",
        "/api/v1/targets/{target_id}",
        API_OFFICE_REFUSED,
        {"target_id": "target"},
        query="version={target_v}",
    ),
]
