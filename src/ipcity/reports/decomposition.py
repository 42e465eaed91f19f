"""The change of a stock indicator in words and as a waterfall, from ``ipcity explain``.

    比上年增加6.7件，其中新授权贡献4.1件、存量专利新达标2.9件、失效和期满减少0.6件、人口变化增加0.3件
    up 6.7 on the year before: new grants added 4.1, patents newly meeting a criterion 2.9,
    lapses and expiries removed 0.6, the population change added 0.3

A part that rounds to zero reads as negligible (人口变化影响可忽略 / the population change
negligible), never as "减少0.0件"; its waterfall bar is labelled 0.0, never −0.0.

The parts are explain's exact components grouped four ways (per-10,000 ratios: their
numerator_effect split plus population_effect), each rounded half up to ``places`` once.
Rounded parts need not add up to the rounded change; the exact ones do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ipcity.i18n import render
from ipcity.indicators.explain import ExplainResult
from ipcity.numbers import Lang, round_half_up
from ipcity.reports.charts import waterfall_floor
from ipcity.reports.document import ChartSpec, Series

PARTS = ("new_grants", "newly_qualifying", "leaving", "population")
# The waterfall's bar names are message keys: report.waterfall.<part>.


@dataclass(frozen=True)
class Decomposition:
    """Exact parts of one region's change (``population`` None for a stock)."""

    start: Fraction
    end: Fraction
    new_grants: Fraction
    newly_qualifying: Fraction
    leaving: Fraction  # negative: lapsed, expired, no longer qualifying
    population: Fraction | None

    @property
    def change(self) -> Fraction:
        return self.end - self.start

    @classmethod
    def of(cls, result: ExplainResult, **keys: str | None) -> Decomposition:
        ratio = any(r["component"] == "population_effect" for r in result.rows)
        prefix = "numerator_effect." if ratio else ""

        def part(*components: str) -> Fraction:
            total = Fraction(0)
            for row, value in zip(result.rows, result.exact, strict=True):
                if row["component"] in {prefix + c for c in components} and all(
                    row.get(k) == v for k, v in keys.items()
                ):
                    total += value
            return total

        return cls(
            start=result.value("start", **keys),
            end=result.value("end", **keys),
            new_grants=part("entered_new_grant"),
            newly_qualifying=part("entered_newly_qualifying"),
            leaving=part("left_lapsed", "left_expired", "left_no_longer_qualifying"),
            population=result.value("population_effect", **keys) if ratio else None,
        )

    def rounded(self, places: int) -> dict[str, Decimal]:
        """change and each part rounded half up (what the sentence prints)."""
        out = {"change": round_half_up(self.change, places)}
        for p in PARTS:
            v = getattr(self, p)
            if v is not None:
                out[p] = round_half_up(v, places)
        return out


def _num(d: Decimal, places: int) -> str:
    return f"{abs(d):,.{places}f}"


def sentence(dec: Decomposition, lang: Lang, places: int = 1, unit_zh: str = "件") -> str:
    """The change and its parts in one sentence (see the module docstring)."""
    r = rounded = dec.rounded(places)
    change = rounded["change"]
    # the Chinese sentence writes each number with its unit ("4.1件"), the English one bare
    unit = unit_zh if lang == "zh" else ""

    def clause(part: str, key: str) -> str:
        # A part that rounds to zero at the printed precision has no direction worth a number
        # ("人口变化减少0.0件" would name a direction the figure does not show).
        if r[part] == 0:
            return render(f"report.decomposition.negligible.{part}", None, lang)
        return render(key, {"n": _num(r[part], places) + unit}, lang)

    if change == 0:
        head = render("report.change.unchanged", None, lang)
    else:
        key = "report.decomposition.up" if change > 0 else "report.decomposition.down"
        head = render(key, {"delta": _num(change, places) + unit}, lang)
    parts = [
        clause(part, f"report.decomposition.{part}")
        for part in ("new_grants", "newly_qualifying", "leaving")
    ]
    if "population" in r:
        up = (dec.population or 0) >= 0  # the exact sign
        key = "report.decomposition.population_up" if up else "report.decomposition.population_down"
        parts.append(clause("population", key))
    joined = ("、" if lang == "zh" else ", ").join(parts)
    return render("report.decomposition.sentence", {"head": head, "parts": joined}, lang)


