"""Property-based tests: whatever a table file holds, the ingest accounts for every record,
raises nothing but one-line InputErrors, and never changes data it did not load."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipcity.errors import InputError
from ipcity.warehouse.ingest import ingest
from ipcity.warehouse.store import Warehouse

COLUMNS = ["patent_id", "office", "patent_type", "application_date", "grant_date", "lapse_date"]

cell = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "CN1",
            "CN2",
            "WO1",
            "CN",
            "WO",
            "US",
            "invention",
            "发明",
            "design",
            "2020-01-01",
            "2020-02-30",
            "2021/12/31",
            "20221231",
            "x",
            "",
            " ",
            "1",
        ]
    ),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)
row = st.lists(cell, min_size=0, max_size=8)


def to_csv(rows: list[list[str | None]], header: list[str]) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return out.getvalue()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(row, max_size=25), encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_every_record_is_accounted_for(rows: list[list[str | None]], encoding: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        wh = Warehouse(Path(d) / "wh")
        base = Path(d) / "base" / "patents.csv"
        base.parent.mkdir()
        base.write_text(to_csv([["KEEP", "CN", "design", "2019-01-01", "", ""]], COLUMNS))
        ingest(wh, [base])
        kept = wh.con.execute("SELECT * FROM patents WHERE patent_id = 'KEEP'").fetchall()
        p = Path(d) / "in" / "patents.csv"
        p.parent.mkdir()
        try:
            p.write_bytes(to_csv(rows, COLUMNS).encode(encoding))
        except UnicodeEncodeError:
            return  # text GB18030 cannot hold is not a GB18030 file
        (f,) = ingest(wh, [p]).files
        if f.status == "loaded":
            assert f.read == f.loaded + f.rejected + f.skipped
            stored = wh.con.execute(
                "SELECT count(*) FROM rejects WHERE run_id = ? AND \"table\" = 'patents'",
                [f.run_id],
            ).fetchall()[0][0]
            assert stored == f.rejected + f.skipped
        else:
            assert f.message and "\n" not in f.message
        # KEEP is only touched if the file itself carried KEEP
        if not any(r and r[0] == "KEEP" for r in rows):
            assert (
                wh.con.execute("SELECT * FROM patents WHERE patent_id = 'KEEP'").fetchall() == kept
            )
        wh.close()


@settings(max_examples=20, deadline=None)
@given(
    data=st.binary(max_size=300),
    name=st.sampled_from(["patents.csv", "parties.csv", "patents.xlsx", "x.xml"]),
)
def test_junk_bytes_never_raise_anything_but_one_line(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        wh = Warehouse(Path(d) / "wh")
        p = Path(d) / name
        p.write_bytes(data)
        try:
            (f,) = ingest(wh, [p]).files
        except InputError as exc:
            assert "\n" not in str(exc)
            return
        finally:
            wh.close()
        if f.status == "failed":
            assert f.message and "\n" not in f.message
        else:
            assert f.read == f.loaded + f.rejected + f.skipped
