"""Importing a member unit's case sheet (XLSX or CSV, the unit's own layout; see ``layout``).

- **Keyed by (unit, 案号)**: re-running a sheet updates the cases whose cells changed, leaves
  the others untouched (no audit entry, no version step) and lists the unit's cases missing
  from the sheet in ``not_in_file`` (kept, never deleted). Only the columns the sheet has are
  compared and written: a sheet without 备注 leaves the notes as they are; a blank cell in a
  column the sheet has clears the value.
- A row whose case the unit transferred to another unit, or handles jointly with the owner, is
  **skipped** (listed in ``skipped``): the owner keeps that record, so it is never counted
  twice.
- **All or nothing**: every row is checked first (the same rules as the form: dates, closure
  after receipt, nothing in the future, an outcome only with a closure date, known kinds, IP
  types, outcomes and districts, 案号 once per sheet); any problem raises ImportRejected listing
  every (row as Excel numbers it, column header, message) and nothing is written. The writes
  then go through the same actions as the form inside a savepoint (each created or updated case
  gets its audit entry); should one still be refused, the savepoint is rolled back and the row
  reported the same way.
- 办理单位, when the sheet has it, must name the importing unit (or be blank).
- **Preview first** (``preview_case_import``): the cases it would add, update (each changed
  field, before and after) and leave, the skipped rows, and warnings; a 案号 that another
  unit already records warns loudly (the case would be counted twice: transfer it instead).
  ``do_import_cases(..., expected_token=)`` applies exactly the previewed import or refuses
  (StalePreview) when the cases changed in between.

After the import the workspace targets reading protection indicators are refreshed once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ipcity.clock import app_today
from ipcity.protection import fields as F
from ipcity.protection.actions import (
    _refresh,
    _years_touched,
    do_create_case,
    do_update_case,
)
from ipcity.protection.layout import AMOUNT_FIELDS, CASE_ALIASES, REQUIRED, find_case_header
from ipcity.protection.models import CaseUnit, ProtectionCase
from ipcity.protection.permissions import is_office, require_record_for_unit
from ipcity.workspace.actions._common import Invalid
from ipcity.workspace.actions.imports import PENDING_RIGHTS
from ipcity.workspace.errors import ImportRejected, NotFound, RowError, ValidationError
from ipcity.workspace.excel_io import read_sheet
from ipcity.workspace.import_preview import ImportPreview, StalePreview, digest, field_changes
from ipcity.workspace.models import Unit
from ipcity.workspace.permissions import Actor
from ipcity.workspace.tabular import Rows, cell_text
from ipcity.workspace.unit_names import UnitIndex

PENDING_RIGHTS["cases"] = require_record_for_unit  # a case sheet kept for its preview


@dataclass
class CaseImportResult:
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # transferred away or kept by a joint owner
    not_in_file: list[str] = field(default_factory=list)  # the unit's cases the sheet lacks

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class CaseRow:
    """One checked row: the values of the columns the sheet has, in the form's shape."""

    row: int
    case_no: str
    values: dict[str, Any]


_TEXT_LIMITS = {
    "cause": 200,
    "outcome_text": 500,
    "claimants": 2000,
    "respondents": 2000,
    "note": 20000,
}


@dataclass
class _Sheet:
    """What every row of one sheet is read with."""

    unit: Unit
    cols: dict[str, int]
    scales: dict[str, int]
    header: dict[str, str]
    districts: F.DistrictIndex
    units: UnitIndex
    default_kind: str | None
    today: date


Parser = Callable[[Any], Any]


class _Row:
    """One data row being checked: its cells, the values read so far and the problems."""

    def __init__(self, sheet: _Sheet, cells: list[Any], excel_row: int) -> None:
        self.sheet = sheet
        self.cells = cells
        self.excel_row = excel_row
        self.values: dict[str, Any] = {}
        self.problems: list[RowError] = []

    def cell(self, f: str) -> Any:
        j = self.sheet.cols.get(f)
        return self.cells[j] if j is not None and j < len(self.cells) else None

    def err(self, f: str, key: str, **params: Any) -> None:
        column = self.sheet.header.get(f, CASE_ALIASES[f][0])
        self.problems.append(RowError(self.excel_row, column, key, params))

    def parse(self, f: str, parser: Parser, *, required: bool = False) -> None:
        raw = self.cell(f)
        if not cell_text(raw):
            self.values[f] = None
            if required:
                self.err(f, "field.required")
            return
        try:
            self.values[f] = parser(raw.strip() if isinstance(raw, str) else raw)
        except Invalid as exc:
            self.err(f, exc.key, **exc.params)


