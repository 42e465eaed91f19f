"""The plan, goal and target actions (issue 12, problem 6) on SQLite and PostgreSQL: the goal
tree refuses cycles, milestones must lie in the plan period between baseline and target,
deletes are refused while anything depends on the row, every write is audited and versioned,
and only the office may write; plus ``ipcity workspace add-goal`` / ``goals``."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from ipcity import cli
from ipcity.workspace.actions import (
    do_create_goal,
    do_create_target,
    do_delete_goal,
    do_delete_target,
    do_update_goal,
    do_update_target,
)
from ipcity.workspace.errors import PermissionDenied, StaleVersion, ValidationError
from ipcity.workspace.models import AuditEntry, Goal, IndicatorTarget
from tests.support.ws_fixtures import World

TARGET = {
    "code": "T9",
    "name": "PCT国际专利申请量",
    "engine_indicator": "pct_applications",
    "unit": "件",
    "direction": "higher",
    "baseline_year": 2020,
    "baseline_value": 100,
    "target_year": 2025,
    "target_value": 200,
}


def _field(exc: pytest.ExceptionInfo[ValidationError]) -> tuple[str, str]:
    e = exc.value.errors[0]
    return e.field, e.key


def test_goal_cycle_refused_at_every_depth(world: World) -> None:
    with world.db.write() as s:
        g3 = do_create_goal(
            s,
            world.admin,
            {"plan_id": world.plan, "parent_id": world.goal_child, "code": "G1.1.1", "title": "x"},
        )
        root = s.get(Goal, world.goal_root)
        assert root is not None
        for parent in (world.goal_root, world.goal_child, g3.id):
            with pytest.raises(ValidationError) as exc:
                do_update_goal(
                    s,
                    world.admin,
                    world.goal_root,
                    expected_version=root.version,
                    changes={"parent_id": parent},
                )
            assert _field(exc) == ("parent_id", "field.parent_cycle")
        # A legal move: the grandchild to the top, audited with before and after.
        moved = do_update_goal(
            s, world.admin, g3.id, expected_version=g3.version, changes={"parent_id": None}
        )
        assert moved.parent_id is None
        entry = s.scalar(
            select(AuditEntry)
            .where(AuditEntry.action == "goal.update")
            .order_by(AuditEntry.id.desc())
        )
        assert entry is not None and entry.before is not None and entry.after is not None
        assert entry.before["parent_id"] == world.goal_child and entry.after["parent_id"] is None


@pytest.mark.parametrize(
    ("milestones", "why"),
    [
        ({"2026": 1}, "field.milestone_year"),  # after the plan period
        ({"2025": 1}, "field.milestone_year"),  # the target year itself
        ({"2020": 1}, "field.milestone_year"),  # the baseline year itself
        ({"2019": 1}, "field.milestone_year"),
        ("2023: 多", "field.not_a_number"),
        ("2023 150", "field.milestones_format"),
        ({"23": 1}, "field.milestones_format"),
    ],
)
def test_milestones_validated(world: World, milestones: object, why: str) -> None:
    with world.db.write() as s, pytest.raises(ValidationError) as exc:
        do_create_target(s, world.admin, TARGET | {"plan_id": world.plan, "milestones": milestones})
    assert _field(exc) == ("milestones", why)


def test_milestones_boundaries_and_update(world: World) -> None:
    with world.db.write() as s:
        t = do_create_target(
            s,
            world.admin,
            TARGET | {"plan_id": world.plan, "milestones": "2021: 110\n2024：190；2023=150"},
        )
        assert t.milestones == {"2021": 110.0, "2023": 150.0, "2024": 190.0}
        # Moving the target year onto a milestone is refused (milestones lie before it).
        with pytest.raises(ValidationError) as exc:
            do_update_target(
                s, world.admin, t.id, expected_version=t.version, changes={"target_year": 2024}
            )
        assert _field(exc) == ("milestones", "field.milestone_year")
        t = do_update_target(
            s, world.admin, t.id, expected_version=t.version, changes={"milestones": ""}
        )
        assert t.milestones == {}
        with pytest.raises(StaleVersion):
            do_update_target(
                s, world.admin, t.id, expected_version=t.version - 1, changes={"published": True}
            )


def test_deletes_refused_while_in_use(world: World) -> None:
    with world.db.write() as s:
        child = s.get(Goal, world.goal_child)
        root = s.get(Goal, world.goal_root)
        assert child is not None and root is not None
        with pytest.raises(ValidationError) as exc:
            do_delete_goal(s, world.admin, child.id, expected_version=child.version)
        assert exc.value.errors[0].params == {"tasks": 1, "children": 0, "targets": 0}
        with pytest.raises(ValidationError) as exc:
            do_delete_goal(s, world.admin, root.id, expected_version=root.version)
        assert exc.value.errors[0].params["children"] == 1
        t = do_create_target(s, world.admin, TARGET | {"plan_id": world.plan})
        do_delete_target(s, world.admin, t.id, expected_version=t.version)
        assert s.get(IndicatorTarget, t.id) is None
        empty = do_create_goal(s, world.admin, {"plan_id": world.plan, "code": "E", "title": "空"})
        do_delete_goal(s, world.admin, empty.id, expected_version=empty.version)
        assert s.get(Goal, empty.id) is None
        actions = set(s.scalars(select(AuditEntry.action)))
        assert {"target.delete", "goal.delete"} <= actions


def test_only_the_office_writes(world: World) -> None:
    for actor in (world.editor_a, world.leader, world.anonymous):
        with world.db.write() as s:
            with pytest.raises(PermissionDenied):
                do_create_goal(s, actor, {"plan_id": world.plan, "code": "Z", "title": "z"})
            with pytest.raises(PermissionDenied):
                do_create_target(s, actor, TARGET | {"plan_id": world.plan})
            with pytest.raises(PermissionDenied):
                do_delete_goal(s, actor, world.goal_child, expected_version=1)


def test_cli_add_goal_and_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'ws.sqlite'}"
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert cli.main(["db", "upgrade", "--db", url]) == 0
    from ipcity.workspace.actions import do_create_plan
    from ipcity.workspace.db import open_db
    from ipcity.workspace.permissions import system_actor

    db = open_db(url)
    with db.write() as s:
        do_create_plan(
            s,
            system_actor("test"),
            {
                "code": "FYP15",
                "title": "十五五",
                "kind": "five_year",
                "start_year": 2026,
                "end_year": 2030,
            },
        )
    db.dispose()
    base = ["workspace", "add-goal", "--plan", "FYP15", "--db", url]
    assert cli.main([*base, "1", "知识产权创造"]) == 0
    assert cli.main([*base, "1.1", "高价值专利", "--parent", "1", "--weight", "2"]) == 0
    capsys.readouterr()
    assert cli.main([*base, "1.1", "重复"]) == 1
    assert "duplicate" in capsys.readouterr().err
    assert cli.main([*base, "2", "x", "--parent", "9"]) == 1
    assert "no goal with code '9'" in capsys.readouterr().err
    assert cli.main(["workspace", "goals", "--plan", "FYP15", "--db", url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["1\t知识产权创造", "  1.1\t高价值专利"]
