"""Geocoding of real inventor and applicant addresses (../shared/data/real).

USPTO grant XML: inventor addresses as the USPTO reader gives them ("City, ST, US"), matched to
GeoNames places; the expected places were checked by hand (coordinates from general knowledge,
to 0.05 degree). CNIPA XML: inventors carry no address there, so the applicants' addresses are
used: Chinese ones must land on their district's seat, foreign ones written in Chinese name only
a state, province or prefecture and must be kept as unmatched with that reason.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from ipcity.clusters.geocode import geocode, locate
from ipcity.geo import regions
from ipcity.sources.cnipa import CnipaReader
from ipcity.sources.uspto import UsptoGrantReader


def _parties(reader_cls: type, files: list[Path], role: str) -> pd.DataFrame:
    rows = []
    for f in files:
        for table, batch in reader_cls(f).batches():
            if table != "parties":
                continue
            d = batch.to_pydict()
            for r, a, c in zip(
                d["role"], d["address"], d.get("country", [None] * len(d["role"])), strict=True
            ):
                if r == role:
                    rows.append({"address": a, "country": c})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def uspto_inventors(shared_data: Path) -> pd.DataFrame:
    files = sorted((shared_data / "real" / "uspto-grant-xml").glob("*.xml"))
    df = _parties(UsptoGrantReader, files, "inventor")
    return df.assign(region_code=None, latitude=None, longitude=None)


# address as the reader writes it, country -> (place name, latitude, longitude), checked by hand
EXPECTED = {
    ("San Jose, CA, US", "US"): ("San Jose", 37.34, -121.89),
    ("Tokyo, JP", "JP"): ("Tokyo", 35.69, 139.69),
    ("Suwon-si, KR", "KR"): ("Suwon", 37.29, 127.01),
    ("Västerås, SE", "SE"): ("Västerås", 59.62, 16.55),
    # Wilmington, Delaware - not Wilmington NC (34.2 N) or OH
    ("Wilmington, DE, US", "US"): ("Wilmington", 39.75, -75.55),
    # Richmond, Texas (Fort Bend County), not Richmond VA or BC
    ("Richmond, TX, US", "US"): ("Richmond", 29.58, -95.76),
    # Richmond, British Columbia: the country column says Canada
    ("Richmond, CA", "CA"): ("Richmond", 49.17, -123.14),
    ("Vienna, WV, US", "US"): ("Vienna", 39.33, -81.55),
    ("Carmel, IN, US", "US"): ("Carmel", 39.98, -86.12),
    ("Carmel, NY, US", "US"): ("Carmel", 41.43, -73.68),
    ("Florence, IT", "IT"): ("Florence", 43.78, 11.25),
    ("München, DE", "DE"): ("Munich", 48.14, 11.58),
    ("Duesseldorf, DE", "DE"): ("Düsseldorf", 51.22, 6.78),
    # USPTO writes Hong Kong with country CN; the place is Hong Kong (HK)
    ("Hong Kong, CN", "CN"): ("Hong Kong", 22.28, 114.17),
    # the shipped gazetteer puts Shinagawa ward in Shikoku; corrected (COORDINATE_FIXES)
    ("Shinagawa, JP", "JP"): ("Shinagawa", 35.61, 139.73),
    ("Mt. Lawley, W.A., AU", "AU"): ("Mount Lawley", -31.93, 115.87),
    ("Sant Cugat del Valles Barcelona, ES", "ES"): ("Sant Cugat del Vallès", 41.47, 2.09),
    ("Tainan Hsien, TW", "TW"): ("Tainan", 22.99, 120.21),
    ("I 31044 Montebelluna, IT", "IT"): ("Montebelluna", 45.78, 12.05),
    ("Oosaka, JP", "JP"): ("Osaka", 34.69, 135.50),
}
UNMATCHED = {
    ("Kanagawa, JP", "JP"): "not_found",  # a prefecture; GeoNames has no town of that name
    ("Yamanashi-ken, JP", "JP"): "region_only",
    ("Gyunggi-do, KR", "KR"): "region_only",
    ("Tucheng, TW", "TW"): "country_mismatch",  # only Chinese villages of that name are listed
}


def test_uspto_inventors_land_on_the_places_checked_by_hand(uspto_inventors: pd.DataFrame) -> None:
    from ipcity.clusters.places import describe

    seen = set(zip(uspto_inventors["address"], uspto_inventors["country"], strict=True))
    assert set(EXPECTED) <= seen and set(UNMATCHED) <= seen  # the sample holds them
    for (address, country), (name, lat, lon) in EXPECTED.items():
        loc = locate(None, address, country)
        assert loc.reason is None, address
        assert loc.place is not None and describe(loc.place).name == name, address
        assert loc.latitude == pytest.approx(lat, abs=0.05), address
        assert loc.longitude == pytest.approx(lon, abs=0.05), address
    for (address, country), reason in UNMATCHED.items():
        assert locate(None, address, country).reason == reason, address


def test_uspto_rate_and_no_record_dropped(uspto_inventors: pd.DataFrame) -> None:
    geo = geocode(uspto_inventors)
    n = len(uspto_inventors)
    assert n == 567  # inventors in the 13 files
    located = geo.located
    # Every record is located or carries a reason: nothing disappears.
    assert all((lat == lat) == (r is None) for lat, r in zip(geo.latitude, geo.reason, strict=True))
    assert int(located.sum()) + sum(r is not None for r in geo.reason) == n
    # 503 of 567 located (88.7 %) when this test was written; a lower rate is a regression.
    assert located.mean() >= 0.88
    reasons = Counter(r for r in geo.reason if r is not None)
    assert set(reasons) <= {"not_found", "region_only", "country_mismatch", "ambiguous"}


@pytest.fixture(scope="module")
def cnipa_applicants(shared_data: Path) -> pd.DataFrame:
    files = sorted((shared_data / "real" / "cnipa-xml").glob("*.xml"))
    return _parties(CnipaReader, files, "applicant")


def test_cnipa_chinese_addresses_land_on_district_seats(cnipa_applicants: pd.DataFrame) -> None:
    cases = {
        # address -> district code; the seat coordinates are the gazetteer's (checked: Wuhua
        # district, Kunming 25.04 N 102.70 E; Ouhai, Wenzhou 28.0 N 120.6 E; Xiaoshan,
        # Hangzhou 30.18 N 120.26 E)
        "云南省昆明市五华区": ("530102", 25.04, 102.70),
        "浙江省温州市瓯海区": ("330304", 28.01, 120.64),
        "浙江省杭州市萧山区": ("330109", 30.18, 120.26),
    }
    addresses = [a for a in cnipa_applicants["address"] if isinstance(a, str)]
    for fragment, (code, lat, lon) in cases.items():
        address = next(a for a in addresses if fragment in a)
        loc = locate(None, address, None)
        assert loc.place == f"CN:{code}", address
        assert (loc.latitude, loc.longitude) == regions.centroid(code)
        assert loc.latitude == pytest.approx(lat, abs=0.1)
        assert loc.longitude == pytest.approx(lon, abs=0.1)


def test_cnipa_foreign_addresses_in_chinese_are_kept_with_a_reason(
    cnipa_applicants: pd.DataFrame,
) -> None:
    addresses = {a for a in cnipa_applicants["address"] if isinstance(a, str)}
    # Massachusetts, Gyeonggi province, Kyoto prefecture: regions only.
    for address in ("美国马萨诸塞州", "韩国京畿道", "日本京都府"):
        assert address in addresses
        assert locate(None, address, None).reason == "region_only", address
    # Gwacheon (果川市) is not in the cities500 list: not found, but kept.
    assert "韩国京畿道果川市" in addresses
    loc = locate(None, "韩国京畿道果川市", None)
    assert loc.reason == "not_found" and loc.country == "KR"
