"""The annual report's section on IP protection (知识产权保护和纠纷化解).

``build_report_section(session, year)`` reads everything while the session is open and returns
a :class:`ProtectionSection`; append it to ``ReportData.extra_sections`` and the report builder
asks it for ``section(lang)`` in each language:

    data = gather_report_data(warehouse, session, 2023)
    data.extra_sections.append(build_report_section(session, 2023, as_of=data.as_of))

Contents: a paragraph with the year's figures; a table by kind of case (received, closed,
closure rate, average and median handling days); the self-assessment of the city and of each
district (score, rank) and the city's breakdown item by item. The report is the office's
document: the figures are not suppressed (counts by kind are large). When some cases are demo
data the section says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ipcity.clock import app_today
from ipcity.i18n import render
from ipcity.numbers import Lang, fmt_count, fmt_date, fmt_fixed
from ipcity.protection import indicators as ind
from ipcity.protection import vocab
from ipcity.protection.assessment import ProtectionAssessment, assess, gather
from ipcity.protection.models import ProtectionCase
from ipcity.protection.scheme import ProtectionScheme, default_scheme
from ipcity.reports.document import Paragraph, Section, Table

DASH = "—"
# Column headings: message keys report_section.col.<name> and
# report_section.assessment.col.<name> in protection/locale/*/keys.po.
KIND_COLUMNS = ("kind", "received", "closed", "closure_rate", "mean_days", "median_days")
SCORE_COLUMNS = ("rank", "area", "score")
BREAKDOWN_COLUMNS = ("item", "value", "points", "out_of")


@dataclass(frozen=True)
class KindRow:
    kind: str
    received: int
    closed: int
    closure_rate: Fraction | None
    avg_days: Fraction | None
    median_days: Fraction | None


@dataclass(frozen=True)
class ProtectionSection:
    """Language-neutral data of the section; ``section(lang)`` lays it out."""

    year: int
    as_of: date
    totals: dict[str, Fraction | Decimal | int | None]
    by_kind: tuple[KindRow, ...]
    assessment: ProtectionAssessment | None
    synthetic_cases: int

    def section(self, lang: Lang) -> Section | None:
        if not self.totals.get("cases_received") and not self.totals.get("cases_closed"):
            return None

        def text(key: str, **params: object) -> str:
            return render(f"report_section.{key}", params, lang)

        blocks: list[Paragraph | Table] = [Paragraph(self._summary(lang))]
        header = tuple(text(f"col.{c}") for c in KIND_COLUMNS)
        rows = tuple(
            (
                vocab.kind_label(r.kind, lang),
                fmt_fixed(r.received),
                fmt_fixed(r.closed),
                _pct(r.closure_rate),
                _days(r.avg_days),
                _days(r.median_days),
            )
            for r in self.by_kind
        )
        blocks.append(
            Table(
                header=header,
                rows=rows,
                caption=text("by_kind_caption", year=self.year),
                align=("left", "right", "right", "right", "right", "right"),
                note=text("by_kind_note"),
            )
        )
        subsections = []
        a = self.assessment
        if a is not None and a.city is not None:
            subsections.append(self._assessment(a, lang))
        if self.synthetic_cases:
            blocks.append(Paragraph(text("synthetic_note", n=self.synthetic_cases), kind="note"))
        return Section(text("title"), list(blocks), subsections, key="protection")

    def _summary(self, lang: Lang) -> str:
        t = self.totals

        def count(key: str) -> str:
            v = t.get(key)
            return fmt_count(int(v or 0), lang)

        return render(
            "report_section.summary",
            {
                "year": self.year,
                "as_of": fmt_date(self.as_of, lang),
                "received": count("cases_received"),
                "closed": count("cases_closed"),
                "closure_rate": _pct(t.get("closure_rate")),
                "avg_days": _days(t.get("avg_handling_days")),
                "median_days": _days(t.get("median_handling_days")),
                "mediation_rate": _pct(t.get("mediation_success_rate")),
                "foreign": count("foreign_related_cases"),
                "foreign_share": _pct(t.get("foreign_related_share")),
                "cross_region": count("cross_region_cases"),
            },
            lang,
        )

    def _assessment(self, a: ProtectionAssessment, lang: Lang) -> Section:
        zh = lang == "zh"  # which of the data's two names to show (the wording is in keys.po)
        assert a.city is not None

        def text(key: str, **params: object) -> str:
            return render(f"report_section.assessment.{key}", params, lang)

        header = tuple(text(f"col.{c}") for c in SCORE_COLUMNS)
        rows = [("—", text("city"), f"{a.city.score}")]
        rows += [
            (str(d.rank), d.entity.name if zh else d.entity.name_en, f"{d.score}")
            for d in a.districts
        ]
        breakdown = tuple(
            (
                b.label if zh else b.label_en,
                b.raw_text or DASH,
                DASH if b.points is None else f"{b.points}",
                DASH if b.max_points is None else f"{b.max_points}",
            )
            for b in a.city.breakdown
        )
        lead = text(
            "lead",
            scheme=a.scheme.name if zh else a.scheme.name_en,
            as_of=fmt_date(a.as_of, lang),
            score=a.city.score,
            full_score=fmt_fixed(a.scheme.full_score),
        )
        return Section(
            text("title"),
            [
                Paragraph(lead),
                Table(
                    header=header,
                    rows=tuple(rows),
                    align=("center", "left", "right"),
                    caption=text("scores_caption"),
                ),
                Table(
                    header=tuple(text(f"col.{c}") for c in BREAKDOWN_COLUMNS),
                    rows=breakdown,
                    align=("left", "right", "right", "right"),
                    caption=text("breakdown_caption"),
                ),
            ],
            key="protection-assessment",
        )


def _pct(value: Fraction | Decimal | int | None) -> str:
    return DASH if value is None else fmt_fixed(Fraction(value), 1) + "%"


def _days(value: Fraction | Decimal | int | None) -> str:
    return DASH if value is None else fmt_fixed(Fraction(value), 1)


def build_report_section(
    session: Session,
    year: int,
    *,
    as_of: date | None = None,
    scheme: ProtectionScheme | None = None,
    with_assessment: bool = True,
) -> ProtectionSection:
    """Gather the section's data now (the session may close afterwards)."""
    as_of = as_of or min(date(year, 12, 31), app_today())
    city = ind.compute(session, years=[year], as_of=as_of)
    totals = {ind.short_id(r.indicator): r.value for r in city.rows}
    per_kind = ind.compute(
        session,
        years=[year],
        by=("kind",),
        as_of=as_of,
        indicators=[
            "cases_received",
            "cases_closed",
            "closure_rate",
            "avg_handling_days",
            "median_handling_days",
        ],
    )
    values: dict[str, dict[str, Fraction | Decimal | int | None]] = {}
    for r in per_kind.rows:
        values.setdefault(str(r.dim("kind")), {})[ind.short_id(r.indicator)] = r.value
    by_kind = []
    for kind in vocab.KIND_CODES:
        v = values.get(kind)
        if not v:
            continue

        def frac(key: str, v: dict[str, Fraction | Decimal | int | None] = v) -> Fraction | None:
            x = v.get(key)
            return None if x is None else Fraction(x)

        by_kind.append(
            KindRow(
                kind,
                int(v.get("cases_received") or 0),
                int(v.get("cases_closed") or 0),
                frac("closure_rate"),
                frac("avg_handling_days"),
                frac("median_handling_days"),
            )
        )
    result = None
    if with_assessment:
        scheme = scheme or default_scheme()
        result = assess(gather(session, year, as_of, scheme), scheme)
    synthetic = int(
        session.scalar(
            select(func.count())
            .select_from(ProtectionCase)
            .where(
                ProtectionCase.synthetic.is_(True),
                ProtectionCase.received_on <= as_of,
            )
        )
        or 0
    )
    return ProtectionSection(year, as_of, totals, tuple(by_kind), result, synthetic)
