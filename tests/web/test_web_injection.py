"""SQL injection (issue 10 found it held; this pins it): text that reaches a query through a
filter, a search or a login is bound as a parameter, never spliced into SQL. Each probe must
answer without a server error and without widening what the caller sees."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.support.web_world import PASSWORD, WebWorld, api_token

PROBES = ["' OR '1'='1", "x'; DROP TABLE users; --", '" OR 1=1 --', "%' OR 1=1 --", "\\'"]


@pytest.mark.parametrize("probe", PROBES)
def test_text_filters_are_parameters(client: TestClient, world: WebWorld, probe: str) -> None:
    h = {"Authorization": f"Bearer {api_token(client, 'admin')}"}
    every = client.get("/api/v1/cases", headers=h).json()["total"]
    assert every >= 1  # the office sees case_a: a widened filter would show it
    for param in ("q", "district", "kind", "ip_type"):
        r = client.get("/api/v1/cases", params={param: probe}, headers=h)
        assert r.status_code < 500, (param, r.status_code)
        if r.status_code == 200:
            assert r.json()["total"] == 0  # matched nothing, widened nothing
    r = client.get("/api/v1/reports", params={"state": probe}, headers=h)
    assert r.status_code < 500
    # the users table is still there and logins still work
    assert api_token(client, "admin")


@pytest.mark.parametrize("probe", PROBES)
def test_login_name_is_a_parameter(client: TestClient, world: WebWorld, probe: str) -> None:
    r = client.post("/api/v1/auth/token", json={"username": probe, "password": PASSWORD})
    assert r.status_code == 401
    r = client.post(
        "/api/v1/auth/token", json={"username": "admin' --", "password": "wrong password"}
    )
    assert r.status_code == 401
