"""A small hand-made set of Shanghai records that shows each problem of definition version 1
(issue 9): USPTO records counted as CN statistics, a 2001 invention in force for ever, a
municipal award, a Hong Kong-only family, every US record 'high-value' by its own office.

Only columns that version 1's warehouse already had, so the same rows can be run by the code
of version 1 (the golden file ``data/definition_v1_golden.json`` was written that way)."""

from __future__ import annotations

from typing import Any

from tests.support.indicator_helpers import patent

SH = "310104"  # 徐汇区, Shanghai
YEARS = list(range(2019, 2024))

PATENTS = [
    # USPTO grant and design owned by a Shanghai company; every USPTO record lists US itself
    patent("US10000001", "2015-03-01", "2017-05-01", office="US", family_countries="US"),
    patent(
        "USD0900001",
        "2018-02-01",
        "2019-06-01",
        office="US",
        patent_type="design",
        family_countries="US",
    ),
    patent("USPP30001", "2019-02-01", "2020-06-01", office="US", patent_type="plant"),
    # filed 2001, no lapse_date: its 20-year term ended on 2021-05-01
    patent("CN01100001", "2001-05-01", "2004-03-01"),
    # term ends on 31 Dec 2022 (filed 2002-12-31) and on 1 Jan 2023 (filed 2003-01-01)
    patent("CN02100002", "2002-12-31", "2005-03-01"),
    patent("CN03100003", "2003-01-01", "2005-03-01"),
    # a municipal award, a national award
    patent("CN16100004", "2016-01-10", "2018-03-01"),
    patent("CN16100005", "2016-01-10", "2018-03-01"),
    # a Hong Kong-only family; a US family member
    patent("CN16100006", "2016-01-10", "2018-03-01", family_countries="CN;HK"),
    patent("CN16100007", "2016-01-10", "2018-03-01", family_countries="CN;US"),
    # a CN utility model and design, a PCT application
    patent("CN18200008", "2018-04-01", "2019-01-15", patent_type="utility_model"),
    patent("CN21300009", "2021-06-01", "2021-12-01", patent_type="design"),
    patent("WO2019000010", "2019-07-01", None, office="WO", patent_type=None),
]
PARTIES = [(p[0], "applicant", 1, "CN", SH) for p in PATENTS]
AWARDS = [
    ("CN16100004", "上海市专利奖", 2019),
    ("CN16100005", "中国专利金奖", 2020),
]
POPULATION = [("310000", y, 24_000_000.0 + 100_000 * (y - 2018), "test") for y in range(2018, 2024)]


def tables() -> dict[str, Any]:
    return {"patents": PATENTS, "parties": PARTIES, "awards": AWARDS, "population": POPULATION}


# The computations the golden file pins (each with population_lag given: version 1 had no
# per-region lag setting).
RUNS: dict[str, dict[str, Any]] = {
    "shanghai_by_type": {
        "years": YEARS,
        "region": "310000",
        "by": ["patent_type"],
        "population_lag": 1,
    },
    "all_first": {"years": YEARS, "region": "ALL", "population_lag": 0},
    "shanghai_whole": {
        "years": YEARS,
        "region": "310000",
        "counting": "whole",
        "population_lag": 0,
    },
}
