"""Shapes of the protection API (``/api/v1/cases``, ``/api/v1/protection/...``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from ipcity.web.params import DbId, Version
from ipcity.web.schemas.common import (
    CaseKind,
    CaseStatus,
    IpType,
    Money,
    Out,
    Outcome,
    Strict,
    omissible,
)


class CaseFields(Strict):
    """Dates ISO (2023-06-30) or 2023年6月30日; kinds, IP types and outcomes as codes or in
    Chinese (民事, 发明专利, 调解成功); district as GB/T 2260 code or name. On update a field
    left out is unchanged."""

    case_no: str = omissible()
    """The unit's own case number ((2023)沪73民初123号), unique per unit; required on create."""
    kind: CaseKind = omissible()
    """Kind of case: a code (``civil``, ``criminal``, ``admin_litigation``, ``prosecution``,
    ``admin_ruling``, ``admin_enforcement``, ``mediation``, ``arbitration``,
    ``customs_seizure``) or its Chinese or English name; required on create."""
    ip_type: IpType = omissible()
    """Right concerned: ``patent``, ``trademark``, ``copyright``, ``trade_secret``,
    ``geographical_indication`` or ``other`` (or a Chinese or English name, 发明专利 ...);
    required on create."""
    cause: str = omissible()
    """Cause of action (案由); on create default empty."""
    received_on: date | str = omissible()
    """Day the case was received (立案/受理): ISO or 2023年6月30日; required on create."""
    closed_on: date | str | None = None
    """Day the case was closed (结案), not before ``received_on``; none/``null``: still open."""
    outcome: Outcome | None = None
    """How it ended: a code (``upheld``, ``partly_upheld``, ``dismissed``, ``mediated``,
    ``mediation_failed``, ``settled``, ``withdrawn``, ``penalized``, ``convicted``,
    ``acquitted``, ``prosecuted``, ``not_prosecuted``, ``seized``, ``released``,
    ``transferred``, ``other``) or its Chinese or English name; none/``null``: not known."""
    outcome_text: str = omissible()
    """The outcome as the unit wrote it; on create default empty."""
    foreign_related: bool = omissible()
    """A party is foreign (涉外); on create default false."""
    cross_region: bool = omissible()
    """The case crosses regions (跨区域); on create default false."""
    cross_region_note: str = omissible()
    """Which regions (长三角); on create default empty."""
    district: str | None = None
    """District the case belongs to: GB/T 2260 code (310104) or its name; none/``null``: no
    district."""
    claimants: str = omissible()
    """Claimants or right holders (personal data: shown only to the units handling the case
    and the office); on create default empty."""
    respondents: str = omissible()
    """Respondents or infringers (personal data, as ``claimants``); on create default empty."""
    amount_claimed: Money | None = None
    """Amount claimed, in yuan: a number (1234.5) or text (1,234.50, 12.5万), 0 … 10¹⁵;
    none/``null``: not known."""
    amount_awarded: Money | None = None
    """Amount awarded or agreed, in yuan (as ``amount_claimed``); none/``null``: not known."""
    fines: Money | None = None
    """Fines imposed, in yuan (as ``amount_claimed``); none/``null``: not known."""
    value_seized: Money | None = None
    """Value of the goods seized, in yuan (as ``amount_claimed``); none/``null``: not known."""
    note: str = omissible()
    """Free text (may name people: masked like the parties); on create default empty."""
    synthetic: bool = omissible()
    """Demo data (演示数据): figures that include it say so; on create default false."""


class CaseCreate(CaseFields):
    """``unit_id``: the owning unit (a unit editor's own by default; required for the
    office); ``case_no``, ``kind``, ``ip_type``, ``received_on`` are required."""

    unit_id: DbId | None = None
    """Id of the unit that handles the case; default the caller's unit (a unit editor may
    name only its own; the office must name one)."""


class CaseUpdate(CaseFields):
    """``version``: the version the change was based on (a stale one gets 409)."""

    version: Version
    """The case's ``version`` the change is based on (a stale one: 409)."""


CHECKBOXES = ("foreign_related", "cross_region")


class CaseForm(BaseModel):
    """The case form of the pages: the fields of :class:`CaseFields` as the browser sends
    them, as text. The action parses them, so a bad value shows the form again with the error
    and the user's input (never a bare 422). Checkboxes are present only when ticked."""

    case_no: str = ""
    kind: str = ""
    ip_type: str = ""
    cause: str = ""
    received_on: str = ""
    closed_on: str = ""
    outcome: str = ""
    outcome_text: str = ""
    district: str = ""
    claimants: str = ""
    respondents: str = ""
    amount_claimed: str = ""
    amount_awarded: str = ""
    fines: str = ""
    value_seized: str = ""
    cross_region_note: str = ""
    note: str = ""
    foreign_related: str = ""
    cross_region: str = ""

    def case_data(self) -> dict[str, Any]:
        """The fields for ``do_create_case`` / ``do_update_case`` (and the form shown again)."""
        data: dict[str, Any] = {
            name: getattr(self, name) for name in CaseForm.model_fields if name not in CHECKBOXES
        }
        data["foreign_related"] = "1" if self.foreign_related else "0"
        data["cross_region"] = "1" if self.cross_region or self.cross_region_note.strip() else "0"
        return data


