"""Deadlines and report periods in the forms the office writes them."""

from __future__ import annotations

from datetime import date

import pytest

from ipcity.workspace.cn_dates import parse_deadline, parse_period


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-06-30", date(2023, 6, 30)),
        ("2023/6/30", date(2023, 6, 30)),
        ("2023.6.30", date(2023, 6, 30)),
        ("20230630", date(2023, 6, 30)),
        ("2023年6月30日", date(2023, 6, 30)),
        ("2023年6月30日前", date(2023, 6, 30)),
        ("２０２３年６月底", date(2023, 6, 30)),  # full-width digits
        ("2023年6月底", date(2023, 6, 30)),
        ("2023年6月", date(2023, 6, 30)),
        ("2023-06", date(2023, 6, 30)),
        ("6月底前", date(2023, 6, 30)),
        ("6月前", date(2023, 6, 30)),
        ("六月底", date(2023, 6, 30)),
        ("十二月", date(2023, 12, 31)),
        ("2024年2月底", date(2024, 2, 29)),  # leap year
        ("2023年2月底", date(2023, 2, 28)),
        ("2023年6月上旬", date(2023, 6, 10)),
        ("6月中旬", date(2023, 6, 20)),
        ("6月下旬", date(2023, 6, 30)),
        ("2023年底", date(2023, 12, 31)),
        ("年底", date(2023, 12, 31)),
        ("年底前", date(2023, 12, 31)),
        ("年末", date(2023, 12, 31)),
        ("全年", date(2023, 12, 31)),
        ("2023年度", date(2023, 12, 31)),
        ("上半年", date(2023, 6, 30)),
        ("2023年下半年", date(2023, 12, 31)),
        ("三季度", date(2023, 9, 30)),
        ("第一季度", date(2023, 3, 31)),
        ("2023年第四季度", date(2023, 12, 31)),
        ("2023Q2", date(2023, 6, 30)),
        ("2023年3月-6月", date(2023, 6, 30)),
        ("3月至6月底", date(2023, 6, 30)),
        ("3—6月", date(2023, 6, 30)),
        ("持续推进", date(2023, 12, 31)),
        ("长期", date(2023, 12, 31)),
    ],
)
def test_deadline_forms(text: str, expected: date) -> None:
    assert parse_deadline(text, 2023) == expected


@pytest.mark.parametrize("text", ["", "尽快", "2023-02-30", "13月", "2023年13月底", "Q5", "底"])
def test_unreadable_deadlines(text: str) -> None:
    assert parse_deadline(text, 2023) is None


def test_year_needed_when_missing() -> None:
    assert parse_deadline("6月底", None) is None
    assert parse_deadline("年底", None) is None
    assert parse_deadline("2023年6月底", None) == date(2023, 6, 30)


@pytest.mark.parametrize(
    ("text", "code", "end"),
    [
        ("2023-06", "2023-06", date(2023, 6, 30)),
        ("2023-6", "2023-06", date(2023, 6, 30)),
        ("2023年6月", "2023-06", date(2023, 6, 30)),
        ("2023-Q2", "2023-Q2", date(2023, 6, 30)),
        ("2023q3", "2023-Q3", date(2023, 9, 30)),
        ("2023年第二季度", "2023-Q2", date(2023, 6, 30)),
        ("2023年二季度", "2023-Q2", date(2023, 6, 30)),
        ("2023-H1", "2023-H1", date(2023, 6, 30)),
        ("2023年下半年", "2023-H2", date(2023, 12, 31)),
        ("2023", "2023", date(2023, 12, 31)),
        ("2023年度", "2023", date(2023, 12, 31)),
    ],
)
def test_periods(text: str, code: str, end: date) -> None:
    assert parse_period(text) == (code, end)


@pytest.mark.parametrize("text", ["", "第二季度", "2023-13", "2023-Q5", "next year"])
def test_bad_periods(text: str) -> None:
    assert parse_period(text) is None
