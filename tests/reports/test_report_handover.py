"""A report a deputy mayor can sign: Chinese throughout the zh report, Chinese dates, numbered
tables and figures in DOCX, PDF and HTML, whole-number axes for counts, columns sized for
their content (issue 12, problem 9)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date

import pytest

from ipcity.reports.build import build_report_bytes
from ipcity.reports.charts import integer_step, plotly_figure
from ipcity.reports.compose import compose
from ipcity.reports.document import Chart, ChartSpec, Paragraph, ReportDocument, Series, Table
from ipcity.reports.html import render_html, render_print_html
from ipcity.reports.layout import column_widths, text_em
from ipcity.reports.model import ReportData

# Latin words the Chinese report may hold: the international names of a treaty and units.
ALLOWED_LATIN = {"PCT", "IPC"}
# Latin letters followed by digits are codes the office typed (task T3), not words.
WORD = re.compile(r"[A-Za-z]+(?![A-Za-z0-9])")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def every_text(doc: ReportDocument) -> list[str]:
    out = [doc.title, doc.date_line, doc.issuer]
    for s in doc.sections:
        out.append(s.title)
        for sub in s.subsections:
            out.append(sub.title)
        for b in s.all_blocks():
            if isinstance(b, Paragraph):
                out.append(b.text)
            elif isinstance(b, Table):
                out += [b.caption, b.note, b.label, *b.header]
                out += [c for row in b.rows for c in row]
            elif isinstance(b, Chart):
                sp = b.spec
                out += [sp.title, sp.value_label, b.label, *sp.categories]
                out += [x.name for x in sp.series]
    return out


def test_the_zh_report_has_no_english_word(report_data: ReportData) -> None:
    latin = {w for t in every_text(compose(report_data, "zh")) for w in WORD.findall(t)}
    assert latin <= ALLOWED_LATIN, latin


def test_data_notes_in_plain_chinese(report_data: ReportData) -> None:
    doc = compose(report_data, "zh")
    notes = next(s for s in doc.sections if s.key == "notes")
    text = "\n".join(b.text for b in notes.blocks if isinstance(b, Paragraph))
    for word in ("ipcity", "duckdb", "计算引擎", "--year", "T10:00"):
        assert word not in text
    assert "2023年4月1日" in text  # the vintage, as a Chinese date
    assert "数据来源" in text and "人口数据" in text and "统计口径" in text


def test_no_load_day_after_the_report_date(report_data: ReportData) -> None:
    from dataclasses import replace as copy

    early = copy(report_data, report_date=date(2023, 3, 1))  # before the 1 April load
    text = compose(early, "zh").text()
    assert "2023年4月1日" not in text and "2023年3月1日" in text


def test_english_notes_keep_the_technical_check(report_data: ReportData) -> None:
    doc = compose(report_data, "en")
    assert "ipcity indicators --year" in doc.text()
    assert "1 April 2023" in doc.text()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_iso_dates(report_data: ReportData, lang: str) -> None:
    texts = every_text(compose(report_data, lang))  # type: ignore[arg-type]
    assert not [t for t in texts if ISO_DATE.search(t)]


def test_overdue_deadlines_as_chinese_dates(report_data: ReportData) -> None:
    assert report_data.tasks is not None and report_data.tasks.overdue
    doc = compose(report_data, "zh")
    blocks = [b for s in doc.sections for b in s.all_blocks()]
    overdue = next(b for b in blocks if isinstance(b, Table) and "逾期天数" in b.header)
    first = report_data.tasks.overdue[0].deadline
    assert f"{first.year}年{first.month}月{first.day}日" in [r[2] for r in overdue.rows]


@pytest.mark.parametrize(
    ("lang", "table", "figure"), [("zh", "表1　", "图1　"), ("en", "Table 1. ", "Figure 1. ")]
)
def test_tables_and_figures_numbered_in_html(
    report_data: ReportData, lang: str, table: str, figure: str
) -> None:
    doc = compose(report_data, lang)  # type: ignore[arg-type]
    tables = [b for s in doc.sections for b in s.all_blocks() if isinstance(b, Table)]
    charts = [b for s in doc.sections for b in s.all_blocks() if isinstance(b, Chart)]
    assert tables and charts
    assert [t.label for t in tables][-1].endswith(str(len(tables)))
    assert all(t.caption for t in tables)
    for html in (render_html(doc), render_print_html(doc, dpi=40)):
        assert f"<figcaption>{table}" in html
        assert f"<figcaption>{figure}" in html
        assert f"<figcaption>{table.replace('1', str(len(tables)))}" in html


def test_tables_and_figures_numbered_in_docx(report_data: ReportData) -> None:
    import docx

    body = build_report_bytes(report_data, "zh", "docx")
    paragraphs = [p.text for p in docx.Document(io.BytesIO(body)).paragraphs]
    assert any(p.startswith("表1　") for p in paragraphs)
    assert any(p.startswith("图1　") for p in paragraphs)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler) not installed")
def test_tables_and_figures_numbered_in_pdf(report_data: ReportData) -> None:
    body = build_report_bytes(report_data, "zh", "pdf")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=body, capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert "表1" in text and "图1" in text
    assert not ISO_DATE.search(text)
    assert not set(WORD.findall(text)) - ALLOWED_LATIN


def _count_chart(top: float) -> ChartSpec:
    return ChartSpec(
        key="k",
        kind="stacked_barh",
        title="t",
        categories=("a", "b"),
        series=(Series("x", (top / 2, 1.0)), Series("y", (top / 2, 0.0))),
        integer=True,
    )


@pytest.mark.parametrize(("top", "step"), [(3, 1), (9, 2), (18, 5), (100, 20), (0, 1)])
def test_count_axes_step_by_whole_numbers(top: float, step: int) -> None:
    assert integer_step(_count_chart(top)) == step
    axis = plotly_figure(_count_chart(top))["layout"]["xaxis"]
    assert axis["dtick"] == step and axis["tickformat"] == ",d"


def test_the_task_chart_is_a_count_chart(report_data: ReportData) -> None:
    charts = compose(report_data, "zh").charts()
    task = next(c for c in charts if c.key == "tasks-by-unit")
    assert task.integer


def test_matplotlib_ticks_of_counts_are_whole() -> None:
    from ipcity.reports.charts import value_ticks

    ticks = value_ticks(_count_chart(9))
    assert ticks and all(float(t).is_integer() for t in ticks)


def test_unit_names_and_numbers_get_their_width_the_text_column_wraps() -> None:
    unit = "市知识产权局"
    t = Table(
        header=("指标", "单位", "基期值", "目标值", "评价"),
        rows=(
            (
                "每万人口高价值发明专利拥有量" * 3,
                unit,
                "21.2（2020）",
                "40.0（2025）",
                "基本符合进度",
            ),
        ),
        wrap=0,
    )
    widths = column_widths(t, 44.0)
    assert abs(sum(widths) - 44.0) < 1e-6
    assert widths[1] >= text_em(unit)  # never broken mid-word
    assert widths[4] >= text_em("基本符合进度")
    assert widths[2] >= text_em("（2020）") and widths[2] < text_em("21.2（2020）")
    assert widths[0] >= 8  # the indicator column keeps room: not five lines of two characters
    short = replace(t, rows=(("专利授权量", "件", "1", "2", "超前"),))
    assert abs(sum(column_widths(short, 44.0)) - 44.0) < 1e-6
