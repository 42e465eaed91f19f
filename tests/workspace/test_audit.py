"""Every write leaves an audit entry with who, when, what, before and after."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from ipcity.workspace import actions as A
from ipcity.workspace.audit import export_audit_csv, list_audit
from ipcity.workspace.errors import PermissionDenied
from ipcity.workspace.models import AuditEntry
from tests.support.ws_fixtures import World


def _entries(w: World, action: str) -> list[AuditEntry]:
    with w.db.read() as s:
        return list(
            s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
        )


def test_world_setup_is_audited(world: World) -> None:
    creates = {e.action for e in _entries(world, "unit.create")} | {
        e.action for e in _entries(world, "task.create")
    }
    assert creates == {"unit.create", "task.create"}
    user = _entries(world, "user.create")[0]
    assert (user.actor_name, user.actor_role, user.before) == ("test", "system", None)
    assert user.after is not None and "password_hash" not in user.after


def test_update_records_before_and_after(world: World) -> None:
    w = world
    t0 = datetime.utcnow().replace(microsecond=0)
    with w.db.write() as s:
        A.do_update_task(
            s, w.admin, w.t1, expected_version=1, changes={"title": "新标题", "co_unit_ids": []}
        )
    (e,) = _entries(w, "task.update")
    assert (e.actor_id, e.actor_name, e.actor_role, e.entity, e.entity_id) == (
        w.admin.user_id,
        "admin",
        "office_admin",
        "task",
        str(w.t1),
    )
    assert e.at >= t0
    assert e.before is not None and e.after is not None
    assert (e.before["title"], e.after["title"]) == ("任务一", "新标题")
    assert (e.before["co_unit_ids"], e.after["co_unit_ids"]) == ([w.unit_b], [])
    assert (e.before["version"], e.after["version"]) == (1, 2)


def test_each_report_step_and_failed_action(world: World) -> None:
    w = world
    with w.db.write() as s:
        r = A.do_create_report(
            s, w.editor_a, task_id=w.t1, period="2023-Q1", percent=10, narrative="n"
        )
        r = A.do_submit_report(s, w.editor_a, r.id, expected_version=1)
        A.do_return_report(s, w.admin, r.id, expected_version=2, comment="再补充")
    ret = _entries(w, "report.return")[0]
    assert (ret.before["state"], ret.after["state"], ret.after["comment"]) == (
        "submitted",
        "returned",
        "再补充",
    )
    assert [e.actor_name for e in _entries(w, "report.create")] == ["editor_a"]
    # A refused action leaves no entry (its transaction is rolled back).
    with pytest.raises(PermissionDenied), w.db.write() as s:
        A.do_update_plan(s, w.leader, w.plan, expected_version=1, changes={"title": "x"})
    assert _entries(w, "plan.update") == []


def test_supervision_and_notice_read_are_audited(world: World) -> None:
    w = world
    with w.db.write() as s:
        A.do_run_supervision(s, w.system, today=date(2023, 6, 25), smtp=None)
    (run,) = _entries(w, "supervision.run")
    assert run.after == {"notices_created": 2, "statuses": {"yellow": 2}}


def test_only_office_views_and_exports(world: World) -> None:
    w = world
    with w.db.read() as s:
        assert len(list_audit(s, w.admin)) > 10
        assert [e.action for e in list_audit(s, w.admin, entity="task", entity_id=w.t2)] == [
            "task.create"
        ]
        for who in (w.leader, w.editor_a, w.anonymous):
            with pytest.raises(PermissionDenied):
                list_audit(s, who)
        data = export_audit_csv(s, w.admin, entity="plan")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [
        "id",
        "at",
        "actor_id",
        "actor_name",
        "actor_role",
        "action",
        "entity",
        "entity_id",
        "before",
        "after",
    ]
    assert len(rows) == 2 and rows[1][5] == "plan.create"
    assert json.loads(rows[1][9])["title"] == "十四五规划"
