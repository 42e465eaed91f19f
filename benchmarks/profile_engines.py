"""Where each engine's time goes (issue 14, scope item 4): query profiles of ``compute()``.

``compute(wh, by=["region_code"])`` runs a few small queries (the data's years, the award names
of the high-value criteria) and one big one: ``counts()`` (ipcity.indicators.expressions), the
union of a flow branch (applicants joined to patents, grouped, unpivoted to the four flow
indicators) and a stock branch (owners, else applicants, joined to the invention patents in
force, +k/-k events summed per year) for every counted indicator at once. This script runs, on
each engine in its own subprocess, on an existing warehouse (read only) and exported dataset:

1. the phases of ``compute`` one by one, as ``compute`` runs them: ``data_years``,
   ``criteria_inputs``, ``counts_all`` (the one big query, every counted indicator);
2. the same ``counts()`` query for the flow branch alone (``flow_branch``), the stock branch
   alone (``stock_branch``), and each counted indicator alone (``Plan.counted = (i,)``): what
   each indicator's execution costs (the sum exceeds ``counts_all``: alone, each repeats the
   join its branch shares with the others). Spark runs only ``--spark-indicators`` alone (on a
   loaded machine every Spark query takes minutes at 10 M);
3. DuckDB only: for the costliest indicators (``--operators N``) and for ``counts_all``, or
   for the queries named by ``--profile``,
   DuckDB's own operator profile (``PRAGMA enable_profiling='json'`` on the warehouse
   connection, the query Ibis compiles): time per operator type (HASH_JOIN, HASH_GROUP_BY,
   TABLE_SCAN, ...), summed over the plan, with the largest single operators;
4. Spark only: Spark's own records, from its event log (``spark.eventLog.enabled`` to a temp
   directory, JSON lines parsed afterwards): per phase the jobs, stages and tasks, the sum of
   task run times and task CPU times against the phase's wall time, how many stages took under
   100 ms, the shuffle bytes written and the input bytes read.

Every phase records wall seconds and the CPU seconds of the process tree (the Spark driver JVM
included), and the 1-minute load average at its start: the machine may be shared, so compare
CPU seconds and shares within one run rather than absolute seconds between runs.

    PYTHONPATH=src python benchmarks/profile_engines.py \\
        --warehouse /tmp/ipcity-scale/10M/warehouse --dataset /tmp/ipcity-scale/10M/dataset \\
        --engines duckdb,spark-local [--json out.json] [--operators 3] \\
        [--duckdb-memory-limit 6GB] [--duckdb-temp-directory DIR] \\
        [--spark-master local[2]] [--spark-driver-memory 8g] [--shuffle-partitions 16] \\
        [--spark-indicators ID,...|none] [--queries NAME,...] [--profile NAME,...] [--keep DIR]

``--queries`` times only the named queries (``counts_all``, ``flow_branch``, ``stock_branch``,
indicator ids), ``--profile`` chooses DuckDB's profiled queries, ``--keep DIR`` makes the
temporary directory inside DIR (left behind if the run is stopped, so the event log can still be
read). Each engine's raw figures are also written beside ``--json`` (``OUT.<engine>.raw.json``)
before Spark's log is parsed.

Nothing under ``--warehouse`` or ``--dataset`` is written (the warehouse is opened read only);
the event logs and DuckDB profiles go to a temporary directory that is removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parent.parent
ENGINES = ("duckdb", "spark-local")
SHORT_STAGE_MS = 100

# ----------------------------------------------------------------------------- child


class Phases:
    """Wall and process-tree CPU seconds of named phases (epoch bounds kept for Spark's log)."""

    def __init__(self, progress: str | None = None) -> None:
        self.rows: list[dict[str, Any]] = []
        self.progress = progress
        self._me = psutil.Process()

    def cpu(self) -> float:
        total = 0.0
        for p in [self._me, *self._me.children(recursive=True)]:
            try:
                t = p.cpu_times()
            except psutil.Error:
                continue
            total += t.user + t.system + t.children_user + t.children_system
        return total

    def run(self, name: str, fn: Any) -> Any:
        load = os.getloadavg()[0]
        c0, t0, e0 = self.cpu(), time.perf_counter(), time.time()
        out = fn()
        wall, cpu = time.perf_counter() - t0, self.cpu() - c0
        self.rows.append(
            {"phase": name, "wall": wall, "cpu": cpu, "load": load, "start": e0, "end": time.time()}
        )
        if self.progress:  # what is done so far survives a run stopped early
            Path(self.progress).write_text(json.dumps(self.rows))
        print(f"  {name}: {wall:.1f} s wall, {cpu:.1f} s CPU (load {load:.1f})", file=sys.stderr)
        return out


def child(args: dict[str, Any]) -> dict[str, Any]:
    from ipcity.indicators import api
    from ipcity.indicators.dataset import dataset_for
    from ipcity.indicators.engines import open_tables, spark_session
    from ipcity.indicators.expressions import FLOW_YEAR, STOCK_START, Plan, counts
    from ipcity.indicators.registry import COUNTED
    from ipcity.indicators.spark_settings import SparkSettings
    from ipcity.warehouse.store import Warehouse

    engine = args["engine"]
    phases = Phases(args.get("progress"))
    out: dict[str, Any] = {"engine": engine}
    with Warehouse(args["warehouse"], read_only=True) as wh:
        spark = None
        if engine == "spark":
            spark = SparkSettings.resolve(master=args["master"], conf=args["conf"])
            phases.run("spark_session", lambda: spark_session(spark))
        dataset = dataset_for(args.get("data"), engine, wh)
        cfg = api._definition(None, None)
        _, reg, dims = api._validate(None, None, "ALL", ["region_code"], "first", None, engine)
        office = api._office(None, dims, cfg)
        with open_tables(wh, engine, dataset, spark) as (tables, raw):
            years = phases.run("data_years", lambda: api._data_years(raw))
            inputs = phases.run(
                "criteria_inputs", lambda: api.criteria_inputs(raw, cfg, True, dims)
            )

            def plan(counted: tuple[str, ...]) -> Plan:
                # As compute() builds it for every indicator: the year before the first too.
                return Plan(
                    counted=counted,
                    years=tuple(sorted(set(years) | {y - 1 for y in years})),
                    region=reg,
                    by=dims,
                    counting="first",
                    config=cfg,
                    sei=inputs.concordance,
                    office=office,
                    award_names=inputs.award_names,
                )

            flows = tuple(i for i in COUNTED if i in FLOW_YEAR)
            stocks = tuple(i for i in COUNTED if i in STOCK_START)
            alone = args.get("indicators") or COUNTED  # ["none"]: none alone
            queries = {
                "counts_all": counts(tables, plan(tuple(COUNTED))),
                "flow_branch": counts(tables, plan(flows)),
                "stock_branch": counts(tables, plan(stocks)),
            }
            queries |= {i: counts(tables, plan((i,))) for i in COUNTED if i in alone}
            if args.get("queries"):
                queries = {k: v for k, v in queries.items() if k in args["queries"]}
            rows: dict[str, int] = {}
            for name, expr in queries.items():
                rows[name] = phases.run(name, lambda e=expr: e.to_pyarrow().num_rows)
            out["rows"] = rows
            if engine == "duckdb" and args.get("operators"):
                per = sorted(
                    (r for r in phases.rows if r["phase"] in COUNTED), key=lambda r: -r["cpu"]
                )
                chosen = args.get("profile") or [
                    "counts_all",
                    *(r["phase"] for r in per[: args["operators"]]),
                ]
                out["operators"] = {
                    name: duckdb_profile(wh, queries[name], Path(args["tmp"]) / f"{name}.json")
                    for name in chosen
                }
    out["phases"] = phases.rows
    out["indicators"] = [i for i in COUNTED if i in (args.get("indicators") or COUNTED)]
    return out


def duckdb_profile(wh: Any, expr: Any, path: Path) -> dict[str, Any]:
    """Runs ``expr`` once more with DuckDB's JSON profiler on; sums the operator tree."""
    con = wh.con
    con.execute("PRAGMA enable_profiling='json'")
    con.execute(f"PRAGMA profiling_output='{path}'")
    try:
        t0 = time.perf_counter()
        expr.to_pyarrow()
        wall = time.perf_counter() - t0
    finally:
        con.execute("PRAGMA disable_profiling")
    tree = json.loads(path.read_text())
    by_type: Counter[str] = Counter()
    rows_out: Counter[str] = Counter()
    single: list[tuple[float, str, int, str]] = []

    def walk(node: dict[str, Any]) -> None:
        # DuckDB 2.x: type, timing (seconds, summed over threads), intermediate_rows (rows out)
        name = str(node.get("type") or node.get("operator_type") or "?").strip()
        secs = float(node.get("timing", node.get("operator_timing")) or 0.0)
        rows = int(node.get("intermediate_rows", node.get("operator_cardinality")) or 0)
        if secs:
            by_type[name] += secs
            rows_out[name] += rows
            extra = node.get("extra_info") or {}
            hint = extra.get("Join Type") or extra.get("Groups") or extra.get("Table") or ""
            single.append((secs, name, rows, str(hint)))
        for c in node.get("children") or []:
            walk(c)

    for root in tree.get("operator") or tree.get("children") or []:
        walk(root)
    total = sum(by_type.values())
    single.sort(reverse=True)
    query = tree.get("query") or {}
    system = tree.get("system") or {}
    return {
        "wall": wall,
        "query_seconds": query.get("total_time", tree.get("latency")),
        "cpu_time": query.get("cpu_time", tree.get("cpu_time")),
        "peak_buffer_memory": system.get("peak_buffer_memory"),
        "bytes_spilled": system.get("total_bytes_spilled"),
        "operator_seconds": total,
        "by_type": [
            {"operator": k, "seconds": v, "share": v / total if total else 0.0, "rows": rows_out[k]}
            for k, v in by_type.most_common()
        ],
        "largest": [
            {"operator": n, "seconds": s, "rows": r, "info": i[:120]} for s, n, r, i in single[:8]
        ],
    }


# ----------------------------------------------------------------------------- Spark's log


def spark_events(log_dir: Path, phases: list[dict[str, Any]]) -> dict[str, Any]:
    """Jobs, stages and tasks of each phase (by job submission time within the phase)."""
    # Spark 4 writes a rolling log (eventlog_v2_*/events_N_*) beside .crc checksum files.
    files = [p for p in log_dir.rglob("*") if p.is_file() and not p.name.startswith(".")]
    jobs: dict[int, dict[str, Any]] = {}
    stages: dict[int, dict[str, Any]] = {}
    tasks: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for f in files:
        for line in f.read_text(errors="replace").splitlines():
            try:
                ev = json.loads(line)
            except json.JSONDecodeError:  # a log still being written ends mid-line
                continue
            kind = ev.get("Event")
            if kind == "SparkListenerJobStart":
                jobs[ev["Job ID"]] = {
                    "submitted": ev["Submission Time"],
                    "stages": ev["Stage IDs"],
                    "completed": None,
                }
            elif kind == "SparkListenerJobEnd" and ev["Job ID"] in jobs:
                jobs[ev["Job ID"]]["completed"] = ev.get("Completion Time")
            elif kind == "SparkListenerStageCompleted":
                info = ev["Stage Info"]
                stages[info["Stage ID"]] = {
                    "submitted": info.get("Submission Time"),
                    "completed": info.get("Completion Time"),
                    "tasks": info.get("Number of Tasks"),
                }
            elif kind == "SparkListenerTaskEnd":
                m = ev.get("Task Metrics") or {}
                tasks[ev["Stage ID"]].append(
                    {
                        "run_ms": m.get("Executor Run Time", 0),
                        "cpu_ns": m.get("Executor CPU Time", 0),
                        "deser_ms": m.get("Executor Deserialize Time", 0),
                        "gc_ms": m.get("JVM GC Time", 0),
                        "shuffle_write": (m.get("Shuffle Write Metrics") or {}).get(
                            "Shuffle Bytes Written", 0
                        ),
                        "shuffle_read": sum(
                            (m.get("Shuffle Read Metrics") or {}).get(k, 0)
                            for k in ("Remote Bytes Read", "Local Bytes Read")
                        ),
                        "input": (m.get("Input Metrics") or {}).get("Bytes Read", 0),
                        "spill": m.get("Disk Bytes Spilled", 0),
                    }
                )
    out: dict[str, Any] = {}
    for ph in phases:
        lo, hi = ph["start"] * 1000, ph["end"] * 1000
        mine = [j for j in jobs.values() if lo <= j["submitted"] <= hi]
        stage_ids = {s for j in mine for s in j["stages"] if s in stages}  # skipped ones: absent
        ran = [stages[s] for s in stage_ids if stages[s]["completed"] is not None]
        durations = [s["completed"] - s["submitted"] for s in ran if s["submitted"] is not None]
        ts = [t for s in stage_ids for t in tasks.get(s, [])]
        wall_ms = ph["wall"] * 1000
        run_ms = sum(t["run_ms"] for t in ts)
        # Wall time with no job running: the driver alone (planning, AQE re-planning between
        # jobs, results to Python).
        spans = sorted((j["submitted"], j["completed"] or hi) for j in mine)
        busy, until = 0.0, lo
        for a, b in spans:
            a = max(a, until)
            if b > a:
                busy, until = busy + b - a, b
        out[ph["phase"]] = {
            "jobs": len(mine),
            "stages": len(ran),
            "tasks": len(ts),
            "stages_under_100ms": sum(1 for d in durations if d < SHORT_STAGE_MS),
            "stages_one_task": sum(1 for s in ran if s["tasks"] == 1),
            "no_job_seconds": max(0.0, wall_ms - busy) / 1000,
            "stage_seconds_median": (sorted(durations)[len(durations) // 2] / 1000)
            if durations
            else 0.0,
            "task_run_seconds": run_ms / 1000,
            "task_cpu_seconds": sum(t["cpu_ns"] for t in ts) / 1e9,
            "task_deser_seconds": sum(t["deser_ms"] for t in ts) / 1000,
            "task_gc_seconds": sum(t["gc_ms"] for t in ts) / 1000,
            "task_run_over_wall": run_ms / wall_ms if wall_ms else 0.0,
            "shuffle_write_mb": sum(t["shuffle_write"] for t in ts) / 1e6,
            "shuffle_read_mb": sum(t["shuffle_read"] for t in ts) / 1e6,
            "input_mb": sum(t["input"] for t in ts) / 1e6,
            "spill_mb": sum(t["spill"] for t in ts) / 1e6,
        }
    return out


# ----------------------------------------------------------------------------- parent


def run_engine(engine: str, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    job: dict[str, Any] = {
        "warehouse": str(args.warehouse),
        "tmp": str(tmp),
        "queries": [q for q in (args.queries or "").split(",") if q],
    }
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    events = tmp / "events"
    if engine == "duckdb":
        job |= {
            "engine": "duckdb",
            "operators": args.operators or bool(args.profile),
            "profile": [q for q in (args.profile or "").split(",") if q],
        }
        if args.duckdb_memory_limit:
            env["IPCITY_DUCKDB_MEMORY_LIMIT"] = args.duckdb_memory_limit
        if args.duckdb_temp_directory:
            env["IPCITY_DUCKDB_TEMP_DIRECTORY"] = args.duckdb_temp_directory
    else:
        events.mkdir()
        job |= {
            "engine": "spark",
            "master": args.spark_master,
            "data": str(args.dataset),
            "indicators": [i for i in args.spark_indicators.split(",") if i] or None,
            "progress": str(tmp / "progress.json"),
            "conf": [
                f"spark.driver.memory={args.spark_driver_memory}",
                f"spark.sql.shuffle.partitions={args.shuffle_partitions}",
                "spark.eventLog.enabled=true",
                f"spark.eventLog.dir=file://{events}",
                "spark.eventLog.compress=false",  # JSON lines to read back
            ],
        }
        env |= {"PYSPARK_PYTHON": sys.executable, "SPARK_LOCAL_IP": "127.0.0.1"}
    print(f"{engine}:", file=sys.stderr, flush=True)
    proc = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(job)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode:
        raise SystemExit(f"{engine} failed ({proc.returncode})")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    if args.json:  # kept should the log's parsing fail
        args.json.with_suffix(f".{engine}.raw.json").write_text(json.dumps(result))
    if engine != "duckdb":
        result["spark"] = spark_events(events, result["phases"])
    return result


def report(results: dict[str, Any]) -> None:
    for engine, r in results.items():
        print(f"\n## {engine}")
        counted = [p for p in r["phases"] if p["phase"] in r["indicators"]]
        total_cpu = sum(p["cpu"] for p in counted)
        print("| phase | wall s | CPU s | CPU share of the per-indicator sum | load |")
        for p in r["phases"]:
            share = f"{p['cpu'] / total_cpu:.0%}" if p in counted and total_cpu else ""
            print(
                f"| {p['phase']} | {p['wall']:.1f} | {p['cpu']:.1f} | {share} | {p['load']:.1f} |"
            )
        for name, prof in (r.get("operators") or {}).items():
            print(
                f"\n### DuckDB operators: {name} (operator time {prof['operator_seconds']:.1f} s)"
            )
            print("| operator | seconds | share | rows out |")
            for o in prof["by_type"][:8]:
                print(f"| {o['operator']} | {o['seconds']:.2f} | {o['share']:.0%} | {o['rows']} |")
            for o in prof["largest"][:5]:
                print(f"  largest: {o}")
        if "spark" in r:
            print("\n### Spark event log")
            keys = [
                "jobs",
                "stages",
                "tasks",
                "stages_under_100ms",
                "stages_one_task",
                "stage_seconds_median",
                "no_job_seconds",
                "task_run_seconds",
                "task_cpu_seconds",
                "task_run_over_wall",
                "shuffle_write_mb",
                "input_mb",
                "spill_mb",
            ]
            print("| phase | " + " | ".join(keys) + " |")
            for name, s in r["spark"].items():
                vals = [f"{s[k]:.2f}" if isinstance(s[k], float) else str(s[k]) for k in keys]
                print(f"| {name} | " + " | ".join(vals) + " |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--warehouse", type=Path, help="a warehouse directory (opened read only)")
    ap.add_argument("--dataset", type=Path, help="its exported dataset (read by Spark)")
    ap.add_argument("--engines", default=",".join(ENGINES), help="duckdb,spark-local")
    ap.add_argument("--json", type=Path, help="write every figure to this file")
    ap.add_argument("--operators", type=int, default=3, help="DuckDB profiles of the N costliest")
    ap.add_argument("--duckdb-memory-limit", default="6GB")
    ap.add_argument("--duckdb-temp-directory")
    ap.add_argument("--spark-master", default="local[2]")
    ap.add_argument("--spark-driver-memory", default="8g")
    ap.add_argument("--shuffle-partitions", type=int, default=16)
    ap.add_argument(
        "--spark-indicators",
        default="patent_applications,invention_patents_in_force,high_value_invention_patents",
        help="the counted indicators Spark also runs alone (empty: every one; none: none); "
        "each costs about half of the whole query there",
    )
    ap.add_argument(
        "--queries",
        help="time only these queries (counts_all, flow_branch, stock_branch, indicator ids)",
    )
    ap.add_argument("--profile", help="DuckDB: profile these queries (default: counts_all + N)")
    ap.add_argument("--keep", help="make the temporary directory (event logs) in this one")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return
    if args.warehouse is None:
        ap.error("--warehouse is required")
    engines = [e for e in args.engines.split(",") if e]
    for e in engines:
        if e not in ENGINES:
            ap.error(f"unknown engine {e} (valid: {', '.join(ENGINES)})")
    if "spark-local" in engines and args.dataset is None:
        ap.error("spark-local reads --dataset")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="ipcity-profile-", dir=args.keep) as tmp:
        for engine in engines:
            sub = Path(tmp) / engine
            sub.mkdir()
            results[engine] = run_engine(engine, args, sub)
    record = {
        "warehouse": str(args.warehouse),
        "dataset": str(args.dataset),
        "machine": f"{psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GB",
        "settings": {k: str(v) for k, v in vars(args).items() if k != "child"},
        "engines": results,
    }
    if args.json:
        args.json.write_text(json.dumps(record, indent=1))
    report(results)


if __name__ == "__main__":
    main()
