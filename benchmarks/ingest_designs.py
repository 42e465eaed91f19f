"""Ingest at scale (issue 14, item 5): the shipped ingest and three other designs against DuckDB's
own ``read_csv`` -> Parquet copy of the same files, each measured in the same run.

Sides (each in its own subprocess: wall seconds, CPU seconds of the process, peak RSS):

* ``baseline``  DuckDB ``COPY (SELECT * FROM read_csv(f)) TO 'f.parquet'`` for every CSV file.
* ``current``   ``ipcity.warehouse.ingest.ingest`` as shipped (one file at a time).
* ``segments``  design (a): every INSERT of accepted rows into ``patents``/``parties`` is written
                as a Parquet segment instead (``COPY (SELECT ...) TO seg.parquet``), and the
                segments are compacted into the DuckDB tables at the end
                (``INSERT INTO t SELECT * FROM read_parquet(seg)``); reported as the segment
                phase and the compaction.
* ``direct``    design (b), the ``COPY ... FROM`` path for files whose keys are new: a narrow first
                pass (keys, ``_reason``, the columns the lookups check) finds rejects, in-file
                duplicates and keys already stored; when there are none, the accepted rows go
                straight from the CSV scan into the table (a second scan, no wide temp table, no
                de-duplication pass); otherwise the file takes the shipped path.
* ``parallel``  design (c): files of different tables at once, one thread and one DuckDB
                connection (cursor) per table, each file still its own transaction.

The prototypes (segments, direct, parallel) measure cost on a first load of the sample city; they
are not the shipped code (see docs/benchmarks.md, "Ingest at scale (issue 14)"). Every side's
warehouse must hold the same rows as ``current`` (row counts and an order-independent hash of
every column of patents and parties); the script fails otherwise.

    PYTHONPATH=src python benchmarks/ingest_designs.py --scales 0.5625,1.6875 --work /tmp/x
    PYTHONPATH=src python benchmarks/ingest_designs.py --csv /tmp/ipcity-scale/10M/csv \
        --sides baseline,current --work /tmp/x

Scale 1 of ``ipcity.samplecity`` is about 1.78 M patents (0.5625 ~ 1 M, 1.6875 ~ 3 M).
``--csv DIR`` measures an existing canonical CSV directory instead (one size, ``--scales``
ignored; the directory is only read): the sample city that ``benchmarks/scale.py`` generated,
for instance, without writing the same gigabytes again.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parent.parent
SIDES = ("baseline", "current", "segments", "direct", "parallel")

# ----------------------------------------------------------------------------- child sides


def _cpu() -> float:
    """CPU seconds of this process so far, every thread (DuckDB's too)."""
    import resource

    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


class Clock:
    """Wall and CPU seconds since it was started."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), _cpu()

    def read(self) -> dict[str, float]:
        return {"seconds": time.perf_counter() - self.wall, "cpu": _cpu() - self.cpu}


def side_baseline(data: Path, out: Path) -> dict[str, Any]:
    import duckdb

    out.mkdir(parents=True)
    con = duckdb.connect()
    clock = Clock()
    for f in sorted(data.glob("*.csv")):
        con.execute(
            f"COPY (SELECT * FROM read_csv('{f}')) TO '{out / (f.stem + '.parquet')}' "
            "(FORMAT parquet)"
        )
    return clock.read()


def _files(data: Path) -> list[Path]:
    return sorted(data.glob("*.csv"))


def side_current(data: Path, out: Path) -> dict[str, Any]:
    from ipcity.warehouse.ingest import ingest
    from ipcity.warehouse.store import Warehouse

    clock = Clock()
    with Warehouse(out) as wh:
        rep = ingest(wh, _files(data))
        took = clock.read()
        return {**took, "ok": rep.ok, "accounting": _accounting(rep), **_digest(wh)}


def side_segments(data: Path, out: Path) -> dict[str, Any]:
    import re

    from ipcity.warehouse import ingest as ing
    from ipcity.warehouse.store import Warehouse

    segdir = out / "segments"
    segdir.mkdir(parents=True)
    segments: list[tuple[str, str, Path]] = []
    insert = re.compile(
        r"^\s*INSERT INTO (\"?(?:patents|parties)\"?) \(([^)]*)\)\s*(SELECT.*)$", re.S
    )

    class SegmentCon:
        """Accepted rows of patents/parties go to a Parquet segment instead of the table."""

        def __init__(self, con: Any) -> None:
            self._con = con

        def execute(self, sql: str, *args: Any) -> Any:
            m = insert.match(sql)
            if m is None:
                return self._con.execute(sql, *args)
            seg = segdir / f"{m.group(1).strip(chr(34))}_{len(segments):04d}.parquet"
            segments.append((m.group(1), m.group(2), seg))
            return self._con.execute(f"COPY ({m.group(3)}) TO '{seg}' (FORMAT parquet)", *args)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._con, name)

    init = ing._Run.__init__

    def patched(self: Any, *a: Any, **k: Any) -> None:
        init(self, *a, **k)
        self.con = SegmentCon(self.con)

    ing._Run.__init__ = patched  # type: ignore[method-assign]
    clock = Clock()
    with Warehouse(out / "wh") as wh:
        rep = ing.ingest(wh, _files(data))
        seg = clock.read()
        with wh.transaction():
            for table, cols, path in segments:
                wh.con.execute(f"INSERT INTO {table} ({cols}) SELECT * FROM read_parquet('{path}')")
        took = clock.read()
        return {
            **took,
            "segment_seconds": seg["seconds"],
            "compact_seconds": took["seconds"] - seg["seconds"],
            "ok": rep.ok,
            "accounting": _accounting(rep),
            **_digest(wh),
        }


def side_direct(data: Path, out: Path) -> dict[str, Any]:
    from ipcity.sources.canonical import CsvReader, sql_ident
    from ipcity.sources.tables import EMBEDDED_COLUMNS, TABLES
    from ipcity.warehouse import ingest as ing
    from ipcity.warehouse import regions as wh_regions
    from ipcity.warehouse.store import Warehouse
    from ipcity.warehouse.validate import post_validate, typed_columns, typed_select

    full_execute = ing._Run.execute
    taken = {"direct": 0, "fallback": 0}

    def execute(self: Any, result: Any) -> None:
        table = TABLES[self.reader.primary_table]
        if (
            not isinstance(self.reader, CsvReader)
            or table.replace
            or table.name
            not in (
                "patents",
                "parties",
            )
        ):
            return full_execute(self, result)
        wh_regions.ensure_known_codes(self.con)
        self.con.execute("DROP TABLE IF EXISTS ipcity_csv_rejects")
        self.con.execute("DROP TABLE IF EXISTS ipcity_csv_scans")
        source = self.reader.select(self.con)
        provided = self.reader.provided
        passthrough = [c for c in provided if c in EMBEDDED_COLUMNS]
        if table.name != "patents":
            passthrough = []
        canonical = [c for c in provided if c not in passthrough]
        sel = typed_select(table, canonical, source, passthrough, numbered=False)
        keys = ", ".join(sql_ident(k) for k in table.key)
        looked = [c for c in ("country", "region_code") if c in canonical]
        narrow = self.tmp("narrow")
        cols = ", ".join([keys, *looked, "_reason"])
        self.con.execute(f"CREATE TEMP TABLE {narrow} AS SELECT {cols} FROM ({sel})")
        if self.reader.has_encoding_errors(self.con) or self.reader.malformed_lines(self.con):
            self.drop_temp()
            taken["fallback"] += 1
            return full_execute(self, result)
        post_validate(self.con, narrow)
        on = " AND ".join(f"o.{sql_ident(k)} = n.{sql_ident(k)}" for k in table.key)
        row = self.con.execute(
            f"""SELECT (SELECT count(*) FROM {narrow}),
                       (SELECT count(_reason) FROM {narrow}),
                       (SELECT count(*) FROM (SELECT {keys} FROM {narrow} GROUP BY {keys}
                                              HAVING count(*) > 1)),
                       (SELECT count(*) FROM {narrow} n JOIN {sql_ident(table.name)} o ON {on})"""
        ).fetchall()[0]
        total, bad, dup_keys, existing = (int(v) for v in row)
        if bad or dup_keys or existing or self.reader.report.rejects:
            self.drop_temp()
            taken["fallback"] += 1
            return full_execute(self, result)
        taken["direct"] += 1
        self.run_id = ing._next_run_id(self.con)
        result.run_id = self.run_id
        result.read = result.loaded = result.inserted = total
        # country names mapped as post_validate maps them in the narrow pass
        wh_regions.map_country_names(self.con, None)
        mapped = (
            f"(SELECT s.* REPLACE (coalesce(cn.iso, s.country) AS country) FROM ({sel}) s "
            "LEFT JOIN country_names cn ON s.country = cn.raw)"
            if "country" in canonical
            else f"({sel})"
        )
        tcols = typed_columns(table, provided)
        if table.name == "parties":
            wh_regions.insert_parties(self.con, mapped, tcols, None, self.run_id)
        else:
            wh_cols = [c for c in self._columns(table.name) if c != "run_id"]
            self._insert_from(table, mapped, tcols, wh_cols, existing=None)
        self._record_run(result)

    ing._Run.execute = execute  # type: ignore[method-assign]
    clock = Clock()
    with Warehouse(out) as wh:
        rep = ing.ingest(wh, _files(data))
        took = clock.read()
        return {
            **took,
            "paths": taken,
            "ok": rep.ok,
            "accounting": _accounting(rep),
            **_digest(wh),
        }


def side_parallel(data: Path, out: Path) -> dict[str, Any]:
    import contextlib
    from collections.abc import Iterator
    from concurrent.futures import ThreadPoolExecutor

    from ipcity.warehouse.ingest import FileResult, IngestReport, ingest_file
    from ipcity.warehouse.store import Warehouse

    class Connection:
        """What ingest_file needs of a Warehouse, on a connection of its own."""

        def __init__(self, con: Any) -> None:
            self.con = con

        @contextlib.contextmanager
        def transaction(self) -> Iterator[Any]:
            self.con.execute("BEGIN TRANSACTION")
            try:
                yield self.con
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
            self.con.execute("COMMIT")

    groups: dict[str, list[Path]] = {}
    for f in _files(data):
        groups.setdefault(f.stem.rsplit("_", 1)[0], []).append(f)
    clock = Clock()
    with Warehouse(out) as wh:

        def run(files: list[Path]) -> list[FileResult]:
            conn = Connection(wh.con.cursor())
            try:
                return [ingest_file(conn, f) for f in files]  # type: ignore[arg-type]
            finally:
                conn.con.close()

        with ThreadPoolExecutor(max_workers=2) as pool:
            done = list(pool.map(run, sorted(groups.values(), key=len, reverse=True)))
        rep = IngestReport(files=[r for rs in done for r in rs])
        took = clock.read()
        return {**took, "ok": rep.ok, "accounting": _accounting(rep), **_digest(wh)}


def _accounting(rep: Any) -> dict[str, int]:
    fields = ("read", "loaded", "rejected", "skipped", "inserted")
    return {k: sum(getattr(f, k) for f in rep.files) for k in fields}


def _digest(wh: Any) -> dict[str, Any]:
    """Row counts and an order-independent hash of every column (run ids excluded)."""
    out: dict[str, Any] = {}
    for table in ("patents", "parties"):
        cols = [r[0] for r in wh.con.execute(f"DESCRIBE {table}").fetchall() if r[0] != "run_id"]
        row = wh.con.execute(
            f"SELECT count(*), sum(hash({', '.join(cols)}) % 1000000007) FROM {table}"
        ).fetchall()[0]
        out[table] = [int(row[0]), int(row[1] or 0)]
    return out


# ----------------------------------------------------------------------------- parent


def run_side(side: str, data: Path, out: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = psutil.Popen(
        [sys.executable, __file__, "--child", side, str(data), str(out)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    peak = 0
    while proc.poll() is None:
        try:
            peak = max(peak, proc.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.1)
    stdout, _ = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"side {side} failed ({proc.returncode})")
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    result["peak_rss_gb"] = peak / 1e9
    return result


def generate(data: Path, scale: float) -> dict[str, int]:
    from ipcity.samplecity import generate as gen

    if not (data / "README.txt").exists():
        gen(data, scale=scale, fmt="csv", overwrite=True)
    return {"bytes": sum(f.stat().st_size for f in data.glob("*.csv"))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="0.5625,1.6875", help="sample-city scales (1 ~ 1.78 M)")
    ap.add_argument("--work", type=Path, default=REPO / "bench-data" / "ingest-designs")
    ap.add_argument("--sides", default=",".join(SIDES))
    ap.add_argument("--json", type=Path, help="append each size's results to this file")
    ap.add_argument(
        "--csv", type=Path, help="an existing canonical CSV directory to measure (read only)"
    )
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        side, data, out = args.child
        import duckdb  # noqa: F401  (imports are not part of any side's time)

        import ipcity.warehouse.ingest  # noqa: F401

        res = globals()[f"side_{side}"](Path(data), Path(out))
        print(json.dumps(res))
        return
    sides = [s for s in args.sides.split(",") if s]
    runs: list[tuple[float | None, Path]] = (
        [(None, args.csv)]
        if args.csv
        else [(float(s), args.work / f"data-s{float(s):g}") for s in args.scales.split(",")]
    )
    for scale, data in runs:
        if scale is None:
            if not any(data.glob("*.csv")):
                raise SystemExit(f"--csv {data}: no *.csv files there")
            info = {"bytes": sum(f.stat().st_size for f in data.glob("*.csv"))}
        else:
            info = generate(data, scale)
        label = f"s{scale:g}" if scale is not None else "csv"
        results: dict[str, Any] = {}
        load = []
        for side in sides:
            out = args.work / f"out-{label}-{side}"
            shutil.rmtree(out, ignore_errors=True)
            load.append(os.getloadavg()[0])
            results[side] = run_side(side, data, out)
            shutil.rmtree(out, ignore_errors=True)
            r = results[side]
            print(
                f"{label} {side}: {r['seconds']:.1f} s wall, {r['cpu']:.1f} s CPU, "
                f"{r['peak_rss_gb']:.2f} GB",
                flush=True,
            )
        base = results.get("baseline")
        ref = results.get("current")
        for side, r in results.items():
            if base:
                r["ratio_wall"] = r["seconds"] / base["seconds"]
                r["ratio_cpu"] = r["cpu"] / base["cpu"]
            if ref and side not in ("baseline", "current"):
                same = all(r[t] == ref[t] for t in ("patents", "parties"))
                same = same and r["accounting"] == ref["accounting"]
                if not same:
                    raise SystemExit(f"{side} differs from current ({label})")
        record = {
            "scale": scale,
            "csv": str(data),
            "csv_bytes": info["bytes"],
            "patents": ref["patents"][0] if ref else None,
            "parties": ref["parties"][0] if ref else None,
            "load_avg_1min": load,
            "machine": f"{psutil.cpu_count()} cores, {platform.platform()}",
            "sides": results,
        }
        print(json.dumps(record, indent=1), flush=True)
        if args.json:
            with args.json.open("a") as f:
                f.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
