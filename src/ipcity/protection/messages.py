"""Message keys of the protection area (zh/en), added to the workspace's catalogue.

Errors raised here are the workspace's typed errors (``ipcity.workspace.errors``); their keys
are rendered by ``ipcity.workspace.messages.render``. The keys below are registered in the same
``MESSAGES`` table when this module is imported (every protection module that raises one
imports it), so ``exc.message("en")`` and the web layer's catalogues see them. A key already in
the workspace's table is never overwritten.
"""

from __future__ import annotations

from ipcity.workspace.messages import MESSAGES

PROTECTION_MESSAGES: dict[str, tuple[str, str]] = {
    "field.closed_before_received": (
        "结案日期{closed}早于收案日期{received}",
        "closed on {closed}, before it was received on {received}",
    ),
    "field.future_date": ("日期{value}晚于今天", "the date {value} is in the future"),
    "field.outcome_needs_closed": (
        "填写了处理结果但没有结案日期",
        "an outcome needs the date the case was closed",
    ),
    "field.unknown_kind": ("无法识别的案件类型：{value}", "unknown kind of case: {value}"),
    "field.unknown_ip_type": (
        "无法识别的知识产权类型：{value}",
        "unknown kind of IP right: {value}",
    ),
    "field.unknown_outcome": ("无法识别的处理结果：{value}", "unknown outcome: {value}"),
    "field.unknown_district": ("未知的区：{value}", "unknown district: {value}"),
    "field.not_own_unit": (
        "该行属于其他单位：{value}",
        "the row belongs to another unit: {value}",
    ),
    "import.case_owned_elsewhere": (
        "案号{value}已由{unit}登记；导入将在本单位再登记一次，同一案件会被重复统计。"
        "如案件已移送本单位，请由原单位办理移送，不要导入",
        "case {value} is already recorded by {unit}; importing it records the case a second "
        "time under this unit and counts it twice. If the case moved here, transfer it instead",
    ),
    "import.case_skipped": (
        "案号{value}已移送或为联合办理，由{unit}维护；本行将跳过",
        "case {value} was transferred or is handled jointly and is kept by {unit}; "
        "this row is skipped",
    ),
    "import.case_owned_by_another": (
        "案号{value}已由其他单位登记；导入将在本单位再登记一次，同一案件会被重复统计",
        "case {value} is already recorded by another unit; importing it records the case a "
        "second time under this unit and counts it twice",
    ),
    "field.case_elsewhere": (
        "案号{value}已移送或属于联合办理案件，由其他单位维护",
        "case {value} was transferred or is a joint case kept by another unit",
    ),
    "field.same_unit": (
        "不能移送或共享给本单位：{value}",
        "cannot transfer or share a case with its own unit: {value}",
    ),
    "field.not_participant": ("该单位不是联合办理单位：{value}", "not a joint unit: {value}"),
}

for _key, _texts in PROTECTION_MESSAGES.items():
    MESSAGES.setdefault(_key, _texts)
