"""The Python API: validation, registry, configuration, metadata, JSON shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ipcity.errors import InputError, IpcityError
from ipcity.indicators import COUNTINGS, DIMENSIONS, INDICATORS, DefinitionConfig, compute
from ipcity.indicators.config import default_sei_concordance
from ipcity.warehouse.store import Warehouse
from tests.support.indicator_helpers import build_warehouse, patent

IDS = [
    "patents_granted",
    "invention_patents_granted",
    "utility_models_granted",
    "designs_granted",
    "patent_applications",
    "pct_applications",
    "pct_applications_growth_pct",
    "invention_patents_in_force",
    "invention_patents_in_force_per_10k",
    "high_value_invention_patents",
    "high_value_invention_patents_per_10k",
    "high_value_invention_patents_per_10k_change",
]


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    return build_warehouse(
        tmp_path,
        patents=[
            patent("A", "2018-03-01", "2020-05-01"),
            patent("B", "2016-07-01", office="WO", patent_type=None),
        ],
        parties=[("A", "applicant", 1, "CN", "310104")],
    )


def test_registry_lists_every_indicator_with_its_metadata() -> None:
    assert list(INDICATORS) == IDS
    for ind_id, d in INDICATORS.items():
        assert d.id == ind_id
        assert d.name_zh and d.name_en and d.unit and d.description and d.source
        assert d.kind in ("flow", "stock", "ratio")
    assert (
        INDICATORS["high_value_invention_patents_per_10k"].name_zh == "每万人口高价值发明专利拥有量"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"indicators": ["patents"]}, "unknown indicator 'patents' (valid: patents_granted, "),
        ({"by": ["city"]}, "unknown breakdown 'city' (valid: patent_type, region_code, "),
        ({"counting": "all"}, "unknown counting 'all' (valid: first, whole, fractional)"),
        ({"engine": "polars"}, "unknown engine 'polars' (valid: duckdb, spark)"),
        ({"region": "Shanghai"}, "invalid region 'Shanghai' (valid: ALL, a two-letter"),
        ({"population_lag": 2}, "invalid population_lag '2' (valid: 0, 1)"),
        ({"years": []}, "years must be a non-empty list"),
        ({"by": ["region_code", "region_code"]}, "breakdown lists a dimension twice"),
        (
            {"by": ["inventor_country", "region_code"]},
            "inventor_country cannot be combined with region_code or applicant_country",
        ),
    ],
)
def test_bad_options_are_one_line_errors(
    wh: Warehouse, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(IpcityError) as err:
        compute(wh, **kwargs)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_every_id_and_dimension_is_accepted(wh: Warehouse) -> None:
    r = compute(wh, IDS, years=[2020], by=list(DIMENSIONS[:2]))
    assert set(r.table.column("indicator").to_pylist()) <= set(IDS)
    assert COUNTINGS == ("first", "whole", "fractional")


def test_table_columns_and_json_shape(wh: Warehouse) -> None:
    r = compute(wh, ["patents_granted"], years=[2020], by=["patent_type", "region_code"])
    assert r.table.column_names == [
        "indicator",
        "year",
        "region",
        "value",
        "patent_type",
        "region_code",
        "note",
    ]
    doc = r.to_json_dict()
    json.dumps(doc)  # serialisable as is
    assert doc["rows"] == [
        {
            "indicator": "patents_granted",
            "year": 2020,
            "region": "ALL",
            "value": 1.0,
            "patent_type": "invention",
            "region_code": "310104",
            "note": None,
        }
    ]
    meta = doc["meta"]
    for key in (
        "definition_version",
        "definition",
        "counting",
        "population_lag",
        "vintage",
        "population_sources",
        "engine",
        "warnings",
    ):
        assert key in meta
    assert meta["definition"]["criteria"] == {
        "sei": True,
        "family": True,
        "maintained": True,
        "pledge": True,
        "award": True,
    }
    assert meta["definition"]["pledge_threshold_cny"] == 10_000_000


def test_years_default_to_the_span_of_the_data(wh: Warehouse) -> None:
    r = compute(wh, ["patent_applications", "pct_applications"])
    # applications 2016 (B, WO) and 2018 (A), grant 2020: every year 2016-2020
    assert r.meta["years"] == [2016, 2017, 2018, 2019, 2020]
    got = {(x["indicator"], x["year"]): x["value"] for x in r.table.to_pylist()}
    assert got[("pct_applications", 2016)] == 1
    assert got[("patent_applications", 2018)] == 1
    assert got[("patent_applications", 2017)] == 0


def test_vintage_names_the_latest_ingest_run(wh: Warehouse) -> None:
    wh.con.execute(
        """INSERT INTO ingest_runs (run_id, path, sha256, status, finished_at)
           VALUES (7, 'patents.csv', 'abc', 'loaded', TIMESTAMP '2024-03-01 10:00:00')"""
    )
    r = compute(wh, ["patents_granted"], years=[2020])
    assert r.meta["vintage"] == {"latest_run": 7, "latest_run_at": "2024-03-01T10:00:00", "runs": 1}
    assert r.meta["engine"] == "duckdb"


def test_empty_warehouse(tmp_path: Path) -> None:
    r = compute(Warehouse(tmp_path), ["patents_granted"])
    assert r.table.num_rows == 0
    assert "no patents" in r.meta["warnings"][0]
    r = compute(Warehouse(tmp_path / "x"), ["patents_granted"], years=[2020])
    assert r.table.to_pylist()[0]["value"] == 0


def test_read_only_warehouse(tmp_path: Path) -> None:
    build_warehouse(tmp_path, patents=[patent("A", "2018-03-01", "2020-05-01")]).close()
    with Warehouse(tmp_path, read_only=True) as ro:
        r = compute(ro, ["patents_granted"], years=[2020])
    assert r.table.column("value").to_pylist() == [1.0]


def test_definition_config(tmp_path: Path) -> None:
    cfg = DefinitionConfig.default()
    assert cfg.version == "2" and cfg.label == "2"
    assert cfg.pledge_threshold_cny == 10_000_000 and cfg.maintained_years == 10
    assert cfg.with_changes(award=False).label == "2+custom"
    assert DefinitionConfig.shipped("1").label == "1"
    assert DefinitionConfig.shipped(1).with_changes(award=False).label == "1+custom"
    with pytest.raises(InputError, match=r"unknown definition version '3' \(valid: 1, 2\)"):
        DefinitionConfig.shipped("3")
    with pytest.raises(InputError, match="every high-value criterion is switched off"):
        cfg.with_changes(sei=False, family=False, maintained=False, pledge=False, award=False)
    with pytest.raises(InputError, match="pledge_threshold_cny must be 0 or more"):
        cfg.with_changes(pledge_threshold_cny=-1)
    path = tmp_path / "def.toml"
    path.write_text(
        'version = "city-2"\n[high_value]\nsei = false\npledge_threshold_cny = 5000000\n'
    )
    own = DefinitionConfig.from_toml(path)
    assert own.label == "city-2" and not own.sei and own.pledge_threshold_cny == 5_000_000
    # keys not given keep the current version's values
    assert own.office == "CN" and own.statutory_term and own.award_list == "national"
    path.write_text('version = "x"\n[high_value]\nseis = false\n')
    with pytest.raises(InputError, match=r"unknown: high_value\.seis"):
        DefinitionConfig.from_toml(path)


def test_shipped_concordance_is_normalised() -> None:
    rows = default_sei_concordance()
    assert len(rows) == 20
    for prefix, category in rows:
        assert prefix == "".join(prefix.split()).upper() and "*" not in prefix
        assert category == "1.6 人工智能"
