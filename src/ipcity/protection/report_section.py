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
from ipcity.numbers import Lang, fmt_count, fmt_date, fmt_fixed
from ipcity.protection import indicators as ind
from ipcity.protection import vocab
from ipcity.protection.assessment import ProtectionAssessment, assess, gather
from ipcity.protection.models import ProtectionCase
from ipcity.protection.scheme import ProtectionScheme, default_scheme
from ipcity.reports.document import Paragraph, Section, Table

DASH = "—"


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
        zh = lang == "zh"
        blocks: list[Paragraph | Table] = [Paragraph(self._summary(lang))]
        header = (
            "案件类型" if zh else "Kind of case",
            "收案" if zh else "Received",
            "结案" if zh else "Closed",
            "结案率" if zh else "Closure rate",
            "平均办案天数" if zh else "Mean days",
            "办案天数中位数" if zh else "Median days",
        )
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
                caption=f"{self.year}年知识产权保护案件分类情况"
                if zh
                else f"IP protection cases by kind, {self.year}",
                align=("left", "right", "right", "right", "right", "right"),
                note="结案率 = 结案数 ÷（新收案件数 + 旧存案件数）；"
                "办案天数 = 结案日期 − 收案日期。"
                if zh
                else "Closure rate = closed / (received + pending at the start of the year); "
                "handling days = date closed − date received.",
            )
        )
        subsections = []
        a = self.assessment
        if a is not None and a.city is not None:
            subsections.append(self._assessment(a, lang))
        if self.synthetic_cases:
            blocks.append(
                Paragraph(
                    f"注：其中{self.synthetic_cases}件为演示数据（合成案件），不是真实案件。"
                    if zh
                    else f"Note: {self.synthetic_cases} of the cases are synthetic demo data.",
                    kind="note",
                )
            )
        return Section(
            "知识产权保护和纠纷化解" if zh else "IP protection and dispute resolution",
            list(blocks),
            subsections,
            key="protection",
        )

    def _summary(self, lang: Lang) -> str:
        t = self.totals

        def count(key: str) -> str:
            v = t.get(key)
            return fmt_count(int(v or 0), lang)

        if lang == "zh":
            return (
                f"{self.year}年（截至{fmt_date(self.as_of, 'zh')}），"
                f"各成员单位共受理知识产权保护案件{count('cases_received')}，办结{count('cases_closed')}，结案率"
                f"{_pct(t.get('closure_rate'))}；平均办案{_days(t.get('avg_handling_days'))}天，"
                f"中位数{_days(t.get('median_handling_days'))}天；调解成功率"
                f"{_pct(t.get('mediation_success_rate'))}；涉外案件{count('foreign_related_cases')}，"
                f"占{_pct(t.get('foreign_related_share'))}；跨区域协作案件"
                f"{count('cross_region_cases')}。"
            )
        return (
            f"In {self.year} (as of {fmt_date(self.as_of, 'en')}) the member units received "
            f"{count('cases_received')} IP protection cases and closed {count('cases_closed')} "
            f"(closure rate {_pct(t.get('closure_rate'))}); handling took "
            f"{_days(t.get('avg_handling_days'))} days on average (median "
            f"{_days(t.get('median_handling_days'))}); mediation succeeded in "
            f"{_pct(t.get('mediation_success_rate'))} of cases; "
            f"{count('foreign_related_cases')} cases were foreign-related "
            f"({_pct(t.get('foreign_related_share'))}) and {count('cross_region_cases')} were "
            "handled in cross-region co-operation."
        )

    def _assessment(self, a: ProtectionAssessment, lang: Lang) -> Section:
        zh = lang == "zh"
        assert a.city is not None
        header = ("名次" if zh else "Rank", "地区" if zh else "Area", "得分" if zh else "Score")
        rows = [("—", "全市" if zh else "City", f"{a.city.score}")]
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
        lead = (
            f"按照《{a.scheme.name}》，截至{fmt_date(a.as_of, 'zh')}，全市自评得分{a.city.score}分"
            f"（满分{fmt_fixed(a.scheme.full_score)}分），各区得分和名次如下（得分相同者名次并列）。"
            if zh
            else f"Under “{a.scheme.name_en}”, as of {fmt_date(a.as_of, 'en')}, the city scores "
            f"{a.city.score} of {fmt_fixed(a.scheme.full_score)}; district scores and ranks "
            "follow (equal scores share a rank)."
        )
        return Section(
            "知识产权保护工作自评" if zh else "Self-assessment of IP protection",
            [
                Paragraph(lead),
                Table(
                    header=header,
                    rows=tuple(rows),
                    align=("center", "left", "right"),
                    caption="全市和各区自评得分" if zh else "Scores of the city and the districts",
                ),
                Table(
                    header=(
                        "评价项目" if zh else "Item",
                        "实际值" if zh else "Value",
                        "得分" if zh else "Points",
                        "满分" if zh else "Out of",
                    ),
                    rows=breakdown,
                    align=("left", "right", "right", "right"),
                    caption="全市自评得分构成" if zh else "How the city's score was made",
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
