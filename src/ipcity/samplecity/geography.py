"""Places of the synthetic city: Shanghai's 16 districts (real GB/T 2260 codes and 7th-census
populations), places elsewhere in China, Hong Kong and abroad where co-applicants sit.

Road and town names are real Shanghai names used to make addresses look like the ones in patent
records; house numbers and rooms are random, so the full addresses are synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass

CITY_CODE = "310000"
CITY_NAME = "上海市"


@dataclass(frozen=True)
class District:
    code: str
    name: str
    #: 7th national census, 1 November 2020 (Shanghai census bulletin No. 2): real figures.
    census_2020: int
    #: relative weight of the district among patent applicants (synthetic, see docs)
    patent_weight: float
    postcode: str
    roads: tuple[str, ...]
    #: towns written before the road in suburban addresses ("安亭镇墨玉路…")
    towns: tuple[str, ...] = ()


# Patent weights follow the published district ranking of Shanghai patent grants in the 2020s
# (Pudong far ahead, then Minhang, Jiading, Songjiang, Baoshan, Xuhui, ...); exact shares are an
# assumption of the sample city, documented in docs/sample-city.md.
# One district a row: code, name, census 2020, patent weight, postcode | roads; an indented
# line goes on with the row above, and the towns follow a second "|".
_DISTRICT_TABLE = """
310101 黄浦区 662_030 2.0 200001 | 南京东路 淮海中路 西藏中路 中山南路 复兴中路 局门路
310104 徐汇区 1_113_078 6.0 200030 | 漕溪北路 宜山路 虹漕路 桂平路 田林路 钦州北路 龙华中路
310105 长宁区 693_051 2.5 200050 | 天山路 仙霞路 金钟路 协和路 延安西路 淞虹路
310106 静安区 975_707 3.0 200040 | 南京西路 共和新路 江场三路 汶水路 万荣路 灵石路
310107 普陀区 1_239_800 3.5 200333 | 中山北路 真北路 金沙江路 武威路 曹杨路 同普路
310109 虹口区 757_498 2.0 200080 | 四川北路 东大名路 广粤路 曲阳路 大连西路 汶水东路
310110 杨浦区 1_242_548 5.0 200433 | 国定路 政立路 军工路 长阳路 淞沪路 翔殷路
310112 闵行区 2_653_489 12.0 201100 | 剑川路 东川路 元江路 沪闵路 申长路 光华路 紫星路
    | 莘庄镇 马桥镇 华漕镇 浦江镇
310113 宝山区 2_235_218 6.0 201900 | 蕴川路 富锦路 沪太路 宝杨路 真陈路 城银路
    | 罗店镇 顾村镇 杨行镇
310114 嘉定区 1_834_258 9.0 201800 | 曹安公路 墨玉路 嘉罗公路 城北路 叶城路 陈家山路
    | 安亭镇 马陆镇 南翔镇 江桥镇
310115 浦东新区 5_681_512 25.0 201203 | 张江路 碧波路 祖冲之路 蔡伦路 郭守敬路 金科路
    世纪大道 张衡路 秀浦路 申江路 新金桥路 临港大道
    | 康桥镇 周浦镇 川沙新镇 唐镇
310116 金山区 822_776 3.0 201500 | 龙航路 卫零路 亭卫公路 金山大道 卫清西路
    | 亭林镇 枫泾镇 山阳镇
310117 松江区 1_909_713 9.0 201600 | 思贤路 荣乐东路 广富林路 九亭大街 新飞路 莘砖公路
    | 九亭镇 新桥镇 泗泾镇 车墩镇
310118 青浦区 1_271_424 5.0 201700 | 崧泽大道 外青松公路 华徐公路 华新路 徐泾北路
    | 华新镇 徐泾镇 赵巷镇 重固镇
310120 奉贤区 1_140_872 5.0 201400 | 金海公路 环城西路 望园路 奉浦大道 沪杭公路
    | 南桥镇 青村镇 柘林镇
310151 崇明区 637_921 1.5 202150 | 北沿公路 潘园公路 陈海公路 城桥大道
    | 陈家镇 城桥镇 长兴镇 堡镇
