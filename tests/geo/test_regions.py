"""GB/T 2260 codes: levels, nesting, names, centroids. Expected values checked by hand against
the GB/T 2260 table (codes of Shanghai, Hangzhou, Hainan) and the gazetteer CSV."""

from __future__ import annotations

import duckdb
import pytest

from ipcity.errors import InputError
from ipcity.geo.regions import (
    centroid,
    check_region,
    contains,
    country_of,
    districts,
    is_known,
    level,
    name,
    normalize_code,
    parent,
    prefix,
    sql_condition,
)
from tests.support.shanghai import SHANGHAI_DISTRICTS

# Shanghai's 16 districts with their English names.
SHANGHAI = {code: (zh, en) for code, (zh, _, en) in SHANGHAI_DISTRICTS.items()}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("310000", "province"),  # xx0000
        ("310100", "city"),  # xxxx00
        ("310115", "district"),
        ("330100", "city"),
        ("330106", "district"),
        ("810000", "province"),
        ("469001", "district"),  # 五指山市, a county-level city under Hainan province directly
        ("110101", "district"),
    ],
)
def test_level(code: str, expected: str) -> None:
    assert level(code) == expected


@pytest.mark.parametrize("bad", ["31", "3100000", "abcdef", "", "31011 "])
def test_level_rejects_malformed_codes(bad: str) -> None:
    with pytest.raises(InputError, match="six digits"):
        level(bad)


def test_prefix() -> None:
    assert prefix("310000") == "31"
    assert prefix("310100") == "3101"
    assert prefix("310115") == "310115"


@pytest.mark.parametrize(
    ("region", "code", "country", "expected"),
    [
        ("310000", "310115", "CN", True),  # 310115 starts with "31"
        ("310100", "310115", "CN", True),  # starts with "3101"
        ("310115", "310115", "CN", True),
        ("310115", "310100", "CN", False),  # a district does not contain its city
        ("310000", "320102", "CN", False),
        ("310000", None, "CN", False),  # only the country is known
        ("CN", "310115", "CN", True),
        ("CN", "310115", None, True),  # the code decides
        ("CN", "810000", "HK", False),  # Hong Kong is not mainland China
        ("CN", "710000", None, False),
        ("CN", None, "CN", True),
        ("CN", None, "US", False),
        ("CN", None, None, False),
        ("HK", "810000", "HK", True),
        ("HK", None, "HK", True),
        ("810000", None, "HK", True),  # HK is one unit: 810000
        ("MO", "820000", None, True),
        ("TW", "710000", None, True),
        ("TW", "310115", None, False),
        ("US", None, "US", True),
        ("US", None, "us", True),
        ("US", None, "JP", False),
        ("ALL", None, None, True),
        ("ALL", "310115", "CN", True),
        ("ALL", None, "JP", True),
        ("all", None, None, True),
        ("cn", "310115", None, True),
    ],
)
def test_contains(region: str, code: str | None, country: str | None, expected: bool) -> None:
    assert contains(region, code, country) is expected


@pytest.mark.parametrize("bad", ["XYZ", "XX", "999999", "31", "", "上海"])
def test_contains_rejects_unknown_regions(bad: str) -> None:
    with pytest.raises(InputError, match="unknown region"):
        contains(bad, "310115", "CN")


def test_sql_condition_agrees_with_contains() -> None:
    places = [
        ("310115", "CN"),
        ("310101", "CN"),
        ("320102", "CN"),
        ("810000", "HK"),
        ("710000", "TW"),
        (None, "CN"),
        (None, "HK"),
        (None, "US"),
        (None, None),
    ]
    con = duckdb.connect()
    con.execute("CREATE TABLE p (i INTEGER, region_code VARCHAR, country VARCHAR)")
    con.executemany(
        "INSERT INTO p VALUES (?, ?, ?)", [(i, c, k) for i, (c, k) in enumerate(places)]
    )
    for region in ("ALL", "CN", "HK", "TW", "US", "310000", "310100", "310115", "810000"):
        got = {
            r[0] for r in con.execute(f"SELECT i FROM p WHERE {sql_condition(region)}").fetchall()
        }
        want = {i for i, (c, k) in enumerate(places) if contains(region, c, k)}
        assert got == want, region


def test_check_region() -> None:
    assert check_region(" cn ") == "CN"
    assert check_region("310000") == "310000"
    assert check_region("all") == "ALL"


def test_names_of_shanghai_districts() -> None:
    for code, (zh, en) in SHANGHAI.items():
        assert name(code) == zh
        assert name(code, "en") == en


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        ("310000", "上海市", "Shanghai"),
        ("110000", "北京市", "Beijing"),
        ("500000", "重庆市", "Chongqing"),
        ("150000", "内蒙古自治区", "Inner Mongolia"),
        ("610000", "陕西省", "Shaanxi"),  # not Shanxi (140000)
        ("140000", "山西省", "Shanxi"),
        ("810000", "香港特别行政区", "Hong Kong"),
        ("820000", "澳门特别行政区", "Macao"),
        ("710000", "台湾省", "Taiwan"),
        ("330100", "杭州市", "Hangzhou"),  # pinyin
        ("610100", "西安市", "Xi'an"),  # apostrophe before a vowel syllable
        ("310100", "上海市市辖区", "Shanghai (city districts)"),  # placeholder row, qualified
        ("110105", "朝阳区", "Chaoyang District"),  # 朝 read chao in place names
    ],
)
def test_names(code: str, zh: str, en: str) -> None:
    assert name(code) == zh
    assert name(code, "en") == en


def test_name_of_unknown_code() -> None:
    with pytest.raises(InputError, match="unknown"):
        name("310199")


def test_parent() -> None:
    assert parent("310115") == "310100"
    assert parent("310100") == "310000"
    assert parent("310000") is None
    assert parent("330106") == "330100"
    assert parent("469001") == "469000"  # the placeholder row of Hainan's county-level units


def test_is_known_and_country_of() -> None:
    assert is_known("310115")
    assert not is_known("310199")
    assert not is_known("")
    assert country_of("310115") == "CN"
    assert country_of("810000") == "HK"
    assert country_of("820000") == "MO"
    assert country_of("710000") == "TW"


def test_centroid() -> None:
    # Pudong's seat lies at about 31.22 N, 121.54 E (east of the Huangpu river, 121.48 E).
    lat, lon = centroid("310115") or (0.0, 0.0)
    assert lat == pytest.approx(31.22, abs=0.05)
    assert lon == pytest.approx(121.54, abs=0.05)
    assert lon > centroid("310101")[1]  # type: ignore[index]  # Pudong is east of Huangpu
    assert centroid("520301") is None  # a placeholder row (市辖区 of Zunyi) has no centroid
    assert centroid("310199") is None


def test_districts() -> None:
    assert districts("310000") == sorted(SHANGHAI)
    assert districts("310100") == sorted(SHANGHAI)
    assert districts("310115") == []
    hangzhou = districts("330100")
    assert "330106" in hangzhou  # 西湖区
    assert "330101" not in hangzhou  # 市辖区 placeholder
    assert all(c.startswith("3301") for c in hangzhou)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("310115", "310115"),
        (" 310115 ", "310115"),
        ("310115000000", "310115"),  # 12-digit statistical code
        (310115, "310115"),
        (310115.0, "310115"),  # read from a spreadsheet
        ("310199", None),  # well-formed but unknown
        ("abc", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_code(value: object, expected: str | None) -> None:
    assert normalize_code(value) == expected
