"""Benchmark: what cutting the demo's data at its day (``ipcity.demo.horizon``) costs the build.

``ipcity demo`` generates the sample city and the world sample, cuts their files at the demo's
day and ingests them. In the same run, from the same generated files (generated once, then
copied), this times the build's data steps both ways:

  * baseline: ingest the files as generated (the demo before the cut);
  * cut: ``cut_at`` the copies, then ingest them.

and prints seconds per step and rows in each warehouse. Generation itself is the same on both
sides and timed once.

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


def _ingest(directory: Path, sources: list[Path]) -> tuple[float, int]:
    started = time.perf_counter()
    with Warehouse(directory) as wh:
        for s in sources:
            ingest(wh, [s])
        n = wh.count("patents")
    return time.perf_counter() - started, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="demo-horizon-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        generate(root / "full" / "city", scale=args.scale, seed=SEED)
        generate_world_sample(root / "full" / "world", seed=SEED)
        generated = time.perf_counter() - started
        print(f"generated (scale {args.scale:g}) in {generated:.1f} s")
        print("run  baseline ingest s  cut s  cut+ingest s  patents full -> cut")
        for run in range(1, args.repeat + 1):
            cut_dir = root / f"cut{run}"
            shutil.copytree(root / "full", cut_dir)
            base_s, base_n = _ingest(
                root / f"wh-full{run}", [root / "full" / "city", root / "full" / "world"]
            )
            started = time.perf_counter()
            cut_at([cut_dir / "city"], DEMO_TODAY)
            cut_at([cut_dir / "world"], DEMO_TODAY)
            cut_s = time.perf_counter() - started
            ing_s, cut_n = _ingest(root / f"wh-cut{run}", [cut_dir / "city", cut_dir / "world"])
            print(
                f"{run:>3}  {base_s:>17.1f}  {cut_s:>5.1f}  {cut_s + ing_s:>12.1f}"
                f"  {base_n:,} -> {cut_n:,}"
            )
            shutil.rmtree(root / f"wh-full{run}")
            shutil.rmtree(root / f"wh-cut{run}")
            shutil.rmtree(cut_dir)


if __name__ == "__main__":
    main()
