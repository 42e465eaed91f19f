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
    Outcome,
    Strict,
    omissible,
)


class CaseFields(Strict):
    """Dates ISO (2023-06-30) or 2023年6月30日; kinds, IP types and outcomes as codes or in
    Chinese (民事, 发明专利, 调解成功); district as GB/T 2260 code or name."""

    case_no: str = omissible()
    kind: CaseKind = omissible()
    ip_type: IpType = omissible()
    cause: str = omissible()
    received_on: date | str = omissible()
    closed_on: date | str | None = None
    outcome: Outcome | None = None
    outcome_text: str = omissible()
    foreign_related: bool = omissible()
    cross_region: bool = omissible()
    cross_region_note: str = omissible()
    district: str | None = None
    claimants: str = omissible()
    respondents: str = omissible()
    amount_claimed: Money | None = None
    amount_awarded: Money | None = None
    fines: Money | None = None
    value_seized: Money | None = None
    note: str = omissible()
    synthetic: bool = omissible()


class CaseCreate(CaseFields):
    """``unit_id``: the owning unit (a unit editor's own by default; required for the
    office); ``case_no``, ``kind``, ``ip_type``, ``received_on`` are required."""

    unit_id: DbId | None = None


class CaseUpdate(CaseFields):
    """``version``: the version the change was based on (a stale one gets 409)."""

    version: Version


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
    to_unit_id: DbId
    note: str = ""


class JointIn(Strict):
    version: Version
    unit_id: DbId
    note: str = ""


class Participant(BaseModel):
    unit_id: int
    unit_name: str
    role: str


class CasePublic(BaseModel):
    """A case as the caller may see it: ``names_masked`` says whether the party names are
    masked (then ``note`` and ``outcome_text`` are empty)."""

    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    case_no: str
    kind: CaseKind
    kind_label: str
    ip_type: IpType
    ip_type_label: str
    cause: str
    received_on: str
    closed_on: str | None
    status: CaseStatus
    handling_days: int | None
    outcome: str | None
    outcome_label: str
    outcome_text: str
    foreign_related: bool
    cross_region: bool
    cross_region_note: str
    district: str | None
    district_name: str
    claimants: str
    respondents: str
    names_masked: bool
    amount_claimed: float | None
    amount_awarded: float | None
    fines: float | None
    value_seized: float | None
    note: str
    synthetic: bool
    access: str
    can_edit: bool
    participants: list[Participant]
    version: int
    updated_at: str


class CaseDetail(CasePublic):
    history: list[dict[str, Any]]


class CaseList(BaseModel):
    total: int
    items: list[CasePublic]
