"""Attribution and counting rules: first / whole / fractional, regions, breakdowns.

Patents X1-X7 are inventions filed 2019 and granted 2020-06-01 (so they are 2020 grants and
in force at the end of 2020). Flows go to applicants, stocks to owners (else applicants).

    X1  owners/applicants: 1 Hong Kong (810000, HK), 2 Shanghai Huangpu 310104
    X2  owners/applicants: 1 Huangpu 310104, 2 Shanghai 310101
    X3  owners/applicants: 1 310101, 2 310101, 3 Nanjing 320102
    X4  applicants only:   1 Shanghai Songjiang 310115, 2 Nanjing 320102 (no owner rows)
    X5  owner 1 Nanjing 320102; applicant 1 310101
    X6  no parties at all
    X7  owners/applicants: 1 CN without region code, 2 310104
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from ipcity.errors import IpcityError
from ipcity.indicators import IndicatorResult, compute
from ipcity.warehouse.store import Warehouse
from tests.support.indicator_helpers import build_warehouse, by_key, patent, values

GRANTED = "patents_granted"
IN_FORCE = "invention_patents_in_force"
SH = "310000"

PEOPLE = {
    "X1": [("HK", "810000"), ("CN", "310104")],
    "X2": [("CN", "310104"), ("CN", "310101")],
    "X3": [("CN", "310101"), ("CN", "310101"), ("CN", "320102")],
    "X7": [("CN", None), ("CN", "310104")],
}


def _parties() -> list[tuple[str, str, int, str | None, str | None]]:
    rows: list[tuple[str, str, int, str | None, str | None]] = []
    for pid, people in PEOPLE.items():
        for role in ("owner", "applicant"):
            rows += [(pid, role, i + 1, c, g) for i, (c, g) in enumerate(people)]
    rows += [("X4", "applicant", 1, "CN", "310115"), ("X4", "applicant", 2, "CN", "320102")]
    rows += [("X5", "owner", 1, "CN", "320102"), ("X5", "applicant", 1, "CN", "310101")]
    # Y1 (granted 2021): applicants 310101, 320102; inventors CN, CN, US. Y2: no inventors.
    rows += [("Y1", "applicant", 1, "CN", "310101"), ("Y1", "applicant", 2, "CN", "320102")]
    rows += [("Y1", "inventor", i + 1, c, None) for i, c in enumerate(["CN", "CN", "US"])]
    rows += [("Y2", "applicant", 1, "CN", "310101")]
    return rows


PATENTS = [patent(f"X{i}", "2019-03-01", "2020-06-01") for i in range(1, 8)] + [
    patent("Y1", "2019-03-01", "2021-06-01"),
    patent("Y2", "2019-03-01", "2021-06-01"),
    # 2022 grants without parties, for ipc_section / patent_type
    patent("Z1", "2020-01-01", "2022-02-01", ipc="H01M10/052"),
    patent("Z2", "2020-01-01", "2022-02-01", ipc=" a01b1/00", patent_type="design"),
    patent("Z3", "2020-01-01", "2022-02-01", ipc=None, patent_type="utility_model"),
    patent("Z4", "2020-01-01", "2022-02-01", ipc="X12/00"),
    patent("Z5", "2020-01-01", "2022-02-01", ipc="G06F3/01;H04L9/32", patent_type="utility_model"),
]


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    return build_warehouse(tmp_path, patents=PATENTS, parties=_parties())


def run(wh: Warehouse, engine: str, **kw: Any) -> IndicatorResult:
    return compute(wh, [GRANTED, IN_FORCE], years=[2020, 2021, 2022], engine=engine, **kw)


def f(n: int, d: int = 1) -> float:
    return float(Fraction(n, d))


def test_region_310000_under_each_counting(wh: Warehouse, engine: str) -> None:
    first = run(wh, engine, region=SH, counting="first")
    # stock 2020 (owners; X4 applicants): X1 0 (first owner in HK), X2 1, X3 1, X4 1,
    # X5 0 (owner in Nanjing), X6 0, X7 0 (first owner has no region) = 3
    assert values(first, IN_FORCE)[2020] == 3
    # grants 2020 (applicants): X1 0, X2 1, X3 1, X4 1, X5 1 (applicant 310101), X7 0 = 4
    assert values(first, GRANTED)[2020] == 4
    whole = run(wh, engine, region=SH, counting="whole")
    # stock: X1 1 (second owner in Huangpu), X2 1, X3 1, X4 1, X5 0, X6 0, X7 1 = 5
    assert values(whole, IN_FORCE)[2020] == 5
    # grants: X1 1, X2 1, X3 1, X4 1, X5 1, X7 1 = 6
    assert values(whole, GRANTED)[2020] == 6
    frac = run(wh, engine, region=SH, counting="fractional")
    # stock: X1 1/2 + X2 2/2 + X3 2/3 + X4 1/2 + X7 1/2 = 19/6
    assert values(frac, IN_FORCE)[2020] == f(19, 6)
    # grants: X1 1/2 + X2 1 + X3 2/3 + X4 1/2 + X5 1 + X7 1/2 = 25/6
    assert values(frac, GRANTED)[2020] == f(25, 6)


def test_first_owner_in_hong_kong(tmp_path: Path, engine: str) -> None:
    # X1 alone: owners 1 Hong Kong, 2 Huangpu (310104)
    people = PEOPLE["X1"]
    wh = build_warehouse(
        tmp_path,
        patents=[patent("X1", "2019-03-01", "2020-06-01")],
        parties=[("X1", "owner", i + 1, c, g) for i, (c, g) in enumerate(people)],
    )

    def stock(counting: str) -> float | None:
        r = compute(wh, [IN_FORCE], years=[2020], region=SH, counting=counting, engine=engine)
        return values(r, IN_FORCE)[2020]

    assert stock("first") == 0  # the first-named owner is not in 310000
    assert stock("whole") == 1  # another owner is in Shanghai
    assert stock("fractional") == 0.5  # 1 of its 2 owners


def test_all_counts_every_patent_once(wh: Warehouse, engine: str) -> None:
    for counting in ("first", "whole", "fractional"):
        r = run(wh, engine, counting=counting)
        # X1..X7, X6 without any party included
        assert values(r, IN_FORCE)[2020] == 7, counting
        assert values(r, GRANTED)[2020] == 7, counting
        assert values(r, GRANTED)[2022] == 5, counting  # Z1-Z5 have no parties


def test_by_region_code_first(wh: Warehouse, engine: str) -> None:
    r = run(wh, engine, by=["region_code"], counting="first")
    # first owner's district; X6 (no parties) and X7 (first owner without code) -> null key
    assert {k: v for k, v in by_key(r, IN_FORCE, 2020, "region_code").items() if v} == {
        "810000": 1,
        "310104": 1,
        "310101": 1,
        "310115": 1,
        "320102": 1,
        None: 2,
    }


def test_by_region_code_whole(wh: Warehouse, engine: str) -> None:
    r = run(wh, engine, by=["region_code"], counting="whole")
    # each distinct district of a patent counts 1: 310104 <- X1, X2, X7; 310101 <- X2, X3;
    # 320102 <- X3, X4, X5; null <- X6, X7. Total 12 > 7 patents (documented).
    got = {k: v for k, v in by_key(r, IN_FORCE, 2020, "region_code").items() if v}
    assert got == {"810000": 1, "310104": 3, "310101": 2, "320102": 3, "310115": 1, None: 2}


def test_by_region_code_fractional(wh: Warehouse, engine: str) -> None:
    r = run(wh, engine, by=["region_code"], counting="fractional")
    got = {k: v for k, v in by_key(r, IN_FORCE, 2020, "region_code").items() if v}
    assert got == {
        "810000": f(1, 2),  # X1 1/2
        "310104": f(3, 2),  # X1 1/2 + X2 1/2 + X7 1/2
        "310101": f(7, 6),  # X2 1/2 + X3 2/3
        "320102": f(11, 6),  # X3 1/3 + X4 1/2 + X5 1
        "310115": f(1, 2),  # X4 1/2
        None: f(3, 2),  # X6 1 + X7 1/2
    }
    assert sum(got.values()) == 7  # fractional shares add up to the patents


def test_region_and_region_code_together(wh: Warehouse, engine: str) -> None:
    frac = run(wh, engine, region=SH, by=["region_code"], counting="fractional")
    got = {k: v for k, v in by_key(frac, IN_FORCE, 2020, "region_code").items() if v}
    # only the Shanghai parties' shares: the Hong Kong / Nanjing shares are not in 310000
    assert got == {"310104": f(3, 2), "310101": f(7, 6), "310115": f(1, 2)}
    first = run(wh, engine, region=SH, by=["region_code"], counting="first")
    got = {k: v for k, v in by_key(first, IN_FORCE, 2020, "region_code").items() if v}
    assert got == {"310104": 1, "310101": 1, "310115": 1}  # X2, X3, X4


def test_region_levels_and_countries(wh: Warehouse, engine: str) -> None:
    def stock(region: str) -> float | None:
        return values(
            compute(wh, [IN_FORCE], years=[2020], region=region, engine=engine), IN_FORCE
        )[2020]

    assert stock("320000") == 1  # province prefix 32: X5's owner
    assert stock("310100") == 3  # city prefix 3101: X2, X3, X4
    assert stock("310104") == 1  # district exact: X2 (X1 and X7 have Huangpu second)
    assert stock("CN") == 5  # first owner's country CN: X2, X3, X4, X5, X7
    assert stock("HK") == 1  # X1
    assert stock("hk") == 1  # region codes are case-insensitive


def test_applicant_country_of_stocks_is_the_owner(wh: Warehouse, engine: str) -> None:
    r = run(wh, engine, by=["applicant_country"])
    got = {k: v for k, v in by_key(r, IN_FORCE, 2020, "applicant_country").items() if v}
    assert got == {"CN": 5, "HK": 1, None: 1}  # X6 has no party


def test_inventor_country(wh: Warehouse, engine: str) -> None:
    def grants(**kw: Any) -> dict[Any, float | None]:
        r = compute(wh, [GRANTED], years=[2021], by=["inventor_country"], engine=engine, **kw)
        return {k: v for k, v in by_key(r, GRANTED, 2021, "inventor_country").items() if v}

    # Y1 inventors CN, CN, US; Y2 has none (null key, full weight)
    assert grants(counting="first") == {"CN": 1, None: 1}
    assert grants(counting="whole") == {"CN": 1, "US": 1, None: 1}
    assert grants(counting="fractional") == {"CN": f(2, 3), "US": f(1, 3), None: 1}
    # region 310000, fractional: Y1's weight is 1/2 (applicant 310101 of 2), spread over its
    # inventors: CN 1/2 x 2/3 = 1/3, US 1/2 x 1/3 = 1/6; Y2 1 x 1 (no inventors)
    assert grants(counting="fractional", region=SH) == {"CN": f(1, 3), "US": f(1, 6), None: 1}
    # first: Y1's first applicant is in 310000 -> 1, to the first inventor's country
    assert grants(counting="first", region=SH) == {"CN": 1, None: 1}


def test_ipc_section_and_patent_type(wh: Warehouse, engine: str) -> None:
    r = compute(wh, [GRANTED], years=[2022], by=["ipc_section"], engine=engine)
    # Z1 H01M -> H; Z2 " a01b" -> A; Z3 no IPC and Z4 "X12" -> null; Z5 first symbol G06F
    got = {k: v for k, v in by_key(r, GRANTED, 2022, "ipc_section").items() if v}
    assert got == {"H": 1, "A": 1, "G": 1, None: 2}
    r = compute(wh, [GRANTED], years=[2022], by=["patent_type", "ipc_section"], engine=engine)
    rows = {
        (row["patent_type"], row["ipc_section"]): row["value"]
        for row in r.table.to_pylist()
        if row["value"]
    }
    assert rows == {
        ("invention", "H"): 1,
        ("design", "A"): 1,
        ("utility_model", None): 1,
        ("invention", None): 1,
        ("utility_model", "G"): 1,
    }


PLACES = [
    ("CN", "310115"),  # Songjiang
    ("HK", None),  # Hong Kong without a code: counts as 810000
    (None, "810000"),  # a Hong Kong code without a country
    ("US", None),
    ("CN", None),  # mainland, no region
    ("CN", "320102"),
]


@pytest.mark.parametrize("region", ["310000", "310115", "810000", "CN", "HK", "US", "320100"])
def test_region_rule_is_geo_contains(tmp_path: Path, engine: str, region: str) -> None:
    from ipcity.geo.regions import contains

    pats = [patent(f"Q{i}", "2019-03-01", "2020-06-01") for i in range(len(PLACES))]
    parties = [(f"Q{i}", "owner", 1, c, g) for i, (c, g) in enumerate(PLACES)]
    wh = build_warehouse(tmp_path, patents=pats, parties=parties)
    got = values(compute(wh, [IN_FORCE], years=[2020], region=region, engine=engine), IN_FORCE)
    # one owner each: the patent counts iff ipcity.geo.regions.contains says the owner is in it
    expected = sum(contains(region, g, c) for c, g in PLACES)
    assert got[2020] == expected


def test_unknown_region_code(tmp_path: Path) -> None:
    wh = build_warehouse(tmp_path, patents=[patent("A", "2019-03-01")])
    with pytest.raises(IpcityError, match="unknown region '999999'"):
        compute(wh, region="999999")
