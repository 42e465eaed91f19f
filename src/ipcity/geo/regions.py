"""GB/T 2260 administrative codes: levels, nesting, names, centroids.

A code is six digits: ``xx0000`` a province-level unit (province, autonomous region,
municipality, SAR), ``xxxx00`` a prefecture-level unit (city), anything else a county-level
unit (district, county, county-level city). Codes nest by prefix: 310000 (Shanghai) contains
every 31xxxx, 310100 every 3101xx. A *region* as users name it is a code, an ISO 3166 alpha-2
country (``CN`` = mainland China = every code outside 71/81/82; ``HK`` = 810000, ``MO`` =
820000, ``TW`` = 710000), or ``ALL``.
"""

from __future__ import annotations

import re
from typing import Literal

from ipcity.errors import InputError
from ipcity.geo.countries import iso_codes
from ipcity.geo.gazetteer import RANK_DISTRICT, Region, prefix_of, rank_of, regions

Level = Literal["province", "city", "district"]
_LEVELS: tuple[Level, Level, Level] = ("province", "city", "district")
_CODE = re.compile(r"\d{6}")
_ISO2 = re.compile(r"[A-Z]{2}")

# GB/T 2260 province codes of the units that are their own ISO 3166 country.
COUNTRY_OF_PROVINCE: dict[str, str] = {"71": "TW", "81": "HK", "82": "MO"}
CODE_OF_COUNTRY: dict[str, str] = {"TW": "710000", "HK": "810000", "MO": "820000"}
CHINA_COUNTRIES = frozenset({"CN", "HK", "MO", "TW"})


def _checked(code: str) -> str:
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise InputError(f"not a GB/T 2260 region code (six digits): {code!r}")
    return code


def normalize_code(value: object) -> str | None:
    """A region code as data files write it -> the known six-digit code, or None.

    Accepts surrounding spaces, a 12-digit statistical code ending in six zeros
    ('310115000000') and numbers read from spreadsheets (310115, 310115.0).
    """
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if len(text) == 12 and text.endswith("000000"):
        text = text[:6]
    return text if _CODE.fullmatch(text) and text in regions() else None


def level(code: str) -> Level:
    """'310000' -> 'province', '310100' -> 'city', '310115' -> 'district'."""
    return _LEVELS[rank_of(_checked(code))]


def prefix(code: str) -> str:
    """The prefix all contained codes share: '310000' -> '31', '310100' -> '3101'."""
    return prefix_of(_checked(code))


def is_known(code: str) -> bool:
    """Whether the code is in the gazetteer (a string of six digits that names a unit)."""
    return isinstance(code, str) and code in regions()


def country_of(code: str) -> str:
    """ISO alpha-2 of a code: 'TW' for 71xxxx, 'HK' for 81xxxx, 'MO' for 82xxxx, else 'CN'."""
    return COUNTRY_OF_PROVINCE.get(_checked(code)[:2], "CN")


def _region(code: str) -> Region:
    r = regions().get(_checked(code))
    if r is None:
        raise InputError(f"unknown GB/T 2260 region code: {code}")
    return r


def name(code: str, lang: Literal["zh", "en"] = "zh") -> str:
    """Official Chinese name, or the English name ('Pudong New Area', 'Inner Mongolia').

    Placeholder rows (市辖区 ...) are qualified by their parent: '上海市市辖区'.
    """
    r = _region(code)
    if lang == "en":
        return r.name_en
    if lang != "zh":
        raise InputError(f"unknown language {lang!r}: use 'zh' or 'en'")
    if r.pseudo:
        up = parent(code)
        return (name(up) if up else "") + r.name
    return r.name


def parent(code: str) -> str | None:
    """The nearest known enclosing unit: '310115' -> '310100', '310100' -> '310000',
    '310000' -> None. A district whose city row is missing goes to the province."""
    rank = rank_of(_checked(code))
    candidates = ([code[:4] + "00"] if rank == RANK_DISTRICT else []) + (
        [code[:2] + "0000"] if rank > 0 else []
    )
    known = regions()
    return next((c for c in candidates if c in known), None)


def centroid(code: str) -> tuple[float, float] | None:
    """(latitude, longitude) of the unit's seat as the gazetteer gives it; None if unknown."""
    r = regions().get(_checked(code))
    if r is None or r.latitude is None or r.longitude is None:
        return None
    return (r.latitude, r.longitude)


def districts(parent_code: str) -> list[str]:
    """The county-level units inside a province or city (placeholder rows left out):
    districts('310000') -> the 16 districts of Shanghai."""
    p = prefix(parent_code)
    if len(p) == 6:
        return []
    return [
        r.code
        for r in regions().values()
        if r.rank == RANK_DISTRICT and r.code.startswith(p) and not r.pseudo
    ]


def check_region(region: str) -> str:
    """A region as users write it -> canonical form ('ALL', 'CN', 'US', '310000'); InputError
    when it is neither a known code, an ISO alpha-2 country nor ALL."""
    r = region.strip().upper() if isinstance(region, str) else ""
    if r == "ALL" or (_ISO2.fullmatch(r) is not None and r in iso_codes()):
        return r
    if _CODE.fullmatch(r) and r in regions():
        return r
    raise InputError(
        f"unknown region {region!r}: use a GB/T 2260 code (310000), a country (CN, US) or ALL"
    )


def contains(region: str, code: str | None, country: str | None) -> bool:
    """Whether a place (its region code and/or country) lies in ``region``.

    ``region``: a six-digit code (by prefix: 310000 contains 310115), 'CN' (mainland China:
    codes outside 71/81/82, or country CN when no code), another ISO alpha-2 (by country;
    HK/MO/TW also by their code), or 'ALL'. A place with only a country lies in a code region
    only when that country is a single code (HK = 810000, MO = 820000, TW = 710000).
    """
    r = check_region(region)
    if r == "ALL":
        return True
    place_code = _checked(code) if code is not None else None
    place_country = country.strip().upper() if country else None
    if place_code is None and place_country in CODE_OF_COUNTRY:
        place_code = CODE_OF_COUNTRY[place_country]
    if len(r) == 6:
        return place_code is not None and place_code.startswith(prefix_of(r))
    if place_code is not None:
        return country_of(place_code) == r
    return place_country == r


def sql_condition(
    region: str, code_column: str = "region_code", country_column: str = "country"
) -> str:
    """The SQL predicate of ``contains`` (DuckDB/PostgreSQL), for filtering a parties table.

    The region is validated first, so it is safe to inline.
    """
    r = check_region(region)
    col, ctry = code_column, country_column
    if r == "ALL":
        return "TRUE"
    if len(r) == 6:
        p = prefix_of(r)
        via_country = [c for c, code in CODE_OF_COUNTRY.items() if code.startswith(p)]
        cond = f"{col} LIKE '{p}%'"
        if via_country:
            cond = f"({cond} OR ({col} IS NULL AND {ctry} = '{via_country[0]}'))"
        return cond
    if r == "CN":
        return (
            f"(({col} IS NOT NULL AND substr({col}, 1, 2) NOT IN ('71', '81', '82'))"
            f" OR ({col} IS NULL AND {ctry} = 'CN'))"
        )
    if r in CODE_OF_COUNTRY:
        p = CODE_OF_COUNTRY[r][:2]
        return f"({col} LIKE '{p}%' OR ({col} IS NULL AND {ctry} = '{r}'))"
    return f"({col} IS NULL AND {ctry} = '{r}')"
