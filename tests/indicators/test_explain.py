"""``explain``: the change from Y-1 to Y decomposed exactly, pinned patent by patent.

Every patent has one owner in district 310101 (first counting), so each component is a count
of the patents listed next to it. The identity end - start = sum of the components is checked
on the exact fractions and, for integer counts, on the floats too."""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipcity.errors import IpcityError
from ipcity.indicators import compute
from ipcity.indicators.explain import ExplainResult, explain
from ipcity.warehouse.store import Warehouse
from tests.support.indicator_helpers import build_warehouse, patent

HV = "high_value_invention_patents"
IN_FORCE = "invention_patents_in_force"
PATENTS = [
    # crosses 10 years maintained in 2020 (filed 2010-03-01 + 10y < 31 Dec 2020)
    patent("CROSS", "2010-03-01", "2013-05-01"),
    # granted 2020 with a US family member: a new grant that is high-value at once
    patent("NEWFAM", "2019-01-01", "2020-06-01", family_countries="CN;US"),
    # granted 2020, no criterion: in force, not high-value
    patent("NEWPLAIN", "2018-02-01", "2020-03-01"),
    # filed 2000-02-01: the 20-year term ends 1 Feb 2020, no lapse date recorded
    patent("EXPIRES", "2000-02-01", "2003-01-01"),
    # lapses 2020 (fees not paid), high-value by its JP family
    patent("LAPSES", "2015-02-01", "2017-01-01", "2020-04-01", family_countries="CN;JP"),
    # in force and high-value in both years: no component
    patent("STAYS", "2008-01-05", "2012-01-01"),
    # lapsed 2019: in neither year
    patent("GONE", "2012-01-01", "2014-01-01", "2019-05-01"),
]
PARTIES = [(p[0], "applicant", 1, "CN", "310101") for p in PATENTS]
POPULATION = [
    ("310000", 2019, 100_000.0, "census"),
    ("310000", 2020, 110_000.0, "census"),
    ("310101", 2019, 50_000.0, "census"),
    ("310101", 2020, 40_000.0, "census"),
]


@pytest.fixture
def wh(make_warehouse: Callable[..., Warehouse]) -> Warehouse:
    return make_warehouse(patents=PATENTS, parties=PARTIES, population=POPULATION)


def _sum_identity(r: ExplainResult, **keys: str | None) -> None:
    end, start = r.value("end", **keys), r.value("start", **keys)
    assert sum((v for _, v in r.additive(**keys)), Fraction(0)) == end - start
    assert all(c["holds"] for c in r.meta["identity"])


def test_in_force_components(wh: Warehouse, engine: str) -> None:
    r = explain(wh, IN_FORCE, 2020, "310000", engine=engine)
    assert r.value("start") == 4  # CROSS, EXPIRES, LAPSES, STAYS
    assert r.value("entered_new_grant") == 2  # NEWFAM, NEWPLAIN
    assert r.value("left_lapsed") == -1  # LAPSES
    assert r.value("left_expired") == -1  # EXPIRES
    assert r.value("end") == 4
    _sum_identity(r)
    got = compute(wh, [IN_FORCE], [2019, 2020], "310000", engine=engine).table
    assert got.column("value").to_pylist() == [float(r.value("start")), float(r.value("end"))]


def test_high_value_components(wh: Warehouse, engine: str) -> None:
    r = explain(wh, HV, 2020, "310000", engine=engine)
    assert r.value("start") == 3  # EXPIRES (maintained), LAPSES (family), STAYS (maintained)
    assert r.value("entered_new_grant") == 1  # NEWFAM
    assert r.value("entered_newly_qualifying", "maintained") == 1  # CROSS
    for c in ("pledge", "award", "family", "sei"):
        assert r.value("entered_newly_qualifying", c) == 0
    assert r.value("left_lapsed") == -1
    assert r.value("left_expired") == -1
    assert r.value("left_no_longer_qualifying") == 0
    assert r.value("end") == 3  # CROSS, NEWFAM, STAYS
    _sum_identity(r)
    rows = r.to_json_dict()["rows"]
    assert {k for row in rows for k in row} == {
        "indicator",
        "year",
        "region",
        "component",
        "criterion",
        "value",
    }
    assert sum(row["value"] for row in rows if row["component"] not in ("start", "end")) == 0.0
    got = compute(wh, [HV], [2019, 2020], "310000", engine=engine).table
    assert got.column("value").to_pylist() == [3.0, 3.0]


