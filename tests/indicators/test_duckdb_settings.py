"""DuckDB's memory cap and spill directory as settings (large warehouses on shared machines)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipcity.errors import IpcityError
from ipcity.warehouse.store import Warehouse


def test_memory_limit_and_temp_directory_reach_duckdb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPCITY_DUCKDB_MEMORY_LIMIT", "1GB")
    monkeypatch.setenv("IPCITY_DUCKDB_TEMP_DIRECTORY", str(tmp_path / "spill"))
    with Warehouse(tmp_path / "wh") as wh:
        limit, temp = wh.con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchall()[0]
    assert limit == "953.6 MiB" and temp == str(tmp_path / "spill")


def test_a_wrong_memory_limit_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPCITY_DUCKDB_MEMORY_LIMIT", "lots")
    with pytest.raises(IpcityError, match=r"^IPCITY_DUCKDB_MEMORY_LIMIT='lots' is not accepted"):
        Warehouse(tmp_path / "wh")
