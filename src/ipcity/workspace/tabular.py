"""Reading and writing the office's sheets: XLSX (openpyxl) and CSV (UTF-8 or GBK).

Reading is streaming and bounded, because anyone with an editor role can upload a sheet:

- the declared uncompressed size of an XLSX (the zip directory) is checked before anything is
  unpacked, and every byte actually unpacked is counted against the same budget (a zip that
  lies about its sizes is stopped, not trusted);
- rows are read one at a time and counted against the row, column and cell caps
  (:class:`UploadLimits`, set with ``IPCITY_UPLOAD_*``, see docs/configuration.md);
- the caller says what a header looks like (``header_found``): when none of the first
  ``HEADER_SCAN_ROWS`` rows is one, reading stops there and the caller reports "no header"
  at once instead of reading a million rows first.

Each refusal is an :class:`UploadRefused` with one line saying which limit and how to fix it.

CSV encoding: UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK/GB2312, what
Excel on a Chinese Windows writes), then charset-normalizer's best guess. The delimiter is
sniffed among comma, tab and semicolon.

Writing (exports): every text cell goes through :func:`neutralise` (no formula injection, see
its docstring). Exported CSV is UTF-8 with a BOM so Excel shows the Chinese correctly.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from ipcity.errors import InputError
from ipcity.settings import Settings, current
from ipcity.workspace.uploads import max_upload_bytes

Cell = Any
Rows = list[list[Cell]]

HEADER_SCAN_ROWS = 15  # title rows above the header are common; a header further down is not
MIB = 1024 * 1024
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class UploadRefused(InputError):
    """An uploaded sheet over one of the documented limits: a message key of
    ``workspace.messages`` (``upload.*``) and its params, so the refusal is one line in the
    user's language; ``str()`` is the English line."""

    def __init__(self, key: str, **params: Any) -> None:
        from ipcity.workspace.messages import render

        self.key = key
        self.params = params
        super().__init__(render(key, params, "en"))


@dataclass(frozen=True)
class UploadLimits:
    """What an uploaded sheet may hold. Defaults suit a member unit's yearly sheets with room
    to spare; each is an environment setting (``IPCITY_UPLOAD_*``)."""

    max_bytes: int = 20 * MIB
    max_rows: int = 5_000  # the write phase on SQLite: ~4 ms a row, under its 30 s lock wait
    max_columns: int = 200
    max_cells: int = 1_000_000
    max_unzipped_bytes: int = 50 * MIB

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> UploadLimits:
        """The limits of ``ipcity.settings`` (of ``env`` when given)."""
        s = current() if env is None else Settings.from_env(env)
        chosen = {
            "max_rows": s.upload_max_rows,
            "max_columns": s.upload_max_columns,
            "max_cells": s.upload_max_cells,
            "max_unzipped_bytes": s.upload_max_unzipped_mb and s.upload_max_unzipped_mb * MIB,
        }
        # The file size is the one upload setting shared with attachments: one parser.
        values: dict[str, int] = {"max_bytes": max_upload_bytes(env)}
        values.update({k: v for k, v in chosen.items() if v is not None})
        return cls(**values)


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


HeaderCheck = Callable[[Rows], bool]


