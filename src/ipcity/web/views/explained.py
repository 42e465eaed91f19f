"""The change of an engine stock indicator explained on its page (ipcity explain): the
sentence, the waterfall (drawn by the page's charts.js with the locally served plotly.js)
and the three districts that moved it most."""

from __future__ import annotations

from typing import Any

from ipcity import settings
from ipcity.errors import IpcityError
from ipcity.evaluation import figure_cache
from ipcity.geo.regions import name
from ipcity.i18n import gettext
from ipcity.indicators.explain import explain
from ipcity.numbers import Lang, round_half_up
from ipcity.reports.decomposition import (
    Decomposition,
    sentence,
    top_districts,
    waterfall_figure,
)

EXPLAINABLE = (
    "invention_patents_in_force",
    "high_value_invention_patents",
    "invention_patents_in_force_per_10k",
    "high_value_invention_patents_per_10k",
)


def explained_change(
    warehouse: Any, indicator: str | None, region: str | None, year: int | None, lang: Lang
) -> dict[str, Any] | None:
    """sentence, chart (plotly figure), districts [(name, signed change)] of ``indicator``
    from ``year`` - 1 to ``year``; None when it cannot be explained. Kept per warehouse state
    (``figure_cache``): two engine runs otherwise on every view of the page."""
    if warehouse is None or indicator not in EXPLAINABLE or year is None:
        return None
    args = (indicator, region, year, lang)
    return figure_cache.cached(
        warehouse,
        "explained_change",
        args,
        lambda: _explained_change(warehouse, indicator, region, year, lang),
    )


def _explained_change(
    warehouse: Any, indicator: str, region: str | None, year: int, lang: Lang
) -> dict[str, Any] | None:
    where = region or "ALL"
    try:
        r = explain(
            warehouse, indicator, year, where, population_lag=settings.population_lag(where)
        )
        if not r.rows:
            return None
        stock = indicator.removesuffix("_per_10k")
        by = explain(warehouse, stock, year, where, by=["region_code"])
    except IpcityError:
        return None
    dec = Decomposition.of(r)
    # the published form has one decimal; small figures (a district, a demo) need two
    places = (1 if abs(dec.end) >= 10 else 2) if indicator.endswith("_per_10k") else 0
    districts = [(name(code, lang), f"{round_half_up(v, 0):+,}") for code, v in top_districts(by)]
    return {
        "year": year,
        "sentence": _as_sentence(sentence(dec, lang, places), lang),
        "chart": waterfall_figure(dec, lang, year=year, places=places),
        "districts": districts,
    }


def _as_sentence(text: str, lang: Lang) -> str:
    """Standing alone on the page: the full stop from the catalogue (。 / .) and, in English,
    a capital (a formatting rule: Chinese has no capitals)."""
    if lang == "en":
        text = text[:1].upper() + text[1:]
    return gettext("%(sentence)s.", lang) % {"sentence": text}
