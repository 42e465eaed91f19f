"""Scale sweep (issue 14): ingest and the indicators at growing sizes, on DuckDB, Spark local mode
and a Spark standalone cluster on loopback, measured in the same run.

For each size (millions of patents) the script
  1. generates the sample city as canonical CSV (``ipcity.samplecity``; reused when present),
  2. ingests it into a fresh warehouse (``ipcity.warehouse.ingest``): time and peak RSS,
  3. exports the dataset (``ipcity export``): time,
  4. computes all indicators x all years x every district (``compute(wh, by=["region_code"])``)
     on each engine, each in its own subprocess: time (session start, dataset check and query
     apart) and peak RSS of the process tree (the driver JVM included; for the cluster also the
     master, worker and executor JVMs),
  5. checks that every engine's rows equal DuckDB's (a hash of the rows; fails otherwise).

Engines: ``duckdb``, ``spark-local`` (on the partitioned dataset), ``spark-local-flat`` (on the
warehouse's flat Parquet export, to measure what the partitioning buys), ``spark-cluster``.

    ./run bench scale --sizes 1,3 --engines duckdb,spark-local,spark-local-flat,spark-cluster \\
        [--duckdb-memory-limit 6GB] [--duckdb-temp-directory DIR] [--work DIR] [--plot SVG]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parent.parent
SAMPLE_PATENTS_PER_SCALE = 1_783_088  # the sample city at scale 1 (docs/benchmarks.md)
ENGINES = ("duckdb", "spark-local", "spark-local-flat", "spark-cluster")

# One engine run: compute everything, report phases and a hash of the rows.
COMPUTE = r"""
import hashlib, json, os, sys, time
t0 = time.perf_counter()
from ipcity.indicators import compute
from ipcity.indicators.dataset import dataset_for
from ipcity.indicators.engines import spark_session
from ipcity.indicators.spark_settings import SparkSettings
from ipcity.warehouse.store import Warehouse
args = json.loads(sys.argv[1])
phases = {"import": time.perf_counter() - t0}
with Warehouse(args["warehouse"], read_only=True) as wh:
    spark = None
    if args["engine"] == "spark":
        spark = SparkSettings.resolve(master=args["master"], conf=args["conf"])
        t = time.perf_counter()
        spark_session(spark)
        phases["spark_session"] = time.perf_counter() - t
    if args.get("data"):
        t = time.perf_counter(); dataset_for(args["data"], "spark", wh)
        phases["dataset_check"] = time.perf_counter() - t
    t = time.perf_counter()
    result = compute(
        wh, by=["region_code"], engine=args["engine"], data=args.get("data"), spark=spark
    )
    phases["compute"] = time.perf_counter() - t
rows = json.dumps(result.table.to_pylist(), sort_keys=True, default=str)
digest = hashlib.sha256(rows.encode()).hexdigest()
total = time.perf_counter() - t0
print(json.dumps({"phases": phases, "rows": result.table.num_rows, "hash": digest, "total": total}))
"""

INGEST = r"""
import json, sys, time
from pathlib import Path
from ipcity.warehouse.ingest import ingest
from ipcity.warehouse.store import Warehouse
t = time.perf_counter()
with Warehouse(sys.argv[2]) as wh:
    report = ingest(wh, [Path(sys.argv[1])])
    counts = {t: wh.count(t) for t in ("patents", "parties")}
