"""Definition version 2 (issue 9): each problem of version 1 on a small hand-made set of
Shanghai records, the boundaries computed by hand on both engines, and version 1 kept
reproducible."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ipcity.cli import app
from ipcity.errors import InputError, IpcityError
from ipcity.indicators import DefinitionConfig, IndicatorResult, compute
from ipcity.indicators.awards import NATIONAL, REGIONAL, UNRECOGNISED, classify
from ipcity.indicators.engines import open_tables
from ipcity.indicators.expressions import term_end_year
from ipcity.warehouse.store import Warehouse
from tests.support import problem_records as pr
from tests.support.indicator_helpers import build_warehouse, patent, values

IN_FORCE = "invention_patents_in_force"
HV = "high_value_invention_patents"
GOLDEN = Path(__file__).parent / "data" / "definition_v1_golden.json"


@pytest.fixture
def problems(tmp_path: Path) -> Warehouse:
    return build_warehouse(tmp_path / "problems", **pr.tables())


# ---- version 1 stays reproducible ---------------------------------------------------------


def test_version_1_reproduces_the_figures_published_before_version_2(problems: Warehouse) -> None:
    """The golden file was written by the code before issue 9 (commit in the file) from the
    same records; ``definition=1`` must give the same rows, bit for bit."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    for name, kwargs in pr.RUNS.items():
        got = compute(problems, definition=1, **kwargs)
        assert got.meta["definition_version"] == "1"
        assert got.table.to_pylist() == golden["runs"][name]["rows"], name


def test_version_2_moves_the_problem_records(problems: Warehouse) -> None:
    kwargs = pr.RUNS["shanghai_by_type"]
    v1 = compute(problems, definition=1, **kwargs)
    v2 = compute(problems, **kwargs)
    assert v2.meta["definition_version"] == "2"
    assert v1.table.to_pylist() != v2.table.to_pylist()


# ---- problem 1: USPTO records in CN statistics; grants = three types -----------------------


def test_uspto_records_do_not_count_in_shanghai_cn_statistics(
    problems: Warehouse, engine: str
) -> None:
    r = compute(problems, years=pr.YEARS, region="310000", engine=engine)
    assert r.meta["office"] == "CN"
    # 2019 grants: the CN utility model only (the US design is USPTO's)
    assert values(r, "patents_granted") == {2019: 1, 2020: 0, 2021: 1, 2022: 0, 2023: 0}
    # in force at end 2019: CN01 (term to 2021-05-01), CN02, CN03, CN16 x4 = 7 (not US1000...)
    assert values(r, IN_FORCE)[2019] == 7
    assert values(r, "patent_applications")[2019] == 0  # the US plant application is out


def test_office_us_and_the_breakdown_by_office(problems: Warehouse, engine: str) -> None:
    us = compute(problems, years=[2019, 2020], region="310000", office="us", engine=engine)
    assert us.meta["office"] == "US"
    # a US design in 2019; the US plant patent of 2020 is no invention/utility model/design
    assert values(us, "patents_granted") == {2019: 1, 2020: 0}
    assert values(us, IN_FORCE) == {2019: 1, 2020: 1}
    # its only family member is its own office: not an overseas family
    assert values(us, HV) == {2019: 0, 2020: 0}
    by = compute(problems, ["patents_granted"], years=[2019], by=["office"], engine=engine)
    assert by.meta["office"] == "ALL"
    assert {r["office"]: r["value"] for r in by.table.to_pylist()} == {"CN": 1.0, "US": 1.0}
    # PCT is office WO whatever the office chosen
    pct = compute(problems, ["pct_applications"], years=[2019], office="US", engine=engine)
    assert values(pct, "pct_applications") == {2019: 1}


def test_bad_office_is_one_line_error(problems: Warehouse) -> None:
    with pytest.raises(IpcityError, match="office WO is not a patent office of grants"):
        compute(problems, office="WO")
    with pytest.raises(IpcityError, match="invalid office 'USA'"):
        compute(problems, office="USA")


# ---- problem 2: the statutory term --------------------------------------------------------


def _one_each(tmp_path: Path, rows: list[tuple[Any, ...]], **tables: Any) -> Warehouse:
    """Each patent owned in its own district (3101NN, NN = position + 1)."""
    parties = [(p[0], "owner", 1, "CN", f"3101{i + 1:02d}") for i, p in enumerate(rows)]
    return build_warehouse(tmp_path, patents=rows, parties=parties, **tables)


