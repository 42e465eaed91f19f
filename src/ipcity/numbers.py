"""Numbers as a Chinese or an English report writes them: the one set of number formats of
the report, the pages, the portal and the evaluation (a base module, below every area).

Rounding: half-up (四舍五入, the rule of Chinese statistical publications), on the decimal the
value prints as (``str(float)``), so 2.675 rounds to 2.68, not to binary floating point's 2.67.
Negative values round away from zero symmetrically (-2.675 -> -2.68).

zh: counts below 10,000 in full ("5591件"), from 10,000 in 万 with two decimals and trailing
zeros dropped ("17.83万件", "10.18万件", "12万件"), from 100 million in 亿 ("1.2亿件");
changes as words: "增长15.76%", "下降3.20%", "提高6.7", "与上年持平".
en: digits grouped by thousands ("178,300"), signed changes with a true minus sign
("+15.76%", "−3.20%", "+6.7").
Percent changes keep two decimals in both languages, as published growth rates do.
"""

from __future__ import annotations

from datetime import date as date_type
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

Lang = Literal["zh", "en"]
MINUS = "\u2212"  # typographic minus: "−3.20%"
WAN = Decimal(10_000)
YI = Decimal(100_000_000)


def to_decimal(value: float | int | Decimal | Fraction) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(str(value))


def round_half_up(value: float | int | Decimal | Fraction, places: int) -> Decimal:
    """40.89 -> Decimal('40.9') for places=1; 2.675 -> 2.68 for places=2."""
    q = Decimal(1).scaleb(-places)
    return to_decimal(value).quantize(q, rounding=ROUND_HALF_UP)


def _strip(d: Decimal) -> str:
    """Decimal('12.30') -> '12.3', Decimal('12.00') -> '12'."""
    text = f"{d:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_fixed(value: float | int | Decimal | Fraction, places: int = 0) -> str:
    """Grouped by thousands, half-up: 178300 -> '178,300'; 40.89 (1) -> '40.9'; -3.2 (2) ->
    '−3.20'."""
    d = round_half_up(value, places)
    text = f"{abs(d):,.{places}f}"
    return (MINUS + text) if d < 0 else text


def fmt_count(value: float | int, lang: Lang, unit_zh: str = "件") -> str:
    """A count: zh '17.83万件' / '5591件' / '1.2亿件'; en '178,300'."""
    if lang == "en":
        return fmt_fixed(value, 0)
    d = round_half_up(value, 0)
    sign = "-" if d < 0 else ""
    a = abs(d)
    if a < WAN:
        return f"{sign}{a:f}{unit_zh}"
    if a < YI:
        return f"{sign}{_strip(round_half_up(a / WAN, 2))}万{unit_zh}"
    return f"{sign}{_strip(round_half_up(a / YI, 2))}亿{unit_zh}"


def fmt_percent_change(pct: float | Decimal, lang: Lang) -> str:
    """A growth rate in percent: zh '增长15.76%' / '下降3.20%' / '持平'; en '+15.76%' /
    '−3.20%' / '0.00%'."""
    d = round_half_up(pct, 2)
    if lang == "zh":
        if d == 0:
            return "持平"
        return f"{'增长' if d > 0 else '下降'}{abs(d):.2f}%"
    if d == 0:
        return "0.00%"
    return f"{'+' if d > 0 else MINUS}{abs(d):.2f}%"


def fmt_change(delta: float | Decimal, lang: Lang, places: int = 1, unit_zh: str = "") -> str:
    """An absolute change: zh '提高6.7件' / '下降0.5件' / '持平'; en '+6.7' / '−0.5' / '0.0'."""
    d = round_half_up(delta, places)
    if lang == "zh":
        if d == 0:
            return "持平"
        return f"{'提高' if d > 0 else '下降'}{abs(d):.{places}f}{unit_zh}"
    if d == 0:
        return f"{abs(d):.{places}f}"
    return f"{'+' if d > 0 else MINUS}{abs(d):.{places}f}"


def fmt_percent(share: float | Decimal | Fraction, places: int = 1) -> str:
    """A share (0..1) as percent: 0.4 -> '40.0%'."""
    return fmt_fixed(to_decimal(share) * 100, places) + "%"


def growth_pct(value: float, previous: float) -> Decimal | None:
    """(value - previous) / previous x 100, exact on the printed decimals; None if previous
    is 0."""
    prev = to_decimal(previous)
    if prev == 0:
        return None
    return (to_decimal(value) - prev) / prev * 100


def decimals_of(value: float | int) -> int:
    """How many decimals a value prints with: 40.9 -> 1, 50.0 -> 0, 1.25 -> 2."""
    d = to_decimal(value).normalize()
    exponent = d.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def fmt_plain(value: float | int | None, max_places: int = 2, places: int | None = None) -> str:
    """A value as it was entered (plan baselines and targets): '40.9', '178,300', '—' when
    missing; ``places`` forces the decimals."""
    if value is None:
        return "—"
    p = places if places is not None else min(max_places, decimals_of(value))
    return fmt_fixed(value, p)


def fmt_signed_percent(pct: float | Decimal) -> str:
    """A change in percent for tables (both languages): '+15.76%', '−3.20%', '0.00%'."""
    return fmt_percent_change(pct, "en")


def fmt_signed(delta: float | Decimal, places: int) -> str:
    """An absolute change for tables (both languages): '+6.7', '−0.5', '0.0'."""
    return fmt_change(delta, "en", places)


def fmt_date(day: date_type, lang: Lang) -> str:
    """zh '2023年5月10日'; en '10 May 2023'."""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
