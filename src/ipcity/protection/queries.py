"""Reading cases, each read taking the viewing Actor: the visibility and masking rules live here.

Every consumer — pages, the API, exports, the CLI — gets :class:`CaseView` objects, never the
ORM rows, so party names cannot leak: a view carries the names in clear only when the viewer
is the office, the owning unit or a unit handling the case jointly; otherwise they are masked
(``masking.mask_names``) and the free-text fields that may name people (``note``, the outcome
as written, referral notes) are left empty. See ``permissions`` for who sees which case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, false, func, or_, select
from sqlalchemy.orm import Session

from ipcity.protection import vocab
from ipcity.protection.masking import mask_names
from ipcity.protection.models import CaseUnit, ProtectionCase, Referral, fen_to_yuan
from ipcity.protection.permissions import (
    CaseAccess,
    can_edit,
    case_access,
    is_office,
    names_visible,
    require_view_cases,
)
from ipcity.workspace.errors import NotFound
from ipcity.workspace.models import Unit
from ipcity.workspace.permissions import Actor, Role


@dataclass(frozen=True)
class Participant:
    unit_id: int
    unit_name: str
    role: str  # joint | previous

    def as_dict(self) -> dict[str, Any]:
        return {"unit_id": self.unit_id, "unit_name": self.unit_name, "role": self.role}


def _money(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class CaseView:
    """A case as one viewer may see it (names masked unless ``names_masked`` is False)."""

    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    case_no: str
    kind: str
    ip_type: str
    cause: str
    received_on: date
    closed_on: date | None
    outcome: str | None
    outcome_text: str
    foreign_related: bool
    cross_region: bool
    cross_region_note: str
    district: str | None
    district_name: str
    claimants: str
    respondents: str
    amount_claimed: Decimal | None
    amount_awarded: Decimal | None
    fines: Decimal | None
    value_seized: Decimal | None
    note: str
    synthetic: bool
    version: int
    updated_at: datetime
    access: CaseAccess
    names_masked: bool
    can_edit: bool
    participants: tuple[Participant, ...] = field(default_factory=tuple)

    @property
    def status(self) -> str:
        return "open" if self.closed_on is None else "closed"

    @property
    def handling_days(self) -> int | None:
        """Calendar days from receipt to closure (received 20 Dec, closed 10 Jan: 21)."""
        return None if self.closed_on is None else (self.closed_on - self.received_on).days

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "id": self.id,
            "unit_id": self.unit_id,
            "unit_code": self.unit_code,
            "unit_name": self.unit_name,
            "case_no": self.case_no,
            "kind": self.kind,
            "kind_label": vocab.kind_label(self.kind, lang),
            "ip_type": self.ip_type,
            "ip_type_label": vocab.ip_type_label(self.ip_type, lang),
            "cause": self.cause,
            "received_on": self.received_on.isoformat(),
            "closed_on": self.closed_on.isoformat() if self.closed_on else None,
            "status": self.status,
            "handling_days": self.handling_days,
            "outcome": self.outcome,
            "outcome_label": vocab.outcome_label(self.outcome, lang) if self.outcome else "",
            "outcome_text": self.outcome_text,
            "foreign_related": self.foreign_related,
            "cross_region": self.cross_region,
            "cross_region_note": self.cross_region_note,
            "district": self.district,
            "district_name": self.district_name,
            "claimants": self.claimants,
            "respondents": self.respondents,
            "names_masked": self.names_masked,
            "amount_claimed": _money(self.amount_claimed),
            "amount_awarded": _money(self.amount_awarded),
            "fines": _money(self.fines),
            "value_seized": _money(self.value_seized),
            "note": self.note,
            "synthetic": self.synthetic,
            "access": self.access,
            "can_edit": self.can_edit,
            "participants": [p.as_dict() for p in self.participants],
            "version": self.version,
            "updated_at": self.updated_at.isoformat(timespec="seconds"),
        }


def _district_names(session: Session) -> dict[str, str]:
    rows = session.execute(
        select(Unit.admin_code, Unit.short_name, Unit.name).where(Unit.admin_code.is_not(None))
    )
    return {str(code): short or name for code, short, name in rows}


def make_view(
    case: ProtectionCase,
    access: CaseAccess,
    *,
    unit: Unit,
    participants: Sequence[Participant] = (),
    district_names: dict[str, str] | None = None,
) -> CaseView:
    """The view of ``case`` for a viewer with ``access`` (masking applied here)."""
    clear = names_visible(access)
    return CaseView(
        id=case.id,
        unit_id=case.unit_id,
        unit_code=unit.code,
        unit_name=unit.name,
        case_no=case.case_no,
        kind=case.kind,
        ip_type=case.ip_type,
        cause=case.cause or "",
        received_on=case.received_on,
        closed_on=case.closed_on,
        outcome=case.outcome,
        outcome_text=(case.outcome_text or "") if clear else "",
        foreign_related=case.foreign_related,
        cross_region=case.cross_region,
        cross_region_note=case.cross_region_note or "",
        district=case.district,
        district_name=(district_names or {}).get(case.district or "", case.district or ""),
        claimants=(case.claimants or "") if clear else mask_names(case.claimants or ""),
        respondents=(case.respondents or "") if clear else mask_names(case.respondents or ""),
        amount_claimed=fen_to_yuan(case.amount_claimed_fen),
        amount_awarded=fen_to_yuan(case.amount_awarded_fen),
        fines=fen_to_yuan(case.fines_fen),
        value_seized=fen_to_yuan(case.value_seized_fen),
        note=(case.note or "") if clear else "",
        synthetic=case.synthetic,
        version=case.version,
        updated_at=case.updated_at,
        access=access,
        names_masked=not clear,
        can_edit=can_edit(access),
        participants=tuple(participants),
    )


def _participants(session: Session, case_ids: Sequence[int]) -> dict[int, list[CaseUnit]]:
    out: dict[int, list[CaseUnit]] = {}
    if not case_ids:
        return out
    for cu in session.scalars(
        select(CaseUnit)
        .where(CaseUnit.case_id.in_(list(case_ids)))
        .order_by(CaseUnit.case_id, CaseUnit.since, CaseUnit.unit_id)
    ):
        out.setdefault(cu.case_id, []).append(cu)
    return out


def _views(session: Session, viewer: Actor, cases: Sequence[ProtectionCase]) -> list[CaseView]:
    units = {u.id: u for u in session.scalars(select(Unit))}
    shared = _participants(session, [c.id for c in cases])
    districts = _district_names(session)
    out = []
    for c in cases:
        rows = shared.get(c.id, [])
        mine = next((r.role for r in rows if r.unit_id == viewer.unit_id), None)
        access = case_access(viewer, c, mine)
        if access is None:  # the SQL filter already excludes these; belt and braces
            continue
        parts = [Participant(r.unit_id, units[r.unit_id].name, r.role) for r in rows]
        out.append(
            make_view(
                c, access, unit=units[c.unit_id], participants=parts, district_names=districts
            )
        )
    return out


def _visible_to(viewer: Actor) -> Any:
    """SQL condition: the cases ``viewer`` may see."""
    if is_office(viewer) or viewer.role is Role.LEADER:
        return None
    if viewer.unit_id is None:
        return false()
    shared = select(CaseUnit.case_id).where(CaseUnit.unit_id == viewer.unit_id)
    return or_(ProtectionCase.unit_id == viewer.unit_id, ProtectionCase.id.in_(shared))


def _names_visible_sql(viewer: Actor) -> Any:
    """SQL condition: the cases whose names ``viewer`` sees in clear (for name search)."""
    if is_office(viewer):
        return None
    if viewer.role is not Role.UNIT_EDITOR or viewer.unit_id is None:
        return false()
    joint = select(CaseUnit.case_id).where(
        CaseUnit.unit_id == viewer.unit_id, CaseUnit.role == "joint"
    )
    return or_(ProtectionCase.unit_id == viewer.unit_id, ProtectionCase.id.in_(joint))


def _year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


@dataclass(frozen=True)
class CaseFilter:
    """Filters of the case list; every field optional.

    ``view``: ``all`` (every case the viewer sees), ``owned`` (its unit owns), ``shared``
    (joint or previously owned). ``search`` matches the case number, and party names only
    among cases whose names the viewer sees in clear (a search must not reveal who is a
    party to a masked case)."""

    unit_id: int | None = None
    received_year: int | None = None
    closed_year: int | None = None
    kind: str | None = None
    ip_type: str | None = None
    status: str | None = None  # open | closed
    district: str | None = None
    synthetic: bool | None = None
    search: str | None = None
    view: str = "all"


def _apply(stmt: Select[Any], viewer: Actor, f: CaseFilter) -> Select[Any]:
    cond = _visible_to(viewer)
    if cond is not None:
        stmt = stmt.where(cond)
    if f.unit_id is not None:
        stmt = stmt.where(ProtectionCase.unit_id == f.unit_id)
    if f.received_year is not None:
        lo, hi = _year_range(f.received_year)
        stmt = stmt.where(ProtectionCase.received_on.between(lo, hi))
    if f.closed_year is not None:
        lo, hi = _year_range(f.closed_year)
        stmt = stmt.where(ProtectionCase.closed_on.between(lo, hi))
    if f.kind:
        stmt = stmt.where(ProtectionCase.kind == f.kind)
    if f.ip_type:
        stmt = stmt.where(ProtectionCase.ip_type == f.ip_type)
    if f.status == "open":
        stmt = stmt.where(ProtectionCase.closed_on.is_(None))
    elif f.status == "closed":
        stmt = stmt.where(ProtectionCase.closed_on.is_not(None))
    if f.district:
        stmt = stmt.where(ProtectionCase.district == f.district)
    if f.synthetic is not None:
        stmt = stmt.where(ProtectionCase.synthetic.is_(f.synthetic))
    if f.view in ("owned", "shared") and viewer.unit_id is not None:
        owned = ProtectionCase.unit_id == viewer.unit_id
        stmt = stmt.where(owned if f.view == "owned" else ~owned)
    if f.search and f.search.strip():
        term = f.search.strip()
        from ipcity.protection.fields import case_number
        from ipcity.workspace.actions._common import Invalid

        try:
            number_term = case_number(term)  # （2023） finds (2023) as stored
        except Invalid:
            number_term = term
        by_number = ProtectionCase.case_no.contains(number_term, autoescape=True)
        by_name = or_(
            ProtectionCase.claimants.contains(term, autoescape=True),
            ProtectionCase.respondents.contains(term, autoescape=True),
        )
        clear = _names_visible_sql(viewer)
        if clear is not None:
            by_name = and_(by_name, clear)
        stmt = stmt.where(or_(by_number, by_name))
    return stmt


def list_cases(
    session: Session,
    viewer: Actor,
    filters: CaseFilter | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> list[CaseView]:
    """The cases ``viewer`` may see, newest receipt first (masked as the viewer must see
    them)."""
    require_view_cases(viewer)
    f = filters or CaseFilter()
    stmt = _apply(select(ProtectionCase), viewer, f).order_by(
        ProtectionCase.received_on.desc(), ProtectionCase.id.desc()
    )
    if offset:
        stmt = stmt.offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return _views(session, viewer, list(session.scalars(stmt)))


def count_cases(session: Session, viewer: Actor, filters: CaseFilter | None = None) -> int:
    require_view_cases(viewer)
    stmt = _apply(select(func.count()).select_from(ProtectionCase), viewer, filters or CaseFilter())
    return int(session.scalar(stmt) or 0)


def get_case(session: Session, viewer: Actor, case_id: int) -> CaseView:
    """One case, or NotFound when it does not exist or the viewer may not see it."""
    require_view_cases(viewer)
    case = session.get(ProtectionCase, case_id)
    if case is None:
        raise NotFound("case", case_id)
    views = _views(session, viewer, [case])
    if not views:
        raise NotFound("case", case_id)
    return views[0]


def access_to(session: Session, viewer: Actor, case: ProtectionCase) -> CaseAccess | None:
    """How ``viewer`` sees ``case`` (None: not at all)."""
    role = None
    if viewer.unit_id is not None:
        row = session.get(CaseUnit, (case.id, viewer.unit_id))
        role = row.role if row is not None else None
    return case_access(viewer, case, role)


@dataclass(frozen=True)
class ReferralView:
    id: int
    kind: str  # transfer | join | leave
    from_unit_id: int | None
    from_unit_name: str
    to_unit_id: int
    to_unit_name: str
    note: str
    actor_name: str
    at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "from_unit_id": self.from_unit_id,
            "from_unit_name": self.from_unit_name,
            "to_unit_id": self.to_unit_id,
            "to_unit_name": self.to_unit_name,
            "note": self.note,
            "actor_name": self.actor_name,
            "at": self.at.isoformat(timespec="seconds"),
        }


def case_history(session: Session, viewer: Actor, case_id: int) -> list[ReferralView]:
    """Transfers and joint-handling changes of a case, oldest first (notes only for viewers
    who see the names in clear: a note may name a party)."""
    view = get_case(session, viewer, case_id)
    units = {u.id: u.name for u in session.scalars(select(Unit))}
    rows = session.scalars(
        select(Referral).where(Referral.case_id == case_id).order_by(Referral.at, Referral.id)
    )
    return [
        ReferralView(
            id=r.id,
            kind=r.kind,
            from_unit_id=r.from_unit_id,
            from_unit_name=units.get(r.from_unit_id, "") if r.from_unit_id else "",
            to_unit_id=r.to_unit_id,
            to_unit_name=units.get(r.to_unit_id, ""),
            note="" if view.names_masked else r.note,
            actor_name=r.actor_name,
            at=r.at,
        )
        for r in rows
    ]
