"""One app clock: every "today" of the code comes from :mod:`ipcity.clock`, so a demo or
training database set on a past day (``IPCITY_TODAY``, the web app's day, ``on_app_day``)
never mixes in the calendar's date (issue 12)."""

from __future__ import annotations

import ast
from pathlib import Path

import ipcity

SRC = Path(ipcity.__file__).parent

# The clock itself, and the record stamp that compares the app's day with the calendar's
# (it keeps the real time of day when the two are the same day).
ALLOWED = {"clock.py": 1, "workspace/models.py": 1}


def _calendar_todays(tree: ast.AST) -> int:
    """``date.today()`` and ``datetime.date.today()`` calls."""
    found = 0
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "today"
            and not node.args
            and (
                (isinstance(node.func.value, ast.Name) and node.func.value.id == "date")
                or (isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "date")
            )
        ):
            found += 1
    return found


def test_the_calendar_date_is_read_only_by_the_clock() -> None:
    counts = {}
    for path in sorted(SRC.rglob("*.py")):
        n = _calendar_todays(ast.parse(path.read_text(encoding="utf-8")))
        if n:
            counts[path.relative_to(SRC).as_posix()] = n
    assert counts == ALLOWED, "use ipcity.clock.app_today() instead of date.today()"


def test_the_check_finds_a_calendar_today() -> None:
    assert _calendar_todays(ast.parse("from datetime import date\nday = date.today()\n")) == 1
    assert _calendar_todays(ast.parse("import datetime\nday = datetime.date.today()\n")) == 1
    assert _calendar_todays(ast.parse("day = app_today()\n")) == 0


def test_the_app_day_wins_over_the_calendar(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from ipcity.clock import app_today, on_app_day

    monkeypatch.setenv("IPCITY_TODAY", "2023-11-15")
    assert app_today() == date(2023, 11, 15)
    with on_app_day(date(2022, 6, 30)):
        assert app_today() == date(2022, 6, 30)
        assert app_today(date(2021, 1, 4)) == date(2021, 1, 4)
    assert app_today() == date(2023, 11, 15)
