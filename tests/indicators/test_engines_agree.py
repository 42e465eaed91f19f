"""DuckDB and Spark give identical results for one definition (exact, fractional included)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from ipcity.indicators import compute
from tests.support.indicator_helpers import build_warehouse, patent

REGIONS = ["310101", "310104", "310115", "320102", "110105", "810000", None]
COUNTRIES = {"810000": "HK"}


def _random_warehouse(path: Path, seed: int = 7) -> Any:
    rnd = random.Random(seed)
    pats, parties, pledges, awards = [], [], [], []
    for i in range(240):
        pid = f"R{i:04d}"
        office = rnd.choice(["CN"] * 6 + ["US", "WO"])
        ptype = (
            None if office == "WO" else rnd.choice(["invention"] * 3 + ["utility_model", "design"])
        )
        app_year = rnd.randint(2008, 2021)
        app = f"{app_year}-{rnd.randint(1, 12):02d}-{rnd.choice([1, 15, 28]):02d}"
        grant = None
        lapse = None
        if office != "WO" and rnd.random() < 0.7:
            grant = f"{app_year + rnd.randint(1, 3)}-{rnd.randint(1, 12):02d}-10"
            if rnd.random() < 0.3:
                lapse = f"{int(grant[:4]) + rnd.randint(0, 6)}-12-31"
        ipc = rnd.choice([None, "G06N3/04", "H01M10/052;G06F40/20", "A01B1/00", " C07D 1/00"])
        fam = rnd.choice([None, "CN", "CN;WO", "CN;US", "CN;EP;JP"])
        pats.append(
            patent(
                pid,
                app,
                grant,
                lapse,
                office=office,
                patent_type=ptype,
                ipc=ipc,
                family_countries=fam,
            )
        )
        for role in ("applicant", "owner", "inventor"):
            if role == "owner" and (grant is None or rnd.random() < 0.3):
                continue
            for seq in range(1, rnd.randint(0, 3) + 1):
                reg = rnd.choice(REGIONS)
                country = "US" if role == "inventor" and rnd.random() < 0.3 else None
                country = country or (
                    COUNTRIES.get(reg or "", "CN") if reg else rnd.choice(["CN", "JP", None])
                )
                parties.append((pid, role, seq, country, reg if role != "inventor" else None))
        if rnd.random() < 0.1:
            pledges.append((pid, f"{app_year + 2}-06-30", rnd.choice([4e6, 1e7, 2.5e6])))
        if rnd.random() < 0.05:
            awards.append((pid, "China Patent Award", app_year + rnd.randint(3, 6)))
    population = [
        (r, y, 100_000.0 + 7 * y, "test")
        for r in ["310000", "310104", "CN"]
        for y in range(2010, 2024)
    ]
    return build_warehouse(
        path, patents=pats, parties=parties, pledges=pledges, awards=awards, population=population
    )


@pytest.mark.spark
@pytest.mark.slow
def test_duckdb_and_spark_agree(tmp_path: Path, spark_engine: Any) -> None:
    wh = _random_warehouse(tmp_path)
    cases: list[dict[str, Any]] = [
        {"counting": "first"},
        {"counting": "fractional", "by": ["region_code"]},
        {"counting": "whole", "by": ["applicant_country", "ipc_section"], "region": "CN"},
        {"counting": "fractional", "region": "310000", "by": ["inventor_country"]},
        {"counting": "whole", "region": "310104", "by": ["patent_type"], "population_lag": 1},
    ]
    for case in cases:
        duck = compute(wh, years=list(range(2012, 2024)), engine="duckdb", **case)
        spark = compute(wh, years=list(range(2012, 2024)), engine="spark", **case)
        assert duck.table.num_rows > 0
        assert duck.table.to_pylist() == spark.table.to_pylist(), case
        assert {**duck.meta, "engine": "-"} == {**spark.meta, "engine": "-"}
