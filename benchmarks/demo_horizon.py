"""Benchmark: what trimming the demo's data to its day (``ipcity.demo.horizon``) costs the build.

``ipcity demo`` generates the sample city and the world sample, ingests them, then trims the
warehouse to the demo's day. In the same run, from the same generated files, this times the
ingest (the demo before the trim: the baseline) and the trim after it, and prints both with
the rows before and after. Generation is the same on both sides and timed once.

    ./run bench demo_horizon [--scale 1] [--repeat 1]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from ipcity.clusters.sample import generate_world_sample
from ipcity.demo.command import DEMO_TODAY
from ipcity.demo.horizon import cut_at
from ipcity.samplecity import generate
from ipcity.warehouse.ingest import ingest
from ipcity.warehouse.store import Warehouse

SEED = 20230101  # ipcity demo's default


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="demo-horizon-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        generate(root / "city", scale=args.scale, seed=SEED)
        generate_world_sample(root / "world", seed=SEED)
        print(f"generated (scale {args.scale:g}) in {time.perf_counter() - started:.1f} s")
        print("run  ingest s (baseline)  trim s  trim/ingest  patents before -> after")
        for run in range(1, args.repeat + 1):
            directory = root / f"wh{run}"
            with Warehouse(directory) as wh:
                started = time.perf_counter()
                ingest(wh, [root / "city"])
                ingest(wh, [root / "world"])
                ingest_s = time.perf_counter() - started
                before = wh.count("patents")
                started = time.perf_counter()
                cut_at(wh, DEMO_TODAY)
                wh.con.execute("CHECKPOINT")
                trim_s = time.perf_counter() - started
                after = wh.count("patents")
            print(
                f"{run:>3}  {ingest_s:>19.1f}  {trim_s:>6.2f}  {trim_s / ingest_s:>10.1%}"
                f"  {before:,} -> {after:,}"
            )
            shutil.rmtree(directory)


if __name__ == "__main__":
    main()