def test_per_10k_population_effect(wh: Warehouse, engine: str) -> None:
    # lag 0: P_2019 = 100,000, P_2020 = 110,000; S = 3 and 3
    r = explain(wh, HV + "_per_10k", 2020, "310000", population_lag=0, engine=engine)
    assert r.value("start") == Fraction(3 * 10_000, 100_000)
    assert r.value("end") == Fraction(3 * 10_000, 110_000)
    assert r.value("numerator_effect") == 0
    assert (
        r.value("population_effect") == 3 * (Fraction(1, 110_000) - Fraction(1, 100_000)) * 10_000
    )
    assert r.value("numerator_effect.entered_new_grant") == Fraction(10_000, 110_000)
    assert r.value("numerator_effect.left_expired") == Fraction(-10_000, 110_000)
    _sum_identity(r)
    got = compute(
        wh, [HV + "_per_10k"], [2019, 2020], "310000", population_lag=0, engine=engine
    ).table
    assert got.column("value").to_pylist() == [float(r.value("start")), float(r.value("end"))]


def test_per_10k_uses_configured_lag(wh: Warehouse, engine: str) -> None:
    # Shanghai's configured lag is 1: Y-1 = 2019 needs 2018's population, which is missing
    r = explain(wh, HV + "_per_10k", 2020, "310000", engine=engine)
    assert r.rows == []
    assert r.meta["population_lag"] == {"310000": 1}
    assert any("no population for 310000 in 2018" in w for w in r.meta["warnings"])
    # a district uses its own setting (0): P_2019 = 50,000, P_2020 = 40,000
    r0 = explain(wh, HV + "_per_10k", 2020, "310000", by=["region_code"], engine=engine)
    assert r0.meta["population_lag"] == {"310101": 0}
    assert r0.value("start", region_code="310101") == Fraction(3 * 10_000, 50_000)
    assert r0.value("end", region_code="310101") == Fraction(3 * 10_000, 40_000)
    assert r0.value("population_effect", region_code="310101") == Fraction(3 * 10_000) * (
        Fraction(1, 40_000) - Fraction(1, 50_000)
    )
    _sum_identity(r0, region_code="310101")


def test_flows_by_type_and_section(make_warehouse: Callable[..., Warehouse], engine: str) -> None:
    pats = [
        patent("I1", "2018-01-01", "2019-05-01", ipc="G06F1/00"),
        patent("I2", "2018-01-01", "2020-05-01", ipc="A01B1/00"),
        patent("I3", "2018-01-01", "2020-06-01", ipc="G06N3/04"),
        patent("U1", "2019-01-01", "2019-09-01", patent_type="utility_model", ipc="H01L1/00"),
    ]
    parties = [(p[0], "applicant", 1, "CN", "310101") for p in pats]
    wh = make_warehouse(patents=pats, parties=parties)
    r = explain(wh, "patents_granted", 2020, "310000", engine=engine)
    assert r.value("start") == 2 and r.value("end") == 2
    by_type = {
        row["patent_type"]: v
        for row, v in zip(r.rows, r.exact, strict=True)
        if row["component"] == "change_by_patent_type"
    }
    assert by_type == {"invention": 1, "utility_model": -1}
    by_section = {
        row["ipc_section"]: v
        for row, v in zip(r.rows, r.exact, strict=True)
        if row["component"] == "change_by_ipc_section"
    }
    assert by_section == {"A": 1, "G": 0, "H": -1}
    assert sum(by_section.values()) == r.value("end") - r.value("start")
    _sum_identity(r)