def _years(result: IndicatorResult, indicator: str, position: int) -> list[int]:
    key = f"3101{position + 1:02d}"
    return sorted(
        r["year"]
        for r in result.table.to_pylist()
        if r["indicator"] == indicator and r["region_code"] == key and r["value"] == 1.0
    )


TERM_ROWS = [
    patent("T1", "2002-12-31", "2005-03-01"),  # term ends 2022-12-31: not in force that night
    patent("T2", "2003-01-01", "2005-03-01"),  # term ends 2023-01-01: in force at end 2022
    patent("T3", "2001-05-01", "2004-03-01"),  # the 2001 invention without lapse_date
    patent("T4", "2002-12-31", "2005-03-01"),  # extension: term_end_date 2024-06-30
    patent("T5", "2010-03-01", "2012-03-01"),  # term_end_date 2022-12-31
    patent("T6", "2010-03-01", "2012-03-01"),  # term_end_date 2023-01-01
    patent("T7", "2002-12-31", "2005-03-01", "2019-12-31"),  # lapse_date before the term
]


def test_term_ends_the_stock_and_the_maintenance_criterion(tmp_path: Path, engine: str) -> None:
    wh = _one_each(tmp_path, TERM_ROWS)
    for pid, end in (("T4", "2024-06-30"), ("T5", "2022-12-31"), ("T6", "2023-01-01")):
        wh.con.execute("UPDATE patents SET term_end_date = ? WHERE patent_id = ?", [end, pid])
    years = list(range(2018, 2024))
    r = compute(wh, [IN_FORCE, HV], years=years, by=["region_code"], engine=engine)
    assert _years(r, IN_FORCE, 0) == [2018, 2019, 2020, 2021]
    assert _years(r, IN_FORCE, 1) == [2018, 2019, 2020, 2021, 2022]
    assert _years(r, IN_FORCE, 2) == [2018, 2019, 2020]  # term ended 2021-05-01
    assert _years(r, HV, 2) == [2018, 2019, 2020]  # maintained > 10 years, while in force
    assert _years(r, IN_FORCE, 3) == years  # the extension keeps it past 2022-12-31
    assert _years(r, IN_FORCE, 4) == [2018, 2019, 2020, 2021]
    assert _years(r, IN_FORCE, 5) == [2018, 2019, 2020, 2021, 2022]
    assert _years(r, IN_FORCE, 6) == [2018]  # lapse_date still ends it first
    v1 = compute(wh, [IN_FORCE, HV], years=years, by=["region_code"], engine=engine, definition="1")
    assert _years(v1, IN_FORCE, 2) == years  # version 1: in force for ever
    assert _years(v1, HV, 2) == years


def test_design_term_boundary_of_1_june_2021(tmp_path: Path, engine: str) -> None:
    rows = [
        patent("D1", "2021-05-31", "2021-09-01", patent_type="design"),  # 10 years
        patent("D2", "2021-06-01", "2021-09-01", patent_type="design"),  # 15 years
        patent("U1", "2015-03-01", "2015-09-01", patent_type="utility_model"),  # 10 years
        patent("I1", "2015-03-01", "2017-09-01"),  # 20 years
        patent("X1", "2015-03-01", "2016-09-01", office="US", patent_type="plant"),  # none
    ]
    wh = build_warehouse(tmp_path, patents=rows)
    with open_tables(wh, engine) as (tables, _):
        p = tables.patents
        got = (
            p.select(p.patent_id, end=term_end_year(p, DefinitionConfig.default()))
            .to_pyarrow()
            .to_pylist()
        )
    assert {r["patent_id"]: r["end"] for r in got} == {
        "D1": 2031,
        "D2": 2036,
        "U1": 2025,
        "I1": 2035,
        "X1": None,
    }


# ---- problem 3: awards --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("中国专利金奖", NATIONAL),
        ("第二十三届中国专利优秀奖", NATIONAL),
        ("中国专利 银奖", NATIONAL),
        ("中国外观设计金奖", NATIONAL),
        ("China Patent Gold Award", NATIONAL),
        ("ＣＨＩＮＡ　ＰＡＴＥＮＴ　ＡＷＡＲＤ (Gold)", NATIONAL),
        ("China Patent Award of Excellence", NATIONAL),
        ("国家科学技术进步奖二等奖", NATIONAL),
        ("国家科技进步奖", NATIONAL),
        ("国家技术发明奖一等奖", NATIONAL),
        ("国家自然科学奖", NATIONAL),
        ("State Technological Invention Award", NATIONAL),
        ("National Science and Technology Progress Award", NATIONAL),
        ("上海市专利奖", REGIONAL),
        ("上海市科学技术奖一等奖", REGIONAL),
        ("广东省专利金奖", REGIONAL),
        ("Shanghai Patent Award", REGIONAL),
        ("上海市中国专利奖配套奖励", REGIONAL),
        ("Best Invention Prize", UNRECOGNISED),
        ("日内瓦国际发明展金奖", UNRECOGNISED),
    ],
)
def test_award_names(name: str, kind: str) -> None:
    assert classify(name) == kind


