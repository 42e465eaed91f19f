"""Address -> Place, and the precedence of explicit code, address and country. Every expected
code was looked up by hand in GB/T 2260 (e.g. 330106 = 杭州市西湖区, 320302 = 徐州市鼓楼区)."""

from __future__ import annotations

import pytest

from ipcity.geo.countries import ZH_COUNTRY_NAMES, normalize_country
from ipcity.geo.resolve import (
    NOWHERE,
    RESOLVER_VERSION,
    Place,
    attribute,
    resolve_address,
    resolve_addresses,
)
from tests.support.shanghai import SHANGHAI_DISTRICTS as DISTRICTS

SHANGHAI_DISTRICTS = {code: (zh, short) for code, (zh, short, _) in DISTRICTS.items()}
# Names that also belong to a district elsewhere: 普陀区 (舟山 330903), 宝山区 (双鸭山 230506).
SHARED = {"310107", "310113"}


def cn(code: str, level: str) -> Place:
    return Place(code, "CN", level)  # type: ignore[arg-type]


def country(iso: str) -> Place:
    return Place(None, iso, "country")


@pytest.mark.parametrize("code", sorted(SHANGHAI_DISTRICTS))
def test_every_shanghai_district(code: str) -> None:
    full, short = SHANGHAI_DISTRICTS[code]
    assert resolve_address(f"上海市{full}科技园1号") == cn(code, "district")
    assert resolve_address(f"200000 上海市{full}某某镇100号") == cn(code, "district")
    assert resolve_address(f"上海{short}科技园1号") == cn(code, "district")
    assert resolve_address(f"上海市{short}工业园区") == cn(code, "district")
    # Without the city: unique names resolve; names shared with another city are only "in CN".
    alone = cn(code, "district") if code not in SHARED else country("CN")
    assert resolve_address(f"{full}科技园1号") == alone


def test_standalone_shanghai_short_forms() -> None:
    assert resolve_address("浦东张江高科技园区") == cn("310115", "district")
    assert resolve_address("闵行莘庄工业区") == cn("310112", "district")
    # 金山 is no district on its own (金山路, 金山大道 exist in many cities): nothing found.
    assert resolve_address("金山大道100号") == NOWHERE


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("浦东新区张江路88号", cn("310115", "district")),  # no province, no city
        ("杭州市莫干山路100号", cn("330100", "city")),  # city only
        ("杭州市西湖区文三路90号", cn("330106", "district")),
        ("浙江杭州西湖区", cn("330106", "district")),  # short forms of province and city
        ("云南省昆明理工大学", cn("530100", "city")),  # 昆明 inside 云南
        ("云南省某某大学", cn("530000", "province")),  # province only
        ("云南省西山路8号", cn("530000", "province")),  # 西山路 is a street, not 昆明市西山区
        ("中国上海市", cn("310000", "province")),
        ("上海市 浦东新区 张江路８８号", cn("310115", "district")),  # spaces, full-width digits
        ("吉林省吉林市", cn("220200", "city")),  # 吉林: province and city
        ("吉林长春", cn("220100", "city")),  # 吉林 as province, then 长春 inside it
        ("内蒙古包头", cn("150200", "city")),
        ("湖北省潜江市", cn("429005", "district")),  # county-level city under the province
        ("梅县区新城", cn("441403", "district")),  # cpca reads 县 alone as Chongqing's 500200
        ("上海市南京西路1号", cn("310000", "province")),  # a street named after Nanjing
        ("江苏省南京路1号", cn("320000", "province")),
        ("河北唐山路南区", cn("130202", "district")),  # 唐山 + 路南区, not a street 唐山路
        ("海南琼中东方路487号", cn("469030", "district")),  # 琼中县 (cpca: 东方市, from 东方路)
    ],
)
def test_mainland(address: str, expected: Place) -> None:
    assert resolve_address(address) == expected


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        # 鼓楼区 is a district of Nanjing 320106, Xuzhou 320302, Fuzhou 350102, Kaifeng 410204.
        ("江苏省南京市鼓楼区中山北路1号", "320106"),
        ("江苏省徐州市鼓楼区", "320302"),
        ("福建省福州市鼓楼区", "350102"),
        ("河南省开封市鼓楼区", "410204"),
        ("福建省鼓楼区", "350102"),  # the only one in Fujian
        ("北京市朝阳区", "110105"),  # 朝阳区: Beijing 110105, Changchun 220104
        ("吉林省长春市朝阳区", "220104"),
        ("北京朝阳", "110105"),  # short form inside Beijing (朝阳 alone is 朝阳市, Liaoning)
        ("朝阳区建国路88号,北京", "110105"),  # the city after the district settles it
    ],
)
def test_district_names_shared_by_several_cities(address: str, expected: str) -> None:
    assert resolve_address(address) == cn(expected, "district")


