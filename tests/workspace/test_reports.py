"""Progress report workflow: draft -> submitted -> accepted | returned; every version kept."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from ipcity.workspace import actions as A
from ipcity.workspace import queries as Q
from ipcity.workspace.actions import EvidenceUpload
from ipcity.workspace.errors import InvalidTransition, StaleVersion, ValidationError
from ipcity.workspace.models import Notice, ReportRevision
from tests.support.ws_fixtures import World


def test_full_workflow_keeps_every_revision(world: World) -> None:
    w = world
    pdf = EvidenceUpload("会议纪要.pdf", "application/pdf", b"%PDF-1.4 minutes")
    with w.db.write() as s:
        r = A.do_create_report(
            s,
            w.editor_a,
            task_id=w.t1,
            period="2023年第二季度",
            percent=40,
            narrative="已起草办法",
            files=[pdf],
            at=datetime(2023, 6, 1, 9),
        )
        assert (r.period, r.state, r.current_revision, r.version) == ("2023-Q2", "draft", 1, 1)
        r = A.do_submit_report(s, w.editor_a, r.id, expected_version=1, at=datetime(2023, 6, 2, 9))
        r = A.do_return_report(
            s, w.admin, r.id, expected_version=2, comment="请补充数据", at=datetime(2023, 6, 3, 9)
        )
        assert r.state == "returned"
        # Editing a returned report adds revision 2 (back to draft); revision 1 stays as it was.
        r = A.do_revise_report(
            s,
            w.editor_a,
            r.id,
            expected_version=3,
            percent=50,
            narrative="已补充数据",
            files=[EvidenceUpload("数据.xlsx", "application/vnd.ms-excel", b"xlsx-bytes")],
            at=datetime(2023, 6, 4, 9),
        )
        assert (r.state, r.current_revision) == ("draft", 2)
        r = A.do_submit_report(s, w.editor_a, r.id, expected_version=4, at=datetime(2023, 6, 5, 9))
        r = A.do_accept_report(s, w.admin, r.id, expected_version=5, at=datetime(2023, 6, 6, 9))
        report_id = r.id
    with w.db.read() as s:
        hist = Q.report_history(s, w.leader, report_id)
        assert [(x.revision_no, x.percent, x.narrative) for x in hist.revisions] == [
            (1, 40.0, "已起草办法"),
            (2, 50.0, "已补充数据"),
        ]
        assert [e.kind for e in hist.events] == [
            "create",
            "submit",
            "return",
            "revise",
            "submit",
            "accept",
        ]
        assert hist.events[2].comment == "请补充数据"
        # revision 2 carried the PDF over and added the spreadsheet
        assert [f.filename for f in hist.revisions[0].files] == ["会议纪要.pdf"]
        assert sorted(f.filename for f in hist.revisions[1].files) == ["会议纪要.pdf", "数据.xlsx"]
        _f, data = Q.get_evidence(s, w.leader, hist.revisions[1].files[0].id)
        assert data in (b"%PDF-1.4 minutes", b"xlsx-bytes")
        # timeline: revision 1 entries are marked superseded
        tl = Q.task_timeline(s, w.admin, w.t1)
        assert [(e.kind, e.revision_no, e.superseded) for e in tl] == [
            ("create", 1, True),
            ("submit", 1, True),
            ("return", 1, True),
            ("revise", 2, False),
            ("submit", 2, False),
            ("accept", 2, False),
        ]
        # the task's progress is the accepted revision's 50 %
        views = Q.task_overview(s, w.leader, w.work_plan, today=datetime(2023, 6, 10).date())
        assert {v.task.id: v.percent for v in views}[w.t1] == 50.0
        assert s.scalar(select(func.count()).select_from(ReportRevision)) == 2


def test_notices_for_submit_accept_return(world: World) -> None:
    w = world
    with w.db.write() as s:
        r = A.do_create_report(
            s, w.editor_a, task_id=w.t1, period="2023-05", percent=10, narrative="n"
        )
        r = A.do_submit_report(s, w.editor_a, r.id, expected_version=1)
        r = A.do_return_report(s, w.admin, r.id, expected_version=2, comment="缺附件")
    with w.db.read() as s:
        office = Q.inbox(s, w.admin)
        assert [n.kind for n in office] == ["report_submitted"]
        unit_a = Q.inbox(s, w.editor_a)
        assert [n.kind for n in unit_a] == ["report_returned"]
        assert unit_a[0].params["comment"] == "缺附件"
        assert Q.inbox(s, w.editor_b) == []
        assert Q.unread_count(s, w.editor_a) == 1
    with w.db.write() as s:
        A.do_mark_notice_read(s, w.editor_a, unit_a[0].id)
    with w.db.read() as s:
        assert Q.unread_count(s, w.editor_a) == 0
        assert s.scalar(select(func.count()).select_from(Notice)) == 2


def test_invalid_transitions(world: World) -> None:
    w = world
    with w.db.write() as s:
        r = A.do_create_report(
            s, w.editor_a, task_id=w.t1, period="2023-Q1", percent=10, narrative="n"
        )
        rid = r.id
    with w.db.write() as s, pytest.raises(InvalidTransition):
        A.do_accept_report(s, w.admin, rid, expected_version=1)  # a draft cannot be accepted
    with w.db.write() as s:
        A.do_submit_report(s, w.editor_a, rid, expected_version=1)
    with w.db.write() as s, pytest.raises(InvalidTransition):
        A.do_revise_report(s, w.editor_a, rid, expected_version=2, percent=1, narrative="x")
    with w.db.write() as s, pytest.raises(ValidationError) as info:
        A.do_return_report(s, w.admin, rid, expected_version=2, comment="  ")
    assert info.value.errors[0].field == "comment"
    with w.db.write() as s:
        A.do_accept_report(s, w.admin, rid, expected_version=2)
    with w.db.write() as s, pytest.raises(InvalidTransition):
        A.do_return_report(s, w.admin, rid, expected_version=3, comment="太晚")
    with w.db.write() as s, pytest.raises(StaleVersion):
        A.do_accept_report(s, w.admin, rid, expected_version=2)


def test_validation_of_report_fields(world: World) -> None:
    w = world
    with w.db.write() as s, pytest.raises(ValidationError) as info:
        A.do_create_report(s, w.editor_a, task_id=w.t1, period="2023-Q1", percent=101, narrative="")
    fields = sorted(e.field for e in info.value.errors)
    assert fields == ["narrative", "percent"]
    with w.db.write() as s, pytest.raises(ValidationError) as info:
        A.do_create_report(s, w.editor_a, task_id=w.t1, period="第二季度", percent=1, narrative="n")
    assert info.value.errors[0].key == "field.invalid_period"
    with w.db.write() as s:
        A.do_create_report(s, w.editor_a, task_id=w.t1, period="2023-06", percent=1, narrative="n")
    with w.db.write() as s, pytest.raises(ValidationError) as info:
        A.do_create_report(
            s, w.editor_a, task_id=w.t1, period="2023年6月", percent=2, narrative="n"
        )
    assert info.value.errors[0].key == "field.duplicate"


def test_progress_counts_only_lead_units_latest_accepted(world: World) -> None:
    """B co-operates on T1: its accepted 90 % must not move T1; A's Q1 30 % then Q2 60 %
    (accepted) -> 60; A's submitted Q3 80 % does not count until accepted."""
    w = world
    with w.db.write() as s:
        for unit_actor, period, pct, accept in (
            (w.editor_b, "2023-Q2", 90, True),
            (w.editor_a, "2023-Q2", 60, True),
            (w.editor_a, "2023-Q1", 30, True),  # accepted later, but an earlier period
            (w.editor_a, "2023-Q3", 80, False),
        ):
            r = A.do_create_report(
                s, unit_actor, task_id=w.t1, period=period, percent=pct, narrative="n"
            )
            r = A.do_submit_report(s, unit_actor, r.id, expected_version=r.version)
            if accept:
                A.do_accept_report(s, w.admin, r.id, expected_version=r.version)
    with w.db.read() as s:
        views = {
            v.task.id: v
            for v in Q.task_overview(s, w.leader, w.work_plan, today=datetime(2023, 3, 1).date())
        }
        assert views[w.t1].percent == 60.0
        assert views[w.t1].progress is not None and views[w.t1].progress.period == "2023-Q2"
        assert views[w.t2].percent == 0.0
