"""Application numbers, calendar arithmetic and rounding, checked against hand computations."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from ipcity.samplecity import calibration as cal
from ipcity.samplecity.dates import add_years, next_tuesday, year_end, year_of, year_start
from ipcity.samplecity.patents import patent_ids
from ipcity.samplecity.plan import app_year_weights, day_number, largest_remainder, make_plan


def _days(*isos: str) -> np.ndarray:
    return np.array([day_number(date.fromisoformat(s)) for s in isos], dtype=np.int64)


def _isos(days: np.ndarray) -> list[str]:
    return [str(d) for d in days.astype("datetime64[D]")]


@pytest.mark.parametrize(
    ("kind", "year", "serial", "expected"),
    [
        # real number from cn_new1.xml: 2,0,2,1,1,1,2,8,6,6,3,3 x weights 2,3,4,5,6,7,8,9,2,3,4,5
        # = 4+0+8+5+6+7+16+72+12+18+12+15 = 175; 175 mod 11 = 10 -> "X"
        (cal.INVENTION, 2021, 1_286_633, "CN202111286633.X"),
        # 2,0,1,4,1,0,0,0,0,7,8,8 -> 4+0+4+20+6+0+0+0+0+21+32+40 = 127; 127 mod 11 = 6
        (cal.INVENTION, 2014, 788, "CN201410000788.6"),
        # utility model 2021, serial 0123456: 2,0,2,1,2,0,1,2,3,4,5,6 -> 4+0+8+5+12+0+8+18+6+12
        # +20+30 = 123; 123 mod 11 = 2
        (cal.UTILITY_MODEL, 2021, 123_456, "CN202120123456.2"),
        # before 2003, 8 digits: 9,7,1,7,6,3,3,0 x 2..9 = 18+21+4+35+36+21+24+0 = 159;
        # 159 mod 11 = 5
        (cal.INVENTION, 1997, 76_330, "CN97176330.5"),
        # 2002 keeps its leading zero: 0,2,1,0,0,0,0,1 x 2..9 = 0+6+4+0+0+0+0+9 = 19; 19 mod 11 = 8
        (cal.INVENTION, 2002, 1, "CN02100001.8"),
        (cal.PCT, 2022, 4_521, "PCT/CN2022/004521"),
    ],
)
def test_application_numbers(kind: int, year: int, serial: int, expected: str) -> None:
    ids = patent_ids(np.array([kind]), np.array([year]), np.array([serial]))
    assert ids.to_pylist() == [expected]


def test_check_digit_of_the_real_pct_national_phase_number() -> None:
    # 201480000788.4 (cn_old1.xml) has type digit 8, which the generator does not write; the
    # algorithm is the same: 2,0,1,4,8,0,0,0,0,7,8,8 -> 169 mod 11 = 4
    digits = [2, 0, 1, 4, 8, 0, 0, 0, 0, 7, 8, 8]
    weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    assert sum(d * w for d, w in zip(digits, weights, strict=True)) % 11 == 4


def test_add_years_keeps_the_day_and_handles_29_february() -> None:
    got = add_years(
        _days("2020-02-29", "2020-02-29", "2019-01-31", "2015-12-31"), np.array([1, 4, 1, 20])
    )
    assert _isos(got) == ["2021-02-28", "2024-02-29", "2020-01-31", "2035-12-31"]


def test_next_tuesday() -> None:
    # 2023-12-31 is a Sunday, 2024-01-02 a Tuesday; 2022-11-01 is itself a Tuesday
    got = next_tuesday(_days("2023-12-31", "2022-11-01", "2022-11-02"))
    assert _isos(got) == ["2024-01-02", "2022-11-01", "2022-11-08"]


def test_year_helpers() -> None:
    assert _isos(year_start(np.array([2020, 1997]))) == ["2020-01-01", "1997-01-01"]
    assert _isos(year_end(np.array([2020, 2023]))) == ["2020-12-31", "2023-12-31"]
    assert year_of(_days("2020-12-31", "2021-01-01")).tolist() == [2020, 2021]


def test_largest_remainder() -> None:
    # 10 over three equal weights: 3.33 each, the first gets the spare unit
    assert largest_remainder(10, np.array([1.0, 1.0, 1.0])).tolist() == [4, 3, 3]
    # 7 x (0.5, 0.3, 0.2) = 3.5, 2.1, 1.4 -> floors 3, 2, 1 (6); largest remainder .5 -> first
    assert largest_remainder(7, np.array([0.5, 0.3, 0.2])).tolist() == [4, 2, 1]
    assert largest_remainder(0, np.array([1.0])).tolist() == [0]


def test_application_years_of_a_grant_year_follow_the_lag() -> None:
    w = app_year_weights(cal.UTILITY_MODEL, 2020)
    assert abs(sum(w.values()) - 1.0) < 1e-9
    # utility models take 6-12 months: most of 2020's grants were filed in 2019
    assert max(w, key=lambda y: w[y]) == 2019 and set(w) <= {2018, 2019, 2020}
    inv = app_year_weights(cal.INVENTION, 2020)
    assert max(inv, key=lambda y: inv[y]) in (2017, 2018)


def test_plan_grants_match_the_calibration_exactly_at_scale_one() -> None:
    plan = make_plan(1.0, (2015, 2023))
    inflate = 1 / (1 - cal.OUTSIDE_FIRST_SHARE)
    for g, total in cal.GRANTS_TOTAL.items():
        granted = sum(c.count for c in plan.cells if c.grant_year == g)
        # each type is rounded once: within 2 of the inflated published figure
        assert abs(granted - total * inflate) <= 2, g
    pct = sum(c.count for c in plan.cells if c.kind == cal.PCT and c.app_year == 2022)
    assert pct == round(5_591 * inflate)
    # serial numbers of a (kind, year) series are consecutive across its cells
    for (kind, year), size in plan.group_sizes.items():
        cells = [c for c in plan.cells if (c.kind, c.app_year) == (kind, year)]
        assert [c.first_serial for c in cells] == list(
            np.cumsum([0] + [c.count for c in cells[:-1]])
        )
        assert sum(c.count for c in cells) == size
