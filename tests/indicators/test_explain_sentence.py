"""The decomposition sentence and waterfall come from explain: their numbers are its
components (rounded once), checked on the hand-built warehouse of test_explain."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import pytest

from ipcity.indicators.explain import explain
from ipcity.reports.decomposition import Decomposition, sentence, top_districts, waterfall_figure
from ipcity.warehouse.store import Warehouse
from tests.indicators.test_explain import PARTIES, PATENTS, POPULATION, patent

HV10K = "high_value_invention_patents_per_10k"


def _numbers(text: str) -> list[Decimal]:
    return [Decimal(n.replace(",", "")) for n in re.findall(r"\d[\d,]*\.\d+|\d[\d,]*", text)]


def test_sentence_numbers_are_the_decomposition(make_warehouse: Callable[..., Warehouse]) -> None:
    wh = make_warehouse(patents=PATENTS, parties=PARTIES, population=POPULATION)
    r = explain(wh, HV10K, 2020, "310000", population_lag=0)
    dec = Decomposition.of(r)
    assert dec.change == r.value("end") - r.value("start")
    assert dec.new_grants + dec.newly_qualifying + dec.leaving + (dec.population or 0) == (
        dec.change
    )
    zh = sentence(dec, "zh", places=4)
    en = sentence(dec, "en", places=4)
    want = dec.rounded(4)
    expect = [
        abs(want[k]) for k in ("change", "new_grants", "newly_qualifying", "leaving", "population")
    ]
    assert _numbers(zh) == expect
    assert _numbers(en.replace("10,000", "")) == expect
    # by hand: 3 -> 3 patents, population 100,000 -> 110,000: 0.3 -> 0.2727
    assert zh == (
        "比上年减少0.0273件，其中新授权贡献0.0909件、存量专利新达标0.0909件、"
        "失效和期满减少0.1818件、人口变化减少0.0273件"
    )
    assert en.startswith("down 0.0273 on the year before: new grants added 0.0909")
    fig = waterfall_figure(dec, "zh")
    assert fig["data"][0]["measure"] == [
        "absolute",
        "relative",
        "relative",
        "relative",
        "relative",
        "total",
    ]
    assert fig["data"][0]["y"][0] == float(r.value("start"))
    assert fig["data"][0]["y"][-1] == float(r.value("end"))


def test_stock_sentence_and_top_districts(make_warehouse: Callable[..., Warehouse]) -> None:
    parties = [(p, r, s, c, "310104" if p == "NEWFAM" else g) for p, r, s, c, g in PARTIES]
    wh = make_warehouse(patents=PATENTS, parties=parties)
    r = explain(wh, "high_value_invention_patents", 2020, "310000")
    dec = Decomposition.of(r)
    assert sentence(dec, "zh", places=0) == (
        "与上年持平，其中新授权贡献1件、存量专利新达标1件、失效和期满减少2件"
    )
    by = explain(wh, "high_value_invention_patents", 2020, "310000", by=["region_code"])
    assert [(c, int(v)) for c, v in top_districts(by)] == [("310101", -1), ("310104", 1)]


def test_annual_report_headline_explains_the_change(
    make_warehouse: Callable[..., Warehouse],
) -> None:
    from datetime import date

    from ipcity.evaluation.gather import EngineOptions
    from ipcity.reports.compose import compose
    from ipcity.reports.gather import gather_report_data

    # a 2021 grant makes 2020 a complete year for the report (the as-of rule); it is in
    # neither year-end stock, so the decomposition is the same
    later = patent("LATER", "2020-05-01", "2021-02-01")
    wh = make_warehouse(patents=[*PATENTS, later], parties=PARTIES, population=POPULATION)
    data = gather_report_data(
        wh, None, 2020, options=EngineOptions(population_lag=0), report_date=date(2021, 3, 1)
    )
    assert data.explained is not None
    dec = data.explained.decomposition
    want = sentence(dec, "zh")
    # the population part (-0.0273) rounds to zero at one decimal: negligible, not "减少0.0件"
    assert want == (
        "与上年持平，其中新授权贡献0.1件、存量专利新达标0.1件、失效和期满减少0.2件、"
        "人口变化影响可忽略"
    )
    assert sentence(dec, "en").endswith("the population change negligible")
    from ipcity.reports.charts import waterfall_steps
    from ipcity.reports.decomposition import waterfall_chart

    labels = [s.label for s in waterfall_steps(waterfall_chart(data.explained, "zh"))]
    assert labels == ["0.3", "+0.1", "+0.1", "\u22120.2", "0.0", "0.3"]  # never "−0.0"
    for lang in ("zh", "en"):
        doc = compose(data, lang)  # type: ignore[arg-type]
        texts = [getattr(b, "text", "") for b in doc.sections[0].blocks]
        line = next(t for t in texts if sentence(dec, lang) in t)  # type: ignore[arg-type]
        assert "310101" not in line  # districts by name
    assert data.explained.districts == (("310101", 0),)


def test_report_waterfall_bars_are_explain_components(
    make_warehouse: Callable[..., Warehouse], engine: str
) -> None:
    """The annual report's figure (waterfall_chart) draws explain's components, on both
    engines: each bar is the sum of explain's rows of its component, by hand below."""
    from ipcity.reports.charts import waterfall_steps
    from ipcity.reports.decomposition import ExplainedChange, waterfall_chart

    wh = make_warehouse(patents=PATENTS, parties=PARTIES, population=POPULATION)
    r = explain(wh, HV10K, 2020, "310000", population_lag=0, engine=engine)

    def component(*names: str) -> float:
        return float(
            sum(
                (v for row, v in zip(r.rows, r.exact, strict=True) if row["component"] in names),
                start=Fraction(0),
            )
        )

    ec = ExplainedChange(HV10K, 2020, Decomposition.of(r), (), "high_value_invention_patents")
    chart = waterfall_chart(ec, "zh", places=4)
    assert chart.series[0].values == (
        float(r.value("start")),
        component("numerator_effect.entered_new_grant"),
        component("numerator_effect.entered_newly_qualifying"),
        component(
            "numerator_effect.left_lapsed",
            "numerator_effect.left_expired",
            "numerator_effect.left_no_longer_qualifying",
        ),
        component("population_effect"),
        float(r.value("end")),
    )
    # by hand (as the sentence above): 0.3 -> 0.2727 per 10,000 people
    labels = [s.label for s in waterfall_steps(chart)]
    assert labels == ["0.3000", "+0.0909", "+0.0909", "\u22120.1818", "\u22120.0273", "0.2727"]
    # the running level of the bars ends where explain's end is
    assert waterfall_steps(chart)[-2].top == pytest.approx(float(r.value("end")))
