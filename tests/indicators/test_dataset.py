"""``ipcity export``: the partitioned Parquet dataset and its manifest, and every way a stale or
partial copy is refused before Spark reads it."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path
from typing import Any

import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest

from ipcity.cli import main
from ipcity.errors import IpcityError
from ipcity.geo.resolve import RESOLVER_VERSION
from ipcity.indicators import DefinitionConfig, compute
from ipcity.indicators.dataset import MANIFEST, export_to, verify_at, verify_dataset
from ipcity.indicators.dataset_files import RemoteFiles
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


def test_unknown_schemes_are_named_not_guessed(
    exported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    wh_dir, _ = exported
    err = _refusal(wh_dir, "ftp://files.example/ipcity/ds", capsys)
    assert "no file system for 'ftp://'" in err and "s3a://" in err and "hdfs://" in err
    assert "needs a hdfs://HOST-OR-BUCKET/PATH" in _refusal(wh_dir, "hdfs:///", capsys)


def test_hdfs_without_a_hadoop_client_is_one_line(
    exported: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """This machine has no libhdfs (Hadoop client): --data and export --to say so in one line,
    and nothing is written to a local directory named after the URI."""
    wh_dir, _ = exported
    monkeypatch.chdir(tmp_path)
    err = _refusal(wh_dir, "hdfs://namenode.invalid:8020/ipcity/ds", capsys)
    assert "dataset hdfs://namenode.invalid:8020/ipcity/ds: hdfs://" in err, err
    assert "docs/scale-out.md" in err
    rc = main(
        ["export", "--to", "hdfs://namenode.invalid:8020/ipcity/ds", "--warehouse", str(wh_dir)]
    )
    err = capsys.readouterr().err.strip()
    assert rc == 1 and "hdfs://" in err and "\n" not in err
    assert not (tmp_path / "hdfs:").exists()


def test_s3a_that_cannot_be_reached_is_one_line(
    exported: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """A real S3 client against a closed local port: the error names the scheme, in one line."""
    wh_dir, _ = exported
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for name, value in {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "ipcity",
        "AWS_SECRET_ACCESS_KEY": "ipcity-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    err = _refusal(wh_dir, "s3a://bucket/ipcity/ds", capsys)
    assert "dataset s3a://bucket/ipcity/ds: s3a:// failed here:" in err, err
    rc = main(["export", "--to", "s3a://bucket/ipcity/ds", "--warehouse", str(wh_dir)])
    err = capsys.readouterr().err.strip()
    assert rc == 1 and "s3a:// failed here" in err and "\n" not in err
    assert not (tmp_path / "s3a:").exists()


def test_a_remote_file_system_round_trip(exported: tuple[Path, Path], tmp_path: Path) -> None:
    """Export and verification through pyarrow's file-system interface, the code path of
    s3a:// and hdfs:// (here on pyarrow's local file system, the one this machine has)."""
    wh_dir, local = exported
    remote = RemoteFiles(uri="s3a://bucket/ds", fs=pafs.LocalFileSystem(), root=str(tmp_path / "r"))
    (tmp_path / "r" / "patents").mkdir(parents=True)
    (tmp_path / "r" / "patents" / "stray.parquet").write_bytes(b"x")
    with Warehouse(wh_dir, read_only=True) as wh:
        with pytest.raises(IpcityError, match="not empty and holds no ipcity dataset"):
            export_to(wh, remote, DefinitionConfig.default().version, RESOLVER_VERSION)
        (tmp_path / "r" / "patents" / "stray.parquet").unlink()
        ds = export_to(wh, remote, DefinitionConfig.default().version, RESOLVER_VERSION)
        assert (
            ds.path == "s3a://bucket/ds" and ds.table_path("parties") == "s3a://bucket/ds/parties"
        )
        ok = verify_at("s3a://bucket/ds", ds.path, remote, wh)
        assert ok.manifest["tables"] == json.loads((local / MANIFEST).read_text())["tables"]
        # the same files, byte for byte, as the local export
        assert remote.files() == {
            f.relative_to(local).as_posix(): f.stat().st_size
            for f in local.rglob("*")
            if f.is_file() and f.name != MANIFEST
        }
        stray = tmp_path / "r" / "pledges" / "extra.parquet"
        stray.write_bytes(b"x")
        with pytest.raises(IpcityError, match="1 unexpected file"):
            verify_at("s3a://bucket/ds", ds.path, remote, wh)
        export_to(wh, remote, DefinitionConfig.default().version, RESOLVER_VERSION)
        assert not stray.exists()  # a re-export replaces the old dataset whole
        verify_at("s3a://bucket/ds", ds.path, remote, wh)


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