def _read_row(sheet: _Sheet, row: _Row, seen: dict[str, int]) -> str:
    """Check one row (filling ``row.values`` and ``row.problems``); its case number."""
    cols = sheet.cols
    case_no = ""
    try:
        case_no = F.case_number(cell_text(row.cell("case_no")))
    except Invalid as exc:
        row.err("case_no", exc.key, **exc.params)
    if case_no:
        if case_no in seen:
            row.err("case_no", "field.duplicate", value=case_no)
        seen.setdefault(case_no, row.excel_row)
    unit_text = cell_text(row.cell("unit"))
    if unit_text:
        named = sheet.units.resolve(unit_text)
        if not (isinstance(named, list) and len(named) == 1 and named[0].id == sheet.unit.id):
            row.err("unit", "field.not_own_unit", value=unit_text)
    if "kind" in cols and cell_text(row.cell("kind")):
        row.parse("kind", F.kind)
    elif sheet.default_kind:
        row.values["kind"] = sheet.default_kind
    else:
        row.err("kind", "field.required")
    row.parse("ip_type", F.ip_type, required=True)
    row.parse("received_on", F.a_day, required=True)
    optional: tuple[tuple[str, Parser], ...] = (
        ("closed_on", F.a_day),
        ("outcome", F.outcome),
        ("foreign_related", F.yes_no),
        ("district", sheet.districts.resolve),
        ("synthetic", F.yes_no),
    )
    for f, parser in optional:
        if f in cols:
            row.parse(f, parser)
    for f in ("foreign_related", "synthetic"):
        if f in row.values and row.values[f] is None:
            row.values[f] = False
    if "cross_region" in cols:
        try:
            flag, note = F.flag_with_note(cell_text(row.cell("cross_region")))
            row.values["cross_region"], row.values["cross_region_note"] = flag, note
        except Invalid as exc:
            row.err("cross_region", exc.key, **exc.params)
    for f, limit in _TEXT_LIMITS.items():
        if f in cols:
            text = cell_text(row.cell(f))
            if len(text) > limit:
                row.err(f, "field.too_long", max=limit)
            row.values[f] = text
    for f in AMOUNT_FIELDS:
        if f not in cols:
            continue
        raw = row.cell(f)
        if not cell_text(raw):
            row.values[f] = None
            continue
        try:
            row.values[f] = Decimal(F.fen(raw, sheet.scales.get(f, 1))) / 100
        except Invalid as exc:
            row.err(f, exc.key, **exc.params)
    for f, key, params in F.check_case(row.values, today=sheet.today):
        row.err(f, key, **params)
    return case_no


