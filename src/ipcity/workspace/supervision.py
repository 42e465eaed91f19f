"""Task status by rule: pure functions of (task dates, latest accepted progress, today, N).

Rules, first match wins:

1. **done** — the latest accepted progress is 100 %.
1b. **green, complete and awaiting review** — the lead unit has *submitted* a report at 100 %
   that the office has not handled yet. The unit has done its part; the wait is the office's,
   so the task is neither overdue nor a warning until the office accepts (then done) or
   returns the report (then the other rules apply again, overdue included).
2. **red** — today is after the deadline (the deadline day itself is not overdue).
3. **yellow, near deadline** — the deadline is within N days: ``0 <= deadline - today <= N``
   (due today and exactly N days ahead both count).
4. **yellow, behind schedule** — progress is below the straight line from start to deadline:
   ``expected = 100 * (today - start) / (deadline - start)``, clipped to 0..100; the task is
   behind when ``percent < expected - margin``. The margin defaults to 25 percentage points
   (``DEFAULT_BEHIND_MARGIN``): accepted progress is naturally one reporting period old
   (a quarter of a one-year task), so a task is flagged when it lags by more than that, not
   on its second day. Lagging by exactly the margin is on track. No accepted report counts
   as 0 %.
5. **green** otherwise.

Comparisons use exact fractions so a boundary case cannot flip on a rounding error.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from ipcity.settings import current
from ipcity.workspace.messages import render

DEFAULT_NEAR_DAYS = 14
DEFAULT_BEHIND_MARGIN = 25.0  # percentage points; see the module doc (rule 4)


class Status(enum.StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    DONE = "done"


@dataclass(frozen=True)
class SupervisionSettings:
    """``near_days``: the N of the near-deadline rule. ``behind_tolerance``: percentage points
    a task may lag the straight line before it turns yellow (0 = strict; default the
    documented margin)."""

    near_days: int = DEFAULT_NEAR_DAYS
    behind_tolerance: float = DEFAULT_BEHIND_MARGIN

    @classmethod
    def from_env(cls) -> SupervisionSettings:
        near = current().near_days  # IPCITY_NEAR_DAYS
        return cls() if near is None else cls(near_days=near)


@dataclass(frozen=True)
class TaskStatus:
    """A status with its reason (message key + params, see messages.py)."""

    status: Status
    reason_key: str
    params: dict[str, Any] = field(default_factory=dict)
    expected_percent: float | None = None  # the straight line today
    days_left: int = 0  # negative when overdue

    def reason(self, locale: str = "zh") -> str:
        return render(self.reason_key, self.params, locale)

    def as_dict(self, locale: str = "zh") -> dict[str, Any]:
        return {
            "status": self.status.value,
            "status_label": render(f"status.{self.status.value}", None, locale),
            "reason_key": self.reason_key,
            "params": self.params,
            "reason": self.reason(locale),
            "expected_percent": self.expected_percent,
            "days_left": self.days_left,
        }


def expected_fraction(start: date, deadline: date, today: date) -> Fraction:
    """Where the straight line from start (0 %) to deadline (100 %) is today, as 0..1."""
    total = (deadline - start).days
    elapsed = (today - start).days
    if total <= 0:  # started on (or after) the deadline: all is due by then
        return Fraction(1) if today >= deadline else Fraction(0)
    return min(Fraction(1), max(Fraction(0), Fraction(elapsed, total)))


def _pct(x: float | Fraction) -> float:
    return round(float(x), 1)


def task_status(
    *,
    start: date,
    deadline: date,
    percent: float | None,
    today: date,
    settings: SupervisionSettings = SupervisionSettings(),
    awaiting_review: bool = False,
) -> TaskStatus:
    """The status of one task (see the module doc for the rules). ``awaiting_review``: the
    lead unit's latest report claims 100 % and waits for the office (rule 1b)."""
    pct = Fraction(percent) if percent is not None else Fraction(0)
    days_left = (deadline - today).days
    line = expected_fraction(start, deadline, today) * 100
    dl = deadline.isoformat()
    if pct >= 100:
        return TaskStatus(Status.DONE, "reason.done", {"percent": _pct(pct)}, _pct(line), days_left)
    if awaiting_review:
        return TaskStatus(
            Status.GREEN,
            "reason.awaiting_review",
            {"percent": _pct(pct), "deadline": dl},
            _pct(line),
            days_left,
        )
    if days_left < 0:
        return TaskStatus(
            Status.RED,
            "reason.overdue",
            {"days": -days_left, "deadline": dl},
            _pct(line),
            days_left,
        )
    if days_left <= settings.near_days:
        return TaskStatus(
            Status.YELLOW,
            "reason.near_deadline",
            {"days": days_left, "deadline": dl},
            _pct(line),
            days_left,
        )
    params = {"percent": _pct(pct), "expected": _pct(line)}
    if pct < line - Fraction(settings.behind_tolerance):
        return TaskStatus(Status.YELLOW, "reason.behind_schedule", params, _pct(line), days_left)
    return TaskStatus(Status.GREEN, "reason.on_track", params, _pct(line), days_left)


def notice_kind(status: TaskStatus) -> str | None:
    """Which inbox notice a status calls for: near-deadline reminders and overdue notices."""
    if status.status is Status.RED:
        return "overdue"
    if status.reason_key == "reason.near_deadline":
        return "near_deadline"
    return None
