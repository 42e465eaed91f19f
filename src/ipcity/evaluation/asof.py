"""The one as-of rule: the reference date, and which years the warehouse covers completely.

- **Reference date**: the app's date, from its one clock (``ipcity.clock.app_today``:
  ``IPCITY_TODAY`` when set, else the calendar's today); a report or evaluation of year Y
  looks at Y as of ``min(reference date, 31 December Y)``. The dashboard, the evaluation, the
  annual report (web and ``ipcity report``), the portal's headline and supervision all take
  their day from there, so a figure that depends on the day (overdue tasks, plan time
  elapsed) is the same on every page.
- **Complete year**: a year Y is complete when the warehouse holds patents granted in Y *and*
  its data reaches the end of Y (a grant dated in December of Y or later: the offices publish
  grants every week, so data that stops before December is an unfinished delivery) and Y has
  begun by the reference date. A year with no grant at all is *empty*; one whose data stops
  before December is *partial*. Both are refused for annual reports and for publication on the
  portal, with a message that says which (in Chinese and English).
- **Default year** everywhere: the last complete year (else the reference date's year - 1).
- **A past as-of day** (before the reference date): the workspace is read as it stood at the
  end of that day, the day included, from its event history (``ipcity.workspace.history``):
  review states, tasks and deadlines of that day, not today's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ipcity.clock import app_today
from ipcity.errors import InputError
from ipcity.numbers import fmt_date

if TYPE_CHECKING:
    from ipcity.warehouse.store import Warehouse


def as_of_for_year(year: int, today: date | None = None) -> date:
    """The day a report or evaluation of ``year`` looks at: the reference date, or
    31 December of ``year`` once that year is over."""
    return min(app_today(today), date(year, 12, 31))


@dataclass(frozen=True)
class YearCoverage:
    year: int
    grants: int
    last_grant: date | None

    @property
    def complete(self) -> bool:
        return self.grants > 0 and self.last_grant is not None and self.last_grant.month == 12


def year_coverage(warehouse: Warehouse) -> dict[int, YearCoverage]:
    """Grants per year in the warehouse and the last grant date of each year; a later year's
    data counts as reaching the end of the earlier ones."""
    rows = warehouse.con.execute(
        "SELECT year(grant_date) AS y, count(*) AS n, max(grant_date) AS last "
        "FROM patents WHERE grant_date IS NOT NULL GROUP BY 1 ORDER BY 1"
    ).fetchall()
    out: dict[int, YearCoverage] = {}
    years = [int(r[0]) for r in rows]
    for y, n, last in rows:
        later = any(other > int(y) for other in years)
        out[int(y)] = YearCoverage(int(y), int(n), date(int(y), 12, 31) if later else last)
    return out


def last_complete_year(warehouse: Warehouse | None, today: date | None = None) -> int:
    """The newest complete year on the reference date (else the year before it)."""
    day = app_today(today)
    if warehouse is not None:
        done = [
            c.year for c in year_coverage(warehouse).values() if c.complete and c.year <= day.year
        ]
        if done:
            return max(done)
    return day.year - 1


class IncompleteYear(InputError):
    """A report or a publication for a year the warehouse does not cover completely."""

    def __init__(self, year: int, kind: str, last: date | None, suggestion: int) -> None:
        self.year, self.kind, self.last, self.suggestion = year, kind, last, suggestion
        super().__init__(self.message("en"))

    def message(self, locale: str = "zh") -> str:
        zh = locale.startswith("zh")
        if self.kind == "empty":
            if zh:
                return (
                    f"{self.year}年没有专利数据，不能生成或发布该年度的报告；"
                    f"最近的完整年度是{self.suggestion}年。"
                )
            return (
                f"There is no patent data for {self.year}: no report can be made or published "
                f"for it. The last complete year is {self.suggestion}."
            )
        # the date as the rest of the UI writes it: 2023年5月10日 / 10 May 2023
        last = fmt_date(self.last, "zh" if zh else "en") if self.last else ""
        if zh:
            return (
                f"{self.year}年的专利数据不完整（截至{last}），不能生成或发布该年度的报告；"
                f"最近的完整年度是{self.suggestion}年。"
            )
        return (
            f"The patent data for {self.year} is incomplete (it ends on {last}): no report can "
            f"be made or published for it. The last complete year is {self.suggestion}."
        )


def require_complete_year(warehouse: Warehouse, year: int, today: date | None = None) -> None:
    """Raise IncompleteYear unless ``year`` is complete (see the module's rule)."""
    cov = year_coverage(warehouse).get(year)
    suggestion = last_complete_year(warehouse, today)
    if cov is None or cov.grants == 0:
        raise IncompleteYear(year, "empty", None, suggestion)
    if not cov.complete or year > app_today(today).year:
        raise IncompleteYear(year, "partial", cov.last_grant, suggestion)
