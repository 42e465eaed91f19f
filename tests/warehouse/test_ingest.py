"""Ingest runs: accounting, rejects, dedupe, updates, transactions, encodings, formats."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from ipcity.errors import InputError
from ipcity.sources.base import Reader, string_batch
from ipcity.warehouse import ingest as ingest_mod
from ipcity.warehouse.ingest import FileResult, ingest
from ipcity.warehouse.store import Warehouse

PATENTS_HEADER = (
    "patent_id,office,patent_type,application_date,grant_date,lapse_date,ipc,family_countries,title"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def rows(wh: Warehouse, sql: str) -> list[tuple[Any, ...]]:
    return wh.con.execute(sql).fetchall()


def one(report_files: list[FileResult]) -> FileResult:
    assert len(report_files) == 1
    return report_files[0]


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    w = Warehouse(tmp_path / "wh")
    yield w
    w.close()


MIXED = (
    PATENTS_HEADER
    + "\n"
    + "\n".join(
        [
            "CN1,CN,invention,2015-03-01,2018-05-02,,H01M 10/05;G06F,CN;US,Battery",  # 1 ok
            "CN2,CN,发明,2015/03/01,2019-01-01,2021-12-31,G06F,,Chip",  # 2 ok (alias, slash date)
            "CN3,CN,utility_model,2019-13-01,,,,,BadDate",  # 3 month 13
            "CN1,CN,invention,2015-03-01,2018-05-02,,H01M 10/05;G06F,CN;US,Battery",  # 4 = 1
            "CN2,CN,invention,2016-03-01,2019-01-01,,G06F,,Chip2",  # 5 conflicts with 2
            ",CN,design,2020-01-01,,,,,NoId",  # 6 no id
            "WO1,WO,,2020-02-02,,,,,PCT",  # 7 ok: type may be empty for WO
            "CN4,CN,gizmo,2020-02-02,,,,,Type",  # 8 unknown type
            "CN5,CN,,2020-02-02,,,,,NoType",  # 9 type missing outside WO
            "CN6,CN,invention,2020-02-02,2019-01-01,,,,GrantBeforeApp",  # 10
            "CN7,XYZ,invention,2020-02-02,,,,,Office",  # 11 bad office
            "CN8,CN,design,2020-02-30,,,,,Feb30",  # 12 impossible date
            "CN9,CN,design,2020-02-02,2020-05-05,2020-04-04,,,LapseBeforeGrant",  # 13
        ]
    )
)


def test_accounting_and_reasons(wh: Warehouse, tmp_path: Path) -> None:
    f = one(ingest(wh, [write(tmp_path / "in" / "patents.csv", MIXED)]).files)
    # 13 records: loaded CN1, CN2, WO1 = 3; skipped record 4 (identical); rejected the other 9.
    assert (f.read, f.loaded, f.rejected, f.skipped) == (13, 3, 9, 1)
    assert f.status == "loaded" and f.inserted == 3
    got = dict(rows(wh, "SELECT record, reason FROM rejects ORDER BY record"))
    assert got[3].startswith("malformed application_date '2019-13-01'")
    assert got[4] == "identical duplicate of record 1"
    assert got[5] == "duplicate key of record 2 with different data"
    assert got[6] == "missing patent_id"
    assert got[8].startswith("unknown patent_type 'gizmo'")
    assert got[9] == "missing patent_type (required outside office WO)"
    assert got[10] == "grant_date before application_date"
    assert got[11].startswith("unknown office 'XYZ'")
    assert got[12].startswith("malformed application_date '2020-02-30'")
    assert got[13] == "lapse_date before grant_date"
    kinds = dict(rows(wh, "SELECT record, kind FROM rejects"))
    assert kinds[4] == "skipped" and kinds[5] == "rejected"
    assert rows(wh, "SELECT patent_id, patent_type, application_date FROM patents ORDER BY 1") == [
        ("CN1", "invention", dt.date(2015, 3, 1)),
        ("CN2", "invention", dt.date(2015, 3, 1)),  # the first record of CN2 wins
        ("WO1", None, dt.date(2020, 2, 2)),
    ]
    run = rows(wh, "SELECT status, read, loaded, rejected, skipped FROM ingest_runs")
    assert run == [("loaded", 13, 3, 9, 1)]


def test_reingesting_identical_file_is_a_no_op(wh: Warehouse, tmp_path: Path) -> None:
    p = write(tmp_path / "patents.csv", MIXED)
    ingest(wh, [p])
    before = rows(wh, "SELECT * FROM patents ORDER BY patent_id")
    again = one(ingest(wh, [p]).files)
    assert again.status == "unchanged" and again.loaded == 0
    assert rows(wh, "SELECT * FROM patents ORDER BY patent_id") == before
    # a copy under another name has the same checksum: also a no-op
    copy = write(tmp_path / "other" / "patents.csv", MIXED)
    assert one(ingest(wh, [copy]).files).status == "unchanged"


def test_later_file_updates_and_keeps_columns_it_does_not_carry(
    wh: Warehouse, tmp_path: Path
) -> None:
    ingest(wh, [write(tmp_path / "a" / "patents.csv", MIXED)])
    later = "patent_id,office,patent_type,application_date,title\n" + "\n".join(
        [
            "CN2,CN,invention,2015-03-01,Chip (corrected)",  # changed title
            "CN1,CN,invention,2015-03-01,Battery",  # same as stored
            "CN10,CN,design,2021-01-01,New",  # new
        ]
    )
    f = one(ingest(wh, [write(tmp_path / "b" / "patents.csv", later)]).files)
    assert (f.inserted, f.updated, f.unchanged) == (1, 1, 1)
    cn2 = rows(
        wh, "SELECT title, grant_date, lapse_date, run_id FROM patents WHERE patent_id='CN2'"
    )
    # grant/lapse dates were not in the later file: kept from the first
    assert cn2 == [("Chip (corrected)", dt.date(2019, 1, 1), dt.date(2021, 12, 31), f.run_id)]
    assert rows(wh, "SELECT count(*) FROM patents") == [(4,)]


def test_failure_midway_leaves_nothing_behind(
    wh: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(wh, [write(tmp_path / "a" / "patents.csv", MIXED)])
    before = rows(wh, "SELECT * FROM patents ORDER BY patent_id")
    rejects_before = rows(wh, "SELECT count(*) FROM rejects")

    def boom(self: object, result: FileResult) -> None:
        raise InputError("simulated crash after the rows were written")

    monkeypatch.setattr(ingest_mod._Run, "_record_run", boom)
    newer = (
        PATENTS_HEADER
        + "\nCN1,CN,invention,2015-03-01,,,,,Changed\nCN99,CN,design,2020-01-01,,,,,X"
    )
    f = one(ingest(wh, [write(tmp_path / "b" / "patents.csv", newer)]).files)
    assert f.status == "failed" and "simulated crash" in (f.message or "")
    assert (f.read, f.loaded) == (0, 0)
    assert rows(wh, "SELECT * FROM patents ORDER BY patent_id") == before
    assert rows(wh, "SELECT count(*) FROM rejects") == rejects_before
    assert rows(wh, "SELECT status FROM ingest_runs ORDER BY run_id") == [("loaded",), ("failed",)]


WIDE = (
    "申请号,申请日,授权公告日,专利类型,申请人,申请人地址,发明人,IPC分类号,名称\n"
    "CN202310000001.X,2023-01-05,2023年06月01日,实用新型,上海甲公司;韩国乙株式会社,"
    "上海市浦东新区张江路1号;韩国京畿道水原市,张三;李四,H01M 10/05,电池\n"
    "CN202310000002.1,2023-02-05,,发明,上海丙大学；上海丁公司,上海市闵行区东川路800号,"
    "王五,G06F 17/00；H04L,芯片\n"
)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_wide_chinese_export_in_each_encoding(wh: Warehouse, tmp_path: Path, encoding: str) -> None:
    f = one(ingest(wh, [write(tmp_path / "patents_export.csv", WIDE, encoding)]).files)
    assert (f.read, f.loaded, f.rejected) == (2, 2, 0)
    assert f.secondary == {"parties": 7}  # 2+2 applicants, 2+1 inventors
    got = rows(
        wh,
        "SELECT patent_id, role, sequence, name, country, region_code, region_from "
        "FROM parties ORDER BY patent_id, role, sequence",
    )
    assert got == [
        ("CN202310000001.X", "applicant", 1, "上海甲公司", "CN", "310115", "address"),
        ("CN202310000001.X", "applicant", 2, "韩国乙株式会社", "KR", None, None),
        ("CN202310000001.X", "inventor", 1, "张三", None, None, None),
        ("CN202310000001.X", "inventor", 2, "李四", None, None, None),
        # one address for two applicants: it belongs to the first
        ("CN202310000002.1", "applicant", 1, "上海丙大学", "CN", "310112", "address"),
        ("CN202310000002.1", "applicant", 2, "上海丁公司", None, None, None),
        ("CN202310000002.1", "inventor", 1, "王五", None, None, None),
    ]
    assert rows(
        wh, "SELECT patent_id, office, patent_type, grant_date, ipc FROM patents ORDER BY 1"
    ) == [
        ("CN202310000001.X", "CN", "utility_model", dt.date(2023, 6, 1), "H01M 10/05"),
        ("CN202310000002.1", "CN", "invention", None, "G06F 17/00;H04L"),
    ]


def test_gbk_bytes_after_the_sniffed_megabyte_fall_back(wh: Warehouse, tmp_path: Path) -> None:
    lines = [PATENTS_HEADER]
    lines += [f"P{i},CN,design,2020-01-01,,,,,ascii title {i:06d}" for i in range(40_000)]
    lines.append("P-last,CN,design,2020-01-01,,,,,中文名称")
    p = write(tmp_path / "patents.csv", "\n".join(lines), "gbk")
    assert p.stat().st_size > 1 << 20
    f = one(ingest(wh, [p]).files)
    assert f.status == "loaded" and f.loaded == 40_001
    assert rows(wh, "SELECT title FROM patents WHERE patent_id = 'P-last'") == [("中文名称",)]


def test_parties_precedence_and_updates(wh: Warehouse, tmp_path: Path) -> None:
    parties = "patent_id,role,sequence,name,address,country,region_code\n" + "\n".join(
        [
            "A,owner,1,Given code wins,上海市浦东新区张江路1号,,310112",
            "A,owner,2,Country decides,上海市浦东新区张江路1号,US,",
            "A,owner,3,Foreign fills country,韩国京畿道水原市,,",
            "A,owner,4,HK by code,,,810000",
            "A,owner,5,Bad code,,,999999",
            "A,owner,6,Malformed code,,,31011",
            "A,owner,7,Bad role,,,",
            "A,boss,8,Bad role,,,",
            "A,owner,0,Bad sequence,,,",
        ]
    )
    f = one(ingest(wh, [write(tmp_path / "parties.csv", parties)]).files)
    assert (f.read, f.loaded, f.rejected) == (9, 5, 4)
    got = rows(
        wh,
        "SELECT sequence, region_code, region_from, country, country_from FROM parties ORDER BY 1",
    )
    assert got == [
        (1, "310112", "given", "CN", "region"),
        (2, None, None, "US", "given"),
        (3, None, None, "KR", "address"),
        (4, "810000", "given", "HK", "region"),
        (7, None, None, None, None),
    ]
    reasons = dict(rows(wh, "SELECT record, reason FROM rejects"))
    assert reasons[5].startswith("unknown region_code '999999'")
    assert reasons[6].startswith("malformed region_code '31011'")
    assert reasons[8].startswith("unknown role 'boss'")
    assert reasons[9] == "sequence must be 1 or more"
    # a later file without the region_code column: the given code stays, the address changes
    later = "patent_id,role,sequence,address\nA,owner,1,上海市闵行区\nA,owner,3,上海市闵行区\n"
    g = one(ingest(wh, [write(tmp_path / "b" / "parties.csv", later)]).files)
    assert (g.updated, g.inserted) == (2, 0)
    got = rows(
        wh,
        "SELECT sequence, name, region_code, region_from, country, country_from FROM parties "
        "WHERE sequence IN (1, 3) ORDER BY 1",
    )
    assert got == [
        (1, "Given code wins", "310112", "given", "CN", "region"),
        # the Korean address was replaced: its derived country goes, the new address counts
        (3, "Foreign fills country", "310112", "address", "CN", "address"),
    ]


def test_xlsx_with_title_row_and_excel_dates(wh: Warehouse, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["2023年专利清单"])  # a title row above the header
    ws.append(["申请号", "申请日", "专利类型", "授权公告日", "申请人", "申请人地址"])
    ws.append(
        ["CN1", dt.datetime(2021, 3, 4), "发明", dt.datetime(2023, 1, 2), "甲", "上海市徐汇区"]
    )
    ws.append([None, None, None, None, None, None])  # blank layout row
    ws.append(["CN2", "2021-05-06", "外观设计", None, "乙", None])
    ws.append(["CN3", 20210506, "外观设计", None, "丙", None])  # a number, read as text
    p = tmp_path / "patents.xlsx"
    wb.save(p)
    f = one(ingest(wh, [p]).files)
    assert (f.read, f.loaded, f.rejected) == (3, 3, 0)
    assert rows(wh, "SELECT patent_id, application_date, grant_date FROM patents ORDER BY 1") == [
        ("CN1", dt.date(2021, 3, 4), dt.date(2023, 1, 2)),
        ("CN2", dt.date(2021, 5, 6), None),
        ("CN3", dt.date(2021, 5, 6), None),
    ]
    assert rows(wh, "SELECT region_code FROM parties WHERE patent_id = 'CN1'") == [("310104",)]


def test_xlsx_reject_points_at_the_sheet_row(wh: Warehouse, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["申请号", "申请日", "专利类型"])
    ws.append(["CN1", "2021-03-04", "发明"])
    ws.append(["CN2", "not a date", "发明"])
    p = tmp_path / "patents.xlsx"
    wb.save(p)
    ingest(wh, [p])
    assert rows(wh, "SELECT record, record_key FROM rejects") == [(3, "CN2")]  # Excel row 3


def test_parquet(wh: Warehouse, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    t = pa.table(
        {
            "patent_id": ["X1", "X2"],
            "office": ["US", "US"],
            "patent_type": ["invention", "plant"],
            "application_date": [dt.date(2010, 1, 1), None],
            "sequence_unknown_column": [1, 2],
        }
    )
    pq.write_table(t, tmp_path / "patents.parquet")
    f = one(ingest(wh, [tmp_path / "patents.parquet"]).files)
    assert (f.read, f.loaded, f.rejected) == (2, 1, 1)
    assert f.warnings and "sequence_unknown_column" in f.warnings[0]
    assert rows(wh, "SELECT record, reason FROM rejects") == [(2, "missing application_date")]


def test_malformed_csv_line_is_rejected_with_its_line(wh: Warehouse, tmp_path: Path) -> None:
    text = (
        PATENTS_HEADER + "\nA,CN,design,2020-01-01,,,,,ok\nB,CN,design,2020-01-01,,,,,x,y,z,extra\n"
    )
    f = one(ingest(wh, [write(tmp_path / "patents.csv", text)]).files)
    assert f.read == f.loaded + f.rejected + f.skipped
    assert f.loaded == 1 and f.rejected == 1 and not f.warnings
    (reason,) = rows(wh, "SELECT reason FROM rejects")[0]
    assert reason.startswith("malformed CSV line 3")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("patents.csv", b"", "empty file"),
        ("patents.csv", b"\x00\x01\x02PK\x03\x04binary", "binary content"),
        ("report.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
        ("notes.csv", b"a,b\n1,2\n", "cannot tell the table from the file name"),
        (
            "patents.csv",
            b"foo,bar\n1,2\n",
            "missing required column(s) patent_id, application_date",
        ),
        ("patents.xlsx", b"not a zip", "not a readable XLSX workbook"),
        ("patents.parquet", b"not parquet", "not a readable Parquet file"),
        ("doc.xml", b"<?xml version='1.0'?><html/>", "neither USPTO grant XML nor CNIPA XML"),
    ],
)
def test_bad_files_give_one_line_and_change_nothing(
    wh: Warehouse, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    ingest(wh, [write(tmp_path / "good" / "patents.csv", MIXED)])
    before = rows(wh, "SELECT * FROM patents ORDER BY patent_id")
    p = tmp_path / "bad" / name
    p.parent.mkdir()
    p.write_bytes(content)
    f = one(ingest(wh, [p]).files)
    assert f.status == "failed"
    assert message in (f.message or "")
    assert "\n" not in (f.message or "")
    assert rows(wh, "SELECT * FROM patents ORDER BY patent_id") == before


def test_directory_without_tables_is_one_clear_error(wh: Warehouse, tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "readme.md").write_text("hello")
    with pytest.raises(InputError, match="no ingestible files"):
        ingest(wh, [tmp_path / "d"])


def test_directory_walk_orders_and_ignores(wh: Warehouse, tmp_path: Path) -> None:
    d = tmp_path / "d"
    write(d / "patents.csv", PATENTS_HEADER + "\nA,CN,design,2020-01-01,,,,,x\n")
    write(d / "sub" / "parties.csv", "patent_id,role,sequence,name\nA,applicant,1,甲\n")
    write(d / "README.txt", "not a table")
    rep = ingest(wh, [d])
    assert [Path(f.path).name for f in rep.files] == ["patents.csv", "parties.csv"]
    assert rep.ignored == [str(d / "README.txt")]


def test_lookup_tables(wh: Warehouse, tmp_path: Path) -> None:
    pop = 'region_code,year,population,source\n310000,2021,"24,894,300",Shanghai 2021 bulletin\n'
    pop += "310115,2021,5800000,\nCN,2021,1412600000,NBS\n3100,2021,1,bad\n"
    f = one(ingest(wh, [write(tmp_path / "population.csv", pop)]).files)
    assert (f.loaded, f.rejected) == (3, 1)
    assert rows(wh, "SELECT region_code, population, source FROM population ORDER BY 1") == [
        ("310000", 24_894_300.0, "Shanghai 2021 bulletin"),
        ("310115", 5_800_000.0, "file population.csv"),
        ("CN", 1_412_600_000.0, "NBS"),
    ]
    conc1 = "ipc_prefix,category\nH01 M,new energy\nG06F,IT\n"
    ingest(wh, [write(tmp_path / "a" / "sei_concordance.csv", conc1)])
    conc2 = "ipc_prefix,category\nA61K,biomedicine\n"
    ingest(wh, [write(tmp_path / "b" / "sei_concordance.csv", conc2)])
    # the lookup table is replaced as a whole, not merged
    assert rows(wh, "SELECT ipc_prefix, category FROM sei_concordance") == [("A61K", "biomedicine")]
    pledges = 'patent_id,registration_date,amount_cny\nA,2020-01-01,"10,000,000"\nA,2020-02-01,-5\n'
    f = one(ingest(wh, [write(tmp_path / "pledges.csv", pledges)]).files)
    assert (f.loaded, f.rejected) == (1, 1)
    assert rows(wh, "SELECT amount_cny FROM pledges") == [(10_000_000.0,)]


def test_country_names_map_to_iso_codes(wh: Warehouse, tmp_path: Path) -> None:
    text = "patent_id,role,sequence,country\nA,owner,1,中国\nA,owner,2,Japan\nA,owner,3,kr\nA,owner,4,Atlantis\n"
    f = one(ingest(wh, [write(tmp_path / "parties.csv", text)]).files)
    assert (f.loaded, f.rejected) == (3, 1)
    assert rows(wh, "SELECT sequence, country FROM parties ORDER BY 1") == [
        (1, "CN"),
        (2, "JP"),
        (3, "KR"),
    ]
    assert rows(wh, "SELECT reason FROM rejects")[0][0].startswith("malformed country 'Atlantis'")


ATTRIBUTION_CASES = [
    (code, address, country)
    for code in (None, "310112", "810000")
    for address in (None, "上海市浦东新区张江路1号", "韩国京畿道水原市", "香港九龙", "Tokyo, Japan")
    for country in (None, "CN", "US", "KR", "HK")
]


def test_sql_attribution_agrees_with_geo_attribute(wh: Warehouse, tmp_path: Path) -> None:
    """The warehouse attributes regions set-wise in SQL; geo.resolve.attribute is the reference
    definition of the precedence rules. They must agree on every combination."""
    from ipcity.geo.resolve import attribute

    lines = ["patent_id,role,sequence,address,country,region_code"]
    for i, (code, address, country) in enumerate(ATTRIBUTION_CASES, start=1):
        lines.append(f'A,owner,{i},"{address or ""}",{country or ""},{code or ""}')
    ingest(wh, [write(tmp_path / "parties.csv", "\n".join(lines) + "\n")])
    got = dict(
        (seq, (rc, c))
        for seq, rc, c in rows(wh, "SELECT sequence, region_code, country FROM parties")
    )
    for i, (code, address, country) in enumerate(ATTRIBUTION_CASES, start=1):
        ref = attribute(code, address, country)
        assert got[i] == (ref.region_code, ref.country), (code, address, country)


def _unique_keys(wh: Warehouse) -> None:
    assert rows(wh, "SELECT count(*) = count(DISTINCT patent_id) FROM patents") == [(True,)]
    assert rows(
        wh, "SELECT count(*) = count(DISTINCT (patent_id, role, sequence)) FROM parties"
    ) == [(True,)]


def test_party_sets_are_replaced_not_duplicated(wh: Warehouse, tmp_path: Path) -> None:
    ingest(wh, [write(tmp_path / "a" / "patents_x.csv", WIDE)])
    ingest(wh, [write(tmp_path / "b" / "patents_other.csv", WIDE.replace("芯片", "芯片(更正)"))])
    # the second file lists CN...0001.X with one applicant only: the second one must go
    shorter = WIDE.replace("上海甲公司;韩国乙株式会社", "上海甲公司").replace("张三;李四", "张三")
    ingest(wh, [write(tmp_path / "c" / "patents_y.csv", shorter)])
    _unique_keys(wh)
    assert rows(
        wh,
        "SELECT role, count(*) FROM parties WHERE patent_id = 'CN202310000001.X' GROUP BY 1 ORDER BY 1",
    ) == [("applicant", 1), ("inventor", 1)]


class _FakeXml(Reader):
    """A reader like the XML ones: empty fields mean 'not stated'."""

    primary_table = "patents"
    format = "fake-xml"
    complete_party_roles = frozenset({"applicant"})
    nulls_mean_unknown = True

    def __init__(self, path: Path, grant: str | None) -> None:
        super().__init__(path)
        self.grant = grant

    def batches(self):  # type: ignore[no-untyped-def]
        self.report.records = 1
        yield (
            "patents",
            string_batch(
                {
                    "patent_id": ["CN1"],
                    "office": ["CN"],
                    "patent_type": ["invention"],
                    "application_date": ["2014-08-19"],
                    "grant_date": [self.grant],
                    "title": [None],
                },
                [1],
            ),
        )
        yield (
            "parties",
            string_batch(
                {
                    "patent_id": ["CN1"],
                    "role": ["applicant"],
                    "sequence": ["1"],
                    "name": ["甲"],
                    "address": [None],
                },
                [1],
            ),
        )


def test_document_sources_do_not_erase_what_they_do_not_state(
    wh: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A grant document, then the earlier application publication: the grant date stays."""
    grant = write(tmp_path / "grant.xml", "<grant/>")
    pub = write(tmp_path / "application.xml", "<application/>")
    readers = {grant: _FakeXml(grant, "2016-05-04"), pub: _FakeXml(pub, None)}
    monkeypatch.setattr(ingest_mod, "reader_for", lambda p: readers[p])
    ingest(wh, [grant])
    f = one(ingest(wh, [pub]).files)
    assert (f.updated, f.unchanged) == (0, 1)
    assert rows(wh, "SELECT grant_date FROM patents") == [(dt.date(2016, 5, 4),)]
    _unique_keys(wh)