failed = [f.path for f in report.files if f.status == "failed"]
print(json.dumps({"seconds": time.perf_counter() - t, "counts": counts, "failed": failed}))
"""


DUCKDB_ENV: dict[str, str] = {}  # IPCITY_DUCKDB_MEMORY_LIMIT / _TEMP_DIRECTORY from the options


def _env() -> dict[str, str]:
    src = str(REPO / "src")
    return {
        **os.environ,
        **DUCKDB_ENV,
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
        "PYSPARK_PYTHON": sys.executable,
        "SPARK_LOCAL_IP": "127.0.0.1",
    }


class PeakRss:
    """Samples the summed RSS and the CPU time (user + system) of some process trees every
    50 ms. CPU time is the steadier figure on a shared machine: wall seconds also count the
    time other work held the cores. Processes alive at the start (a cluster's master and
    worker) count only the CPU they spend after it."""

    def __init__(self, roots: list[int]) -> None:
        self.roots, self.peak, self._stop = roots, 0, threading.Event()
        self._cpu: dict[int, float] = {}
        self._start: dict[int, float] = {}
        for p in self._tree():
            self._start[p.pid] = self._cpu_of(p)
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _cpu_of(p: psutil.Process) -> float:
        try:
            t = p.cpu_times()
        except psutil.Error:
            return 0.0
        return float(t.user + t.system)

    def _tree(self) -> list[psutil.Process]:
        procs: list[psutil.Process] = []
        for pid in self.roots:
            try:
                proc = psutil.Process(pid)
                procs += [proc, *proc.children(recursive=True)]
            except psutil.Error:
                continue
        return procs

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for p in self._tree():
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    continue
                self._cpu[p.pid] = max(self._cpu.get(p.pid, 0.0), self._cpu_of(p))
            self.peak = max(self.peak, total)
            time.sleep(0.05)

    @property
    def cpu_seconds(self) -> float:
        return sum(c - self._start.get(pid, 0.0) for pid, c in self._cpu.items())

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_measured(argv: list[str], extra_roots: list[int] = ()) -> tuple[dict[str, Any], int]:  # type: ignore[assignment]
    """Runs one measured job; its JSON result gains ``cpu_seconds`` (the process trees')."""
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env()
    )
    with PeakRss([proc.pid, *extra_roots]) as rss:
        out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(argv[:3])}...\n{err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["cpu_seconds"] = rss.cpu_seconds
    return result, rss.peak


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LoopbackCluster:
    """A standalone master and one worker from the PySpark package, like ``./run test``."""

    def __init__(self, cores: int, memory: str) -> None:
        import pyspark

        self.home = Path(pyspark.__file__).parent
        self.port, self.ui = _free_port(), _free_port()
        self.cores, self.memory = cores, memory
        self.procs: list[subprocess.Popen[bytes]] = []
        self.start_seconds = 0.0

    @property
    def master(self) -> str:
        return f"spark://127.0.0.1:{self.port}"

    def _status(self) -> dict[str, Any] | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.ui}/json/", timeout=2) as r:
                doc: dict[str, Any] = json.load(r)
                return doc
        except OSError:
            return None

    def _wait(self, workers: int) -> None:
        for _ in range(240):
            doc = self._status()
            if doc and doc.get("aliveworkers", 0) >= workers:
                return
            time.sleep(0.5)
        raise SystemExit("the loopback Spark cluster did not start")

    def __enter__(self) -> LoopbackCluster:
        t = time.perf_counter()
        env = {**_env(), "SPARK_DAEMON_MEMORY": "256m"}
        log = (Path(tempfile.gettempdir()) / f"ipcity-scale-spark-{self.port}.log").open("wb")
        cls = str(self.home / "bin" / "spark-class")
        self.procs.append(
            subprocess.Popen(
                [
                    cls,
                    "org.apache.spark.deploy.master.Master",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--webui-port",
                    str(self.ui),
                ],
                env=env,
                stdout=log,
                stderr=log,
            )
        )
        self._wait(0)
        self.procs.append(
            subprocess.Popen(
                [
                    cls,
                    "org.apache.spark.deploy.worker.Worker",
                    self.master,
                    "--host",
                    "127.0.0.1",
                    "--cores",
                    str(self.cores),
                    "--memory",
                    self.memory,
                    "--webui-port",
                    "0",
                    "--work-dir",
                    tempfile.mkdtemp(prefix="ipcity-scale-worker-"),
                ],
                env=env,
                stdout=log,
                stderr=log,
            )
        )
        self._wait(1)
        self.start_seconds = time.perf_counter() - t
        return self

    def __exit__(self, *exc: object) -> None:
        for p in self.procs:
            p.send_signal(signal.SIGTERM)
        for p in self.procs:
            p.wait(timeout=60)


