"""The headline figures that appear on more than one page, each computed in one place.

docs/workspace.md ("Figures and where they come from") lists each figure, the function here
that computes it and the pages that show it. The rules:

- **Indicator value**: the latest yearly value whose year has *ended* by the reference date
  (:func:`ipcity.clock.finished_value`, below the workspace that computes the series): a
  value for year Y describes 31 December of Y, so on 15 November 2023 the 2023 snapshot (a
  part-year count) is not shown as the latest value. The dashboard, the indicator pages, the
  plan API, the evaluation and the report's mid-term section agree.
- **Plan time elapsed**: the share of the plan period (1 January of its first year to
  31 December of its last) passed at the reference date (:func:`plan_time_elapsed`), one
  decimal of a percent. The per-indicator "time passed by the value's year" is a different
  figure and labelled so.
- **Overdue tasks**: tasks whose deadline is before the reference date and which have no
  accepted 100 % report by then (:mod:`ipcity.evaluation.tasks`); the dashboard's red tile,
  the evaluation and the report count the same tasks of the same work plans.
- **Progress**: two figures with two names. "Average reported progress" is the (weighted)
  mean of the tasks' latest accepted percent (:mod:`ipcity.workspace.rollup`); "tasks done" is
  the share of tasks completed (:func:`ipcity.evaluation.tasks.completion_row`). Both print
  with one decimal.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from ipcity.evaluation.timeline import period_share
from ipcity.numbers import decimals_of, fmt_plain


def plan_time_elapsed(first_year: int, last_year: int, as_of: date) -> Fraction:
    """Share of a plan period passed at the end of ``as_of`` (0..1)."""
    return period_share(first_year, last_year, as_of)


def engine_places(unit: str) -> int:
    """Decimals of an engine indicator by its registry unit: per-10,000 rates 1 (as the
    official bulletins print them), percents 2, counts 0."""
    if unit.startswith("per 10"):
        return 1
    if unit == "percent":
        return 2
    return 0


def value_places(engine_indicator: str | None, baseline: float | None, target: float | None) -> int:
    """Decimals of a plan indicator's values on every page and in every report: the engine's
    when the engine computes it, else those of its baseline and target as entered (at most
    2)."""
    if engine_indicator:
        from ipcity.indicators import INDICATORS

        d = INDICATORS.get(engine_indicator)
        if d is not None:
            return engine_places(d.unit)
    vals = [v for v in (baseline, target) if v is not None]
    return min(2, max((decimals_of(v) for v in vals), default=0))


def value_text(value: float | None, places: int) -> str:
    """A plan indicator's value as every page prints it ('2.1', '8,000', '—')."""
    return fmt_plain(value, places=places)
