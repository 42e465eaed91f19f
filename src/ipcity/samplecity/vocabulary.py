"""Words the sample city builds names and titles from.

Names are assembled from parts, so any resemblance to a real company, university or person is a
coincidence of common words; every title carries the synthetic marker.
"""

from __future__ import annotations

from dataclasses import dataclass

SYNTHETIC_MARK = "[合成样例]"

# The most common Chinese surnames, roughly in order of frequency (weights decay with rank).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建国文志宇浩然俊峰晨阳欣怡"
    "佳琪子涵雨思嘉一诺梓轩博睿宏亮海燕春林晓东立新永健飞雪梅婷颖琳丹宁昊天泽凯凡斌彬诚"
    "鑫磊蕾瑶琦瑞祥德胜利民"
)

# Company names: 上海 + trade name (two characters) + line of business + legal form.
TRADE_NAME_CHARS = (
    "华中瑞泰恒联创新科锐智安达博远宏信源启航拓鼎盛晟辰鸿昊禾睿臻卓越凯迈朗途合众聚微芯光电云数图灵麒麟星辉汇通宝隆丰益兴和达嘉润"
    "明德万邦天成九州东方海洋蓝湾金桥浦江沪申奥普康欣悦诺致精"
)
LEGAL_FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司")
UNIVERSITY_FORMS = ("大学", "理工大学", "科技大学", "工程技术大学", "医科大学", "师范大学", "学院")
INSTITUTE_FORMS = ("研究院", "研究所", "技术研究院", "工业技术研究院")
HOSPITAL_FORMS = ("医院", "人民医院", "中心医院", "肿瘤医院", "儿童医院")

FOREIGN_NAME_FORMS: dict[str, tuple[str, ...]] = {
    "KR": ("电子株式会社", "化学株式会社", "显示株式会社"),
    "JP": ("株式会社", "工业株式会社", "制药株式会社"),
    "US": ("公司", "技术公司", "有限责任公司"),
    "DE": ("股份公司", "有限责任公司"),
    "CH": ("股份公司",),
    "FR": ("公司",),
}
FOREIGN_TRADE_PARTS = (
    "阿尔法",
    "贝塔",
    "诺瓦",
    "泰科",
    "维斯塔",
    "奥瑞",
    "赛琳",
    "克莱",
    "莫比",
    "昆特",
    "雷恩",
    "菲尼",
)


@dataclass(frozen=True)
class Field:
    """A technology field: IPC subclass + main groups it files in, and title words."""

    name: str
    sei: bool  # a strategic-emerging-industry field (its IPC is in the SEI concordance)
    ipc: tuple[tuple[str, tuple[str, ...]], ...]  # (subclass, main groups)
    objects: tuple[str, ...]
    suffixes: tuple[str, ...]
    business: tuple[str, ...]  # lines of business of companies working in the field


# SEI fields use IPC subclasses that the SEI-IPC concordance of CNIPA (2021) lists for
# new-generation IT, biotech, new-energy vehicles, new energy and high-end medical equipment.
FIELDS: tuple[Field, ...] = (
    Field(
        "人工智能与软件",
        True,
        (("G06F", ("16", "9", "17", "21", "30")), ("G06N", ("3", "5", "20")), ("G06T", ("7", "5"))),
        ("数据处理方法", "模型训练方法", "图像识别方法", "任务调度系统", "知识图谱构建方法"),
        ("", "、装置、设备及存储介质", "及电子设备", "及系统"),
        ("智能科技", "信息技术", "软件", "数据科技"),
    ),
    Field(
        "通信与网络",
        True,
        (("H04L", ("9", "67", "41", "45")), ("H04W", ("72", "4", "24")), ("H04B", ("7", "10"))),
        ("数据传输方法", "通信装置", "资源分配方法", "网络安全防护方法", "信号处理方法"),
        ("", "及装置", "、终端及存储介质"),
        ("通信技术", "网络科技", "信息技术"),
    ),
    Field(
        "集成电路与半导体",
        True,
        (("H01L", ("21", "23", "29", "27", "25")), ("G11C", ("16", "11", "7"))),
        ("半导体结构", "芯片封装结构", "晶体管", "存储器件", "刻蚀方法"),
        ("及其形成方法", "及其制造方法", ""),
        ("半导体", "集成电路", "微电子", "电子科技"),
    ),
    Field(
        "生物医药",
        True,
        (
            ("A61K", ("31", "39", "38", "47", "9")),
            ("C12N", ("15", "5", "9")),
            ("C07K", ("16", "14")),
            ("A61P", ("35", "31", "25")),
            ("C12Q", ("1",)),
        ),
        ("抗体", "药物组合物", "检测试剂盒", "化合物", "细胞培养方法", "疫苗"),
        ("及其应用", "及其制备方法", ""),
        ("生物医药", "生物科技", "医药科技", "药业"),
    ),
    Field(
        "新能源汽车与电池",
        True,
        (("H01M", ("10", "4", "50")), ("B60L", ("53", "58", "50"))),
        ("电池管理系统", "正极材料", "充电控制方法", "电池包", "电解液"),
        ("及其制备方法", "及车辆", ""),
        ("新能源科技", "汽车科技", "电池科技", "动力科技"),
    ),
    Field(
        "高端医疗器械",
        True,
        (("A61B", ("5", "17", "6", "34")), ("A61M", ("25", "5")), ("A61F", ("2",))),
        ("导管", "监测装置", "手术机器人", "支架", "成像系统"),
        ("", "及其使用方法", "及控制方法"),
        ("医疗器械", "医疗科技", "医学科技"),
    ),
    Field(
        "新能源与智能电网",
        True,
        (("H02J", ("3", "7", "13")), ("H02S", ("40", "20")), ("F03D", ("7", "17"))),
        ("储能系统", "光伏组件", "功率调度方法", "逆变器控制方法"),
        ("", "及装置", "及系统"),
        ("新能源科技", "电气", "能源科技", "电力科技"),
    ),
    Field(
        "日用器具",
        False,
        (("A47J", ("27", "36", "31")), ("A47G", ("19", "21")), ("A47L", ("9", "13"))),
        ("烹饪器具", "收纳装置", "清洁工具", "饮水杯", "餐具"),
        ("", "及其使用方法"),
        ("家居用品", "日用品", "实业", "电器"),
    ),
    Field(
        "包装与物流器具",
        False,
        (("B65D", ("81", "85", "5", "25")), ("B62B", ("3", "5"))),
        ("包装盒", "周转箱", "手推车", "防护包装结构"),
        ("",),
        ("包装制品", "物流设备", "实业"),
    ),
    Field(
        "建筑与门窗",
        False,
        (("E04F", ("13", "15")), ("E04B", ("1", "2")), ("E06B", ("3", "9"))),
        ("墙板", "门窗结构", "装配式楼板", "吊顶结构"),
        ("", "及其施工方法"),
        ("建筑科技", "门窗", "建材", "实业"),
    ),
    Field(
        "服饰与鞋帽",
        False,
        (("A41D", ("13", "27", "31")), ("A43B", ("7", "13")), ("A45C", ("11", "13"))),
        ("服装", "鞋底", "背包", "防护服"),
        ("",),
        ("服饰", "鞋业", "箱包", "实业"),
    ),
    Field(
        "食品与饮料",
        False,
        (("A23L", ("2", "33", "7")), ("A23G", ("9", "3")), ("A21D", ("13",))),
        ("饮料", "调味品", "糕点", "速冻食品"),
        ("及其制备方法", ""),
        ("食品", "饮料", "食品科技"),
    ),
    Field(
        "文体用品",
        False,
        (("A63B", ("21", "71")), ("A63H", ("33", "17")), ("B43K", ("7", "29"))),
        ("健身器材", "玩具", "书写笔", "球拍"),
        ("",),
        ("文体用品", "玩具", "体育用品", "实业"),
    ),
)