"""


def _districts(table: str) -> tuple[District, ...]:
    rows: list[str] = []
    for line in table.strip().splitlines():
        if line.startswith(" "):
            rows[-1] += " " + line.strip()
        else:
            rows.append(line)
    out = []
    for row in rows:
        head, roads, *towns = row.split("|")
        code, name, census, weight, postcode = head.split()
        out.append(
            District(
                code,
                name,
                int(census),
                float(weight),
                postcode,
                tuple(roads.split()),
                tuple(towns[0].split()) if towns else (),
            )
        )
    return tuple(out)


DISTRICTS: tuple[District, ...] = _districts(_DISTRICT_TABLE)

#: Sum of the district figures above; equals the published census total (checked in tests).
CENSUS_2020_TOTAL = 24_870_895

#: Districts merged away before 2015 or in it: Zhabei joined Jing'an in 2015. Old records keep
#: the old name, so a few pre-2016 addresses of Jing'an applicants are written with it.
OLD_DISTRICT_NAMES: dict[str, str] = {"310106": "闸北区"}

#: Pudong companies in the free-trade zone often give this in place of a district.
FREE_TRADE_ZONE = "中国(上海)自由贸易试验区"


@dataclass(frozen=True)
class Place:
    """A place outside Shanghai: written prefix of an address, GB/T 2260 code (empty abroad)."""

    prefix: str
    region_code: str
    country: str
    roads: tuple[str, ...] = ()


# Other provinces: county-level GB/T 2260 codes (real); roads are generic synthetic names.
_GENERIC_ROADS = ("科技路", "创新大道", "高新路", "学府路", "工业园路", "滨河路", "星湖街")
DOMESTIC: tuple[Place, ...] = (
    Place("北京市海淀区", "110108", "CN", ("中关村大街", "学院路", "上地信息路")),
    Place("北京市朝阳区", "110105", "CN", ("酒仙桥路", "望京街")),
    Place("天津市滨海新区", "120116", "CN", _GENERIC_ROADS),
    Place("江苏省南京市江宁区", "320115", "CN", _GENERIC_ROADS),
    Place("江苏省苏州市吴中区", "320506", "CN", _GENERIC_ROADS),
    Place("江苏省昆山市", "320583", "CN", _GENERIC_ROADS),
    Place("江苏省无锡市新吴区", "320214", "CN", _GENERIC_ROADS),
    Place("浙江省杭州市滨江区", "330108", "CN", ("江南大道", "网商路", "滨安路")),
    Place("浙江省宁波市鄞州区", "330212", "CN", _GENERIC_ROADS),
    Place("浙江省嘉兴市南湖区", "330402", "CN", _GENERIC_ROADS),
    Place("浙江省温州市瓯海区", "330304", "CN", _GENERIC_ROADS),
    Place("安徽省合肥市蜀山区", "340104", "CN", _GENERIC_ROADS),
    Place("广东省深圳市南山区", "440305", "CN", ("科技南路", "深南大道", "高新南一道")),
    Place("广东省广州市天河区", "440106", "CN", _GENERIC_ROADS),
    Place("湖北省武汉市洪山区", "420111", "CN", _GENERIC_ROADS),
    Place("四川省成都市武侯区", "510107", "CN", _GENERIC_ROADS),
    Place("山东省青岛市崂山区", "370212", "CN", _GENERIC_ROADS),
    Place("陕西省西安市雁塔区", "610113", "CN", _GENERIC_ROADS),
    Place("福建省厦门市思明区", "350203", "CN", _GENERIC_ROADS),
    Place("云南省昆明市五华区", "530102", "CN", _GENERIC_ROADS),
)
#: relative weights of DOMESTIC (Yangtze delta neighbours and Beijing/Shenzhen dominate)
DOMESTIC_WEIGHTS: tuple[float, ...] = (
    8,
    3,
    2,
    5,
    7,
    6,
    4,
    7,
    4,
    3,
    1,
    3,
    6,
    2,
    2,
    2,
    1,
    1,
    1,
    1,
)

HONG_KONG: tuple[Place, ...] = (
    Place("香港九龙观塘", "810000", "HK", ("观塘道", "开源道", "巧明街")),
    Place("香港新界沙田", "810000", "HK", ("科学园科技大道",)),
    Place("香港湾仔", "810000", "HK", ("港湾道", "告士打道")),
)

# Foreign applicants in Chinese records: addresses written in Chinese (as CNIPA prints them).
FOREIGN: tuple[Place, ...] = (
    Place("韩国京畿道水原市", "", "KR"),
    Place("韩国京畿道城南市", "", "KR"),
    Place("韩国首尔特别市", "", "KR"),
    Place("日本东京都港区", "", "JP"),
    Place("日本大阪府大阪市", "", "JP"),
    Place("日本京都府", "", "JP"),
    Place("美国加利福尼亚州圣克拉拉", "", "US"),
    Place("美国特拉华州威尔明顿", "", "US"),
    Place("美国马萨诸塞州剑桥", "", "US"),
    Place("德国慕尼黑", "", "DE"),
    Place("瑞士巴塞尔", "", "CH"),
    Place("法国巴黎", "", "FR"),
)
FOREIGN_WEIGHTS: tuple[float, ...] = (4, 2, 2, 4, 2, 1, 3, 2, 1, 2, 1, 1)
