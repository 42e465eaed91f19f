"""Table column widths sized for their content (DOCX has no automatic layout that Word and
LibreOffice agree on): numbers, dates and unit names get the width of their longest cell, so
they never break mid-word; the table's one text column (``Table.wrap``) takes the rest."""

from __future__ import annotations

import unicodedata

from ipcity.reports.document import Table

PADDING_EM = 1.6  # cell margins and borders, both sides, with a little to spare
MIN_WRAP_EM = 8.0  # the text column never shrinks below eight characters


def text_em(text: str) -> float:
    """Printed width in em: CJK and full-width characters 1, others about half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)


def _cell_em(text: str) -> float:
    # "21.2（2020）" may break before its bracket: the value above, the year below.
    parts = text.replace("（", "\n（").replace(" (", "\n(").split("\n")
    return max(text_em(p) for p in parts)


def _header_em(text: str) -> float:
    # A header may take two lines: at a space (a Latin word never breaks), or anywhere in
    # Chinese. Headers are bold: a tenth wider.
    if not any(unicodedata.east_asian_width(c) in "WF" for c in text):
        return 1.1 * max(text_em(w) for w in text.split() or [""])
    em = text_em(text)
    return 1.1 * (em if em <= 4 else max(4.0, em / 2))


def column_percents(table: Table) -> list[float]:
    """The same widths in percent of the table (HTML and PDF)."""
    total = 44.0  # em of 10 pt in an A4 text column
    return [round(100 * w / total, 2) for w in column_widths(table, total)]


def column_widths(table: Table, total_em: float) -> list[float]:
    """Widths in em that add up to ``total_em``."""
    n = len(table.header)
    need = []
    for i in range(n):
        cells = [row[i] for row in table.rows if i < len(row)]
        widest = max((_cell_em(c) for c in cells), default=0.0)
        need.append(max(widest, _header_em(table.header[i])) + PADDING_EM)
    wrap = table.wrap if 0 <= table.wrap < n else None
    if wrap is not None:  # the text column asks for its longest cell, on one line
        need[wrap] = max((text_em(row[wrap]) for row in table.rows), default=0.0) + PADDING_EM
    fixed = sum(w for i, w in enumerate(need) if i != wrap)
    if wrap is None:
        scale = total_em / fixed if fixed else 1.0
        return [w * scale for w in need]
    room = total_em - fixed
    if room >= MIN_WRAP_EM:
        widths = list(need)
        if need[wrap] >= room:
            widths[wrap] = room  # the text column takes what is left, and wraps
            return widths
        # Everything fits on one line: share the spare width in proportion.
        return [w * total_em / sum(need) for w in need]
    # Too wide: the text column keeps its minimum, the others shrink in proportion.
    scale = (total_em - MIN_WRAP_EM) / fixed
    return [MIN_WRAP_EM if i == wrap else w * scale for i, w in enumerate(need)]
