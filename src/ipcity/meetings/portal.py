"""What the public portal shows, ready for a template or the API.

- :func:`portal_home`: the published headline snapshot as figure cards (value of the latest
  year and the change on the year before) and one chart per indicator over the snapshot's
  years, plus the news list (published publications, newest first);
- :func:`render_markdown`: a publication's body as safe HTML (CommonMark with tables; raw HTML
  is shown as text, images are not loaded — the portal runs offline — and ``javascript:``
  links are refused);
- numbers are written as the annual report writes them (``ipcity.numbers``):
  zh 17.83万件, en 178,300; growth 增长15.76% / +15.76%.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from typing import Any

from markdown_it import MarkdownIt
from sqlalchemy.orm import Session

from ipcity.meetings.models import HeadlineSnapshot, HeadlineValue, Publication
from ipcity.meetings.queries import current_headline_snapshot, list_publications
from ipcity.numbers import (
    Lang,
    fmt_change,
    fmt_count,
    fmt_fixed,
    fmt_percent_change,
    growth_pct,
)
from ipcity.reports.document import ChartSpec, Series
from ipcity.workspace.permissions import Actor


@functools.cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")


def render_markdown(text: str) -> str:
    """Markdown (or plain paragraphs separated by blank lines) as safe HTML."""
    html: str = _markdown().render(text or "")
    return html


def _lang(locale: str) -> Lang:
    return "en" if locale.lower().startswith("en") else "zh"


# Units of measure the office types in Chinese for its own indicators, in English (issue 12,
# item 11: an English page shows no 件 or 亿元). A unit not listed is shown as typed.
UNITS_OF_MEASURE_EN = {
    "件": "",
    "项": "",
    "个": "",
    "家": "",
    "次": "",
    "人": "people",
    "万件": "× 10,000",
    "万元": "× 10,000 yuan",
    "亿元": "× 100 million yuan",
    "元": "yuan",
    "个月": "months",
    "月": "months",
    "天": "days",
    "日": "days",
    "分": "points",
    "年": "years",
    "%": "%",
    "件/万人": "per 10,000 residents",
}


def unit_of_measure(unit: str, locale: str = "zh") -> str:
    """``unit`` (as the office typed it) in the reader's language."""
    if _lang(locale) == "zh":
        return unit
    return UNITS_OF_MEASURE_EN.get(unit.strip(), unit)


def split_value(v: HeadlineValue, locale: str = "zh") -> tuple[str, str]:
    """A snapshot value as the portal's card shows it: (the big number, its unit of measure for
    the card's small text). A count keeps its Chinese magnitude and 件 (17.83万件: that is how
    the number is written) and a percentage its %; a rate or an amount is the number alone, its
    unit (件/万人, per 10,000 residents, 亿元) apart, so the figure stays on one line on a
    phone. ("—", "") when missing."""
    if v.value is None:
        return "—", ""
    lang = _lang(locale)
    if v.kind == "count":
        return fmt_count(v.value, lang, v.unit_zh or "件"), ""
    text = fmt_fixed(v.value, v.places)
    if v.kind == "percent":
        return (text if text.endswith("%") or v.unit_zh.endswith("%") else text + "%"), ""
    return text, v.unit_zh if lang == "zh" else unit_of_measure(v.unit_en, "en")


def format_value(v: HeadlineValue, locale: str = "zh") -> str:
    """A snapshot value as one piece of text, its unit included ("—" when missing): the API's
    card and any line of text."""
    number, unit = split_value(v, locale)
    if not unit:
        return number
    return f"{number}{unit}" if _lang(locale) == "zh" else f"{number} {unit}"


def format_change(v: HeadlineValue, previous: HeadlineValue | None, locale: str = "zh") -> str:
    """The change on the year before: growth in percent for counts and amounts, the
    difference for rates and percentages; "" when either value is missing."""
    if previous is None or v.value is None or previous.value is None:
        return ""
    lang = _lang(locale)
    if v.kind in ("rate", "percent"):
        unit = "件" if v.kind == "rate" and lang == "zh" else ""
        return fmt_change(v.value - previous.value, lang, max(v.places, 1), unit)
    pct = growth_pct(v.value, previous.value)
    return "" if pct is None else fmt_percent_change(pct, lang)


@dataclass(frozen=True)
class HeadlineCard:
    """A figure card. ``value_text``: the value with its unit, as one text (the API's);
    ``number_text`` and ``unit_text``: the same split for the card, the number big and the
    unit in the small text (``split_value``)."""

    indicator: str
    name: str
    year: int
    value: float | None
    value_text: str
    change_text: str
    source: str
    number_text: str = ""
    unit_text: str = ""

    # The API's card, as it was before the card split its number from its unit.
    API_KEYS = ("indicator", "name", "year", "value", "value_text", "change_text", "source")

    def as_dict(self) -> dict[str, Any]:
        whole = asdict(self)
        return {k: whole[k] for k in self.API_KEYS}