def test_shared_district_name_without_city() -> None:
    assert resolve_address("鼓楼区中山路1号") == country("CN")  # not Zhongshan (中山路 is a street)
    assert resolve_address("江苏省鼓楼区") == cn("320000", "province")  # two in Jiangsu


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("香港九龙尖沙咀", Place("810000", "HK", "province")),
        ("中国香港湾仔", Place("810000", "HK", "province")),
        ("香港特别行政区", Place("810000", "HK", "province")),
        ("澳门氹仔", Place("820000", "MO", "province")),
        ("台湾新竹市", Place("710000", "TW", "province")),
        ("中国台湾台北市信义区", Place("710000", "TW", "province")),
        ("台北市内湖区", Place("710000", "TW", "province")),
        ("江苏省常州市新北区", cn("320411", "district")),  # not 新北市, Taiwan
        ("重庆市九龙坡区", cn("500107", "district")),  # not Kowloon
        ("香港路100号", NOWHERE),  # a street, found in many cities
    ],
)
def test_hong_kong_macao_taiwan(address: str, expected: Place) -> None:
    assert resolve_address(address) == expected


@pytest.mark.parametrize(
    ("address", "iso"),
    [
        ("韩国京畿道果川市", "KR"),
        ("韩国京畿道", "KR"),
        ("韩国首尔特别市江南区", "KR"),  # 江南区 is also a district of Nanning (450105)
        ("大韩民国首尔", "KR"),
        ("日本京都府", "JP"),
        ("日本国东京都港区", "JP"),
        ("美国马萨诸塞州", "US"),
        ("美利坚合众国加利福尼亚州", "US"),
        ("德国慕尼黑", "DE"),
        ("瑞士巴塞尔", "CH"),
        ("英属维尔京群岛托尔托拉", "VG"),
        ("开曼群岛大开曼", "KY"),
        ("加利福尼亚州圣何塞，美国", "US"),  # country at the end
        ("蒙古国乌兰巴托", "MN"),
    ],
)
def test_foreign_in_chinese(address: str, iso: str) -> None:
    assert resolve_address(address) == country(iso)


def test_country_table_covers_the_main_filers() -> None:
    foreign = set(ZH_COUNTRY_NAMES) - {"CN", "HK", "MO", "TW"}
    assert len(foreign) >= 50
    for iso in ("KR", "JP", "US", "DE", "FR", "GB", "CH", "NL", "SE", "FI", "IT", "CA", "AU"):
        assert iso in foreign
    for iso in ("SG", "IL", "IN", "RU", "ES", "BE", "DK", "AT"):
        assert iso in foreign


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("Seoul, KR", country("KR")),
        ("Tokyo, Japan", country("JP")),
        ("Cambridge, MA, US", country("US")),
        ("Cambridge, MA 02139", country("US")),  # state + ZIP
        ("Cambridge, MA", country("US")),  # MA is also Morocco: Cambridge is a US city in MA
        ("Munich, DE", country("DE")),  # DE is also Delaware: Munich is a German city
        ("Paris, France", country("FR")),
        ("San Jose, CA 95134, U.S.A.", country("US")),
        ("Shanghai", cn("310000", "province")),
        ("Pudong, Shanghai", cn("310115", "district")),
        ("Pudong New Area, Shanghai, P.R. China", cn("310115", "district")),
        ("Shenzhen, Guangdong", cn("440300", "city")),
        ("Beijing", cn("110000", "province")),
        ("Haidian District, Beijing, China", cn("110108", "district")),
        ("Suzhou, Anhui", cn("341300", "city")),  # 宿州; Suzhou Jiangsu is 苏州 320500
        ("Suzhou, China", country("CN")),  # 苏州 or 宿州: only the country is sure
        ("Hong Kong", Place("810000", "HK", "province")),
        ("Taipei, Taiwan", Place("710000", "TW", "province")),
    ],
)
def test_english(address: str, expected: Place) -> None:
    assert resolve_address(address) == expected


@pytest.mark.parametrize(
    "junk",
    ["", "   ", "未知", "不详", "N/A", "-", "1234567", "某某科技有限公司", "芒果科技", "???"],
)
def test_nothing_found(junk: str) -> None:
    assert resolve_address(junk) == NOWHERE


