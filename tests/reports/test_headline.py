"""Headline sentences in zh and en: the published sentence, decreases, missing values."""

from __future__ import annotations

from dataclasses import replace

from ipcity.reports.headline import further_sentence, headline_sentence
from ipcity.reports.model import HeadlineFigure
from tests.support.report_samples import headline_figures

ZH_2022 = (
    "2022年，全市专利授权量17.83万件，PCT国际专利申请5591件，同比增长15.76%，"
    "每万人口高价值发明专利拥有量40.9件，较上年提高6.7件。"
)
EN_2022 = (
    "In 2022, 178,300 patents were granted, 5,591 PCT international applications were filed, "
    "a year-on-year increase of 15.76%, and high-value invention patents per 10,000 people "
    "reached 40.9, up 6.7 on the year before."
)


def figs(**changes: dict[str, object]) -> list[HeadlineFigure]:
    return [replace(f, **changes.get(f.indicator, {})) for f in headline_figures()]  # type: ignore[arg-type]


def test_the_published_sentence() -> None:
    assert headline_sentence(figs(), 2022, "zh") == ZH_2022
    assert headline_sentence(figs(), 2022, "en") == EN_2022


def test_decreases() -> None:
    f = figs(
        pct_applications={"change": -3.2},
        high_value_invention_patents_per_10k={"change": -0.45},
    )
    assert headline_sentence(f, 2022, "zh") == (
        "2022年，全市专利授权量17.83万件，PCT国际专利申请5591件，同比下降3.20%，"
        "每万人口高价值发明专利拥有量40.9件，较上年下降0.5件。"
    )
    assert headline_sentence(f, 2022, "en") == (
        "In 2022, 178,300 patents were granted, 5,591 PCT international applications were "
        "filed, a year-on-year decrease of 3.20%, and high-value invention patents per 10,000 "
        "people reached 40.9, down 0.5 on the year before."
    )


def test_no_change() -> None:
    f = figs(pct_applications={"change": 0.001})
    assert "PCT国际专利申请5591件，与上年持平，" in (headline_sentence(f, 2022, "zh") or "")
    assert "filed, unchanged on the year before," in (headline_sentence(f, 2022, "en") or "")


def test_change_derived_when_the_engine_gives_none() -> None:
    # no engine change: (5591 - 4830) / 4830 = 15.76% from value and previous
    f = figs(pct_applications={"change": None})
    assert headline_sentence(f, 2022, "zh") == ZH_2022


def test_missing_values_leave_clauses_out() -> None:
    f = figs(pct_applications={"value": None})
    zh = headline_sentence(f, 2022, "zh")
    assert zh == (
        "2022年，全市专利授权量17.83万件，每万人口高价值发明专利拥有量40.9件，较上年提高6.7件。"
    )
    en = headline_sentence(f, 2022, "en")
    assert en == (
        "In 2022, 178,300 patents were granted and high-value invention patents per 10,000 "
        "people reached 40.9, up 6.7 on the year before."
    )
    # no previous year: the clause stays, its change goes
    g = figs(pct_applications={"change": None, "previous": None})
    assert "PCT国际专利申请5591件，每万人口" in (headline_sentence(g, 2022, "zh") or "")
    for s in (zh, en, headline_sentence(g, 2022, "en")):
        assert s is not None and "None" not in s


def test_nothing_to_say() -> None:
    f = [replace(x, value=None) for x in headline_figures()]
    assert headline_sentence(f, 2022, "zh") is None
    assert headline_sentence([], 2022, "en") is None
    assert further_sentence(f, "zh") is None


def test_one_clause_and_singular() -> None:
    one = [replace(headline_figures()[0], value=1.0)]
    assert headline_sentence(one, 2022, "en") == "In 2022, 1 patent was granted."
    assert headline_sentence(one, 2022, "zh") == "2022年，全市专利授权量1件。"


def test_further_sentence() -> None:
    # invention patents in force 201,900 vs 171,500: (201900 - 171500) / 171500 = 17.73%
    assert further_sentence(figs(), "zh") == "全市有效发明专利拥有量20.19万件，同比增长17.73%。"
    assert further_sentence(figs(), "en") == (
        "In addition, 201,900 invention patents were in force at the end of the year, a "
        "year-on-year increase of 17.73%."
    )
