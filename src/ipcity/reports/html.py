"""ReportDocument -> HTML: standalone with interactive charts, or the PDF's source with images.

The standalone file embeds plotly.js and the stylesheet, so it opens offline anywhere (an
intranet, an e-mail attachment). The web app may pass ``plotly_src`` (its own static URL) to
reference plotly.js instead of embedding it. Nothing refers to a CDN.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Callable
from importlib import resources
from typing import Any, Literal

import jinja2

from ipcity.errors import IpcityError
from ipcity.numbers import Lang
from ipcity.reports.charts import plotly_div, plotly_js, render_png
from ipcity.reports.document import (
    Block,
    Chart,
    ChartSpec,
    Paragraph,
    ReportDocument,
    Table,
    caption_text,
    section_number,
    subsection_number,
)
from ipcity.reports.layout import column_percents

Mode = Literal["html", "pdf"]
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


@functools.cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("ipcity.reports", "templates"),
        autoescape=True,
        trim_blocks=False,
        undefined=jinja2.StrictUndefined,
    )


@functools.cache
def stylesheet() -> str:
    return resources.files("ipcity.reports").joinpath("static", "report.css").read_text("utf-8")


def _slug(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-") or "chart"


def _block(b: Block, chart: Callable[[ChartSpec], dict[str, str]], lang: Lang) -> dict[str, Any]:
    if isinstance(b, Paragraph):
        return {"type": "paragraph", "text": b.text, "kind": b.kind}
    if isinstance(b, Table):
        return {
            "type": "table",
            "caption": caption_text(b.label, b.caption, lang),
            "header": b.header,
            "rows": b.rows,
            "align": [b.alignment(i) for i in range(len(b.header))],
            "widths": column_percents(b),
            "note": b.note,
        }
    assert isinstance(b, Chart)
    return {
        "type": "chart",
        "title": b.spec.title,
        "caption": caption_text(b.label, b.spec.title, lang),
    } | chart(b.spec)


def _sections(
    doc: ReportDocument, chart: Callable[[ChartSpec], dict[str, str]]
) -> list[dict[str, Any]]:
    out = []
    for n, s in enumerate(doc.sections, 1):
        out.append(
            {
                "key": _slug(s.key or f"s{n}"),
                "number": section_number(n, doc.lang),
                "title": s.title,
                "blocks": [_block(b, chart, doc.lang) for b in s.blocks],
                "subsections": [
                    {
                        "key": _slug(sub.key or f"s{n}-{m}"),
                        "number": subsection_number(m, doc.lang),
                        "title": sub.title,
                        "blocks": [_block(b, chart, doc.lang) for b in sub.blocks],
                    }
                    for m, sub in enumerate(s.subsections, 1)
                ],
            }
        )
    return out


def render_html(doc: ReportDocument, *, plotly_src: str | None = None) -> str:
    """Standalone HTML with interactive charts (plotly.js embedded unless ``plotly_src``)."""
    if plotly_src is not None and _EXTERNAL.match(plotly_src):
        raise IpcityError(f"plotly_src must be a local path, not {plotly_src!r} (offline use)")
    seen: dict[str, int] = {}

    def chart(spec: ChartSpec) -> dict[str, str]:
        base = "chart-" + _slug(spec.key)
        seen[base] = seen.get(base, 0) + 1
        div_id = base if seen[base] == 1 else f"{base}-{seen[base]}"
        return {"html": plotly_div(spec, div_id)}

    sections = _sections(doc, chart)
    has_charts = bool(doc.charts())
    return (
        _env()
        .get_template("report.html")
        .render(
            doc=doc,
            sections=sections,
            css=stylesheet(),
            mode="html",
            plotly_js=plotly_js() if has_charts and plotly_src is None else "",
            plotly_src=plotly_src if has_charts else None,
        )
    )


def render_print_html(doc: ReportDocument, dpi: int = 150) -> str:
    """The HTML WeasyPrint turns into PDF: charts as embedded PNG images, no script."""

    def chart(spec: ChartSpec) -> dict[str, str]:
        png = base64.b64encode(render_png(spec, dpi=dpi)).decode("ascii")
        return {"src": f"data:image/png;base64,{png}", "html": ""}

    return (
        _env()
        .get_template("report.html")
        .render(
            doc=doc,
            sections=_sections(doc, chart),
            css=stylesheet(),
            mode="pdf",
            plotly_js="",
            plotly_src=None,
        )
    )
