"""The self-check SQL follows the published definitions (hand-made records), and the generated
city lands within the documented tolerances of the published Shanghai figures."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ipcity.samplecity import generate
from ipcity.samplecity.selfcheck import (
    PER_10K_TARGETS,
    TARGETS,
    Comparison,
    calibration_figures,
    compare,
)

SH = "上海市浦东新区张江路1号"
BJ = "北京市海淀区学院路1号"


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


@pytest.fixture
def hand_made(tmp_path: Path) -> Path:
    inv, um = "invention", "utility_model"
    patents = [
        # id, office, type, applied, granted, lapsed, ipc, family
        ["P1", "CN", inv, "2010-01-01", "2014-06-03", "", "A47J27/00", ""],  # old
        ["P2", "CN", inv, "2015-03-01", "2018-03-06", "2022-12-31", "G06F16/27", ""],  # lapsed
        ["P3", "CN", inv, "2013-01-01", "2022-12-31", "", "A47G19/00;G06F16/27", ""],  # SEI
        ["P4", "CN", inv, "2016-01-01", "2019-01-01", "", "A47J27/00", "CN;WO"],  # pledges
        ["P5", "CN", inv, "2016-01-01", "2019-01-01", "", "A47J27/00", "CN;US"],  # family
        ["P6", "CN", inv, "2016-01-01", "2019-01-01", "", "A47J27/00", ""],  # 2023 pledge+award
        ["P7", "CN", inv, "2016-01-01", "2019-01-01", "", "G06F16/27", ""],  # owner moved out
        ["P8", "CN", inv, "2016-01-01", "2019-01-01", "", "A47J27/00", ""],  # owner moved in
        ["P9", "CN", um, "2022-01-01", "2022-08-02", "", "A47J27/00", ""],  # UM grant
        ["P10", "WO", "", "2022-05-01", "", "", "G06F16/27", ""],  # PCT
        ["P11", "CN", inv, "2012-12-30", "2016-01-05", "", "A47J27/00", ""],  # old by a day
        ["P12", "CN", inv, "2012-12-31", "2016-01-05", "", "A47J27/00", ""],  # old in 2023
        ["P13", "CN", inv, "2016-01-01", "2020-01-07", "", "A47J27/00", ""],  # code only
    ]
    _write(
        tmp_path / "patents.csv",
        [
            "patent_id",
            "office",
            "patent_type",
            "application_date",
            "grant_date",
            "lapse_date",
            "ipc",
            "family_countries",
            "title",
        ],
        [[*r, "t"] for r in patents],
    )
    parties = [[p[0], "applicant", "1", "a", SH, "CN", ""] for p in patents if p[0] != "P13"]
    parties[7][4] = BJ  # P8's applicant is in Beijing ...
    parties += [
        ["P8", "owner", "1", "b", SH, "CN", ""],  # ... and its owner in Shanghai
        ["P7", "owner", "1", "c", BJ, "CN", ""],  # P7 transferred out of Shanghai
        ["P13", "applicant", "1", "d", "", "", "310115"],  # explicit code, no address
    ]
    _write(
        tmp_path / "parties.csv",
        ["patent_id", "role", "sequence", "name", "address", "country", "region_code"],
        parties,
    )
    _write(
        tmp_path / "pledges.csv",
        ["patent_id", "registration_date", "amount_cny"],
        [
            ["P4", "2021-05-01", "5000000"],
            ["P4", "2022-12-31", "5000000"],  # sums to exactly 10 M by the end of 2022
            ["P6", "2023-01-05", "20000000"],  # after 2022
        ],
    )
    _write(
        tmp_path / "awards.csv", ["patent_id", "award", "year"], [["P6", "上海市专利奖", "2023"]]
    )
    _write(
        tmp_path / "population.csv",
        ["region_code", "year", "population", "source"],
        [["310000", "2021", "10000", "x"], ["310000", "2022", "20000", "x"]],
    )
    return tmp_path


def test_self_check_follows_the_definitions(hand_made: Path) -> None:
    f = calibration_figures(hand_made, range(2022, 2024))
    # in force at end 2022 (Shanghai holder): P1 P3 P4 P5 P6 P8 P11 P12 P13 = 9
    #   not P2 (lapsed on 31 Dec: not in force that day), not P7 (owner in Beijing)
    assert f["invention_patents_in_force"] == {2022: 9, 2023: 9}
    # high value 2022: P1 (filed 2010), P3 (G06F in the 2nd symbol), P4 (5 M + 5 M = 10 M),
    #   P5 (US in the family), P11 (2012-12-30 + 10 y = 2022-12-30 < 2022-12-31) = 5;
    #   not P4's CN;WO family, not P6 (pledge and award in 2023), not P12 (+10 y = 31 Dec)
    # 2023 adds P6 (20 M pledge, 2023 award) and P12 (2022-12-31 < 2023-12-31) = 7
    assert f["high_value_invention_patents"] == {2022: 5, 2023: 7}
    assert f["hv_sei"][2022] == 1 and f["hv_pledged_10m"][2022] == 1
    assert f["hv_awarded"] == {2022: 0, 2023: 1}
    # grants 2022 with a Shanghai first applicant: P3 (invention), P9 (utility model)
    assert f["patents_granted"][2022] == 2 and f["invention_patents_granted"][2022] == 1
    assert f["pct_applications"] == {2022: 1, 2023: 0}
    # per 10k with the previous year-end population: 5 / 10,000 x 10,000 = 5.0; 7 / 20,000 -> 3.5
    assert f["high_value_invention_patents_per_10k"] == {2022: 5.0, 2023: 3.5}


def test_comparison_arithmetic() -> None:
    c = Comparison("x", 2022, value=105.0, expected=100.0, tolerance=0.05)
    assert c.ratio == pytest.approx(1.05) and c.ok
    assert not Comparison("x", 2022, 106.0, 100.0, 0.05).ok
    rows = compare({"patents_granted": {2022: 1783.0}}, 0.01)
    # 178,300 x 0.01 = 1,783
    assert [(r.indicator, r.year, r.expected, r.ok) for r in rows] == [
        ("patents_granted", 2022, 1783.0, True)
    ]


@pytest.mark.slow
def test_sample_city_lands_near_the_published_figures(tmp_path: Path) -> None:
    scale = 0.05  # about 89,000 patents; calibration noise stays within a few percent
    summary = generate(tmp_path / "city", scale=scale)
    figures = calibration_figures(summary.out_dir, range(2018, 2024))
    results = compare(figures, scale)
    assert len(results) == len(TARGETS)
    failed = [
        f"{r.indicator} {r.year}: {r.value:.0f} vs {r.expected:.0f}" for r in results if not r.ok
    ]
    assert not failed
    # per-10k figures: scale the count back up, divide by the real previous year-end population
    for (name, year), (published, tolerance) in PER_10K_TARGETS.items():
        value = figures[name][year] / scale
        assert abs(value / published - 1) <= tolerance, (name, year, value)
    # high value is about half of the stock (published: 50.42 % at end 2022)
    share = (
        figures["high_value_invention_patents"][2022] / figures["invention_patents_in_force"][2022]
    )
    assert 0.45 < share < 0.56


@pytest.mark.shared
def test_targets_are_the_published_figures(shared_data: Path) -> None:
    with (shared_data / "reference" / "published-indicators.csv").open(encoding="utf-8") as f:
        published = {
            (r["indicator"], int(r["year"])): float(r["value"])
            for r in csv.DictReader(f)
            if r["region_code"] == "310000"
        }
    for key, (value, _) in {**TARGETS, **PER_10K_TARGETS}.items():
        assert published[key] == value, key
