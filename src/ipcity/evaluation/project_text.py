"""Each projection's method and inputs in plain words (zh/en), for the evaluation page and
the reports: what a reader needs to defend the figure, without the model's vocabulary.

    按2017–2021年实测情况逐年推算：每年新授权约1,240件（每年约增加60件），每年约3.1%的
    存量专利新达到高价值标准、约4.2%因失效或期满退出；人口按近年趋势，2025年约2,480万人。
    Rolled forward year by year from 2017–2021: about 1,240 new grants a year (rising by
    about 60 a year); each year about 3.1% of the patents newly meet a high-value criterion
    and about 4.2% lapse or expire; population by its recent trend, about 24.80 million in 2025.
"""

from __future__ import annotations

from typing import Any, Literal

from ipcity.evaluation.project import Projection
from ipcity.i18n import render

Lang = Literal["zh", "en"]

# The wording is in the evaluation catalogue (evaluation/locale/*/LC_MESSAGES/keys.po,
# ``projection.*``); this module chooses the sentences and formats the numbers. Formatting
# rules stay here: digits grouped by thousands in both languages, a population in 万 (zh) or
# in millions with two decimals (en), shares with one decimal.
METHODS = ("flows", "drift", "observed", "insufficient_data")


def method_label(p: Projection, lang: Lang) -> str:
    return render(f"projection.method.{p.method}", None, lang)


def _years(years: list[int], lang: Lang) -> str:
    if not years:
        return ""
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    return render("projection.years", {"span": span}, lang)


def _n(v: float, places: int = 0) -> str:
    return f"{v:,.{places}f}"


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _places(values: list[float]) -> int:
    """Decimals for a series' changes: enough for its size (a per-10,000 figure of 9.4
    moves by tenths, a count of 1,240 by whole units)."""
    top = max((abs(v) for v in values), default=0.0)
    return 0 if top >= 100 else 1 if top >= 10 else 2 if top >= 0.1 else 4


def _population(pop: float, lang: Lang) -> str:
    """A projected population: 2,480 (万人, zh) or 24.80 (million, en): a scaling rule."""
    return _n(pop / 1e4) if lang == "zh" else f"{pop / 1e6:,.2f}"


def _flows(inputs: dict[str, Any], year: int, lang: Lang) -> str:
    years = inputs.get("years", [])
    grants = inputs.get("new_grants", [])
    drift = float(inputs.get("grant_drift_per_year", 0.0))
    q = 100 * _mean(inputs.get("newly_qualifying_share", []))
    x = 100 * _mean(inputs.get("leaving_share", []))
    last = float(grants[-1]) if grants else 0.0
    pop = inputs.get("population_trend")
    if round(drift) > 0:
        trend = render("projection.flows.trend_up", {"n": _n(drift)}, lang)
    elif round(drift) < 0:
        trend = render("projection.flows.trend_down", {"n": _n(-drift)}, lang)
    else:
        trend = render("projection.flows.trend_level", None, lang)
    text = render(
        "projection.flows.lead",
        {"years": _years(years, lang), "last": _n(last), "trend": trend},
        lang,
    )
    if q > 0:
        text += render("projection.flows.qualifying", {"share": f"{q:.1f}"}, lang)
    leaving = "projection.flows.leaving_or_unqualified" if q > 0 else "projection.flows.leaving"
    text += render(leaving, {"share": f"{x:.1f}"}, lang)
    if pop is not None:
        of = inputs.get("population_of", year)
        text += render(
            "projection.flows.population", {"of": of, "pop": _population(pop, lang)}, lang
        )
        if of != year:  # the per-10,000 figure divides by an earlier year's population
            text += render("projection.flows.population_earlier", {"year": year, "of": of}, lang)
    return render("projection.sentence", {"text": text}, lang)


def _drift(inputs: dict[str, Any], lang: Lang) -> str:
    years = inputs.get("years", [])
    drift = float(inputs.get("drift_per_year", 0.0))
    sd = float(inputs.get("sd_of_changes", 0.0))
    n = len(years)
    d = _places([float(v) for v in inputs.get("values", [])])
    key = "projection.drift.up" if drift >= 0 else "projection.drift.down"
    params = {"years": _years(years, lang), "n": n, "drift": _n(abs(drift), d), "sd": _n(sd, d)}
    text = render(key, params, lang)
    if n <= 6:
        text += render("projection.drift.few_values", None, lang)
    return render("projection.sentence", {"text": text}, lang)


def basis(p: Projection, lang: Lang) -> str:
    """The method and its inputs in one or two sentences."""
    if p.method == "flows":
        return _flows(p.inputs, p.year, lang)
    if p.method == "drift":
        return _drift(p.inputs, lang)
    if p.method == "observed":
        return render("projection.observed", {"year": p.year}, lang)
    n = len(p.inputs.get("years", []))
    form = "one" if n == 1 else "other"  # English has a singular
    return render(f"projection.insufficient_data.{form}", {"n": n}, lang)


def range_note(lang: Lang) -> str:
    """What the 80% range and the chance mean, and what they cannot foresee."""
    return render("projection.range_note", None, lang)
