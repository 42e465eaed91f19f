"""A decision of a meeting becomes a workspace task and is followed up like any other task."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from ipcity.meetings.actions import do_record_decision
from ipcity.meetings.errors import StateError
from ipcity.meetings.models import MeetingDecision
from ipcity.meetings.queries import list_decisions, meeting_for_task
from ipcity.workspace.actions import (
    do_accept_report,
    do_create_report,
    do_delete_task,
    do_run_supervision,
    do_submit_report,
)
from ipcity.workspace.audit import list_audit
from ipcity.workspace.errors import ValidationError
from ipcity.workspace.models import Notice, Task, WorkPlan
from ipcity.workspace.queries import inbox, list_tasks, task_overview
from ipcity.workspace.supervision import SupervisionSettings
from tests.support.meeting_fixtures import make_meeting
from tests.support.ws_fixtures import World

SETTINGS = SupervisionSettings(near_days=14, behind_tolerance=0.0)


def _decide(world: World, mid: int, **extra: object) -> tuple[int, int]:
    with world.db.write() as s:
        d = do_record_decision(
            s,
            world.admin,
            mid,
            {
                "text": "建立诉调对接机制。\n由市科委牵头，市商务委配合。",
                "lead_unit_id": world.unit_a,
                "co_unit_ids": [world.unit_b],
                "deadline": "2023年6月底",
                **extra,
            },
        )
        assert d.task_id is not None
        return d.id, d.task_id


def test_decision_creates_a_task_in_the_years_work_plan(world: World) -> None:
    mid = make_meeting(world, title="年度会议", status="held", day=date(2023, 3, 28))
    did, tid = _decide(world, mid)
    with world.db.read() as s:
        task = s.get(Task, tid)
        assert task is not None
        assert task.work_plan_id == world.work_plan  # WP2023 of the fixture, not a new one
        assert task.code == "2023-003"  # after the fixture's two tasks
        assert task.title == "建立诉调对接机制。"  # the decision's first line
        assert task.deadline == date(2023, 6, 30)
        assert task.deadline_text == "2023年6月底"
        # the straight line starts on the meeting day, not on 1 January
        assert task.start_date == date(2023, 3, 28)
        assert task.lead_unit_id == world.unit_a
        assert [u.id for u in task.co_units] == [world.unit_b]
        assert task.description == (
            "建立诉调对接机制。\n由市科委牵头，市商务委配合。\n\n（来源：年度会议，2023年3月28日会议决定）"
        )
        decision = s.get(MeetingDecision, did)
        assert decision is not None
        assert (decision.meeting_id, decision.seq, decision.task_id) == (mid, 1, tid)
        actions = [e.action for e in list_audit(s, world.admin)]
        assert actions[:2] == ["decision.record", "task.create"]  # newest first
        # the lead unit finds it among its tasks, the co-operating unit among its co-tasks
        assert tid in [
            t.id
            for t in list_tasks(
                s, world.editor_a, world.work_plan, unit_id=world.unit_a, involvement="lead"
            )
        ]
        assert tid in [
            t.id
            for t in list_tasks(
                s, world.editor_b, world.work_plan, unit_id=world.unit_b, involvement="co"
            )
        ]


def test_decision_task_is_supervised_like_any_task(world: World) -> None:
    mid = make_meeting(world, status="held", day=date(2023, 3, 28))
    _, tid = _decide(world, mid)
    # 14 May: 47 of the 94 days from 28 March to 30 June have passed -> the line is at 50 %,
    # no accepted progress (0 %) is behind it -> yellow. (From 1 January it would be 133/180.)
    with world.db.read() as s:
        view = next(
            v
            for v in task_overview(
                s, world.admin, world.work_plan, today=date(2023, 5, 14), settings=SETTINGS
            )
            if v.task.id == tid
        )
        assert view.status.status.value == "yellow"
        assert view.status.reason_key == "reason.behind_schedule"
        assert view.status.expected_percent == 50.0
        [dv] = list_decisions(s, world.leader, mid, today=date(2023, 5, 14), settings=SETTINGS)
        assert dv.status is not None and dv.status.status.value == "yellow"
        assert dv.percent == 0.0
    # 1 July: overdue; supervision notifies the lead and the co-operating unit.
    with world.db.write() as s:
        run = do_run_supervision(s, world.system, today=date(2023, 7, 1), smtp=None)
        assert run.statuses["red"] >= 1
    with world.db.read() as s:
        for editor in (world.editor_a, world.editor_b):
            notices = [n for n in inbox(s, editor) if n.task_id == tid]
            assert [n.kind for n in notices] == ["overdue"]
            assert notices[0].params["task_code"] == "2023-003"
    # The lead unit reports 100 %, the office accepts: done.
    with world.db.write() as s:
        r = do_create_report(
            s, world.editor_a, task_id=tid, period="2023-06", percent=100, narrative="已完成"
        )
        r = do_submit_report(s, world.editor_a, r.id, expected_version=r.version)
        do_accept_report(s, world.admin, r.id, expected_version=r.version)
    with world.db.read() as s:
        [dv] = list_decisions(s, world.admin, mid, today=date(2023, 7, 2), settings=SETTINGS)
        assert dv.status is not None and dv.status.status.value == "done"
        assert dv.percent == 100.0
        assert dv.as_dict("en")["supervision"]["status_label"] == "done"


def test_work_plan_of_a_new_year_is_created_through_the_workspace(world: World) -> None:
    mid = make_meeting(world, status="held", day=date(2024, 1, 18))
    with world.db.read() as s:
        assert (
            s.scalar(select(func.count()).select_from(WorkPlan).where(WorkPlan.year == 2024)) == 0
        )
    _, tid = _decide(world, mid, deadline="2024-06-30")
    with world.db.read() as s:
        task = s.get(Task, tid)
        assert task is not None
        wp = task.work_plan
        assert (wp.code, wp.year, wp.published) == ("WP2024", 2024, False)
        assert wp.plan_id == world.plan  # the five-year plan covering 2024
        assert task.code == "2024-001"
        entries = list_audit(s, world.admin, entity="work_plan", entity_id=wp.id)
        assert [(e.action, e.actor_name) for e in entries] == [("work_plan.create", "admin")]
    # The next decision of that year goes into the same work plan.
    _, tid2 = _decide(world, mid, deadline="2024-09-30")
    with world.db.read() as s:
        t2 = s.get(Task, tid2)
        assert t2 is not None and t2.work_plan_id == wp.id and t2.code == "2024-002"


def test_a_failed_decision_leaves_nothing(world: World) -> None:
    mid = make_meeting(world, status="held", day=date(2024, 1, 18))
    # (the exception leaves the write block: the transaction rolls back, as in the web app)
    with pytest.raises(ValidationError) as exc, world.db.write() as s:
        do_record_decision(s, world.admin, mid, {"text": "决定", "co_unit_ids": [world.unit_b]})
    assert sorted(e.field for e in exc.value.errors) == ["deadline", "lead_unit_id"]
    with world.db.read() as s:
        assert s.scalar(select(func.count()).select_from(MeetingDecision)) == 0
        # the 2024 work plan created on the way was rolled back with the rest
        assert (
            s.scalar(select(func.count()).select_from(WorkPlan).where(WorkPlan.year == 2024)) == 0
        )
    with world.db.write() as s, pytest.raises(ValidationError) as exc2:
        do_record_decision(s, world.admin, mid, {"text": " ", "priority": "high"})
    assert sorted((e.field, e.key) for e in exc2.value.errors) == [
        ("priority", "field.unknown_field"),
        ("text", "field.required"),
    ]


def test_decisions_need_a_held_meeting(world: World) -> None:
    mid = make_meeting(world, status="scheduled")
    with world.db.write() as s, pytest.raises(StateError) as exc:
        do_record_decision(
            s, world.admin, mid, {"text": "x", "lead_unit_id": world.unit_a, "deadline": "6月底"}
        )
    assert exc.value.message("en") == "cannot record a decision: the meeting is scheduled"


def test_link_an_existing_task_once(world: World) -> None:
    mid = make_meeting(world, status="held")
    with world.db.write() as s:
        d = do_record_decision(s, world.admin, mid, {"text": "继续推进任务二", "task_id": world.t2})
        assert d.task_id == world.t2
    with world.db.write() as s, pytest.raises(ValidationError) as exc:
        do_record_decision(s, world.admin, mid, {"text": "再次", "task_id": world.t2})
    assert exc.value.errors[0].key == "field.task_already_linked"
    assert exc.value.errors[0].message("zh") == "该任务已关联另一项会议决定：2023-002"
    with world.db.write() as s, pytest.raises(ValidationError) as exc2:
        do_record_decision(
            s, world.admin, mid, {"text": "x", "task_id": world.t1, "deadline": "2023-12-31"}
        )
    assert [e.field for e in exc2.value.errors] == ["deadline", "work_plan_id"]


def test_meeting_for_task(world: World) -> None:
    mid = make_meeting(world, title="专题会议", status="held", attending=[world.unit_a])
    did, tid = _decide(world, mid)
    with world.db.read() as s:
        link = meeting_for_task(s, world.admin, tid)
        assert link is not None
        assert (link.meeting_id, link.decision_id, link.can_open) == (mid, did, True)
        assert link.label("zh") == "来自专题会议（2023年3月28日）的会议决定"
        assert link.label("en") == "decision of the 专题会议 (2023-03-28)"
        # B co-operates on the task but did not attend: it learns the source, not the page.
        link_b = meeting_for_task(s, world.editor_b, tid)
        assert link_b is not None and link_b.can_open is False
        assert meeting_for_task(s, world.anonymous, tid) is None
        assert meeting_for_task(s, world.admin, world.t1) is None


def test_deleting_the_task_keeps_the_decision(world: World) -> None:
    mid = make_meeting(world, status="held")
    did, tid = _decide(world, mid)
    with world.db.write() as s:
        task = s.get(Task, tid)
        assert task is not None
        do_delete_task(s, world.admin, tid, expected_version=task.version)
    with world.db.read() as s:
        [dv] = list_decisions(s, world.admin, mid)
        assert (dv.decision.id, dv.decision.task_id, dv.task) == (did, None, None)
        assert s.scalar(select(func.count()).select_from(Notice)) == 0


def test_a_deadline_without_a_year_is_in_the_work_plans_year(world: World) -> None:
    mid = make_meeting(world, status="held", day=date(2024, 1, 18))
    _, tid = _decide(world, mid, deadline="9月底")
    with world.db.read() as s:
        task = s.get(Task, tid)
        assert task is not None
        # 9月底 read in 2024 (the meeting's work plan): 30 September 2024
        assert (task.deadline, task.deadline_text) == (date(2024, 9, 30), "9月底")
    with pytest.raises(ValidationError) as exc, world.db.write() as s:
        do_record_decision(
            s, world.admin, mid, {"text": "x", "lead_unit_id": world.unit_a, "deadline": "尽快"}
        )
    assert [(e.field, e.key) for e in exc.value.errors] == [("deadline", "field.invalid_date")]