def test_only_national_awards_count(tmp_path: Path, engine: str) -> None:
    rows = [patent(f"A{i}", "2016-01-10", "2018-03-01") for i in range(1, 6)]
    awards = [
        ("A1", "上海市专利奖", 2019),  # municipal: kept, never counted
        ("A2", "ＣＨＩＮＡ Patent Gold Award", 2020),
        ("A3", "国家科技进步奖二等奖", 2019),
        ("A4", "Best Invention Prize", 2019),  # unrecognised: warned
        ("A5", "Best Invention Prize", 2020),
    ]
    wh = _one_each(tmp_path, rows, awards=awards)
    r = compute(wh, [HV], years=[2019, 2020], by=["region_code"], engine=engine)
    assert _years(r, HV, 0) == []
    assert _years(r, HV, 1) == [2020]
    assert _years(r, HV, 2) == [2019, 2020]
    assert _years(r, HV, 3) == []
    listing = r.meta["definition"]["awards"]
    assert listing["not_counted"] == {"Best Invention Prize": 2, "上海市专利奖": 1}
    assert set(listing["counted"]) == {"ＣＨＩＮＡ Patent Gold Award", "国家科技进步奖二等奖"}
    assert any("'Best Invention Prize' (2)" in w for w in r.meta["warnings"])
    assert not any("上海市专利奖" in w for w in r.meta["warnings"])
    v1 = compute(wh, [HV], years=[2019], by=["region_code"], engine=engine, definition=1)
    assert _years(v1, HV, 0) == [2019]  # version 1 counted the municipal award


def test_awards_command_lists_what_counts(problems: Warehouse) -> None:
    problems.close()
    out = CliRunner().invoke(
        app, ["awards", "--format", "json", "--warehouse", str(problems.directory)]
    )
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["definition_version"] == "2"
    assert {a["award"]: a["counted"] for a in doc["awards"]} == {
        "上海市专利奖": False,
        "中国专利金奖": True,
    }


# ---- problem 5: overseas family -----------------------------------------------------------


def test_overseas_family(tmp_path: Path, engine: str) -> None:
    rows = [
        patent("F1", "2016-01-10", "2018-03-01", family_countries="CN;HK"),  # HK only
        patent("F2", "2016-01-10", "2018-03-01", family_countries="CN;US"),  # undated
        patent("F3", "2016-01-10", "2018-03-01", office="US", family_countries="US"),
        patent("F4", "2016-01-10", "2018-03-01", office="US", family_countries="US;JP"),
        patent("F5", "2016-01-10", "2018-03-01", family_countries="CN;US"),  # dated below
        patent("F6", "2016-01-10", "2018-03-01", family_countries="CN;EP"),  # EP pending
        patent("F7", "2016-01-10", "2018-03-01", family_countries="CN;TW;MO"),
    ]
    wh = _one_each(tmp_path, rows)
    wh.con.executemany(
        "INSERT INTO families (patent_id, office, application_date, grant_date) "
        "VALUES (?, ?, ?, ?)",
        [
            ("F5", "US", "2016-06-01", "2021-03-01"),  # granted 2021: counts from 2021
            ("F5", "HK", "2016-06-01", "2018-06-01"),  # HK: never
            ("F6", "EP", "2016-06-01", None),  # pending: never
        ],
    )
    years = [2019, 2020, 2021]
    cn = compute(wh, [HV], years=years, by=["region_code"], engine=engine)
    assert _years(cn, HV, 0) == []
    assert _years(cn, HV, 1) == years
    assert _years(cn, HV, 4) == [2021]
    assert _years(cn, HV, 5) == []
    assert _years(cn, HV, 6) == []
    us = compute(wh, [HV], years=years, by=["region_code"], office="US", engine=engine)
    assert _years(us, HV, 2) == []  # its own office is not overseas
    assert _years(us, HV, 3) == years  # JP is
    assert cn.meta["definition"]["family"]["dated_patents"] == 2  # F5 and F6
    v1 = compute(wh, [HV], years=years, by=["region_code"], office="ALL", definition=1)
    assert _years(v1, HV, 0) == years and _years(v1, HV, 2) == years  # version 1's problem


# ---- problem 7: population lag, one setting per region ------------------------------------


