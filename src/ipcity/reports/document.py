"""A report as a language-specific document: sections of paragraphs, tables and charts.

``compose`` turns :class:`~ipcity.reports.model.ReportData` into a ``ReportDocument``; the
DOCX, HTML and PDF renderers only lay it out, so the three formats cannot disagree on a
number. Section titles carry no numbers: each renderer numbers them in its language
(一、二、 / （一）（二） in Chinese, 1. 2. / (1) (2) in English).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from ipcity.i18n import render
from ipcity.numbers import Lang

Align = Literal["left", "right", "center"]
# waterfall: one series, first value the start level, last the end level, the rest the
# changes between them (ipcity.reports.charts.waterfall_steps)
ChartKind = Literal["barh", "grouped_barh", "stacked_barh", "bar", "line", "waterfall"]


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    color: str | None = None


@dataclass(frozen=True)
class ChartSpec:
    """A chart both renderers can draw: matplotlib (PNG) and plotly (interactive)."""

    key: str  # unique in the document; file names and HTML ids derive from it
    kind: ChartKind
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    value_label: str = ""
    places: int = 0  # decimals of value labels
    integer: bool = False  # counts: whole-number axis ticks only (no 2.5 steps)


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: Literal["body", "lead", "note"] = "body"


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    align: tuple[Align, ...] = ()
    note: str = ""
    label: str = ""  # 表1 / Table 1: set by ``number_blocks``
    wrap: int = 0  # the one column whose text may wrap (the others keep each cell on one line)

    def alignment(self, column: int) -> Align:
        return self.align[column] if column < len(self.align) else "left"


@dataclass(frozen=True)
class Chart:
    spec: ChartSpec
    label: str = ""  # 图1 / Figure 1: set by ``number_blocks``


Block = Paragraph | Table | Chart


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    key: str = ""

    def section(self, lang: Lang) -> Section | None:
        """A ready Section is its own source (see ``SectionSource``)."""
        return self

    def all_blocks(self) -> list[Block]:
        out = list(self.blocks)
        for s in self.subsections:
            out += s.all_blocks()
        return out


@dataclass
class ReportDocument:
    lang: Lang
    title: str
    date_line: str
    issuer: str
    sections: list[Section]

    def charts(self) -> list[ChartSpec]:
        return [b.spec for s in self.sections for b in s.all_blocks() if isinstance(b, Chart)]

    def text(self) -> str:
        """Every paragraph, in order (tests and previews)."""
        parts = [self.title, self.date_line]
        for s in self.sections:
            parts += [b.text for b in s.all_blocks() if isinstance(b, Paragraph)]
        return "\n".join(parts)


def caption_text(label: str, caption: str, lang: Lang) -> str:
    """'表1　各单位…' / 'Table 1. Key tasks…'."""
    if not label:
        return caption
    return render("report.caption", {"label": label, "caption": caption}, lang)


def number_blocks(doc: ReportDocument) -> ReportDocument:
    """Number the tables and the figures in reading order (表1、图1 / Table 1, Figure 1), so
    the three formats print the same numbers. A table without a caption takes its section's
    title as caption."""
    tables = figures = 0

    def visit(section: Section) -> None:
        nonlocal tables, figures
        out: list[Block] = []
        for b in section.blocks:
            if isinstance(b, Table):
                tables += 1
                label = render("report.table_label", {"n": tables}, doc.lang)
                b = replace(b, label=label, caption=b.caption or section.title)
            elif isinstance(b, Chart):
                figures += 1
                b = replace(b, label=render("report.figure_label", {"n": figures}, doc.lang))
            out.append(b)
        section.blocks = out
        for sub in section.subsections:
            visit(sub)

    for s in doc.sections:
        visit(s)
    return doc


SECTION_NUMBERS_ZH = "一二三四五六七八九十"


def zh_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 11 -> 十一, 20 -> 二十, 23 -> 二十三 (n from 1 to 99)."""
    if not 1 <= n <= 99:
        return str(n)
    tens, ones = divmod(n, 10)
    digits = SECTION_NUMBERS_ZH
    head = "" if tens == 0 else ("十" if tens == 1 else digits[tens - 1] + "十")
    return head + ("" if ones == 0 else digits[ones - 1])


def section_number(n: int, lang: Lang) -> str:
    """一、 / 1."""
    return f"{zh_number(n)}、" if lang == "zh" else f"{n}. "


def subsection_number(n: int, lang: Lang) -> str:
    """（一） / (1)"""
    return f"（{zh_number(n)}）" if lang == "zh" else f"({n}) "
