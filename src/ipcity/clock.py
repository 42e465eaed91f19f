"""The app's one clock: the reference date, and which yearly values have ended by a date.

- **Reference date** (:func:`app_today`): the day given, else the day a request or a demo
  seed runs on (:func:`on_app_day`: the web app's configured day), else ``IPCITY_TODAY``, else
  the calendar's today; no other module reads the calendar (tests/test_one_clock.py). The
  dashboard, the workspace's indicator series, the evaluation, the annual report, the portal's
  headline and supervision all take their day from here, so a figure that depends on the day
  is the same on every page. The rules built on it (the day a year's report looks at, complete
  years) are ``ipcity.evaluation.asof``.
- **Finished years** (:func:`finished_value`): a value for year Y describes 31 December of Y,
  so on 15 November 2023 the 2023 snapshot (a part-year count) is not the latest value; the
  latest value is that of the last year ended by the reference date.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from ipcity.errors import InputError
from ipcity.settings import current

# The app's day while a request or a demo seed runs (``on_app_day``); else IPCITY_TODAY.
_APP_DAY: ContextVar[date | None] = ContextVar("ipcity_app_day", default=None)


@contextmanager
def on_app_day(day: date | None) -> Iterator[None]:
    """Run the code inside on ``day`` (None: the configured day, else the calendar's): the
    web app wraps each request in it, the demo its seeding. A contextvar, so it is copied into
    the thread a request's handler runs in."""
    token = _APP_DAY.set(day)
    try:
        yield
    finally:
        _APP_DAY.reset(token)


def configured_day() -> date | None:
    """The day the app is set to, when it is set: the request's or seed's (``on_app_day``),
    else ``IPCITY_TODAY``; None means the calendar's today."""
    return _APP_DAY.get() or current().today


def app_today(today: date | None = None) -> date:
    """The reference date: ``today`` when given (the web app's configured day), else the day
    set by :func:`on_app_day` or ``IPCITY_TODAY``, else the calendar's today."""
    if today is not None:
        return today
    return configured_day() or date.today()


def today_option(value: str | None) -> date:
    """A command's ``--today`` option: the ISO date given, else the app's day."""
    if not value:
        return app_today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--today must be a date like 2023-06-30, not {value!r}") from None


def year_end(year: int) -> date:
    """The date a yearly value describes: 31 December of that year."""
    return date(year, 12, 31)


def year_finished(year: int, as_of: date) -> bool:
    """Whether a yearly value for ``year`` describes a day on or before ``as_of``."""
    return year_end(year) <= as_of


def finished_value(
    values: Iterable[tuple[int, float | None]], as_of: date
) -> tuple[int | None, float | None]:
    """(year, value) of the latest year with a value that has ended by ``as_of``."""
    best: tuple[int | None, float | None] = (None, None)
    for year, value in values:
        if value is None or not year_finished(year, as_of):
            continue
        if best[0] is None or year > best[0]:
            best = (year, value)
    return best
