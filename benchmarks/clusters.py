"""Benchmark: weighted DBSCAN on unique coordinates vs scikit-learn's DBSCAN on raw points.

    .venv/bin/python benchmarks/clusters.py [--sizes 100000,250000,...] [--sklearn-budget N]
                                             [--end-to-end]

Inventor records come from the synthetic world sample (``clusters.sample.world_points``):
records placed at their place's seat (addresses) or at their own coordinates rounded to 0.01
degree (25 % of records), fractional counts 1/k. Both methods get the same points, the same
radius (15 km, the default) and the same minimum weight (0.1 % of the records' total weight,
rounded to a whole number because scikit-learn only takes an integer ``min_samples``).

scikit-learn materialises every raw point's neighbour list, so its memory grows with the number
of raw neighbour pairs. The pair count is computed exactly from the unique points (sum over
unique points of count x neighbours' count); scikit-learn runs only where the pairs fit in
``--sklearn-budget`` (default 2.5e8 pairs, about 2 GB of indices). Beyond it its time is
extrapolated in proportion to the pairs from the largest measured size (its cost is dominated
by producing and walking the neighbour lists), and the table says so.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import psutil
from sklearn.cluster import DBSCAN

from ipcity.clusters.dbscan import collapse, dbscan_points, neighbour_graph
from ipcity.clusters.sample import world_points
from ipcity.clusters.sphere import EARTH_RADIUS_KM

RADIUS_KM = 15.0
RECORDS_PER_APPLICATION = 2.7  # mean inventors per application in the sample (1 + Poisson 1.7)


def raw_pairs(lat: np.ndarray, lon: np.ndarray) -> int:
    """Number of (raw point, raw neighbour) pairs scikit-learn would list."""
    u = collapse(lat, lon, np.ones(len(lat)))
    graph = neighbour_graph(u.lat, u.lon, RADIUS_KM)
    counts = u.weight  # raw points per unique coordinate
    return int(counts @ (graph @ counts))


def bench(n_records: int, budget: float, seed: int) -> dict[str, object]:
    pts = world_points(round(n_records / RECORDS_PER_APPLICATION), seed=seed)
    lat, lon, w = pts.latitude, pts.longitude, pts.weight
    min_weight = max(1, round(0.001 * float(w.sum())))
    gc.collect()
    t0 = time.perf_counter()
    labels, unique, result = dbscan_points(lat, lon, w, radius_km=RADIUS_KM, min_weight=min_weight)
    ours = time.perf_counter() - t0
    row: dict[str, object] = {
        "records": len(lat),
        "unique": len(unique),
        "clusters": result.n_clusters,
        "min_weight": min_weight,
        "ours_s": round(ours, 3),
    }
    pairs = raw_pairs(lat, lon)
    row["raw_pairs"] = pairs
    if pairs <= budget:
        gc.collect()
        rss0 = psutil.Process().memory_info().rss
        t0 = time.perf_counter()
        model = DBSCAN(
            eps=RADIUS_KM / EARTH_RADIUS_KM,
            min_samples=min_weight,
            metric="haversine",
            algorithm="ball_tree",
        )
        sk = model.fit(np.radians(np.column_stack([lat, lon])), sample_weight=w).labels_
        row["sklearn_s"] = round(time.perf_counter() - t0, 3)
        row["sklearn_rss_gb"] = round((psutil.Process().memory_info().rss - rss0) / 1e9, 2)
        row["identical_labels"] = bool(np.array_equal(sk, labels))
        del model, sk
        gc.collect()
    return row


def end_to_end(n_records: int, seed: int, workdir: Path) -> dict[str, object]:
    """Generate, ingest and run ``ipcity clusters`` on a warehouse of ``n_records`` inventors."""
    from ipcity.clusters.engine import Options, run
    from ipcity.clusters.sample import generate_world_sample
    from ipcity.warehouse.ingest import ingest
    from ipcity.warehouse.store import Warehouse

    shutil.rmtree(workdir, ignore_errors=True)  # a fresh warehouse: the ingest is timed too
    scale = n_records / RECORDS_PER_APPLICATION / 30_000
    t0 = time.perf_counter()
    s = generate_world_sample(
        workdir / "files", seed=seed, scale=scale, fmt="parquet", publications=False
    )
    gen = time.perf_counter() - t0
    with Warehouse(workdir / "wh") as wh:
        t0 = time.perf_counter()
        ingest(wh, [s.files["patents"], s.files["parties"]])
        ing = time.perf_counter() - t0
    with Warehouse(workdir / "wh", read_only=True) as wh:
        t0 = time.perf_counter()
        report = run(wh, Options())
        total = time.perf_counter() - t0
    return {
        "inventor_records": s.inventor_records,
        "generate_s": round(gen, 1),
        "ingest_s": round(ing, 1),
        "clusters_command_s": round(total, 1),
        "window_records": report.geocoding.records,
        "located_rate": round(report.geocoding.rate, 4),
        "top3": [c.name for c in report.current.clusters[:3]],
    }


def print_table(rows: list[dict[str, object]]) -> None:
    measured = [r for r in rows if "sklearn_s" in r]
    per_pair = (
        float(str(measured[-1]["sklearn_s"])) / int(str(measured[-1]["raw_pairs"]))
        if measured
        else None
    )
    print(
        "\n| records | unique coords | clusters | ours (s) | scikit-learn raw (s) | speed-up | "
        "identical labels | raw neighbour pairs |"
    )
    print("|---:|---:|---:|---:|---:|---:|:---:|---:|")
    for r in rows:
        pairs = int(str(r["raw_pairs"]))
        if "sklearn_s" in r:
            sk, note = float(str(r["sklearn_s"])), ""
        elif per_pair is not None:
            sk, note = per_pair * pairs, " (extrapolated)"
        else:
            sk, note = float("nan"), " (not run)"
        speed = sk / float(str(r["ours_s"]))
        same = (
            {True: "yes", False: "NO"}.get(bool(r["identical_labels"]), "–")
            if ("identical_labels" in r)
            else "–"
        )
        print(
            f"| {r['records']:,} | {r['unique']:,} | {r['clusters']} | {r['ours_s']} | "
            f"{sk:,.1f}{note} | {speed:,.0f}x | {same} | {pairs:,} |"
        )


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="25000,50000,100000,250000,500000,1000000,2000000")
    ap.add_argument("--sklearn-budget", type=float, default=2.5e8)
    ap.add_argument("--seed", type=int, default=2023)
    ap.add_argument("--end-to-end", type=int, default=0, help="records for a full run (0: skip)")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/ipcity-bench-clusters"))
    args = ap.parse_args(argv)
    print(
        f"# {platform.processor() or platform.machine()}, {psutil.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}",
        flush=True,
    )
    rows = []
    for n in (int(x) for x in args.sizes.split(",") if x.strip()):
        row = bench(n, args.sklearn_budget, args.seed)
        rows.append(row)
        print(json.dumps(row), flush=True)
    if rows:
        print_table(rows)
    if args.end_to_end:
        print(json.dumps(end_to_end(args.end_to_end, args.seed, args.workdir)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
