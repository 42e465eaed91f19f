"""The warehouse ingest reads the sample city without a single reject, in both formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipcity.samplecity import generate
from ipcity.warehouse import ingest as ingest_module


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_ingest_loads_every_row(tmp_path: Path, fmt: str) -> None:
    from ipcity.warehouse.store import Warehouse

    summary = generate(tmp_path / "city", scale=0.002, fmt=fmt)  # type: ignore[arg-type]
    with Warehouse(tmp_path / "wh") as wh:
        report = ingest_module.ingest(wh, [summary.out_dir])
        assert report.ignored == [str(summary.out_dir / "README.txt")]
        for f in report.files:
            assert f.status == "loaded" and f.rejected == 0 and f.skipped == 0, f
        for table, n in summary.rows.items():
            row = wh.con.execute(f"SELECT count(*) FROM {table}").fetchone()
            assert row is not None and row[0] == n, table
