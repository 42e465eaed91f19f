"""Reading the fields of a case, from a form, JSON or a member unit's sheet.

Shared by the actions and the import so a value means the same wherever it is typed:

- case number (案号): NFKC, spaces removed, brackets 〔〕［］【】（） written as ( ) — so
  （2023）沪73知民初1号 and 〔2023〕沪73知民初1号 are the same case;
- dates: a date cell, 2023-06-30, 2023/6/30, 2023.6.30, 20230630, 2023年6月30日 — a full day
  is required (a month alone is not a receipt date);
- kind, IP type, outcome: a code or any wording of ``vocab``;
- amounts in yuan: 1234.5, "1,234.50", "12.5万", "3亿元"; kept to the fen (half-up);
  a header such as 标的额（万元） scales the column (see case_import);
- yes/no: 是/否, Y/N, true/false, 1/0, √, 有/无.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ipcity.protection import vocab
from ipcity.workspace.actions._common import Field, Invalid, ident, text
from ipcity.workspace.models import Unit
from ipcity.workspace.unit_names import UnitIndex

_BRACKETS = str.maketrans(
    {"〔": "(", "〕": ")", "［": "(", "］": ")", "【": "(", "】": ")", "[": "(", "]": ")"}
)


def case_number(value: Any) -> str:
    s = unicodedata.normalize("NFKC", str(value)).translate(_BRACKETS)
    s = re.sub(r"\s+", "", s)
    if not s:
        raise Invalid("field.required")
    if len(s) > 64:
        raise Invalid("field.too_long", max=64)
    return s


_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
)


def a_day(value: Any) -> date:
    """A full date (see the module doc)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = unicodedata.normalize("NFKC", str(value)).strip()
    for form in _DATE_FORMS:
        m = form.match(s if form is _DATE_FORMS[0] else s.replace(" ", ""))
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                break
    raise Invalid("field.invalid_date", value=str(value))


def kind(value: Any) -> str:
    code = vocab.kind_code(str(value))
    if code is None:
        raise Invalid("field.unknown_kind", value=str(value))
    return code


def ip_type(value: Any) -> str:
    code = vocab.ip_type_code(str(value))
    if code is None:
        raise Invalid("field.unknown_ip_type", value=str(value))
    return code


def outcome(value: Any) -> str:
    code = vocab.outcome_code(str(value))
    if code is None:
        raise Invalid("field.unknown_outcome", value=str(value))
    return code


_YES = {"1", "true", "yes", "y", "是", "√", "✓", "✔", "有", "on", "x"}
_NO = {"0", "false", "no", "n", "否", "×", "无", "off", "-", "—"}


def yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    s = vocab.norm(str(value))
    if s in _YES:
        return True
    if s in _NO:
        return False
    raise Invalid("field.invalid_choice", choices="是, 否")


def flag_with_note(value: Any, *, words: Sequence[str] = ()) -> tuple[bool, str]:
    """A yes/no column that may name the co-operation instead (跨区域: 长三角 -> yes, note
    长三角)."""
    try:
        return yes_no(value), ""
    except Invalid:
        s = unicodedata.normalize("NFKC", str(value)).strip()
        if not s:
            return False, ""
        if len(s) > 100:
            raise Invalid("field.too_long", max=100) from None
        return True, s


_AMOUNT = re.compile(r"^([+-]?\d+(?:\.\d+)?)(万元|万|亿元|亿|元)?$")
_SCALE = {"": 1, "元": 1, "万": 10_000, "万元": 10_000, "亿": 100_000_000, "亿元": 100_000_000}
MAX_FEN = 10**17  # far above any real amount; fits BIGINT


