"""Issue 10, problem 3: bad input is a 4xx with the documented error, never a 500.

Years outside the documented range (``ipcity.web.params.YEAR_MIN``..``YEAR_MAX``), ids that no
database row can have (above 2^31-1 or 2^63, zero, negative, not a number) in paths and query
strings, and an explicit ``null`` on a field whose column cannot be empty: the API answers the
``ErrorOut`` JSON, the pages an error page in the user's language. Also a structural check:
every whole-number parameter of every route is bounded, so a new route cannot bring the
problem back.
"""

from __future__ import annotations

import typing
from typing import Any

import pytest
from annotated_types import Interval
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.testclient import TestClient

from ipcity.web.params import MAX_ID, YEAR_MAX, YEAR_MIN
from ipcity.web.schemas.common import ErrorOut
from tests.support.web_world import WebWorld, api_token, page_login

HUGE = "99999999999999999999"  # above 2^63
ABSURD_IDS = (HUGE, str(2**63), str(MAX_ID + 1), "0", "-1", "abc", "1e3", "²")


def _api(client: TestClient, who: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(client, who)}"} if who else {}


def _error(r: Any, status: int) -> ErrorOut:
    assert r.status_code == status, (r.request.url, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    return ErrorOut.model_validate(r.json())


# --- years ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "who"),
    [
        ("/api/v1/protection/public?year=0", None),
        ("/api/v1/protection/indicators?year=0", "admin"),
        ("/api/v1/protection/assessment?year=0", "admin"),
        ("/api/v1/cases?year=0", "admin"),
        ("/api/v1/meetings?year=0", "admin"),
        ("/api/v1/tasks?year=0", "admin"),
        ("/api/v1/portal/headline?year=0", None),
        (f"/api/v1/cases?year={YEAR_MAX + 1}", "editor_a"),
        (f"/api/v1/protection/assessment?year={YEAR_MIN - 1}", "leader"),
        ("/api/v1/protection/public?year=99999999999", None),
    ],
)
def test_api_year_out_of_range_is_422(client: TestClient, url: str, who: str | None) -> None:
    body = _error(client.get(url, headers=_api(client, who)), 422)
    assert body.errors and body.errors[0].field.startswith("year")
    assert body.errors[0].error in ("field.too_small", "field.too_large")


@pytest.mark.parametrize(
    "url", ["/meetings?year=0", "/protection/cases?year=0", "/tasks?year=0", "/portal?year=0"]
)
def test_page_year_out_of_range_is_a_422_page(client: TestClient, url: str) -> None:
    page_login(client, "admin")
    r = client.get(url)
    assert r.status_code == 422, (url, r.status_code)
    assert "text/html" in r.headers["content-type"] and "请检查输入" in r.text
    en = client.get(url + "&lang=en")
    assert en.status_code == 422 and "Please check your input" in en.text
    assert "1949" in en.text and "2100" in en.text  # says what it accepts


def test_protection_public_page_year_out_of_range(client: TestClient) -> None:
    assert client.get("/protection/public?year=0").status_code == 422
    assert client.get("/protection/public?year=").status_code == 200  # blank: the default


# --- ids -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "route",
    ["/tasks/{}", "/units/{}", "/plans/{}", "/portal/news/{}", "/files/{}", "/indicators/{}"],
)
@pytest.mark.parametrize("bad", ABSURD_IDS)
def test_page_absurd_id_is_a_404_page(client: TestClient, route: str, bad: str) -> None:
    # anonymous (portal-only default): the login first, or the public 404; never a 500
    r = client.get(route.format(bad), follow_redirects=False)
    assert r.status_code in (303, 404), (route, bad, r.status_code)
    page_login(client, "admin")
    r = client.get(route.format(bad))
    assert r.status_code == 404, (route, bad, r.status_code)
    assert "text/html" in r.headers["content-type"]


@pytest.mark.parametrize(
    "route",
    [
        "/api/v1/tasks/{}",
        "/api/v1/units/{}",
        "/api/v1/plans/{}",
        "/api/v1/reports/{}",
        "/api/v1/cases/{}",
        "/api/v1/meetings/{}",
        "/api/v1/publications/{}",
        "/api/v1/tasks/{}/timeline",
        "/api/v1/meetings/for-task/{}",
    ],
)
@pytest.mark.parametrize("bad", ABSURD_IDS)
def test_api_absurd_id_is_a_404(client: TestClient, route: str, bad: str) -> None:
    body = _error(client.get(route.format(bad), headers=_api(client, "admin")), 404)
    assert body.message


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/tasks?unit_id={HUGE}",
        f"/api/v1/tasks?work_plan_id={HUGE}",
        f"/api/v1/reports?task_id={HUGE}",
        f"/api/v1/inbox?unit_id={HUGE}",
        f"/api/v1/cases?unit_id={HUGE}",
        f"/api/v1/cases?offset={HUGE}",
        "/api/v1/cases?unit_id=-1",
        "/api/v1/tasks?unit_id=abc",
    ],
)
def test_api_absurd_query_number_is_422(client: TestClient, url: str) -> None:
    _error(client.get(url, headers=_api(client, "admin")), 422)


