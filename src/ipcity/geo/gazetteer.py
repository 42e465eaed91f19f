"""The GB/T 2260 gazetteer that ships with ipcity (``geo/data/regions.csv``).

One row per code: Chinese name, English name, centroid. Built by ``ipcity.geo.build_data`` from
the cpca package's adcodes table (see docs/regions.md for sources, licences and vintage).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

# GB/T 2260 rows that are placeholders, not places: "municipal districts" of a city, the
# "counties" of Chongqing, the county-level units directly under a province.
PSEUDO_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

RANK_PROVINCE, RANK_CITY, RANK_DISTRICT = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    name_en: str
    latitude: float | None
    longitude: float | None
    rank: int  # 0 province, 1 city, 2 district (from the code's trailing zeros)
    prefix: str  # the code prefix every contained code shares: "31", "3101", "310115"
    pseudo: bool

    def contains(self, other: Region) -> bool:
        return other.code.startswith(self.prefix)


def rank_of(code: str) -> int:
    if code.endswith("0000"):
        return RANK_PROVINCE
    if code.endswith("00"):
        return RANK_CITY
    return RANK_DISTRICT


def prefix_of(code: str) -> str:
    return code[: (2, 4, 6)[rank_of(code)]]


def _float(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def regions() -> dict[str, Region]:
    """Every code of the gazetteer -> its Region, in code order."""
    text = resources.files("ipcity.geo").joinpath("data/regions.csv").read_text(encoding="utf8")
    out: dict[str, Region] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row["code"]
        out[code] = Region(
            code=code,
            name=row["name"],
            name_en=row["name_en"],
            latitude=_float(row["latitude"]),
            longitude=_float(row["longitude"]),
            rank=rank_of(code),
            prefix=prefix_of(code),
            pseudo=row["name"] in PSEUDO_NAMES,
        )
    return out
