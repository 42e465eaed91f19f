"""Plain-language wording of the data notes: the Chinese report carries no English, no
command and no timestamp, so the free-text notes of other areas (population sources, engine
warnings, evaluation notes) are put into Chinese here, by known phrase or by pattern. A note
this module does not know is summarised, never printed in English in the Chinese report: the
HTML and data exports keep the technical text."""

from __future__ import annotations

import re
from datetime import date, datetime

from ipcity.numbers import Lang, fmt_date

# Population sources as the sample city and the reference tables word them.
POPULATION_ZH = {
    "synthetic: approximation of the published year-end figure (unchecked)": (
        "示例数据，按公布的年末常住人口近似，未经核对"
    ),
    "real: 7th national census, 1 Nov 2020 (not year end)": (
        "第七次全国人口普查（2020年11月1日，非年末数）"
    ),
    "real: 7th national census, 1 Nov 2020 (district)": "第七次全国人口普查（分区数）",
    "real: Shanghai 2021 statistical bulletin (year end)": (
        "上海市2021年国民经济和社会发展统计公报（年末数）"
    ),
    "real: Shanghai statistics bureau sample survey (year end)": (
        "上海市统计局人口抽样调查（年末数）"
    ),
    "synthetic: city total x district share in the 2020 census": (
        "示例数据，按全市总数和2020年人口普查各区占比推算"
    ),
}

_LATIN = re.compile(r"[A-Za-z]")
_LEFT_OUT = re.compile(r"^(\d+) task\(s\) starting after (\d{4})-(\d{2})-(\d{2}) left out$")
_NO_DISTRICT = re.compile(r"\((.+中[\d,]+件未能归属到区)\)$")
WARNINGS_ZH = {
    "the warehouse has no sei_concordance": (
        "数据仓库未载入战略性新兴产业与国际专利分类对照表，高价值发明专利中的战略性新兴产业条件"
        "仅按系统自带的人工智能部分对照表判断；正式数字须载入完整对照表。"
    ),
    "the warehouse holds no patents": "数据仓库中没有专利数据，无法统计。",
    "nothing counted in any year": "部分指标在各年度均无统计结果。",
    "PCT growth is empty": "上年无PCT国际专利申请的，PCT申请量增速不计算。",
    "no workspace database": "未连接工作台数据库，本报告不含规划、任务和考核内容。",
}


def has_latin(text: str) -> bool:
    return bool(_LATIN.search(text))


def population_source(text: str, lang: Lang) -> str:
    if lang == "en":
        return text
    if text in POPULATION_ZH:
        return POPULATION_ZH[text]
    return text if not has_latin(text) else "人口数据表所载来源"


def population_sources(sources: tuple[str, ...], lang: Lang) -> str:
    parts = list(dict.fromkeys(population_source(s, lang) for s in sources))
    return ("；" if lang == "zh" else "; ").join(parts)


def note(text: str, lang: Lang) -> str | None:
    """A free-text note in ``lang`` (None: nothing worth printing in that language)."""
    if lang == "en" or not has_latin(text):
        return text
    m = _LEFT_OUT.match(text)
    if m:
        n, y, mo, d = (int(g) for g in m.groups())
        return f"{n}项任务开始日期晚于{fmt_date(date(y, mo, d), 'zh')}，未计入。"
    m = _NO_DISTRICT.search(text)
    if m:
        return m.group(1) + "。"
    for key, zh in WARNINGS_ZH.items():
        if key in text:
            return zh
    return None


def vintage_day(at: object) -> date | None:
    """The day of the latest ingest run (the vintage keeps an ISO timestamp)."""
    if not isinstance(at, str) or not at:
        return None
    try:
        return datetime.fromisoformat(at).date()
    except ValueError:
        return None
