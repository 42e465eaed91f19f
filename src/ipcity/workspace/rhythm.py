"""A work plan's reporting rhythm: how often units report, and which period is current.

``month`` (2023-06), ``quarter`` (2023-Q2, the default: the office works in quarters),
``half`` (2023-H1) or ``year`` (2023). The new-report form proposes the period of the rhythm
that contains today, then the previous one (a report on a period just ended)."""

from __future__ import annotations

from datetime import date

RHYTHMS = ("month", "quarter", "half", "year")
DEFAULT_RHYTHM = "quarter"


def period_of(day: date, rhythm: str) -> str:
    """The period of ``rhythm`` that contains ``day``, in its normal form."""
    y, m = day.year, day.month
    if rhythm == "month":
        return f"{y}-{m:02d}"
    if rhythm == "half":
        return f"{y}-H{1 if m <= 6 else 2}"
    if rhythm == "year":
        return str(y)
    return f"{y}-Q{(m - 1) // 3 + 1}"


def previous_period(day: date, rhythm: str) -> str:
    """The period of ``rhythm`` just before the one containing ``day``."""
    y, m = day.year, day.month
    if rhythm == "month":
        return period_of(date(y - 1, 12, 1) if m == 1 else date(y, m - 1, 1), rhythm)
    if rhythm == "half":
        return period_of(date(y - 1, 12, 1) if m <= 6 else date(y, 6, 1), rhythm)
    if rhythm == "year":
        return str(y - 1)
    first = (m - 1) // 3 * 3 + 1  # first month of this quarter
    return period_of(date(y - 1, 12, 1) if first == 1 else date(y, first - 1, 1), rhythm)


def suggestions(day: date, rhythm: str) -> list[str]:
    """Periods to propose, the default first: the current period of the rhythm, the previous
    one, then the other forms (a unit may still report on another period)."""
    out = [period_of(day, rhythm), previous_period(day, rhythm)]
    for other in RHYTHMS:
        p = period_of(day, other)
        if p not in out:
            out.append(p)
    return out
