"""How many patents of each type, application year and grant year the run writes.

Granted patents are planned by grant year (so grants per year match the calibration exactly) and
spread over application years by the grant-lag distribution; applications never granted (or
still pending at the horizon) fill each application year up to its calibrated total. Counts are
rounded deterministically, so the plan depends only on scale and years, never on the seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from ipcity.errors import InputError
from ipcity.samplecity import calibration as cal

NOT_GRANTED = 0
_LAG_GRID = np.linspace(-5.0, 5.0, 2001)
_NORMAL_CDF = np.array([0.5 * (1.0 + math.erf(z / math.sqrt(2.0))) for z in _LAG_GRID])
_DAYS_PER_YEAR = 365.25


def day_number(d: date) -> int:
    """Days since 1970-01-01 (what numpy's datetime64[D] and Arrow's date32 store)."""
    return (d - date(1970, 1, 1)).days


@dataclass(frozen=True)
class LagDistribution:
    """Grant lag in days: tabulated CDF of shift + median * exp(sigma * Z)."""

    cdf: np.ndarray
    days: np.ndarray

    @classmethod
    def for_kind(cls, kind: int) -> LagDistribution:
        shift, median, sigma = cal.LAG[kind]
        return cls(_NORMAL_CDF, (shift + median * np.exp(sigma * _LAG_GRID)) * _DAYS_PER_YEAR)

    @property
    def min_days(self) -> float:
        return float(self.days[0])

    @property
    def max_days(self) -> float:
        return float(self.days[-1])

    def quantile(self, u: np.ndarray) -> np.ndarray:
        return np.asarray(np.interp(u, self.cdf, self.days))

    def cdf_at(self, days: np.ndarray) -> np.ndarray:
        return np.asarray(np.interp(days, self.days, self.cdf))


LAGS = {k: LagDistribution.for_kind(k) for k in cal.LAG}


@dataclass(frozen=True)
class Cell:
    """``count`` patents of one kind, application year and grant year (0: not granted)."""

    kind: int
    app_year: int
    grant_year: int
    count: int
    first_row: int  # global row number of the cell's first patent
    first_serial: int  # number of the first patent among those of (kind, app_year)


@dataclass(frozen=True)
class Plan:
    first_year: int
    last_year: int
    cells: tuple[Cell, ...]
    group_sizes: dict[tuple[int, int], int]  # (kind, app_year) -> patents

    @property
    def total(self) -> int:
        return sum(c.count for c in self.cells)

    @property
    def horizon(self) -> int:
        """Day number of the last day covered (31 December of the last year)."""
        return day_number(date(self.last_year, 12, 31))

    def count(self, kind: int | None = None, granted: bool | None = None) -> int:
        return sum(
            c.count
            for c in self.cells
            if (kind is None or c.kind == kind)
            and (granted is None or (c.grant_year != NOT_GRANTED) == granted)
        )


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to ``weights`` that sum to ``total`` (ties: lower index first)."""
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = total * weights / weights.sum()
    out = np.floor(exact).astype(np.int64)
    short = total - int(out.sum())
    order = np.argsort(-(exact - out), kind="stable")
    out[order[:short]] += 1
    return np.asarray(out, dtype=np.int64)


def app_year_weights(kind: int, grant_year: int) -> dict[int, float]:
    """P(application year | grant year) under the lag distribution, by quadrature over the grant
    days of the year and 400 lag quantiles (deterministic)."""
    start = day_number(date(grant_year, 1, 1))
    days = np.arange(start, day_number(date(grant_year, 12, 31)) + 1, dtype=float)
    lags = LAGS[kind].quantile((np.arange(400) + 0.5) / 400)
    app_days = (days[:, None] - lags[None, :]).ravel().astype(np.int64)
    years = app_days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    values, counts = np.unique(years, return_counts=True)
    return {int(y): c / len(years) for y, c in zip(values, counts, strict=True)}


