"""The evaluation's warehouse figures are kept per warehouse state: the same answer while the
file is unchanged, computed again once it changes (an ingest), never for a warehouse without a
file, and a caller cannot alter what is kept."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from ipcity.evaluation import figure_cache


@dataclass
class FakeWarehouse:
    path: Path | None


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    figure_cache.clear()


def counting() -> tuple[list[int], Callable[[], dict[int, float]]]:
    calls: list[int] = []

    def compute() -> dict[int, float]:
        calls.append(1)
        return {2022: float(len(calls))}

    return calls, compute


def test_same_file_same_args_computes_once(tmp_path: Path) -> None:
    f = tmp_path / "warehouse.duckdb"
    f.write_bytes(b"v1")
    wh = FakeWarehouse(f)
    calls, compute = counting()
    first = figure_cache.cached(wh, "engine_series", ("x", "ALL"), compute)
    again = figure_cache.cached(wh, "engine_series", ("x", "ALL"), compute)
    assert first == again == {2022: 1.0}
    assert len(calls) == 1
    other = figure_cache.cached(wh, "engine_series", ("y", "ALL"), compute)
    assert other == {2022: 2.0}  # other arguments: computed


def test_a_changed_warehouse_is_computed_again(tmp_path: Path) -> None:
    f = tmp_path / "warehouse.duckdb"
    f.write_bytes(b"v1")
    wh = FakeWarehouse(f)
    calls, compute = counting()
    figure_cache.cached(wh, "k", (), compute)
    f.write_bytes(b"version 2")  # an ingest: new size and time
    st = f.stat()
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert figure_cache.cached(wh, "k", (), compute) == {2022: 2.0}
    wal = tmp_path / "warehouse.duckdb.wal"
    wal.write_bytes(b"pending")  # a write still in the log counts too
    assert figure_cache.cached(wh, "k", (), compute) == {2022: 3.0}
    assert len(calls) == 3


def test_no_file_no_cache_and_copies_are_returned(tmp_path: Path) -> None:
    calls, compute = counting()
    for _ in range(2):
        figure_cache.cached(FakeWarehouse(None), "k", (), compute)
        figure_cache.cached(FakeWarehouse(tmp_path / "absent"), "k", (), compute)
    assert len(calls) == 4
    f = tmp_path / "warehouse.duckdb"
    f.write_bytes(b"v1")
    got = figure_cache.cached(FakeWarehouse(f), "k", (), compute)
    got[2022] = -1.0  # a caller changing its answer does not change the kept one
    assert figure_cache.cached(FakeWarehouse(f), "k", (), compute) == {2022: 5.0}
