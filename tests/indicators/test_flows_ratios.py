"""Flows (by the year of the date named), PCT growth, per 10,000 residents and its change."""

from __future__ import annotations

from pathlib import Path

from ipcity.indicators import compute
from ipcity.warehouse.store import Warehouse
from tests.support.indicator_helpers import build_warehouse, patent, values

SH = "310000"


def _flows_warehouse(path: Path) -> Warehouse:
    pats = [
        patent("I1", "2019-05-01", "2020-12-31"),  # invention granted on 31 Dec 2020
        patent("I2", "2019-12-31", "2021-01-01"),  # filed 2019, granted 1 Jan 2021
        patent("U1", "2020-01-01", "2020-06-01", patent_type="utility_model"),
        patent("D1", "2020-02-01", "2020-07-01", patent_type="design"),
        patent("E1", "2020-03-01", "2020-09-01", office="US"),  # a USPTO grant: not CN
        patent("W1", "2020-01-15", office="WO", patent_type=None),  # PCT, filed 2020
        patent("W2", "2020-11-30", office="WO", patent_type=None),
        patent("W3", "2021-01-01", office="WO", patent_type=None),  # PCT 2021 (x3)
        patent("W4", "2021-06-01", office="WO", patent_type=None),
        patent("W5", "2021-12-31", office="WO", patent_type=None),
    ]
    parties = [(p[0], "applicant", 1, "CN", "310101") for p in pats]
    return build_warehouse(path, patents=pats, parties=parties)


def test_flows_by_year_of_the_date(tmp_path: Path, engine: str) -> None:
    wh = _flows_warehouse(tmp_path)
    ids = [
        "patents_granted",
        "invention_patents_granted",
        "utility_models_granted",
        "designs_granted",
        "patent_applications",
        "pct_applications",
    ]
    r = compute(wh, ids, years=[2019, 2020, 2021, 2022], region=SH, engine=engine)
    # grants 2020: I1 (31 Dec), U1, D1 = 3 (E1 is USPTO); 2021: I2 (1 Jan). WO is no grant.
    assert values(r, "patents_granted") == {2019: 0, 2020: 3, 2021: 1, 2022: 0}
    assert values(r, "invention_patents_granted") == {2019: 0, 2020: 1, 2021: 1, 2022: 0}
    assert values(r, "utility_models_granted") == {2019: 0, 2020: 1, 2021: 0, 2022: 0}
    assert values(r, "designs_granted") == {2019: 0, 2020: 1, 2021: 0, 2022: 0}
    # applications (office CN): 2019 I1, I2 (31 Dec 2019); 2020 U1, D1
    assert values(r, "patent_applications") == {2019: 2, 2020: 2, 2021: 0, 2022: 0}
    # PCT by international filing year: 2020 W1, W2; 2021 W3 (1 Jan), W4, W5 (31 Dec)
    assert values(r, "pct_applications") == {2019: 0, 2020: 2, 2021: 3, 2022: 0}


def test_pct_growth(tmp_path: Path, engine: str) -> None:
    wh = _flows_warehouse(tmp_path)
    r = compute(wh, ["pct_applications_growth_pct"], years=[2020, 2021, 2022], engine=engine)
    rows = {row["year"]: row for row in r.table.to_pylist()}
    # 2020: last year (2019) had 0 -> null with a note, not infinity
    assert rows[2020]["value"] is None
    assert rows[2020]["note"] == "no PCT applications in 2019: growth undefined"
    # 2021: (3 - 2) / 2 x 100 = 50; 2022: (0 - 3) / 3 x 100 = -100
    assert rows[2021]["value"] == (3 - 2) / 2 * 100 == 50.0
    assert rows[2022]["value"] == -100.0
    assert rows[2021]["note"] is None
    assert any("PCT growth" in w for w in r.meta["warnings"])


HV_2021 = 85_000  # high-value invention patents in force at the end of 2021
HV_2022 = 101_800  # ... at the end of 2022 (Shanghai's published figure)
POP = {
    2020: (24_870_895, "7th national census (1 Nov 2020)"),
    2021: (24_894_300, "Shanghai 2021 statistical bulletin (year end)"),
    2022: (24_758_900, "Shanghai statistics bureau sample survey (year end)"),
}


def _shanghai(path: Path) -> Warehouse:
    """101,800 high-value patents (overseas family US) owned in Huangpu: 85,000 granted in
    2021, 16,800 in 2022; plus 50 inventions in force without any criterion."""
    wh = build_warehouse(
        path,
        population=[("310000", y, float(p), s) for y, (p, s) in POP.items()],
        patents=[patent("N1", "2019-01-01", "2021-05-01")],
    )
    wh.con.execute(
        """INSERT INTO patents (patent_id, office, patent_type, application_date, grant_date,
                                family_countries)
           SELECT 'H' || i, 'CN', 'invention', DATE '2015-01-05',
                  CASE WHEN i < ? THEN DATE '2021-03-01' ELSE DATE '2022-03-01' END, 'CN;US'
           FROM range(?) t(i)
           UNION ALL
           SELECT 'L' || i, 'CN', 'invention', DATE '2019-01-05', DATE '2020-03-01', 'CN'
           FROM range(50) t(i)""",
        [HV_2021, HV_2022],
    )
    wh.con.execute(
        """INSERT INTO parties (patent_id, role, sequence, country, region_code)
           SELECT patent_id, 'owner', 1, 'CN', '310104' FROM patents"""
    )
    return wh