def top_districts(result: ExplainResult, n: int = 3) -> list[tuple[str, Fraction]]:
    """The ``n`` districts (rows of an explain ``--by region_code``) that moved the figure
    most, by the size of their change, largest first."""
    changes = []
    for code in sorted({str(r["region_code"]) for r in result.rows if r.get("region_code")}):
        change = result.value("end", region_code=code) - result.value("start", region_code=code)
        changes.append((code, change))
    changes.sort(key=lambda c: (-abs(c[1]), c[0]))
    return changes[:n]


def waterfall_values(dec: Decomposition) -> list[tuple[str, Fraction]]:
    """The waterfall's bars, exact: last year, the parts (population only for a ratio), this
    year. The report's figure and the indicator page's chart are both drawn from these."""
    out: list[tuple[str, Fraction]] = [("start", dec.start)]
    out += [(p, getattr(dec, p)) for p in PARTS if getattr(dec, p) is not None]
    out.append(("end", dec.end))
    return out


def waterfall_spec(
    dec: Decomposition,
    lang: Lang,
    *,
    year: int | None = None,
    places: int = 1,
    title: str = "",
    unit: str = "",
) -> ChartSpec:
    """The waterfall as a chart both renderers draw (report figure, page chart): bars from
    ``waterfall_values``, the two levels named by their years when ``year`` is given."""
    bars = waterfall_values(dec)
    return ChartSpec(
        key=f"explained-{year or 'change'}",
        kind="waterfall",
        title=title,
        categories=tuple(_bar_name(n, year, lang) for n, _ in bars),
        series=(Series(title or "change", tuple(float(v) for _, v in bars)),),
        value_label=unit,
        places=places,
    )


def waterfall_figure(
    dec: Decomposition, lang: Lang, title: str = "", *, year: int | None = None, places: int = 1
) -> dict[str, Any]:
    """A plotly waterfall: last year, the parts, this year, labelled and with the value axis
    cut as in the report (drawn by the locally served plotly.js)."""
    from ipcity.reports.charts import plotly_figure

    figure = plotly_figure(waterfall_spec(dec, lang, year=year, places=places))
    if title:
        figure["layout"]["title"] = {"text": title}
    return figure


def waterfall_div(dec: Decomposition, lang: Lang, div_id: str, title: str = "") -> str:
    """A <div> and the script drawing the waterfall into it (plotly.js loaded first)."""
    payload = json.dumps(waterfall_figure(dec, lang, title), ensure_ascii=False)
    payload = payload.replace("</", "<\\/")
    return (
        f'<div id="{div_id}" class="chart" role="img"></div>\n'
        f"<script>(function () {{ var f = {payload}; Plotly.newPlot({json.dumps(div_id)}, "
        'f.data, f.layout, {"displaylogo": false, "responsive": true}); })();</script>'
    )


HEADLINE_INDICATOR = "high_value_invention_patents_per_10k"


@dataclass(frozen=True)
class ExplainedChange:
    """The headline indicator's change explained, for the annual report."""

    indicator: str
    year: int
    decomposition: Decomposition
    districts: tuple[tuple[str, Fraction], ...]  # top 3 by the size of their change
    district_indicator: str  # the districts' figure (their stocks: per-10k do not add up)


def explain_headline(
    warehouse: Any,
    year: int,
    city: str,
    *,
    population_lag: int | None = None,
    counting: str = "first",
    engine: str = "duckdb",
) -> ExplainedChange | None:
    """explain() of the headline ratio for the city, and its districts' stock changes; None
    when it cannot be explained (no population, no data): the report then leaves it out."""
    from ipcity.errors import IpcityError
    from ipcity.indicators.explain import explain

    try:
        r = explain(
            warehouse,
            HEADLINE_INDICATOR,
            year,
            city,
            population_lag=population_lag,
            counting=counting,
            engine=engine,
        )
        if not r.rows:
            return None
        stock = HEADLINE_INDICATOR.removesuffix("_per_10k")
        by = explain(
            warehouse, stock, year, city, by=["region_code"], counting=counting, engine=engine
        )
    except IpcityError:
        return None
    return ExplainedChange(
        HEADLINE_INDICATOR, year, Decomposition.of(r), tuple(top_districts(by)), stock
    )


def _bar_name(name: str, year: int | None, lang: Lang) -> str:
    """A waterfall bar's name: the two levels as years (when known), the parts by label."""
    y = None if year is None else {"start": year - 1, "end": year}.get(name)
    if y is None:
        return render(f"report.waterfall.{name}", None, lang)
    return render("report.year_column", {"year": y}, lang)


