"""Readers for the canonical tables as CSV, Parquet or XLSX.

CSV and Parquet are scanned by DuckDB itself (streaming, parallel, memory bounded): the reader
only works out the encoding and the header mapping and hands the warehouse a SELECT. XLSX is
streamed row by row with openpyxl's read-only mode into Arrow batches.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ipcity.errors import InputError
from ipcity.sources.base import BATCH_ROWS, RECORD, Note, Reader
from ipcity.sources.headers import HeaderMap, map_headers, normalise_header
from ipcity.sources.tables import TableSpec

SNIFF_BYTES = 1 << 20


def sql_str(s: str) -> str:
    """A SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def sql_ident(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


class SqlReader(Reader):
    """A reader whose rows DuckDB scans directly. ``select(con)`` returns a SELECT with canonical
    string columns plus ``_record``; ``provided`` lists the canonical columns it carries."""

    def __init__(self, path: Path, table: TableSpec) -> None:
        super().__init__(path)
        self.table = table
        self.primary_table = table.name
        self.header: HeaderMap | None = None
        self._tmp: Path | None = None

    @property
    def provided(self) -> list[str]:
        return self.header.canonical if self.header else []

    def select(self, con: duckdb.DuckDBPyConnection) -> str:
        raise NotImplementedError

    def record_columns(self) -> tuple[str, ...]:
        """``(RECORD,)`` when ``select`` numbers the records itself; else the ingest numbers
        them by position (a plain copy of the scan keeps the file's order)."""
        return (RECORD,)

    def cleanup(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def _projection(self, source_sql: str, record_sql: str) -> str:
        assert self.header is not None
        cols = ", ".join(
            f"CAST({sql_ident(src)} AS VARCHAR) AS {sql_ident(dst)}"
            for src, dst in self.header.mapping.items()
        )
        return f"SELECT {record_sql} AS {RECORD}, {cols} FROM {source_sql}"


# --------------------------------------------------------------------------------------- CSV


def detect_encoding(path: Path) -> str:
    """``utf-8`` when the first megabyte is UTF-8 (with or without BOM; DuckDB scans the file
    as it is and re-checks the rest), ``utf-16`` with a UTF-16 BOM, else ``lines``: the file is
    decoded line by line (:func:`transcode_lines`), each line in the encoding it is valid in."""
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    if not head:
        raise InputError(f"{path}: empty file")
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise InputError(f"{path}: binary content, not a text table")
    if _decodes(head, "utf-8", partial=len(head) == SNIFF_BYTES):
        return "utf-8"
    return "lines"


def _decodes(data: bytes, encoding: str, *, partial: bool) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        decoder.decode(data, final=not partial)
    except UnicodeDecodeError:
        return False
    return True


def transcode_to_utf8(src: Path, dst: Path, encoding: str) -> None:
    """Stream a file into UTF-8 (bounded memory); a byte that is not valid raises InputError."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with src.open("rb") as fin, dst.open("wb") as fout:
            while chunk := fin.read(SNIFF_BYTES):
                fout.write(decoder.decode(chunk).encode("utf-8"))
            fout.write(decoder.decode(b"", final=True).encode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{src}: not valid {encoding.upper()} text ({exc.reason})") from exc


#: the encodings a line may be in, tried in this order (a line of plain ASCII is valid in both)
LINE_ENCODINGS = ("utf-8", "gb18030")


@dataclass
class LineDecoding:
    """How the lines of a file were decoded: ``ascii`` (plain ASCII, valid in any of them),
    ``utf-8``, ``gb18030``, and ``rejected`` lines (valid in none; listed with their reason)."""

    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("ascii", *LINE_ENCODINGS, "rejected"), 0)
    )
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)

    @property
    def encoding(self) -> str:
        """The file's encoding in one word: utf-8, gb18030, or mixed (ASCII alone: utf-8)."""
        used = [e for e in LINE_ENCODINGS if self.counts[e]]
        return used[0] if len(used) == 1 else ("mixed" if used else "utf-8")

    def summary(self) -> str:
        parts = [f"{k} {n:,}" for k, n in self.counts.items() if n]
        return f"{self.encoding} ({', '.join(parts)} lines)" if parts else self.encoding

    def add(self, line: bytes, number: int) -> bytes:
        """The line as UTF-8 bytes (empty when rejected)."""
        if line.isascii():
            self.counts["ascii"] += 1
            return line
        first_error: UnicodeDecodeError | None = None
        for encoding in LINE_ENCODINGS:
            try:
                text = line.decode(encoding)
            except UnicodeDecodeError as exc:
                first_error = first_error or exc
                continue
            self.counts[encoding] += 1
            return line if encoding == "utf-8" else text.encode("utf-8")
        assert first_error is not None
        at = first_error.start
        self.counts["rejected"] += 1
        self.rejected.append(
            (
                number,
                f"line {number} is neither UTF-8 nor GB18030 text (bytes "
                f"{line[at : at + 4].hex(' ')} at byte {at + 1}); not loaded",
            )
        )
        return b""


def transcode_lines(src: Path, dst: Path) -> LineDecoding:
    """Copy ``src`` into UTF-8, each line decoded on its own: UTF-8 first, then GB18030. A line
    valid in neither is left out and listed (never stored garbled). Lines split at ``\n``,
    which is never part of a UTF-8 or GB18030 multi-byte character. Blocks that are UTF-8
    throughout are copied as they are (the common case costs one decode per block)."""
    result = LineDecoding()
    number = 0
    with src.open("rb") as fin, dst.open("wb") as fout:
        pending = fin.read(len(codecs.BOM_UTF8))
        if pending == codecs.BOM_UTF8:
            pending = b""
        while True:
            block = fin.read(SNIFF_BYTES)
            data = pending + block
            cut = len(data) if not block else data.rfind(b"\n") + 1
            whole, pending = data[:cut], data[cut:]
            if whole:
                number = _copy_lines(whole, number, result, fout)
            if not block:
                break
    return result


def _copy_lines(whole: bytes, number: int, result: LineDecoding, fout: Any) -> int:
    """Write the complete lines ``whole`` as UTF-8; returns the last line number."""
    lines = whole.split(b"\n")
    last_open = lines[-1] != b""  # the file's last line without its newline
    if not last_open:
        lines.pop()
    if whole.isascii():
        result.counts["ascii"] += len(lines)
        fout.write(whole)
        return number + len(lines)
    try:
        whole.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:  # the usual case: the whole block is UTF-8
        ascii_lines = sum(1 for line in lines if line.isascii())
        result.counts["ascii"] += ascii_lines
        result.counts["utf-8"] += len(lines) - ascii_lines
        fout.write(whole)
        return number + len(lines)
    n = len(lines)

    def newline(i: int) -> bytes:
        return b"\n" if i < n - 1 or not last_open else b""

    utf8 = _utf8_lines(lines)  # indexes of the lines that are UTF-8 and not plain ASCII
    out = bytearray()
    i = 0
    for k in [*utf8, n]:
        if k > i:  # lines i..k-1: not UTF-8 or plain ASCII, GB18030 in one go
            out += _gb18030_run(lines, i, k, number, result, newline)
        if k < n:
            result.counts["utf-8"] += 1
            out += lines[k] + newline(k)
        i = k + 1
    fout.write(out)
    return number + n


def _utf8_lines(lines: list[bytes]) -> list[int]:
    """The indexes of the lines that decode as UTF-8 and are not plain ASCII (a tight loop:
    this runs once per line of a file that is not UTF-8 throughout)."""
    found = []
    for i, line in enumerate(lines):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        found.append(i)
    return found


def _gb18030_run(
    lines: list[bytes],
    start: int,
    stop: int,
    number: int,
    result: LineDecoding,
    newline: Callable[[int], bytes],
) -> bytes:
    """Lines ``start:stop`` (none of them UTF-8 with non-ASCII) decoded as GB18030; when that
    fails, line by line so only the lines valid in neither are left out."""
    try:
        text = b"\n".join(lines[start:stop]).decode("gb18030")
    except UnicodeDecodeError:
        out = bytearray()
        for k in range(start, stop):
            decoded = result.add(lines[k], number + k + 1)
            if decoded or not lines[k]:
                out += decoded + newline(k)
        return bytes(out)
    ascii_lines = sum(1 for k in range(start, stop) if lines[k].isascii())
    result.counts["ascii"] += ascii_lines
    result.counts["gb18030"] += stop - start - ascii_lines
    encoded: bytes = text.encode("utf-8")
    return encoded + newline(stop - 1)


class CsvReader(SqlReader):
    format = "csv"

    def __init__(self, path: Path, table: TableSpec) -> None:
        super().__init__(path, table)
        self.encoding = detect_encoding(path)
        self.scan_path = path
        self.lines: LineDecoding | None = None  # set when decoded line by line

    def _ensure_utf8(self, encoding: str) -> None:
        self._tmp = Path(tempfile.mkdtemp(prefix="ipcity-csv-"))
        target = self._tmp / "utf8.csv"
        if encoding == "lines":
            self.lines = transcode_lines(self.path, target)
            self.report.rejects.extend(Note(n, why) for n, why in self.lines.rejected)
            self.encoding = self.lines.encoding
        else:
            transcode_to_utf8(self.path, target, encoding)
            self.encoding = encoding
        self.scan_path = target

    def decode_line_by_line(self) -> None:
        """Called by the ingest when DuckDB met a non-UTF-8 byte past the sniffed prefix: each
        line is then decoded in the encoding it is valid in (see ``transcode_lines``)."""
        self.cleanup()
        self.report.rejects.clear()
        self._ensure_utf8("lines")

    @property
    def encoding_summary(self) -> str:
        """For the run record: the encoding, with the lines per encoding when decoded line by
        line (``mixed (ascii 3, utf-8 20,001, gb18030 1, rejected 1 lines)``)."""
        return self.lines.summary() if self.lines is not None else self.encoding

    def _header_line(self) -> tuple[list[str], str]:
        """The header cells and the delimiter, read from the first line of the file."""
        with self.scan_path.open("r", encoding="utf-8-sig", errors="replace", newline="") as f:
            first = f.readline()
        if not first.strip():
            raise InputError(f"{self.path}: the first line is empty; expected a header row")
        # The delimiter that splits the header into most cells (Excel writes ',' or '\t').
        delim = max(",\t;|", key=first.count)
        cells = next(csv.reader([first.rstrip("\r\n")], delimiter=delim))
        return cells, delim

    def _scan(self, ncols: int, delim: str) -> str:
        # The dialect is fixed (not sniffed) so a row with too many fields is a reject of its
        # own instead of silently widening the table; short rows are padded with NULLs.
        cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(ncols))
        return (
            f"read_csv({sql_str(str(self.scan_path))}, auto_detect=false, header=true, "
            f"delim={sql_str(delim)}, quote='\"', escape='\"', columns={{{cols}}}, "
            "null_padding=true, store_rejects=true, "
            "rejects_table='ipcity_csv_rejects', rejects_scan='ipcity_csv_scans')"
        )

    def select(self, con: duckdb.DuckDBPyConnection) -> str:
        if self.encoding in ("lines", "utf-16") and self.scan_path == self.path:
            self._ensure_utf8(self.encoding)
        cells, delim = self._header_line()
        self.header = map_headers(self.table, cells, str(self.path))
        self.report.warnings.extend(self.header.warnings())
        positional = {
            f"c{i}": self.header.mapping[h] for i, h in enumerate(cells) if h in self.header.mapping
        }
        cols = ", ".join(f"{src} AS {sql_ident(dst)}" for src, dst in positional.items())
        return f"SELECT {cols} FROM {self._scan(len(cells), delim)}"

    def record_columns(self) -> tuple[str, ...]:
        return ()

    def has_encoding_errors(self, con: duckdb.DuckDBPyConnection) -> bool:
        """DuckDB met bytes that are not UTF-8 (past the sniffed prefix)."""
        rows = con.execute(
            "SELECT count(*) FROM ipcity_csv_rejects WHERE error_type = 'INVALID ENCODING'"
        ).fetchall()
        return bool(rows[0][0])

    def malformed_lines(self, con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
        """Lines DuckDB could not split into fields (too many columns, bad quoting)."""
        try:
            rows = con.execute(
                "SELECT line, min(error_message) FROM ipcity_csv_rejects "
                "WHERE error_type <> 'INVALID ENCODING' GROUP BY line ORDER BY line"
            ).fetchall()
        except duckdb.Error:
            return []
        return [(int(line), _first_line(msg)) for line, msg in rows]


# ------------------------------------------------------------------------------------ Parquet


class ParquetReader(SqlReader):
    format = "parquet"

    def select(self, con: duckdb.DuckDBPyConnection) -> str:
        scan = f"read_parquet({sql_str(str(self.path))}, file_row_number=true)"
        try:
            names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()]
        except duckdb.Error as exc:
            raise InputError(
                f"{self.path}: not a readable Parquet file: {_first_line(exc)}"
            ) from exc
        names = [n for n in names if n != "file_row_number"]
        self.header = map_headers(self.table, names, str(self.path))
        self.report.warnings.extend(self.header.warnings())
        return self._projection(scan, "file_row_number + 1")


# --------------------------------------------------------------------------------------- XLSX

HEADER_SEARCH_ROWS = 10  # title rows above the header are common in office spreadsheets


class XlsxReader(Reader):
    format = "xlsx"

    def __init__(self, path: Path, table: TableSpec) -> None:
        super().__init__(path)
        self.table = table
        self.primary_table = table.name
        self.header: HeaderMap | None = None

    @property
    def provided(self) -> list[str]:
        return self.header.canonical if self.header else []

    def batches(self) -> Iterator[tuple[str, pa.RecordBatch]]:
        from openpyxl import load_workbook

        try:
            wb = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException
            raise InputError(f"{self.path}: not a readable XLSX workbook ({exc})") from exc
        try:
            ws = self._pick_sheet(wb)
            rows = ws.iter_rows(values_only=True)
            header_row, header_index = self._find_header(rows)
            self.header = map_headers(self.table, header_row, str(self.path))
            self.report.warnings.extend(self.header.warnings())
            positions = [
                (i, self.header.mapping[h])
                for i, h in enumerate(header_row)
                if h in self.header.mapping
            ]
            cols: dict[str, list[str | None]] = {dst: [] for _, dst in positions}
            recs: list[int] = []
            record = 0
            for row in rows:
                if row is None or all(v is None or str(v).strip() == "" for v in row):
                    continue  # blank lines in spreadsheets are layout, not records
                record += 1
                recs.append(header_index + record)  # the sheet's row number, as Excel shows it
                for i, dst in positions:
                    cols[dst].append(_cell_text(row[i] if i < len(row) else None))
                if len(recs) >= BATCH_ROWS:
                    yield self.table.name, _batch(cols, recs)
                    cols = {k: [] for k in cols}
                    recs = []
            if recs:
                yield self.table.name, _batch(cols, recs)
        finally:
            wb.close()

    def _pick_sheet(self, wb: Any) -> Any:
        for ws in wb.worksheets:
            if normalise_header(ws.title) == self.table.name:
                return ws
        return wb.worksheets[0]

    def _find_header(self, rows: Iterator[tuple[Any, ...]]) -> tuple[list[str], int]:
        """The first row (of the first few) that maps to the table; returns it and its number."""
        first_error: InputError | None = None
        for n in range(1, HEADER_SEARCH_ROWS + 1):
            row = next(rows, None)
            if row is None:
                break
            header = ["" if v is None else str(v) for v in row]
            try:
                map_headers(self.table, header, str(self.path))
            except InputError as exc:
                first_error = first_error or exc
                continue
            return header, n
        raise first_error or InputError(f"{self.path}: empty workbook")


def _cell_text(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # Excel stores 2023 and 1 as floats
    text = str(v).strip()
    return text or None


def _batch(cols: dict[str, list[str | None]], recs: list[int]) -> pa.RecordBatch:
    arrays = [pa.array(v, type=pa.string()) for v in cols.values()]
    arrays.append(pa.array(recs, type=pa.int64()))
    return pa.RecordBatch.from_arrays(arrays, names=[*cols, RECORD])


def _first_line(exc: object) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
