"""Indicator tables shaped for pages: one row per breakdown group, one column per indicator,
readable labels for units, districts, kinds and IP types, and a chart spec (plotly JSON, drawn
by the web app's own charts.js — nothing is fetched)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ipcity.i18n import render
from ipcity.protection import indicators as ind
from ipcity.protection import vocab
from ipcity.workspace.models import Unit

# The columns of the indicator page, in order.
PAGE_INDICATORS = (
    "protection.cases_received",
    "protection.cases_closed",
    "protection.pending_end",
    "protection.closure_rate",
    "protection.avg_handling_days",
    "protection.median_handling_days",
    "protection.mediation_success_rate",
    "protection.foreign_related_share",
    "protection.cross_region_cases",
    "protection.amount_awarded",
    "protection.fines",
    "protection.value_seized",
)

BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "": (),
    "kind": ("kind",),
    "unit": ("unit",),
    "district": ("district",),
    "ip_type": ("ip_type",),
    "kind,ip_type": ("kind", "ip_type"),
    "unit,kind": ("unit", "kind"),
}


@dataclass(frozen=True)
class GridRow:
    labels: tuple[str, ...]
    values: dict[str, Fraction | Decimal | int | None]

    def value(self, indicator: str) -> float | None:
        v = self.values.get(indicator)
        return None if v is None else float(v)


@dataclass
class IndicatorGrid:
    year: int
    by: tuple[str, ...]
    indicators: tuple[str, ...]
    rows: list[GridRow] = field(default_factory=list)


def labeller(session: Session, lang: str) -> Mapping[str, Any]:
    """dimension -> code -> label."""
    units = {u.code: (u.short_name or u.name) for u in session.scalars(select(Unit))}
    districts = {
        str(u.admin_code): (u.short_name or u.name)
        for u in session.scalars(select(Unit).where(Unit.admin_code.is_not(None)))
    }
    districts[""] = render("grid.district_not_stated", None, lang)
    return {
        "unit": units,
        "district": districts,
        "kind": {t.code: t.label(lang) for t in vocab.KINDS},
        "ip_type": {t.code: t.label(lang) for t in vocab.IP_TYPES},
    }


def grid(session: Session, table: ind.IndicatorTable, lang: str) -> IndicatorGrid:
    labels = labeller(session, lang)
    out = IndicatorGrid(
        year=table.years[0] if table.years else 0, by=table.by, indicators=table.indicators
    )
    rows: dict[tuple[str, ...], dict[str, Fraction | Decimal | int | None]] = {}
    for r in table.rows:
        key = tuple(v for _d, v in r.dims)
        rows.setdefault(key, {})[r.indicator] = r.value
    for key in sorted(
        rows, key=lambda k: tuple(labels[d].get(v, v) for d, v in zip(table.by, k, strict=True))
    ):
        names = tuple(labels[d].get(v, v) for d, v in zip(table.by, key, strict=True))
        out.rows.append(GridRow(names, rows[key]))
    return out


def chart(g: IndicatorGrid, lang: str) -> dict[str, Any] | None:
    """Received and closed per group (bars), for a breakdown by one dimension."""
    if len(g.by) != 1 or not g.rows:
        return None
    x = [r.labels[0] for r in g.rows]
    data = [
        {
            "type": "bar",
            "name": render("chart.received", None, lang),
            "x": x,
            "y": [r.value("protection.cases_received") or 0 for r in g.rows],
        },
        {
            "type": "bar",
            "name": render("chart.closed", None, lang),
            "x": x,
            "y": [r.value("protection.cases_closed") or 0 for r in g.rows],
        },
    ]
    return {
        "data": data,
        "layout": {
            "barmode": "group",
            "height": 340,
            "margin": {"l": 50, "r": 10, "t": 20, "b": 90},
            "legend": {"orientation": "h"},
        },
    }


def indicator_names(ids: Sequence[str], lang: str) -> dict[str, tuple[str, str]]:
    """id -> (name, unit) in ``lang``."""
    return {i: (ind.INDICATORS[i].name(lang), ind.INDICATORS[i].unit(lang)) for i in ids}
