"""The Authorization header (issue 10, problem 7): on the API anything that is not a valid
bearer token is a 401 with ``WWW-Authenticate`` and the JSON error body, on every route
(also those that do not need a login). Pages are authenticated by the session cookie only:
they ignore the header (a Basic-auth proxy in front of the intranet keeps working) and a
bearer token never logs a page in."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.support.web_world import USERNAMES, WebWorld, api_token, page_login

MALFORMED = [
    "Bearer ",
    "Bearer",
    "bearer",
    "Basic dXNlcjpwYXNz",
    "Token abc",
    "garbage",
    "",
    "Bearer a b",
    "Bearer\tx",
]


@pytest.mark.parametrize("header", MALFORMED)
@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/units", "/api/v1/protection/public"])
def test_malformed_header_is_401_not_anonymous(
    client: TestClient, world: WebWorld, header: str, path: str
) -> None:
    r = client.get(path, headers={"Authorization": header})
    assert r.status_code == 401, (header, r.status_code)
    assert r.headers["www-authenticate"].startswith('Bearer realm="ipcity"')
    assert 'error="invalid_request"' in r.headers["www-authenticate"]
    body = r.json()
    assert body["error"] == "error.token_invalid" and body["message"]


def test_forged_token_on_a_public_route_is_401(client: TestClient, world: WebWorld) -> None:
    r = client.get("/api/v1/protection/public", headers={"Authorization": "Bearer forged.x.y"})
    assert r.status_code == 401
    assert 'error="invalid_token"' in r.headers["www-authenticate"]


def test_malformed_header_on_a_write_is_401(client: TestClient, world: WebWorld) -> None:
    r = client.post("/api/v1/auth/token", json={"username": "admin", "password": "x" * 12},
                    headers={"Authorization": "Basic Zm9vOmJhcg=="})  # fmt: skip
    assert r.status_code == 401 and r.json()["error"] == "error.token_invalid"


def test_good_token_and_no_header_still_work(client: TestClient, world: WebWorld) -> None:
    token = api_token(client, "editor_a")
    for scheme in ("Bearer", "bearer", "BEARER"):
        r = client.get("/api/v1/me", headers={"Authorization": f"{scheme} {token}"})
        assert r.status_code == 200 and r.json()["username"] == "editor_a"
    assert client.get("/api/v1/me").json()["role"] == "anonymous"


def test_wrong_password_401_names_the_scheme(client: TestClient, world: WebWorld) -> None:
    r = client.post("/api/v1/auth/token", json={"username": "admin", "password": "wrong one!"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == 'Bearer realm="ipcity"'


def test_pages_ignore_the_header(client: TestClient, world: WebWorld) -> None:
    # A bearer token does not log a page in (pages trust only the cookie, which CSRF guards).
    token = api_token(client, "admin")
    r = client.get("/account", headers={"Authorization": f"Bearer {token}"},
                   follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    # A logged-in page behind a Basic-auth proxy still works as that user.
    page_login(client, USERNAMES["leader"])
    for header in ("Basic dXNlcjpwYXNz", "Bearer ", "garbage"):
        r = client.get("/account", headers={"Authorization": header}, follow_redirects=False)
        assert r.status_code == 200 and "leader" in r.text
