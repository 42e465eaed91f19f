"""``ipcity export``: the partitioned Parquet dataset and its manifest, and every way a stale or
partial copy is refused before Spark reads it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from ipcity.cli import main
from ipcity.errors import IpcityError
from ipcity.indicators import DefinitionConfig, compute
from ipcity.indicators.dataset import MANIFEST, verify_dataset
from ipcity.indicators.spark_settings import SparkSettings
from ipcity.warehouse.ingest import ingest
from ipcity.warehouse.store import Warehouse
from tests.indicators.test_engines_agree import _random_warehouse


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Path, Path]:
    """(warehouse dir, dataset dir) of the random warehouse, exported by the CLI."""
    _random_warehouse(tmp_path / "wh").close()
    out = tmp_path / "ds"
    assert main(["export", "--to", str(out), "--warehouse", str(tmp_path / "wh")]) == 0
    return tmp_path / "wh", out


def _refusal(wh_dir: Path, uri: str, capsys: pytest.CaptureFixture[str]) -> str:
    """The one-line error of ``ipcity indicators --engine spark --data uri``."""
    capsys.readouterr()
    rc = main(["indicators", "--engine", "spark", "--data", uri, "--warehouse", str(wh_dir)])
    err = capsys.readouterr().err.strip()
    assert rc == 1 and err.startswith("error: ") and "\n" not in err, err
    return err


def test_export_partitions_and_counts_every_table(exported: tuple[Path, Path]) -> None:
    wh_dir, out = exported
    manifest = json.loads((out / MANIFEST).read_text())
    with Warehouse(wh_dir, read_only=True) as wh:
        for table, info in manifest["tables"].items():
            assert info["rows"] == wh.count(table), table
            assert (
                sum(pq.read_metadata(out / f["path"]).num_rows for f in info["files"])
                == (info["rows"])
            )
        vintage = wh.vintage().as_dict()
    assert manifest["vintage"] == vintage
    assert manifest["definition_version"] == DefinitionConfig.default().version
    assert manifest["resolver_version"]
    offices = {p.name for p in (out / "patents").iterdir()}
    assert offices == {"office=CN", "office=US", "office=WO"}
    years = {p.name for p in (out / "patents" / "office=CN").iterdir()}
    assert "application_year=2008" in years and "application_year=2021" in years
    assert {p.name for p in (out / "parties").iterdir()} == {
        "role=applicant",
        "role=owner",
        "role=inventor",
    }
    # Partition values only in the directory names: Spark must not see a column twice.
    one = next((out / "patents").rglob("*.parquet"))
    assert "office" not in pq.read_schema(one).names
    assert len(manifest["tables"]["pledges"]["files"]) == 1
    for entry in manifest["tables"]["patents"]["files"]:
        assert len(entry["sha256"]) == 64 and entry["bytes"] > 0


def test_export_of_an_empty_warehouse_keeps_every_column(tmp_path: Path) -> None:
    Warehouse(tmp_path / "wh").close()
    assert main(["export", "--to", str(tmp_path / "ds"), "--warehouse", str(tmp_path / "wh")]) == 0
    schema = pq.read_schema(tmp_path / "ds" / "patents" / "data_0.parquet")
    assert {"office", "application_date", "patent_id"} <= set(schema.names)


def test_export_refuses_a_directory_that_is_not_a_dataset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _random_warehouse(tmp_path / "wh").close()
    target = tmp_path / "mine"
    target.mkdir()
    (target / "thesis.docx").write_text("precious")
    rc = main(["export", "--to", str(target), "--warehouse", str(tmp_path / "wh")])
    assert rc == 1 and "not empty and holds no ipcity dataset" in capsys.readouterr().err
    assert [p.name for p in target.iterdir()] == ["thesis.docx"]


def test_re_export_replaces_the_old_dataset(exported: tuple[Path, Path]) -> None:
    wh_dir, out = exported
    (out / "patents" / "office=CN" / "stray.parquet").write_bytes(b"x")
    assert main(["export", "--to", f"file://{out}", "--warehouse", str(wh_dir)]) == 0
    assert not list(out.rglob("stray.parquet"))
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".ds.")]  # staging removed
    with Warehouse(wh_dir, read_only=True) as wh:
        assert verify_dataset(str(out), wh).manifest["tables"]["patents"]["rows"] == 240


def test_a_stale_dataset_is_refused(
    exported: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wh_dir, out = exported
    csv = tmp_path / "new" / "patents.csv"
    csv.parent.mkdir()
    csv.write_text("patent_id,office,patent_type,application_date\nZ1,CN,invention,2020-01-02\n")
    with Warehouse(wh_dir) as wh:
        assert ingest(wh, [csv]).files[0].status == "loaded"
    err = _refusal(wh_dir, str(out), capsys)
    assert f"dataset {out} is stale: exported at ingest run none (0 runs), the warehouse " in err
    assert "is at run 1 (1 runs)" in err
    assert "re-export with 'ipcity export --to" in err


def test_a_dataset_with_a_missing_file_is_refused(
    exported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    wh_dir, out = exported
    victim = next((out / "patents" / "office=US").rglob("*.parquet"))
    victim.unlink()
    err = _refusal(wh_dir, str(out), capsys)
    assert "is partial or changed: 1 missing file(s) (patents/office=US/" in err


def test_a_dataset_with_an_extra_file_is_refused(
    exported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    wh_dir, out = exported
    source = next((out / "patents" / "office=CN").rglob("*.parquet"))
    extra = out / "patents" / "office=CN" / "application_year=1999" / "data_0.parquet"
    extra.parent.mkdir()
    shutil.copy(source, extra)
    err = _refusal(wh_dir, str(out), capsys)
    assert "1 unexpected file(s) (patents/office=CN/application_year=1999/data_0.parquet)" in err


def test_a_dataset_with_a_changed_file_is_refused(
    exported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    wh_dir, out = exported
    victim = out / "pledges" / "data_0.parquet"
    table = pq.read_table(victim)
    pq.write_table(table.slice(1), victim)  # one pledge fewer, still valid Parquet
    err = _refusal(wh_dir, str(out), capsys)
    assert "1 changed file(s) (pledges/data_0.parquet)" in err


def test_a_manifest_whose_row_counts_do_not_add_up_is_refused(
    exported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    wh_dir, out = exported
    doc: dict[str, Any] = json.loads((out / MANIFEST).read_text())
    doc["tables"]["parties"]["rows"] += 1
    (out / MANIFEST).write_text(json.dumps(doc))
    err = _refusal(wh_dir, str(out), capsys)
    assert "row counts do not add up for parties" in err
    assert "row counts differ from the warehouse for parties" in err


def test_a_dataset_from_another_warehouse_is_refused(
    exported: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = exported
    other = tmp_path / "other"
    _random_warehouse(other, seed=8).close()  # same (empty) ingest history, other rows
    err = _refusal(other, str(out), capsys)
    assert "row counts differ from the warehouse for" in err


def test_no_manifest_no_dataset(
    exported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    wh_dir, out = exported
    (out / MANIFEST).unlink()
    err = _refusal(wh_dir, str(out), capsys)
    assert f"no ipcity dataset at {out} ({MANIFEST} missing)" in err
    assert "unreadable" in _refusal_after(out, wh_dir, "{", capsys)


def _refusal_after(out: Path, wh_dir: Path, manifest: str, capsys: Any) -> str:
    (out / MANIFEST).write_text(manifest)
    return _refusal(wh_dir, str(out), capsys)


def test_remote_schemes_are_named_not_guessed(
    exported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    wh_dir, _ = exported
    err = _refusal(wh_dir, "hdfs://namenode:8020/ipcity/ds", capsys)
    assert "not 'hdfs://'" in err and "mount the share" in err


def test_data_is_for_spark_and_clusters_need_data(exported: tuple[Path, Path]) -> None:
    wh_dir, out = exported
    with Warehouse(wh_dir, read_only=True) as wh:
        with pytest.raises(IpcityError, match="--data is read by --engine spark"):
            compute(wh, engine="duckdb", data=str(out))
        cluster = SparkSettings.resolve(master="spark://127.0.0.1:1")
        with pytest.raises(IpcityError, match="cannot read this machine's warehouse"):
            compute(wh, engine="spark", spark=cluster)


@pytest.mark.spark
def test_spark_on_the_dataset_equals_duckdb_on_the_warehouse(
    exported: tuple[Path, Path], spark_engine: Any
) -> None:
    wh_dir, out = exported
    with Warehouse(wh_dir, read_only=True) as wh:
        for case in ({"counting": "fractional", "by": ["region_code"]}, {"region": "310104"}):
            duck = compute(wh, years=list(range(2012, 2024)), engine="duckdb", **case)
            spark = compute(
                wh, years=list(range(2012, 2024)), engine="spark", data=str(out), **case
            )
            assert duck.table.num_rows > 0
            assert duck.table.to_pylist() == spark.table.to_pylist(), case
            assert spark.meta["vintage"] == json.loads((out / MANIFEST).read_text())["vintage"]
            assert spark.meta["data"]["uri"] == str(out)
            assert spark.meta["data"]["rows"]["patents"] == 240
            rest = {k: v for k, v in spark.meta.items() if k not in ("engine", "data")}
            assert {**duck.meta, "engine": "-"} == {**rest, "engine": "-"}
