"""Issue 10, problem 9: the API is fuzzed from its own OpenAPI schema with Schemathesis (pinned
in requirements/dev.lock), as the office and as a unit editor, on SQLite and PostgreSQL seeded
with the web tests' world (``web_world.build_world``).

Schemathesis's own engine runs every operation through its examples, coverage and fuzzing
phases with valid and invalid data (``mode = all``), a bounded number of examples and a fixed
seed (the same cases on every run); the coverage phase once per suite (see ``_with_coverage``). Three checks, nothing else: no server error, no status
code the operation does not document, no body that does not match the documented schema.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from starlette.testclient import TestClient

from ipcity.workspace.db import Database
from tests.support.dbtest import PG_ENV
from tests.support.web_world import WebWorld, api_token

ROLES = {"office": "admin", "unit_editor": "editor_a"}
SEED = 20231015
# Per operation and phase. Enough to reach each operation's error paths (it found the
# undocumented 400s), small enough to keep the suite quick.
MAX_EXAMPLES = 6
CHECKS = ("not_a_server_error", "status_code_conformance", "response_schema_conformance")


@dataclass(frozen=True)
class Finding:
    operation: str
    check: str
    status: int | None
    title: str
    message: str
    reproduce: str

    def __str__(self) -> str:
        return (
            f"{self.operation} [{self.check}] -> {self.status}: {self.title}\n"
            f"  {self.message[:300]}\n  {self.reproduce[:400]}"
        )


def _config(token: str, *, coverage: bool) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": f"Bearer {token}"},
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "mode": "all",
                "database": "none",
            },
            # Stateful links would chain writes; the world is rebuilt per test instead.
            "phases": {"stateful": {"enabled": False}, "coverage": {"enabled": coverage}},
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        }
    )


def fuzz(app: FastAPI, token: str, *, coverage: bool = True) -> tuple[list[Finding], int]:
    """Run Schemathesis over the app's schema; the findings (one per operation, check and kind
    of failure) and how many operations were tested."""
    schema = schemathesis.openapi.from_asgi(
        "/openapi.json", app, config=_config(token, coverage=coverage)
    )
    findings: dict[tuple[str, str, str], Finding] = {}
    errors: list[str] = []
    operations: set[str] = set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(repr(event))
        if not isinstance(event, events.ScenarioFinished):
            continue
        rec = event.recorder
        operations.add(rec.label)
        for case_id, checks in rec.checks.items():
            for check in checks:
                if check.failure_info is None:
                    continue
                failure: Any = check.failure_info.failure
                interaction = rec.interactions.get(case_id)
                response = interaction.response if interaction else None
                key = (rec.label, check.name, str(getattr(failure, "title", "")))
                findings.setdefault(
                    key,
                    Finding(
                        rec.label,
                        check.name,
                        response.status_code if response is not None else None,
                        key[2],
                        str(getattr(failure, "message", "")),
                        check.failure_info.code_sample,
                    ),
                )
    assert not errors, errors
    return list(findings.values()), len(operations)


def _with_coverage(role: str, database: Database) -> bool:
    """The coverage phase (every boundary and invalid value of every parameter, systematically)
    is most of the run time: it runs once per suite, as the office, on PostgreSQL when the
    suite has it (its types are the stricter), else on SQLite."""
    return role == "office" and (database.dialect == "postgresql" or not os.environ.get(PG_ENV))


@pytest.mark.parametrize("role", sorted(ROLES))
def test_api_conforms_to_its_schema(
    web_app: FastAPI, world: WebWorld, client: TestClient, database: Database, role: str
) -> None:
    token = api_token(client, ROLES[role])
    findings, operations = fuzz(web_app, token, coverage=_with_coverage(role, database))
    documented = sum(
        len(methods) for methods in web_app.openapi()["paths"].values() if isinstance(methods, dict)
    )
    assert operations == documented, (operations, documented)
    assert not findings, "\n".join(str(f) for f in findings)