def _population_warehouse(tmp_path: Path) -> Warehouse:
    rows = [patent("P1", "2016-01-10", "2018-03-01", family_countries="CN;US")]
    parties = [("P1", "owner", 1, "CN", "310104")]
    population = [
        ("310000", 2021, 20_000.0, "city 2021"),
        ("310000", 2022, 25_000.0, "city 2022"),
        ("310104", 2021, 1_000.0, "district 2021"),
        ("310104", 2022, 2_000.0, "district 2022"),
    ]
    return build_warehouse(tmp_path, patents=rows, parties=parties, population=population)


def test_population_lag_is_set_per_region(tmp_path: Path, engine: str) -> None:
    wh = _population_warehouse(tmp_path)
    per10k = "high_value_invention_patents_per_10k"
    city = compute(wh, [per10k], years=[2022], region="310000", engine=engine)
    assert values(city, per10k) == {2022: 1 / 20_000 * 10_000}  # Shanghai: lag 1
    assert city.meta["population_lag"] == {"310000": 1}
    district = compute(wh, [per10k], years=[2022], region="310104", engine=engine)
    assert values(district, per10k) == {2022: 1 / 2_000 * 10_000}  # NBS definition: lag 0
    assert district.meta["population_lag"] == {"310104": 0}
    by = compute(wh, [per10k], years=[2022], region="310000", by=["region_code"], engine=engine)
    assert values(by, per10k, region_code="310104") == {2022: 1 / 2_000 * 10_000}
    assert by.meta["population_lag"] == {"310104": 0}


def test_population_lag_setting_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ipcity.evaluation.gather import EngineOptions
    from ipcity.settings import population_lag

    wh = _population_warehouse(tmp_path)
    monkeypatch.setenv("IPCITY_POPULATION_LAG", "310104=1, 310000=0")
    assert (population_lag("310104"), population_lag("310000"), population_lag("CN")) == (1, 0, 0)
    assert (
        EngineOptions().lag_for("310104") == 1
        and EngineOptions(population_lag=0).lag_for("310104") == 0
    )
    r = compute(wh, ["high_value_invention_patents_per_10k"], years=[2022], region="310104")
    assert r.meta["population_lag"] == {"310104": 1}
    monkeypatch.setenv("IPCITY_POPULATION_LAG", "Shanghai=1")
    with pytest.raises(InputError, match="IPCITY_POPULATION_LAG: 'Shanghai=1' is not REGION=LAG"):
        population_lag("310000")


def test_reports_and_portal_read_the_lag_and_office_from_the_settings() -> None:
    from ipcity.evaluation.gather import EngineOptions
    from ipcity.meetings import headline
    from ipcity.reports.gather import indicators_command

    assert EngineOptions().lag_for("310000") == 1
    assert EngineOptions().lag_for("310104") == 0
    assert EngineOptions().lag_for("CN") == 0
    cmd = indicators_command(2022, "310000", EngineOptions())
    assert "--office CN --population-lag 1" in cmd
    calls: list[dict[str, Any]] = []

    class Fake:
        def __call__(self, _wh: Any, **kw: Any) -> Any:
            calls.append(kw)
            return IndicatorResult(table=_empty(), meta={})

    headline.engine_figures([2022], region="310104", warehouse=object(), compute=Fake())
    assert calls[0]["population_lag"] == 0 and calls[0]["office"] == "CN"


def _empty() -> Any:
    import pyarrow as pa

    return pa.table({"indicator": pa.array([], pa.string()), "year": pa.array([], pa.int64())})


# ---- CLI ----------------------------------------------------------------------------------


def test_cli_definition_and_office(problems: Warehouse) -> None:
    problems.close()
    base = ["indicators", "--warehouse", str(problems.directory), "--format", "json"]
    base += ["--year", "2019", "--region", "310000", "--indicator", IN_FORCE]
    v1 = json.loads(CliRunner().invoke(app, [*base, "--definition", "1"]).output)
    v2 = json.loads(CliRunner().invoke(app, base).output)
    us = json.loads(CliRunner().invoke(app, [*base, "--office", "US"]).output)
    assert (v1["meta"]["definition_version"], v1["rows"][0]["value"]) == (
        "1",
        8.0,
    )  # + the USPTO grant
    assert (v2["meta"]["definition_version"], v2["rows"][0]["value"]) == ("2", 7.0)
    assert (us["meta"]["office"], us["rows"][0]["value"]) == ("US", 1.0)
    bad = CliRunner().invoke(app, [*base, "--definition", "7"])
    assert bad.exit_code != 0 and "unknown definition version '7'" in str(bad.exception)