def test_peoples_are_not_countries() -> None:
    # 延边朝鲜族自治州 is Yanbian (222400); 朝鲜 alone at the start would be North Korea.
    assert resolve_address("吉林省延边朝鲜族自治州延吉市") == cn("222401", "district")
    assert resolve_address("朝鲜族自治州") == NOWHERE
    assert resolve_address("内蒙古自治区") == cn("150000", "province")  # not 蒙古 (MN)


def test_only_china() -> None:
    assert resolve_address("中国") == country("CN")


def test_resolve_addresses_keeps_order_and_length() -> None:
    got = resolve_addresses(["日本京都府", None, "上海市浦东新区", "", "日本京都府"])
    assert got == [country("JP"), NOWHERE, cn("310115", "district"), NOWHERE, country("JP")]
    assert resolve_addresses([]) == []
    assert RESOLVER_VERSION


# -- precedence ------------------------------------------------------------------------------


def test_explicit_code_wins() -> None:
    assert attribute("310115", "北京市海淀区", None) == cn("310115", "district")
    assert attribute("310115", "北京市海淀区", "CN") == cn("310115", "district")
    # A conflicting country is kept as given (data are not rewritten); the code still counts.
    assert attribute("310115", "北京市海淀区", "US") == Place("310115", "US", "district")
    assert attribute("310115000000", None, None) == cn("310115", "district")
    assert attribute("810000", None, None) == Place("810000", "HK", "province")


def test_unknown_code_falls_back_to_address() -> None:
    assert attribute("310199", "上海市浦东新区", None) == cn("310115", "district")
    assert attribute("abc", "上海市浦东新区", "CN") == cn("310115", "district")


def test_foreign_country_decides_against_a_chinese_address() -> None:
    assert attribute(None, "上海市浦东新区张江路88号", "US") == country("US")
    assert attribute(None, "上海市浦东新区", "美国") == country("US")  # country written in Chinese
    assert attribute(None, "Pudong, Shanghai", "JP") == country("JP")
    assert attribute(None, "香港九龙", "US") == country("US")


def test_address_fills_empty_country() -> None:
    assert attribute(None, "美国马萨诸塞州", None) == country("US")
    assert attribute(None, "美国马萨诸塞州", "") == country("US")
    assert attribute(None, "上海市浦东新区", None) == cn("310115", "district")
    assert attribute(None, "Tokyo, Japan", None) == country("JP")


def test_given_country_and_agreeing_address() -> None:
    assert attribute(None, "上海市浦东新区", "CN") == cn("310115", "district")
    assert attribute(None, "日本京都府", "JP") == country("JP")
    assert attribute(None, "香港九龙", "HK") == Place("810000", "HK", "province")


def test_given_country_against_other_addresses() -> None:
    assert attribute(None, "日本京都府", "CN") == country("CN")  # CN: no foreign result
    assert attribute(None, "香港九龙", "CN") == country("CN")
    assert attribute(None, "上海市", "HK") == country("HK")
    assert attribute(None, "韩国京畿道", "JP") == country("JP")


def test_country_alone() -> None:
    assert attribute(None, None, "JP") == country("JP")
    assert attribute(None, "未知", "cn") == country("CN")
    assert attribute(None, None, "HK") == country("HK")  # contains("810000", ...) holds it
    assert attribute(None, None, None) == NOWHERE
    assert attribute(None, None, "not a country") == NOWHERE


@pytest.mark.parametrize(
    ("value", "iso"),
    [("cn", "CN"), (" US ", "US"), ("中国", "CN"), ("美国", "US"), ("Japan", "JP"), ("XX", None)],
)
def test_normalize_country(value: str, iso: str | None) -> None:
    assert normalize_country(value) == iso


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("上海市闸北区共和新路1号", "310106"),  # 闸北 merged into 静安 in 2015
        ("上海市卢湾区淮海中路", "310101"),  # 卢湾 merged into 黄浦 in 2011
        ("上海市南汇区惠南镇", "310115"),  # 南汇 merged into 浦东 in 2009 (not Qingdao's 市南区)
        ("上海市崇明县城桥镇", "310151"),  # 崇明县 became 崇明区 in 2016
        ("中国(上海)自由贸易试验区张江路88号", "310115"),  # the FTZ without a district: Pudong
        ("中国（上海）自由贸易试验区", "310115"),
    ],
)
def test_former_shanghai_names_resolve_to_their_successor(address: str, code: str) -> None:
    (place,) = resolve_addresses([address])
    assert (place.region_code, place.country, place.level) == (code, "CN", "district")
