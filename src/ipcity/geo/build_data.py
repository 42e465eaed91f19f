"""Regenerate ``geo/data/regions.csv`` (maintainers only; never imported at run time).

Source: the adcodes table that the ``cpca`` package ships (MIT licence; GB/T 2260 codes with
longitude/latitude, about the 2016 vintage of the standard). We copy code, name and centroid,
and add an English name: hand-written for provinces and Shanghai's districts, pinyin (from the
``pypinyin`` package's offline dictionary, with fixes for place-name readings) for the rest.

    python -m ipcity.geo.build_data            # rewrites src/ipcity/geo/data/regions.csv

Freezing the table inside ipcity keeps every resolution reproducible: upgrading cpca cannot
silently move an address to another code (bump ``resolve.RESOLVER_VERSION`` when this file's
output changes).
"""

from __future__ import annotations

import csv
import importlib.util
import re
from pathlib import Path

OUT = Path(__file__).resolve().parent / "data" / "regions.csv"

# Official English (Chinese government usage) for the 34 provincial-level units.
PROVINCE_EN: dict[str, str] = {
    "110000": "Beijing",
    "120000": "Tianjin",
    "130000": "Hebei",
    "140000": "Shanxi",
    "150000": "Inner Mongolia",
    "210000": "Liaoning",
    "220000": "Jilin",
    "230000": "Heilongjiang",
    "310000": "Shanghai",
    "320000": "Jiangsu",
    "330000": "Zhejiang",
    "340000": "Anhui",
    "350000": "Fujian",
    "360000": "Jiangxi",
    "370000": "Shandong",
    "410000": "Henan",
    "420000": "Hubei",
    "430000": "Hunan",
    "440000": "Guangdong",
    "450000": "Guangxi",
    "460000": "Hainan",
    "500000": "Chongqing",
    "510000": "Sichuan",
    "520000": "Guizhou",
    "530000": "Yunnan",
    "540000": "Tibet",
    "610000": "Shaanxi",
    "620000": "Gansu",
    "630000": "Qinghai",
    "640000": "Ningxia",
    "650000": "Xinjiang",
    "710000": "Taiwan",
    "810000": "Hong Kong",
    "820000": "Macao",
}

# Shanghai's districts as the Shanghai government writes them.
SHANGHAI_EN: dict[str, str] = {
    "310100": "Shanghai (city districts)",
    "310101": "Huangpu District",
    "310104": "Xuhui District",
    "310105": "Changning District",
    "310106": "Jing'an District",
    "310107": "Putuo District",
    "310109": "Hongkou District",
    "310110": "Yangpu District",
    "310112": "Minhang District",
    "310113": "Baoshan District",
    "310114": "Jiading District",
    "310115": "Pudong New Area",
    "310116": "Jinshan District",
    "310117": "Songjiang District",
    "310118": "Qingpu District",
    "310120": "Fengxian District",
    "310151": "Chongming District",
}

# Readings that pypinyin's general dictionary gets wrong in place names: char -> (wrong, right).
CHAR_FIXES: dict[str, tuple[str, str]] = {
    "长": ("zhang", "chang"),  # 长宁 Changning, 长治 Changzhi (长子 Zhangzi is the exception)
    "朝": ("zhao", "chao"),  # 朝阳 Chaoyang
    "都": ("dou", "du"),  # 郫都 Pidu, 都匀 Duyun
    "什": ("shen", "shi"),  # 什邡 Shifang
    "蚌": ("bang", "beng"),  # 蚌山 Bengshan
    "涡": ("wo", "guo"),  # 涡阳 Guoyang
}
STEM_FIXES: dict[str, str] = {
    "长子": "Zhangzi",
    "洪洞": "Hongtong",
    "单": "Shan",
    "浚": "Xun",
    "阿勒泰": "Altay",
}

