"""Where the Spark engine runs: options over IPCITY_SPARK_* over local mode, and pass-through
Spark configuration from a properties file and --spark-conf."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipcity.cli import main
from ipcity.errors import IpcityError
from ipcity.indicators.spark_settings import SparkSettings


@pytest.fixture(autouse=True)
def _no_spark_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("IPCITY_SPARK_MASTER", "IPCITY_SPARK_REMOTE", "IPCITY_SPARK_PROPERTIES"):
        monkeypatch.delenv(name, raising=False)


def test_local_mode_is_the_default() -> None:
    s = SparkSettings.resolve()
    assert (s.master, s.remote, s.conf, s.is_local) == ("local[2]", None, (), True)
    assert s.app_name == "ipcity-indicators"


@pytest.mark.parametrize(
    "master",
    [
        "local",
        "local[8]",
        "local[*]",
        "local[4,2]",
        "spark://10.0.0.5:7077",
        "spark://m1:7077,m2:7077",
        "yarn",
        "k8s://https://k8s.example:6443",
    ],
)
def test_every_kind_of_master_is_accepted(master: str) -> None:
    s = SparkSettings.resolve(master=master)
    assert s.master == master and s.is_local == master.startswith("local")


@pytest.mark.parametrize("master", ["local[0]", "spark:/x", "mesos://m:5050", "yarn-client", ""])
def test_a_wrong_master_is_one_clear_line(master: str) -> None:
    if not master:
        assert SparkSettings.resolve(master=master).master == "local[2]"
        return
    with pytest.raises(IpcityError, match=r"invalid Spark master .* \(valid: local\[N\]"):
        SparkSettings.resolve(master=master)


def test_options_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPCITY_SPARK_MASTER", "yarn")
    assert SparkSettings.resolve().master == "yarn"
    assert SparkSettings.resolve(master="local[3]").master == "local[3]"


def test_spark_connect_is_a_remote_not_a_master(monkeypatch: pytest.MonkeyPatch) -> None:
    s = SparkSettings.resolve(remote="sc://spark.example:15002")
    assert s.remote == "sc://spark.example:15002" and not s.is_local and s.target == s.remote
    with pytest.raises(IpcityError, match="invalid Spark Connect address"):
        SparkSettings.resolve(remote="http://spark.example:15002")
    monkeypatch.setenv("IPCITY_SPARK_REMOTE", "sc://spark.example:15002")
    with pytest.raises(IpcityError, match="not both"):
        SparkSettings.resolve(master="yarn")


def test_conf_pairs_override_the_properties_file(tmp_path: Path) -> None:
    props = tmp_path / "spark-defaults.conf"
    props.write_text(
        "# cluster defaults\n"
        "spark.executor.memory   4g\n"
        "spark.executor.cores=2\n"
        "! also a comment\n\n"
        "spark.hadoop.fs.s3a.endpoint http://minio:9000\n"
    )
    s = SparkSettings.resolve(
        conf=["spark.executor.memory=8g", "spark.app.name=national run"], properties=props
    )
    assert dict(s.conf) == {
        "spark.executor.memory": "8g",
        "spark.executor.cores": "2",
        "spark.hadoop.fs.s3a.endpoint": "http://minio:9000",
        "spark.app.name": "national run",
    }
    assert s.app_name == "national run"


def test_the_properties_file_can_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    props = tmp_path / "p.conf"
    props.write_text("spark.sql.shuffle.partitions 400\n")
    monkeypatch.setenv("IPCITY_SPARK_PROPERTIES", str(props))
    assert dict(SparkSettings.resolve().conf) == {"spark.sql.shuffle.partitions": "400"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--spark-conf", "spark.executor.memory"], "--spark-conf needs key=value"),
        (["--spark-conf", "executor.memory=2g"], "is not a Spark property"),
        (["--spark-conf", "spark.executor.memory="], "spark.executor.memory has no value"),
        (["--spark-master", "spark//x"], "invalid Spark master 'spark//x'"),
        (["--spark-properties", "/nonexistent/spark.conf"], "cannot read Spark properties file"),
    ],
)
def test_cli_errors_are_one_line(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(["indicators", "--engine", "spark", "--warehouse", str(tmp_path), *args])
    err = capsys.readouterr().err.strip()
    assert rc == 1 and message in err and "\n" not in err, err


def test_a_bad_properties_line_names_the_line(tmp_path: Path) -> None:
    props = tmp_path / "p.conf"
    props.write_text("spark.a 1\nnot-spark 2\n")
    with pytest.raises(IpcityError, match=r"p.conf:2: 'not-spark' is not a Spark property"):
        SparkSettings.resolve(properties=props)