def read_rows(
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    header_found: HeaderCheck | None = None,
    limits: UploadLimits | None = None,
) -> Rows:
    """The cells of the first (or the named) sheet, or of the CSV file, row by row, with
    trailing empty cells dropped. With ``header_found``, only the first
    ``HEADER_SCAN_ROWS`` rows are returned when none of them is a header (the caller then
    reports the missing header). Over a limit: :class:`UploadRefused`."""
    limits = limits or UploadLimits.from_env()
    if len(data) > limits.max_bytes:
        raise UploadRefused("upload.too_large", max=limits.max_bytes // MIB)
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        return _collect(_xlsx_rows(data, sheet, limits), limits, header_found)
    if name.endswith((".csv", ".txt")) or not name:
        return _collect(_csv_rows(data), limits, header_found)
    if name.endswith(".xls"):
        raise InputError(f"{filename}: old .xls files are not read; save it as .xlsx in Excel")
    raise InputError(f"{filename}: not an XLSX or CSV file")


def _collect(rows: Iterator[list[Cell]], limits: UploadLimits, header: HeaderCheck | None) -> Rows:
    out: Rows = []
    cells = 0
    try:
        for row in rows:
            width = len(row)  # before trimming: the work done for the row
            while row and (row[-1] is None or row[-1] == ""):
                row.pop()
            if len(out) >= limits.max_rows:
                raise UploadRefused("upload.too_many_rows", max=f"{limits.max_rows:,}")
            if len(row) > limits.max_columns:
                raise UploadRefused(
                    "upload.too_many_columns", row=len(out) + 1, max=limits.max_columns
                )
            cells += width
            if cells > limits.max_cells:
                raise UploadRefused("upload.too_many_cells", max=f"{limits.max_cells:,}")
            out.append(row)
            if header is not None and len(out) == HEADER_SCAN_ROWS and not header(out):
                break  # no header where one must be: stop reading now
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()
    return out


# --- CSV -------------------------------------------------------------------------------------

_NEUTRALISED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def _csv_rows(data: bytes) -> Iterator[list[Cell]]:
    text = decode_csv(data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        for row in reader:
            # Undo the quote our own CSV export puts before = + - @ (see neutralise), so an
            # exported sheet imports back unchanged.
            yield [c[1:] if c.startswith(_NEUTRALISED) else c for c in row]
    except csv.Error as exc:
        raise InputError(f"CSV line {reader.line_num} cannot be read: {exc}") from None


# --- XLSX ------------------------------------------------------------------------------------


class _Budget:
    """Bytes that may still be unpacked from one upload."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def spend(self, n: int) -> None:
        self.used += n
        if self.used > self.limit:
            raise UploadRefused("upload.unzipped_too_large", max=self.limit // MIB)


class _CountedMember(io.RawIOBase):
    """A zip member whose unpacked bytes are charged to the budget as they are read."""

    def __init__(self, raw: IO[bytes], budget: _Budget) -> None:
        super().__init__()
        self._raw = raw
        self._budget = budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._raw.read(len(buffer))
        self._budget.spend(len(chunk))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _BudgetZip(zipfile.ZipFile):
    budget: _Budget

    def open(self, name: Any, mode: Any = "r", *args: Any, **kwargs: Any) -> Any:
        member = super().open(name, mode, *args, **kwargs)
        if mode != "r":
            return member
        return io.BufferedReader(_CountedMember(member, self.budget))


def _open_zip(data: bytes, limits: UploadLimits) -> _BudgetZip:
    try:
        archive = _BudgetZip(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"cannot read the XLSX file: {exc}") from None
    declared = sum(i.file_size for i in archive.infolist())
    if declared > limits.max_unzipped_bytes:
        archive.close()
        raise UploadRefused("upload.unzipped_too_large", max=limits.max_unzipped_bytes // MIB)
    archive.budget = _Budget(limits.max_unzipped_bytes)
    return archive


def _refusal(exc: BaseException) -> UploadRefused | None:
    while exc is not None:
        if isinstance(exc, UploadRefused):
            return exc
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return None


def _load_workbook(data: bytes, archive: _BudgetZip) -> Any:
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class Sheet(ReadOnlyWorksheet):  # type: ignore[misc]
        def _get_size(self) -> None:
            """openpyxl reads a sheet without a <dimension> element to its end just to size
            it; the size is not needed here (rows are counted as they come) nor trusted."""

    class Reader(ExcelReader):  # type: ignore[misc]
        def read_worksheets(self) -> None:
            for sheet, rel in self.parser.find_sheets():
                if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                    ws = Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                    ws.sheet_state = sheet.state
                    self.wb._sheets.append(ws)

    try:
        reader = Reader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        reader.archive.close()
        reader.archive = archive  # every part openpyxl unpacks is charged to the budget
        reader.read()
    except Exception as exc:
        archive.close()
        raise _refusal(exc) or InputError(
            f"cannot read the XLSX file: {_first_line(exc)}"
        ) from None
    return reader.wb


def _xlsx_rows(data: bytes, sheet: str | None, limits: UploadLimits) -> Iterator[list[Cell]]:
    wb = _load_workbook(data, _open_zip(data, limits))
    try:
        if sheet is not None:
            if sheet not in wb.sheetnames:
                raise InputError(f"no sheet {sheet!r} (sheets: {', '.join(wb.sheetnames)})")
            ws = wb[sheet]
        else:
            ws = wb.worksheets[0]
        try:
            for row in ws.iter_rows(values_only=True):
                yield list(row)
        except InputError:
            raise
        except Exception as exc:
            raise _refusal(exc) or InputError(
                f"the XLSX file is damaged: {_first_line(exc)}"
            ) from None
    finally:
        wb.close()


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


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
    rows: Rows,
    aliases: Mapping[str, Sequence[str]],
    required: Sequence[str],
    *,
    scan: int = HEADER_SCAN_ROWS,
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


# --- exports: user text stays text ------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r" *[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value: Cell) -> Cell:
    """A cell for a CSV export, safe to open in Excel, LibreOffice or WPS (OWASP "CSV
    injection"): text starting with = + - @, a tab or a carriage return (after leading spaces,
    which spreadsheets skip) gets a leading single quote, so it is shown as the text it is and
    never run as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``). Numbers, dates and
    other text are returned as they are; so is a plain number written as text (``-12.5``,
    ``+3``): a spreadsheet reads it as that number and runs nothing.

    The XLSX writer does not prefix: it writes every text as a string cell (data type forced to
    string, and quotePrefix set on text that looks like a formula), so the cell holds exactly
    what the user typed and no formula is ever created. Import strips the quote again, so an
    exported CSV imports back unchanged."""
    if (
        isinstance(value, str)
        and value.lstrip(" ").startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[Sequence[Cell]]) -> bytes:
    """Rows as an export CSV: every cell through :func:`neutralise`; a field holding a
    separator, quote or line break is quoted (so text after a comma inside a cell never starts
    a cell of its own); UTF-8 with a BOM so Excel shows the Chinese correctly. Every CSV export
    uses this."""
    buf = io.StringIO()
    w = csv.writer(buf)
    for r in rows:
        w.writerow([neutralise(c) for c in r])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def write_xlsx(header: Sequence[str], rows: Sequence[Sequence[Cell]], *, title: str) -> bytes:
    import openpyxl
    from openpyxl.cell.cell import Cell as XlCell
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = _sheet_title(title)
    for j, name in enumerate(header, start=1):
        _put(ws.cell(row=1, column=j), name)
        ws.cell(row=1, column=j).font = Font(bold=True)
    for i, r in enumerate(rows, start=2):
        for j, value in enumerate(r, start=1):
            _put(ws.cell(row=i, column=j), value)
    for col in ws.columns:
        first: XlCell = col[0]  # type: ignore[assignment]
        longest = max((len(cell_text(c.value)) for c in col), default=4)
        ws.column_dimensions[first.column_letter].width = min(60, max(6, longest * 2))
        for c in col:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _put(cell: Any, value: Cell) -> None:
    """Write one value; text always as a string cell, never a formula (see neutralise)."""
    if isinstance(value, str):
        value = _ILLEGAL_XML.sub("", value)  # control characters XML cannot hold
        cell.value = value
        cell.data_type = "s"  # openpyxl would make "=..." a formula
        if neutralise(value) is not value:
            cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
        return
    cell.value = value


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip("' ")
    return cleaned[:31] or "Sheet1"


def write_csv(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """A sheet as export CSV; cells as :func:`cell_text` shows them (dates ISO, 3.0 -> 3)."""
    return csv_bytes([list(header), *([cell_text(c) for c in r] for r in rows)])
