"""Issue 10, problems 4 and 5: one bad file never stops an ingest, and a CSV that mixes
encodings is decoded line by line (UTF-8 first, then GB18030) or rejected per line, never
stored garbled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipcity import cli
from ipcity.warehouse import ingest as ingest_mod
from ipcity.warehouse.ingest import ingest
from ipcity.warehouse.store import Warehouse

HEADER = "patent_id,office,patent_type,application_date,title"
UTF8_ROWS = 30_000  # about 1.3 MB: the GBK line comes after the sniffed first megabyte


def utf8_row(i: int) -> str:
    return f"P{i:06d},CN,design,2020-01-01,中文标题{i}"


def patents_a(path: Path) -> Path:
    """UTF-8 (Chinese titles) for more than a megabyte, then a GBK line, then a Latin-1 one."""
    body = "\n".join([HEADER, *(utf8_row(i) for i in range(UTF8_ROWS))]).encode("utf-8")
    assert len(body) > 1 << 20
    gbk = "\nPGBK,CN,design,2020-01-01,上海电池专利".encode("gbk")
    latin1 = "\nPLATIN,CN,design,2020-01-01,Société Café".encode("latin-1")
    tail = "\nPLAST,CN,design,2020-01-01,最后一行\n".encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body + gbk + latin1 + tail)
    return path


def awards_z(path: Path) -> Path:
    path.write_text("patent_id,award,year\nP000001,中国专利金奖,2022\n", encoding="utf-8")
    return path


def rows(wh: Warehouse, sql: str) -> list[tuple[Any, ...]]:
    return wh.con.execute(sql).fetchall()


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    w = Warehouse(tmp_path / "wh")
    yield w
    w.close()


# Lines of patents_a: 1 header, UTF8_ROWS rows, then the GBK, Latin-1 and last lines.
GBK_LINE = UTF8_ROWS + 2
LATIN1_LINE = UTF8_ROWS + 3


def test_issue_directory_mixed_encodings_load_line_by_line(wh: Warehouse, tmp_path: Path) -> None:
    data = tmp_path / "in"
    patents_a(data / "patents_a.csv")
    awards_z(data / "awards_z.csv")
    report = ingest(wh, [data])
    by_name = {Path(f.path).name: f for f in report.files}
    a, z = by_name["patents_a.csv"], by_name["awards_z.csv"]
    assert a.status == "loaded" and z.status == "loaded" and report.ok
    assert (a.read, a.loaded, a.rejected, a.skipped) == (UTF8_ROWS + 3, UTF8_ROWS + 2, 1, 0)
    # the UTF-8 rows stay as written (not re-read as GB18030: 中文标题 -> 涓枃鏍囬)
    assert rows(wh, "SELECT title FROM patents WHERE patent_id = 'P000007'") == [("中文标题7",)]
    assert rows(wh, "SELECT count(*) FROM patents WHERE title LIKE '中文标题%'") == [(UTF8_ROWS,)]
    assert rows(wh, "SELECT title FROM patents WHERE patent_id = 'PGBK'") == [("上海电池专利",)]
    assert rows(wh, "SELECT title FROM patents WHERE patent_id = 'PLAST'") == [("最后一行",)]
    assert rows(wh, "SELECT count(*) FROM patents WHERE patent_id = 'PLATIN'") == [(0,)]
    # the Latin-1 line is a reject with its line number and the reason, nothing garbled
    (reject,) = rows(wh, f"SELECT record, reason FROM rejects WHERE run_id = {a.run_id}")
    assert reject[0] == LATIN1_LINE
    assert f"line {LATIN1_LINE} is neither UTF-8 nor GB18030" in reject[1]
    # how many lines took which encoding: in the result and in the run record
    expected = f"mixed (ascii 1, utf-8 {UTF8_ROWS + 1:,}, gb18030 1, rejected 1 lines)"
    assert a.encoding == expected
    assert rows(wh, f"SELECT encoding FROM ingest_runs WHERE run_id = {a.run_id}") == [(expected,)]
    assert rows(wh, "SELECT award FROM awards") == [("中国专利金奖",)]


def test_utf8_file_with_one_gbk_line_is_not_stored_garbled(wh: Warehouse, tmp_path: Path) -> None:
    body = "\n".join([HEADER, *(utf8_row(i) for i in range(UTF8_ROWS))]).encode("utf-8")
    p = tmp_path / "patents.csv"
    p.write_bytes(body + "\nPGBK,CN,design,2020-01-01,上海电池专利\n".encode("gbk"))
    f = ingest(wh, [p]).files[0]
    assert f.status == "loaded" and (f.loaded, f.rejected) == (UTF8_ROWS + 1, 0)
    garbled = "中文标题".encode().decode("gb18030")
    assert rows(wh, f"SELECT count(*) FROM patents WHERE title LIKE '{garbled}%'") == [(0,)]
    assert rows(wh, "SELECT title FROM patents WHERE patent_id = 'P000000'") == [("中文标题0",)]
    assert rows(wh, "SELECT title FROM patents WHERE patent_id = 'PGBK'") == [("上海电池专利",)]


def test_a_file_failing_for_any_reason_is_a_failed_run_and_the_others_go_on(
    wh: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "in"
    (data / "sub").mkdir(parents=True)
    (data / "patents_a.csv").write_text(f"{HEADER}\nP1,CN,design,2020-01-01,t\n", "utf-8")
    awards_z(data / "awards_z.csv")
    real = ingest_mod._Run.execute

    def breaks_on_patents(self: Any, result: Any) -> None:
        if self.path.name == "patents_a.csv":
            raise RuntimeError("disk said no")  # not an error ingest knows: still one file
        real(self, result)

    monkeypatch.setattr(ingest_mod._Run, "execute", breaks_on_patents)
    report = ingest(wh, [data])
    a, z = sorted(report.files, key=lambda f: f.path)[::-1]
    assert Path(a.path).name == "patents_a.csv" and a.status == "failed"
    assert a.message == f"{data / 'patents_a.csv'}: disk said no"
    assert z.status == "loaded" and z.loaded == 1
    assert not report.ok and report.failures == [a]
    assert rows(wh, "SELECT status, message FROM ingest_runs WHERE path LIKE '%patents_a.csv'") == [
        ("failed", a.message)
    ]
    assert rows(wh, "SELECT count(*) FROM patents") == [(0,)]


def test_cli_goes_on_exits_non_zero_and_lists_failures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "in"
    patents_a(data / "patents_a.csv")
    (data / "patents_b.csv").write_text("no,such,columns\n1,2,3\n", encoding="utf-8")
    awards_z(data / "awards_z.csv")
    code = cli.main(["ingest", str(data), "--warehouse", str(tmp_path / "wh")])
    out, err = capsys.readouterr()
    assert code == 1
    assert f"encoding: mixed (ascii 1, utf-8 {UTF8_ROWS + 1:,}, gb18030 1, rejected 1" in out
    assert "awards_z.csv [awards, csv" in out
    assert "1 of 3 file(s) failed:" in err
    assert f"{data / 'patents_b.csv'}: " in err
    with Warehouse(tmp_path / "wh", read_only=True) as wh:
        assert sorted(rows(wh, "SELECT path, status FROM ingest_runs")) == [
            (str(data / "awards_z.csv"), "loaded"),
            (str(data / "patents_a.csv"), "loaded"),
            (str(data / "patents_b.csv"), "failed"),
        ]


def test_transcode_lines_counts_and_keeps_line_ends(tmp_path: Path) -> None:
    from ipcity.sources.canonical import transcode_lines

    src = tmp_path / "in.csv"
    src.write_bytes(
        b"\xef\xbb\xbfa,b\r\n"  # BOM and CRLF
        + "中,文\r\n".encode()
        + "汉,字\n".encode("gbk")
        + b"\n"  # a blank line stays (it is layout, DuckDB skips it)
        + b"caf\xe9\n"  # Latin-1: valid in neither
        + "末,行".encode()  # the last line has no newline
    )
    dst = tmp_path / "out.csv"
    result = transcode_lines(src, dst)
    assert dst.read_bytes() == "a,b\r\n中,文\r\n汉,字\n\n末,行".encode()
    assert result.counts == {"ascii": 2, "utf-8": 2, "gb18030": 1, "rejected": 1}
    assert result.rejected == [
        (5, "line 5 is neither UTF-8 nor GB18030 text (bytes e9 at byte 4); not loaded")
    ]
    assert result.encoding == "mixed"


LINE_TEXT = st.text(alphabet="ab,1 中文é汉字€\r", max_size=8)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(LINE_TEXT, st.sampled_from(["utf-8", "gbk", "latin-1"])), max_size=12),
    st.booleans(),
)
def test_transcode_lines_decides_each_line_on_its_own(
    tmp_path_factory: pytest.TempPathFactory, lines: list[tuple[str, str]], final_newline: bool
) -> None:
    """Whatever the mix, each line comes out as the UTF-8 reading of its bytes, else the
    GB18030 reading, else it is left out and counted as rejected; nothing else changes."""
    from ipcity.sources.canonical import transcode_lines

    raw: list[bytes] = []
    for text, encoding in lines:
        try:
            raw.append(text.encode(encoding))
        except UnicodeEncodeError:
            raw.append(text.encode("utf-8"))
    data = b"\n".join(raw) + (b"\n" if final_newline and raw else b"")
    file_lines = data.split(b"\n")
    ends_with_newline = file_lines[-1] == b""
    if ends_with_newline:
        file_lines.pop()  # an empty file has no line at all
    want = b""
    rejected = 0
    for i, b in enumerate(file_lines):
        for encoding in ("utf-8", "gb18030"):
            try:
                text = b.decode(encoding)
            except UnicodeDecodeError:
                continue
            last = i == len(file_lines) - 1
            want += text.encode("utf-8") + (b"" if last and not ends_with_newline else b"\n")
            break
        else:
            rejected += 1  # left out with its newline
    tmp = tmp_path_factory.mktemp("lines")
    (tmp / "in.csv").write_bytes(data)
    result = transcode_lines(tmp / "in.csv", tmp / "out.csv")
    assert (tmp / "out.csv").read_bytes() == want
    assert result.counts["rejected"] == rejected
    assert sum(result.counts.values()) == len(file_lines)