def _grants(kind: int, year: int) -> float:
    inventions = cal.INVENTION_GRANTS[year]
    if kind == cal.INVENTION:
        return inventions
    other = cal.GRANTS_TOTAL[year] - inventions
    utility = cal.UTILITY_SHARE_OF_OTHER_GRANTS * other
    return utility if kind == cal.UTILITY_MODEL else other - utility


def _applications(kind: int, year: int) -> float:
    inventions = cal.INVENTION_APPLICATIONS[year]
    if kind == cal.INVENTION:
        return inventions
    other = cal.APPLICATIONS_TOTAL[year] - inventions
    utility = cal.UTILITY_SHARE_OF_OTHER_APPLICATIONS * other
    return utility if kind == cal.UTILITY_MODEL else other - utility


def validate_years(years: tuple[int, int]) -> tuple[int, int]:
    first, last = years
    if not (cal.FIRST_YEAR <= first <= last <= cal.LAST_YEAR):
        raise InputError(
            f"years {first}-{last} outside the calibrated range "
            f"{cal.FIRST_YEAR}-{cal.LAST_YEAR} of the sample city"
        )
    return first, last


def make_plan(scale: float, years: tuple[int, int]) -> Plan:
    first, last = validate_years(years)
    # Shanghai-first counts are calibrated; outside-first patents come on top of them.
    factor = scale / (1.0 - cal.OUTSIDE_FIRST_SHARE)
    raw: list[tuple[int, int, int, int]] = []  # (kind, app_year, grant_year, count)

    for kind in (cal.INVENTION, cal.UTILITY_MODEL, cal.DESIGN):
        first_grant = first - cal.BACKLOG_YEARS if kind == cal.INVENTION else first
        granted_by_app_year: dict[int, int] = {}
        for g in range(first_grant, last + 1):
            weights = app_year_weights(kind, g)
            app_years = sorted(weights)
            counts = largest_remainder(
                round(_grants(kind, g) * factor), np.array([weights[y] for y in app_years])
            )
            for y, n in zip(app_years, counts, strict=True):
                if n:
                    raw.append((kind, y, g, int(n)))
                    granted_by_app_year[y] = granted_by_app_year.get(y, 0) + int(n)
        for y in range(first, last + 1):
            target = _applications(kind, y) * factor
            floor = cal.MIN_NOT_GRANTED_SHARE[kind] * target
            n = round(max(target - granted_by_app_year.get(y, 0), floor))
            if n:
                raw.append((kind, y, NOT_GRANTED, n))
    for y in range(first, last + 1):
        n = round(cal.PCT_APPLICATIONS[y] * factor)
        if n:
            raw.append((cal.PCT, y, NOT_GRANTED, n))

    # Rows ordered by application year, then kind, granted before not granted.
    raw.sort(key=lambda c: (c[1], c[0], c[2] if c[2] != NOT_GRANTED else 9999))
    cells: list[Cell] = []
    group_sizes: dict[tuple[int, int], int] = {}
    row = 0
    for kind, y, g, n in raw:
        serial = group_sizes.get((kind, y), 0)
        cells.append(Cell(kind, y, g, n, row, serial))
        group_sizes[(kind, y)] = serial + n
        row += n
    for (kind, y), size in group_sizes.items():
        if size > serial_capacity(kind, y):
            raise InputError(
                f"scale {scale:g} is too large: {size:,} {cal.TYPE_NAMES[kind] or 'PCT'} "
                f"applications in {y} exceed the {serial_capacity(kind, y):,} numbers "
                "an application-number series holds"
            )
    return Plan(first, last, tuple(cells), group_sizes)


def serial_capacity(kind: int, app_year: int) -> int:
    """Serial numbers per (kind, year): 7 digits from 2003, 5 before, 6 for PCT numbers."""
    if kind == cal.PCT:
        return 1_000_000
    return 10_000_000 if app_year >= 2003 else 100_000
