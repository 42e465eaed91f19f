"""Translatable texts of the meetings and the portal (the workspace's ``messages`` style).

Keys not listed here fall back to the workspace's catalogue (``field.required`` and friends),
so :func:`render` is the one renderer for everything this package raises or shows. A test
checks that every key used in the package exists in both languages with the same placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ipcity.workspace import messages as ws_messages

LOCALES = ws_messages.LOCALES

# key -> (zh, en)
MESSAGES: dict[str, tuple[str, str]] = {
    # Meeting kinds and states
    "meeting_kind.annual_enlarged": ("年度（扩大）会议", "annual (enlarged) meeting"),
    "meeting_kind.plenary": ("全体会议", "plenary meeting"),
    "meeting_kind.special": ("专题会议", "special meeting"),
    "meeting_kind.liaison": ("联络员会议", "liaison officers' meeting"),
    "meeting_status.draft": ("草稿", "draft"),
    "meeting_status.scheduled": ("已安排", "scheduled"),
    "meeting_status.held": ("已召开", "held"),
    "meeting_action.schedule": ("安排会议", "schedule the meeting"),
    "meeting_action.unschedule": ("退回草稿", "return the meeting to draft"),
    "meeting_action.hold": ("标记为已召开", "mark the meeting as held"),
    "meeting_action.reopen": ("撤销“已召开”", "undo “held”"),
    "meeting_action.record_minutes": ("记录会议纪要", "record minutes"),
    "meeting_action.record_decision": ("记录会议决定", "record a decision"),
    # Agenda and materials
    "agenda_kind.convener_speech": ("召集人讲话", "convener's speech"),
    "agenda_kind.work_report": ("联席办工作报告", "the office's work report"),
    "agenda_kind.exchange_speech": ("交流发言", "exchange speech"),
    "agenda_kind.other": ("其他议程", "other item"),
    "material_kind.upload": ("上传材料", "uploaded file"),
    "material_kind.work_report": ("工作报告（系统生成）", "work report (generated)"),
    # Portal
    "publication_kind.work_report": ("工作报告", "work report"),
    "publication_kind.bulletin": ("工作简报", "bulletin"),
    "publication_kind.news": ("新闻动态", "news"),
    "publication_status.draft": ("草稿", "draft"),
    "publication_status.published": ("已发布", "published"),
    "publication_status.withdrawn": ("已撤回", "withdrawn"),
    "publication_action.publish": ("发布", "publish"),
    "publication_action.withdraw": ("撤回", "withdraw"),
    "publication_action.edit": ("修改", "edit"),
    "snapshot_status.published": ("已发布", "published"),
    "snapshot_status.superseded": ("已被新版本取代", "superseded"),
    "snapshot_status.withdrawn": ("已撤回", "withdrawn"),
    "snapshot_action.withdraw": ("撤回", "withdraw"),
    "snapshot_source.engine": ("根据专利数据计算", "computed from the patent records"),
    "snapshot_source.workspace": ("工作台登记的指标实际值", "actual values kept in the workspace"),
    # Task page: where a task comes from
    "task.from_meeting": (
        "来自{meeting}（{date}）的会议决定",
        "decision of the {meeting} ({date})",
    ),
    "task.decision_source": (
        "{text}\n\n（来源：{meeting}，{date}会议决定）",
        "{text}\n\n(Source: decision of the {meeting}, {date})",
    ),
    # Errors
    "error.meeting_state": (
        "会议当前状态为“{state}”，不能{action}",
        "cannot {action}: the meeting is {state}",
    ),
    "error.publication_state": (
        "当前状态为“{state}”，不能{action}",
        "cannot {action}: the item is {state}",
    ),
    "field.speaker_not_attending": (
        "发言单位不在参会单位中：{value}",
        "the speaking unit does not attend the meeting: {value}",
    ),
    "field.unknown_agenda_item": (
        "不是本次会议的议程：{value}",
        "not an agenda item of this meeting: {value}",
    ),
    "field.task_already_linked": (
        "该任务已关联另一项会议决定：{value}",
        "the task already follows another decision: {value}",
    ),
    "field.file_too_large": (
        "文件过大（最多{max}字节）：{value}",
        "file too large (at most {max} bytes): {value}",
    ),
    "field.publication_empty": (
        "发布前需要正文、摘要或附件",
        "a body, a summary or a file is needed before publishing",
    ),
    "field.no_headline_values": (
        "{year}年没有可发布的指标数值",
        "no indicator value to publish for {year}",
    ),
    "field.unknown_meeting": ("未知会议：{value}", "unknown meeting: {value}"),
}


def render(key: str, params: Mapping[str, Any] | None = None, locale: str = "zh") -> str:
    """The text for ``key`` in ``locale``; keys of the workspace render as the workspace says,
    an unknown key renders as itself."""
    pair = MESSAGES.get(key)
    if pair is None:
        return ws_messages.render(key, params, locale)
    template = pair[1] if locale.lower().startswith("en") else pair[0]
    try:
        return template.format(**(params or {}))
    except (KeyError, IndexError, ValueError):
        return template


def both(key: str, params: Mapping[str, Any] | None = None) -> dict[str, str]:
    return {loc: render(key, params, loc) for loc in LOCALES}


def label(prefix: str, value: str, locale: str = "zh") -> str:
    """``label("meeting_kind", "liaison", "en")`` -> "liaison officers' meeting"."""
    return render(f"{prefix}.{value}", None, locale)
