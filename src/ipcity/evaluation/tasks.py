"""Task completion as of a date: by plan area and by unit, against the share of time gone.

A task's state at the end of ``as_of``:
- ``done_on_time``: completed on or before ``as_of`` and on or before its deadline;
- ``done_late``: completed on or before ``as_of`` but after its deadline;
- ``overdue``: not completed by ``as_of`` and its deadline is before ``as_of``, unless its
  lead unit's 100 % report waits for the office's review (then ``open``, as in supervision:
  the dashboard, the evaluation and the report count the same overdue tasks);
- ``open``: not completed, deadline on or after ``as_of`` (a task due today is not late yet,
  the same rule as the workspace's supervision).
"Half the time gone, half the tasks done" (时间过半、任务过半): completion rate = done / all
tasks, compared with the expected share = the mean, over the same tasks, of the time each
task has used of its own window (start to deadline, the straight line of the workspace's
supervision: (as_of - start) / (deadline - start), clipped to 0..1; a task without a start
uses the plan period's share). When every task spans the plan period this *is* the share of
the plan period gone; for the annual tasks of a five-year plan it is fair to each year's
tasks. Classified with the indicators' thresholds: ratio = completion rate / expected share;
100% done is ``achieved_early``. ``time_share`` (the plan period gone) is shown beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any, Literal

from ipcity.evaluation.exact import to_float
from ipcity.evaluation.midterm import Status, classify
from ipcity.evaluation.thresholds import Thresholds

TaskState = Literal["done_on_time", "done_late", "overdue", "open"]


@dataclass(frozen=True)
class UnitRef:
    """A member unit: ``kind`` is office, municipal or district; ``admin_code`` (GB/T 2260)
    for districts."""

    code: str
    name: str
    kind: str = ""
    id: int | None = None
    admin_code: str | None = None
    sort_order: int = 0


@dataclass(frozen=True)
class TaskInput:
    code: str
    title: str
    lead_unit: UnitRef
    deadline: date
    completed_on: date | None = None
    co_units: tuple[UnitRef, ...] = ()
    area_code: str = ""
    area_title: str = ""
    area_order: int = 0
    start: date | None = None
    year: int | None = None
    id: int | None = None
    # the lead unit's 100 % report waits for the office's review (supervision rule 1b)
    awaiting_review: bool = False


def task_state(task: TaskInput, as_of: date) -> TaskState:
    if task.completed_on is not None and task.completed_on <= as_of:
        return "done_on_time" if task.completed_on <= task.deadline else "done_late"
    if task.awaiting_review:
        # reported complete, waiting for the office: not overdue, as on the dashboard (one
        # count of overdue tasks on every page: ipcity.evaluation.figures)
        return "open"
    return "overdue" if task.deadline < as_of else "open"


@dataclass(frozen=True)
class CompletionRow:
    key: str
    label: str
    total: int
    done: int
    done_on_time: int
    done_late: int
    overdue: int
    open: int
    due: int  # deadline on or before as_of
    completion_rate: float | None
    due_rate: float | None
    time_share: float | None  # of the plan period
    expected_share: float | None  # mean time used of the tasks' own windows
    ratio: float | None  # completion rate / expected share
    status: Status | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class OverdueTask:
    code: str
    title: str
    lead_unit: str
    deadline: date
    days_overdue: int
    area: str

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "deadline": self.deadline.isoformat()}


def task_time_share(task: TaskInput, as_of: date, fallback: Fraction | None) -> Fraction | None:
    """How much of its own window (start to deadline) a task has used at ``as_of``."""
    if task.start is None:
        return fallback
    total = (task.deadline - task.start).days
    if total <= 0:
        return Fraction(1) if as_of >= task.deadline else Fraction(0)
    elapsed = (as_of - task.start).days
    return min(Fraction(1), max(Fraction(0), Fraction(elapsed, total)))


def completion_row(
    key: str,
    label: str,
    tasks: Iterable[TaskInput],
    as_of: date,
    time_share: Fraction | None,
    thresholds: Thresholds,
) -> CompletionRow:
    states = [(t, task_state(t, as_of)) for t in tasks]
    n = len(states)
    count = {s: sum(1 for _, st in states if st == s) for s in ("done_on_time", "done_late")}
    overdue = sum(1 for _, st in states if st == "overdue")
    done = count["done_on_time"] + count["done_late"]
    due = sum(1 for t, _ in states if t.deadline <= as_of)
    rate = Fraction(done, n) if n else None
    shares = [task_time_share(t, as_of, time_share) for t, _ in states]
    known = [x for x in shares if x is not None]
    expected = sum(known, Fraction(0)) / len(known) if known and len(known) == n else None
    status: Status | None = None
    ratio: Fraction | None = None
    if rate is not None and expected is not None:
        # Tasks as an indicator going from 0% done to 100% done along the expected share.
        status, ratio = classify("higher", Fraction(0), Fraction(1), expected, rate, thresholds)
    return CompletionRow(
        key=key,
        label=label,
        total=n,
        done=done,
        done_on_time=count["done_on_time"],
        done_late=count["done_late"],
        overdue=overdue,
        open=n - done - overdue,
        due=due,
        completion_rate=to_float(rate),
        due_rate=to_float(Fraction(due, n) if n else None),
        time_share=to_float(time_share),
        expected_share=to_float(expected),
        ratio=to_float(ratio),
        status=status,
    )


def _grouped(
    tasks: Iterable[TaskInput],
    keys: Callable[[TaskInput], list[tuple[tuple[int, str], str, str]]],
) -> list[tuple[str, str, list[TaskInput]]]:
    groups: dict[str, tuple[tuple[int, str], str, list[TaskInput]]] = {}
    for t in tasks:
        for order, key, label in keys(t):
            groups.setdefault(key, (order, label, []))[2].append(t)
    return [(k, label, ts) for k, (_, label, ts) in sorted(groups.items(), key=lambda i: i[1][0])]


def completion_by_area(
    tasks: Iterable[TaskInput], as_of: date, time_share: Fraction | None, thresholds: Thresholds
) -> list[CompletionRow]:
    """One row per plan area (top-level goal); tasks without one under the key ''."""
    return [
        completion_row(key, label, ts, as_of, time_share, thresholds)
        for key, label, ts in _grouped(
            tasks, lambda t: [((t.area_order, t.area_code), t.area_code, t.area_title)]
        )
    ]


def completion_by_unit(
    tasks: Iterable[TaskInput],
    as_of: date,
    time_share: Fraction | None,
    thresholds: Thresholds,
    *,
    include_co_units: bool = False,
) -> list[CompletionRow]:
    """One row per lead unit (and co-operating units too when ``include_co_units``)."""

    def keys(t: TaskInput) -> list[tuple[tuple[int, str], str, str]]:
        units = [t.lead_unit, *(t.co_units if include_co_units else ())]
        seen: dict[str, UnitRef] = {u.code: u for u in units}
        return [((u.sort_order, u.code), u.code, u.name) for u in seen.values()]

    return [
        completion_row(key, label, ts, as_of, time_share, thresholds)
        for key, label, ts in _grouped(tasks, keys)
    ]


def overdue_tasks(tasks: Iterable[TaskInput], as_of: date) -> list[OverdueTask]:
    """Tasks not done by ``as_of`` whose deadline has passed, longest overdue first."""
    rows = [
        OverdueTask(
            code=t.code,
            title=t.title,
            lead_unit=t.lead_unit.name,
            deadline=t.deadline,
            days_overdue=(as_of - t.deadline).days,
            area=t.area_title,
        )
        for t in tasks
        if task_state(t, as_of) == "overdue"
    ]
    return sorted(rows, key=lambda r: (-r.days_overdue, r.code))
