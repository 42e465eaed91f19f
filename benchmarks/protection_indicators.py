"""Protection indicators on a city's yearly caseload: SQL GROUP BY vs loading every case.

Builds a workspace (SQLite file, and PostgreSQL when IPCITY_TEST_PG is set) with N synthetic
cases spread over two years (bulk INSERT, not the actions: this measures the reads), then
times, for one year broken down by unit and kind:

- ``ipcity.protection.indicators.compute`` (SQL GROUP BY for counts and sums; only the closed
  cases' dates read for handling days), and
- the baseline: load every case's fields and aggregate in Python (what one would do in a
  notebook or a spreadsheet export),

checks that both give the same numbers, and prints a Markdown table for docs/benchmarks.md.

    .venv/bin/python benchmarks/protection_indicators.py [--cases 60000]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, select, text

from ipcity.protection import indicators as ind
from ipcity.protection.models import ProtectionCase
from ipcity.workspace.db import Database, open_db
from ipcity.workspace.models import Unit

KINDS = ("civil", "criminal", "admin_enforcement", "customs_seizure", "mediation", "admin_ruling")
IPS = ("patent", "trademark", "copyright", "trade_secret")
YEAR = 2023


def populate(db: Database, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with db.write() as s:
        units = []
        for i in range(10):
            u = Unit(code=f"U{i}", name=f"单位{i}", kind="municipal", version=1)
            s.add(u)
            units.append(u)
        s.flush()
        ids = [u.id for u in units]
        rows: list[dict[str, Any]] = []
        start = date(YEAR - 1, 1, 1)
        for k in range(n):
            received = start + timedelta(days=rng.randrange(730))
            closed = received + timedelta(days=int(rng.lognormvariate(4.2, 0.6)))
            rows.append(
                {
                    "unit_id": rng.choice(ids),
                    "case_no": f"B{k}",
                    "kind": rng.choice(KINDS),
                    "ip_type": rng.choice(IPS),
                    "cause": "",
                    "received_on": received,
                    "closed_on": closed if closed <= date(YEAR, 12, 31) else None,
                    "outcome": None,
                    "outcome_text": "",
                    "foreign_related": rng.random() < 0.1,
                    "cross_region": rng.random() < 0.05,
                    "cross_region_note": "",
                    "district": None,
                    "claimants": "",
                    "respondents": "",
                    "note": "",
                    "synthetic": True,
                    "amount_claimed_fen": rng.randrange(10**8),
                    "version": 1,
                }
            )
        for i in range(0, n, 5000):
            s.execute(insert(ProtectionCase), rows[i : i + 5000])


def baseline(db: Database) -> dict[tuple[str, str], tuple[int, int, Fraction | None]]:
    """Every case loaded; received, closed and mean handling days per (unit, kind)."""
    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    out: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, 0, []])
    with db.read() as s:
        codes = dict(s.execute(select(Unit.id, Unit.code)).all())
        for c in s.scalars(select(ProtectionCase)):
            key = (codes[c.unit_id], c.kind)
            if start <= c.received_on <= end:
                out[key][0] += 1
            if c.closed_on is not None and start <= c.closed_on <= end:
                out[key][1] += 1
                out[key][2].append((c.closed_on - c.received_on).days)
    return {k: (r, cl, Fraction(sum(d), len(d)) if d else None) for k, (r, cl, d) in out.items()}


def ours(db: Database) -> dict[tuple[str, str], tuple[int, int, Fraction | None]]:
    with db.read() as s:
        t = ind.compute(
            s,
            years=[YEAR],
            by=("unit", "kind"),
            indicators=["cases_received", "cases_closed", "avg_handling_days"],
        )
    out: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    for r in t.rows:
        out[(str(r.dim("unit")), str(r.dim("kind")))][ind.short_id(r.indicator)] = r.value
    return {
        k: (int(v["cases_received"]), int(v["cases_closed"]), v["avg_handling_days"])
        for k, v in out.items()
    }


def best_of(fn: Any, db: Database, runs: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn(db)
        times.append(time.perf_counter() - t0)
    return min(times), result


def bench(label: str, db: Database, n: int) -> str:
    t0 = time.perf_counter()
    populate(db, n)
    load = time.perf_counter() - t0
    t_base, base = best_of(baseline, db)
    t_ours, mine = best_of(ours, db)
    assert base == mine, "the two computations disagree"
    return (
        f"| {label} | {n:,} | {load:.1f} | {t_base:.3f} | {t_ours:.3f} | {t_base / t_ours:.1f}x |"
    )


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--cases", type=int, default=60_000)
    args = p.parse_args()
    lines = [
        "| database | cases | load s | all cases in Python s | ipcity s | speed-up |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        lines.append(bench("SQLite", db, args.cases))
        db.dispose()
    url = os.environ.get("IPCITY_TEST_PG")
    if url:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            db = open_db(url, schema=schema)
            lines.append(bench("PostgreSQL 15", db, args.cases))
            db.dispose()
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    print("\n".join(lines))
    print(f"\n(one year, {YEAR}, by unit x kind; best of 3 runs each)")


if __name__ == "__main__":
    main()
