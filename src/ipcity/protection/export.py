"""Exporting cases in the import layout (XLSX or CSV), as the viewer may see them.

Rows come from ``queries.list_cases``, so the masking rules hold in files too: a leader's or a
previous owner's export has masked party names and no notes. A unit's export of its own cases
is in clear and re-imports unchanged (round trip). Amount columns say 元 in the header.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ipcity.errors import InputError
from ipcity.protection import vocab
from ipcity.protection.layout import EXPORT_FIELDS, export_header
from ipcity.protection.queries import CaseFilter, CaseView, list_cases
from ipcity.workspace.permissions import Actor
from ipcity.workspace.tabular import write_csv, write_xlsx


def _money(value: Decimal | None) -> Any:
    if value is None:
        return ""
    return float(value) if value != value.to_integral_value() else int(value)


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def case_row(v: CaseView) -> list[Any]:
    cells: dict[str, Any] = {
        "case_no": v.case_no,
        "unit": v.unit_name,
        "kind": vocab.kind_label(v.kind),
        "ip_type": vocab.ip_type_label(v.ip_type),
        "cause": v.cause,
        "received_on": v.received_on.isoformat(),
        "closed_on": v.closed_on.isoformat() if v.closed_on else "",
        "outcome": vocab.outcome_label(v.outcome) if v.outcome else "",
        "outcome_text": v.outcome_text,
        "foreign_related": _yes(v.foreign_related),
        "cross_region": v.cross_region_note or _yes(v.cross_region),
        "district": v.district_name if v.district else "",
        "claimants": v.claimants,
        "respondents": v.respondents,
        "amount_claimed": _money(v.amount_claimed),
        "amount_awarded": _money(v.amount_awarded),
        "fines": _money(v.fines),
        "value_seized": _money(v.value_seized),
        "note": v.note,
        "synthetic": _yes(v.synthetic),
    }
    return [cells[f] for f in EXPORT_FIELDS]


def export_cases(
    session: Session, viewer: Actor, filters: CaseFilter | None = None, *, fmt: str = "xlsx"
) -> bytes:
    """The cases the viewer sees (filtered), masked as the viewer must see them."""
    views = list_cases(session, viewer, filters)
    rows = [case_row(v) for v in sorted(views, key=lambda v: (v.unit_code, v.received_on, v.id))]
    if fmt == "xlsx":
        return write_xlsx(export_header(), rows, title="知识产权保护案件")
    if fmt == "csv":
        return write_csv(export_header(), rows)
    raise InputError(f"unknown export format {fmt!r} (use xlsx or csv)")
