"""The annual report's waterfall of the headline change (issue 13): a numbered figure beside
the decomposition sentence, in DOCX, PDF and HTML, zh and en, drawn from the same exact parts.
(That the parts are explain's components, on DuckDB and Spark, is pinned in
tests/indicators/test_explain_sentence.py.)"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
from docx import Document

from ipcity.reports.build import build_report_bytes
from ipcity.reports.charts import plotly_figure, render_png, waterfall_floor, waterfall_steps
from ipcity.reports.compose import compose
from ipcity.reports.decomposition import (
    Decomposition,
    ExplainedChange,
    explained_paragraph,
    waterfall_chart,
)
from ipcity.reports.document import Chart, Paragraph
from ipcity.reports.model import ReportData

# 34.2 -> 40.9 per 10,000 people: +4.1 grants, +2.9 newly qualifying, -0.6 leaving, +0.3
# population (the example; exact fractions so the parts add up exactly)
DEC = Decomposition(
    start=Fraction(342, 10),
    end=Fraction(409, 10),
    new_grants=Fraction(41, 10),
    newly_qualifying=Fraction(29, 10),
    leaving=Fraction(-6, 10),
    population=Fraction(3, 10),
)
EXPLAINED = ExplainedChange(
    "high_value_invention_patents_per_10k",
    2022,
    DEC,
    (("310115", Fraction(1200)), ("310104", Fraction(-300))),
    "high_value_invention_patents",
)


@pytest.fixture
def explained_data(report_data: ReportData) -> ReportData:
    return replace(report_data, explained=EXPLAINED)


def test_chart_values_and_labels() -> None:
    zh = waterfall_chart(EXPLAINED, "zh")
    assert zh.kind == "waterfall"
    assert zh.series[0].values == (34.2, 4.1, 2.9, -0.6, 0.3, 40.9)
    assert zh.categories == (
        "2021年",
        "新授权",
        "存量专利新达标",
        "失效和期满",
        "人口变化",
        "2022年",
    )
    steps = waterfall_steps(zh)
    assert [s.label for s in steps] == ["34.2", "+4.1", "+2.9", "\u22120.6", "+0.3", "40.9"]
    assert [s.kind for s in steps] == ["total", "up", "up", "down", "up", "total"]
    assert steps[-2].top == pytest.approx(40.9)  # the running level reaches this year's value
    # a change of a few tenths on a level of forty: the axis is cut, and the title says so
    assert waterfall_floor(zh) == 27.0
    assert "纵轴不从零开始" in zh.title
    en = waterfall_chart(EXPLAINED, "en")
    assert en.categories[0] == "2021" and en.categories[1] == "new grants"
    assert "does not start at zero" in en.title
    figure = plotly_figure(en)
    assert figure["layout"]["xaxis"]["type"] == "category"  # "2021" stays a bar's name
    trace = figure["data"][0]
    assert trace["type"] == "waterfall"
    assert trace["measure"] == ["absolute", *["relative"] * 4, "total"]
    assert trace["y"][:5] == pytest.approx([34.2, 4.1, 2.9, -0.6, 0.3])
    assert render_png(zh, dpi=60).startswith(b"\x89PNG")


def test_stock_chart_counts_from_zero() -> None:
    stock = Decomposition(
        Fraction(100), Fraction(160), Fraction(50), Fraction(30), Fraction(-20), None
    )
    ec = replace(EXPLAINED, decomposition=stock, indicator="high_value_invention_patents")
    chart = waterfall_chart(ec, "en", places=0)
    assert chart.series[0].values == (100.0, 50.0, 30.0, -20.0, 160.0)  # no population bar
    assert waterfall_floor(chart) == 0.0 and "zero" not in chart.title
    assert [s.label for s in waterfall_steps(chart)] == ["100", "+50", "+30", "\u221220", "160"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_figure_follows_the_sentence_and_is_numbered(explained_data: ReportData, lang: str) -> None:
    doc = compose(explained_data, lang)  # type: ignore[arg-type]
    blocks = doc.sections[0].blocks
    sentence = explained_paragraph(EXPLAINED, lang)  # type: ignore[arg-type]
    at = next(i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and b.text == sentence)
    figure = blocks[at + 1]
    assert isinstance(figure, Chart) and figure.spec.kind == "waterfall"
    # the first figure of the report; the later ones move up by one
    assert figure.label == ("图1" if lang == "zh" else "Figure 1")
    labels = [b.label for s in doc.sections for b in s.all_blocks() if isinstance(b, Chart)]
    prefix = "图" if lang == "zh" else "Figure "
    assert labels == [f"{prefix}{i}" for i in range(1, len(labels) + 1)]


def _caption(lang: str) -> str:
    return "图1　2022年每万人口高价值发明专利拥有量" if lang == "zh" else "Figure 1. High-value"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_figure_in_docx(explained_data: ReportData, lang: str) -> None:
    d = Document(io.BytesIO(build_report_bytes(explained_data, lang, "docx")))
    texts = [p.text for p in d.paragraphs]
    sentence = explained_paragraph(EXPLAINED, lang)  # type: ignore[arg-type]
    at = texts.index(sentence)
    # the picture right after the sentence, then its numbered caption
    assert d.paragraphs[at + 1]._p.xpath(".//pic:pic")
    assert texts[at + 2].startswith(_caption(lang))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_figure_in_html(explained_data: ReportData, lang: str) -> None:
    html = build_report_bytes(explained_data, lang, "html").decode("utf-8")
    sentence = explained_paragraph(EXPLAINED, lang)  # type: ignore[arg-type]
    assert html.index(sentence) < html.index('"type": "waterfall"') < html.index(_caption(lang))
    payload = re.search(r'var f = (\{"data": \[\{"type": "waterfall".*?\});', html)
    assert payload is not None
    assert json.loads(payload.group(1))["data"][0]["text"][3] == "\u22120.6"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_figure_in_pdf(explained_data: ReportData, lang: str, tmp_path: Path) -> None:
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(build_report_bytes(explained_data, lang, "pdf"))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", _caption(lang)) in flat
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf)], check=True, capture_output=True
    ).stdout.decode()
    assert len(images.strip().splitlines()) > 2  # header lines and at least one image
