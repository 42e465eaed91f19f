"""Every write on protection cases, as ``do_*`` functions in the workspace's manner.

Each takes the session and the acting Actor, checks the right (``permissions``), validates,
writes, and records the audit entry (entity ``case``; actions ``case.create``,
``case.update``, ``case.delete``, ``case.transfer``, ``case.join``, ``case.leave``), all inside
the caller's transaction (``db.write()``). Updates take ``expected_version`` and raise
StaleVersion (with the current row) when it is not current. They return the case as the actor
now sees it (a :class:`~ipcity.protection.queries.CaseView`: after transferring a case away, a
unit sees it masked).

Referrals: a case has one owning unit. ``do_transfer_case`` moves ownership; the unit that
gave it away keeps a read view (``previous``, names masked). ``do_add_joint_unit`` lets another
unit handle it jointly (``joint``: the owner's view, names in clear, but only the owner and the
office change it); ``do_remove_joint_unit`` ends that (the unit keeps a ``previous`` read view
of what it worked on). Every step is a ``protection_referrals`` row and an audit entry.

After a change the workspace's indicator targets that read protection indicators
(``engine_indicator`` = ``protection.*``) are refreshed for the years the change touches, so
plan targets track the cases live (see ``indicators.refresh_live_actuals``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ipcity.clock import app_today
from ipcity.protection.fields import AMOUNT_COLUMNS, SessionDistricts, case_fields, check_case
from ipcity.protection.models import CaseUnit, ProtectionCase, Referral
from ipcity.protection.permissions import EDIT_CASES, can_edit, require_record_for_unit
from ipcity.protection.queries import CaseView, Participant, access_to, make_view
from ipcity.workspace import audit
from ipcity.workspace.actions._common import parse_fields, touch
from ipcity.workspace.errors import (
    FieldError,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationError,
    invalid,
)
from ipcity.workspace.models import Unit, record_now, stamp_on
from ipcity.workspace.permissions import Actor, Role

ENTITY = "case"


def _districts(session: Session) -> SessionDistricts:
    return SessionDistricts(session)


def _participants(session: Session, case_id: int) -> list[Participant]:
    rows = session.execute(
        select(CaseUnit.unit_id, Unit.name, CaseUnit.role)
        .join(Unit, Unit.id == CaseUnit.unit_id)
        .where(CaseUnit.case_id == case_id)
        .order_by(CaseUnit.since, CaseUnit.unit_id)
    )
    return [Participant(uid, name, role) for uid, name, role in rows]


def _audit_row(session: Session, case: ProtectionCase) -> dict[str, Any]:
    return case.as_dict() | {"participants": [p.as_dict() for p in _participants(session, case.id)]}


def view_for(session: Session, actor: Actor, case: ProtectionCase) -> CaseView:
    """The case as ``actor`` sees it now (after the write)."""
    access = access_to(session, actor, case)
    if access is None:  # e.g. an editor whose unit lost its view: nothing to show
        raise NotFound(ENTITY, case.id)
    unit = session.get(Unit, case.unit_id)
    assert unit is not None
    names = {}
    if case.district:
        district = session.scalar(select(Unit).where(Unit.admin_code == case.district))
        if district is not None:
            names[case.district] = district.short_name or district.name
    return make_view(
        case,
        access,
        unit=unit,
        participants=_participants(session, case.id),
        district_names=names,
    )


def _load_for_change(
    session: Session, actor: Actor, case_id: int, expected_version: int | None
) -> ProtectionCase:
    """Lock the case, insist the actor may change it, then that it is the version edited.
    The right is checked before the version, so a StaleVersion (which carries the row in
    clear) only ever reaches someone who may see it."""
    if actor.role in (Role.ANONYMOUS, Role.LEADER):
        raise PermissionDenied(EDIT_CASES)
    case = session.get(ProtectionCase, case_id, with_for_update=True, populate_existing=True)
    if case is None:
        raise NotFound(ENTITY, case_id)
    access = access_to(session, actor, case)
    if access is None:
        raise NotFound(ENTITY, case_id)
    if not can_edit(access):
        raise PermissionDenied(EDIT_CASES)
    if expected_version is None or case.version != expected_version:
        raise StaleVersion(
            ENTITY,
            case.id,
            expected_version=expected_version,
            current_version=case.version,
            current=case.as_dict(),
        )
    return case


def _unit(session: Session, unit_id: int, field_name: str = "unit_id") -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise invalid(field_name, "field.unknown_unit", value=unit_id)
    return unit


def _check_key(session: Session, unit_id: int, case_no: str, own_id: int | None) -> None:
    """(unit, case number) is the key: no second case with it, and none the unit transferred
    away or handles jointly (the owner keeps that one)."""
    other = session.scalar(
        select(ProtectionCase.id).where(
            ProtectionCase.unit_id == unit_id, ProtectionCase.case_no == case_no
        )
    )
    if other is not None and other != own_id:
        raise invalid("case_no", "field.duplicate", value=case_no)
    elsewhere = session.scalar(
        select(ProtectionCase.id)
        .join(CaseUnit, CaseUnit.case_id == ProtectionCase.id)
        .where(CaseUnit.unit_id == unit_id, ProtectionCase.case_no == case_no)
    )
    if elsewhere is not None and elsewhere != own_id:
        raise invalid("case_no", "field.case_elsewhere", value=case_no)


def _validate_together(values: Mapping[str, Any], today: date) -> None:
    problems = check_case(values, today=today)
    if problems:
        raise ValidationError([FieldError(f, k, p) for f, k, p in problems])


def _store(case: ProtectionCase, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        if name in AMOUNT_COLUMNS:
            setattr(case, AMOUNT_COLUMNS[name], value)
        elif name in (
            "cause",
            "outcome_text",
            "cross_region_note",
            "claimants",
            "respondents",
            "note",
        ):
            setattr(case, name, value or "")
        elif name in ("foreign_related", "cross_region", "synthetic"):
            setattr(case, name, bool(value))
        else:
            setattr(case, name, value)
    if case.cross_region_note and not case.cross_region:
        case.cross_region = True  # naming the co-operation (长三角) says it is cross-region


def _current_values(case: ProtectionCase) -> dict[str, Any]:
    return {"received_on": case.received_on, "closed_on": case.closed_on, "outcome": case.outcome}


def _years_touched(cases: Iterable[tuple[date, date | None]], today: date) -> list[int]:
    """Years whose indicators a case can change: from its receipt to its closure (or today,
    while open) — it is pending at the start of each year in between."""
    years: set[int] = set()
    for received, closed in cases:
        last = (closed or today).year
        years |= set(range(received.year, max(last, received.year) + 1))
    return sorted(years)


def _refresh(session: Session, years: list[int]) -> None:
    from ipcity.protection.indicators import refresh_live_actuals

    refresh_live_actuals(session, years=years)


def do_create_case(
    session: Session,
    actor: Actor,
    data: Mapping[str, Any],
    *,
    today: date | None = None,
    refresh: bool = True,
) -> CaseView:
    """Record a case. Fields: unit_id (a unit editor's own unit by default; required for the
    office), case_no*, kind*, ip_type*, cause, received_on*, closed_on, outcome, outcome_text,
    foreign_related, cross_region, cross_region_note, district (GB/T 2260 code or name;
    default: the owning unit's, for a district), claimants, respondents, amount_claimed,
    amount_awarded, fines, value_seized (yuan), note, synthetic."""
    today = app_today(today)
    data = dict(data)
    if data.get("unit_id") in (None, "") and actor.role is Role.UNIT_EDITOR:
        data["unit_id"] = actor.unit_id
    if actor.role in (Role.ANONYMOUS, Role.LEADER):
        raise PermissionDenied(EDIT_CASES)
    values = parse_fields(data, case_fields(_districts(session)), partial=False)
    if values.get("unit_id") is None:
        raise invalid("unit_id", "field.required")
    require_record_for_unit(actor, values["unit_id"])
    unit = _unit(session, values["unit_id"])
    _validate_together(values, today)
    _check_key(session, unit.id, values["case_no"], None)
    if not values.get("district") and unit.kind == "district" and unit.admin_code:
        values["district"] = unit.admin_code
    stamp = stamp_on(today)  # the app's day (a demo's), not the calendar's
    case = ProtectionCase(created_at=stamp, updated_at=stamp)
    _store(
        case,
        {
            "cause": "",
            "outcome_text": "",
            "cross_region_note": "",
            "claimants": "",
            "respondents": "",
            "note": "",
            "foreign_related": False,
            "cross_region": False,
            "synthetic": False,
            **values,
        },
    )
    session.add(case)
    session.flush()
    audit.record(
        session, actor, "case.create", ENTITY, case.id, before=None, after=case.as_dict(), at=stamp
    )
    if refresh:
        _refresh(session, _years_touched([(case.received_on, case.closed_on)], today))
    return view_for(session, actor, case)


def do_update_case(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    expected_version: int,
    changes: Mapping[str, Any],
    today: date | None = None,
    refresh: bool = True,
) -> CaseView:
    """Change fields of a case (not its unit: see do_transfer_case). Unknown fields are a
    ValidationError."""
    today = app_today(today)
    case = _load_for_change(session, actor, case_id, expected_version)
    schema = {k: v for k, v in case_fields(_districts(session)).items() if k != "unit_id"}
    values = parse_fields(changes, schema, partial=True)
    _validate_together(_current_values(case) | values, today)
    if "case_no" in values and values["case_no"] != case.case_no:
        _check_key(session, case.unit_id, values["case_no"], case.id)
    before = _audit_row(session, case)
    old_span = (case.received_on, case.closed_on)
    _store(case, values)
    case.updated_at = record_now()
    session.flush()
    audit.record(
        session,
        actor,
        "case.update",
        ENTITY,
        case.id,
        before=before,
        after=_audit_row(session, case),
    )
    if refresh:
        _refresh(session, _years_touched([old_span, (case.received_on, case.closed_on)], today))
    return view_for(session, actor, case)


def do_delete_case(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    expected_version: int,
    today: date | None = None,
) -> None:
    """Delete a case recorded by mistake (owner or office). The audit entry keeps the row."""
    today = app_today(today)
    case = _load_for_change(session, actor, case_id, expected_version)
    before = _audit_row(session, case)
    span = (case.received_on, case.closed_on)
    session.execute(delete(Referral).where(Referral.case_id == case.id))
    session.execute(delete(CaseUnit).where(CaseUnit.case_id == case.id))
    session.delete(case)
    session.flush()
    audit.record(session, actor, "case.delete", ENTITY, case_id, before=before, after=None)
    _refresh(session, _years_touched([span], today))


def _set_role(session: Session, case_id: int, unit_id: int, role: str | None) -> None:
    row = session.get(CaseUnit, (case_id, unit_id))
    if role is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        session.add(CaseUnit(case_id=case_id, unit_id=unit_id, role=role, since=record_now()))
    else:
        row.role = role
        row.since = record_now()


def _referral(
    session: Session,
    actor: Actor,
    case: ProtectionCase,
    kind: str,
    from_unit_id: int | None,
    to_unit_id: int,
    note: str,
) -> None:
    session.add(
        Referral(
            case_id=case.id,
            kind=kind,
            from_unit_id=from_unit_id,
            to_unit_id=to_unit_id,
            note=(note or "").strip()[:2000],
            actor_id=actor.user_id,
            actor_name=actor.name,
            at=record_now(),
        )
    )


def do_transfer_case(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    expected_version: int,
    to_unit_id: int,
    note: str = "",
    today: date | None = None,
) -> CaseView:
    """Move a case to another unit (移送). The giving unit keeps a read view (names masked);
    a unit that handled it jointly or owned it before becomes the owner. Counted once, under
    the new owner, from now on."""
    today = app_today(today)
    case = _load_for_change(session, actor, case_id, expected_version)
    target = _unit(session, int(to_unit_id), "to_unit_id")
    if target.id == case.unit_id:
        raise invalid("to_unit_id", "field.same_unit", value=target.name)
    clash = session.scalar(
        select(ProtectionCase.id).where(
            ProtectionCase.unit_id == target.id, ProtectionCase.case_no == case.case_no
        )
    )
    if clash is not None:
        raise invalid("to_unit_id", "field.duplicate", value=case.case_no)
    before = _audit_row(session, case)
    old_owner = case.unit_id
    _set_role(session, case.id, target.id, None)
    _set_role(session, case.id, old_owner, "previous")
    case.unit_id = target.id
    case.updated_at = record_now()
    touch(case)
    _referral(session, actor, case, "transfer", old_owner, target.id, note)
    session.flush()
    audit.record(
        session,
        actor,
        "case.transfer",
        ENTITY,
        case.id,
        before=before,
        after=_audit_row(session, case) | {"note": note},
    )
    _refresh(session, _years_touched([(case.received_on, case.closed_on)], today))
    return view_for(session, actor, case)


def do_add_joint_unit(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    expected_version: int,
    unit_id: int,
    note: str = "",
) -> CaseView:
    """Let another unit handle the case jointly (联合办理): it sees the case as the owner does.
    The case is still counted once, under its owner."""
    case = _load_for_change(session, actor, case_id, expected_version)
    unit = _unit(session, int(unit_id))
    if unit.id == case.unit_id:
        raise invalid("unit_id", "field.same_unit", value=unit.name)
    row = session.get(CaseUnit, (case.id, unit.id))
    if row is not None and row.role == "joint":
        raise invalid("unit_id", "field.duplicate", value=unit.name)
    before = _audit_row(session, case)
    _set_role(session, case.id, unit.id, "joint")
    case.updated_at = record_now()
    touch(case)
    _referral(session, actor, case, "join", None, unit.id, note)
    session.flush()
    audit.record(
        session, actor, "case.join", ENTITY, case.id, before=before, after=_audit_row(session, case)
    )
    return view_for(session, actor, case)


def do_remove_joint_unit(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    expected_version: int,
    unit_id: int,
    note: str = "",
) -> CaseView:
    """End a unit's joint handling; it keeps a read view (``previous``, names masked) of the
    case it worked on."""
    case = _load_for_change(session, actor, case_id, expected_version)
    unit = _unit(session, int(unit_id))
    row = session.get(CaseUnit, (case.id, unit.id))
    if row is None or row.role != "joint":
        raise invalid("unit_id", "field.not_participant", value=unit.name)
    before = _audit_row(session, case)
    _set_role(session, case.id, unit.id, "previous")
    case.updated_at = record_now()
    touch(case)
    _referral(session, actor, case, "leave", None, unit.id, note)
    session.flush()
    audit.record(
        session,
        actor,
        "case.leave",
        ENTITY,
        case.id,
        before=before,
        after=_audit_row(session, case),
    )
    return view_for(session, actor, case)


def amount_value(fen: int | None) -> Decimal | None:
    """Fen -> yuan for passing an amount back into an action (exact)."""
    return None if fen is None else Decimal(fen) / 100
