"""Invention patents in force and high-value invention patents, pinned patent by patent.

Each patent has one owner in its own district code (3101NN), so a breakdown by region_code
shows each patent's own year-end stock: 1 = counted at 31 December of that year, 0 = not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ipcity.indicators import DefinitionConfig, IndicatorResult, compute
from tests.support.indicator_helpers import build_warehouse, patent

YEARS = list(range(2012, 2024))
IN_FORCE = "invention_patents_in_force"
HV = "high_value_invention_patents"
# Filed 2014-03-01: "maintained > 10 years" only from 2024, after the years computed.
BASE = {"application_date": "2014-03-01", "grant_date": "2014-06-01"}


def _p(num: int, **kw: Any) -> tuple[Any, ...]:
    args = BASE | kw
    return patent(f"P{num:02d}", args.pop("application_date"), args.pop("grant_date"), **args)


PATENTS = [
    # in force: granted <= 31 Dec and (no lapse or lapse > 31 Dec)
    _p(1, grant_date="2015-06-01", lapse_date="2020-12-31"),  # lapses ON 31 Dec 2020
    _p(2, grant_date="2015-06-01", lapse_date="2021-01-01"),  # lapses 1 Jan 2021
    _p(3, grant_date="2020-12-31"),  # granted ON 31 Dec 2020
    _p(4, grant_date="2016-03-01", office="US"),  # version 2: office CN only
    _p(5, grant_date="2015-06-01", patent_type="utility_model"),  # not an invention
    _p(6, grant_date=None),  # not granted
    # maintained > 10 years: application_date + 10 years < 31 Dec
    _p(11, application_date="2012-12-31", grant_date="2014-05-05"),
    _p(12, application_date="2012-12-30", grant_date="2014-05-05"),
    _p(13, application_date="2012-02-29", grant_date="2014-05-05"),
    # pledges (amounts below)
    _p(21),
    _p(22),
    _p(23),
    _p(24),
    # awards (below)
    _p(31),
    _p(32),
    _p(33, lapse_date="2019-05-01"),
    _p(34),
    # strategic emerging industries: shipped concordance (v1 AI prefixes G06N3/04,
    # G06N3/063, ...; v2 the whole table: G06N3/04 in 1.5, G06N* in 1.4, A01B* in 2.1)
    _p(41, ipc="G06N 3/04;A01B1/00"),  # main symbol, with a space
    _p(42, ipc="A01B1/00; G06N3/0635"),  # second symbol; v1: prefix G06N3/063
    _p(43, ipc="A47J27/00"),  # not in the concordance (a cooking vessel)
    _p(44, ipc="g06n 3/ 04"),  # whitespace anywhere, lower case
    # family
    _p(51, family_countries="CN;WO"),
    _p(52, family_countries="CN;US"),
    _p(53, family_countries="WO;CN;EP"),
    _p(54, family_countries=None),
]
PLEDGES = [
    ("P21", "2016-05-01", 10_000_000.0),  # exactly the threshold: counts from 2016
    ("P22", "2016-05-01", 9_999_999.99),  # one cent short: never
    ("P23", "2016-03-01", 6_000_000.0),  # 6m + 4m = 10m on 31 Dec 2017: from 2017
    ("P23", "2017-12-31", 4_000_000.0),
    ("P24", "2016-03-01", 5_000_000.0),  # 5m + 5m, the second on 1 Jan 2018: from 2018
    ("P24", "2018-01-01", 5_000_000.0),
]
AWARDS = [
    ("P31", "China Patent Award gold", 2018),  # award year = reference year counts
    ("P32", "China Patent Award excellence", 2019),  # not yet for 2018
    ("P33", "China Patent Award silver", 2018),  # but the patent lapses in 2019
    ("P34", "National S&T award", 2010),  # before the grant: HV from the grant year
]
OFF_SEI_PLEDGE = {"sei": False, "pledge": False}
OFF_OTHERS = {
    "family": False,
    "maintained": False,
    "award": False,
    "pledge_threshold_cny": 9_999_999.99,
}


def code(num: int) -> str:
    return f"3101{num:02d}"


@pytest.fixture(scope="module", params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def results(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, IndicatorResult]:
    if request.param == "spark":
        request.getfixturevalue("spark_engine")
    parties = [(p[0], "owner", 1, "CN", code(int(p[0][1:]))) for p in PATENTS]
    wh = build_warehouse(
        Path(tmp_path_factory.mktemp("stocks")),
        patents=PATENTS,
        parties=parties,
        pledges=PLEDGES,
        awards=AWARDS,
    )
    default = DefinitionConfig.default()
    run = {
        "default": default,
        "off_sei_pledge": default.with_changes(**OFF_SEI_PLEDGE),
        "off_others": default.with_changes(**OFF_OTHERS),
    }
    out = {
        name: compute(
            wh, [IN_FORCE, HV], years=YEARS, by=["region_code"], engine=request.param, config=cfg
        )
        for name, cfg in run.items()
    }
    wh.close()
    return out


def series(result: IndicatorResult, indicator: str, num: int) -> dict[int, float]:
    """Year-end stock of one patent, 0 for years (or keys) without a row."""
    got = {
        r["year"]: r["value"]
        for r in result.table.to_pylist()
        if r["indicator"] == indicator and r["region_code"] == code(num)
    }
    return {y: got.get(y, 0.0) for y in YEARS}


def years_counted(result: IndicatorResult, indicator: str, num: int) -> list[int]:
    s = series(result, indicator, num)
    assert set(s.values()) <= {0.0, 1.0}
    return [y for y, v in s.items() if v == 1.0]


def span(first: int, last: int = 2023) -> list[int]:
    return list(range(first, last + 1))


def test_lapse_on_31_december_ends_the_year_before(results: dict[str, IndicatorResult]) -> None:
    # granted 2015-06-01, lapsed 2020-12-31: lapse_date > 31 Dec fails for 2020
    assert years_counted(results["default"], IN_FORCE, 1) == span(2015, 2019)


def test_lapse_on_1_january_still_counts_the_year_before(
    results: dict[str, IndicatorResult],
) -> None:
    # lapsed 2021-01-01 > 2020-12-31: in force at the end of 2020, not 2021
    assert years_counted(results["default"], IN_FORCE, 2) == span(2015, 2020)


def test_grant_on_31_december_counts_that_year(results: dict[str, IndicatorResult]) -> None:
    assert years_counted(results["default"], IN_FORCE, 3) == span(2020)


def test_other_offices_utility_models_and_pending_do_not_count(
    results: dict[str, IndicatorResult],
) -> None:
    r = results["default"]
    assert years_counted(r, IN_FORCE, 4) == []  # a USPTO grant is not a CN statistic
    assert years_counted(r, IN_FORCE, 5) == []  # utility model
    assert years_counted(r, IN_FORCE, 6) == []  # never granted


def test_no_criterion_no_high_value(results: dict[str, IndicatorResult]) -> None:
    r = results["default"]
    for num in (1, 2, 3, 4, 43, 51, 54, 22):
        assert years_counted(r, HV, num) == [], num


def test_maintained_more_than_ten_years(results: dict[str, IndicatorResult]) -> None:
    r = results["default"]
    # 2012-12-31 + 10 years = 2022-12-31, not < 2022-12-31: only from 2023
    assert years_counted(r, HV, 11) == span(2023)
    # 2012-12-30 + 10 years = 2022-12-30 < 2022-12-31: from 2022
    assert years_counted(r, HV, 12) == span(2022)
    # 2012-02-29 + 10 years = 2022-02-28 (no 29 Feb in 2022) < 2022-12-31: from 2022
    assert years_counted(r, HV, 13) == span(2022)


def test_pledges_up_to_31_december_against_the_threshold(
    results: dict[str, IndicatorResult],
) -> None:
    r = results["default"]
    assert years_counted(r, HV, 21) == span(2016)  # 10,000,000 >= 10,000,000
    assert years_counted(r, HV, 22) == []  # 9,999,999.99 < 10,000,000
    assert years_counted(r, HV, 23) == span(2017)  # 6m (2016) + 4m (31 Dec 2017)
    assert years_counted(r, HV, 24) == span(2018)  # 5m (2016); + 5m registered 1 Jan 2018


def test_pledge_threshold_is_configurable(results: dict[str, IndicatorResult]) -> None:
    r = results["off_others"]  # threshold 9,999,999.99
    assert years_counted(r, HV, 22) == span(2016)
    assert years_counted(r, HV, 21) == span(2016)
    assert r.meta["definition"]["pledge_threshold_cny"] == 9_999_999.99


def test_awards_up_to_the_reference_year(results: dict[str, IndicatorResult]) -> None:
    r = results["default"]
    assert years_counted(r, HV, 31) == span(2018)  # award 2018 counts for 2018
    assert years_counted(r, HV, 32) == span(2019)  # award 2019: not for 2018
    assert years_counted(r, HV, 33) == [2018]  # lapsed 2019-05-01: not in force at end 2019
    assert years_counted(r, HV, 34) == span(2014)  # award before grant: from the grant year


def test_sei_prefix_match_after_removing_whitespace(results: dict[str, IndicatorResult]) -> None:
    r = results["default"]
    assert years_counted(r, HV, 41) == span(2014)  # "G06N 3/04" -> G06N3/04
    assert years_counted(r, HV, 42) == span(2014)  # second symbol G06N3/0635 ~ G06N3/063
    assert years_counted(r, HV, 43) == []  # A47J27/00: in no branch
    assert years_counted(r, HV, 44) == span(2014)  # "g06n 3/ 04"
    assert "shipped" in r.meta["definition"]["sei_concordance"]["source"]
    assert any("sei_concordance" in w for w in r.meta["warnings"])


def test_family_outside_cn_and_wo(results: dict[str, IndicatorResult]) -> None:
    r = results["default"]
    assert years_counted(r, HV, 51) == []  # CN;WO only
    assert years_counted(r, HV, 52) == span(2014)  # US
    assert years_counted(r, HV, 53) == span(2014)  # EP
    assert years_counted(r, HV, 54) == []  # no family data


def test_criteria_switched_off(results: dict[str, IndicatorResult]) -> None:
    off1 = results["off_sei_pledge"]
    for num in (41, 42, 44, 21, 23, 24):
        assert years_counted(off1, HV, num) == [], num
    assert years_counted(off1, HV, 52) == span(2014)  # family still on
    assert years_counted(off1, HV, 31) == span(2018)  # award still on
    off2 = results["off_others"]
    for num in (52, 53, 11, 12, 13, 31, 32, 33, 34):
        assert years_counted(off2, HV, num) == [], num
    assert years_counted(off2, HV, 41) == span(2014)  # SEI still on
    assert off1.meta["definition"]["criteria"] == {
        "sei": False,
        "family": True,
        "maintained": True,
        "pledge": False,
        "award": True,
    }
    assert off1.meta["definition_version"] == "2+custom"
    assert results["default"].meta["definition_version"] == "2"


def test_totals_add_up(results: dict[str, IndicatorResult]) -> None:
    # 2018 year-end, default definition. In force: every CN invention granted <= 2018 and not
    # lapsed: P01, P02, P11-13, P21-24, P31-34 (P33 lapses 2019), P41-44, P51-54
    # = 2 + 3 + 4 + 4 + 4 + 4 = 21 (P04 is a USPTO record).
    # High-value 2018: P21, P23, P24 (pledges), P31, P33, P34 (awards), P41, P42, P44 (SEI),
    # P52, P53 (family) = 11.
    r = results["default"]
    in_force = sum(v for (k, v) in _keys(r, IN_FORCE, 2018).items())
    hv = sum(v for (k, v) in _keys(r, HV, 2018).items())
    assert in_force == 21
    assert hv == 11


def _keys(r: IndicatorResult, indicator: str, year: int) -> dict[str | None, float]:
    return {
        row["region_code"]: row["value"]
        for row in r.table.to_pylist()
        if row["indicator"] == indicator and row["year"] == year
    }


def test_warehouse_concordance_replaces_the_default(tmp_path: Path, engine: str) -> None:
    wh = build_warehouse(
        tmp_path,
        patents=[_p(1, ipc="G06N3/04"), _p(2, ipc="H01M 10/052"), _p(3, ipc="H01M 4/13")],
        parties=[(f"P0{i}", "owner", 1, "CN", code(i)) for i in (1, 2, 3)],
        sei=[("H01M10/", "5.2 新能源汽车装置、配件制造")],
    )
    r = compute(wh, [HV], years=[2015], by=["region_code"], engine=engine)
    # only P02's H01M10/052 starts with H01M10/; the shipped AI prefixes are not used
    assert _keys(r, HV, 2015) == {code(2): 1.0}
    conc = r.meta["definition"]["sei_concordance"]
    assert (conc["source"], conc["patterns"], conc["branches"]) == ("warehouse", 1, 1)
    assert not any("sei_concordance" in w for w in r.meta["warnings"])
