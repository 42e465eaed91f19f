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
from dataclasses import dataclass
from decimal import Decimal

from ipcity.reports.model import HeadlineFigure
from ipcity.reports.numbers import (
    Lang,
    fmt_change,
    fmt_count,
    fmt_fixed,
    fmt_percent_change,
    growth_pct,
    round_half_up,
    to_decimal,
)

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


@dataclass(frozen=True)
class _Template:
    zh: str  # {v}: the value as zh writes it
    en: str  # {v}: the value as en writes it
    en_singular: str = ""


TEMPLATES: dict[str, _Template] = {
    "patents_granted": _Template(
        "专利授权量{v}", "{v} patents were granted", "{v} patent was granted"
    ),
    "pct_applications": _Template(
        "PCT国际专利申请{v}",
        "{v} PCT international applications were filed",
        "{v} PCT international application was filed",
    ),
    "high_value_invention_patents_per_10k": _Template(
        "每万人口高价值发明专利拥有量{v}",
        "high-value invention patents per 10,000 people reached {v}",
    ),
    "patent_applications": _Template(
        "专利申请量{v}",
        "{v} patent applications were filed",
        "{v} patent application was filed",
    ),
    "invention_patents_granted": _Template(
        "发明专利授权量{v}",
        "{v} invention patents were granted",
        "{v} invention patent was granted",
    ),
    "invention_patents_in_force": _Template(
        "有效发明专利拥有量{v}",
        "{v} invention patents were in force at the end of the year",
        "{v} invention patent was in force at the end of the year",
    ),
    "invention_patents_in_force_per_10k": _Template(
        "每万人口发明专利拥有量{v}",
        "invention patents in force per 10,000 people reached {v}",
    ),
    "high_value_invention_patents": _Template(
        "高价值发明专利拥有量{v}",
        "{v} high-value invention patents were in force",
        "{v} high-value invention patent was in force",
    ),
}


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
            return "与上年持平" if lang == "zh" else "unchanged on the year before"
        if lang == "zh":
            return "同比" + fmt_percent_change(d, "zh")
        word = "increase" if d > 0 else "decrease"
        return f"a year-on-year {word} of {abs(d):.2f}%"
    d = round_half_up(c, f.places)
    if d == 0:
        return "与上年持平" if lang == "zh" else "unchanged on the year before"
    if lang == "zh":
        return "较上年" + fmt_change(d, "zh", f.places, f.unit_zh if f.kind == "rate" else "")
    return f"{'up' if d > 0 else 'down'} {abs(d):.{f.places}f} on the year before"


def clause(f: HeadlineFigure, lang: Lang, with_change: bool) -> str | None:
    """One figure's clause, or None when it has no value."""
    if f.value is None:
        return None
    t = TEMPLATES.get(f.indicator)
    v = value_text(f, lang)
    if t is None:
        text = f"{f.name_zh}{v}" if lang == "zh" else f"{f.name_en}: {v}"
    elif lang == "zh":
        text = t.zh.format(v=v)
    else:
        singular = f.kind == "count" and round_half_up(f.value, 0) == 1 and t.en_singular
        text = (t.en_singular if singular else t.en).format(v=v)
    if with_change:
        c = change_text(f, lang)
        if c:
            text += ("，" if lang == "zh" else ", ") + c
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
    if lang == "zh":
        return f"{year}年，{area_zh}" + "，".join(parts) + "。"
    return f"In {year}, " + _join_en(parts) + "."


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
    if lang == "zh":
        return area_zh + "；".join(parts) + "。"
    return "In addition, " + _join_en(parts, "; ") + "."


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
