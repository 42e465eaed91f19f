"""Vectorised calendar arithmetic on day numbers (days since 1970-01-01, as int64)."""

from __future__ import annotations

import numpy as np

_TUESDAY = 1  # Monday = 0; CNIPA publishes grant announcements on Tuesdays


def year_of(days: np.ndarray) -> np.ndarray:
    return np.asarray(days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970)


def year_start(years: np.ndarray) -> np.ndarray:
    """Day number of 1 January of each year."""
    y = np.asarray(years, dtype=np.int64) - 1970
    return np.asarray(y.astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64))


def year_end(years: np.ndarray) -> np.ndarray:
    return year_start(np.asarray(years, dtype=np.int64) + 1) - 1


def add_years(days: np.ndarray, years: np.ndarray) -> np.ndarray:
    """The same day-of-month ``years`` later (29 February becomes 28 February)."""
    d = days.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    day_of_month = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = month + (12 * np.asarray(years, dtype=np.int64)).astype("timedelta64[M]")
    start = target.astype("datetime64[D]").astype(np.int64)
    length = (target + np.timedelta64(1, "M")).astype("datetime64[D]").astype(np.int64) - start
    return np.asarray(start + np.minimum(day_of_month, length - 1))


def next_tuesday(days: np.ndarray) -> np.ndarray:
    """The day itself when a Tuesday, else the next Tuesday (1970-01-01 was a Thursday)."""
    weekday = (days + 3) % 7
    return np.asarray(days + (_TUESDAY - weekday) % 7)
