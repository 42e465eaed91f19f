"""The demo's data ends on the demo's day (``ipcity.demo.horizon``): no grant, application or
other dated record from after the one app clock, on hand-made files (each rule, the day
itself included) and on the demo's own warehouse built small."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ipcity.demo.command import DEMO_TODAY
from ipcity.demo.horizon import cut_at
from ipcity.demo.warehouse import DEMO_MARKER, build_demo_warehouse
from ipcity.evaluation.asof import last_complete_year, year_coverage
from ipcity.warehouse.store import Warehouse

DAY = date(2023, 11, 15)
NEXT = DAY + timedelta(days=1)


def _write_parquet(path: Path, rows: dict[str, list[object]]) -> None:
    pq.write_table(pa.table(rows), path)


def _read(path: Path) -> list[dict[str, object]]:
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def files(tmp_path: Path) -> Path:
    d = tmp_path / "city"
    d.mkdir()
    _write_parquet(
        d / "patents_0001.parquet",
        {
            "patent_id": ["ON_DAY", "GRANTED_LATER", "FILED_LATER", "LAPSED_LATER", "PENDING"],
            "office": ["CN"] * 5,
            "application_date": [date(2021, 1, 5), date(2022, 1, 5), NEXT, DAY, DAY],
            "grant_date": [DAY, NEXT, None, date(2022, 5, 3), None],
            "lapse_date": [None, None, None, NEXT, None],
        },
    )
    _write_parquet(
        d / "parties_0001.parquet",
        {
            "patent_id": ["ON_DAY", "FILED_LATER", "GRANTED_LATER"],
            "role": ["applicant"] * 3,
            "sequence": [1, 1, 1],
        },
    )
    _write_parquet(
        d / "pledges.parquet",
        {
            "patent_id": ["ON_DAY", "ON_DAY"],
            "registration_date": [DAY, NEXT],
            "amount_cny": [1.0, 2.0],
        },
    )
    _write_parquet(
        d / "awards.parquet",
        {
            "patent_id": ["ON_DAY", "GRANTED_LATER", "ON_DAY"],
            "award": ["gold", "silver", "gold"],
            "year": [2023, 2023, 2024],
        },
    )
    _write_parquet(
        d / "population.parquet",
        {"region_code": ["310000"] * 2, "year": [2022, 2023], "population": [1.0, 2.0]},
    )
    untouched = d / "sei_concordance.parquet"
    _write_parquet(untouched, {"ipc_prefix": ["A01"], "category": ["x"]})
    # the world sample writes CSV: kept as text
    w = tmp_path / "world"
    w.mkdir()
    (w / "patents.csv").write_text(
        "patent_id,office,application_date\nWO1,WO,2023-11-15\nWO2,WO,2023-11-16\n",
        encoding="utf-8",
    )
    (w / "parties.csv").write_text(
        "patent_id,role,sequence,address,latitude\n"
        'WO1,inventor,1,"Paris, FR",48.85\nWO2,inventor,1,Berlin,52.52\n',
        encoding="utf-8",
    )
    return tmp_path


def test_each_rule_keeps_the_day_itself_and_drops_what_came_after(files: Path) -> None:
    city, world = files / "city", files / "world"
    untouched = (city / "sei_concordance.parquet").stat().st_mtime_ns
    summary = cut_at([city, world], DAY)
    patents = {r["patent_id"]: r for r in _read(city / "patents_0001.parquet")}
    assert sorted(patents) == ["GRANTED_LATER", "LAPSED_LATER", "ON_DAY", "PENDING"]
    assert patents["ON_DAY"]["grant_date"] == DAY  # granted on the day: known that day
    assert patents["GRANTED_LATER"]["grant_date"] is None  # pending on the day
    assert patents["LAPSED_LATER"]["lapse_date"] is None  # still in force on the day
    assert patents["LAPSED_LATER"]["grant_date"] == date(2022, 5, 3)
    parties = [r["patent_id"] for r in _read(city / "parties_0001.parquet")]
    assert parties == ["ON_DAY", "GRANTED_LATER"]
    assert [r["registration_date"] for r in _read(city / "pledges.parquet")] == [DAY]
    assert [(r["patent_id"], r["year"]) for r in _read(city / "awards.parquet")] == [
        ("ON_DAY", 2023)
    ]
    # a year-end population is known once the year is over
    assert [r["year"] for r in _read(city / "population.parquet")] == [2022]
    assert (city / "sei_concordance.parquet").stat().st_mtime_ns == untouched
    assert [r["patent_id"] for r in _read(world / "patents.csv")] == ["WO1"]
    # CSV text is kept as written (quoted address, coordinates)
    assert _read(world / "parties.csv") == [
        {
            "patent_id": "WO1",
            "role": "inventor",
            "sequence": "1",
            "address": "Paris, FR",
            "latitude": "48.85",
        }
    ]
    # one patent applied for later in each directory; a grant and a lapse cleared
    assert summary.dropped["patents"] == 2 and summary.cleared["patents"] == 2
    assert not list(city.glob("*.cut")) and not list(world.glob("*.cut"))


def test_a_second_cut_changes_nothing(files: Path) -> None:
    cut_at([files / "city", files / "world"], DAY)
    again = cut_at([files / "city", files / "world"], DAY)
    assert again.rewritten == [] and again.dropped == {}


@pytest.mark.slow
def test_the_demo_warehouse_ends_on_the_demo_day(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "demo") as wh:
        assert build_demo_warehouse(wh, scale=0.005, seed=7, rebuild=False, until=DEMO_TODAY)
        con = wh.con
        last = con.execute(
            "SELECT max(application_date), max(grant_date), max(lapse_date) FROM patents"
        ).fetchone()
        assert last is not None
        assert all(d is not None and d <= DEMO_TODAY for d in last), last
        # the data reaches the day: the last weekly grant (a Tuesday) of the week before it
        assert DEMO_TODAY - last[1] < timedelta(days=7)
        (pledged,) = con.execute("SELECT max(registration_date) FROM pledges").fetchone() or (None,)
        assert pledged is None or pledged <= DEMO_TODAY
        (awarded,) = con.execute("SELECT max(year) FROM awards").fetchone() or (None,)
        assert awarded is None or awarded <= DEMO_TODAY.year
        (orphans,) = con.execute(
            "SELECT count(*) FROM parties WHERE patent_id NOT IN (SELECT patent_id FROM patents)"
        ).fetchone() or (1,)
        assert orphans == 0
        (population,) = con.execute("SELECT max(year) FROM population").fetchone() or (None,)
        assert population == DEMO_TODAY.year - 1
        # so the running year is partial on the demo's day, and 2022 the last complete one
        assert not year_coverage(wh)[DEMO_TODAY.year].complete
        assert last_complete_year(wh, DEMO_TODAY) == DEMO_TODAY.year - 1
        marker = (wh.directory / DEMO_MARKER).read_text()
        assert DEMO_TODAY.isoformat() in marker
        # the same demo again: reused, not rebuilt
        assert not build_demo_warehouse(wh, scale=0.005, seed=7, rebuild=False, until=DEMO_TODAY)
