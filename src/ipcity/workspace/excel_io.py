"""The annual work plan and the indicator targets as the office keeps them in Excel.

Task sheet columns (header row found among the first 15 rows, so a title row above it is
fine; other columns are ignored; * marks required):

  序号, 任务编号, 重点任务*, 任务描述, 所属目标, 牵头单位*, 配合单位, 完成时限*,
  预期成果, 权重, 里程碑

(also accepted: 编号/任务代码, 任务名称/工作任务, 主要内容/工作内容, 目标/对应目标,
责任单位/牵头部门, 协办单位/参与单位, 完成时间/时间节点/时限, 成果形式, 阶段安排.)

- 任务编号 is the key: importing again updates the tasks with the same code. A row without a
  code matches the existing task with the same title and lead unit, never by 序号 (序号 is a
  row number: it orders the tasks and names the row in messages). A row matching nothing is a
  new task and gets the next free code of the year (``2023-068``).
- Only the columns the sheet has are compared and written: a sheet without 任务描述 leaves
  every description as it is.
- 所属目标: a goal code, a goal title, or "code title" as exported.
- A row with text in one cell only (e.g. "一、加强知识产权创造") is a section heading; when it
  names a goal, the tasks under it default to that goal.
- 牵头单位: one unit; 配合单位: several, separated by 、 ; ； , ， / or new lines; "各区"/"各区政府"
  stands for every district (see unit_names.py). A lead unit also listed as co-operating is
  dropped from the co-operating list.
- 完成时限: a date cell or the Chinese forms in cn_dates.py (2023年6月底, 年底, 三季度 ...); the
  work plan's year fills a missing year. The wording is kept as written (deadline_text)
  unless it is a plain ISO date; export writes the wording back when it still means the date.
- 里程碑: steps separated by ； or new lines, each "date title" (2023-03-31 完成调研) or
  "Chinese date + title" (3月底前完成调研); a step without a readable date keeps no date.

Target sheet columns: 序号, 指标编号, 指标*, 引擎指标, 单位, 属性 (约束性/预期性), 基期年, 基期值,
目标年*, 目标值*, 方向 (正向/逆向; default 正向), 所属目标, 地区, 备注. Keyed by 指标编号, or by the
indicator's name within the plan when the sheet has no code (new codes: the engine id, else
``I<序号:03d>``).

Import is all or nothing: every row is checked first and an ImportRejected lists every problem
(sheet row, column, message); nothing is written then. Export writes the same layout back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ipcity.errors import InputError
from ipcity.workspace.actions._common import Invalid, integer, number
from ipcity.workspace.cn_dates import parse_deadline
from ipcity.workspace.errors import RowError
from ipcity.workspace.models import Goal, IndicatorTarget, Task, Unit, WorkPlan
from ipcity.workspace.permissions import Actor, Cap, require
from ipcity.workspace.queries import get_plan, get_work_plan, list_tasks
from ipcity.workspace.tabular import (
    HeaderCheck,
    Rows,
    UploadRefused,
    cell_text,
    find_header,
    read_rows,
    write_csv,
    write_xlsx,
)
from ipcity.workspace.unit_names import UnitIndex, means_every_district, split_units

TASK_HEADER = (
    "序号",
    "任务编号",
    "重点任务",
    "任务描述",
    "所属目标",
    "牵头单位",
    "配合单位",
    "完成时限",
    "预期成果",
    "权重",
    "里程碑",
)
TASK_FIELDS = (
    "seq",
    "code",
    "title",
    "description",
    "goal",
    "lead",
    "co",
    "deadline",
    "expected_output",
    "weight",
    "milestones",
)
TASK_ALIASES: dict[str, Sequence[str]] = {
    "seq": ("序号", "No", "No."),
    "code": ("任务编号", "任务代码", "编号", "code"),
    "title": ("重点任务", "任务名称", "工作任务", "任务", "title"),
    "description": ("任务描述", "主要内容", "工作内容", "具体内容", "description"),
    "goal": ("所属目标", "目标", "对应目标", "goal"),
    "lead": ("牵头单位", "责任单位", "牵头部门", "lead unit", "lead"),
    "co": ("配合单位", "协办单位", "参与单位", "配合部门", "co-operating units"),
    "deadline": ("完成时限", "完成时间", "时间节点", "时限", "deadline"),
    "expected_output": ("预期成果", "成果形式", "expected output"),
    "weight": ("权重", "weight"),
    "milestones": ("里程碑", "阶段安排", "milestones"),
}
TASK_REQUIRED = ("title", "lead", "deadline")

TARGET_HEADER = (
    "序号",
    "指标编号",
    "指标",
    "引擎指标",
    "单位",
    "属性",
    "基期年",
    "基期值",
    "目标年",
    "目标值",
    "方向",
    "所属目标",
    "地区",
    "备注",
)
TARGET_FIELDS = (
    "seq",
    "code",
    "name",
    "engine_indicator",
    "unit",
    "binding",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "direction",
    "goal",
    "region",
    "note",
)
TARGET_ALIASES: dict[str, Sequence[str]] = {
    "seq": ("序号",),
    "code": ("指标编号", "指标代码", "编号", "code"),
    "name": ("指标", "指标名称", "name"),
    "engine_indicator": ("引擎指标", "计算指标", "engine indicator"),
    "unit": ("单位", "计量单位", "unit"),
    "binding": ("属性", "指标属性", "binding"),
    "baseline_year": ("基期年", "基期年份", "基年"),
    "baseline_value": ("基期值", "基期数"),
    "target_year": ("目标年", "目标年份"),
    "target_value": ("目标值",),
    "direction": ("方向", "指标方向", "direction"),
    "goal": ("所属目标", "目标"),
    "region": ("地区", "region"),
    "note": ("备注", "note"),
}
TARGET_REQUIRED = ("name", "target_year", "target_value")


# --- goals ----------------------------------------------------------------------------------


class GoalIndex:
    """Goals by code or title; a code or title shared by several goals (a work plan without a
    plan sees every plan's goals) matches none, so it is reported rather than guessed."""

    def __init__(self, goals: Sequence[Goal]) -> None:
        self._code: dict[str, list[Goal]] = {}
        self._title: dict[str, list[Goal]] = {}
        for g in goals:
            self._code.setdefault(g.code, []).append(g)
            self._title.setdefault(g.title.strip(), []).append(g)

    @staticmethod
    def _one(found: list[Goal] | None) -> Goal | None:
        return found[0] if found and len(found) == 1 else None

    def resolve(self, text: str) -> Goal | None:
        s = text.strip()
        if not s:
            return None
        return (
            self._one(self._code.get(s))
            or self._one(self._title.get(s))
            or self._one(self._code.get(s.split(maxsplit=1)[0]))
        )


def goal_label(goal: Goal | None) -> str:
    return f"{goal.code} {goal.title}" if goal else ""


# --- tasks: parse ---------------------------------------------------------------------------


@dataclass
class TaskRow:
    """One validated task row, ready to write. ``code`` is None when the sheet gave none;
    ``present`` names the fields whose column the sheet has; ``seq_text`` is the 序号 as
    written (for messages)."""

    row: int
    code: str | None
    seq: int
    title: str
    description: str
    goal_id: int | None
    lead_unit_id: int
    co_unit_ids: list[int]
    deadline: date
    deadline_text: str
    expected_output: str
    weight: float | None
    milestones: list[tuple[str, date | None]]
    present: frozenset[str] = frozenset()
    seq_text: str = ""
    warnings: list[RowError] = field(default_factory=list)


def title_key(title: str) -> str:
    """A title as compared for matching: NFKC, no spaces, no trailing punctuation."""
    import unicodedata

    return re.sub(r"[\s。；;，,.]+$", "", re.sub(r"\s+", "", unicodedata.normalize("NFKC", title)))


_MS_CN = re.compile(
    r"^((?:\d{4}年)?(?:\d{1,2}|十[一二]?|[一二三四五六七八九])月"
    r"(?:底|末|上旬|中旬|下旬|\d{1,2}[日号])?(?:前|之前|以前)?)[，,：:\s]*(.+)$"
)


def parse_milestones(text: str, year: int) -> list[tuple[str, date | None]]:
    out: list[tuple[str, date | None]] = []
    for part in re.split(r"[；;\n]+", text or ""):
        part = part.strip()
        if not part:
            continue
        head, _, rest = part.partition(" ")
        due = parse_deadline(head, year) if rest else None
        if due is not None and rest.strip():
            out.append((rest.strip()[:300], due))
            continue
        m = _MS_CN.match(part)
        if m and (due := parse_deadline(m.group(1), year)) is not None:
            out.append((m.group(2).strip()[:300], due))
            continue
        out.append((part[:300], None))
    return out


def format_milestones(milestones: Sequence[tuple[str, date | None]]) -> str:
    return "；".join(f"{d.isoformat()} {t}" if d else t for t, d in milestones)


def header_check(aliases: dict[str, Sequence[str]], required: Sequence[str]) -> HeaderCheck:
    """Whether some of the first rows is a header with the required columns."""
    return lambda rows: find_header(rows, aliases, required) is not None


def _header_or_error(
    rows: Rows, aliases: dict[str, Sequence[str]], required: Sequence[str]
) -> tuple[int, dict[str, int]] | RowError:
    found = find_header(rows, aliases, required)
    if found is None:
        names = "、".join(aliases[r][0] for r in required)
        return RowError(1, "", "field.no_header", {"value": names})
    return found


def parse_task_rows(
    session: Session, work_plan: WorkPlan, rows: Rows
) -> tuple[list[TaskRow], list[RowError]]:
    """Validate every row of a task sheet; (rows, errors) — errors empty means all good."""
    header = _header_or_error(rows, TASK_ALIASES, TASK_REQUIRED)
    if isinstance(header, RowError):
        return [], [header]
    hdr_idx, cols = header
    units = UnitIndex(
        list(session.scalars(select(Unit).options(selectinload(Unit.aliases)).order_by(Unit.id)))
    )
    goal_stmt = select(Goal)
    if work_plan.plan_id is not None:
        goal_stmt = goal_stmt.where(Goal.plan_id == work_plan.plan_id)
    goals = GoalIndex(list(session.scalars(goal_stmt)))
    col_name = dict(zip(TASK_FIELDS, TASK_HEADER, strict=True))
    col_name.update({f: cell_text(rows[hdr_idx][j]) for f, j in cols.items()})

    def get(row: list[Any], f: str) -> Any:
        j = cols.get(f)
        return row[j] if j is not None and j < len(row) else None

    out: list[TaskRow] = []
    errors: list[RowError] = []
    seen_codes: dict[str, int] = {}
    seen_tasks: dict[tuple[str, int], int] = {}
    present = frozenset(cols) - {"seq", "code"}
    section_goal: Goal | None = None
    position = 0
    for i in range(hdr_idx + 1, len(rows)):
        row = list(rows[i])
        excel_row = i + 1
        texts = [cell_text(c) for c in row]
        filled = [t for t in texts if t]
        if not filled:
            continue
        title = cell_text(get(row, "title"))
        lead_txt = cell_text(get(row, "lead"))
        if len(filled) == 1 and not lead_txt and (not title or title == filled[0]):
            # A section heading like "一、加强知识产权创造": may name the goal below it.
            label = re.sub(r"^[一二三四五六七八九十]+[、.．]\s*", "", filled[0])
            section_goal = goals.resolve(label) or goals.resolve(filled[0])
            continue
        position += 1
        row_errors: list[RowError] = []
        row_warnings: list[RowError] = []
        seq_text = cell_text(get(row, "seq"))[:20]

        def err(
            f: str,
            key: str,
            row_no: int = excel_row,
            sink: list[RowError] = row_errors,
            seq_text: str = seq_text,
            **params: Any,
        ) -> None:
            sink.append(RowError(row_no, col_name.get(f, f), key, params, seq=seq_text))

        seq = position
        if seq_text:
            try:
                seq = integer(0)(get(row, "seq"))
            except Invalid as exc:
                err("seq", exc.key, **exc.params)
        given_code = cell_text(get(row, "code"))
        if given_code:
            if not re.fullmatch(r"[\w.\-]{1,32}", given_code):
                err("code", "field.invalid_format", hint="letters, digits, _ . - (max 32)")
            elif given_code in seen_codes:
                err(
                    "code",
                    "field.duplicate_code_row",
                    value=given_code,
                    other=seen_codes[given_code],
                )
            seen_codes.setdefault(given_code, excel_row)
        if not title:
            err("title", "field.required")
        elif len(title) > 300:
            err("title", "field.too_long", max=300)
        lead_id = 0
        if not lead_txt:
            err("lead", "field.required")
        elif len(_unit_names(units, lead_txt)) > 1 or means_every_district(lead_txt):
            err("lead", "field.one_lead_unit", value=lead_txt)
        else:
            found = units.resolve(lead_txt)
            if isinstance(found, str):
                _unit_error(err, "lead", found, lead_txt, units)
            elif len(found) != 1:
                err("lead", "field.one_lead_unit", value=lead_txt)
            else:
                lead_id = found[0].id
        if title and lead_id and not given_code:
            key = (title_key(title), lead_id)
            if key in seen_tasks:
                err("title", "field.duplicate_task_row", other=seen_tasks[key])
            seen_tasks.setdefault(key, excel_row)
        co_ids: list[int] = []
        for name in _unit_names(units, cell_text(get(row, "co"))):
            found = units.resolve(name)
            if isinstance(found, str):
                _unit_error(err, "co", found, name, units)
                continue
            for u in found:
                if u.id != lead_id and u.id not in co_ids:
                    co_ids.append(u.id)
        goal_id = section_goal.id if section_goal else None
        goal_txt = cell_text(get(row, "goal"))
        if goal_txt:
            g = goals.resolve(goal_txt)
            if g is None:
                err("goal", "field.unknown_goal", value=goal_txt)
            else:
                goal_id = g.id
        raw_deadline = get(row, "deadline")
        deadline_text = "" if isinstance(raw_deadline, date) else cell_text(raw_deadline)
        deadline: date | None = None
        if isinstance(raw_deadline, datetime):
            deadline = raw_deadline.date()
        elif isinstance(raw_deadline, date):
            deadline = raw_deadline
        elif deadline_text:
            deadline = parse_deadline(deadline_text, work_plan.year)
            if deadline is None:
                err("deadline", "field.invalid_date", value=deadline_text)
        else:
            err("deadline", "field.required")
        if deadline is not None and deadline_text == deadline.isoformat():
            deadline_text = ""  # a plain ISO date says nothing more than the date itself
        if deadline is not None and deadline < work_plan.start_date:
            err("deadline", "field.deadline_before_start")
        elif deadline is not None and deadline.year != work_plan.year:
            err(
                "deadline",
                "import.deadline_outside_year",
                sink=row_warnings,
                value=deadline_text or deadline.isoformat(),
                date=deadline.isoformat(),
                year=work_plan.year,
            )
        weight: float | None = None
        if cell_text(get(row, "weight")):
            try:
                weight = number(0)(get(row, "weight"))
            except Invalid as exc:
                err("weight", exc.key, **exc.params)
        if row_errors:
            errors.extend(row_errors)
            continue
        assert deadline is not None
        out.append(
            TaskRow(
                row=excel_row,
                code=given_code or None,
                seq=seq,
                title=title,
                description=cell_text(get(row, "description")),
                goal_id=goal_id,
                lead_unit_id=lead_id,
                co_unit_ids=co_ids,
                deadline=deadline,
                deadline_text=deadline_text[:50],
                expected_output=cell_text(get(row, "expected_output")),
                weight=weight,
                milestones=parse_milestones(cell_text(get(row, "milestones")), work_plan.year),
                present=present,
                seq_text=seq_text,
                warnings=row_warnings,
            )
        )
    if not out and not errors:
        errors.append(RowError(hdr_idx + 1, "", "import.empty_sheet"))
    return out, errors


def _unit_error(err: Any, f: str, key: str, name: str, units: UnitIndex) -> None:
    """An unknown unit with the closest names as suggestions; an ambiguous one as such."""
    if key != "field.unknown_unit":
        err(f, key, value=name)
        return
    close = units.suggest(name)
    if close:
        err(f, "field.unknown_unit_suggest", value=name, suggestions="、".join(close))
    else:
        err(f, "field.unknown_unit_hint", value=name)


# --- targets: parse -------------------------------------------------------------------------


@dataclass
class TargetRow:
    row: int
    code: str | None  # None: key by name
    values: dict[str, Any] = field(default_factory=dict)


def parse_target_rows(
    session: Session, plan_id: int, rows: Rows
) -> tuple[list[TargetRow], list[RowError]]:
    from ipcity.workspace.actions.plans import TARGET_FIELDS as TF

    header = _header_or_error(rows, TARGET_ALIASES, TARGET_REQUIRED)
    if isinstance(header, RowError):
        return [], [header]
    hdr_idx, cols = header
    goals = GoalIndex(list(session.scalars(select(Goal).where(Goal.plan_id == plan_id))))
    col_name = dict(zip(TARGET_FIELDS, TARGET_HEADER, strict=True))
    col_name.update({f: cell_text(rows[hdr_idx][j]) for f, j in cols.items()})
    out: list[TargetRow] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    position = 0
    for i in range(hdr_idx + 1, len(rows)):
        row = list(rows[i])
        excel_row = i + 1
        if not any(cell_text(c) for c in row):
            continue
        position += 1
        row_errors: list[RowError] = []

        def cell(f: str, row: list[Any] = row) -> Any:
            j = cols.get(f)
            return row[j] if j is not None and j < len(row) else None

        values: dict[str, Any] = {}
        for f in TARGET_FIELDS:
            if f in ("seq", "code", "goal"):
                continue
            raw = cell(f)
            if not cell_text(raw):
                if f in TARGET_REQUIRED:
                    row_errors.append(RowError(excel_row, col_name.get(f, f), "field.required"))
                continue
            try:
                values[f] = TF[f].parse(raw if not isinstance(raw, str) else raw.strip())
            except Invalid as exc:
                row_errors.append(RowError(excel_row, col_name.get(f, f), exc.key, exc.params))
        values.setdefault("direction", "higher")
        seq = position
        if cell_text(cell("seq")):
            try:
                seq = integer(0)(cell("seq"))
            except Invalid as exc:
                row_errors.append(RowError(excel_row, col_name["seq"], exc.key, exc.params))
        values["sort_order"] = seq
        goal_txt = cell_text(cell("goal"))
        if goal_txt:
            g = goals.resolve(goal_txt)
            if g is None:
                row_errors.append(
                    RowError(excel_row, col_name["goal"], "field.unknown_goal", {"value": goal_txt})
                )
            else:
                values["goal_id"] = g.id
        code = cell_text(cell("code")) or None
        key = code or f"name:{values.get('name', '')}"
        if key in seen:
            row_errors.append(
                RowError(
                    excel_row,
                    col_name["code"] if code else col_name["name"],
                    "field.duplicate",
                    {"value": code or values.get("name")},
                )
            )
        seen.add(key)
        if code is not None and not re.fullmatch(r"[\w.\-]{1,64}", code):
            row_errors.append(
                RowError(
                    excel_row,
                    col_name["code"],
                    "field.invalid_format",
                    {"hint": "letters, digits, _ . - (max 64)"},
                )
            )
        by, ty = values.get("baseline_year"), values.get("target_year")
        if by is not None and ty is not None and ty < by:
            row_errors.append(
                RowError(
                    excel_row,
                    col_name["target_year"],
                    "field.out_of_range",
                    {"min": by, "max": 2100},
                )
            )
        if row_errors:
            errors.extend(row_errors)
            continue
        out.append(TargetRow(row=excel_row, code=code, values=values))
    return out, errors


def read_sheet(
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    header_found: HeaderCheck | None = None,
) -> Rows | RowError:
    """The rows of an uploaded sheet (bounded, see ``tabular``), or the one RowError saying
    why it cannot be read. With ``header_found``, reading stops after the first rows when
    none of them is a header (the parser then reports the missing header)."""
    try:
        return read_rows(data, filename, sheet=sheet, header_found=header_found)
    except UploadRefused as exc:
        return RowError(0, "", exc.key, exc.params)
    except InputError as exc:
        return RowError(0, "", "field.unreadable_file", {"value": str(exc)})


# --- export ---------------------------------------------------------------------------------


def _deadline_cell(task: Task) -> str:
    if (
        task.deadline_text
        and parse_deadline(task.deadline_text, task.work_plan.year) == task.deadline
    ):
        return task.deadline_text
    return task.deadline.isoformat()


def export_tasks(session: Session, viewer: Actor, work_plan_id: int, *, fmt: str = "xlsx") -> bytes:
    """The work plan's tasks in the import layout (XLSX or CSV)."""
    if viewer.is_authenticated:  # the public may download a published work plan
        require(viewer, Cap.EXPORT)
    wp = get_work_plan(session, viewer, work_plan_id)
    tasks = list_tasks(session, viewer, wp.id)  # the public's: no internal task
    units = {u.id: u for u in session.scalars(select(Unit))}
    goals = {g.id: g for g in session.scalars(select(Goal))}
    rows = []
    for t in tasks:
        rows.append(
            [
                t.seq,
                t.code,
                t.title,
                t.description,
                goal_label(goals.get(t.goal_id)) if t.goal_id else "",
                units[t.lead_unit_id].name,
                "、".join(u.name for u in t.co_units),
                _deadline_cell(t),
                t.expected_output,
                t.weight if t.weight is not None else "",
                format_milestones([(m.title, m.due_date) for m in t.milestones]),
            ]
        )
    return _write(fmt, TASK_HEADER, rows, title=wp.title)


def export_targets(session: Session, viewer: Actor, plan_id: int, *, fmt: str = "xlsx") -> bytes:
    """A plan's indicator targets in the import layout (XLSX or CSV)."""
    plan = get_plan(session, viewer, plan_id)
    from ipcity.workspace.queries import list_targets

    goals = {g.id: g for g in session.scalars(select(Goal).where(Goal.plan_id == plan.id))}
    rows = []
    for t in list_targets(session, viewer, plan.id):
        rows.append(
            [
                t.sort_order,
                t.code,
                t.name,
                t.engine_indicator or "",
                t.unit,
                "约束性" if t.binding else "预期性",
                t.baseline_year if t.baseline_year is not None else "",
                t.baseline_value if t.baseline_value is not None else "",
                t.target_year,
                t.target_value,
                "正向" if t.direction == "higher" else "逆向",
                goal_label(goals.get(t.goal_id)) if t.goal_id else "",
                t.region,
                t.note,
            ]
        )
    return _write(fmt, TARGET_HEADER, rows, title=plan.code)


def _write(fmt: str, header: Sequence[str], rows: list[list[Any]], *, title: str) -> bytes:
    if fmt == "xlsx":
        return write_xlsx(header, rows, title=title)
    if fmt == "csv":
        return write_csv(header, rows)
    raise InputError(f"unknown export format {fmt!r} (use xlsx or csv)")


def existing_targets(session: Session, plan_id: int) -> list[IndicatorTarget]:
    return list(session.scalars(select(IndicatorTarget).where(IndicatorTarget.plan_id == plan_id)))


def _unit_names(units: UnitIndex, text: str) -> list[str]:
    """The unit names in a cell: the whole cell when it is one unit's name (a name may hold
    a separator such as | or 、), else the cell split at the separators."""
    whole = units.resolve(text) if text.strip() else "field.required"
    if not isinstance(whole, str) and len(whole) == 1:
        return [text]
    return split_units(text)
