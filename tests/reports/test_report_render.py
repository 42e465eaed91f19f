"""The rendered report: DOCX read back with python-docx, PDF through poppler, HTML offline."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from PIL import Image

from ipcity.errors import IpcityError
from ipcity.reports.build import build_report, build_report_bytes
from ipcity.reports.charts import cjk_font
from ipcity.reports.compose import compose
from ipcity.reports.document import Paragraph, Section, Table
from ipcity.reports.headline import headline_sentence
from ipcity.reports.html import render_html
from ipcity.reports.model import ReportData

ZH_SECTIONS = [
    "主要指标完成情况",
    "规划指标与目标对照",
    "各区比较",
    "重点任务推进情况",
    "规划中期评估",
    "数据说明",
]


def _docx(data: ReportData, lang: str):  # type: ignore[no-untyped-def]
    return Document(io.BytesIO(build_report_bytes(data, lang, "docx")))


def test_docx_layout_zh(report_data: ReportData) -> None:
    d = _docx(report_data, "zh")
    paras = d.paragraphs
    assert paras[0].text == "2022年上海市知识产权工作报告"
    assert paras[0].style.name == "Title"
    h1 = [p.text for p in paras if p.style.name == "Heading 1"]
    assert h1 == [f"{n}、{t}" for n, t in zip("一二三四五六", ZH_SECTIONS, strict=True)]
    h2 = [p.text for p in paras if p.style.name == "Heading 2"]
    assert h2 == ["（一）专利授权量"]
    # the headline sentence is exactly the one generated from the input numbers
    sentence = headline_sentence(report_data.headline, 2022, "zh")
    assert sentence is not None and sentence in [p.text for p in paras]
    assert "17.83万件" in sentence and "15.76%" in sentence and "40.9件" in sentence
    # body paragraphs: two-character first-line indent
    body = next(p for p in paras if p.text == sentence)
    ind = body._p.pPr.find(qn("w:ind"))
    assert ind is not None and ind.get(qn("w:firstLineChars")) == "200"
    # tables with a repeated, bold, shaded header row
    assert len(d.tables) >= 5
    for t in d.tables:
        first = t.rows[0]
        assert first._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(r.bold for c in first.cells for p in c.paragraphs for r in p.runs)
        assert first.cells[0]._tc.tcPr.find(qn("w:shd")) is not None
    assert [c.text for c in d.tables[0].rows[0].cells] == [
        "指标",
        "单位",
        "2022年",
        "2021年",
        "同比变化",
    ]
    assert d.tables[0].rows[1].cells[2].text == "178,300"
    # one image per chart: districts and tasks by unit
    assert len(d.inline_shapes) == len(compose(report_data, "zh").charts()) == 2
    # Chinese fonts set as East Asian fonts; page number field in the footer
    normal = d.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "FangSong"
    for style in ("Normal", "Title", "Heading 1", "Heading 2"):
        fonts = d.styles[style].element.rPr.find(qn("w:rFonts"))
        assert not [a for a in fonts.attrib if a.lower().endswith("theme")], style
    assert 'w:instr="PAGE"' in d.sections[0].footer._element.xml


def test_docx_layout_en(report_data: ReportData) -> None:
    d = _docx(report_data, "en")
    h1 = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert h1[0] == "1. Headline figures" and h1[-1] == "6. Notes on the data"
    assert [p.text for p in d.paragraphs if p.style.name == "Heading 2"] == ["(1) Patents granted"]
    sentence = headline_sentence(report_data.headline, 2022, "en")
    assert sentence in [p.text for p in d.paragraphs]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_renders_with_the_headline_numbers(
    report_data: ReportData, lang: str, tmp_path: Path
) -> None:
    pdf = build_report(report_data, lang, "pdf", tmp_path / f"r-{lang}.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 2
    with Image.open(pages[0]) as im:
        lo, hi = im.convert("L").getextrema()
    assert lo < 100 and hi > 200  # ink on paper, not a blank page
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    sentence = headline_sentence(report_data.headline, 2022, lang)  # type: ignore[arg-type]
    assert sentence is not None
    # the whole sentence, line breaks aside: CJK glyphs really are text in the PDF
    assert _squash(sentence) in _squash(text)
    if lang == "zh":
        for figure in ("17.83万件", "5591件", "增长15.76%", "40.9件", "提高6.7件"):
            assert figure in _squash(text)
        assert "一、主要指标完成情况" in text
    else:
        assert "178,300" in text and "5,591" in text


EXTERNAL = re.compile(
    r"<(?:script|link|img|iframe|source|embed)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//",
    re.IGNORECASE,
)


def test_html_is_standalone_and_interactive(report_data: ReportData) -> None:
    html = build_report_bytes(report_data, "zh", "html").decode("utf-8")
    assert not EXTERNAL.search(html)
    assert "cdn" not in " ".join(re.findall(r"(?:src|href)=\"[^\"]*\"", html)).lower()
    assert html.count("Plotly.newPlot(") == 2
    assert "var Plotly" in html or "Plotly=" in html or "window.Plotly" in html  # inline
    sentence = headline_sentence(report_data.headline, 2022, "zh")
    assert sentence is not None and sentence in html
    assert "<h2>一、主要指标完成情况</h2>" in html


def test_html_declares_an_inline_favicon(report_data: ReportData) -> None:
    """Opened in a browser, the report must not ask for /favicon.ico (a 404 on the intranet
    server, a failed file:// lookup offline): it declares an empty inline icon."""
    for lang in ("zh", "en"):
        html = build_report_bytes(report_data, lang, "html").decode("utf-8")
        head = html.split("</head>", 1)[0]
        icons = re.findall(r"<link\b[^>]*\brel=\"icon\"[^>]*>", head)
        assert icons == ['<link rel="icon" href="data:,">']


def test_html_may_reference_a_local_plotly(report_data: ReportData) -> None:
    doc = compose(report_data, "en")
    html = render_html(doc, plotly_src="/static/plotly.min.js")
    assert '<script src="/static/plotly.min.js"></script>' in html
    assert len(html) < 200_000  # plotly.js not embedded
    for bad in ("https://cdn.plot.ly/plotly.min.js", "//cdn.example/x.js"):
        with pytest.raises(IpcityError, match="local path"):
            render_html(doc, plotly_src=bad)


def test_extra_sections_are_pluggable(report_data: ReportData) -> None:
    extra = Section("知识产权保护", [Paragraph("全年办结案件100件。"), Table(("a",), (("1",),))])
    report_data.extra_sections.append(extra)
    doc = compose(report_data, "zh")
    assert [s.title for s in doc.sections][-2:] == ["知识产权保护", "数据说明"]
    d = _docx(report_data, "zh")
    assert "七、数据说明" in [p.text for p in d.paragraphs]


def test_a_report_with_only_figures(report_data: ReportData) -> None:
    bare = replace(report_data, districts=(), tasks=None, evaluation=None, extra_sections=[])
    d = _docx(bare, "zh")
    assert [p.text for p in d.paragraphs if p.style.name == "Heading 1"] == [
        "一、主要指标完成情况",
        "二、数据说明",
    ]
    empty = replace(bare, headline=())
    text = compose(empty, "en").text()
    assert "The warehouse holds no indicator values for 2022." in text
    assert "None" not in text


def test_cjk_font_found() -> None:
    assert "CJK" in cjk_font() or cjk_font() in ("WenQuanYi Zen Hei", "SimHei")


def test_bad_options(report_data: ReportData, tmp_path: Path) -> None:
    with pytest.raises(IpcityError, match="--lang"):
        build_report_bytes(report_data, "fr", "pdf")
    with pytest.raises(IpcityError, match="--format"):
        build_report_bytes(report_data, "zh", "odt")
    with pytest.raises(IpcityError, match="does not exist"):
        build_report(report_data, "zh", "html", tmp_path / "no" / "x.html")
