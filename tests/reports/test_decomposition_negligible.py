"""A part of the explained change that rounds to zero at the printed precision reads as
negligible ("人口变化影响可忽略" / "the population change negligible"), never as a direction
with a zero ("人口变化减少0.0件"), and its waterfall bar is labelled "0.0", never "−0.0"."""

from __future__ import annotations

from fractions import Fraction

from ipcity.reports.charts import plotly_figure, waterfall_steps
from ipcity.reports.decomposition import (
    Decomposition,
    ExplainedChange,
    sentence,
    waterfall_chart,
    waterfall_spec,
)

# 40.00 -> 41.00 per 10,000 people: +0.50 grants, +0.75 newly qualifying, -0.21 leaving,
# -0.04 population (the population part rounds to 0.0 at one decimal, to -0.04 at two)
DEC = Decomposition(
    start=Fraction(40),
    end=Fraction(41),
    new_grants=Fraction(1, 2),
    newly_qualifying=Fraction(3, 4),
    leaving=Fraction(-21, 100),
    population=Fraction(-4, 100),
)


def test_a_part_rounding_to_zero_is_negligible() -> None:
    assert sentence(DEC, "zh") == (
        "比上年增加1.0件，其中新授权贡献0.5件、存量专利新达标0.8件、失效和期满减少0.2件、"
        "人口变化影响可忽略"
    )
    assert sentence(DEC, "en") == (
        "up 1.0 on the year before: new grants added 0.5, patents newly meeting a criterion "
        "0.8, lapses and expiries removed 0.2, the population change negligible"
    )
    # at two decimals the same part is a number again
    assert sentence(DEC, "zh", places=2).endswith("人口变化减少0.04件")
    # at no decimals, leaving (-0.21) and population round to zero; grants (0.5) rounds up
    assert sentence(DEC, "zh", places=0) == (
        "比上年增加1件，其中新授权贡献1件、存量专利新达标1件、失效和期满影响可忽略、"
        "人口变化影响可忽略"
    )


def test_a_stock_part_rounding_to_zero() -> None:
    stock = Decomposition(
        start=Fraction(1000),
        end=Fraction(1010),
        new_grants=Fraction(10),
        newly_qualifying=Fraction(1, 100),
        leaving=Fraction(-1, 100),
        population=None,
    )
    assert sentence(stock, "zh") == (
        "比上年增加10.0件，其中新授权贡献10.0件、存量专利新达标影响可忽略、失效和期满影响可忽略"
    )
    assert sentence(stock, "en").endswith(
        "patents newly meeting a criterion negligible, lapses and expiries negligible"
    )


def test_a_bar_of_zero_is_labelled_without_a_sign() -> None:
    labels = [s.label for s in waterfall_steps(waterfall_spec(DEC, "zh"))]
    assert labels == ["40.0", "+0.5", "+0.8", "\u22120.2", "0.0", "41.0"]
    two = [s.label for s in waterfall_steps(waterfall_spec(DEC, "en", places=2))]
    assert two == ["40.00", "+0.50", "+0.75", "\u22120.21", "\u22120.04", "41.00"]
    # a positive part that rounds to zero loses its "+" too
    up = Decomposition(Fraction(40), Fraction(41), Fraction(1), Fraction(1, 100), Fraction(0), None)
    assert [s.label for s in waterfall_steps(waterfall_spec(up, "en"))] == [
        "40.0",
        "+1.0",
        "0.0",
        "0.0",
        "41.0",
    ]


def test_the_report_figure_and_the_page_chart_agree() -> None:
    ec = ExplainedChange("high_value_invention_patents_per_10k", 2023, DEC, (), "x")
    for lang in ("zh", "en"):
        chart = waterfall_chart(ec, lang)  # type: ignore[arg-type]
        text = plotly_figure(chart)["data"][0]["text"]
        assert text[4] == "0.0"
        assert "\u22120.0" not in text
