"""Writes on plans, their goal trees and indicator targets."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ipcity.workspace.actions._common import (
    Field,
    Invalid,
    boolean,
    choice,
    delete_audited,
    integer,
    load,
    load_for_update,
    matching,
    number,
    optional_ident,
    text,
)
from ipcity.workspace.actions._editable import Editable
from ipcity.workspace.actuals import find_provider
from ipcity.workspace.errors import FieldError, ValidationError, invalid
from ipcity.workspace.models import Goal, IndicatorTarget, Plan, PublishedActual, Task
from ipcity.workspace.permissions import Actor, Cap, require

PLAN_KINDS = ("outline", "five_year", "other")


_code = matching(r"[\w.\-]{1,64}", "letters, digits, _ . - (max 64)")


PLAN_FIELDS: dict[str, Field] = {
    "code": Field(_code, required=True),
    "title": Field(text(200), required=True),
    "kind": Field(choice(PLAN_KINDS), required=True),
    "start_year": Field(integer(1949, 2100), required=True),
    "end_year": Field(integer(1949, 2100), required=True),
    "description": Field(text(20000)),
    "published": Field(boolean),
}


def _check_plan(session: Session, values: Mapping[str, Any], plan: Plan | None) -> None:
    errors = []
    start = values.get("start_year", plan.start_year if plan else None)
    end = values.get("end_year", plan.end_year if plan else None)
    if start is not None and end is not None and end < start:
        errors.append(FieldError("end_year", "field.out_of_range", {"min": start, "max": 2100}))
    code = values.get("code")
    if code is not None:
        other = session.scalar(select(Plan).where(Plan.code == code))
        if other is not None and (plan is None or other.id != plan.id):
            errors.append(FieldError("code", "field.duplicate", {"value": code}))
    if errors:
        raise ValidationError(errors)


PLANS = Editable(Plan, Cap.EDIT_PLANS, PLAN_FIELDS, _check_plan, "plan")


def do_create_plan(session: Session, actor: Actor, data: Mapping[str, Any]) -> Plan:
    """Fields: code, title, kind (outline|five_year|other), start_year, end_year, description,
    published."""
    return PLANS.create(session, actor, data)


def do_update_plan(
    session: Session,
    actor: Actor,
    plan_id: int,
    *,
    expected_version: int,
    changes: Mapping[str, Any],
) -> Plan:
    """Change any plan field; ``{"published": True}`` publishes it to the public pages."""
    return PLANS.update(session, actor, plan_id, expected_version=expected_version, changes=changes)


GOAL_FIELDS: dict[str, Field] = {
    "plan_id": Field(optional_ident, required=True),
    "parent_id": Field(optional_ident),
    "code": Field(_code, required=True),
    "title": Field(text(300), required=True),
    "description": Field(text(20000)),
    "weight": Field(number(0)),
    "sort_order": Field(integer()),
}


def _check_goal(session: Session, values: Mapping[str, Any], goal: Goal | None) -> None:
    plan_id = values.get("plan_id", goal.plan_id if goal else None)
    if plan_id is None or session.get(Plan, plan_id) is None:
        raise invalid("plan_id", "field.not_in_plan", value=plan_id)
    parent_id = values.get("parent_id", goal.parent_id if goal else None)
    if parent_id is not None:
        parent = session.get(Goal, parent_id)
        if parent is None or parent.plan_id != plan_id:
            raise invalid("parent_id", "field.not_in_plan", value=parent_id)
        # Walk up from the new parent: meeting the goal itself would make a cycle.
        node: Goal | None = parent
        seen = set()
        while node is not None and goal is not None:
            if node.id == goal.id or node.id in seen:
                raise invalid("parent_id", "field.parent_cycle")
            seen.add(node.id)
            node = session.get(Goal, node.parent_id) if node.parent_id else None
    code = values.get("code")
    if code is not None:
        other = session.scalar(select(Goal).where(Goal.plan_id == plan_id, Goal.code == code))
        if other is not None and (goal is None or other.id != goal.id):
            raise invalid("code", "field.duplicate", value=code)


# A goal stays in its plan.
GOALS = Editable(Goal, Cap.EDIT_PLANS, GOAL_FIELDS, _check_goal, "goal", fixed=("plan_id",))


def do_create_goal(session: Session, actor: Actor, data: Mapping[str, Any]) -> Goal:
    """Fields: plan_id, parent_id (None: top level), code, title, description, weight,
    sort_order."""
    return GOALS.create(session, actor, data)


def do_update_goal(
    session: Session,
    actor: Actor,
    goal_id: int,
    *,
    expected_version: int,
    changes: Mapping[str, Any],
) -> Goal:
    """Change a goal (moving it under another parent of the same plan is allowed; a cycle is
    refused). ``plan_id`` cannot change."""
    return GOALS.update(session, actor, goal_id, expected_version=expected_version, changes=changes)


def _direction(value: Any) -> str:
    s = str(value).strip().lower()
    if s in ("higher", "up", "正向", "越高越好", "↑", "+", "增加", "提高"):
        return "higher"
    if s in ("lower", "down", "逆向", "越低越好", "↓", "-", "减少", "降低"):
        return "lower"
    raise Invalid("field.invalid_choice", choices="higher (正向), lower (逆向)")


def _binding(value: Any) -> bool:
    s = str(value).strip().lower()
    if s in ("约束性", "binding", "true", "1", "是"):
        return True
    if s in ("预期性", "expected", "false", "0", "否"):
        return False
    if isinstance(value, bool):
        return value
    raise Invalid("field.invalid_choice", choices="约束性 (binding), 预期性 (expected)")


def _engine_id(value: Any) -> str:
    s = str(value).strip()
    provider = find_provider(s)  # e.g. protection.avg_handling_days?kind=admin_ruling
    if provider is not None:
        problem = provider.validate(s)
        if problem is not None:
            raise Invalid("field.invalid_format", hint=problem)
        return s
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", s):
        raise Invalid("field.invalid_format", hint="an engine indicator id like pct_applications")
    return s


_MILESTONE_ITEM = re.compile(r"\s*(\d{4})\s*(?:年)?\s*[:：=]\s*(\S+)\s*")


def _milestones(value: Any) -> dict[str, float]:
    """``{"2027": 12.5}`` (API) or the form's text ``2027: 12.5`` one per line or ``;``."""
    if isinstance(value, Mapping):
        pairs = [(str(k), v) for k, v in value.items()]
    elif isinstance(value, str):
        pairs = []
        for item in re.split(r"[;；\n]+", value):
            if not item.strip():
                continue
            m = _MILESTONE_ITEM.fullmatch(item)
            if m is None:
                raise Invalid("field.milestones_format")
            pairs.append((m.group(1), m.group(2)))
    else:
        raise Invalid("field.milestones_format")
    out: dict[str, float] = {}
    for year, raw in pairs:
        if not re.fullmatch(r"\d{4}", year.strip()):
            raise Invalid("field.milestones_format")
        out[year.strip()] = number()(raw)
    return dict(sorted(out.items()))


