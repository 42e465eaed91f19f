"""ReportDocument -> PDF with WeasyPrint: the print HTML, CJK fonts through fontconfig
(Noto Serif/Sans CJK SC from Debian's fonts-noto-cjk), charts as PNG images."""

from __future__ import annotations

import logging

from ipcity.errors import IpcityError
from ipcity.reports.charts import cjk_font
from ipcity.reports.document import ReportDocument
from ipcity.reports.html import render_print_html


def render_pdf(doc: ReportDocument, dpi: int = 150) -> bytes:
    """The report as PDF bytes."""
    cjk_font()  # a clear error before WeasyPrint would draw empty boxes
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as exc:  # missing Pango and friends
        raise IpcityError(f"PDF output needs WeasyPrint and its system libraries: {exc}") from exc
    # WeasyPrint logs every unsupported CSS property at WARNING; keep the CLI quiet.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    # Only inline data: URLs (the chart images) may be resolved: never the network.
    fetcher = URLFetcher(allowed_protocols=["data"])
    html = weasyprint.HTML(string=render_print_html(doc, dpi=dpi), url_fetcher=fetcher)
    pdf: bytes = html.write_pdf()
    return pdf
