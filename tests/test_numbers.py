"""Number formatting per language; rounding is half-up on the printed decimal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ipcity.numbers import (
    MINUS,
    decimals_of,
    fmt_change,
    fmt_count,
    fmt_date,
    fmt_fixed,
    fmt_percent,
    fmt_percent_change,
    fmt_plain,
    growth_pct,
    round_half_up,
)


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (178300, "17.83万件", "178,300"),
        (101800, "10.18万件", "101,800"),
        (5591, "5591件", "5,591"),
        (9999, "9999件", "9,999"),
        (10000, "1万件", "10,000"),  # trailing zeros dropped
        (120000, "12万件", "120,000"),
        (123000, "12.3万件", "123,000"),
        (178350, "17.84万件", "178,350"),  # 17.835 rounds half-up
        (1.2e8, "1.2亿件", "120,000,000"),
        (0, "0件", "0"),
        (5591.5, "5592件", "5,592"),  # fractional counting: half-up
    ],
)
def test_counts(value: float, zh: str, en: str) -> None:
    assert fmt_count(value, "zh") == zh
    assert fmt_count(value, "en") == en


def test_count_unit_suffix() -> None:
    assert fmt_count(178300, "zh", unit_zh="") == "17.83万"
    assert fmt_count(1.2e8, "zh", unit_zh="") == "1.2亿"


@pytest.mark.parametrize(
    ("pct", "zh", "en"),
    [
        (15.755693581780538, "增长15.76%", "+15.76%"),
        (-3.2, "下降3.20%", f"{MINUS}3.20%"),
        (0.004, "持平", "0.00%"),
        (-0.005, "下降0.01%", f"{MINUS}0.01%"),  # half-up: away from zero
    ],
)
def test_percent_changes(pct: float, zh: str, en: str) -> None:
    assert fmt_percent_change(pct, "zh") == zh
    assert fmt_percent_change(pct, "en") == en


@pytest.mark.parametrize(
    ("delta", "zh", "en"),
    [(6.66, "提高6.7件", "+6.7"), (-0.45, "下降0.5件", f"{MINUS}0.5"), (0.04, "持平", "0.0")],
)
def test_absolute_changes(delta: float, zh: str, en: str) -> None:
    assert fmt_change(delta, "zh", 1, "件") == zh
    assert fmt_change(delta, "en", 1) == en


def test_half_up_on_the_printed_decimal() -> None:
    # binary 2.675 is 2.67499999...: round() gives 2.67, 四舍五入 on "2.675" gives 2.68
    assert round(2.675, 2) == 2.67
    assert round_half_up(2.675, 2) == Decimal("2.68")
    assert round_half_up(-2.675, 2) == Decimal("-2.68")
    assert round_half_up(0.125, 2) == Decimal("0.13")  # half-even would give 0.12
    # 101800 / 24894300 x 10000 = 40.8933... -> 40.9
    assert fmt_fixed(101800 / 24894300 * 10000, 1) == "40.9"


def test_other_formats() -> None:
    assert fmt_fixed(-1234.5, 1) == f"{MINUS}1,234.5"
    assert fmt_percent(0.4) == "40.0%"
    assert fmt_plain(40.9) == "40.9" and fmt_plain(50.0) == "50" and fmt_plain(None) == "—"
    assert decimals_of(1.25) == 2 and decimals_of(178300.0) == 0
    assert fmt_date(date(2023, 5, 10), "zh") == "2023年5月10日"
    assert fmt_date(date(2023, 5, 10), "en") == "10 May 2023"
    # (5591 - 4830) / 4830 x 100 = 15.7557
    g = growth_pct(5591, 4830)
    assert g is not None and round_half_up(g, 2) == Decimal("15.76")
    assert growth_pct(5, 0) is None
