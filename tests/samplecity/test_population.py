"""Population rows: real figures where published, labelled interpolations elsewhere."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ipcity.samplecity.geography import CENSUS_2020_TOTAL, CITY_CODE, DISTRICTS
from ipcity.samplecity.population import population_table

REAL_CODES = {
    "310101", "310104", "310105", "310106", "310107", "310109", "310110", "310112",
    "310113", "310114", "310115", "310116", "310117", "310118", "310120", "310151",
}  # fmt: skip


def test_sixteen_districts_with_their_real_codes() -> None:
    assert {d.code for d in DISTRICTS} == REAL_CODES
    assert {d.code: d.name for d in DISTRICTS}["310115"] == "浦东新区"


def test_district_census_figures_add_up_to_the_city_census() -> None:
    # 7th census, 1 Nov 2020: the 16 districts sum to the city's 24,870,895 exactly
    assert sum(d.census_2020 for d in DISTRICTS) == CENSUS_2020_TOTAL == 24_870_895


def test_rows_for_city_and_districts_every_year() -> None:
    t = population_table(2014, 2023).to_pylist()
    assert len(t) == 10 * 17
    by_key = {(r["region_code"], r["year"]): r for r in t}
    assert by_key[(CITY_CODE, 2021)]["population"] == 24_894_300
    assert by_key[(CITY_CODE, 2022)]["population"] == 24_758_900
    assert by_key[(CITY_CODE, 2020)]["population"] == 24_870_895
    assert by_key[("310115", 2020)]["population"] == 5_681_512
    # synthetic district figure: 2021 total x Pudong's census share
    # 24,894,300 x 5,681,512 / 24,870,895 = 5,686,858.6 -> 5,686,859
    assert by_key[("310115", 2021)]["population"] == 5_686_859
    for r in t:
        assert r["source"].startswith(("real:", "synthetic:")), r
    assert by_key[(CITY_CODE, 2021)]["source"].startswith("real:")
    assert by_key[(CITY_CODE, 2020)]["source"].endswith("(not year end)")
    assert by_key[("310115", 2021)]["source"].startswith("synthetic:")
    assert by_key[(CITY_CODE, 2019)]["source"].startswith("synthetic:")


def test_generated_population_file(small_city_dir: Path) -> None:
    t = pq.read_table(small_city_dir / "population.parquet")
    assert t.num_rows == 170


@pytest.mark.shared
def test_real_figures_match_the_reference_file(shared_data: Path) -> None:
    with (shared_data / "reference" / "published-indicators.csv").open(encoding="utf-8") as f:
        published = {
            (r["region_code"], int(r["year"])): float(r["value"])
            for r in csv.DictReader(f)
            if r["indicator"] == "population"
        }
    rows = {(r["region_code"], r["year"]): r for r in population_table(2014, 2023).to_pylist()}
    assert published  # 2020, 2021, 2022
    for key, value in published.items():
        assert rows[key]["population"] == value
        assert rows[key]["source"].startswith("real:")
