"""Named places that located records belong to, and the units clusters are named after.

A place key is ``CN:<GB/T 2260 code>`` (a Chinese unit from ``ipcity.geo``) or ``GN:<geonameid>``
(a GeoNames place from the gazetteer). Clusters are named after *naming units*: for China the
prefecture-level city (a municipality as a whole: every Shanghai district names "Shanghai";
Kunshan names "Suzhou"), elsewhere the GeoNames place itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree  # type: ignore[import-untyped]

from ipcity.clusters.gazetteer import place_by_id, town_tree
from ipcity.clusters.sphere import EARTH_RADIUS_KM, chord_to_km, unit_vectors
from ipcity.geo import regions
from ipcity.geo.gazetteer import regions as all_regions

# Provincial-level units that are one city: their seat is a usable location and their name is
# the city's (Beijing, Tianjin, Shanghai, Chongqing, Hong Kong, Macao).
CITY_PROVINCES = frozenset({"11", "12", "31", "50", "81", "82"})
# A coordinate-only record is attributed to the nearest place within this distance.
REVERSE_MAX_KM = 30.0


@dataclass(frozen=True)
class PlaceInfo:
    key: str
    name: str  # English
    name_zh: str | None
    country: str
    latitude: float
    longitude: float


def cn_key(code: str) -> str:
    return f"CN:{code}"


def display_name(name: str) -> str:
    """A place name as cluster names use it: Korean '-si' (city) dropped: 'Seongnam-si' ->
    'Seongnam'."""
    for suffix in ("-si", "-shi"):
        if name.endswith(suffix) and len(name) > len(suffix) + 2:
            return name[: -len(suffix)]
    return name


def naming_unit(key: str) -> str:
    """The place key a cluster is named after: a Chinese district -> its prefecture city (or its
    municipality); a GeoNames place -> itself."""
    if not key.startswith("CN:"):
        return key
    code = key[3:]
    if code[:2] in CITY_PROVINCES:
        return cn_key(code[:2] + "0000")
    if regions.level(code) == "district":
        up = regions.parent(code)
        return cn_key(up) if up else key
    return key


@lru_cache(maxsize=65536)
def describe(key: str) -> PlaceInfo:
    """Name, country and coordinates of a place key."""
    if key.startswith("CN:"):
        code = key[3:]
        ll = regions.centroid(code) or (float("nan"), float("nan"))
        en = regions.name(code, "en")
        if code[:2] in CITY_PROVINCES and code.endswith("0000"):
            en = en.split(" (")[0]
        return PlaceInfo(key, en, regions.name(code, "zh"), regions.country_of(code), *ll)
    if key.startswith("GN:"):
        p = place_by_id(int(key[3:]))
        return PlaceInfo(key, p.name, None, p.country, p.latitude, p.longitude)
    raise ValueError(f"not a place key: {key}")


@lru_cache(maxsize=1)
def _cn_tree() -> tuple[cKDTree, list[str]]:
    # District and city seats (placeholder rows carry their parent's seat: skipped), and Hong
    # Kong and Macao, which are one unit each. Taiwan's single seat would misname the island.
    rows = [
        r
        for r in all_regions().values()
        if r.latitude is not None
        and r.longitude is not None
        and not r.pseudo
        and (r.rank > 0 or r.code[:2] in {"81", "82"})
        and not r.code.startswith("71")
    ]
    xyz = unit_vectors([r.latitude or 0.0 for r in rows], [r.longitude or 0.0 for r in rows])
    return cKDTree(xyz), [r.code for r in rows]


def reverse(
    lat: npt.ArrayLike, lon: npt.ArrayLike, *, chinese_only: bool = False
) -> list[str | None]:
    """Place keys for coordinates: the nearer of the nearest Chinese district/city seat and the
    nearest GeoNames town of 15,000+, if within ``REVERSE_MAX_KM``; else None. With
    ``chinese_only``, the nearest Chinese seat within that distance or None."""
    xyz = unit_vectors(lat, lon)
    if len(xyz) == 0:
        return []
    cn_tree, cn_codes = _cn_tree()
    gn_tree, gn_ids = town_tree()
    bound = 2.0 * math.sin(REVERSE_MAX_KM * 1.5 / 2.0 / EARTH_RADIUS_KM)
    d_cn, i_cn = cn_tree.query(xyz, k=1, distance_upper_bound=bound)
    d_gn, i_gn = gn_tree.query(xyz, k=1, distance_upper_bound=bound)
    d_cn_km, d_gn_km = chord_to_km(np.minimum(d_cn, 2.0)), chord_to_km(np.minimum(d_gn, 2.0))
    d_cn_km[~np.isfinite(d_cn)] = np.inf
    d_gn_km[~np.isfinite(d_gn)] = np.inf
    # Inside China the district seats are what the office reports by: prefer them.
    use_cn = (d_cn_km <= REVERSE_MAX_KM) & (
        chinese_only | (d_cn_km <= d_gn_km + REVERSE_MAX_KM / 2)
    )
    use_gn = ~use_cn & (d_gn_km <= REVERSE_MAX_KM)
    cn_keys = np.asarray([cn_key(c) for c in cn_codes], dtype=object)
    gn_keys = np.asarray([f"GN:{g}" for g in gn_ids], dtype=object)
    out = np.full(len(xyz), None, dtype=object)
    out[use_cn] = cn_keys[i_cn[use_cn]]
    out[use_gn] = gn_keys[i_gn[use_gn]]
    return list(out)
