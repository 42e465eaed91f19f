"""Issue 10, problem 9: the OpenAPI schema is honest.

Every operation documents every error status it can return, each with the ``ErrorOut`` model;
closed vocabularies (kinds, statuses, IP types, roles ...) are ``enum`` s equal to the domain's
own lists; every whole number a client sends is bounded; and ``/docs`` shows the schema with
Swagger UI from local assets (no external URL; the assets load; in Chromium the operations
render and no request leaves the server).

Issue 11: every /api/v1 operation has a summary, typed parameters and a success response, and
is described for a client developer: every parameter and every field of every model it sends
or returns has a description (naming its default), and every operation says who may call it
(**Who:**) and what its errors mean (**Errors:**).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from ipcity.meetings.models import AGENDA_KINDS, MEETING_KINDS, MEETING_STATUSES
from ipcity.protection.vocab import IP_TYPE_CODES, KIND_CODES, OUTCOME_CODES
from ipcity.web.params import MAX_ID, YEAR_MAX, YEAR_MIN
from ipcity.workspace.actions.directory import UNIT_KINDS
from ipcity.workspace.actions.plans import PLAN_KINDS
from ipcity.workspace.permissions import USER_ROLES
from ipcity.workspace.supervision import Status
from tests.support.live_server import live_server
from tests.support.web_world import WebWorld

ERRORS = {"400", "401", "403", "404", "409", "413", "422"}
ERROR_REF = "#/components/schemas/ErrorOut"


@pytest.fixture
def spec(web_app: FastAPI) -> dict[str, Any]:
    return web_app.openapi()


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            yield f"{method.upper()} {path}", op


def _ref(schema: dict[str, Any]) -> str | None:
    return schema.get("$ref")


def test_every_operation_documents_its_errors_with_the_error_model(spec: dict[str, Any]) -> None:
    missing = []
    for name, op in _operations(spec):
        responses = op["responses"]
        for code in sorted(ERRORS - set(responses)):
            missing.append(f"{name}: {code} not documented")
        for code, response in responses.items():
            if code.startswith(("4", "5")):
                schema = response["content"]["application/json"]["schema"]
                if _ref(schema) != ERROR_REF:
                    missing.append(f"{name}: {code} documented as {schema}")
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert not missing, "\n".join(missing)


def _schema(spec: dict[str, Any], name: str) -> dict[str, Any]:
    return dict(spec["components"]["schemas"][name]["properties"])


def _enum(prop: dict[str, Any]) -> set[str]:
    """The enum of a property, through ``anyOf: [.., null]``."""
    if "enum" in prop:
        return set(prop["enum"])
    for option in prop.get("anyOf", []):
        if "enum" in option:
            return set(option["enum"])
    raise AssertionError(f"no enum in {prop}")


@pytest.mark.parametrize(
    ("model", "field", "codes"),
    [
        ("UnitCreate", "kind", UNIT_KINDS),
        ("UnitUpdate", "kind", UNIT_KINDS),
        ("UnitPublic", "kind", UNIT_KINDS),
        ("PlanCreate", "kind", PLAN_KINDS),
        ("PlanPublic", "kind", PLAN_KINDS),
        ("MeetingCreate", "kind", MEETING_KINDS),
        ("MeetingCreate", "status", MEETING_STATUSES),
        ("MeetingUpdate", "status", MEETING_STATUSES),
        ("MeetingSummary", "kind", MEETING_KINDS),
        ("AgendaCreate", "kind", AGENDA_KINDS),
        ("CaseCreate", "kind", KIND_CODES),
        ("CaseCreate", "ip_type", IP_TYPE_CODES),
        ("CaseCreate", "outcome", OUTCOME_CODES),
        ("CasePublic", "kind", KIND_CODES),
        ("CasePublic", "status", ("open", "closed")),
        ("ReportPublic", "state", ("draft", "submitted", "accepted", "returned")),
        ("Supervision", "status", tuple(s.value for s in Status)),
        ("MeOut", "role", tuple(r.value for r in USER_ROLES)),
    ],
)
def test_closed_vocabularies_are_enums(
    spec: dict[str, Any], model: str, field: str, codes: tuple[str, ...]
) -> None:
    allowed = _enum(_schema(spec, model)[field])
    assert set(codes) <= allowed, set(codes) - allowed


@pytest.mark.parametrize(
    ("operation", "param", "codes"),
    [
        ("GET /api/v1/tasks", "status", tuple(s.value for s in Status)),
        ("GET /api/v1/reports", "state", ("draft", "submitted", "accepted", "returned")),
        ("GET /api/v1/meetings", "status", MEETING_STATUSES),
        ("GET /api/v1/cases", "kind", KIND_CODES),
        ("GET /api/v1/cases", "ip_type", IP_TYPE_CODES),
    ],
)
def test_enumerated_filters_are_enums(
    spec: dict[str, Any], operation: str, param: str, codes: tuple[str, ...]
) -> None:
    op = dict(_operations(spec))[operation]
    (p,) = [p for p in op["parameters"] if p["name"] == param]
    assert _enum(p["schema"]) == set(codes)


def _integers(schema: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(schema, dict):
        if schema.get("type") == "integer":
            yield where, schema
        for key, value in schema.items():
            yield from _integers(value, f"{where}.{key}")
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            yield from _integers(value, f"{where}[{i}]")


def test_every_integer_a_client_sends_is_bounded(spec: dict[str, Any]) -> None:
    inputs = {
        name: s
        for name, s in spec["components"]["schemas"].items()
        if name.endswith(("Create", "Update", "In", "Request", "Revise"))
    }
    for name, op in _operations(spec):
        inputs[name] = op.get("parameters", [])
    loose = []
    for name, schema in inputs.items():
        for where, integer in _integers(schema, name):
            # ids and versions fit the INTEGER columns; amounts the BIGINT ones
            top = MAX_ID if re.search(r"_id|_ids|version|year|seq|sort_order", where) else 2**63
            if integer.get("minimum") is None or not 0 < integer.get("maximum", 2**64) <= top:
                loose.append(where)
    assert not loose, loose
    years = [
        (name, p["schema"])
        for name, op in _operations(spec)
        for p in op.get("parameters", [])
        if p["name"] == "year"
    ]
    assert years
    for name, schema in years:
        found = list(_integers(schema, name))
        assert found and all(
            (i["minimum"], i["maximum"]) == (YEAR_MIN, YEAR_MAX) for _, i in found
        ), (name, schema)


# --- /docs ------------------------------------------------------------------------------------


def _local(url: str) -> bool:
    return not urlparse(url).netloc


def test_docs_page_uses_only_local_assets(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(_local(a) for a in assets), assets
    assert not re.search(r"https?://", page.text)
    script = client.get("/docs/init.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert not re.search(r"https?://", script.text)
    assert '"validatorUrl": null' in script.text  # the default posts the schema to swagger.io
    for asset in assets:
        r = client.get(asset)
        assert r.status_code == 200 and len(r.content) > 100, asset
    bundle = next(a for a in assets if a.endswith("swagger-ui-bundle.js"))
    assert "SwaggerUIBundle" in client.get(bundle).text
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")


@pytest.fixture
def server(web_app: FastAPI, world: WebWorld) -> Iterator[str]:
    with live_server(web_app) as base:
        yield base


@pytest.mark.browser
def test_docs_render_offline_in_chromium(server: str, database: Any) -> None:
    if database.dialect != "sqlite":
        pytest.skip("the page does not depend on the backend: once is enough")
    executable = os.environ.get("IPCITY_CHROMIUM") or shutil.which("chromium") or ""
    if not Path(executable or "/nonexistent").exists():
        pytest.skip("no Chromium (set IPCITY_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            page.on("request", lambda req: requested.append(req.url))
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{server}/docs")
            page.wait_for_selector(".opblock-summary-path", timeout=20_000)
            paths = page.eval_on_selector_all(
                ".opblock-summary-path", "els => els.map(e => e.textContent)"
            )
        finally:
            browser.close()
    assert any("/api/v1/tasks" in p for p in paths), paths[:5]
    assert not errors, errors
    outside = [u for u in requested if not u.startswith((server, "data:"))]
    assert not outside, outside


def _api_operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            yield path, method, op


def test_every_api_operation_has_a_summary_its_parameters_and_a_success_response(
    spec: dict[str, Any],
) -> None:
    """Every /api/v1 operation is documented: a summary, each ``{name}`` of its path as a
    required, typed path parameter, every other parameter typed, a body schema where it takes
    one, and a 2xx response (its error responses: the test above)."""
    problems = []
    operations = list(_api_operations(spec))
    assert operations and all(path.startswith("/api/v1/") for path, _, _ in operations)
    for path, method, op in operations:
        name = f"{method.upper()} {path}"
        if not str(op.get("summary", "")).strip():
            problems.append(f"{name}: no summary")
        params = {(p["in"], p["name"]): p for p in op.get("parameters", [])}
        for var in re.findall(r"{(\w+)}", path):
            p = params.get(("path", var))
            if p is None or not p.get("required") or not p.get("schema"):
                problems.append(f"{name}: path parameter {var} not declared as required and typed")
        for (where, pname), p in params.items():
            if not p.get("schema"):
                problems.append(f"{name}: {where} parameter {pname} has no schema")
        body = op.get("requestBody")
        if body is not None and not all(c.get("schema") for c in body["content"].values()):
            problems.append(f"{name}: request body without a schema")
        if not any(code.startswith("2") for code in op["responses"]):
            problems.append(f"{name}: no success response")
    assert not problems, "\n".join(problems)


# --- descriptions (issue 11) ------------------------------------------------------------------
# A client developer reads /docs, not the source: every parameter, every field of every model
# an /api/v1 operation sends or returns, and every operation say what they mean. No exceptions.


def _reachable_schemas(spec: dict[str, Any], nodes: Iterator[Any]) -> set[str]:
    """The names of the component schemas that ``nodes`` refer to, directly or through other
    component schemas."""
    schemas = spec["components"]["schemas"]
    found: set[str] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in found:
                    found.add(name)
                    stack.append(schemas[name])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _described(what: dict[str, Any], name: str) -> bool:
    """A description that says something: not empty, not just the name again."""
    text = " ".join(str(what.get("description", "")).split())
    return bool(text) and text.strip("`.").lower() != name.replace("_", " ").lower()


def _has_default(schema: dict[str, Any]) -> bool:
    return schema.get("default") not in (None, "")


def test_every_api_parameter_has_a_description(spec: dict[str, Any]) -> None:
    """Query, path and header parameters: what it means, its unit or format, and its default
    when it has one (the word "default" in the text)."""
    problems = []
    checked = 0
    for path, method, op in _api_operations(spec):
        for p in op.get("parameters", []):
            checked += 1
            where = f"{method.upper()} {path}: {p['in']} parameter {p['name']}"
            if not _described(p, p["name"]):
                problems.append(f"{where}: no description")
            elif _has_default(p.get("schema", {})) and "default" not in p["description"].lower():
                problems.append(f"{where}: its default is not described")
    assert checked > 50, checked
    assert not problems, "\n".join(problems)


def test_every_field_of_the_api_models_has_a_description(spec: dict[str, Any]) -> None:
    """Every property of every component schema an /api/v1 operation refers to (request
    bodies, multipart forms, responses, the error model), transitively; the fields a client
    sends also name their default when they have one."""
    operations = [op for _, _, op in _api_operations(spec)]
    reachable = _reachable_schemas(spec, iter(operations))
    inputs = _reachable_schemas(spec, (op.get("requestBody", {}) for op in operations))
    assert {"ErrorOut", "FieldErrorOut", "TaskPublic", "Supervision", "CaseCreate"} <= reachable
    assert {"TaskCreate", "Milestone", "ReviewIn"} <= inputs
    assert any(name.startswith("Body_") for name in inputs)  # the multipart forms
    problems = []
    checked = 0
    for name in sorted(reachable):
        for field, prop in spec["components"]["schemas"][name].get("properties", {}).items():
            checked += 1
            if not _described(prop, field):
                problems.append(f"{name}.{field}: no description")
            elif (
                name in inputs
                and _has_default(prop)
                and "default" not in prop["description"].lower()
            ):
                problems.append(f"{name}.{field}: its default is not described")
    assert checked > 300, checked
    assert not problems, "\n".join(problems)


def test_every_api_operation_says_who_may_call_it_and_what_its_errors_mean(
    spec: dict[str, Any],
) -> None:
    """Beyond the summary: a description with a **Who:** paragraph (role scoping) and an
    **Errors:** paragraph (what this operation's error statuses mean)."""
    problems = []
    for path, method, op in _api_operations(spec):
        name = f"{method.upper()} {path}"
        text = str(op.get("description", ""))
        if not text.strip():
            problems.append(f"{name}: no description")
            continue
        for section in ("**Who:**", "**Errors:**"):
            if not re.search(rf"^{re.escape(section)} \S", text, re.MULTILINE):
                problems.append(f"{name}: no {section} paragraph")
    assert not problems, "\n".join(problems)