TARGET_FIELDS: dict[str, Field] = {
    "plan_id": Field(optional_ident, required=True),
    "goal_id": Field(optional_ident),
    "code": Field(_code, required=True),
    "name": Field(text(200), required=True),
    "engine_indicator": Field(_engine_id),
    "region": Field(text(16)),
    "unit": Field(text(32)),
    "direction": Field(_direction, required=True),
    "binding": Field(_binding),
    "baseline_year": Field(integer(1949, 2100)),
    "baseline_value": Field(number()),
    "target_year": Field(integer(1949, 2100), required=True),
    "target_value": Field(number(), required=True),
    "milestones": Field(_milestones),
    "note": Field(text(20000)),
    "published": Field(boolean),
    "sort_order": Field(integer()),
}


def _check_target(
    session: Session, values: Mapping[str, Any], target: IndicatorTarget | None
) -> None:
    plan_id = values.get("plan_id", target.plan_id if target else None)
    if plan_id is None or session.get(Plan, plan_id) is None:
        raise invalid("plan_id", "field.not_in_plan", value=plan_id)
    goal_id = values.get("goal_id", target.goal_id if target else None)
    if goal_id is not None:
        goal = session.get(Goal, goal_id)
        if goal is None or goal.plan_id != plan_id:
            raise invalid("goal_id", "field.not_in_plan", value=goal_id)
    code = values.get("code")
    if code is not None:
        other = session.scalar(
            select(IndicatorTarget).where(
                IndicatorTarget.plan_id == plan_id, IndicatorTarget.code == code
            )
        )
        if other is not None and (target is None or other.id != target.id):
            raise invalid("code", "field.duplicate", value=code)
    by = values.get("baseline_year", target.baseline_year if target else None)
    ty = values.get("target_year", target.target_year if target else None)
    if by is not None and ty is not None and ty < by:
        raise invalid("target_year", "field.out_of_range", min=by, max=2100)
    milestones = values.get("milestones", target.milestones if target else None) or {}
    plan = session.get(Plan, plan_id)
    assert plan is not None
    lo = max(plan.start_year, by + 1 if by is not None else plan.start_year)
    # Strictly between baseline and target year, as the mid-term evaluation reads them.
    hi = min(plan.end_year, ty - 1 if ty is not None else plan.end_year)
    for year in milestones:
        if not lo <= int(year) <= hi:
            raise invalid("milestones", "field.milestone_year", value=year, min=lo, max=hi)