@pytest.mark.parametrize(
    "url",
    [
        f"/tasks?unit={HUGE}",
        f"/protection/cases?page={HUGE}",
        f"/protection/cases?unit={HUGE}",
        f"/admin/audit?page={HUGE}",
        f"/inbox?unit={HUGE}",
        f"/tasks/new?work_plan={HUGE}",
        f"/?work_plan={HUGE}",
        f"/units?work_plan={HUGE}",
    ],
)
def test_page_absurd_query_number_is_422(client: TestClient, url: str) -> None:
    page_login(client, "admin")
    r = client.get(url)
    assert r.status_code == 422, (url, r.status_code)
    assert "text/html" in r.headers["content-type"]


def test_delete_with_absurd_version_is_422(client: TestClient, world: WebWorld) -> None:
    r = client.delete(f"/api/v1/tasks/{world['t3']}?version={HUGE}", headers=_api(client, "admin"))
    _error(r, 422)


# --- explicit null on a field that cannot be empty -------------------------------------------


@pytest.mark.parametrize(
    ("route", "key", "field"),
    [
        ("/api/v1/units/{}", "unit_a", "sort_order"),
        ("/api/v1/plans/{}", "plan", "description"),
        ("/api/v1/tasks/{}", "t3", "deadline_text"),
        ("/api/v1/tasks/{}", "t3", "title"),
        ("/api/v1/cases/{}", "case_a", "claimants"),
    ],
)
def test_null_on_a_required_field_is_422(
    client: TestClient, world: WebWorld, route: str, key: str, field: str
) -> None:
    headers = _api(client, "admin")
    url = route.format(world[key])
    before = client.get(url, headers=headers).json()
    r = client.patch(url, json={field: None, "version": before["version"]}, headers=headers)
    body = _error(r, 422)
    assert body.errors and body.errors[0].field == field
    assert body.errors[0].error == "field.required"
    after = client.get(url, headers=headers).json()
    assert after[field] == before[field] and after["version"] == before["version"]


def test_null_clears_a_field_that_may_be_empty(client: TestClient, world: WebWorld) -> None:
    headers = _api(client, "admin")
    url = f"/api/v1/tasks/{world['t1']}"
    version = client.get(url, headers=headers).json()["version"]
    r = client.patch(url, json={"goal_id": None, "version": version}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["goal_id"] is None


def test_api_error_message_in_the_users_language(client: TestClient) -> None:
    headers = _api(client, "admin")
    zh = _error(client.get("/api/v1/cases?year=0", headers=headers), 422)
    en = _error(client.get("/api/v1/cases?year=0&lang=en", headers=headers), 422)
    assert "输入有误" in zh.message and "Invalid input" in en.message
    assert zh.errors and "1949" in zh.errors[0].message


# --- every whole-number parameter is bounded -----------------------------------------------


def _bounds(annotation: Any, metadata: list[Any]) -> tuple[Any, Any]:
    lo = hi = None
    for m in [*metadata, *typing.get_args(annotation)[1:]]:
        if isinstance(m, Interval):
            lo, hi = m.ge, m.le
        for attr in ("ge", "le"):
            if getattr(m, attr, None) is not None:
                lo, hi = (m.ge, hi) if attr == "ge" else (lo, m.le)
    return lo, hi


def _ints(annotation: Any) -> list[Any]:
    """The int types inside ``annotation`` (through Optional, list and Annotated)."""
    origin = typing.get_origin(annotation)
    if annotation is int:
        return [annotation]
    if origin is typing.Annotated:
        base = typing.get_args(annotation)[0]
        return [annotation] if base is int else _ints(base)
    return [a for arg in typing.get_args(annotation) for a in _ints(arg)]


def test_every_integer_parameter_is_bounded(web_app: FastAPI) -> None:
    unbounded = []
    for route in web_app.routes:
        if not isinstance(route, APIRoute):
            continue
        params = [*route.dependant.path_params, *route.dependant.query_params]
        for dep in route.dependant.dependencies:
            params += [*dep.path_params, *dep.query_params]
        for p in params:
            for t in _ints(p.field_info.annotation):
                lo, hi = _bounds(t, list(p.field_info.metadata))
                if lo is None or hi is None or hi > MAX_ID:
                    unbounded.append(f"{route.path} {p.name}")
                elif "year" in p.name and (lo, hi) != (YEAR_MIN, YEAR_MAX):
                    unbounded.append(f"{route.path} {p.name}: not the documented year range")
    assert not unbounded, unbounded


def test_huge_amount_on_a_case_is_422(client: TestClient, world: WebWorld) -> None:
    """Found by the fuzzer: an amount past the decimal context's precision crashed rounding."""
    headers = _api(client, "admin")
    url = f"/api/v1/cases/{world['case_a']}"
    version = client.get(url, headers=headers).json()["version"]
    for amount in (1e300, "9" * 40, "9" * 30 + "亿"):
        r = client.patch(url, json={"amount_claimed": amount, "version": version}, headers=headers)
        body = _error(r, 422)
        assert body.errors and body.errors[0].field == "amount_claimed"
