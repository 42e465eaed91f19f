"""Protection indicators, computed in the workspace database from the case records.

Definitions (year Y = 1 January to 31 December; a case belongs to its **owning unit**: a
transferred case counts once, under the unit that owns it now; a joint case counts once, under
its owner, never under the units handling it jointly):

- ``cases_received``: cases received in Y (by ``received_on``).
- ``cases_closed``: cases closed in Y (by ``closed_on``), whenever received.
- ``pending_start`` (旧存): received before Y and not closed before 1 January of Y.
- ``pending_end`` (未结): received by 31 December of Y and not closed by then.
- ``closure_rate`` (结案率, %): cases_closed / (cases_received + pending_start) x 100 — the
  courts' rule: what was closed of everything on hand in the year. Open cases count in the
  denominator only. None when nothing was on hand.
- ``avg_handling_days`` / ``median_handling_days``: over the cases **closed in Y**, handling
  days = closed_on - received_on in calendar days (the day of receipt not counted: received
  20 December 2022, closed 10 January 2023 is 21 days, counted in 2023; closed the day it came
  in is 0). Open cases are left out. Exact: the mean is a fraction, the median of an even
  number of cases the mean of the two middle ones.
- ``mediation_success_rate`` (%): mediation cases closed in Y with an agreement (outcome
  调解成功 or 和解) / mediation cases closed in Y x 100.
- ``foreign_related_cases`` and ``foreign_related_share`` (%): foreign-related among the cases
  received in Y.
- ``cross_region_cases``: cross-region (e.g. Yangtze River Delta) cases received in Y.
- ``amount_claimed`` and ``value_seized`` (yuan): sums over cases received in Y (known when a
  case comes in); ``amount_awarded`` and ``fines`` (yuan): sums over cases closed in Y.

Breakdowns: by ``unit`` (owner's code), ``district`` (GB/T 2260 code; "" when the case names
none), ``kind`` and ``ip_type``, in any combination. Counts and sums come from SQL GROUP BY
queries (SQLite and PostgreSQL alike); handling days are computed from the dates of the closed
cases in Python so both databases give the same exact numbers.

Workspace targets read these indicators through ``engine_indicator`` ids of the form
``protection.<indicator>`` with optional filters, e.g.
``protection.avg_handling_days?kind=admin_ruling&ip=patent`` (filters: ``kind``, ``ip`` — IP
type — and ``unit``, each a code or several separated by commas) and the target's region:
``ALL`` or 310000 (the city) or a district's GB/T 2260 code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from sqlalchemy import Select, and_, case, func, literal_column, or_, select
from sqlalchemy.orm import Session

from ipcity.errors import InputError
from ipcity.protection import vocab
from ipcity.protection.models import ProtectionCase
from ipcity.protection.permissions import indicator_unit_scope
from ipcity.workspace.models import IndicatorTarget, Unit
from ipcity.workspace.permissions import Actor, system_actor
from ipcity.workspace.tabular import csv_bytes

DEFINITION_VERSION = 1
PREFIX = "protection."
CITY_REGIONS = ("ALL", "310000", "")

Basis = Literal["received", "closed", "pending", "on_hand"]


@dataclass(frozen=True)
class ProtectionIndicatorDef:
    id: str  # with the "protection." prefix
    name_zh: str
    name_en: str
    unit_zh: str
    unit_en: str
    direction: Literal["higher", "lower", "neutral"]
    description: str

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang.startswith("en") else self.name_zh

    def unit(self, lang: str = "zh") -> str:
        return self.unit_en if lang.startswith("en") else self.unit_zh


def _d(*items: ProtectionIndicatorDef) -> dict[str, ProtectionIndicatorDef]:
    return {i.id: i for i in items}


INDICATORS: dict[str, ProtectionIndicatorDef] = _d(
    ProtectionIndicatorDef(
        "protection.cases_received",
        "收案数",
        "Cases received",
        "件",
        "cases",
        "neutral",
        "Cases received in the year (received_on).",
    ),
    ProtectionIndicatorDef(
        "protection.cases_closed",
        "结案数",
        "Cases closed",
        "件",
        "cases",
        "higher",
        "Cases closed in the year (closed_on), whenever received.",
    ),
    ProtectionIndicatorDef(
        "protection.pending_start",
        "旧存案件数",
        "Cases pending at the start of the year",
        "件",
        "cases",
        "neutral",
        "Received before 1 January and not closed before it.",
    ),
    ProtectionIndicatorDef(
        "protection.pending_end",
        "未结案件数",
        "Cases pending at the end of the year",
        "件",
        "cases",
        "lower",
        "Received by 31 December and not closed by then.",
    ),
    ProtectionIndicatorDef(
        "protection.closure_rate",
        "结案率",
        "Closure rate",
        "%",
        "%",
        "higher",
        "Cases closed / (cases received + cases pending at the start) x 100.",
    ),
    ProtectionIndicatorDef(
        "protection.avg_handling_days",
        "平均办案天数",
        "Average handling time",
        "天",
        "days",
        "lower",
        "Mean of closed_on - received_on (calendar days) over cases closed in the year.",
    ),
    ProtectionIndicatorDef(
        "protection.median_handling_days",
        "办案天数中位数",
        "Median handling time",
        "天",
        "days",
        "lower",
        "Median of closed_on - received_on over cases closed in the year.",
    ),
    ProtectionIndicatorDef(
        "protection.mediation_success_rate",
        "调解成功率",
        "Mediation success rate",
        "%",
        "%",
        "higher",
        "Mediation cases closed in the year with an agreement (调解成功, 和解) / mediation cases "
        "closed in the year x 100.",
    ),
    ProtectionIndicatorDef(
        "protection.foreign_related_cases",
        "涉外案件数",
        "Foreign-related cases",
        "件",
        "cases",
        "neutral",
        "Foreign-related cases received in the year.",
    ),
    ProtectionIndicatorDef(
        "protection.foreign_related_share",
        "涉外案件占比",
        "Foreign-related share",
        "%",
        "%",
        "neutral",
        "Foreign-related cases / cases received in the year x 100.",
    ),
    ProtectionIndicatorDef(
        "protection.cross_region_cases",
        "跨区域协作案件数",
        "Cross-region co-operation cases",
        "件",
        "cases",
        "higher",
        "Cases received in the year handled in cross-region co-operation (e.g. 长三角).",
    ),
    ProtectionIndicatorDef(
        "protection.amount_claimed",
        "诉请标的额",
        "Amounts claimed",
        "元",
        "yuan",
        "neutral",
        "Sum of amounts claimed over cases received in the year.",
    ),
    ProtectionIndicatorDef(
        "protection.amount_awarded",
        "判赔（调解）金额",
        "Amounts awarded",
        "元",
        "yuan",
        "neutral",
        "Sum of amounts awarded or agreed over cases closed in the year.",
    ),
    ProtectionIndicatorDef(
        "protection.fines",
        "罚没款",
        "Fines and confiscations",
        "元",
        "yuan",
        "neutral",
        "Sum of fines and confiscated amounts over cases closed in the year.",
    ),
    ProtectionIndicatorDef(
        "protection.value_seized",
        "查扣货值",
        "Value of goods seized",
        "元",
        "yuan",
        "neutral",
        "Sum of the value of goods seized over cases received in the year.",
    ),
)

DIMENSIONS = ("unit", "district", "kind", "ip_type")


def short_id(indicator: str) -> str:
    return indicator.removeprefix(PREFIX)


@dataclass(frozen=True)
class CaseScope:
    """Which cases: owning units (ids), districts (codes), kinds, IP types (codes). None or
    empty: no restriction."""

    unit_ids: tuple[int, ...] = ()
    districts: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    ip_types: tuple[str, ...] = ()

    def where(self) -> list[Any]:
        conds: list[Any] = []
        if self.unit_ids:
            conds.append(ProtectionCase.unit_id.in_(self.unit_ids))
        if self.districts:
            conds.append(ProtectionCase.district.in_(self.districts))
        if self.kinds:
            conds.append(ProtectionCase.kind.in_(self.kinds))
        if self.ip_types:
            conds.append(ProtectionCase.ip_type.in_(self.ip_types))
        return conds


@dataclass(frozen=True)
class IndicatorRow:
    indicator: str
    year: int
    dims: tuple[tuple[str, str], ...]  # (dimension, value) in the order of ``by``
    value: Fraction | Decimal | int | None
    numerator: Fraction | Decimal | int | None = None
    denominator: int | None = None

    def dim(self, name: str) -> str | None:
        return dict(self.dims).get(name)

    @property
    def float_value(self) -> float | None:
        return None if self.value is None else float(self.value)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"indicator": self.indicator, "year": self.year}
        out |= dict(self.dims)
        out["value"] = _json_number(self.value)
        if self.denominator is not None:
            out["numerator"] = _json_number(self.numerator)
            out["denominator"] = self.denominator
        return out


def _json_number(value: Fraction | Decimal | int | None) -> int | float | None:
    """Counts stay integers; fractions and amounts become floats (unrounded)."""
    if value is None or isinstance(value, int):
        return value
    return float(value)


@dataclass
class IndicatorTable:
    years: tuple[int, ...]
    by: tuple[str, ...]
    indicators: tuple[str, ...]
    rows: list[IndicatorRow] = field(default_factory=list)

    def value(self, indicator: str, year: int, **dims: str) -> Fraction | Decimal | int | None:
        """The value of one cell (tests and templates): dims as keyword arguments."""
        want = tuple((d, dims[d]) for d in self.by)
        for r in self.rows:
            if r.indicator == indicator and r.year == year and r.dims == want:
                return r.value
        raise KeyError((indicator, year, dims))

    def as_dict(self) -> dict[str, Any]:
        return {
            "years": list(self.years),
            "by": list(self.by),
            "indicators": list(self.indicators),
            "definition_version": DEFINITION_VERSION,
            "rows": [r.as_dict() for r in self.rows],
        }

    def to_csv(self) -> bytes:
        rows: list[list[Any]] = [
            ["indicator", "year", *self.by, "value", "numerator", "denominator"]
        ]
        for r in self.rows:
            d = r.as_dict()
            rows.append(
                [
                    r.indicator,
                    r.year,
                    *(d.get(b, "") for b in self.by),
                    "" if r.value is None else _plain(r.value),
                    "" if r.numerator is None else _plain(r.numerator),
                    "" if r.denominator is None else r.denominator,
                ]
            )
        return csv_bytes(rows)  # unit and district names are text: never a formula


def _plain(value: Fraction | Decimal | int) -> str:
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:f}"
    return repr(float(value)) if value.denominator != 1 else str(value.numerator)


def _dim_columns(by: Sequence[str]) -> list[Any]:
    cols: list[Any] = []
    for d in by:
        if d == "unit":
            cols.append(Unit.code)
        elif d == "district":
            cols.append(func.coalesce(ProtectionCase.district, literal_column("''")))
        elif d == "kind":
            cols.append(ProtectionCase.kind)
        elif d == "ip_type":
            cols.append(ProtectionCase.ip_type)
        else:
            raise InputError(f"cannot break down by {d!r} (use {', '.join(DIMENSIONS)})")
    return cols


def _base(
    columns: Sequence[Any], by: Sequence[str], scope: CaseScope, *, grouped: bool = False
) -> Select[Any]:
    dims = _dim_columns(by)
    stmt = select(*dims, *columns).select_from(ProtectionCase)
    if "unit" in by:
        stmt = stmt.join(Unit, Unit.id == ProtectionCase.unit_id)
    conds = scope.where()
    if conds:
        stmt = stmt.where(and_(*conds))
    if grouped and dims:
        # The very same expressions as in the SELECT list (PostgreSQL compares them).
        stmt = stmt.group_by(*dims)
    return stmt


def _flag(col: Any) -> Any:
    return func.sum(case((col.is_(True), 1), else_=0))


@dataclass
class _Group:
    received: int = 0
    closed: int = 0
    pending_start: int = 0
    pending_end: int = 0
    foreign: int = 0
    cross: int = 0
    claimed_fen: int = 0
    seized_fen: int = 0
    awarded_fen: int = 0
    fines_fen: int = 0
    days: list[int] = field(default_factory=list)
    mediation_closed: int = 0
    mediation_success: int = 0


def _year_groups(
    session: Session, year: int, by: Sequence[str], scope: CaseScope, as_of: date | None
) -> dict[tuple[str, ...], _Group]:
    start, end = date(year, 1, 1), date(year, 12, 31)
    if as_of is not None and as_of < end:
        # The year so far: what was received and closed by the end of ``as_of``; a case
        # closed later is still open then.
        end = as_of
    groups: dict[tuple[str, ...], _Group] = defaultdict(_Group)
    n = len(by)
    received = _base(
        [
            func.count(),
            _flag(ProtectionCase.foreign_related),
            _flag(ProtectionCase.cross_region),
            func.coalesce(func.sum(ProtectionCase.amount_claimed_fen), 0),
            func.coalesce(func.sum(ProtectionCase.value_seized_fen), 0),
        ],
        by,
        scope,
        grouped=True,
    ).where(ProtectionCase.received_on.between(start, end))
    for row in session.execute(received):
        g = groups[tuple(str(v) for v in row[:n])]
        g.received, g.foreign, g.cross = int(row[n]), int(row[n + 1] or 0), int(row[n + 2] or 0)
        g.claimed_fen, g.seized_fen = int(row[n + 3] or 0), int(row[n + 4] or 0)
    closed = _base(
        [
            ProtectionCase.received_on,
            ProtectionCase.closed_on,
            ProtectionCase.kind,
            ProtectionCase.outcome,
            ProtectionCase.amount_awarded_fen,
            ProtectionCase.fines_fen,
        ],
        by,
        scope,
    ).where(ProtectionCase.closed_on.between(start, end))
    for row in session.execute(closed):
        g = groups[tuple(str(v) for v in row[:n])]
        received_on, closed_on, kind, outcome, awarded, fines = row[n:]
        g.closed += 1
        g.days.append((closed_on - received_on).days)
        g.awarded_fen += int(awarded or 0)
        g.fines_fen += int(fines or 0)
        if kind == "mediation":
            g.mediation_closed += 1
            if outcome in vocab.MEDIATION_SUCCESS:
                g.mediation_success += 1
    open_at_start = _base([func.count()], by, scope, grouped=True).where(
        ProtectionCase.received_on < start,
        or_(ProtectionCase.closed_on.is_(None), ProtectionCase.closed_on >= start),
    )
    for row in session.execute(open_at_start):
        groups[tuple(str(v) for v in row[:n])].pending_start = int(row[n])
    open_at_end = _base([func.count()], by, scope, grouped=True).where(
        ProtectionCase.received_on <= end,
        or_(ProtectionCase.closed_on.is_(None), ProtectionCase.closed_on > end),
    )
    for row in session.execute(open_at_end):
        groups[tuple(str(v) for v in row[:n])].pending_end = int(row[n])
    if not by and not groups:
        groups[()] = _Group()
    return groups


def exact_median(values: Sequence[int]) -> Fraction | None:
    if not values:
        return None
    s = sorted(values)
    mid = len(s) // 2
    if len(s) % 2:
        return Fraction(s[mid])
    return Fraction(s[mid - 1] + s[mid], 2)


def _rate(num: int, den: int) -> Fraction | None:
    return None if den == 0 else Fraction(num * 100, den)


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def _values(g: _Group, key: str) -> tuple[Fraction | Decimal | int | None, Any, int | None]:
    """(value, numerator, denominator) of one indicator for one group."""
    on_hand = g.received + g.pending_start
    match key:
        case "cases_received":
            return g.received, None, None
        case "cases_closed":
            return g.closed, None, None
        case "pending_start":
            return g.pending_start, None, None
        case "pending_end":
            return g.pending_end, None, None
        case "closure_rate":
            return _rate(g.closed, on_hand), g.closed, on_hand
        case "avg_handling_days":
            total = sum(g.days)
            mean = Fraction(total, len(g.days)) if g.days else None
            return mean, total, len(g.days)
        case "median_handling_days":
            return exact_median(g.days), None, len(g.days)
        case "mediation_success_rate":
            return (
                _rate(g.mediation_success, g.mediation_closed),
                g.mediation_success,
                g.mediation_closed,
            )
        case "foreign_related_cases":
            return g.foreign, None, None
        case "foreign_related_share":
            return _rate(g.foreign, g.received), g.foreign, g.received
        case "cross_region_cases":
            return g.cross, None, None
        case "amount_claimed":
            return _yuan(g.claimed_fen), None, None
        case "amount_awarded":
            return _yuan(g.awarded_fen), None, None
        case "fines":
            return _yuan(g.fines_fen), None, None
        case "value_seized":
            return _yuan(g.seized_fen), None, None
    raise KeyError(key)


def _check_indicators(indicators: Iterable[str] | None) -> tuple[str, ...]:
    if indicators is None:
        return tuple(INDICATORS)
    out = []
    for i in indicators:
        full = i if i.startswith(PREFIX) else PREFIX + i
        if full not in INDICATORS:
            known = ", ".join(short_id(k) for k in INDICATORS)
            raise InputError(f"unknown protection indicator {i!r} (known: {known})")
        out.append(full)
    return tuple(out)


def compute(
    session: Session,
    *,
    years: Sequence[int],
    by: Sequence[str] = (),
    indicators: Iterable[str] | None = None,
    scope: CaseScope | None = None,
    as_of: date | None = None,
) -> IndicatorTable:
    """The indicators for ``years``, broken down ``by`` dimensions, over the cases in
    ``scope`` (no permission check: see :func:`indicators_for`). With ``as_of`` inside a
    year, that year ends on ``as_of`` (year to date: later receipts and closures are not
    seen)."""
    wanted = _check_indicators(indicators)
    by = tuple(by)
    for d in by:
        if d not in DIMENSIONS:
            raise InputError(f"cannot break down by {d!r} (use {', '.join(DIMENSIONS)})")
    if len(set(by)) != len(by):
        raise InputError("a dimension is given twice in --by")
    scope = scope or CaseScope()
    table = IndicatorTable(years=tuple(years), by=by, indicators=wanted)
    for year in years:
        groups = _year_groups(session, year, by, scope, as_of)
        for key in sorted(groups):
            g = groups[key]
            dims = tuple(zip(by, key, strict=True))
            for ind in wanted:
                value, num, den = _values(g, short_id(ind))
                if short_id(ind) == "mediation_success_rate" and g.mediation_closed == 0:
                    num, den = None, 0
                table.rows.append(IndicatorRow(ind, year, dims, value, num, den))
    return table


def indicators_for(
    session: Session,
    viewer: Actor,
    *,
    years: Sequence[int],
    by: Sequence[str] = (),
    indicators: Iterable[str] | None = None,
    scope: CaseScope | None = None,
    as_of: date | None = None,
) -> IndicatorTable:
    """:func:`compute` with the viewer's rights: the office and leaders see every unit; a unit
    editor only its own unit's cases (the scope is narrowed to it); the public gets
    PermissionDenied (it has ``public.public_aggregates``)."""
    only = indicator_unit_scope(viewer)
    scope = scope or CaseScope()
    if only is not None:
        scope = CaseScope((only,), scope.districts, scope.kinds, scope.ip_types)
    return compute(session, years=years, by=by, indicators=indicators, scope=scope, as_of=as_of)


def case_years(session: Session) -> list[int]:
    """Every year from the first receipt to the last receipt or closure (empty: none)."""
    lo, hi_r, hi_c = session.execute(
        select(
            func.min(ProtectionCase.received_on),
            func.max(ProtectionCase.received_on),
            func.max(ProtectionCase.closed_on),
        )
    ).one()
    if lo is None:
        return []
    hi = max(d for d in (hi_r, hi_c) if d is not None)
    return list(range(lo.year, hi.year + 1))


# --- the workspace's computed actuals --------------------------------------------------------

_ID = re.compile(r"^protection\.([a-z_]+)(?:\?(.*))?$")
_FILTER_KEYS = ("kind", "ip", "unit")


@dataclass(frozen=True)
class ParsedId:
    indicator: str
    kinds: tuple[str, ...] = ()
    ip_types: tuple[str, ...] = ()
    units: tuple[str, ...] = ()


def parse_indicator_id(indicator: str) -> ParsedId:
    """``protection.avg_handling_days?kind=admin_ruling&ip=patent`` -> its parts (InputError
    with the reason when it is not one)."""
    m = _ID.match(indicator.strip())
    if not m or len(indicator) > 64:
        raise InputError(
            f"{indicator!r}: write protection.<indicator>[?kind=..&ip=..&unit=..], at most 64 "
            "characters"
        )
    full = PREFIX + m.group(1)
    if full not in INDICATORS:
        raise InputError(f"{indicator!r}: unknown protection indicator {m.group(1)!r}")
    parts: dict[str, tuple[str, ...]] = {}
    for item in filter(None, (m.group(2) or "").split("&")):
        key, _, raw = item.partition("=")
        if key not in _FILTER_KEYS or not raw or key in parts:
            raise InputError(f"{indicator!r}: filters are kind=, ip= and unit=, each once")
        codes = tuple(c for c in raw.split(",") if c)
        allowed = {"kind": vocab.KIND_CODES, "ip": vocab.IP_TYPE_CODES}.get(key)
        for c in codes:
            if allowed is not None and c not in allowed:
                raise InputError(f"{indicator!r}: {key}={c} is not one of {', '.join(allowed)}")
        parts[key] = codes
    return ParsedId(full, parts.get("kind", ()), parts.get("ip", ()), parts.get("unit", ()))


def scope_for(session: Session, parsed: ParsedId, region: str) -> CaseScope:
    unit_ids: tuple[int, ...] = ()
    if parsed.units:
        rows = dict(
            session.execute(select(Unit.code, Unit.id).where(Unit.code.in_(parsed.units))).all()
        )
        missing = [u for u in parsed.units if u not in rows]
        if missing:
            raise InputError(f"unknown unit code(s) {', '.join(missing)} in the indicator id")
        unit_ids = tuple(rows[u] for u in parsed.units)
    districts: tuple[str, ...] = ()
    if (region or "").upper() not in CITY_REGIONS:
        if not re.fullmatch(r"\d{6}", region):
            raise InputError(f"region {region!r}: ALL, 310000 or a district's GB/T 2260 code")
        districts = (region,)
    return CaseScope(unit_ids, districts, parsed.kinds, parsed.ip_types)


class WorkspaceProvider:
    """Gives the workspace's ``do_refresh_computed_actuals`` the values of ``protection.*``
    indicator ids (registered in ``ipcity.workspace.actuals.COMPUTED_PROVIDERS``)."""

    def validate(self, indicator: str) -> str | None:
        try:
            parse_indicator_id(indicator)
        except InputError as exc:
            return str(exc)
        return None

    def compute(
        self,
        session: Session,
        indicator: str,
        *,
        years: Sequence[int] | None,
        region: str,
    ) -> tuple[dict[int, float | None], dict[str, Any]]:
        parsed = parse_indicator_id(indicator)
        wanted = list(years) if years is not None else case_years(session)
        table = compute(
            session,
            years=wanted,
            indicators=[parsed.indicator],
            scope=scope_for(session, parsed, region),
        )
        values = {r.year: r.float_value for r in table.rows}
        return values, {"source": "protection_cases", "definition_version": DEFINITION_VERSION}


WORKSPACE_PROVIDER = WorkspaceProvider()


def protection_targets(session: Session) -> list[IndicatorTarget]:
    return list(
        session.scalars(
            select(IndicatorTarget).where(IndicatorTarget.engine_indicator.startswith(PREFIX))
        )
    )


def refresh_live_actuals(session: Session, *, years: Sequence[int] | None = None) -> int:
    """Refresh the computed actuals of every workspace target reading a protection indicator
    (for ``years``; None: every year with cases). Runs as the system actor
    ``protection-live`` inside the caller's transaction; returns the snapshots added."""
    targets = protection_targets(session)
    if not targets:
        return 0
    from ipcity.workspace.actions import do_refresh_computed_actuals

    summary = do_refresh_computed_actuals(
        session,
        system_actor("protection-live"),
        target_ids=[t.id for t in targets],
        years=list(years) if years is not None else None,
    )
    return summary.snapshots_added
