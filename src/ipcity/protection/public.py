"""What the public portal may show: aggregates only, no count under 5, nothing recoverable.

``public_aggregates(session, year=...)`` needs no viewer: it holds no case, no name, no unit
below the kind of protection, only:

- headline figures for the city: cases received, closed, foreign-related, cross-region
  (each hidden when under ``min_count``); the closure rate and the mediation success rate only
  when both what they count and what they do not count are at least ``min_count`` (a rate of
  2/7 would give away a count of 2) — for the closure rate also the cases pending at the
  start of the year (received is published, so the rate would reveal them); the median
  handling days only over at least ``min_count`` closed cases;
- cases received by kind of protection (司法保护 / 行政保护 / 调解仲裁) x IP type, and by
  district x kind of protection, with totals, after small-count suppression with secondary
  suppression (``suppression``). The two tables share their kind-of-protection totals and the
  grand total: a total hidden in one is hidden in the other too (repeated until both agree),
  and the headline "cases received" is hidden when the tables had to hide the grand total.

Cases without a district are a row of their own (未注明区) so the totals agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ipcity.clock import app_today
from ipcity.evaluation.asof import as_of_for_year
from ipcity.i18n import area_keys, render
from ipcity.protection import indicators as ind
from ipcity.protection import vocab
from ipcity.protection.models import ProtectionCase
from ipcity.protection.suppression import (
    MIN_COUNT,
    PublicTable,
    SuppressionDidNotConverge,
    public_table,
)
from ipcity.workspace.models import Unit
from ipcity.workspace.tabular import csv_bytes

# code, zh, en of the row of cases without a district (the wording is in keys.po)
UNKNOWN_DISTRICT: tuple[str, str, str] = (
    "",
    *area_keys("protection")["public.district_not_stated"],
)


@dataclass(frozen=True)
class PublicFigure:
    key: str
    label_zh: str
    label_en: str
    value: float | int | None  # None: not shown (small numbers)
    unit_zh: str = ""
    unit_en: str = ""

    def label(self, lang: str = "zh") -> str:
        return self.label_en if lang.startswith("en") else self.label_zh

    def unit(self, lang: str = "zh") -> str:
        return self.unit_en if lang.startswith("en") else self.unit_zh

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "value": self.value,
            "suppressed": self.value is None,
            "unit_zh": self.unit_zh,
            "unit_en": self.unit_en,
        }


@dataclass(frozen=True)
class PublicProtectionStats:
    year: int
    as_of: date
    min_count: int
    figures: tuple[PublicFigure, ...]
    by_kind_ip: PublicTable
    by_district: PublicTable
    includes_synthetic: bool  # demo data: the portal must say so

    def figure(self, key: str) -> PublicFigure:
        return next(f for f in self.figures if f.key == key)

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "min_count": self.min_count,
            "figures": [f.as_dict() for f in self.figures],
            "by_kind_ip": self.by_kind_ip.as_dict(),
            "by_district": self.by_district.as_dict(),
            "includes_synthetic": self.includes_synthetic,
        }

    def to_csv(self, lang: str = "zh") -> bytes:
        """The same aggregates as a CSV (UTF-8 with BOM): suppressed numbers are ``*``."""
        rows: list[list[Any]] = []
        w = _Rows(rows)
        for f in self.figures:
            w.writerow([f.label(lang), "*" if f.value is None else f.value, f.unit(lang)])
        total_label = render("public.csv.total", None, lang)
        for title_key, table in (
            ("public.csv.by_kind_ip", self.by_kind_ip),
            ("public.csv.by_district", self.by_district),
        ):
            w.writerow([])
            w.writerow([render(title_key, None, lang), *table.col_labels, total_label])
            for label, row, total in zip(
                table.row_labels, table.cells, table.row_totals, strict=True
            ):
                w.writerow([label, *(c.text() for c in row), total.text()])
            w.writerow(
                [
                    total_label,
                    *(c.text() for c in table.col_totals),
                    table.total.text(),
                ]
            )
        return csv_bytes(rows)  # district names are text: never a formula


class _Rows:
    """Collects rows the way ``csv.writer`` is called, for :func:`csv_bytes`."""

    def __init__(self, rows: list[list[Any]]) -> None:
        self.rows = rows

    def writerow(self, row: list[Any]) -> None:
        self.rows.append(row)


# The headline figures of the portal: their labels and units are message keys in
# protection/locale/*/keys.po (public.figure.<key>, public.unit.<unit>).
FIGURE_KEYS = (
    "cases_received",
    "cases_closed",
    "closure_rate",
    "median_handling_days",
    "mediation_success_rate",
    "foreign_related_cases",
    "cross_region_cases",
)
FIGURE_UNITS = ("cases", "days", "percent")


def _figure(key: str, value: float | int | None, unit: str) -> PublicFigure:
    """A headline figure with its label and unit in both languages (kept side by side: the
    portal's JSON carries both)."""
    label, unit_key = f"public.figure.{key}", f"public.unit.{unit}"
    return PublicFigure(
        key,
        render(label, None, "zh"),
        render(label, None, "en"),
        value,
        render(unit_key, None, "zh"),
        render(unit_key, None, "en"),
    )


def _count(value: int, min_count: int) -> int | None:
    return None if value < min_count else value


def _rate(num: int, den: int, min_count: int, *, parts: tuple[int, ...] = ()) -> float | None:
    """A rate only when what it counts and what it does not are both >= min_count (and each
    of ``parts``: the pieces of the denominator a reader could work out with it)."""
    if den == 0 or num < min_count or den - num < min_count:
        return None
    if any(p < min_count for p in parts):
        return None
    return float(round(100 * num / den, 1))


def public_aggregates(
    session: Session, *, year: int, as_of: date | None = None, min_count: int = MIN_COUNT
) -> PublicProtectionStats:
    """The portal's protection block for ``year`` (see the module doc)."""
    as_of = as_of or min(date(year, 12, 31), app_today())
    groups = list(vocab.KIND_GROUPS)
    ips = list(vocab.IP_TYPE_CODES)
    received = ind.compute(
        session, years=[year], by=("kind", "ip_type"), indicators=["cases_received"], as_of=as_of
    )
    kind_ip = [[0] * len(ips) for _ in groups]
    for r in received.rows:
        g = groups.index(vocab.kind_group(str(r.dim("kind"))))
        kind_ip[g][ips.index(str(r.dim("ip_type")))] += int(r.value or 0)
    districts = list(
        session.execute(
            select(Unit.admin_code, Unit.short_name, Unit.name)
            .where(Unit.kind == "district", Unit.admin_code.is_not(None))
            .order_by(Unit.sort_order, Unit.id)
        )
    )
    d_keys = [str(c) for c, _s, _n in districts] + [UNKNOWN_DISTRICT[0]]
    d_labels = [s or n for _c, s, n in districts] + [UNKNOWN_DISTRICT[1]]
    by_d = ind.compute(
        session, years=[year], by=("district", "kind"), indicators=["cases_received"], as_of=as_of
    )
    district_kind = [[0] * len(groups) for _ in d_keys]
    for r in by_d.rows:
        code = str(r.dim("district") or "")
        i = d_keys.index(code) if code in d_keys else len(d_keys) - 1
        district_kind[i][groups.index(vocab.kind_group(str(r.dim("kind"))))] += int(r.value or 0)
    if not any(district_kind[-1]):  # no case without a district: no such row
        district_kind.pop()
        d_keys.pop()
        d_labels.pop()
    group_labels = [vocab.KIND_GROUPS[g][0] for g in groups]
    ip_labels = [vocab.ip_type_label(c) for c in ips]
    # Shared margins: kind group totals (rows of table 1 = columns of table 2), grand total.
    forced_groups: set[int] = set()
    forced_grand = False
    # Termination: a forced margin is hidden in its table, so the hidden margins of a pass
    # always include the forced ones. A pass either finds no new one (and stops) or adds at
    # least one of the len(groups) + 1 shared margins: at most len(groups) + 2 passes.
    max_passes = len(groups) + 2
    for _pass in range(max_passes + 1):
        if _pass == max_passes:  # cannot happen (see above): fail loudly, never spin
            raise SuppressionDidNotConverge(len(groups), len(ips), max_passes)
        t1 = public_table(
            kind_ip,
            row_keys=groups,
            row_labels=group_labels,
            col_keys=ips,
            col_labels=ip_labels,
            min_count=min_count,
            forced=[(g, len(ips)) for g in forced_groups]
            + ([(len(groups), len(ips))] if forced_grand else []),
        )
        t2 = public_table(
            district_kind,
            row_keys=d_keys,
            row_labels=d_labels,
            col_keys=groups,
            col_labels=group_labels,
            min_count=min_count,
            forced=[(len(d_keys), g) for g in forced_groups]
            + ([(len(d_keys), len(groups))] if forced_grand else []),
        )
        hidden = {g for g in range(len(groups)) if t1.row_totals[g].suppressed}
        hidden |= {g for g in range(len(groups)) if t2.col_totals[g].suppressed}
        grand = t1.total.suppressed or t2.total.suppressed
        if hidden == forced_groups and grand == forced_grand:
            break
        forced_groups, forced_grand = hidden, grand
    city = ind.compute(session, years=[year], as_of=as_of)
    val = {ind.short_id(r.indicator): r for r in city.rows}

    def n(key: str) -> int:
        v = val[key].value
        return int(v) if v is not None else 0

    closed_days = val["median_handling_days"]
    median = closed_days.value if (closed_days.denominator or 0) >= min_count else None
    figures = (
        _figure(
            "cases_received",
            None if t1.total.suppressed else _count(n("cases_received"), min_count),
            "cases",
        ),
        _figure("cases_closed", _count(n("cases_closed"), min_count), "cases"),
        _figure(
            "closure_rate",
            _rate(
                n("cases_closed"),
                n("cases_received") + n("pending_start"),
                min_count,
                # received is published: with the rate it would give pending_start away
                parts=(n("pending_start"),),
            ),
            "percent",
        ),
        _figure("median_handling_days", None if median is None else float(median), "days"),
        _figure(
            "mediation_success_rate",
            _rate(
                int(val["mediation_success_rate"].numerator or 0),
                int(val["mediation_success_rate"].denominator or 0),
                min_count,
            ),
            "percent",
        ),
        _figure("foreign_related_cases", _count(n("foreign_related_cases"), min_count), "cases"),
        _figure("cross_region_cases", _count(n("cross_region_cases"), min_count), "cases"),
    )
    synthetic = bool(
        session.scalar(
            select(func.count())
            .select_from(ProtectionCase)
            .where(ProtectionCase.synthetic.is_(True))
        )
    )
    return PublicProtectionStats(year, as_of, min_count, figures, t1, t2, synthetic)


def portal_stats(session: Session, today: date, year: int | None = None) -> PublicProtectionStats:
    """The public protection block for the portal (no login; aggregates only, small counts
    suppressed) as of ``today``: the last full year by default."""
    chosen = year if year is not None else today.year - 1
    return public_aggregates(session, year=chosen, as_of=as_of_for_year(chosen, today))
