"""Addresses -> places: a GB/T 2260 code at the most specific level the address allows, and the
country (ISO 3166 alpha-2). Offline; see docs/regions.md for the rules and their precedence.

``resolve_addresses`` reads addresses alone; ``attribute`` combines an explicit region code, an
address and a country column into the place a party is counted at.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

from ipcity.geo import en_matcher, zh_matcher
from ipcity.geo.countries import ZH_START_ONLY, normalize_country, zh_names
from ipcity.geo.gazetteer import Region, regions
from ipcity.geo.regions import CODE_OF_COUNTRY, country_of, normalize_code
from ipcity.geo.regions import level as code_level
from ipcity.geo.zh_matcher import is_street

# Recorded with every cached resolution (warehouse table address_regions): bump it whenever a
# change here, in the matchers, the country table or data/regions.csv can change a result.
RESOLVER_VERSION = "ipcity-geo-2"  # 2: former Shanghai district names, the FTZ

PlaceLevel = Literal["district", "city", "province", "country"]


@dataclass(frozen=True)
class Place:
    region_code: str | None
    country: str | None
    level: PlaceLevel | None


NOWHERE = Place(None, None, None)

_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
# What may precede the country in a Chinese address: postcode, spaces, punctuation.
_LEAD = " \t0123456789,.;:()-#（）、，。：；"


class _ForeignNames:
    """Chinese country names: at the start of an address (any name) or anywhere in it (names
    that cannot be part of a Chinese word)."""

    def __init__(self) -> None:
        names = zh_names()
        self.by_first2: dict[str, list[tuple[str, str]]] = {}
        for n, iso in sorted(names.items(), key=lambda kv: -len(kv[0])):
            self.by_first2.setdefault(n[:2], []).append((n, iso))
        anywhere = sorted((n for n in names if n not in ZH_START_ONLY), key=len, reverse=True)
        self.iso = names
        # Not followed by a street word: 香港路 and 台湾路 are streets in many mainland cities.
        self.anywhere = re.compile(
            "(" + "|".join(map(re.escape, anywhere)) + ")(?![路街道巷弄]|[东西南北中大][路街道巷])"
        )

    def at_start(self, text: str) -> str | None:
        for n, iso in self.by_first2.get(text[:2], ()):
            if text.startswith(n):
                # 香港路 is a street; 朝鲜族/蒙古族 are peoples, not countries.
                after = text[len(n) : len(n) + 1]
                return None if after == "族" or is_street(text, len(n)) else iso
        return None

    def inside(self, text: str) -> str | None:
        m = self.anywhere.search(text)
        return self.iso[m.group(1)] if m else None


@cache
def _foreign_names() -> _ForeignNames:
    return _ForeignNames()


def _of_region(r: Region) -> Place:
    return _places()[r.code]


@cache
def _places() -> dict[str, Place]:
    """The Place of every code, made once (resolution is per address; millions of them)."""
    return {c: Place(c, country_of(c), code_level(c)) for c in regions()}


def _of_country(iso: str) -> Place:
    code = CODE_OF_COUNTRY.get(iso)
    if code is not None:  # HK, MO, TW are one GB/T 2260 unit each
        return Place(code, iso, "province")
    return Place(None, iso, "country")


def resolve_address(address: str | None) -> Place:
    """One address -> Place (see ``resolve_addresses``)."""
    if not isinstance(address, str):
        return NOWHERE
    text = "".join(unicodedata.normalize("NFKC", address).split())
    if not text:
        return NOWHERE
    foreign = _foreign_names()
    has_han = _HAN.search(text) is not None
    in_china = False  # the address says China but nothing more specific
    if has_han:
        head = text.lstrip(_LEAD)
        iso = foreign.at_start(head)
        if iso is not None and iso != "CN":
            return _of_country(iso)
        in_china = iso == "CN"  # "中国..."
        found = zh_matcher.matcher().match(text)
        if found.region is not None:
            return _of_region(found.region)
        if found.ambiguous:  # a mainland name shared by several units: in CN, not more
            return Place(None, "CN", "country")
        iso = foreign.inside(text)
        if iso is not None and iso != "CN":
            return _of_country(iso)
        in_china = in_china or iso == "CN"
    if _LATIN.search(text):
        # Spaces separate words in Latin script: match the normalised text with its spaces.
        en = en_matcher.matcher().match(unicodedata.normalize("NFKC", address))
        if en.region is not None and (
            en.country is None or en.country == country_of(en.region.code)
        ):
            return _of_region(en.region)
        if en.country is not None:
            return _of_country(en.country)
    if in_china:
        return Place(None, "CN", "country")
    return NOWHERE


def resolve_addresses(addresses: Sequence[str | None]) -> list[Place]:
    """One Place per address, same order; Place(None, None, None) where nothing is found.

    Chinese mainland -> the most specific code (district, else city, else province) and 'CN';
    Hong Kong / Macao / Taiwan -> 810000 / 820000 / 710000 and HK / MO / TW; a foreign country
    (in Chinese or English) -> Place(None, ISO, 'country'). Repeated addresses are resolved once.
    """
    memo: dict[str | None, Place] = {}
    out: list[Place] = []
    for a in addresses:
        p = memo.get(a)
        if p is None:
            p = memo[a] = resolve_address(a)
        out.append(p)
    return out


def attribute(region_code: str | None, address: str | None, country: str | None) -> Place:
    """The place a party is counted at, from its explicit region code, address and country.

    1. A known region code given explicitly wins; the country is the one given, else the
       code's (81 -> HK, 82 -> MO, 71 -> TW, else CN).
    2. Else the address. Its unit is used when no country is given or the given country is
       the unit's country ("otherwise country decides": country US + a Shanghai address -> no
       Chinese unit). A country found in the address fills an empty country.
    3. Else the given country alone (level "country"), or nothing.
    Countries are normalised first ('cn', '中国', 'Japan' -> CN, CN, JP; unknown -> absent).
    """
    given = normalize_country(country)
    code = normalize_code(region_code)
    if code is not None:
        return Place(code, given or country_of(code), code_level(code))
    found = resolve_address(address)
    if given is None or found.country == given:
        return found
    return Place(None, given, "country")
