"""The case sheet: the columns member units use, in Chinese, and how they are recognised.

The header row is found among the first 15 rows (a title row above it is fine); columns are
matched by any of their names below (NFKC, spaces and * ignored), in any order; other columns
are ignored. An amount column may state its unit in brackets — 标的额（万元）, 罚没款(元) — and
is scaled accordingly (元, 万元, 亿元). * = required (案件类型 may instead come from the
import's default kind, e.g. 海关扣留 for customs' sheets).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ipcity.workspace.tabular import Rows, norm_header

# field -> names (the first is what export writes)
CASE_ALIASES: dict[str, tuple[str, ...]] = {
    "case_no": (
        "案号",
        "案件编号",
        "案件号",
        "立案号",
        "受理号",
        "受理编号",
        "扣留编号",
        "文书编号",
        "编号",
        "case no",
    ),
    "unit": ("办理单位", "承办单位", "办案单位", "填报单位", "unit"),
    "kind": ("案件类型", "案件类别", "案件种类", "类型", "kind"),
    "ip_type": ("知识产权类型", "权利类型", "知识产权类别", "涉案知识产权", "知产类型", "ip type"),
    "cause": ("案由", "案件名称", "cause"),
    "received_on": (
        "收案日期",
        "立案日期",
        "受理日期",
        "收案时间",
        "立案时间",
        "受理时间",
        "登记日期",
        "扣留日期",
        "received",
    ),
    "closed_on": ("结案日期", "结案时间", "办结日期", "审结日期", "办结时间", "closed"),
    "outcome": ("处理结果", "结果", "结案方式", "裁判结果", "调解结果", "处理方式", "outcome"),
    "outcome_text": ("结果说明", "处理情况", "结案情况", "outcome text"),
    "foreign_related": ("涉外", "是否涉外", "涉外案件", "foreign"),
    "cross_region": (
        "跨区域协作",
        "跨区域",
        "长三角",
        "是否跨区域",
        "长三角协作",
        "跨区域协作案件",
        "cross region",
    ),
    "district": ("所属区", "区", "所在区", "辖区", "发生地", "案发区", "district"),
    "claimants": ("权利人", "原告", "申请人", "举报人", "投诉人", "请求人", "claimants"),
    "respondents": (
        "当事人",
        "被告",
        "被申请人",
        "被诉侵权人",
        "被投诉人",
        "被请求人",
        "涉案企业",
        "犯罪嫌疑人",
        "被告人",
        "respondents",
    ),
    "amount_claimed": (
        "标的额",
        "诉请金额",
        "诉讼标的额",
        "请求金额",
        "争议金额",
        "amount claimed",
    ),
    "amount_awarded": (
        "判赔额",
        "判赔金额",
        "赔偿金额",
        "调解金额",
        "和解金额",
        "amount awarded",
    ),
    "fines": ("罚没款", "罚没金额", "罚款", "罚款金额", "罚没款金额", "fines"),
    "value_seized": ("查扣货值", "货值", "涉案货值", "扣留货值", "查扣物品价值", "value seized"),
    "note": ("备注", "note"),
    "synthetic": ("演示数据", "synthetic"),
}
REQUIRED = ("case_no", "ip_type", "received_on")
AMOUNT_FIELDS = ("amount_claimed", "amount_awarded", "fines", "value_seized")

# What export writes (amounts in yuan, said in the header so a re-import reads them right).
EXPORT_FIELDS = (
    "case_no",
    "unit",
    "kind",
    "ip_type",
    "cause",
    "received_on",
    "closed_on",
    "outcome",
    "outcome_text",
    "foreign_related",
    "cross_region",
    "district",
    "claimants",
    "respondents",
    "amount_claimed",
    "amount_awarded",
    "fines",
    "value_seized",
    "note",
    "synthetic",
)


def export_header() -> list[str]:
    out = []
    for f in EXPORT_FIELDS:
        name = CASE_ALIASES[f][0]
        out.append(f"{name}（元）" if f in AMOUNT_FIELDS else name)
    return out


_UNIT_SUFFIX = re.compile(r"^(.+?)\((元|万元|亿元|人民币元|人民币万元)\)$")
_SCALES = {"元": 1, "人民币元": 1, "万元": 10_000, "人民币万元": 10_000, "亿元": 100_000_000}
_LOOKUP = {norm_header(a): f for f, names in CASE_ALIASES.items() for a in names}


def read_header(cell: object) -> tuple[str, int] | None:
    """(field, scale) a header cell names, or None."""
    h = norm_header(cell)
    if not h:
        return None
    scale = 1
    m = _UNIT_SUFFIX.match(h)
    if m:
        h, scale = m.group(1), _SCALES[m.group(2)]
    found = _LOOKUP.get(h)
    if found is None:
        return None
    if scale != 1 and found not in AMOUNT_FIELDS:
        return None
    return found, scale


def find_case_header(
    rows: Rows, required: Sequence[str], *, scan: int = 15
) -> tuple[int, dict[str, int], dict[str, int]] | None:
    """(header row index, field -> column, field -> amount scale) of the first row naming
    every required field."""
    for i, row in enumerate(rows[:scan]):
        cols: dict[str, int] = {}
        scales: dict[str, int] = {}
        for j, cell in enumerate(row):
            found = read_header(cell)
            if found is None or found[0] in cols:
                continue
            cols[found[0]] = j
            scales[found[0]] = found[1]
        if all(r in cols for r in required):
            return i, cols, scales
    return None