PSEUDO = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def _cpca_adcodes() -> Path:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("cpca is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


def _ethnic_names() -> list[str]:
    path = _cpca_adcodes().parent / "56_nations.csv"
    names = [n.strip() for n in path.read_text(encoding="utf8").split() if n.strip()]
    # Prefectures write some peoples without 族 (克孜勒苏柯尔克孜自治州, 巴音郭楞蒙古自治州).
    bare = [n[:-1] for n in names if n.endswith("族") and len(n) > 2]
    return sorted(set(names + bare), key=len, reverse=True)


def _pinyin(stem: str) -> str:
    from pypinyin import lazy_pinyin  # type: ignore[import-not-found,unused-ignore]  # build only

    if stem in STEM_FIXES:
        return STEM_FIXES[stem]
    out: list[str] = []
    for ch, py in zip(stem, lazy_pinyin(stem), strict=True):
        fix = CHAR_FIXES.get(ch)
        if fix and py == fix[0] and not stem.startswith("长子"):
            py = fix[1]
        py = py.replace("v", "ü")
        # Pinyin apostrophe: a syllable starting with a vowel after another syllable (Xi'an).
        if out and py[:1] in ("a", "o", "e"):
            py = "'" + py
        out.append(py)
    return "".join(out).capitalize()


def _split_suffix(name: str, ethnic: list[str]) -> tuple[str, str]:
    """'石柱土家族自治县' -> ('石柱', 'Autonomous County'); '浦东新区' -> ('浦东', 'New Area')."""
    for suffix, en in (
        ("自治州", "Autonomous Prefecture"),
        ("自治县", "Autonomous County"),
        ("自治旗", "Autonomous Banner"),
        ("新区", "New Area"),
        ("群岛", "Islands"),
        ("地区", "Prefecture"),
        ("区", "District"),
        ("县", "County"),
        ("旗", "Banner"),
        ("盟", "League"),
        ("市", ""),
    ):
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                stripped = stem
                changed = True
                while changed:
                    changed = False
                    for e in ethnic:
                        if stripped.endswith(e) and len(stripped) > len(e):
                            stripped = stripped[: -len(e)]
                            changed = True
                if stripped == stem:  # the whole stem is a people's name: 鄂温克族自治旗
                    stripped = stem[:-1] if stem.endswith("族") else stem
                stem = stripped
            return stem, en
    return name, ""


def english_name(code: str, name: str, names: dict[str, str], ethnic: list[str]) -> str:
    if code in PROVINCE_EN:
        return PROVINCE_EN[code]
    if code in SHANGHAI_EN:
        return SHANGHAI_EN[code]
    if name == "中沙群岛的岛礁及其海域":
        return "Zhongsha Islands"
    if name in ("神农架林区", "六枝特区"):  # the only 林区 / 特区 (other names merely end in 林区)
        return {"神农架林区": "Shennongjia Forestry District"}.get(name, "Liuzhi Special District")
    if name in PSEUDO:
        parent_code = code[:4] + "00" if code[4:] != "00" else code[:2] + "0000"
        parent_en = english_name(parent_code, names.get(parent_code, ""), names, ethnic)
        label = {
            "市辖区": "city districts",
            "县": "counties",
        }.get(name, "county-level units under the province")
        return f"{parent_en} ({label})"
    stem, suffix = _split_suffix(name, ethnic)
    base = _pinyin(stem)
    return f"{base} {suffix}" if suffix else base


def build() -> int:
    ethnic = _ethnic_names()
    with _cpca_adcodes().open(encoding="utf8", newline="") as f:
        rows = [
            (r["adcode"][:6], r["name"], r["latitude"], r["longitude"]) for r in csv.DictReader(f)
        ]
    names = {code: name for code, name, _, _ in rows}
    rows.sort()
    with OUT.open("w", encoding="utf8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "name_en", "latitude", "longitude"])
        for code, name, lat, lon in rows:
            w.writerow([code, name, english_name(code, name, names, ethnic), lat, lon])
    return len(rows)


def _check_codes(path: Path) -> None:
    codes = [line.split(",", 1)[0] for line in path.read_text(encoding="utf8").splitlines()[1:]]
    bad = [c for c in codes if not re.fullmatch(r"\d{6}", c)]
    if bad or len(set(codes)) != len(codes):
        raise SystemExit(f"bad or duplicate codes: {bad[:5]}")


if __name__ == "__main__":
    n = build()
    _check_codes(OUT)
    print(f"wrote {n} regions to {OUT}")  # noqa: T201
