"""Issue 10, problem 1 (the reader): an uploaded sheet is read streaming and bounded. The
header must be in the first rows, or reading stops there; rows, columns, cells and the
unpacked size are capped (documented IPCITY_UPLOAD_* settings), each refusal one line."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ipcity.errors import InputError, IpcityError
from ipcity.workspace import tabular
from ipcity.workspace.excel_io import TASK_ALIASES, TASK_REQUIRED, header_check
from ipcity.workspace.tabular import HEADER_SCAN_ROWS, UploadLimits, UploadRefused, read_rows
from tests.support.sheets import inline_xlsx


@pytest.fixture(scope="module")
def huge() -> bytes:
    return inline_xlsx(1_500_000)


def test_issue_upload_is_refused_by_its_unpacked_size(huge: bytes) -> None:
    assert 400_000 < len(huge) < 1_000_000  # small on the wire
    with pytest.raises(UploadRefused) as err:
        read_rows(huge, "cases.xlsx")
    assert err.value.key == "upload.unzipped_too_large"
    assert str(err.value) == (
        "the workbook unpacks to more than 50 MB (IPCITY_UPLOAD_MAX_UNZIPPED_MB); split it"
    )


def test_without_a_header_in_the_first_rows_reading_stops_there(
    huge: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even with limits high enough to let the 1.5 M rows in, a sheet whose first rows hold
    no header is not read further: 15 rows are pulled from the workbook, not 1.5 million."""
    pulled = [0]
    real = tabular._xlsx_rows

    def counting(*args: Any) -> Iterator[list[Any]]:
        for row in real(*args):
            pulled[0] += 1
            yield row

    monkeypatch.setattr(tabular, "_xlsx_rows", counting)
    roomy = UploadLimits(max_rows=2_000_000, max_cells=10_000_000, max_unzipped_bytes=1 << 30)
    rows = read_rows(
        huge,
        "tasks.xlsx",
        header_found=header_check(dict(TASK_ALIASES), TASK_REQUIRED),
        limits=roomy,
    )
    assert pulled[0] == HEADER_SCAN_ROWS and len(rows) == HEADER_SCAN_ROWS


def test_a_header_in_the_first_rows_reads_on() -> None:
    data = inline_xlsx(30, header=["重点任务", "牵头单位", "完成时限"])
    rows = read_rows(data, "t.xlsx", header_found=header_check(dict(TASK_ALIASES), TASK_REQUIRED))
    assert len(rows) == 31 and rows[0] == ["重点任务", "牵头单位", "完成时限"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_row_column_and_cell_caps(fmt: str) -> None:
    def sheet(rows: list[list[str]]) -> tuple[bytes, str]:
        if fmt == "csv":
            return "\n".join(",".join(r) for r in rows).encode(), "s.csv"
        import openpyxl

        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append(r)
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue(), "s.xlsx"

    limits = UploadLimits(max_rows=5, max_columns=4, max_cells=12)
    ok = [["a", "b", "c"]] * 4
    assert len(read_rows(*sheet(ok), limits=limits)) == 4
    cases = {
        "upload.too_many_rows": ([["a"]] * 6, "the sheet has more than 5 rows"),
        "upload.too_many_columns": (
            [["a"], ["a", "b", "c", "d", "e"]],
            "row 2 has more than 4 columns (IPCITY_UPLOAD_MAX_COLUMNS)",
        ),
        "upload.too_many_cells": ([["a", "b", "c", "d"]] * 4, "more than 12 cells"),
    }
    for key, (rows, words) in cases.items():
        with pytest.raises(UploadRefused) as err:
            read_rows(*sheet(rows), limits=limits)
        assert err.value.key == key and words in str(err.value)
        assert "\n" not in str(err.value)


def test_file_size_cap_and_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPCITY_UPLOAD_MAX_MB", "1")
    monkeypatch.setenv("IPCITY_UPLOAD_MAX_ROWS", "7")
    limits = UploadLimits.from_env()
    assert (limits.max_bytes, limits.max_rows) == (1 << 20, 7)
    with pytest.raises(UploadRefused, match=r"larger than 1 MB \(IPCITY_UPLOAD_MAX_MB\)"):
        read_rows(b"a,b\n" * 300_000, "big.csv")
    monkeypatch.setenv("IPCITY_UPLOAD_MAX_CELLS", "many")
    with pytest.raises(IpcityError, match="IPCITY_UPLOAD_MAX_CELLS must be a whole number"):
        UploadLimits.from_env()


def _lie_about_sizes(data: bytes, member: str, size: int) -> bytes:
    """The zip with ``member``'s uncompressed size in the central directory set to ``size``."""
    raw = bytearray(data)
    name = member.encode()
    at = 0
    while (at := raw.find(b"PK\x01\x02", at)) >= 0:
        name_len = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46 : at + 46 + name_len] == name:
            struct.pack_into("<I", raw, at + 24, size)
            return bytes(raw)
        at += 4
    raise AssertionError(f"{member} not in the central directory")


def test_a_zip_that_lies_about_its_sizes_is_stopped() -> None:
    """The declared sizes pass the check, but unpacking never yields more than declared: the
    member fails its size/CRC check and the upload is refused as damaged (one line)."""
    data = inline_xlsx(20_000, header=["重点任务", "牵头单位", "完成时限"])
    lying = _lie_about_sizes(data, "xl/worksheets/sheet1.xml", 1000)
    with pytest.raises(InputError) as err:
        read_rows(lying, "t.xlsx")
    assert "damaged" in str(err.value) or "cannot read" in str(err.value)
    assert "\n" not in str(err.value)


def test_every_unpacked_byte_is_charged(tmp_path: Path) -> None:
    """The budget counts what is actually unpacked (not only what the directory says)."""
    data = inline_xlsx(20_000, header=["重点任务", "牵头单位", "完成时限"])
    archive = tabular._open_zip(data, UploadLimits())
    archive.budget = tabular._Budget(100_000)  # less than the sheet really holds
    with pytest.raises(UploadRefused) as err:
        archive.read("xl/worksheets/sheet1.xml")
    assert err.value.key == "upload.unzipped_too_large"
