"""Which location a record gets, and that no record is ever dropped without a reason."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ipcity.clusters.geocode import REASONS, geocode, locate
from ipcity.geo import regions


def frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    cols = ["address", "country", "region_code", "latitude", "longitude"]
    return pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)


def test_given_coordinates_are_used_as_they_are() -> None:
    geo = geocode(frame([{"latitude": 31.123456, "longitude": 121.654321, "address": "Tokyo, JP"}]))
    assert (geo.latitude[0], geo.longitude[0]) == (31.123456, 121.654321)
    assert geo.source[0] == "given" and geo.reason[0] is None
    # named after the nearest district seat (Pudong, 31.2215 N 121.5444 E, about 15 km away)
    assert geo.place[0] == "CN:310115"


def test_given_coordinates_with_a_region_code_are_named_by_the_code() -> None:
    geo = geocode(frame([{"latitude": 31.3, "longitude": 121.3, "region_code": "310104"}]))
    assert geo.place[0] == "CN:310104" and geo.country[0] == "CN"
    assert (geo.latitude[0], geo.longitude[0]) == (31.3, 121.3)


def test_region_code_gives_the_district_seat() -> None:
    loc = locate("310115", None, None)
    assert (loc.latitude, loc.longitude) == regions.centroid("310115")
    assert loc.place == "CN:310115" and loc.source == "region"


def test_municipality_is_a_usable_location_but_a_province_is_not() -> None:
    assert locate("310000", None, None).reason is None  # Shanghai's seat: the city
    assert locate("440000", None, None).reason == "region_only"  # Guangdong: its capital? no
    assert locate(None, "广东省", None).reason == "region_only"
    assert locate(None, "上海市", None).place == "CN:310000"


def test_chinese_address_resolves_to_its_district() -> None:
    loc = locate(None, "上海市徐汇区漕溪北路88号", "CN")
    assert loc.place == "CN:310104" and loc.source == "address"


def test_foreign_country_skips_the_chinese_resolver() -> None:
    loc = locate(None, "Suzhou, CN", "CN")  # pinyin, ambiguous in China: the gazetteer decides
    assert loc.source == "gazetteer" and loc.country == "CN"
    loc = locate(None, "Cambridge, MA, US", "US")
    assert loc.place is not None and loc.latitude == pytest.approx(42.375, abs=0.05)


def test_taiwan_is_located_by_town_not_by_the_single_taiwan_unit() -> None:
    # 710000's seat is Taipei; Hsinchu is 70 km away and a cluster of its own.
    loc = locate(None, "Hsinchu, TW", "TW")
    assert loc.latitude == pytest.approx(24.80, abs=0.05)
    assert locate("710000", None, None).reason == "region_only"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({}, "no_location"),
        ({"address": "   "}, "no_location"),
        ({"latitude": 95.0, "longitude": 10.0}, "bad_coordinates"),
        ({"latitude": 31.0}, "bad_coordinates"),  # one coordinate only
        ({"address": "Xyzzyville, FR", "country": "FR"}, "not_found"),
        ({"address": "Atlantis, FR", "country": "FR"}, "country_mismatch"),  # Atlantis, FL
        ({"address": "California, US", "country": "US"}, "region_only"),
        ({"address": "Kanagawa-ken, JP", "country": "JP"}, "region_only"),
        ({"address": "Cambridge"}, "ambiguous"),  # Cambridge GB and Cambridge MA, no country
    ],
)
def test_unlocated_records_keep_a_reason(row: dict[str, object], reason: str) -> None:
    geo = geocode(frame([row]))
    assert geo.reason[0] == reason and reason in REASONS
    assert math.isnan(geo.latitude[0])


def test_bad_coordinates_fall_back_to_the_address() -> None:
    geo = geocode(frame([{"latitude": 95.0, "longitude": 10.0, "region_code": "310104"}]))
    assert geo.reason[0] is None and geo.place[0] == "CN:310104"


def test_every_record_is_located_or_has_a_reason() -> None:
    rows = [
        {"region_code": "310115"},
        {"address": "Tokyo, JP", "country": "JP"},
        {"latitude": 35.0, "longitude": 135.0},
        {"address": "Xyzzyville, FR", "country": "FR"},
        {},
    ] * 3
    geo = geocode(frame(rows))
    assert len(geo.latitude) == 15
    assert sum(geo.located) == 9
    assert [r for r in geo.reason if r is not None] == ["not_found", "no_location"] * 3
    assert geo.distinct_keys == 4  # repeated addresses are looked up once (coords aside)
