"""Progress report workflow: draft -> submitted -> accepted | returned; every version kept."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ipcity.workspace import actions as A
from ipcity.workspace import queries as Q
from ipcity.workspace.actions import EvidenceUpload
from ipcity.workspace.errors import (
    InvalidTransition,
    PermissionDenied,
    StaleVersion,
    ValidationError,
)
from ipcity.workspace.models import (
    AuditEntry,
    Notice,
    ProgressReport,
    ReportEvent,
    ReportRevision,
)
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


def _written(s: Session, report_id: int) -> dict[str, object]:
    """What one report's creation and submission left in the database, ids and period aside."""
    report = s.get(ProgressReport, report_id)
    assert report is not None
    events = s.scalars(
        select(ReportEvent).where(ReportEvent.report_id == report_id).order_by(ReportEvent.id)
    ).all()
    entries = s.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == "report", AuditEntry.entity_id == str(report_id))
        .order_by(AuditEntry.id)
    ).all()
    notices = s.scalars(select(Notice).where(Notice.report_id == report_id)).all()
    skip = {"id", "period", "period_end"}

    def plain(d: dict[str, object] | None) -> dict[str, object] | None:
        return None if d is None else {k: v for k, v in d.items() if k not in skip}

    submit_event = events[-1].id
    return {
        "report": (report.state, report.version, report.current_revision),
        "revisions": [(r.revision_no, r.percent, r.narrative) for r in report.revisions],
        "events": [(e.kind, e.from_state, e.to_state, e.revision_no, e.actor_name) for e in events],
        "audit": [(a.action, a.actor_name, plain(a.before), plain(a.after)) for a in entries],
        "notices": [
            (
                n.kind,
                n.for_office,
                n.unit_id,
                n.task_id,
                n.read_at,
                n.dedupe_key == f"report_submitted:{report_id}:{submit_event}",
                {k: v for k, v in n.params.items() if k != "period"},
            )
            for n in notices
        ],
    }


def test_submitting_at_once_writes_what_create_then_submit_writes(world: World) -> None:
    """The page form's and the API's "submit at once" (``do_create_report(submit=True)``) takes
    a shorter road (fewer statements): it must leave the same rows as the two steps."""
    w = world
    at = datetime(2023, 6, 1, 9)
    with w.db.write() as s:
        r = A.do_create_report(
            s, w.editor_a, task_id=w.t1, period="2023-Q1", percent=40, narrative="同一内容", at=at
        )
        two_steps = A.do_submit_report(s, w.editor_a, r.id, expected_version=r.version, at=at).id
        at_once = A.do_create_report(
            s,
            w.editor_a,
            task_id=w.t1,
            period="2023-Q2",
            percent=40,
            narrative="同一内容",
            submit=True,
            at=at,
        ).id
    with w.db.read() as s:
        expected, got = _written(s, two_steps), _written(s, at_once)
    assert got == expected
    assert expected["report"] == ("submitted", 2, 1)
    assert [e[0] for e in expected["events"]] == ["create", "submit"]  # type: ignore[index]
    assert [a[0] for a in expected["audit"]] == ["report.create", "report.submit"]  # type: ignore[index]
    assert len(expected["notices"]) == 1  # type: ignore[arg-type]


def test_submitting_at_once_is_refused_like_a_draft(world: World) -> None:
    """A duplicate period, bad content or another unit's task: nothing is written."""
    w = world
    with w.db.write() as s:
        A.do_create_report(
            s,
            w.editor_a,
            task_id=w.t1,
            period="2023-Q1",
            percent=40,
            narrative="一季度",
            submit=True,
        )
    cases: list[tuple[dict[str, object], type[Exception]]] = [
        ({"task_id": w.t1, "period": "2023年第一季度", "percent": 50}, ValidationError),
        ({"task_id": w.t1, "period": "2023-Q2", "percent": 101}, ValidationError),
        ({"task_id": w.t2, "period": "2023-Q2", "percent": 50}, PermissionDenied),
    ]
    for kwargs, error in cases:
        with pytest.raises(error), w.db.write() as s:
            A.do_create_report(s, w.editor_a, narrative="再报", submit=True, **kwargs)  # type: ignore[arg-type]
    with w.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ProgressReport)) == 1
        assert s.scalar(select(func.count()).select_from(Notice)) == 1


def test_latest_unit_reports_is_the_first_of_list_reports_per_task(world: World) -> None:
    """The task list's "my unit's report" read: per task the unit's newest report by period
    (then the newest of a period end), as the viewer may see it, equal to what the full
    list would show first; other units' drafts stay hidden."""
    w = world
    at = datetime(2023, 6, 1, 9)
    with w.db.write() as s:
        for period, percent, submit in (
            ("2023-Q1", 30, True),
            ("2023-06", 45, False),  # same period end as Q2, made first
            ("2023-Q2", 50, False),  # newest of the 30 June reports
            ("2023-03", 20, True),  # an older period made later does not win
        ):
            A.do_create_report(
                s,
                w.editor_a,
                task_id=w.t1,
                period=period,
                percent=percent,
                narrative=period,
                submit=submit,
                at=at,
            )
        A.do_create_report(
            s, w.editor_b, task_id=w.t1, period="2023-Q3", percent=60, narrative="B 草稿", at=at
        )
        A.do_create_report(
            s, w.editor_b, task_id=w.t2, period="2023-Q1", percent=10, narrative="B", at=at
        )
    with w.db.read() as s:
        for viewer in (w.admin, w.leader, w.editor_a, w.editor_b):
            for unit in (w.unit_a, w.unit_b):
                got = Q.latest_unit_reports(s, viewer, unit, [w.t1, w.t2])
                expected: dict[int, int] = {}
                for r in Q.list_reports(s, viewer, unit_id=unit, task_ids=[w.t1, w.t2]):
                    expected.setdefault(r.task_id, r.id)
                assert {t: r.id for t, r in got.items()} == expected, (viewer.name, unit)
        mine = Q.latest_unit_reports(s, w.editor_a, w.unit_a, [w.t1, w.t2])
        assert mine[w.t1].period == "2023-Q2" and mine[w.t1].current().percent == 50
        assert w.t1 not in Q.latest_unit_reports(s, w.editor_a, w.unit_b, [w.t1])  # B's draft
        assert Q.latest_unit_reports(s, w.editor_b, w.unit_b, [w.t1])[w.t1].period == "2023-Q3"
        assert Q.latest_unit_reports(s, w.admin, w.unit_a, []) == {}
        with pytest.raises(PermissionDenied):
            Q.latest_unit_reports(s, w.anonymous, w.unit_a, [w.t1])
