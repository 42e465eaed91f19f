"""Every protection action and read against every role and unit: allowed ones succeed, the
others raise PermissionDenied — or NotFound where the case is hidden from the viewer (another
unit's case: its existence is not revealed).

The case under test is owned by unit A, handled jointly by unit C; unit B has nothing to do
with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from ipcity.protection import actions as PA
from ipcity.protection.assessment import self_assessment
from ipcity.protection.case_import import do_import_cases
from ipcity.protection.export import export_cases
from ipcity.protection.indicators import indicators_for
from ipcity.protection.public import public_aggregates
from ipcity.protection.queries import case_history, get_case, list_cases
from ipcity.workspace.errors import NotFound, PermissionDenied
from ipcity.workspace.permissions import Actor
from tests.support.prot_fixtures import TODAY, ProtWorld, case

OK = "ok"
ROLES = ("admin", "system", "owner", "other", "joint", "leader", "anonymous")
SHEET = "案号,案件类型,知识产权类型,收案日期\nNEW-1,民事,专利,2023-05-01\n".encode()

Action = Callable[[Session, Actor, ProtWorld, int, int], Any]


def _actor(pw: ProtWorld, role: str) -> Actor:
    w = pw.w
    return {
        "admin": w.admin,
        "system": w.system,
        "owner": w.editor_a,
        "other": w.editor_b,
        "joint": pw.editor_c,
        "leader": w.leader,
        "anonymous": w.anonymous,
    }[role]


ACTIONS: dict[str, tuple[Action, dict[str, object]]] = {
    "create": (
        lambda s, a, pw, cid, ver: PA.do_create_case(
            s,
            a,
            {
                "unit_id": pw.w.unit_a,
                "case_no": "N-1",
                "kind": "civil",
                "ip_type": "patent",
                "received_on": "2023-01-05",
            },
            today=TODAY,
        ),
        {"admin": OK, "system": OK, "owner": OK, "other": PermissionDenied,
         "joint": PermissionDenied, "leader": PermissionDenied, "anonymous": PermissionDenied},
    ),
    "update": (
        lambda s, a, pw, cid, ver: PA.do_update_case(
            s, a, cid, expected_version=ver, changes={"cause": "改"}, today=TODAY
        ),
        {"admin": OK, "system": OK, "owner": OK, "other": NotFound, "joint": PermissionDenied,
         "leader": PermissionDenied, "anonymous": PermissionDenied},
    ),
    "delete": (
        lambda s, a, pw, cid, ver: PA.do_delete_case(s, a, cid, expected_version=ver, today=TODAY),
        {"admin": OK, "system": OK, "owner": OK, "other": NotFound, "joint": PermissionDenied,
         "leader": PermissionDenied, "anonymous": PermissionDenied},
    ),
    "transfer": (
        lambda s, a, pw, cid, ver: PA.do_transfer_case(
            s, a, cid, expected_version=ver, to_unit_id=pw.w.unit_b, today=TODAY
        ),
        {"admin": OK, "system": OK, "owner": OK, "other": NotFound, "joint": PermissionDenied,
         "leader": PermissionDenied, "anonymous": PermissionDenied},
    ),
    "join": (
        lambda s, a, pw, cid, ver: PA.do_add_joint_unit(
            s, a, cid, expected_version=ver, unit_id=pw.w.unit_b
        ),
        {"admin": OK, "system": OK, "owner": OK, "other": NotFound, "joint": PermissionDenied,
         "leader": PermissionDenied, "anonymous": PermissionDenied},
    ),
    "leave": (
        lambda s, a, pw, cid, ver: PA.do_remove_joint_unit(
            s, a, cid, expected_version=ver, unit_id=pw.unit_c
        ),
        {"admin": OK, "system": OK, "owner": OK, "other": NotFound, "joint": PermissionDenied,
         "leader": PermissionDenied, "anonymous": PermissionDenied},
    ),
    "import": (
        lambda s, a, pw, cid, ver: do_import_cases(
            s, a, pw.w.unit_a, SHEET, "cases.csv", today=TODAY
        ),
        {"admin": OK, "system": OK, "owner": OK, "other": PermissionDenied,
         "joint": PermissionDenied, "leader": PermissionDenied, "anonymous": PermissionDenied},
    ),
    "get": (
        lambda s, a, pw, cid, ver: get_case(s, a, cid),
        {"admin": OK, "system": OK, "owner": OK, "other": NotFound, "joint": OK, "leader": OK,
         "anonymous": PermissionDenied},
    ),
    "history": (
        lambda s, a, pw, cid, ver: case_history(s, a, cid),
        {"admin": OK, "system": OK, "owner": OK, "other": NotFound, "joint": OK, "leader": OK,
         "anonymous": PermissionDenied},
    ),
    "list": (
        lambda s, a, pw, cid, ver: list_cases(s, a),
        {"admin": OK, "system": OK, "owner": OK, "other": OK, "joint": OK, "leader": OK,
         "anonymous": PermissionDenied},
    ),
    "export": (
        lambda s, a, pw, cid, ver: export_cases(s, a, fmt="csv"),
        {"admin": OK, "system": OK, "owner": OK, "other": OK, "joint": OK, "leader": OK,
         "anonymous": PermissionDenied},
    ),
    "indicators": (
        lambda s, a, pw, cid, ver: indicators_for(s, a, years=[2023]),
        {"admin": OK, "system": OK, "owner": OK, "other": OK, "joint": OK, "leader": OK,
         "anonymous": PermissionDenied},
    ),
    "assessment": (
        lambda s, a, pw, cid, ver: self_assessment(s, a, 2023),
        {"admin": OK, "system": OK, "owner": PermissionDenied, "other": PermissionDenied,
         "joint": PermissionDenied, "leader": OK, "anonymous": PermissionDenied},
    ),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_matrix(pw: ProtWorld, action: str, role: str) -> None:
    w = pw.w
    v = case(w.db, w.editor_a, case_no="M-1", claimants="张三")
    with w.db.write() as s:
        v = PA.do_add_joint_unit(s, w.editor_a, v.id, expected_version=v.version, unit_id=pw.unit_c)
    fn, expected = ACTIONS[action]
    outcome = expected[role]
    actor = _actor(pw, role)
    if outcome == OK:
        with w.db.write() as s:
            fn(s, actor, pw, v.id, v.version)
    else:
        assert isinstance(outcome, type)
        with pytest.raises(outcome), w.db.write() as s:
            fn(s, actor, pw, v.id, v.version)


def test_list_shows_each_viewer_its_cases(pw: ProtWorld) -> None:
    w = pw.w
    case(w.db, w.editor_a, case_no="A-1")
    case(w.db, w.editor_b, case_no="B-1")
    v = case(w.db, w.editor_a, case_no="A-2")
    with w.db.write() as s:
        PA.do_transfer_case(
            s, w.editor_a, v.id, expected_version=v.version, to_unit_id=w.unit_b, today=TODAY
        )
    with w.db.read() as s:

        def seen(actor: Actor, **kw: object) -> set[str]:
            from ipcity.protection.queries import CaseFilter

            return {c.case_no for c in list_cases(s, actor, CaseFilter(**kw))}  # type: ignore[arg-type]

        assert seen(w.editor_a) == {"A-1", "A-2"}  # A-2 as a previous owner
        assert seen(w.editor_a, view="owned") == {"A-1"}
        assert seen(w.editor_a, view="shared") == {"A-2"}
        assert seen(w.editor_b) == {"B-1", "A-2"}
        assert seen(pw.editor_c) == set()
        assert seen(w.leader) == seen(w.admin) == {"A-1", "A-2", "B-1"}


def test_public_aggregates_need_no_login(pw: ProtWorld) -> None:
    with pw.db.read() as s:
        stats = public_aggregates(s, year=2023, as_of=TODAY)
    assert stats.year == 2023
