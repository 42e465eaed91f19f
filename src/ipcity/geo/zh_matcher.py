"""Chinese mainland addresses -> the most specific GB/T 2260 unit (offline, one pass).

The method is cpca's (its gazetteer, its name forms, its scan), made faster and stricter:

* Names: every unit's full name (浦东新区, 杭州市) and cpca's short form (the name less a final
  省/市/特别行政区/自治区: 杭州, 浙江; 内蒙古, 广西...). We add *context-only* short forms that
  cpca lacks (浦东 for 浦东新区, 延边 for 延边朝鲜族自治州, 石柱 for 石柱土家族自治县); they
  count only inside a province or city already found, so "金山大道" in Fuzhou stays Fuzhou.
  A few Shanghai district short forms (浦东, 闵行...) count on their own: they are unique
  nationwide and in everyday use (``STANDALONE_SHORT_FORMS``).
* Scan: an Aho-Corasick automaton (pyahocorasick, C) finds names; overlapping hits are reduced
  exactly as cpca does (the longest name at each end; a short form replaced by the full name
  that starts at the same place).
* Choice: the first name is taken at face value, each later one only if it lies inside the
  unit found so far and is more specific; the first county-level unit ends the scan (cpca).
  Unlike cpca, a name shared by several units (朝阳区: Beijing and Changchun; 鼓楼区: four
  cities) is not resolved to whichever comes first in a file: a later name can settle it
  ("朝阳区..., 北京"), otherwise the address is only known to be in mainland China. Placeholder
  rows (市辖区, 县) and one-character names (芒 for 芒市) are not names to look for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import ahocorasick  # type: ignore[import-untyped,import-not-found,unused-ignore]

from ipcity.geo.gazetteer import RANK_CITY, RANK_DISTRICT, RANK_PROVINCE, Region, regions

# cpca's short forms: strip a final 省/市/特别行政区/自治区; autonomous regions by hand.
_CPCA_SUFFIX = re.compile(r"([省市]|特别行政区|自治区)$")
_CPCA_SPECIAL = {
    "内蒙古自治区": "内蒙古",
    "广西壮族自治区": "广西",
    "西藏自治区": "西藏",
    "新疆维吾尔自治区": "新疆",
    "宁夏回族自治区": "宁夏",
}
# Suffixes whose removal gives a short form in common use (longest first).
_SHORT_SUFFIXES = ("自治州", "自治县", "自治旗", "新区", "地区", "区", "县", "旗", "盟")
# The 55 minority peoples as autonomous-unit names write them (with and without 族).
_PEOPLES = (  # noqa: SIM905
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 "
    "傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 "
    "毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 "
    "塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_PEOPLE_FORMS = sorted({p + "族" for p in _PEOPLES} | {p for p in _PEOPLES if len(p) > 1}, key=len)
_PEOPLE_FORMS.reverse()

# District short forms taken without a province or city before them: Shanghai's, where the
# short form names no other unit in China (普陀, 宝山 and 长宁 also name units elsewhere) and is
# not an everyday street name (金山路 and 金山大道 are everywhere).
_STANDALONE = "黄浦 徐汇 静安 虹口 杨浦 闵行 嘉定 浦东 松江 青浦 奉贤 崇明"
STANDALONE_SHORT_FORMS = frozenset(_STANDALONE.split())


# Names no longer in GB/T 2260 that addresses still carry (old registrations, company records),
# mapped to the unit that took the area over. Shanghai: 卢湾 -> 黄浦 (2011), 闸北 -> 静安 (2015),
# 南汇 -> 浦东 (2009), 崇明县 -> 崇明区 (2016). The China (Shanghai) Pilot Free Trade Zone written
# without a district is attributed to Pudong, where its bonded areas, Lujiazui, Jinqiao and
# Zhangjiang lie (most of its area; Lingang's Fengxian part is the exception).
FORMER_NAMES: dict[str, str] = {
    "卢湾区": "310101",
    "闸北区": "310106",
    "南汇区": "310115",
    "崇明县": "310151",
    "中国(上海)自由贸易试验区": "310115",
    "中国（上海）自由贸易试验区": "310115",
    "上海自由贸易试验区": "310115",
    "上海自贸区": "310115",
}


def cpca_short_form(name: str) -> str:
    return _CPCA_SPECIAL.get(name) or _CPCA_SUFFIX.sub("", name)


def common_short_form(name: str) -> str | None:
    """浦东新区 -> 浦东, 延边朝鲜族自治州 -> 延边, 石柱土家族自治县 -> 石柱; None if none."""
    for suffix in _SHORT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                changed = True
                while changed:
                    changed = False
                    for p in _PEOPLE_FORMS:
                        if stem.endswith(p) and len(stem) > len(p):
                            stem = stem[: -len(p)]
                            changed = True
            return stem if len(stem) >= 2 else None
    return None


@dataclass(frozen=True, slots=True)
class _Key:
    length: int
    extra: bool  # a short form cpca does not know: yields to any overlapping name
    short: bool  # not ending in 省/市/区/县...: may be the first part of a street name (南京路)
    standalone: tuple[Region, ...]  # units this name means on its own
    pick: Region | None  # the standalone unit, or the one containing all of them; None: ambiguous
    anywhere: tuple[Region, ...]  # standalone + context-only units (inside a unit already found)


@dataclass(frozen=True, slots=True)
class ZhMatch:
    region: Region | None  # most specific unit found
    ambiguous: bool  # a mainland name was found but it names several units


def _pick(units: tuple[Region, ...]) -> Region | None:
    if len(units) == 1:
        return units[0]
    for u in sorted(units, key=lambda r: r.rank):
        if all(u.contains(v) for v in units):
            return u
    return None


class ZhMatcher:
    def __init__(self) -> None:
        standalone: dict[str, list[Region]] = {}
        context: dict[str, list[Region]] = {}
        units = [r for r in regions().values() if not r.pseudo]
        for r in units:
            for key in {r.name, cpca_short_form(r.name)}:
                if len(key) >= 2:
                    standalone.setdefault(key, []).append(r)
        cpca_keys = set(standalone)
        for r in units:
            short = common_short_form(r.name)
            if short is None or r in standalone.get(short, ()):
                continue
            if r.rank == RANK_DISTRICT and short in STANDALONE_SHORT_FORMS:
                standalone.setdefault(short, []).append(r)
            else:
                context.setdefault(short, []).append(r)
                if r.name.endswith("自治州"):  # 延边州, 恩施州
                    context.setdefault(short + "州", []).append(r)
        # Two-character district names that are everyday words (城区, 郊区, 矿区, 东区...) count
        # only inside their city: "开发区东区" is not Panzhihua's 东区.
        for key in [k for k in standalone if len(k) == 2 and k.endswith("区")]:
            context.setdefault(key, []).extend(standalone.pop(key))
        table = regions()
        for key, code in FORMER_NAMES.items():  # full names: they win overlaps like any other
            standalone.setdefault(key, []).append(table[code])
            cpca_keys.add(key)
        self._ac = ahocorasick.Automaton()
        for key in standalone.keys() | context.keys():
            alone = tuple(sorted(standalone.get(key, ()), key=lambda r: r.code))
            every = alone + tuple(sorted(context.get(key, ()), key=lambda r: r.code))
            extra = key not in cpca_keys
            streetish = not key.endswith(_UNIT_ENDINGS)
            self._ac.add_word(key, _Key(len(key), extra, streetish, alone, _pick(alone), every))
        self._ac.make_automaton()

    def _hits(self, text: str) -> list[_Key]:
        """Names in the text: overlaps reduced as cpca's Matcher.iter does (the longest name at
        each end; a short form replaced by the full name starting at the same place), then
        street names (南京路, 中山北路) and our extra short forms that overlap a name dropped."""
        spans: list[tuple[int, int, _Key]] = []
        prev: tuple[int, int, _Key] | None = None
        prev_start = -2
        prev_end = -1
        for end, key in self._ac.iter(text):
            if end <= prev_end:
                continue
            start = end - key.length + 1
            if prev is not None:
                if start == prev_start:
                    spans.append((start, end, key))
                    prev = None
                else:
                    spans.append(prev)
                    prev = (start, end, key)
            else:
                prev = (start, end, key)
            prev_start = start
            prev_end = end
        if prev is not None:
            spans.append(prev)
        out: list[_Key] = []
        last = len(spans) - 1
        for i, (start, end, key) in enumerate(spans):
            # 唐山路南区 is 唐山 + 路南区, not 唐山路: a street only if no name starts at the 路.
            if key.short and is_street(text, end + 1) and (i == last or spans[i + 1][0] > end + 1):
                continue
            if key.extra and (
                (i > 0 and spans[i - 1][1] >= start) or (i < last and spans[i + 1][0] <= end)
            ):
                continue
            out.append(key)
        return out

    def match(self, text: str) -> ZhMatch:
        hits = self._hits(text)
        last: Region | None = None
        ambiguous = False
        for i, key in enumerate(hits):
            if last is None:
                if not key.standalone:
                    continue
                found = key.pick or _settle(key.standalone, hits[i + 1 :])
                if found is None:  # later names are street names ("和平区中山路"), not context
                    ambiguous = True
                    break
            else:
                # A name's own units first (和田 is 和田市), its context-only short forms after
                # (和田 for 和田县).
                inside = [u for u in key.standalone if u.rank > last.rank and last.contains(u)]
                if not inside:
                    inside = [u for u in key.anywhere if u.rank > last.rank and last.contains(u)]
                if not inside:
                    continue
                found = inside[0] if len(inside) == 1 else _pick(tuple(inside))
                if found is None:
                    continue
            last = found
            if last.rank == RANK_DISTRICT:
                break
        return ZhMatch(last, ambiguous and last is None)


_UNIT_ENDINGS = ("省", "市", "区", "县", "州", "旗", "盟", "岛", "域")
# What follows a name used as a street name: 南京路, 中山北路, 长江大道, 解放街, 北京巷.
_STREET_ONE = frozenset("路街道巷弄")
_STREET_TWO = frozenset(d + s for d in "东西南北中大" for s in "路街道巷")


def is_street(text: str, at: int) -> bool:
    """Whether a name ending before ``at`` is the first part of a street name."""
    return text[at : at + 1] in _STREET_ONE or text[at : at + 2] in _STREET_TWO


def _settle(units: tuple[Region, ...], later: list[_Key]) -> Region | None:
    """A shared name (朝阳区) settled by a later name of a unit containing exactly one of them."""
    for key in later:
        for outer in key.anywhere:
            if outer.rank in (RANK_PROVINCE, RANK_CITY):
                inside = [u for u in units if u.rank > outer.rank and outer.contains(u)]
                if len(inside) == 1:
                    return inside[0]
    return None


@cache
def matcher() -> ZhMatcher:
    return ZhMatcher()
