"""Reading and writing the office's sheets: XLSX (openpyxl) and CSV (UTF-8 or GBK).

CSV encoding: UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK/GB2312, what
Excel on a Chinese Windows writes), then charset-normalizer's best guess. The delimiter is
sniffed among comma, tab and semicolon. Exported CSV is UTF-8 with a BOM so Excel shows the
Chinese correctly.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from ipcity.errors import InputError

Cell = Any
Rows = list[list[Cell]]


def decode_csv(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:  # pragma: no cover - charset-normalizer is a locked dependency
        best = None
    if best is None:
        raise InputError("cannot tell the text encoding of the CSV file (save it as UTF-8)")
    return str(best)


def read_rows(data: bytes, filename: str, *, sheet: str | None = None) -> Rows:
    """The cells of the first (or the named) sheet, or of the CSV file, row by row."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        return _read_xlsx(data, sheet)
    if name.endswith((".csv", ".txt")) or not name:
        return _read_csv(data)
    if name.endswith(".xls"):
        raise InputError(f"{filename}: old .xls files are not read; save it as .xlsx in Excel")
    raise InputError(f"{filename}: not an XLSX or CSV file")


def _read_csv(data: bytes) -> Rows:
    text = decode_csv(data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",\t;")
    except csv.Error:
        dialect = csv.excel
    return [list(r) for r in csv.reader(io.StringIO(text), dialect)]


def _read_xlsx(data: bytes, sheet: str | None) -> Rows:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise InputError(f"cannot read the XLSX file: {exc}") from exc
    try:
        if sheet is not None:
            if sheet not in wb.sheetnames:
                raise InputError(f"no sheet {sheet!r} (sheets: {', '.join(wb.sheetnames)})")
            ws = wb[sheet]
        else:
            ws = wb.worksheets[0]
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def cell_text(value: Cell) -> str:
    """A cell as trimmed text: 3.0 -> "3", dates as ISO, None -> ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def norm_header(value: Cell) -> str:
    s = unicodedata.normalize("NFKC", cell_text(value))
    return "".join(ch for ch in s if not ch.isspace() and ch not in "*＊:：").lower()


def find_header(
    rows: Rows, aliases: dict[str, Sequence[str]], required: Sequence[str], *, scan: int = 15
) -> tuple[int, dict[str, int]] | None:
    """The first row (within ``scan``) naming every required column: (row index,
    field -> column index). Title rows above the header are skipped."""
    lookup = {norm_header(a): f for f, names in aliases.items() for a in names}
    for i, row in enumerate(rows[:scan]):
        cols: dict[str, int] = {}
        for j, cell in enumerate(row):
            f = lookup.get(norm_header(cell))
            if f is not None and f not in cols:
                cols[f] = j
        if all(r in cols for r in required):
            return i, cols
    return None


def write_xlsx(header: Sequence[str], rows: Sequence[Sequence[Cell]], *, title: str) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title[:31] or "Sheet1"
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(list(r))
    for col in ws.columns:
        letter = col[0].column_letter
        longest = max((len(cell_text(c.value)) for c in col), default=4)
        ws.column_dimensions[letter].width = min(60, max(6, longest * 2))
        for c in col:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_csv(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(list(header))
    for r in rows:
        w.writerow([cell_text(c) for c in r])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