def _target_defaults(values: dict[str, Any], target: IndicatorTarget | None) -> None:
    """No milestones: an empty table; no region: ALL (on a new indicator, the column's
    default)."""
    if target is None or "milestones" in values:
        values["milestones"] = values.get("milestones") or {}
    if target is None:
        if not values.get("region"):
            values.pop("region", None)
    elif values.get("region", target.region) in (None, ""):
        values["region"] = "ALL"


# An indicator stays in its plan.
TARGETS = Editable(
    IndicatorTarget,
    Cap.EDIT_PLANS,
    TARGET_FIELDS,
    _check_target,
    "target",
    fixed=("plan_id",),
    complete=_target_defaults,
)


def do_create_target(session: Session, actor: Actor, data: Mapping[str, Any]) -> IndicatorTarget:
    """An indicator with its target. Fields: plan_id, goal_id, code, name, engine_indicator
    (empty: reported by hand), region (default ALL), unit, direction (higher|lower, also
    正向/逆向), binding (约束性 true / 预期性 false), baseline_year, baseline_value,
    target_year, target_value, note, published, sort_order."""
    return TARGETS.create(session, actor, data)


def do_update_target(
    session: Session,
    actor: Actor,
    target_id: int,
    *,
    expected_version: int,
    changes: Mapping[str, Any],
) -> IndicatorTarget:
    return TARGETS.update(
        session, actor, target_id, expected_version=expected_version, changes=changes
    )


def do_delete_goal(session: Session, actor: Actor, goal_id: int, *, expected_version: int) -> None:
    """Delete an empty goal. A goal that still holds tasks, sub-goals or indicators is refused
    with the counts, so the office moves them first and no task loses its place silently."""
    require(actor, Cap.EDIT_PLANS)
    goal = load_for_update(session, Goal, goal_id, expected_version)
    counts = {
        "tasks": session.scalar(select(func.count()).where(Task.goal_id == goal.id)) or 0,
        "children": session.scalar(select(func.count()).where(Goal.parent_id == goal.id)) or 0,
        "targets": session.scalar(select(func.count()).where(IndicatorTarget.goal_id == goal.id))
        or 0,
    }
    if any(counts.values()):
        raise invalid("goal_id", "field.goal_in_use", **counts)
    delete_audited(session, actor, goal, "goal.delete", "goal", goal.as_dict())


def do_delete_target(
    session: Session, actor: Actor, target_id: int, *, expected_version: int
) -> None:
    """Delete an indicator that has no published value yet (published figures are kept for
    the record; unpublish the indicator instead)."""
    require(actor, Cap.EDIT_PLANS)
    target = load_for_update(session, IndicatorTarget, target_id, expected_version)
    n = session.scalar(select(func.count()).where(PublishedActual.target_id == target.id)) or 0
    if n:
        raise invalid("target_id", "field.target_has_values", count=n)
    delete_audited(session, actor, target, "target.delete", "indicator_target", target.as_dict())


def get_plan_or_404(session: Session, plan_id: int) -> Plan:
    return load(session, Plan, plan_id)
