"""Backtest of ipcity.evaluation.project (issue 13).

1. Sample city (synthetic, small scale for speed: --scale, default 0.01), two splits:
   - development: observe 2015-2018, project 2019-2020. The method was chosen and checked on
     this split only;
   - test: observe 2015-2020, project 2021-2023, run once with the method as chosen.
   Each with the flows method and with the drift method, compared with compute().
2. The published national series of high-value invention patents per 10,000 residents
   (../shared/data/reference/published-indicators.csv, 2020-2023): project 2023 from
   2020-2022 with the drift method (the only split four points allow).

Prints a Markdown table: indicator, method, horizon, projected, low, high, actual, error,
inside the 80% interval.

    PYTHONPATH=src python benchmarks/projection_backtest.py [--scale 0.01] [--warehouse DIR]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

from ipcity import settings
from ipcity.evaluation.project import Projection, flow_history, project_flows, project_series
from ipcity.indicators import compute
from ipcity.warehouse.store import Warehouse

# ../shared/data next to the checkout (a worktree sits one level deeper: try both)
_ROOT = Path(__file__).resolve().parents[1]
REFERENCES = [
    up / "shared/data/reference/published-indicators.csv" for up in (_ROOT.parent, _ROOT.parents[1])
]
REGION = "310000"
SPLITS = {  # name: (observed years, later years)
    "development": (range(2015, 2019), (2019, 2020)),
    "test": (range(2015, 2021), (2021, 2022, 2023)),
}


def _sample_warehouse(directory: Path, scale: float) -> Warehouse:
    from ipcity.samplecity import generate
    from ipcity.warehouse.ingest import ingest

    wh = Warehouse(directory)
    if wh.count("patents"):
        return wh
    source = directory / "sample-city"
    generate(source, scale=scale, seed=20230101, overwrite=True)
    ingest(wh, [source])
    return wh


def _row(name: str, p: Projection, actual: float | None) -> str:
    if p.value is None or p.low is None or p.high is None or actual is None:
        return f"| {name} | {p.method} | {p.year} | - | - | - | {actual} | - | - |"
    err = p.value - actual
    inside = "yes" if p.low <= actual <= p.high else "no"
    d = 4 if abs(actual) < 10 else 2  # the small per-10,000 ratios of a 1% sample city
    return (
        f"| {name} | {p.method} | {p.year} | {p.value:,.{d}f} | {p.low:,.{d}f} | {p.high:,.{d}f} "
        f"| {actual:,.{d}f} | {err:+,.{d}f} ({err / actual * 100:+.1f}%) | {inside} |"
    )


def sample_city(
    directory: Path, scale: float, split: str
) -> list[tuple[str, Projection, float | None]]:
    wh = _sample_warehouse(directory, scale)
    OBSERVED, LATER = SPLITS[split]
    out = []
    stock = "high_value_invention_patents"
    for ind in (stock, "invention_patents_in_force", stock + "_per_10k"):
        base = ind.removesuffix("_per_10k")
        values = {
            int(r["year"]): r["value"]
            for r in compute(wh, [ind], [*OBSERVED, *LATER], REGION).table.to_pylist()
        }
        flows = flow_history(wh, base, REGION, list(OBSERVED)[1:])
        population = None
        lag = settings.population_lag(REGION)
        if ind.endswith("_per_10k"):
            rows = wh.con.execute(
                "SELECT year, population FROM population WHERE region_code = ? AND year <= ?",
                [REGION, max(OBSERVED) - lag],
            ).fetchall()
            population = {int(y): float(p) for y, p in rows}
        history = {y: values[y] for y in OBSERVED if values.get(y) is not None}
        for y in LATER:
            out.append(
                (ind, project_flows(flows, y, population=population, lag=lag), values.get(y))
            )
            out.append((ind, project_series(history, y), values.get(y)))
    return out


def published() -> list[tuple[str, Projection, float | None]]:
    found = [r for r in REFERENCES if r.exists()]
    if not found:
        print(f"skipped the published series: {REFERENCES[0]} is absent", file=sys.stderr)
        return []
    with found[0].open(encoding="utf-8") as f:
        rows = [
            r
            for r in csv.DictReader(f)
            if r["region_code"] == "CN" and r["indicator"] == "high_value_invention_patents_per_10k"
        ]
    series = {int(r["year"]): float(r["value"]) for r in rows if int(r["year"]) <= 2023}
    history = {y: v for y, v in series.items() if y <= 2022}
    return [
        ("CN high_value_invention_patents_per_10k", project_series(history, 2023), series[2023])
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=0.01)
    ap.add_argument("--warehouse", type=Path, default=Path("/tmp/ipcity-projection-backtest"))
    ap.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    args = ap.parse_args()
    t0 = time.perf_counter()
    for split in SPLITS if args.split == "all" else [args.split]:
        results = sample_city(args.warehouse, args.scale, split)
        if split == "test":
            results += published()
        print(f"\n### {split} split\n")
        _table(results)
    print(f"\n(scale {args.scale}, {time.perf_counter() - t0:.0f} s)")


def _table(results: list[tuple[str, Projection, float | None]]) -> None:
    print(
        "| indicator | method | year | projected | 80% low | 80% high | actual | error | inside |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, p, actual in results:
        print(_row(name, p, actual))
    scored = [(p, a) for _, p, a in results if p.value is not None and p.low is not None and a]
    for method in ("flows", "drift"):
        mine = [(p, a) for p, a in scored if p.method == method]
        if mine:
            inside = sum(
                1
                for p, a in mine
                if p.low is not None and p.high is not None and p.low <= a <= p.high
            )
            mape = sum(abs((p.value or 0) - a) / abs(a) for p, a in mine) / len(mine) * 100
            print(
                f"\n{method}: {len(mine)} projections, mean absolute % error {mape:.1f}%, "
                f"80% interval covered {inside}/{len(mine)}"
            )


if __name__ == "__main__":
    main()
