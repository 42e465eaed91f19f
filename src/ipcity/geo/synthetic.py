"""Synthetic applicant addresses in the formats patent data holds, for benchmarks, agreement
checks against cpca and sample data. Deterministic for a given seed.

Each address comes with its *kind* (what it was built from) and the code it was built from, so
a benchmark can report agreement per kind.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ipcity.geo.gazetteer import RANK_CITY, RANK_DISTRICT, Region, regions
from ipcity.geo.zh_matcher import common_short_form, cpca_short_form

_STREETS = (  # noqa: SIM905
    "人民路 建设路 解放路 中山路 张江路 科苑路 文化路 学院路 长江路 黄河路 新华路 和平路 "
    "胜利路 工业大道 科技大道 高新路 创新路 东方路 世纪大道 滨江大道 环城北路 南京路 北京路 香港路 "
    "青年路 朝阳路 金山路 光明路 迎宾大道 发展大道"
).split()
_PARKS = (
    "",
    "",
    "",
    "科技园",
    "工业园区",
    "高新技术产业开发区",
    "经济技术开发区",
    "软件园",
    "创业园",
    "大厦",
    "产业园",
    "孵化器",
)
_TOWNS = ("", "", "", "", "镇", "街道", "乡")
_FOREIGN = (
    "韩国京畿道水原市",
    "韩国首尔特别市江南区",
    "韩国京畿道果川市",
    "大韩民国首尔市",
    "日本东京都港区",
    "日本京都府",
    "日本大阪府大阪市",
    "日本国神奈川县川崎市",
    "美国马萨诸塞州",
    "美国加利福尼亚州圣克拉拉",
    "美国特拉华州威尔明顿",
    "德国慕尼黑",
    "德国巴登-符腾堡州斯图加特",
    "法国巴黎",
    "英国伦敦",
    "瑞士巴塞尔",
    "荷兰埃因霍温",
    "瑞典斯德哥尔摩",
    "芬兰埃斯波",
    "意大利米兰",
    "加拿大安大略省多伦多",
    "澳大利亚新南威尔士州悉尼",
    "新加坡",
    "以色列特拉维夫",
    "印度班加罗尔",
    "开曼群岛大开曼",
    "英属维尔京群岛托尔托拉",
    "丹麦哥本哈根",
    "奥地利维也纳",
    "比利时布鲁塞尔",
    "西班牙马德里",
)
_GREATER_CHINA = (
    "香港九龙尖沙咀",
    "香港特别行政区新界沙田",
    "中国香港湾仔",
    "澳门",
    "中国澳门氹仔",
    "台湾新竹市",
    "中国台湾台北市信义区",
    "台北市内湖区",
    "台湾省台中市",
)
_ENGLISH = (
    "Seoul, KR",
    "Suwon-si, Gyeonggi-do, Republic of Korea",
    "Tokyo, Japan",
    "Osaka 530-0001, JP",
    "Cambridge, MA, US",
    "San Jose, CA 95134, USA",
    "Munich, Germany",
    "Paris, France",
    "Eindhoven, NL",
    "Pudong, Shanghai",
    "Shanghai",
    "Shenzhen, Guangdong",
    "Beijing",
    "Haidian District, Beijing, P.R. China",
    "Hangzhou, Zhejiang, China",
    "Hong Kong",
    "Taipei, Taiwan",
    "Basel, Switzerland",
    "London, United Kingdom",
    "Singapore",
)
_JUNK = (
    "",
    "未知",
    "不详",
    "同上",
    "无",
    "N/A",
    "-",
    "0",
    "见说明书",
    "某某科技有限公司",
    "1234567",
    "(空)",
    "地址不详",
    "???",
)


_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass(frozen=True)
class SyntheticAddress:
    text: str
    kind: str
    built_from: str | None  # the code the address was made from (None for foreign, junk)


def _street(rng: random.Random) -> str:
    road = rng.choice(_STREETS)
    number = f"{rng.randint(1, 2999)}号"
    extra = rng.choice(_PARKS)
    if extra and rng.random() < 0.5:
        extra += f"{rng.randint(1, 30)}号楼{rng.randint(101, 2808)}室"
    return road + number + extra


def _postcode(rng: random.Random) -> str:
    return f"{rng.randint(100000, 859999)} " if rng.random() < 0.3 else ""


def _town(rng: random.Random) -> str:
    suffix = rng.choice(_TOWNS)
    return (
        (rng.choice(("新", "城", "东", "西", "南", "北", "长", "高")) + "桥" + suffix)
        if suffix
        else ""
    )


def addresses(n: int, seed: int = 2260) -> list[SyntheticAddress]:
    """``n`` addresses: mostly mainland in the usual formats, plus short forms, foreign, Hong
    Kong/Macao/Taiwan, English and junk."""
    rng = random.Random(seed)
    units = [r for r in regions().values() if not r.pseudo and r.code[:2] not in ("71", "81", "82")]
    districts = [r for r in units if r.rank == RANK_DISTRICT]
    cities = [r for r in units if r.rank == RANK_CITY]
    known = regions()

    def up(r: Region, rank: int) -> Region | None:
        code = r.code[:2] + "0000" if rank == 0 else r.code[:4] + "00"
        u = known.get(code)
        return u if u is not None and not u.pseudo else None

    kinds = (
        ("full", 40),
        ("no_province", 14),
        ("district_only", 6),
        ("city_only", 8),
        ("province_only", 4),
        ("short_forms", 10),
        ("foreign_zh", 6),
        ("greater_china", 2),
        ("english", 4),
        ("junk", 6),
    )
    names = [k for k, _ in kinds]
    weights = [w for _, w in kinds]
    out: list[SyntheticAddress] = []
    for _ in range(n):
        kind = rng.choices(names, weights)[0]
        if kind in ("full", "no_province", "district_only", "short_forms"):
            d = rng.choice(districts)
            p, c = up(d, 0), up(d, 1)
            pn = p.name if p else ""
            cn = c.name if c else ""
            if kind == "full":
                parts = [pn, cn, d.name + _town(rng), _street(rng)]
                sep = " " if rng.random() < 0.1 else ""  # "浙江省 杭州市 西湖区 ..."
                text = _postcode(rng) + sep.join(p for p in parts if p)
                if rng.random() < 0.1:
                    text = rng.choice(("中国", "中国 ", "中华人民共和国")) + text
                if rng.random() < 0.05:  # full-width digits, as some exports write them
                    text = text.translate(_FULLWIDTH)
            elif kind == "no_province":
                text = cn + d.name + _street(rng)
            elif kind == "district_only":
                text = d.name + _street(rng)
            else:
                ps = cpca_short_form(pn) if pn else ""
                cs = cpca_short_form(cn) if cn else ""
                ds = common_short_form(d.name) or d.name
                text = ps + cs + (ds if rng.random() < 0.5 else d.name) + _street(rng)
            out.append(SyntheticAddress(text, kind, d.code))
        elif kind == "city_only":
            c = rng.choice(cities)
            p = up(c, 0)
            lead = (p.name if p else "") if rng.random() < 0.5 else ""
            out.append(SyntheticAddress(lead + c.name + _street(rng), kind, c.code))
        elif kind == "province_only":
            p = known[rng.choice(sorted({r.code[:2] for r in units})) + "0000"]
            out.append(SyntheticAddress(_postcode(rng) + p.name + _street(rng), kind, p.code))
        elif kind == "foreign_zh":
            out.append(SyntheticAddress(rng.choice(_FOREIGN) + _street(rng)[-6:], kind, None))
        elif kind == "greater_china":
            out.append(SyntheticAddress(rng.choice(_GREATER_CHINA), kind, None))
        elif kind == "english":
            out.append(
                SyntheticAddress(f"{rng.randint(1, 999)} " + rng.choice(_ENGLISH), kind, None)
            )
        else:
            out.append(SyntheticAddress(rng.choice(_JUNK), kind, None))
    return out