def test_fractional_counting_is_exact(
    make_warehouse: Callable[..., Warehouse], engine: str
) -> None:
    pats = [patent(f"F{i}", "2005-01-01", "2008-01-01", family_countries="CN;US") for i in range(3)]
    pats.append(patent("N", "2019-01-01", "2020-01-02", family_countries="CN;EP"))
    parties = []
    for p in pats:  # one of three owners in 310101
        parties += [
            (p[0], "owner", 1, "CN", "310101"),
            (p[0], "owner", 2, "CN", "320101"),
            (p[0], "owner", 3, "CN", "330101"),
        ]
    wh = make_warehouse(patents=pats, parties=parties)
    r = explain(wh, HV, 2020, "310101", counting="fractional", engine=engine)
    # F0-F2 hit the 20-year term in 2025; none leaves; maintained since 2015
    assert r.value("start") == 1
    assert r.value("entered_new_grant") == Fraction(1, 3)
    assert r.value("end") == Fraction(4, 3)
    _sum_identity(r)


def test_bad_input(wh: Warehouse) -> None:
    with pytest.raises(IpcityError, match="cannot explain"):
        explain(wh, "high_value_invention_patents_per_10k_change", 2020)
    with pytest.raises(IpcityError, match="needs a region"):
        explain(wh, HV + "_per_10k", 2020)
    with pytest.raises(IpcityError, match="only by region_code"):
        explain(wh, HV, 2020, by=["ipc_section"])
    with pytest.raises(IpcityError, match="region"):
        explain(wh, HV, 2020, "nowhere")


def _random_warehouse(directory: Any, seed: int) -> Warehouse:
    rng = random.Random(seed)
    pats, parties, pledges, awards = [], [], [], []
    for i in range(rng.randint(0, 25)):
        app = rng.randint(1998, 2021)
        grant = rng.choice([None, app + rng.randint(0, 4)])
        lapse = None
        if grant is not None and rng.random() < 0.4:
            lapse = f"{grant + rng.randint(0, 8)}-0{rng.randint(1, 9)}-15"
        pid = f"R{i}"
        pats.append(
            patent(
                pid,
                f"{app}-{rng.choice(['03-01', '12-31', '07-15'])}",
                None if grant is None else f"{min(grant, 2023)}-05-01",
                lapse,
                office=rng.choice(["CN", "CN", "CN", "US"]),
                patent_type=rng.choice(["invention", "invention", "utility_model"]),
                family_countries=rng.choice(["CN", "CN;US", "CN;WO", None]),
            )
        )
        for s in range(rng.randint(1, 3)):
            parties.append(
                (
                    pid,
                    rng.choice(["applicant", "owner"]),
                    s + 1,
                    "CN",
                    rng.choice(["310101", "310104", "320101", None]),
                )
            )
        if rng.random() < 0.2:
            pledges.append((pid, f"{rng.randint(2015, 2022)}-06-01", rng.choice([5e5, 1e7, 2e7])))
        if rng.random() < 0.1:
            awards.append((pid, "中国专利金奖", rng.randint(2015, 2022)))
    return build_warehouse(directory, patents=pats, parties=parties, pledges=pledges, awards=awards)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10_000),
    year=st.integers(2012, 2023),
    counting=st.sampled_from(["first", "whole", "fractional"]),
    indicator=st.sampled_from([HV, IN_FORCE]),
)
def test_identity_on_random_warehouses(
    tmp_path_factory: pytest.TempPathFactory, seed: int, year: int, counting: str, indicator: str
) -> None:
    wh = _random_warehouse(tmp_path_factory.mktemp("rnd"), seed)
    r = explain(wh, indicator, year, "310000", counting=counting, by=["region_code"])
    got = compute(
        wh, [indicator], [year - 1, year], "310000", counting=counting, by=["region_code"]
    ).table.to_pylist()
    computed = {(g["region_code"], g["year"]): g["value"] for g in got}
    for district in {row["region_code"] for row in r.rows}:
        _sum_identity(r, region_code=district)
        assert float(r.value("start", region_code=district)) == computed.get(
            (district, year - 1), 0.0
        )
        assert float(r.value("end", region_code=district)) == computed.get((district, year), 0.0)
    whole = explain(wh, indicator, year, "310000", counting=counting)
    _sum_identity(whole)
