"""Translatable texts the workspace produces: status names, notice texts, error messages.

Code never hands the user a finished sentence only: it carries a message *key* plus *params*,
and :func:`render` turns them into Chinese (default) or English. The web layer may put the same
keys into its Babel catalogs; docs/workspace.md lists every key. Params are formatted with
``str.format`` so a translation may reorder them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULT_LOCALE = "zh"
LOCALES = ("zh", "en")

# key -> (zh, en)
MESSAGES: dict[str, tuple[str, str]] = {
    # Task supervision status (supervision.py)
    "status.green": ("正常推进", "on track"),
    "status.yellow": ("预警", "at risk"),
    "status.red": ("逾期", "overdue"),
    "status.done": ("已完成", "done"),
    "reason.done": ("已完成（进度{percent}%）", "completed ({percent}%)"),
    "reason.overdue": (
        "已逾期{days}天（完成时限{deadline}）",
        "{days} days overdue (deadline {deadline})",
    ),
    "reason.near_deadline": (
        "距完成时限{deadline}还有{days}天",
        "{days} days left until the deadline {deadline}",
    ),
    "reason.behind_schedule": (
        "进度{percent}%落后于时序进度{expected}%",
        "progress {percent}% is behind the straight line {expected}%",
    ),
    "reason.on_track": (
        "进度{percent}%，时序进度{expected}%",
        "progress {percent}%, straight line {expected}%",
    ),
    "reason.awaiting_review": (
        "已报送完成（100%），待联席办审核",
        "reported complete (100%), awaiting the office's review",
    ),
    # Report workflow states
    "report_state.draft": ("草稿", "draft"),
    "report_state.submitted": ("已报送", "submitted"),
    "report_state.accepted": ("已采纳", "accepted"),
    "report_state.returned": ("已退回", "returned"),
    # Roles
    "role.office_admin": ("联席办管理员", "office administrator"),
    "role.unit_editor": ("成员单位填报员", "unit editor"),
    "role.leader": ("领导（只读）", "leader (read-only)"),
    "role.anonymous": ("公众", "public"),
    "role.system": ("系统", "system"),
    # Inbox notices
    "notice.near_deadline": (
        "任务{task_code}「{task_title}」将于{deadline}到期，还有{days}天",
        "Task {task_code} “{task_title}” is due on {deadline}, {days} days left",
    ),
    "notice.overdue": (
        "任务{task_code}「{task_title}」已逾期{days}天（完成时限{deadline}）",
        "Task {task_code} “{task_title}” is {days} days overdue (deadline {deadline})",
    ),
    "notice.report_submitted": (
        "{unit}报送了任务{task_code}「{task_title}」{period}的进展",
        "{unit} submitted progress on task {task_code} “{task_title}” for {period}",
    ),
    "notice.report_accepted": (
        "任务{task_code}「{task_title}」{period}的进展已采纳",
        "Progress on task {task_code} “{task_title}” for {period} was accepted",
    ),
    "notice.report_returned": (
        "任务{task_code}「{task_title}」{period}的进展被退回：{comment}",
        "Progress on task {task_code} “{task_title}” for {period} was returned: {comment}",
    ),
    "mail.subject": (
        "知识产权联席会议工作提醒（{count}条）",
        "IP Joint Conference reminders ({count})",
    ),
    # Names of records in messages (error.not_found, error.stale_version)
    "entity.record": ("记录", "record"),
    "entity.agenda_item": ("议程事项", "agenda item"),
    "entity.case": ("案件", "case"),
    "entity.evidence_file": ("佐证材料", "evidence file"),
    "entity.goal": ("目标", "goal"),
    "entity.headline_snapshot": ("发布的主要指标", "published headline figures"),
    "entity.indicator_target": ("指标", "indicator"),
    "entity.meeting": ("会议", "meeting"),
    "entity.meeting_decision": ("议定事项", "decision"),
    "entity.meeting_material": ("会议材料", "meeting material"),
    "entity.plan": ("规划", "plan"),
    "entity.publication": ("发布信息", "publication"),
    "entity.publication_file": ("发布附件", "publication file"),
    "entity.report": ("进展报告", "progress report"),
    "entity.progress_report": ("进展报告", "progress report"),
    "entity.report_job": ("报告生成任务", "report job"),
    "entity.task": ("任务", "task"),
    "entity.unit": ("单位", "unit"),
    "entity.user": ("用户", "user"),
    "entity.work_plan": ("年度推进计划", "work plan"),
    "entity.notice": ("提醒", "notice"),
    "entity.target": ("指标", "indicator"),
    # Field names in a validation message: "输入有误：审核意见：必填", never "comment: 必填"
    "fieldname.unit_id": ("单位", "unit"),
    "fieldname.code": ("编号", "code"),
    "fieldname.plan_id": ("规划", "plan"),
    "fieldname.goal_id": ("所属目标", "goal"),
    "fieldname.files": ("附件", "files"),
    "fieldname.year": ("年度", "year"),
    "fieldname.work_plan_id": ("年度推进计划", "work plan"),
    "fieldname.to_unit_id": ("移送单位", "receiving unit"),
    "fieldname.text": ("内容", "text"),
    "fieldname.task_id": ("任务", "task"),
    "fieldname.speaker_unit_id": ("发言单位", "speaking unit"),
    "fieldname.period": ("报告期", "period"),
    "fieldname.percent": ("完成比例", "progress"),
    "fieldname.parent_id": ("上级目标", "parent goal"),
    "fieldname.narrative": ("进展情况", "narrative"),
    "fieldname.comment": ("审核意见", "comment"),
    "fieldname.case_no": ("案件编号", "case number"),
    "fieldname.username": ("用户名", "user name"),
    "fieldname.unit": ("计量单位", "unit of measure"),
    "fieldname.target_year": ("目标年", "target year"),
    "fieldname.target_id": ("指标", "indicator"),
    "fieldname.source": ("数据来源", "source"),
    "fieldname.role": ("角色", "role"),
    "fieldname.public_access": ("公众可见范围", "public access"),
    "fieldname.password": ("密码", "password"),
    "fieldname.new_password": ("新密码", "new password"),
    "fieldname.note": ("备注", "note"),
    "fieldname.milestones": ("阶段目标", "milestones"),
    "fieldname.meeting_id": ("会议", "meeting"),
    "fieldname.end_year": ("结束年", "end year"),
    "fieldname.start_year": ("起始年", "start year"),
    "fieldname.deadline": ("完成时限", "deadline"),
    "fieldname.current_password": ("当前密码", "current password"),
    "fieldname.co_unit_ids": ("配合单位", "co-operating units"),
    "fieldname.body_zh": ("正文", "text"),
    "fieldname.aliases": ("别名", "aliases"),
    "fieldname.agenda_item_id": ("议程事项", "agenda item"),
    "fieldname.title": ("标题", "title"),
    "fieldname.name": ("名称", "name"),
    "fieldname.lead_unit_id": ("牵头单位", "lead unit"),
    "fieldname.baseline_value": ("基期值", "baseline value"),
    "fieldname.baseline_year": ("基期年", "baseline year"),
    "fieldname.target_value": ("目标值", "target value"),
    "fieldname.direction": ("方向", "direction"),
    "fieldname.kind": ("类型", "kind"),
    "fieldname.display_name": ("姓名", "name"),
    "fieldname.short_name": ("简称", "short name"),
    "fieldname.description": ("说明", "description"),
    "fieldname.weight": ("权重", "weight"),
    "fieldname.sort_order": ("排序", "order"),
    "fieldname.start_date": ("开始日期", "start date"),
    "fieldname.held_on": ("会议日期", "date"),
    "fieldname.summary": ("摘要", "summary"),
    "fieldname.value": ("数值", "value"),
    # Errors
    # The permission and the record's id stay in the error's params (for the API and the
    # logs); the sentence a user reads names neither (issue 12, item 11).
    "error.permission_denied": (
        "您的账号无权执行此操作",
        "your account is not allowed to do this",
    ),
    "error.not_found": (
        "该{entity}不存在（可能已删除，或链接有误）",
        "this {entity} does not exist (it may have been deleted, or the link is wrong)",
    ),
    "error.stale_version": (
        "该{entity}已被他人修改（当前版本{current_version}，"
        "您基于版本{expected_version}），请刷新后重试",
        "this {entity} was changed by someone else (now version {current_version}, "
        "you edited version {expected_version}); reload and try again",
    ),
    "error.validation": ("输入有误：{details}", "invalid input: {details}"),
    "error.invalid_transition": (
        "当前状态为{state}，不能执行{transition}",
        "cannot {transition} a report in state {state}",
    ),
    "error.import_rejected": (
        "导入未执行：{count}处错误，未写入任何数据",
        "import not applied: {count} errors, nothing was written",
    ),
    "error.login_failed": ("用户名或密码错误", "wrong user name or password"),
    "error.login_locked": (
        "登录失败次数过多，请{minutes}分钟后再试",
        "too many failed logins; try again in {minutes} minutes",
    ),
    "error.token_invalid": ("访问令牌无效", "invalid access token"),
    "error.login_required": ("请先登录", "please log in"),
    "error.token_expired": ("访问令牌已过期", "access token expired"),
    "error.user_inactive": ("账号已停用", "account disabled"),
    "error.no_warehouse": (
        "没有可用的数据仓库，无法计算指标实际值：{detail}",
        "no warehouse to compute actuals from: {detail}",
    ),
    # Field errors (ValidationError.errors[*].key and import row errors)
    "field.required": ("必填", "required"),
    "field.too_long": ("超过{max}个字符", "longer than {max} characters"),
    "field.not_a_number": ("不是数字：{value}", "not a number: {value}"),
    "field.out_of_range": ("应在{min}到{max}之间", "must be between {min} and {max}"),
    "field.year_empty": (
        "{year}年没有专利数据，不能发布；最近的完整年度是{suggestion}年",
        "there is no patent data for {year}, so it cannot be published; "
        "the last complete year is {suggestion}",
    ),
    "field.year_partial": (
        "{year}年的专利数据不完整（截至{last}），不能发布；最近的完整年度是{suggestion}年",
        "the patent data for {year} is incomplete (it ends on {last}), so it cannot be "
        "published; the last complete year is {suggestion}",
    ),
    "field.invalid_choice": ("应为以下之一：{choices}", "must be one of: {choices}"),
    "field.invalid_format": ("格式不正确，应为{hint}", "invalid format; expected {hint}"),
    "field.unknown_field": ("未知字段", "unknown field"),
    "field.has_reports": (
        "该任务已有进展报告，不能删除",
        "the task has progress reports and cannot be deleted",
    ),
    "field.last_admin": (
        "不能停用或降级最后一位联席办管理员",
        "the last active office admin cannot be disabled or demoted",
    ),
    "field.invalid_date": ("无法识别的日期：{value}", "cannot read the date: {value}"),
    "field.invalid_period": (
        "无法识别的报告期：{value}（示例：2023-06、2023-Q2、2023-H1、2023）",
        "cannot read the period: {value} (e.g. 2023-06, 2023-Q2, 2023-H1, 2023)",
    ),
    "field.duplicate": ("重复：{value}", "duplicate: {value}"),
    "field.unknown_unit": ("未知单位：{value}", "unknown unit: {value}"),
    "field.unknown_goal": ("未知目标：{value}", "unknown goal: {value}"),
    "field.ambiguous_unit": ("单位名称有歧义：{value}", "ambiguous unit name: {value}"),
    "field.weak_password": (
        "密码至少需要{min}个字符",
        "the password needs at least {min} characters",
    ),
    "field.lead_also_co": (
        "牵头单位不能同时是配合单位：{value}",
        "the lead unit cannot also co-operate: {value}",
    ),
    "field.unit_required_for_role": (
        "成员单位填报员必须属于一个单位",
        "a unit editor must belong to a unit",
    ),
    "field.parent_cycle": ("上级目标不能是自身或下级目标", "a goal cannot sit under itself"),
    "field.not_in_plan": ("不属于该规划：{value}", "not in this plan: {value}"),
    "field.goal_in_use": (
        "该目标下还有{tasks}项任务、{children}个下级目标、{targets}项指标，请先移走再删除",
        "the goal still has {tasks} tasks, {children} sub-goals and {targets} indicators: "
        "move them first",
    ),
    "field.milestones_format": (
        "阶段目标格式应为“年份: 数值”，每行或分号分隔一项，如 2027: 12.5",
        "milestones are written “year: value”, one per line or separated by ;, e.g. 2027: 12.5",
    ),
    "field.milestone_year": (
        "阶段目标年份{value}应在{min}到{max}年之间（规划期内、基期与目标年之间）",
        "milestone year {value} must lie between {min} and {max} (inside the plan period, "
        "between the baseline and target years)",
    ),
    "field.target_has_values": (
        "该指标已有{count}个发布数据，不能删除（可撤回发布）",
        "the indicator has {count} published values and cannot be deleted (unpublish it instead)",
    ),
    "field.deadline_before_start": (
        "完成时限早于开始日期",
        "the deadline is before the start date",
    ),
    "field.unreadable_file": ("无法读取文件：{value}", "cannot read the file: {value}"),
    "upload.too_large": (
        "文件大于 {max} MB（IPCITY_UPLOAD_MAX_MB），请拆分后再导入",
        "the file is larger than {max} MB (IPCITY_UPLOAD_MAX_MB); split it",
    ),
    "upload.too_many_rows": (
        "表格超过 {max} 行（IPCITY_UPLOAD_MAX_ROWS），请拆分或删除表格下方的空行",
        "the sheet has more than {max} rows (IPCITY_UPLOAD_MAX_ROWS); split it or delete "
        "the unused rows below the table",
    ),
    "upload.too_many_columns": (
        "第 {row} 行超过 {max} 列（IPCITY_UPLOAD_MAX_COLUMNS），请删除多余的列",
        "row {row} has more than {max} columns (IPCITY_UPLOAD_MAX_COLUMNS); delete the "
        "unused columns",
    ),
    "upload.too_many_cells": (
        "表格超过 {max} 个单元格（IPCITY_UPLOAD_MAX_CELLS），请拆分后再导入",
        "the sheet has more than {max} cells (IPCITY_UPLOAD_MAX_CELLS); split it",
    ),
    "upload.unzipped_too_large": (
        "工作簿解压后超过 {max} MB（IPCITY_UPLOAD_MAX_UNZIPPED_MB），请拆分后再导入",
        "the workbook unpacks to more than {max} MB (IPCITY_UPLOAD_MAX_UNZIPPED_MB); split it",
    ),
    "field.file_type_not_allowed": (
        "不接受此类文件：{value}（可上传：{allowed}）",
        "this kind of file is not accepted: {value} (allowed: {allowed})",
    ),
    "field.no_header": (
        "找不到表头（需要包含：{value}）",
        "no header row found (needs: {value})",
    ),
    # imports with a preview; unit aliases
    "field.unknown_unit_suggest": (
        "未知单位：{value}。您是否要找：{suggestions}？（可在“成员单位”中为单位添加别名）",
        "unknown unit: {value}. Did you mean: {suggestions}? (Aliases can be added under "
        "Member units.)",
    ),
    "field.unknown_unit_hint": (
        "未知单位：{value}（可在“成员单位”中为单位添加别名）",
        "unknown unit: {value} (aliases can be added under Member units)",
    ),
    "field.one_lead_unit": (
        "牵头单位只能填一个（填写了：{value}）；其他单位请填入“配合单位”",
        "only one lead unit is allowed (given: {value}); put the others under co-operating units",
    ),
    "field.duplicate_task_row": (
        "与第 {other} 行是同一任务（标题和牵头单位相同）",
        "the same task as row {other} (same title and lead unit)",
    ),
    "field.duplicate_code_row": (
        "任务编号 {value} 与第 {other} 行重复",
        "task code {value} is also on row {other}",
    ),
    "field.alias_taken": (
        "别名“{value}”已是“{unit}”的名称或别名",
        "the alias “{value}” is already a name or alias of {unit}",
    ),
    "import.deadline_outside_year": (
        "完成时限 {value}（{date}）不在 {year} 年计划年度内",
        "deadline {value} ({date}) is outside the plan year {year}",
    ),
    "import.deadline_passed": (
        "完成时限 {value} 读作 {date}，已早于今天（{today}），导入后即为逾期",
        "deadline {value} reads as {date}, before today ({today}): the task will be overdue "
        "at once",
    ),
    "import.renames_reported_task": (
        "任务 {code} 已有 {reports} 份进展报告，本次导入将修改其{fields}",
        "task {code} has {reports} progress reports; this import changes its {fields_en}",
    ),
    "import.stale_preview": (
        "预览之后数据已有变化（其他人修改了任务或单位），本次未写入任何内容；请重新上传并查看新的预览",
        "the data changed after the preview (someone edited tasks or units); nothing was "
        "written; upload the file again and check the new preview",
    ),
    "import.same_title_other_lead": (
        "已有同名任务 {code}，但牵头单位是{unit}；本行将作为新任务添加",
        "task {code} has the same title but is led by {unit}; this row is added as a new task",
    ),
    "import.preview_expired": (
        "这份上传的表格已导入或已过期（保留一天）；请重新上传",
        "this upload was applied already or has expired (kept for a day); upload the file again",
    ),
    "import.empty_sheet": (
        "表格只有表头，没有任务行",
        "the sheet has a header but no task rows",
    ),
}


def render(key: str, params: Mapping[str, Any] | None = None, locale: str = DEFAULT_LOCALE) -> str:
    """The text for ``key`` in ``locale`` ("zh" or "en"); an unknown key renders as itself."""
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    template = pair[1] if locale.lower().startswith("en") else pair[0]
    try:
        return template.format(**(params or {}))
    except (KeyError, IndexError, ValueError):
        return template


def both(key: str, params: Mapping[str, Any] | None = None) -> dict[str, str]:
    """``{"zh": ..., "en": ...}`` for API payloads that want both."""
    return {loc: render(key, params, loc) for loc in LOCALES}