class CaseCreateForm(CaseForm):
    """Recording a case: ``unit_id`` as in :class:`CaseCreate`."""

    unit_id: str = ""


class CaseEditForm(CaseForm):
    """Editing a case: ``version`` as in :class:`CaseUpdate`."""

    version: str = ""


class TransferIn(Strict):
    version: Version
    """The case's ``version`` the transfer is based on (a stale one: 409)."""
    to_unit_id: DbId
    """Id of the unit that takes the case over."""
    note: str = ""
    """Why (kept in the case's history); default empty."""


class JointIn(Strict):
    version: Version
    """The case's ``version`` the change is based on (a stale one: 409)."""
    unit_id: DbId
    """Id of the unit that handles the case jointly (it then sees the party names)."""
    note: str = ""
    """Why (kept in the case's history); default empty."""


class Participant(Out):
    unit_id: int
    """Id of a unit that shares the case besides its owner."""
    unit_name: str
    """Name of that unit."""
    role: str
    """``joint`` (handles it jointly, sees the names) or ``previous`` (owned it before a
    transfer: a masked read view)."""


class CasePublic(Out):
    """A case as the caller may see it: ``names_masked`` says whether the party names are
    masked (then ``note`` and ``outcome_text`` are empty)."""

    id: int
    """Id of the case."""
    unit_id: int
    """Id of the unit that owns (handles) the case."""
    unit_code: str
    """Code of that unit."""
    unit_name: str
    """Name of that unit."""
    case_no: str
    """The unit's case number."""
    kind: CaseKind
    """Kind of case (its code)."""
    kind_label: str
    """The kind in words, in the request's language."""
    ip_type: IpType
    """Right concerned (its code)."""
    ip_type_label: str
    """The IP type in words, in the request's language."""
    cause: str
    """Cause of action (案由), may be empty."""
    received_on: str
    """Day received (ISO date)."""
    closed_on: str | None
    """Day closed (ISO date), or null: open."""
    status: CaseStatus
    """``open`` (no ``closed_on``) or ``closed``."""
    handling_days: int | None
    """Calendar days from receipt to closure (received 20 Dec, closed 10 Jan: 21); null while
    open."""
    outcome: str | None
    """Outcome code, or null."""
    outcome_label: str
    """The outcome in words, in the request's language (empty without one)."""
    outcome_text: str
    """The outcome as the unit wrote it (empty when ``names_masked``)."""
    foreign_related: bool
    """A party is foreign (涉外)."""
    cross_region: bool
    """The case crosses regions (跨区域)."""
    cross_region_note: str
    """Which regions, may be empty."""
    district: str | None
    """GB/T 2260 code of the district, or null."""
    district_name: str
    """Name of the district (empty without one)."""
    claimants: str
    """Claimants (masked, 张** or 上海某**公司 style, when ``names_masked``)."""
    respondents: str
    """Respondents (masked when ``names_masked``)."""
    names_masked: bool
    """true: the caller may not see party names (a leader, a previous owner): ``claimants``
    and ``respondents`` are masked, ``note`` and ``outcome_text`` empty."""
    amount_claimed: float | None
    """Amount claimed in yuan (two decimals: fen), or null."""
    amount_awarded: float | None
    """Amount awarded or agreed in yuan, or null."""
    fines: float | None
    """Fines in yuan, or null."""
    value_seized: float | None
    """Value of the goods seized in yuan, or null."""
    note: str
    """Free text (empty when ``names_masked``)."""
    synthetic: bool
    """Demo data (演示数据): figures that include it say so."""
    access: str
    """Why the caller sees the case: ``office``, ``owner`` (its unit handles it), ``joint``,
    ``previous`` (its unit owned it before a transfer) or ``leader``."""
    can_edit: bool
    """Whether the caller may change, transfer or delete it."""
    participants: list[Participant]
    """Units sharing the case besides the owner (joint, previous)."""
    version: int
    """Row version: send it back with a change (optimistic locking)."""
    updated_at: str
    """When the case last changed (ISO date and time)."""


class CaseDetail(CasePublic):
    history: list[dict[str, Any]]
    """Referral history, oldest first: ``kind`` (``transfer``, ``join``, ``leave``),
    ``from_unit_id``, ``from_unit_name``, ``to_unit_id``, ``to_unit_name``, ``note``,
    ``actor_name``, ``at`` (ISO date and time)."""


class CaseList(Out):
    total: int
    """How many cases match the filters (all pages)."""
    items: list[CasePublic]
    """This page of them (``limit``, ``offset``), newest receipt first."""
