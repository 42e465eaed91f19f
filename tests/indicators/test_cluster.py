"""The indicators on a real Spark standalone cluster (master + one worker on loopback, started by
``./run test``), through the CLI as a user runs them: ``ipcity indicators --engine spark
--spark-master spark://127.0.0.1:PORT --data URI``. The master's status JSON proves the
application ran there; the figures equal DuckDB's on the same warehouse, bit for bit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest

import ipcity
from ipcity.cli import main
from ipcity.indicators import compute
from ipcity.warehouse.store import Warehouse
from tests.indicators.test_engines_agree import _random_warehouse

MASTER = os.environ.get("IPCITY_TEST_SPARK_MASTER")
UI = os.environ.get("IPCITY_TEST_SPARK_UI")

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(
        not (MASTER and UI),
        reason="no Spark standalone cluster: IPCITY_TEST_SPARK_MASTER and IPCITY_TEST_SPARK_UI "
        "are set by ./run test, which starts one on loopback",
    ),
]


def _master_status() -> dict[str, Any]:
    with urllib.request.urlopen(f"{UI}/json/", timeout=10) as response:
        doc: dict[str, Any] = json.load(response)
    return doc


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``ipcity ARGS`` in a fresh process (its own driver JVM), from this checkout's sources."""
    src = str(Path(ipcity.__file__).resolve().parent.parent)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
        "PYSPARK_PYTHON": sys.executable,  # executors run the driver's Python
        "SPARK_LOCAL_IP": "127.0.0.1",  # the worker reaches the driver on loopback
    }
    return subprocess.run(
        [sys.executable, "-m", "ipcity.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _indicators_on_cluster(
    tmp_path: Path, app: str, *args: str
) -> subprocess.CompletedProcess[str]:
    """``ipcity indicators`` on the cluster over ``tmp_path/dataset``, as application ``app``."""
    return _cli(
        "indicators",
        "--engine",
        "spark",
        "--spark-master",
        str(MASTER),
        "--data",
        str(tmp_path / "dataset"),
        "--warehouse",
        str(tmp_path / "wh"),
        "--spark-conf",
        f"spark.app.name={app}",
        *args,
    )


def test_indicators_on_the_standalone_cluster_equal_duckdb(tmp_path: Path) -> None:
    _random_warehouse(tmp_path / "wh").close()
    data = tmp_path / "dataset"
    assert main(["export", "--to", str(data), "--warehouse", str(tmp_path / "wh")]) == 0
    app = f"ipcity-test-{uuid.uuid4().hex[:8]}"
    case = ["--counting", "fractional", "--by", "region_code", "--year", "2012..2023"]
    run = _indicators_on_cluster(
        tmp_path,
        app,
        "--spark-conf",
        "spark.executor.memory=512m",
        "--spark-conf",
        "spark.cores.max=1",
        "--format",
        "json",
        *case,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    on_cluster = json.loads(run.stdout)

    status = _master_status()
    apps = [a for a in status["completedapps"] + status["activeapps"] if a["name"] == app]
    assert len(apps) == 1, [a["name"] for a in status["completedapps"] + status["activeapps"]]
    assert apps[0]["cores"] >= 1 or apps[0]["state"] == "FINISHED"
    assert status["aliveworkers"] >= 1

    with Warehouse(tmp_path / "wh", read_only=True) as wh:
        duck = compute(
            wh,
            years=list(range(2012, 2024)),
            counting="fractional",
            by=["region_code"],
            engine="duckdb",
        )
    # JSON floats round-trip exactly (shortest repr), so equal text means equal bits.
    expected = json.loads(json.dumps(duck.to_json_dict(), ensure_ascii=False, default=str))
    assert len(expected["rows"]) > 100
    assert on_cluster["rows"] == expected["rows"]
    assert on_cluster["meta"]["engine"] == "spark"
    assert on_cluster["meta"]["vintage"] == expected["meta"]["vintage"]
    assert on_cluster["meta"]["data"]["uri"] == str(data)


def test_a_refused_dataset_never_reaches_the_cluster(tmp_path: Path) -> None:
    _random_warehouse(tmp_path / "wh").close()
    data = tmp_path / "dataset"
    assert main(["export", "--to", str(data), "--warehouse", str(tmp_path / "wh")]) == 0
    next(data.rglob("*.parquet")).unlink()
    app = f"ipcity-test-{uuid.uuid4().hex[:8]}"
    run = _indicators_on_cluster(tmp_path, app)
    assert run.returncode == 1
    assert run.stderr.startswith("error: dataset ") and "missing file" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    status = _master_status()
    assert app not in [a["name"] for a in status["completedapps"] + status["activeapps"]]
