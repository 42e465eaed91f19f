"""Exact arithmetic for evaluation: values are taken as the decimals they print as.

A plan says "40.9"; a float stores 40.899999999999998579. Comparing ratios at a threshold of
exactly 1.05 in binary floating point would put a hand-computed boundary case on the wrong side
(0.1 + 0.2 != 0.3). So every input number goes through ``str()`` (the shortest repr) into a
``Fraction``, every comparison is exact, and only the output is rounded (half-up, 四舍五入).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

Number = int | float | Decimal | Fraction | str


def exact(value: Number) -> Fraction:
    """40.9 -> Fraction(409, 10); raises ValueError for NaN/inf or text that is not a number."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"not a finite number: {value}")
    d = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    if not d.is_finite():
        raise ValueError(f"not a finite number: {value}")
    return Fraction(d)


def exact_or_none(value: Number | None) -> Fraction | None:
    """Like :func:`exact`, but None, NaN and inf (missing data) give None."""
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return exact(value)


def round_half_up(value: Fraction, places: int) -> Decimal:
    """Round to ``places`` decimals, halves away from zero (四舍五入, Chinese statistical use)."""
    q = Decimal(1).scaleb(-places)
    # Decimal division with enough precision, then quantize; the exact Fraction decides halves.
    num, den = value.numerator, value.denominator
    scaled = Fraction(num * 10**places, den)
    whole, rest = divmod(abs(scaled.numerator), scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    sign = -1 if scaled < 0 else 1
    return (Decimal(sign * whole) * q).quantize(q, rounding=ROUND_HALF_UP)


def to_float(value: Fraction | None, places: int | None = None) -> float | None:
    """A Fraction for JSON output: exact float, or rounded half-up to ``places`` decimals."""
    if value is None:
        return None
    if places is None:
        return float(value)
    return float(round_half_up(value, places))