# The strategic emerging industry (GB/T / 国家统计局 2018 classification) of each SEI field.
SEI_CATEGORY: dict[str, str] = {
    "人工智能与软件": "1 新一代信息技术产业",
    "通信与网络": "1 新一代信息技术产业",
    "集成电路与半导体": "1 新一代信息技术产业",
    "生物医药": "4 生物产业",
    "高端医疗器械": "4 生物产业",
    "新能源汽车与电池": "5 新能源汽车产业",
    "新能源与智能电网": "6 新能源产业",
}

#: The sample city's own SEI concordance: one IPC main-group prefix ("G06F16/") per group its
#: SEI fields file in, with the field's industry. Written as ``sei_concordance`` so the product
#: computes the calibrated high-value figures (its shipped default covers AI rows only); the
#: self-check uses exactly these prefixes.
SEI_CONCORDANCE: tuple[tuple[str, str], ...] = tuple(
    (f"{sub}{group}/", SEI_CATEGORY[f.name])
    for f in FIELDS
    if f.sei
    for sub, groups in f.ipc
    for group in groups
)
SEI_IPC_PREFIXES: tuple[str, ...] = tuple(sorted(p for p, _ in SEI_CONCORDANCE))

ADJECTIVES = (
    "",
    "",
    "",
    "基于多模态融合的",
    "高效的",
    "低功耗的",
    "可拆卸的",
    "智能化的",
    "改进的",
)
SUBGROUPS = (
    "00",
    "02",
    "04",
    "06",
    "08",
    "10",
    "12",
    "14",
    "16",
    "18",
    "20",
    "22",
    "24",
    "26",
    "28",
    "30",
    "32",
    "34",
    "36",
    "38",
    "40",
    "42",
    "44",
    "46",
    "48",
    "50",
    "52",
    "56",
    "60",
    "64",
    "70",
    "80",
    "0418",
    "1335",
    "2455",
)

DESIGN_OBJECTS = (
    "包装盒",
    "手机壳",
    "台灯",
    "座椅",
    "茶杯",
    "收纳架",
    "智能音箱",
    "充电器",
    "电动牙刷",
    "加湿器",
    "儿童滑板车",
    "化妆品瓶",
    "服装吊牌",
    "图形用户界面",
    "路由器",
    "空气净化器",
    "手表",
    "耳机",
)
DESIGN_VARIANTS = ("", "", "", "（1）", "（2）", "（A）", "（带图形用户界面）")

# Awards a Shanghai patent can receive (名称 as published); relative yearly counts for Shanghai.
AWARDS: tuple[tuple[str, float, int], ...] = (
    # (award, expected number per year at scale 1, first year the award exists)
    ("中国专利金奖", 3.0, 2000),
    ("中国专利银奖", 8.0, 2018),  # silver medal introduced with the 20th China Patent Awards
    ("中国专利优秀奖", 60.0, 2000),
    ("上海市专利奖", 100.0, 2000),
)
DESIGN_AWARDS: tuple[tuple[str, float, int], ...] = (
    ("中国外观设计金奖", 0.5, 2000),
    ("中国外观设计优秀奖", 6.0, 2000),
)
