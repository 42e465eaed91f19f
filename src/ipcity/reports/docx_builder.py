"""ReportDocument -> DOCX in the layout of a Chinese government work report.

GB/T 9704-2012 conventions: A4, margins 37/35/28/26 mm; centred title in a 宋-style serif
(二号, 22 pt); section headings 一、二、三、 in 黑体, sub-sections （一）（二） in 楷体; body in
仿宋 三号 (16 pt) with a two-character first-line indent and fixed 28 pt line spacing; page
number centred in the footer as "— 1 —". Fonts are named, not embedded: the defaults
(SimSun, SimHei, KaiTi, FangSong) exist on every Chinese Windows; an office that has 方正小标宋
and 仿宋_GB2312 passes its own :class:`DocxFonts`. East Asian fonts are set through
``w:eastAsia`` so Word does not fall back to a Latin font for Chinese text. The English
version has the same structure with 1. 2. 3. and (1) (2).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ipcity.reports.charts import render_png
from ipcity.reports.document import (
    Block,
    Chart,
    Paragraph,
    ReportDocument,
    Section,
    Table,
    caption_text,
    section_number,
    subsection_number,
)
from ipcity.reports.layout import column_widths

TEXT_WIDTH = Mm(210 - 28 - 26)  # A4 less the GB/T 9704 side margins

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
}


@dataclass(frozen=True)
class DocxFonts:
    title: str = "SimSun"
    heading1: str = "SimHei"
    heading2: str = "KaiTi"
    body: str = "FangSong"
    table: str = "SimSun"
    latin: str = "Times New Roman"


@dataclass(frozen=True)
class DocxSizes:
    title: float
    heading: float
    body: float
    table: float
    note: float
    line: float  # fixed line spacing of body text


SIZES = {
    "zh": DocxSizes(title=22, heading=16, body=16, table=10.5, note=12, line=28),
    "en": DocxSizes(title=18, heading=14, body=12, table=10, note=10.5, line=18),
}
HEADER_FILL = "D9E2F3"


def _fonts(element: object, latin: str, east_asia: str) -> None:
    """Set the Latin and the East Asian font of a run or style (w:rFonts)."""
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    # Theme fonts (w:asciiTheme ...) of the default template would win over named fonts.
    for attr in list(rfonts.attrib):
        if attr.lower().endswith("theme"):
            del rfonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _run(
    paragraph: object, text: str, latin: str, east: str, size: float, bold: bool = False
) -> None:
    run = paragraph.add_run(text)  # type: ignore[attr-defined]
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = RGBColor(0, 0, 0)
    _fonts(run._element, latin, east)


def _first_line_chars(paragraph: object, chars: int, size: float) -> None:
    """Indent the first line by ``chars`` characters (w:firstLineChars, hundredths)."""
    pf = paragraph.paragraph_format  # type: ignore[attr-defined]
    pf.first_line_indent = Pt(size * chars)
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))  # type: ignore[attr-defined]
    if ind is not None:
        ind.set(qn("w:firstLineChars"), str(chars * 100))


def _shade(cell: object, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _repeat_header(row: object) -> None:
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _page_number_footer(section: object, fonts: DocxFonts) -> None:
    footer = section.footer  # type: ignore[attr-defined]
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "— ", fonts.latin, fonts.table, 14)
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    p._p.append(fld)
    _run(p, " —", fonts.latin, fonts.table, 14)


class _Builder:
    def __init__(self, doc: ReportDocument, fonts: DocxFonts, dpi: int) -> None:
        self.src = doc
        self.fonts = fonts
        self.size = SIZES[doc.lang]
        self.dpi = dpi
        self.d = Document()

    def setup(self) -> None:
        sec = self.d.sections[0]
        sec.orientation = WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
        sec.left_margin, sec.right_margin = Mm(28), Mm(26)
        f = self.fonts
        normal = self.d.styles["Normal"]
        normal.font.size = Pt(self.size.body)
        _fonts(normal.element, f.latin, f.body)
        rpr = normal.element.get_or_add_rPr()
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        rpr.append(lang)
        for name, east, size in (
            ("Title", f.title, self.size.title),
            ("Heading 1", f.heading1, self.size.heading),
            ("Heading 2", f.heading2, self.size.heading),
        ):
            st = self.d.styles[name]
            st.font.size = Pt(size)
            st.font.color.rgb = RGBColor(0, 0, 0)
            st.font.bold = name != "Heading 2" or self.src.lang == "en"
            st.font.italic = False
            _fonts(st.element, f.latin, east)
        core = self.d.core_properties
        core.title = self.src.title
        core.author = self.src.issuer or "ipcity"
        core.language = "zh-CN" if self.src.lang == "zh" else "en"
        _page_number_footer(sec, f)

    def title(self) -> None:
        p = self.d.add_paragraph(style="Title")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(12)
        _run(p, self.src.title, self.fonts.latin, self.fonts.title, self.size.title, bold=True)
        for line in (self.src.issuer, self.src.date_line):
            if line:
                q = self.d.add_paragraph()
                q.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _run(q, line, self.fonts.latin, self.fonts.heading2, self.size.body)
        self.d.add_paragraph()

    def heading(self, text: str, level: int) -> None:
        p = self.d.add_paragraph(style=f"Heading {level}")
        east = self.fonts.heading1 if level == 1 else self.fonts.heading2
        p.paragraph_format.space_before = Pt(6)
        p.paragraph_format.space_after = Pt(6)
        if self.src.lang == "zh":
            _first_line_chars(p, 2, self.size.heading)
        _run(
            p,
            text,
            self.fonts.latin,
            east,
            self.size.heading,
            bold=level == 1 or self.src.lang == "en",
        )

    def paragraph(self, b: Paragraph) -> None:
        p = self.d.add_paragraph()
        size = self.size.note if b.kind == "note" else self.size.body
        pf = p.paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(self.size.line if b.kind != "note" else self.size.note * 1.6)
        pf.space_after = Pt(0 if self.src.lang == "zh" else 6)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if self.src.lang == "zh":
            _first_line_chars(p, 2, size)
        _run(p, b.text, self.fonts.latin, self.fonts.body, size, bold=b.kind == "lead")

    def caption(self, text: str) -> None:
        p = self.d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Pt(6)
        p.paragraph_format.keep_with_next = True
        _run(p, text, self.fonts.latin, self.fonts.heading1, self.size.table + 1, bold=True)

    def table(self, b: Table) -> None:
        if b.caption:
            self.caption(caption_text(b.label, b.caption, self.src.lang))
        t = self.d.add_table(rows=1 + len(b.rows), cols=len(b.header))
        t.style = self.d.styles["Table Grid"]
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        em = Pt(self.size.table)
        for i, w in enumerate(column_widths(b, TEXT_WIDTH / em)):
            width = int(w * em)
            t.columns[i].width = width
            for c in t.columns[i].cells:
                c.width = width
        header = t.rows[0]
        _repeat_header(header)
        for i, text in enumerate(b.header):
            c = header.cells[i]
            _shade(c, HEADER_FILL)
            p = c.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(p, text, self.fonts.latin, self.fonts.heading1, self.size.table, bold=True)
        for r, row in enumerate(b.rows, 1):
            for i, text in enumerate(row):
                p = t.rows[r].cells[i].paragraphs[0]
                p.alignment = ALIGN[b.alignment(i)]
                _run(p, text, self.fonts.latin, self.fonts.table, self.size.table)
        if b.note:
            p = self.d.add_paragraph()
            _run(p, b.note, self.fonts.latin, self.fonts.table, self.size.table - 1)
        else:
            self.d.add_paragraph()

    def chart(self, b: Chart) -> None:
        png = render_png(b.spec, dpi=self.dpi)
        p = self.d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        p.add_run().add_picture(io.BytesIO(png), width=Mm(150))
        q = self.d.add_paragraph()
        q.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(
            q,
            caption_text(b.label, b.spec.title, self.src.lang),
            self.fonts.latin,
            self.fonts.table,
            self.size.table,
        )

    def blocks(self, items: list[Block]) -> None:
        for b in items:
            if isinstance(b, Paragraph):
                self.paragraph(b)
            elif isinstance(b, Table):
                self.table(b)
            else:
                self.chart(b)

    def section(self, n: int, s: Section) -> None:
        self.heading(section_number(n, self.src.lang) + s.title, 1)
        self.blocks(s.blocks)
        for m, sub in enumerate(s.subsections, 1):
            self.heading(subsection_number(m, self.src.lang) + sub.title, 2)
            self.blocks(sub.blocks)

    def build(self) -> bytes:
        self.setup()
        self.title()
        for n, s in enumerate(self.src.sections, 1):
            self.section(n, s)
        buf = io.BytesIO()
        self.d.save(buf)
        return buf.getvalue()


def render_docx(doc: ReportDocument, fonts: DocxFonts | None = None, dpi: int = 150) -> bytes:
    """The report as DOCX bytes."""
    return _Builder(doc, fonts or DocxFonts(), dpi).build()