def test_per_10k_with_lag_reproduces_shanghai_2022(tmp_path: Path, engine: str) -> None:
    wh = _shanghai(tmp_path)
    ids = [
        "high_value_invention_patents",
        "high_value_invention_patents_per_10k",
        "high_value_invention_patents_per_10k_change",
        "invention_patents_in_force",
        "invention_patents_in_force_per_10k",
    ]
    lag1 = compute(wh, ids, years=[2021, 2022], region=SH, population_lag=1, engine=engine)
    assert values(lag1, "high_value_invention_patents") == {2021: HV_2021, 2022: HV_2022}
    per10k = values(lag1, "high_value_invention_patents_per_10k")
    # 101,800 / 24,894,300 (end-2021 population) x 10,000 = 40.8928...: the published 40.9
    assert per10k[2022] == 101_800 / 24_894_300 * 10_000
    assert round(per10k[2022] or 0, 2) == 40.89
    # 2021: 85,000 / 24,870,895 (census 2020) x 10,000 = 34.1765... (published 34.2)
    assert per10k[2021] == 85_000 / 24_870_895 * 10_000
    change = values(lag1, "high_value_invention_patents_per_10k_change")
    # 40.8928... - 34.1765... = 6.7163... (published +6.7)
    assert change[2022] == per10k[2022] - per10k[2021]
    assert round(change[2022] or 0, 1) == 6.7
    # in force: 101,800 + 50 + N1 = 101,851 at end 2022
    assert values(lag1, "invention_patents_in_force")[2022] == 101_851
    assert values(lag1, "invention_patents_in_force_per_10k")[2022] == (
        101_851 / 24_894_300 * 10_000
    )
    assert lag1.meta["population_lag"] == {"310000": 1}
    # lag 1 for 2021 and 2022 divides by the 2020 and 2021 populations
    assert lag1.meta["population_sources"] == sorted([POP[2020][1], POP[2021][1]])

    # no lag given: Shanghai's configured lag (1), the same figures
    configured = compute(wh, ids[:2], years=[2022], region=SH, engine=engine)
    assert configured.meta["population_lag"] == {"310000": 1}
    assert values(configured, "high_value_invention_patents_per_10k")[2022] == per10k[2022]
    lag0 = compute(wh, ids[:2], years=[2022], region=SH, population_lag=0, engine=engine)
    # with the end-2022 population: 101,800 / 24,758,900 x 10,000 = 41.1165...
    got = values(lag0, "high_value_invention_patents_per_10k")[2022]
    assert got == 101_800 / 24_758_900 * 10_000
    assert round(got or 0, 2) == 41.12


def test_missing_population_gives_a_note_not_a_number(tmp_path: Path, engine: str) -> None:
    wh = _shanghai(tmp_path)
    r = compute(
        wh,
        ["high_value_invention_patents_per_10k", "high_value_invention_patents_per_10k_change"],
        years=[2022, 2023],
        region=SH,
        population_lag=0,
        engine=engine,
    )
    rows = {(row["indicator"], row["year"]): row for row in r.table.to_pylist()}
    missing = rows[("high_value_invention_patents_per_10k", 2023)]
    assert missing["value"] is None
    assert missing["note"] == "no population for 310000 in 2023"
    # the change needs both years: empty, with the reason
    change = rows[("high_value_invention_patents_per_10k_change", 2023)]
    assert change["value"] is None and change["note"] == "no population for 310000 in 2023"
    assert rows[("high_value_invention_patents_per_10k", 2022)]["value"] == (
        101_800 / 24_758_900 * 10_000
    )
    assert {"region": "310000", "year": 2023} in r.meta["missing_population"]
    assert any("population missing for 310000 2023" in w for w in r.meta["warnings"])


def test_per_10k_by_district_uses_district_population(tmp_path: Path, engine: str) -> None:
    pats = [patent("A", "2016-01-01", "2018-01-01", family_countries="CN;JP")]
    pats += [patent("B", "2016-01-01", "2018-01-01")]
    wh = build_warehouse(
        tmp_path,
        patents=pats,
        parties=[("A", "owner", 1, "CN", "310104"), ("B", "owner", 1, "CN", "310101")],
        population=[("310104", 2018, 500_000.0, "district yearbook")],
    )
    r = compute(
        wh, ["invention_patents_in_force_per_10k"], years=[2018], by=["region_code"], engine=engine
    )
    rows = {row["region_code"]: row for row in r.table.to_pylist()}
    assert rows["310104"]["value"] == 1 / 500_000 * 10_000  # 0.02
    assert rows["310101"]["value"] is None
    assert rows["310101"]["note"] == "no population for 310101 in 2018"
    all_regions = compute(wh, ["invention_patents_in_force_per_10k"], years=[2018], engine=engine)
    only = all_regions.table.to_pylist()[0]
    assert only["value"] is None and "needs a region" in only["note"]