def _by_indicator(snapshot: HeadlineSnapshot) -> dict[str, list[HeadlineValue]]:
    out: dict[str, list[HeadlineValue]] = {}
    for v in sorted(snapshot.values, key=lambda x: (x.seq, x.year)):
        out.setdefault(v.indicator, []).append(v)
    return out


def headline_cards(snapshot: HeadlineSnapshot, locale: str = "zh") -> list[HeadlineCard]:
    """One card per indicator: its value in the snapshot's year and the change on the year
    before."""
    cards = []
    for indicator, values in _by_indicator(snapshot).items():
        by_year = {v.year: v for v in values}
        cur = by_year.get(snapshot.year)
        if cur is None:
            continue
        number, unit = split_value(cur, locale)
        cards.append(
            HeadlineCard(
                indicator=indicator,
                name=cur.name(locale),
                year=cur.year,
                value=cur.value,
                value_text=format_value(cur, locale),
                change_text=format_change(cur, by_year.get(snapshot.year - 1), locale),
                source=cur.source,
                number_text=number,
                unit_text=unit,
            )
        )
    return cards


def headline_charts(snapshot: HeadlineSnapshot, locale: str = "zh") -> list[ChartSpec]:
    """One chart per indicator over the snapshot's years (bars for counts, a line for rates);
    draw with ``ipcity.reports.charts.plotly_figure`` and the app's local plotly.js."""
    lang = _lang(locale)
    charts = []
    for indicator, all_values in _by_indicator(snapshot).items():
        # From the first year with a value: empty leading years only squeeze the bars.
        start = next((i for i, v in enumerate(all_values) if v.value is not None), None)
        if start is None:
            continue
        values = all_values[start:]
        first = values[0]
        unit = first.unit_zh if lang == "zh" else first.unit_en
        charts.append(
            ChartSpec(
                key=f"headline-{indicator.replace(':', '-')}",
                kind="line" if first.kind in ("rate", "percent") else "bar",
                title=first.name(locale),
                categories=tuple(str(v.year) for v in values),
                series=(Series(first.name(locale), tuple(v.value for v in values)),),
                value_label=unit,
                places=first.places,
            )
        )
    return charts


def chart_figure(spec: ChartSpec) -> dict[str, Any]:
    """The plotly figure of a chart (``ipcity.reports.charts.plotly_figure``) with room for
    the value axis' labels in a narrow portal card."""
    from ipcity.reports.charts import plotly_figure

    fig = plotly_figure(spec)
    layout = fig["layout"]
    layout["margin"] = {**layout.get("margin", {}), "l": 10, "r": 10}
    for axis in ("xaxis", "yaxis"):
        layout[axis] = {**layout.get(axis, {}), "automargin": True}
    layout["xaxis"]["type"] = "category"  # years, not numbers: no "2,020.5" ticks
    layout["height"] = 320
    layout["showlegend"] = False
    return fig


@dataclass(frozen=True)
class PortalHome:
    snapshot: HeadlineSnapshot | None
    cards: list[HeadlineCard]
    charts: list[ChartSpec]
    news: list[Publication]

    def as_dict(self, locale: str = "zh") -> dict[str, Any]:
        return {
            "snapshot": self.snapshot.as_dict() if self.snapshot else None,
            "cards": [c.as_dict() for c in self.cards],
            "charts": [{"key": c.key, "figure": chart_figure(c)} for c in self.charts],
            "news": [publication_summary(p, locale) for p in self.news],
        }


def publication_summary(p: Publication, locale: str = "zh") -> dict[str, Any]:
    """A publication as a news-list entry."""
    return {
        "id": p.id,
        "kind": p.kind,
        "title": p.title(locale),
        "summary": p.summary(locale),
        "published_at": p.published_at.isoformat(timespec="seconds") if p.published_at else None,
        "report_year": p.report_year,
        "files": [f.as_dict() for f in p.files],
    }


def portal_home(
    session: Session,
    viewer: Actor,
    *,
    locale: str = "zh",
    year: int | None = None,
    news_limit: int = 20,
) -> PortalHome:
    """The public home page: the published headline snapshot (of ``year``, default the
    latest) and the latest published publications. Only published content, whoever looks
    (the office sees its drafts in the admin pages, not here)."""
    from ipcity.workspace.permissions import ANONYMOUS

    snap = current_headline_snapshot(session, viewer, year=year)
    news = list_publications(session, ANONYMOUS, limit=news_limit)
    return PortalHome(
        snapshot=snap,
        cards=headline_cards(snap, locale) if snap else [],
        charts=headline_charts(snap, locale) if snap else [],
        news=news,
    )