def generate(data: Path, millions: float) -> int:
    """Sample-city CSV with about ``millions`` M patents; returns the patents written."""
    stamp = data.parent / "csv-patents.txt"  # beside the CSV: ingest reads the whole folder
    if stamp.exists():
        return int(stamp.read_text())
    from ipcity.samplecity import generate as gen

    s = gen(data, scale=millions * 1e6 / SAMPLE_PATENTS_PER_SCALE, fmt="csv", overwrite=True)
    stamp.write_text(str(s.rows["patents"]))
    return int(s.rows["patents"])


def _ingest_and_export(
    millions: float, patents: int, data: Path, wh: Path, ds: Path
) -> dict[str, Any]:
    """A fresh warehouse from the CSV and its exported dataset: times and peak memory."""
    if wh.exists():
        import shutil

        shutil.rmtree(wh)
    ing, ing_rss = run_measured([sys.executable, "-c", INGEST, str(data), str(wh)])
    if ing["failed"]:
        raise SystemExit(f"ingest failed: {ing['failed']}")
    print(f"[{millions:g}M] ingest {ing['seconds']:.1f} s, {ing_rss / 1e9:.2f} GB", flush=True)
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "ipcity.cli", "export", "--to", str(ds), "--warehouse", str(wh)],
        check=True,
        env=_env(),
        capture_output=True,
    )
    return {
        "patents": patents,
        "parties": ing["counts"]["parties"],
        "ingest_seconds": ing["seconds"],
        "ingest_peak": ing_rss,
        "export_seconds": time.perf_counter() - t,
        "dataset_bytes": sum(f.stat().st_size for f in ds.rglob("*") if f.is_file()),
        "engines": {},
    }


def _reused(args: argparse.Namespace, patents: int, wh: Path, ds: Path) -> dict[str, Any] | None:
    """With ``--reuse RESULTS``: keep the warehouse and dataset an earlier run of this size
    built (its ingest and export figures are copied from RESULTS), and time the engines only."""
    if args.reuse is None or not wh.exists() or not (ds / "_ipcity_manifest.json").exists():
        return None
    earlier = json.loads(args.reuse.read_text())
    for size in earlier["sizes"]:
        if size["patents"] == patents:
            return {
                **{k: v for k, v in size.items() if k != "engines"},
                "engines": {},
                "reused": True,
            }
    raise SystemExit(f"{args.reuse} has no run of {patents:,} patents to reuse")


def sweep_size(
    millions: float, args: argparse.Namespace, cluster: LoopbackCluster | None
) -> dict[str, Any]:
    work = args.work / f"{millions:g}M"
    data = work / "csv"
    data.mkdir(parents=True, exist_ok=True)
    patents = generate(data, millions)
    wh = work / "warehouse"
    ds = work / "dataset"
    size = _reused(args, patents, wh, ds)
    if size is None:
        size = _ingest_and_export(millions, patents, data, wh, ds)
    base_conf = [
        f"spark.driver.memory={args.spark_driver_memory}",
        f"spark.sql.shuffle.partitions={args.shuffle_partitions}",
    ]
    for engine in args.engines:
        job: dict[str, Any] = {"warehouse": str(wh)}
        roots: list[int] = []
        if engine == "duckdb":
            job |= {"engine": "duckdb"}
        elif engine in ("spark-local", "spark-local-flat"):
            job |= {"engine": "spark", "master": args.spark_local_master, "conf": base_conf}
            if engine == "spark-local":
                job["data"] = str(ds)
        else:
            assert cluster is not None
            job |= {
                "engine": "spark",
                "master": cluster.master,
                "data": str(ds),
                "conf": [
                    *base_conf,
                    f"spark.executor.memory={args.executor_memory}",
                    f"spark.cores.max={args.cluster_cores}",
                    f"spark.app.name=ipcity-scale-{millions:g}M",
                ],
            }
            roots = [p.pid for p in cluster.procs]
        load = os.getloadavg()[0]
        out, peak = run_measured([sys.executable, "-c", COMPUTE, json.dumps(job)], roots)
        out["peak"], out["load_at_start"] = peak, load
        size["engines"][engine] = out
        print(
            f"[{millions:g}M] {engine}: {out['total']:.1f} s ({json.dumps(out['phases'])}), "
            f"{peak / 1e9:.2f} GB, {out['rows']:,} rows",
            flush=True,
        )
    hashes = {e: r["hash"] for e, r in size["engines"].items()}
    if len(set(hashes.values())) > 1:
        raise SystemExit(f"engines disagree at {millions:g}M: {hashes}")
    return size