def parse_case_rows(
    session: Session,
    unit: Unit,
    rows: Rows,
    *,
    default_kind: str | None = None,
    today: date,
) -> tuple[list[CaseRow], list[RowError]]:
    """Check every row of a case sheet; (rows, errors) — no errors means all good."""
    found = find_case_header(rows, REQUIRED if default_kind else (*REQUIRED, "kind"))
    if found is None:
        need = [*REQUIRED] + ([] if default_kind else ["kind"])
        names = "、".join(CASE_ALIASES[r][0] for r in need)
        return [], [RowError(1, "", "field.no_header", {"value": names})]
    hdr, cols, scales = found
    all_units = list(session.scalars(select(Unit)))
    sheet = _Sheet(
        unit=unit,
        cols=cols,
        scales=scales,
        header={f: cell_text(rows[hdr][j]) for f, j in cols.items()},
        districts=F.DistrictIndex(all_units),
        units=UnitIndex(all_units),
        default_kind=default_kind,
        today=today,
    )
    out: list[CaseRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for i in range(hdr + 1, len(rows)):
        cells = list(rows[i])
        if not any(cell_text(c) for c in cells):
            continue
        row = _Row(sheet, cells, i + 1)
        case_no = _read_row(sheet, row, seen)
        if row.problems:
            errors.extend(row.problems)
            continue
        row.values["case_no"] = case_no
        out.append(CaseRow(row.excel_row, case_no, row.values))
    return out, errors


def _current(case: ProtectionCase) -> dict[str, Any]:
    d = case.as_dict()

    def money(fen: int | None) -> Decimal | None:
        return None if fen is None else Decimal(fen) / 100

    return {
        **{k: d[k] for k in ("case_no", "kind", "ip_type", "outcome", "district")},
        "cause": case.cause or "",
        "received_on": case.received_on,
        "closed_on": case.closed_on,
        "outcome_text": case.outcome_text or "",
        "foreign_related": case.foreign_related,
        "cross_region": case.cross_region,
        "cross_region_note": case.cross_region_note or "",
        "claimants": case.claimants or "",
        "respondents": case.respondents or "",
        "amount_claimed": money(case.amount_claimed_fen),
        "amount_awarded": money(case.amount_awarded_fen),
        "fines": money(case.fines_fen),
        "value_seized": money(case.value_seized_fen),
        "note": case.note or "",
        "synthetic": case.synthetic,
    }


def _changes(case: ProtectionCase, values: Mapping[str, Any]) -> dict[str, Any]:
    now = _current(case)
    return {k: v for k, v in values.items() if now.get(k) != v}


def _rejected(row: int, exc: ValidationError) -> list[RowError]:
    return [
        RowError(row, CASE_ALIASES.get(e.field, (e.field,))[0], e.key, e.params) for e in exc.errors
    ]


class _Abort(Exception):
    """Leaves the savepoint (rolling it back) when an action refused a row."""


@dataclass(frozen=True)
class CaseImport:
    """A case sheet read and checked, ready to write (see ``read_case_import``)."""

    unit_id: int
    rows: list[CaseRow]


def read_case_import(
    session: Session,
    actor: Actor,
    unit_id: int,
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    default_kind: str | None = None,
    today: date | None = None,
) -> CaseImport:
    """Read and check a case sheet for ``unit_id`` (no writes: a read session is enough, so
    the web app does this before it opens the write transaction). ImportRejected lists every
    problem. ``default_kind`` (a code or wording) is used for rows without 案件类型."""
    today = app_today(today)
    require_record_for_unit(actor, unit_id)
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("unit", unit_id)
    kind = None
    if default_kind:
        try:
            kind = F.kind(default_kind)
        except Invalid as exc:
            raise ImportRejected([RowError(0, "案件类型", exc.key, exc.params)]) from None
    required = REQUIRED if kind else (*REQUIRED, "kind")
    rows = read_sheet(
        data,
        filename,
        sheet=sheet,
        header_found=lambda first: find_case_header(first, required) is not None,
    )
    if isinstance(rows, RowError):
        raise ImportRejected([rows])
    parsed, errors = parse_case_rows(session, unit, rows, default_kind=kind, today=today)
    if errors:
        raise ImportRejected(errors)
    return CaseImport(unit.id, parsed)


@dataclass
class _CaseOp:
    row: int
    case_no: str
    case: ProtectionCase | None  # None: create
    values: dict[str, Any]  # create: the row's values; update: the changed fields only


@dataclass(kw_only=True)
class CaseImportPreview(ImportPreview):
    """What importing a checked case sheet would do (see ``ImportPreview``): ``add`` (a row
    whose 案号 another unit already records is ``loud``: the case would be counted twice),
    ``update`` with field-level changes, ``unchanged``, ``skipped`` (transferred away or kept
    by the joint owner) and ``not_in_file`` case numbers."""

    unit_id: int
    skipped: list[str] = field(default_factory=list)
    ops: list[_CaseOp] = field(default_factory=list, repr=False)

    def as_dict(self, locale: str = "zh") -> dict[str, Any]:
        return {**super().as_dict(locale), "skipped": self.skipped}


def _show(f: str, value: Any) -> Any:
    """A value as the preview shows it (JSON-friendly: dates ISO, amounts as strings)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def preview_case_import(session: Session, actor: Actor, checked: CaseImport) -> CaseImportPreview:
    """What ``do_import_cases`` would do with ``checked`` now (no writes)."""
    require_record_for_unit(actor, checked.unit_id)
    unit = session.get(Unit, checked.unit_id)
    if unit is None:
        raise NotFound("unit", checked.unit_id)
    wanted = {r.case_no for r in checked.rows}
    owned = {
        c.case_no: c
        for c in session.scalars(
            select(ProtectionCase)
            .where(ProtectionCase.unit_id == unit.id)
            .order_by(ProtectionCase.id)
        )
    }
    # The unit's part in other units' cases (transferred away, joint): those rows are skipped.
    kept_by = dict(
        session.execute(
            select(ProtectionCase.case_no, ProtectionCase.unit_id)
            .join(CaseUnit, CaseUnit.case_id == ProtectionCase.id)
            .where(CaseUnit.unit_id == unit.id, ProtectionCase.unit_id != unit.id)
        ).all()
    )
    # The same 案号 recorded by another unit the importing unit has no part in.
    others = dict(
        session.execute(
            select(ProtectionCase.case_no, ProtectionCase.unit_id).where(
                ProtectionCase.unit_id != unit.id, ProtectionCase.case_no.in_(wanted)
            )
        ).all()
    )
    names = {u.id: u.name for u in session.scalars(select(Unit))}
    preview = CaseImportPreview(unit_id=unit.id)
    for r in checked.rows:
        case = owned.get(r.case_no)
        if case is None and r.case_no in kept_by:
            preview.skipped.append(r.case_no)
            preview.warnings.append(
                _warning(r, "import.case_skipped", unit=names.get(kept_by[r.case_no], ""))
            )
            continue
        if case is None:
            values = {k: v for k, v in r.values.items() if v is not None}
            preview.ops.append(_CaseOp(r.row, r.case_no, None, values))
            owner = others.get(r.case_no)
            if owner is not None:
                preview.warnings.append(
                    _warning(r, "import.case_owned_elsewhere", unit=names.get(owner, ""))
                    if is_office(actor)  # a unit editor is not told whose case it is
                    else _warning(r, "import.case_owned_by_another")
                )
            preview.add.append(
                {
                    "row": r.row,
                    "seq": "",
                    "code": r.case_no,
                    "case_no": r.case_no,
                    "kind": values.get("kind"),
                    "ip_type": values.get("ip_type"),
                    "received_on": _show("received_on", values.get("received_on")),
                    "closed_on": _show("closed_on", values.get("closed_on")),
                    "loud": owner is not None,
                }
            )
            continue
        changes = _changes(case, r.values)
        if not changes:
            preview.unchanged.append(r.case_no)
            continue
        preview.ops.append(_CaseOp(r.row, r.case_no, case, changes))
        preview.update.append(
            {
                "row": r.row,
                "seq": "",
                "code": r.case_no,
                "case_no": r.case_no,
                "title": case.cause or "",
                "reports": 0,
                "loud": False,
                "changes": field_changes(_current(case), changes, _show),
            }
        )
    preview.not_in_file = sorted(c for c in owned if c not in wanted)
    preview.token = digest(
        {
            "unit": unit.id,
            "cases": [[c.id, c.version] for c in owned.values()],
            "kept_by": sorted(kept_by.items()),
            "others": sorted(others.items()),
            "ops": [[op.case_no, op.case.id if op.case else None, op.values] for op in preview.ops],
        }
    )
    return preview


def _warning(r: CaseRow, key: str, **params: Any) -> RowError:
    return RowError(r.row, CASE_ALIASES["case_no"][0], key, {"value": r.case_no, **params})


def do_import_cases(
    session: Session,
    actor: Actor,
    unit_id: int,
    data: bytes | CaseImport,
    filename: str = "",
    *,
    sheet: str | None = None,
    default_kind: str | None = None,
    today: date | None = None,
    expected_token: str | None = None,
) -> CaseImportResult:
    """Import a case sheet for ``unit_id`` (a unit editor: its own unit; the office: any).
    ``data`` is the sheet's bytes or what ``read_case_import`` returned for it. With
    ``expected_token`` (a preview's) it writes only when the preview still holds
    (else StalePreview, nothing written)."""
    today = app_today(today)
    require_record_for_unit(actor, unit_id)
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("unit", unit_id)
    if isinstance(data, CaseImport):
        if data.unit_id != unit.id:
            raise ValueError("the checked import belongs to another unit")
        checked = data
    else:
        checked = read_case_import(
            session,
            actor,
            unit.id,
            data,
            filename,
            sheet=sheet,
            default_kind=default_kind,
            today=today,
        )
    preview = preview_case_import(session, actor, checked)
    if expected_token is not None and preview.token != expected_token:
        raise StalePreview()
    result = CaseImportResult(
        rows=len(checked.rows),
        unchanged=list(preview.unchanged),
        skipped=list(preview.skipped),
        not_in_file=list(preview.not_in_file),
    )
    spans: list[tuple[date, date | None]] = []
    failures: list[RowError] = []
    try:
        with session.begin_nested():
            for op in preview.ops:
                try:
                    if op.case is None:
                        view = do_create_case(
                            session,
                            actor,
                            {"unit_id": unit.id, **op.values},
                            today=today,
                            refresh=False,
                        )
                        result.created.append(op.case_no)
                    else:
                        spans.append((op.case.received_on, op.case.closed_on))
                        # The previewed changes, on the version the preview saw.
                        view = do_update_case(
                            session,
                            actor,
                            op.case.id,
                            expected_version=op.case.version,
                            changes=op.values,
                            today=today,
                            refresh=False,
                        )
                        result.updated.append(op.case_no)
                    spans.append((view.received_on, view.closed_on))
                except ValidationError as exc:
                    failures.extend(_rejected(op.row, exc))
            if failures:
                raise _Abort
    except _Abort:
        raise ImportRejected(failures) from None
    if spans:
        _refresh(session, _years_touched(spans, today))
    return result