def waterfall_chart(ec: ExplainedChange, lang: Lang, places: int = 1) -> ChartSpec:
    """The report's figure of the headline change (a numbered 图 N / Figure N beside the
    sentence): the same exact parts as the sentence, labelled with ``places`` decimals."""
    ratio = ec.decomposition.population is not None
    unit = (
        render("report.waterfall.unit_per_10k", None, lang)
        if ratio
        else render("report.waterfall.unit_patents", None, lang)
    )
    indicator = render("report.explained.indicator", None, lang)

    def title(unit_text: str) -> str:
        # Stays in code: the English title names both years, the Chinese one only this year,
        # and the catalog check wants the same placeholders in both languages.
        if lang == "zh":
            return f"{ec.year}年{indicator}比上年变化的构成（{unit_text}）"
        return f"{indicator}: the change from {ec.year - 1} to {ec.year} by source ({unit_text})"

    chart = replace(
        waterfall_spec(
            ec.decomposition, lang, year=ec.year, places=places, title=title(unit), unit=unit
        ),
        key=f"explained-{ec.indicator}-{ec.year}",
        series=(Series(indicator, tuple(float(v) for _, v in waterfall_values(ec.decomposition))),),
    )
    if waterfall_floor(chart) > 0:
        cut = render("report.waterfall.axis_cut", None, lang)
        unit_text = render("report.waterfall.unit_and_cut", {"unit": unit, "cut": cut}, lang)
        chart = replace(chart, title=title(unit_text))
    return chart


def explained_paragraph(ec: ExplainedChange, lang: Lang, places: int = 1) -> str:
    """'每万人口高价值发明专利拥有量比上年增加…；变化最大的区：浦东新区（增加120件）…。'"""
    from ipcity.geo.regions import name

    indicator = render("report.explained.indicator", None, lang)
    text = render(
        "report.explained.lead",
        {"indicator": indicator, "sentence": sentence(ec.decomposition, lang, places)},
        lang,
    )
    if ec.districts:
        up, down = "report.explained.district_up", "report.explained.district_down"
        parts = [
            render(
                up if v >= 0 else down,
                {"district": name(c, lang), "n": _num(round_half_up(v, 0), 0)},
                lang,
            )
            for c, v in ec.districts
        ]
        joined = ("、" if lang == "zh" else ", ").join(parts)
        text = render("report.explained.districts", {"text": text, "districts": joined}, lang)
    return render("report.sentence", {"text": text}, lang)


def projection_section(projections: list[tuple[str, Any]], lang: Lang) -> Any:
    """The mid-term section's table of each target's projection (ipcity.evaluation.project):
    target, projected value, 80% range, chance of meeting it; then the basis of each (its
    method and inputs in plain words), which also names the method."""
    from ipcity.evaluation.project_text import basis
    from ipcity.reports.document import Paragraph, Section, Table

    def num(v: float | None) -> str:
        return "—" if v is None else f"{v:,.1f}"

    def given(v: float | None) -> str:  # a target as it was set: 12, 4.5, 0.75
        return "—" if v is None else f"{v:,.2f}".rstrip("0").rstrip(".")

    rows = []
    for name_, p in projections:
        interval = "—" if p.low is None else f"{num(p.low)} – {num(p.high)}"
        chance = "—" if p.p_meet_target is None else f"{p.p_meet_target * 100:.0f}%"
        rows.append((name_, str(p.year), given(p.target), num(p.value), interval, chance))
    columns = (
        "report.indicator",
        "report.projection.target_year",
        "report.target",
        "report.projection.projected",
        "report.projection.range",
        "report.projection.chance",
    )
    table = Table(
        header=tuple(render(c, None, lang) for c in columns),
        rows=tuple(rows),
        caption=render("report.projection.caption", None, lang),
        align=("left", "center", "right", "right", "right", "right"),
        note=render("report.projection.note", {"text": range_note_text(lang)}, lang),
    )
    blocks: list[Any] = [table]
    blocks.append(Paragraph(render("report.projection.basis_intro", None, lang)))
    for name_, p in projections:
        text = {"indicator": name_, "basis": basis(p, lang)}
        blocks.append(Paragraph(render("report.projection.basis", text, lang), "note"))
    return Section(render("report.projection.title", None, lang), blocks, key="projection")


def range_note_text(lang: Lang) -> str:
    from ipcity.evaluation.project_text import range_note

    return range_note(lang)
