"""Locate inventor and author records offline, keeping every record that cannot be located.

Order of precedence for one record:

1. ``latitude`` and ``longitude`` both given and valid: used as they are. The record's place
   (for names and breakdowns) is its region code when it has one, else the nearest district seat
   or town (``places.reverse``).
2. A GB/T 2260 region code (given, or resolved from the address by the ingest): the seat of the
   district / city as ``ipcity.geo.regions.centroid`` gives it. A province-level code is too
   coarse (a province's seat is its capital) except for the units that are one city: Beijing,
   Tianjin, Shanghai, Chongqing, Hong Kong, Macao.
3. The address: Chinese addresses (and pinyin ones naming the city) through
   ``ipcity.geo.resolve``; Taiwan and foreign addresses through the GeoNames gazetteer
   (``clusters.gazetteer``).

A record that none of these locate keeps its weight and gets a reason (``REASONS``).
Each distinct (region code, address, country) is located once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from ipcity.clusters import gazetteer
from ipcity.clusters.places import CITY_PROVINCES, cn_key, describe, reverse
from ipcity.geo import regions
from ipcity.geo.countries import normalize_country, zh_names
from ipcity.geo.regions import CHINA_COUNTRIES
from ipcity.geo.resolve import resolve_address

REASONS: dict[str, str] = {
    "no_location": "no coordinates, region code or address",
    "bad_coordinates": "coordinates out of range, and no usable region code or address",
    "region_only": "the address names only a province, state or prefecture: too coarse",
    "country_only": "the address names only a country",
    "not_found": "no gazetteer place matches the address",
    "ambiguous": "several places match and no country tells them apart",
    "country_mismatch": "places of that name exist only in other countries",
    "no_centroid": "the region code has no coordinates in the gazetteer",
    "no_inventors": "PCT application without inventors (counts in the world total only)",
    "no_authors": "article without authors (counts in the world total only)",
}

_CJK = re.compile(r"[\u3400-\u9fff]")
# Chinese/Japanese/Korean suffixes of first-level regions: 州 (US state), 道 (Korean province),
# 府/県/县 (Japanese prefecture), 省 (province).
_CJK_REGION_END = ("州", "道", "府", "県", "省")
_CJK_REGION_SPLIT = re.compile(r"^.*?[州道府県省]")


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    place: str | None  # place key, see clusters.places
    country: str | None
    source: str  # given | region | address | gazetteer
    reason: str | None = None  # set when not located (then latitude/longitude are NaN)


def _unlocated(reason: str, country: str | None = None) -> Location:
    return Location(float("nan"), float("nan"), None, country, "", reason)


def _from_code(code: str, source: str) -> Location:
    country = regions.country_of(code)
    if regions.level(code) == "province" and code[:2] not in CITY_PROVINCES:
        return _unlocated("region_only", country)
    ll = regions.centroid(code)
    if ll is None:
        return _unlocated("no_centroid", country)
    return Location(ll[0], ll[1], cn_key(code), country, source)


def _strip_zh_country(address: str) -> str:
    head = address.strip().lstrip("0123456789 ")
    for name in sorted(zh_names(), key=len, reverse=True):
        if head.startswith(name):
            return head[len(name) :]
    return head


def _gazetteer(address: str, country: str | None) -> Location:
    text = address
    if _CJK.search(address):
        text = _strip_zh_country(address)
        if not text:
            return _unlocated("country_only", country)
        if text.endswith(_CJK_REGION_END):
            return _unlocated("region_only", country)
        # '京畿道果川市': the part after the region is the town.
        text = _CJK_REGION_SPLIT.sub("", text) or text
    match = gazetteer.lookup(text, country)
    if match.place is None:
        return _unlocated(match.reason or "not_found", country)
    p = match.place
    return Location(p.latitude, p.longitude, p.place_id, p.country, "gazetteer")


def locate(region_code: str | None, address: str | None, country: str | None) -> Location:
    """Locate one record that has no usable coordinates."""
    given_country = normalize_country(country)
    code = regions.normalize_code(region_code)
    if code is not None and not code.startswith("71"):
        return _from_code(code, "region")
    if not address or not address.strip():
        # Taiwan is one GB/T 2260 unit: its seat (Taipei) would misplace Hsinchu or Tainan.
        return _unlocated("region_only" if code else "no_location", given_country)
    if given_country is not None and given_country not in CHINA_COUNTRIES:
        # A foreign country decides: no Chinese unit (ipcity.geo.resolve.attribute, rule 3).
        return _gazetteer(address, given_country)
    found = resolve_address(address)
    code = found.region_code
    if code is not None and not code.startswith("71") and given_country in (None, found.country):
        return _from_code(code, "address")
    return _gazetteer(address, given_country or found.country)


@dataclass
class Geocoded:
    """Per-record results of ``geocode`` (arrays aligned with the input rows)."""

    latitude: npt.NDArray[np.float64]
    longitude: npt.NDArray[np.float64]
    place: npt.NDArray[np.object_]
    country: npt.NDArray[np.object_]
    source: npt.NDArray[np.object_]
    reason: npt.NDArray[np.object_]
    distinct_keys: int = 0
    sources: dict[str, int] = field(default_factory=dict)

    @property
    def located(self) -> npt.NDArray[np.bool_]:
        return np.asarray(pd.isna(self.reason), dtype=bool)


def _valid_coordinates(lat: pd.Series, lon: pd.Series) -> npt.NDArray[np.bool_]:
    la = pd.to_numeric(lat, errors="coerce").to_numpy(dtype=np.float64)
    lo = pd.to_numeric(lon, errors="coerce").to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(la) & np.isfinite(lo) & (np.abs(la) <= 90) & (np.abs(lo) <= 180)
    return np.asarray(ok, dtype=bool)


def geocode(records: pd.DataFrame) -> Geocoded:
    """Locate records with columns address, country, region_code, latitude, longitude."""
    n = len(records)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    place = np.full(n, None, dtype=object)
    country = np.full(n, None, dtype=object)
    source = np.full(n, None, dtype=object)
    reason = np.full(n, None, dtype=object)
    if n == 0:
        return Geocoded(lat, lon, place, country, source, reason)

    given = _valid_coordinates(records["latitude"], records["longitude"])
    some_coords = records["latitude"].notna().to_numpy() | records["longitude"].notna().to_numpy()

    # 1. Given coordinates.
    gi = np.flatnonzero(given)
    if len(gi):
        lat[gi] = pd.to_numeric(records["latitude"].iloc[gi]).to_numpy(dtype=np.float64)
        lon[gi] = pd.to_numeric(records["longitude"].iloc[gi]).to_numpy(dtype=np.float64)
        source[gi] = "given"
        # Taiwan is one unit (710000): its seat would name every Taiwanese record "Taiwan".
        codes = (
            records["region_code"]
            .iloc[gi]
            .map(
                lambda c: (
                    regions.normalize_code(c)
                    if isinstance(c, str) and not c.startswith("71")
                    else None
                )
            )
        )
        has_code = codes.notna().to_numpy()
        place[gi[has_code]] = [cn_key(c) for c in codes[has_code]]
        country[gi[has_code]] = [regions.country_of(c) for c in codes[has_code]]
        rest = gi[~has_code]
        if len(rest):
            pairs = pd.DataFrame({"la": lat[rest], "lo": lon[rest]})
            uniq = pairs.drop_duplicates().reset_index(drop=True)
            keys = reverse(uniq["la"].to_numpy(), uniq["lo"].to_numpy())
            uniq["key"] = pd.Series(keys, dtype=object)
            merged = pairs.merge(uniq, on=["la", "lo"], how="left")
            place[rest] = merged["key"].to_numpy(dtype=object)
            named = [describe(k).country if isinstance(k, str) else None for k in merged["key"]]
            given_cc = (
                records["country"]
                .iloc[rest]
                .map(lambda c: normalize_country(c) if isinstance(c, str) else None)
            )
            country[rest] = [a or b for a, b in zip(named, given_cc, strict=True)]

    # 2./3. Region codes and addresses, each distinct combination once.
    todo = np.flatnonzero(~given)
    distinct = 0
    if len(todo):
        sub = records.iloc[todo][["region_code", "address", "country"]].astype(object)
        sub = sub.where(sub.notna(), None)
        codes_, uniques = pd.MultiIndex.from_frame(sub).factorize()
        distinct = len(uniques)
        located = [locate(*(v if isinstance(v, str) else None for v in u)) for u in uniques]
        loc_lat = np.array([x.latitude for x in located], dtype=np.float64)
        loc_lon = np.array([x.longitude for x in located], dtype=np.float64)
        lat[todo] = loc_lat[codes_]
        lon[todo] = loc_lon[codes_]
        place[todo] = np.array([x.place for x in located], dtype=object)[codes_]
        country[todo] = np.array([x.country for x in located], dtype=object)[codes_]
        source[todo] = np.array([x.source or None for x in located], dtype=object)[codes_]
        why = np.array([x.reason for x in located], dtype=object)[codes_]
        # Bad coordinates are the reason when nothing else located the record.
        bad = some_coords[todo] & (why != None)  # noqa: E711 - elementwise on an object array
        why[bad] = "bad_coordinates"
        reason[todo] = why
    _chinese_units_for_towns(lat, lon, place, country)
    src_counts = pd.Series(source).value_counts(dropna=True)
    return Geocoded(
        lat,
        lon,
        place,
        country,
        source,
        reason,
        distinct_keys=distinct,
        sources={str(k): int(v) for k, v in src_counts.items()},
    )


def _chinese_units_for_towns(
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    place: npt.NDArray[np.object_],
    country: npt.NDArray[np.object_],
) -> None:
    """Mainland places found in the world gazetteer ('Baoshan, CN') are named by the nearest
    GB/T 2260 seat, like every other Chinese record, so that district breakdowns and cluster
    names use one system of units. Their coordinates stay as found."""
    gn_cn = np.asarray(
        [
            isinstance(p, str) and p.startswith("GN:") and c == "CN"
            for p, c in zip(place, country, strict=True)
        ],
        dtype=bool,
    )
    idx = np.flatnonzero(gn_cn)
    if len(idx) == 0:
        return
    pairs = pd.DataFrame({"la": lat[idx], "lo": lon[idx]})
    uniq = pairs.drop_duplicates().reset_index(drop=True)
    keys = reverse(uniq["la"].to_numpy(), uniq["lo"].to_numpy(), chinese_only=True)
    uniq["key"] = pd.Series(keys, dtype=object)
    merged = pairs.merge(uniq, on=["la", "lo"], how="left")["key"].to_numpy(dtype=object)
    for i, key in zip(idx, merged, strict=True):
        if isinstance(key, str) and key.startswith("CN:"):
            place[i] = key


def reasons_table(reasons: Sequence[str | None]) -> dict[str, int]:
    """Count of records per unmatched reason (located records left out)."""
    out: dict[str, int] = {}
    for r in reasons:
        if r is not None:
            out[r] = out.get(r, 0) + 1
    return out
