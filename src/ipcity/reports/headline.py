"""The headline sentences of the annual report, generated from the engine's numbers.

The first sentence follows the form the Joint Conference hears:

    2022年，全市专利授权量17.83万件，PCT国际专利申请5591件，同比增长15.76%，每万人口高价值
    发明专利拥有量40.9件，较上年提高6.7件。
    In 2022, 178,300 patents were granted, 5,591 PCT international applications were filed, a
    year-on-year increase of 15.76%, and high-value invention patents per 10,000 people reached
    40.9, up 6.7 on the year before.

A figure without a value leaves its clause out; a figure without last year's value keeps its
clause without the change. Decreases and no change have their own words ("同比下降3.20%",
"a year-on-year decrease of 3.20%", "与上年持平"). Nothing prints "None".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from ipcity.i18n import has_key, render
from ipcity.numbers import (
    Lang,
    fmt_count,
    fmt_fixed,
    growth_pct,
    round_half_up,
    to_decimal,
)
from ipcity.reports.model import HeadlineFigure

# (indicator, with its change) of the first sentence: the published form.
FIRST_SENTENCE: tuple[tuple[str, bool], ...] = (
    ("patents_granted", False),
    ("pct_applications", True),
    ("high_value_invention_patents_per_10k", True),
)
# Further figures, each with its change, in a second sentence.
SECOND_SENTENCE: tuple[tuple[str, bool], ...] = (
    ("patent_applications", True),
    ("invention_patents_granted", True),
    ("invention_patents_in_force", True),
    ("invention_patents_in_force_per_10k", True),
    ("high_value_invention_patents", True),
)


# Each figure's clause is a message key of the reports catalogue:
# ``report.clause.<indicator>.other`` and, where English has a singular, ``.one``;
# ``{value}`` is the value as the language writes it (value_text).


def value_text(f: HeadlineFigure, lang: Lang) -> str:
    """The value as the sentence writes it: '17.83万件' / '178,300'; '40.9件' / '40.9'."""
    assert f.value is not None
    if f.kind == "count":
        return fmt_count(f.value, lang, f.unit_zh)
    if f.kind == "percent":
        return fmt_fixed(f.value, 2) + "%"
    text = fmt_fixed(f.value, f.places)
    return text + f.unit_zh if lang == "zh" else text


def change_of(f: HeadlineFigure) -> Decimal | None:
    """The engine's change when it gave one, else derived from value and previous."""
    if f.change is not None:
        return to_decimal(f.change)
    if f.value is None or f.previous is None:
        return None
    if f.change_kind == "percent":
        return growth_pct(f.value, f.previous)
    return to_decimal(f.value) - to_decimal(f.previous)


def change_text(f: HeadlineFigure, lang: Lang) -> str | None:
    """The change as a clause: '同比增长15.76%' / 'a year-on-year increase of 15.76%';
    '较上年提高6.7件' / 'up 6.7 on the year before'; None when unknown."""
    c = change_of(f)
    if c is None:
        return None
    if f.change_kind == "percent":
        d = round_half_up(c, 2)
        if d == 0:
            return render("report.change.unchanged", None, lang)
        key = "report.change.percent_up" if d > 0 else "report.change.percent_down"
        return render(key, {"pct": f"{abs(d):.2f}"}, lang)
    d = round_half_up(c, f.places)
    if d == 0:
        return render("report.change.unchanged", None, lang)
    # a rate's change carries its unit in Chinese ("提高6.7件"), as value_text does
    unit = f.unit_zh if lang == "zh" and f.kind == "rate" else ""
    key = "report.change.up" if d > 0 else "report.change.down"
    return render(key, {"delta": f"{abs(d):.{f.places}f}{unit}"}, lang)


def clause(f: HeadlineFigure, lang: Lang, with_change: bool) -> str | None:
    """One figure's clause, or None when it has no value."""
    if f.value is None:
        return None
    v = value_text(f, lang)
    key = f"report.clause.{f.indicator}"
    if not has_key(f"{key}.other"):
        text = render("report.clause.other_figure", {"name": f.name(lang), "value": v}, lang)
    else:
        singular = f.kind == "count" and round_half_up(f.value, 0) == 1
        one = singular and has_key(f"{key}.one")
        text = render(f"{key}.{'one' if one else 'other'}", {"value": v}, lang)
    if with_change:
        c = change_text(f, lang)
        if c:
            text = render("report.clause.with_change", {"clause": text, "change": c}, lang)
    return text


def _join_en(parts: Sequence[str], sep: str = ", ") -> str:
    if len(parts) <= 1:
        return "".join(parts)
    if len(parts) == 2:
        return f"{parts[0]} and {parts[1]}" if sep == ", " else f"{parts[0]}{sep}and {parts[1]}"
    return sep.join(parts[:-1]) + f"{sep}and {parts[-1]}"


def _clauses(
    figures: Iterable[HeadlineFigure], spec: Sequence[tuple[str, bool]], lang: Lang
) -> list[str]:
    by_id = {f.indicator: f for f in figures}
    out: list[str] = []
    for indicator, with_change in spec:
        f = by_id.get(indicator)
        c = clause(f, lang, with_change) if f is not None else None
        if c:
            out.append(c)
    return out


def headline_sentence(
    figures: Iterable[HeadlineFigure],
    year: int,
    lang: Lang,
    *,
    area_zh: str = "全市",
    spec: Sequence[tuple[str, bool]] = FIRST_SENTENCE,
) -> str | None:
    """The first headline sentence (None when none of its figures has a value)."""
    parts = _clauses(figures, spec, lang)
    if not parts:
        return None
    # list joining is a formatting rule of each language; the area opens the Chinese list
    clauses = area_zh + "，".join(parts) if lang == "zh" else _join_en(parts)
    return render("report.headline.first", {"year": year, "clauses": clauses}, lang)


def further_sentence(
    figures: Iterable[HeadlineFigure],
    lang: Lang,
    *,
    area_zh: str = "全市",
    spec: Sequence[tuple[str, bool]] = SECOND_SENTENCE,
) -> str | None:
    """The second sentence: the other figures with their changes (None when none)."""
    parts = _clauses(figures, spec, lang)
    if not parts:
        return None
    clauses = area_zh + "；".join(parts) if lang == "zh" else _join_en(parts, "; ")
    return render("report.headline.further", {"clauses": clauses}, lang)


def headline_sentences(
    figures: Iterable[HeadlineFigure], year: int, lang: Lang, *, area_zh: str = "全市"
) -> list[str]:
    figs = list(figures)
    return [
        s
        for s in (
            headline_sentence(figs, year, lang, area_zh=area_zh),
            further_sentence(figs, lang, area_zh=area_zh),
        )
        if s
    ]
