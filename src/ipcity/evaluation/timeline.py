"""The time base of plan evaluation: years, with each calendar year counted as one.

A value for year Y describes the state at the end of Y (31 December): a baseline "2020" is the
position on 31 Dec 2020 and a target "2025" the position due on 31 Dec 2025. A date inside a
year counts its share of that year by days: ``year_time(date(2023, 7, 2))`` is
2022 + 183/365. Counting whole years (not days since the baseline) keeps the hand arithmetic
of a plan exact: at the end of 2022 a 2020-2025 plan is 2/5 = 40% through, not 730/1826.
"""

from __future__ import annotations

import calendar
from datetime import date
from fractions import Fraction


def year_time(day: date) -> Fraction:
    """``day`` on the year scale: 31 Dec of Y -> Y; 1 Jan of Y -> Y - 1 + 1/365 (or /366)."""
    days = 366 if calendar.isleap(day.year) else 365
    return Fraction(day.year - 1) + Fraction(day.timetuple().tm_yday, days)


def elapsed_share(start: Fraction, end: Fraction, at: Fraction) -> Fraction:
    """How much of the span start..end has passed at ``at``, clamped to 0..1."""
    if end <= start:
        return Fraction(1) if at >= end else Fraction(0)
    share = (at - start) / (end - start)
    return min(Fraction(1), max(Fraction(0), share))


def period_share(first_year: int, last_year: int, at: date) -> Fraction:
    """Share of a plan period (1 Jan of ``first_year`` .. 31 Dec of ``last_year``) elapsed at
    the end of ``at``: a 2021-2025 plan at 31 Dec 2022 -> 2/5."""
    return elapsed_share(Fraction(first_year - 1), Fraction(last_year), year_time(at))
