"""The report's message keys built at run time (``report.clause.<indicator>.other``,
``report.waterfall.<bar>`` ...) are in the reports catalogue in both languages: the catalog
check only sees keys written literally."""

from __future__ import annotations

import pytest

from ipcity.i18n import area_keys, render
from ipcity.reports.decomposition import PARTS
from ipcity.reports.headline import FIRST_SENTENCE, SECOND_SENTENCE
from ipcity.reports.notes_text import POPULATION_SOURCES, WARNINGS, note, population_source

REPORT_KEYS = area_keys("reports")


def _assert_both(key: str) -> None:
    zh, en = REPORT_KEYS.get(key, ("", ""))
    assert zh and en, f"{key} lacks a text in zh or en"


@pytest.mark.parametrize("indicator", [i for i, _ in FIRST_SENTENCE + SECOND_SENTENCE])
def test_every_headline_clause_has_its_words(indicator: str) -> None:
    _assert_both(f"report.clause.{indicator}.other")
    singular = REPORT_KEYS.get(f"report.clause.{indicator}.one")
    if singular is not None:  # only English needs a singular; Chinese repeats .other
        assert singular[0] == REPORT_KEYS[f"report.clause.{indicator}.other"][0]


def test_runtime_keys_of_the_report() -> None:
    keys = [f"report.waterfall.{bar}" for bar in ("start", *PARTS, "end")]
    keys += [f"report.decomposition.{part}" for part in PARTS if part != "population"]
    keys += [f"report.decomposition.negligible.{part}" for part in PARTS]
    keys += [f"report.notes.population_source.{k}" for k in POPULATION_SOURCES.values()]
    keys += [f"report.notes.warning.{k}" for k in WARNINGS.values()]
    keys += [f"report.counting.{rule}" for rule in ("first", "whole", "fractional")]
    keys += [
        f"report.{noun}.{form}"
        for noun in ("n_indicators", "n_key_tasks")
        for form in ("one", "other")
    ]
    for key in keys:
        _assert_both(key)


def test_english_singulars() -> None:
    assert render("report.n_key_tasks.one", {"n": 1}, "en") == "1 key task"
    assert render("report.n_key_tasks.other", {"n": 2}, "en") == "2 key tasks"
    assert render("report.n_key_tasks.other", {"n": 2}, "zh") == "重点任务2项"
    assert render("report.clause.patents_granted.one", {"value": "1"}, "en") == (
        "1 patent was granted"
    )


def test_data_notes_in_chinese_from_the_catalogue() -> None:
    source = "real: Shanghai 2021 statistical bulletin (year end)"
    assert population_source(source, "zh") == "上海市2021年国民经济和社会发展统计公报（年末数）"
    assert population_source(source, "en") == source  # the English report prints it as written
    assert population_source("from somewhere", "zh") == "人口数据表所载来源"
    assert note("2 task(s) starting after 2023-07-01 left out", "zh") == (
        "2项任务开始日期晚于2023年7月1日，未计入。"
    )
    assert note("PCT growth is empty where the year before had no PCT applications", "zh") == (
        "上年无PCT国际专利申请的，PCT申请量增速不计算。"
    )
    assert note("an engine note nobody worded", "zh") is None