def fen(value: Any, scale: int = 1) -> int:
    """An amount in yuan (times ``scale``: a 万元 column) as whole fen, rounded half-up."""
    if isinstance(value, bool):
        raise Invalid("field.not_a_number", value=value)
    if isinstance(value, int | float | Decimal):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise Invalid("field.not_a_number", value=value) from None
        unit = 1
    else:
        s = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "").replace(" ", "")
        s = s.removeprefix("¥").removeprefix("￥")
        m = _AMOUNT.match(s)
        if not m:
            raise Invalid("field.not_a_number", value=value)
        amount = Decimal(m.group(1))
        unit = _SCALE[m.group(2) or ""]
    if not amount.is_finite():
        raise Invalid("field.not_a_number", value=value)
    if amount < 0:
        raise Invalid("field.out_of_range", min=0, max="")
    exact = amount * unit * scale * 100
    # Checked before rounding: quantize() fails past the decimal context's 28 digits.
    if exact > MAX_FEN:
        raise Invalid("field.out_of_range", min=0, max=MAX_FEN // 100)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def yuan_field(value: Any) -> int:
    return fen(value)


class DistrictIndex:
    """Districts by GB/T 2260 code or name (浦东新区, 浦东新区人民政府, 310115): the district
    units of the workspace."""

    def __init__(self, units: Sequence[Unit]) -> None:
        self._short: dict[str, str] = {}
        self._districts = [u for u in units if u.kind == "district" and u.admin_code]
        self._index = UnitIndex(self._districts)
        self.codes = {str(u.admin_code): u for u in self._districts}
        for u in self._districts:  # 浦东 for 浦东新区, 黄浦 for 黄浦区
            for name in (u.short_name or "", u.name):
                for suffix in ("新区", "区"):
                    base = name.removesuffix("人民政府").removesuffix(suffix)
                    if base != name and len(base) >= 2:
                        self._short.setdefault(base, str(u.admin_code))

    def resolve(self, value: Any) -> str:
        s = unicodedata.normalize("NFKC", str(value)).strip()
        if s in self.codes:
            return s
        found = self._index.resolve(s)
        if isinstance(found, list) and len(found) == 1 and found[0].admin_code:
            return str(found[0].admin_code)
        short = self._short.get(re.sub(r"\s+", "", s))
        if short is not None:
            return short
        raise Invalid("field.unknown_district", value=s)

    def name(self, code: str | None) -> str:
        u = self.codes.get(code or "")
        return (u.short_name or u.name) if u else (code or "")


class SessionDistricts:
    """A district resolver that reads the workspace only as needed: a GB/T 2260 code is one
    lookup; a name builds the full :class:`DistrictIndex` once."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._index: DistrictIndex | None = None
        self._codes: dict[str, bool] = {}

    def resolve(self, value: Any) -> str:
        s = unicodedata.normalize("NFKC", str(value)).strip()
        if re.fullmatch(r"\d{6}", s):
            if s not in self._codes:
                self._codes[s] = (
                    self._session.scalar(
                        select(Unit.id).where(Unit.admin_code == s, Unit.kind == "district")
                    )
                    is not None
                )
            if self._codes[s]:
                return s
        if self._index is None:
            units = list(self._session.scalars(select(Unit).where(Unit.kind == "district")))
            self._index = DistrictIndex(units)
        return self._index.resolve(s)


def case_fields(districts: DistrictIndex | SessionDistricts) -> dict[str, Field]:
    """The fields a form or the API may set on a case (see actions.do_create_case)."""
    return {
        "unit_id": Field(ident),
        "case_no": Field(case_number, required=True),
        "kind": Field(kind, required=True),
        "ip_type": Field(ip_type, required=True),
        "cause": Field(text(200)),
        "received_on": Field(a_day, required=True),
        "closed_on": Field(a_day),
        "outcome": Field(outcome),
        "outcome_text": Field(text(500)),
        "foreign_related": Field(yes_no),
        "cross_region": Field(yes_no),
        "cross_region_note": Field(text(100)),
        "district": Field(districts.resolve),
        "claimants": Field(text(2000)),
        "respondents": Field(text(2000)),
        "amount_claimed": Field(yuan_field),
        "amount_awarded": Field(yuan_field),
        "fines": Field(yuan_field),
        "value_seized": Field(yuan_field),
        "note": Field(text(20000)),
        "synthetic": Field(yes_no),
    }


AMOUNT_COLUMNS = {
    "amount_claimed": "amount_claimed_fen",
    "amount_awarded": "amount_awarded_fen",
    "fines": "fines_fen",
    "value_seized": "value_seized_fen",
}


def check_case(values: Mapping[str, Any], *, today: date) -> list[tuple[str, str, dict[str, Any]]]:
    """Rules across fields, on the case as it will be: (field, key, params) per problem."""
    problems: list[tuple[str, str, dict[str, Any]]] = []
    received = values.get("received_on")
    closed = values.get("closed_on")
    if received is not None and received > today:
        problems.append(("received_on", "field.future_date", {"value": received.isoformat()}))
    if closed is not None and closed > today:
        problems.append(("closed_on", "field.future_date", {"value": closed.isoformat()}))
    if received is not None and closed is not None and closed < received:
        problems.append(
            (
                "closed_on",
                "field.closed_before_received",
                {"closed": closed.isoformat(), "received": received.isoformat()},
            )
        )
    if values.get("outcome") and closed is None:
        problems.append(("outcome", "field.outcome_needs_closed", {}))
    return problems