def plot(results: dict[str, Any], path: Path) -> None:
    """Time, CPU per million patents and peak memory against size. Ingest is drawn only for
    sizes this run ingested (a reused size's ingest ran in another run, at another load)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results["sizes"], key=lambda s: s["patents"])
    fig, (ax_t, ax_c, ax_m) = plt.subplots(1, 3, figsize=(14, 4))
    ingested = [s for s in sizes if not s.get("reused")]
    series: list[tuple[str, list[dict[str, Any]], list[float], list[float], list[float]]] = []
    if len(ingested) > 1:
        series.append(
            (
                "ingest",
                ingested,
                [s["ingest_seconds"] for s in ingested],
                [],
                [s["ingest_peak"] for s in ingested],
            )
        )
    engines = dict.fromkeys(e for s in sizes for e in s["engines"])
    for engine in engines:
        have = [s for s in sizes if engine in s["engines"]]  # a run may skip an engine
        runs = [s["engines"][engine] for s in have]
        cpu = [r["cpu_seconds"] for r in runs] if all("cpu_seconds" in r for r in runs) else []
        series.append(
            (
                f"compute: {engine}",
                have,
                [r["total"] for r in runs],
                cpu,
                [r["peak"] for r in runs],
            )
        )
    for name, have, secs, cpu, peaks in series:
        xs = [s["patents"] / 1e6 for s in have]
        ax_t.plot(xs, secs, marker="o", label=name)
        if cpu:
            ax_c.plot(xs, [c / x for c, x in zip(cpu, xs, strict=True)], marker="o", label=name)
        ax_m.plot(xs, [p / 1e9 for p in peaks], marker="o", label=name)
    ax_t.set(xlabel="patents (millions)", ylabel="wall seconds", title="time")
    ax_c.set(
        xlabel="patents (millions)",
        ylabel="CPU seconds per million patents",
        title="CPU per million (growth)",
    )
    ax_m.set(xlabel="patents (millions)", ylabel="peak RSS (GB)", title="peak memory")
    for ax in (ax_t, ax_c, ax_m):
        ax.set_xscale("log")
    ax_t.set_yscale("log")
    ax_t.legend(fontsize=7)
    fig.suptitle("ipcity scale sweep (" + results["machine"] + ")", fontsize=9)
    fig.tight_layout()
    fig.savefig(path)


def markdown(results: dict[str, Any]) -> str:
    """The docs/benchmarks.md tables of a results file."""
    lines = [
        "| patents | parties rows | ingest s | ingest s/M | ingest peak GB | export s | "
        "dataset MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in results["sizes"]:
        m = s["patents"] / 1e6
        lines.append(
            f"| {s['patents']:,} | {s['parties']:,} | {s['ingest_seconds']:.1f} | "
            f"{s['ingest_seconds'] / m:.1f} | {s['ingest_peak'] / 1e9:.2f} | "
            f"{s['export_seconds']:.1f} | {s['dataset_bytes'] / 1e6:,.0f} |"
        )
    lines += [
        "",
        "| patents | engine | total s | s/M | CPU s | CPU s/M | session s | dataset check s | "
        "compute s | peak GB | x DuckDB | x DuckDB CPU | rows |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: |",
    ]
    for s in results["sizes"]:
        m = s["patents"] / 1e6
        duck = s["engines"].get("duckdb", {}).get("total")
        duck_cpu = s["engines"].get("duckdb", {}).get("cpu_seconds")
        for engine, r in s["engines"].items():
            ph = r["phases"]
            ratio = f"{r['total'] / duck:.1f}" if duck else "-"
            cpu = r.get("cpu_seconds")  # runs before CPU was recorded have none
            cpu_cells = f"{cpu:.1f} | {cpu / m:.1f}" if cpu is not None else "- | -"
            cpu_ratio = f"{cpu / duck_cpu:.1f}" if cpu is not None and duck_cpu else "-"
            lines.append(
                f"| {s['patents']:,} | {engine} | {r['total']:.1f} | {r['total'] / m:.1f} | "
                f"{cpu_cells} | {ph.get('spark_session', 0):.1f} | "
                f"{ph.get('dataset_check', 0):.2f} | {ph['compute']:.1f} | "
                f"{r['peak'] / 1e9:.2f} | {ratio} | {cpu_ratio} | {r['rows']:,} |"
            )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="1", help="millions of patents, comma-separated (1,10,30)")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--work", type=Path, default=REPO / "bench-data" / "scale")
    ap.add_argument(
        "--duckdb-memory-limit", default=None, help="e.g. 6GB (DuckDB SET memory_limit)"
    )
    ap.add_argument(
        "--duckdb-temp-directory", default=None, help="spill directory (SET temp_directory)"
    )
    ap.add_argument("--spark-local-master", default="local[2]")
    ap.add_argument("--spark-driver-memory", default="4g")
    ap.add_argument("--shuffle-partitions", type=int, default=16)
    ap.add_argument("--cluster-cores", type=int, default=2)
    ap.add_argument("--cluster-memory", default="4g", help="the worker's memory")
    ap.add_argument("--executor-memory", default="3g")
    ap.add_argument(
        "--results", type=Path, default=None, help="JSON file (default: WORK/results.json)"
    )
    ap.add_argument(
        "--reuse",
        type=Path,
        default=None,
        help="results JSON of an earlier run: keep its warehouse and dataset (same --work), "
        "copy its ingest figures, and time the engines only",
    )
    ap.add_argument("--plot", type=Path, default=REPO / "docs" / "scale.svg")
    ap.add_argument(
        "--report",
        type=Path,
        nargs="+",
        default=None,
        help="merge results files (runs of different sizes), plot them to --plot, print the "
        "tables, and stop",
    )
    args = ap.parse_args()
    if args.report:
        runs = [json.loads(f.read_text()) for f in args.report]
        merged = {**runs[0], "sizes": [s for r in runs for s in r["sizes"]]}
        merged["machine"] = " / ".join(dict.fromkeys(r["machine"] for r in runs))  # loads differ
        plot(merged, args.plot)
        print(markdown(merged))
        return
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(args.engines) - set(ENGINES)
    if unknown:
        raise SystemExit(f"unknown engines {sorted(unknown)} (valid: {', '.join(ENGINES)})")
    sizes = [float(s) for s in args.sizes.split(",")]
    if args.duckdb_memory_limit:
        DUCKDB_ENV["IPCITY_DUCKDB_MEMORY_LIMIT"] = args.duckdb_memory_limit
    if args.duckdb_temp_directory:
        DUCKDB_ENV["IPCITY_DUCKDB_TEMP_DIRECTORY"] = args.duckdb_temp_directory
    machine = (
        f"{platform.machine()}, {psutil.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GB, load {os.getloadavg()[0]:.1f}"
    )
    results: dict[str, Any] = {
        "machine": machine,
        "engines": args.engines,
        "sizes": [],
        "settings": {k: str(v) for k, v in vars(args).items()},
    }
    cluster: LoopbackCluster | None = None
    if "spark-cluster" in args.engines:
        cluster = LoopbackCluster(args.cluster_cores, args.cluster_memory).__enter__()
        results["cluster_start_seconds"] = cluster.start_seconds
        print(f"cluster {cluster.master} up in {cluster.start_seconds:.1f} s", flush=True)
    try:
        for m in sizes:
            results["sizes"].append(sweep_size(m, args, cluster))
            path = args.results or args.work / "results.json"
            path.write_text(json.dumps(results, indent=2))
    finally:
        if cluster is not None:
            cluster.__exit__()
    plot(results, args.plot)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
