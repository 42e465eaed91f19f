"""Build the annual work report in a format: ``build_report(data, lang, fmt, out)``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Literal

from ipcity.errors import InputError, IpcityError
from ipcity.numbers import Lang
from ipcity.reports.compose import compose
from ipcity.reports.model import ReportData

Format = Literal["docx", "pdf", "html"]
FORMATS: tuple[Format, ...] = ("docx", "pdf", "html")
LANGS: tuple[Lang, ...] = ("zh", "en")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


def check_lang(lang: str) -> Lang:
    if lang not in LANGS:
        raise InputError(f"--lang must be zh or en, not '{lang}'")
    return lang


def check_format(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise InputError(f"--format must be docx, pdf or html, not '{fmt}'")
    return fmt


def build_report_bytes(
    data: ReportData, lang: str, fmt: str, *, plotly_src: str | None = None
) -> bytes:
    """The report as bytes (the web app streams these; ``plotly_src`` lets its HTML use the
    app's own copy of plotly.js instead of embedding it)."""
    language, form = check_lang(lang), check_format(fmt)
    doc = compose(data, language)
    if form == "docx":
        from ipcity.reports.docx_builder import render_docx

        return render_docx(doc)
    if form == "pdf":
        from ipcity.reports.pdf import render_pdf

        return render_pdf(doc)
    from ipcity.reports.html import render_html

    return render_html(doc, plotly_src=plotly_src).encode("utf-8")


def default_filename(data: ReportData, lang: str, fmt: str) -> str:
    return f"ipcity-report-{data.year}-{lang}.{fmt}"


def build_report(data: ReportData, lang: str, fmt: str, out: Path | None = None) -> Path:
    """Write the report to ``out`` (default ./ipcity-report-YEAR-LANG.FMT) and return the
    path. The file appears whole or not at all (written beside, then renamed)."""
    content = build_report_bytes(data, lang, fmt)
    target = out if out is not None else Path.cwd() / default_filename(data, lang, fmt)
    if target.is_dir():
        target = target / default_filename(data, lang, fmt)
    if not target.parent.exists():
        raise InputError(f"output directory does not exist: {target.parent}")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".ipcity-report-", dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        Path(tmp).replace(target)
    except OSError as exc:
        raise IpcityError(f"cannot write {target}: {exc}") from exc
    return target
