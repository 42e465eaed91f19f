"""Fixtures of the indicator tests: the engines to run the definitions on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ipcity.warehouse.store import Warehouse
from tests.support.indicator_helpers import build_warehouse


@pytest.fixture(scope="session")
def spark_engine() -> Any:
    """One local Spark session for the whole run; few shuffle partitions for tiny data."""
    from ipcity.indicators.engines import spark_session

    session = spark_session()
    session.conf.set("spark.sql.shuffle.partitions", "2")
    return session


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def engine(request: pytest.FixtureRequest) -> str:
    if request.param == "spark":
        request.getfixturevalue("spark_engine")
    return str(request.param)


@pytest.fixture
def make_warehouse(tmp_path: Path) -> Callable[..., Warehouse]:
    counter = iter(range(1000))

    def make(**tables: Any) -> Warehouse:
        return build_warehouse(tmp_path / f"wh{next(counter)}", **tables)

    return make
