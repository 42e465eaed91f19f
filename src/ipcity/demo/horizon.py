"""The demo's data ends on the demo's day: generated table files cut before the ingest.

The sample city and the world sample are generated for whole calendar years (to 31 December
of their last year), but the demo is set on one day of that year (``command.DEMO_TODAY``), the
one app clock of every page. Data from after that day would be data from the future: grants
the office could not yet know, a year reported complete before it ended. So before the ingest
the table files are rewritten as the data stood at the end of the day:

- a patent applied for after the day does not exist (nor its parties, pledges or awards);
- a grant or a lapse after the day has not happened: the patent is pending, or in force;
- a pledge registered, an award given (its year) or an article published (its year) after the
  day is left out; so is a year-end population whose year has not ended by the day.

Files no rule touches are left as they are (no rewrite), so the cut costs one pass over the
files it changes. CSV files are read and written as text, so their values keep their form.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from ipcity.sources.tables import table_for_filename

# The tables a rule applies to, in the order they are cut (later rules use earlier ones).
ORDER = (
    "patents",
    "families",
    "parties",
    "pledges",
    "awards",
    "population",
    "publications",
    "authors",
)


@dataclass
class CutSummary:
    """Rows left out and values cleared, by table; the files rewritten."""

    day: date
    dropped: dict[str, int] = field(default_factory=dict)
    cleared: dict[str, int] = field(default_factory=dict)
    rewritten: list[Path] = field(default_factory=list)


def cut_at(directories: Iterable[Path], day: date) -> CutSummary:
    """Rewrite the canonical table files in ``directories`` as the data stood at the end of
    ``day`` (see the module doc). Patents are cut first, so a later file's rows of a patent
    from after the day go too, whichever directory holds them."""
    summary = CutSummary(day)
    files: dict[str, list[Path]] = {}
    for d in directories:
        for p in sorted(Path(d).iterdir()):
            spec = table_for_filename(p.stem) if p.suffix in (".csv", ".parquet") else None
            if p.is_file() and spec is not None:
                files.setdefault(spec.name, []).append(p)
    con = duckdb.connect()
    try:
        con.execute("CREATE TEMP TABLE late (patent_id VARCHAR)")  # applied for after the day
        con.execute("CREATE TEMP TABLE ungranted (patent_id VARCHAR)")  # granted after the day
        con.execute("CREATE TEMP TABLE late_pubs (publication_id VARCHAR)")
        for table in ORDER:
            for path in files.get(table, []):
                _cut_file(con, table, path, day, summary)
    finally:
        con.close()
    return summary


def _source(path: Path) -> str:
    name = str(path).replace("'", "''")
    if path.suffix == ".parquet":
        return f"read_parquet('{name}')"
    return f"read_csv('{name}', header = true, all_varchar = true)"


def _cut_file(
    con: duckdb.DuckDBPyConnection, table: str, path: Path, day: date, summary: CutSummary
) -> None:
    src = _source(path)
    cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()]
    d = f"DATE '{day.isoformat()}'"

    def after(col: str) -> str:  # a date column later than the day (text or DATE)
        return f"TRY_CAST({col} AS DATE) > {d}"

    drop: list[str] = []
    dated = table in ("patents", "families")
    clear = [c for c in ("grant_date", "lapse_date") if dated and c in cols]
    if table in ("patents", "families") and "application_date" in cols:
        drop.append(after("application_date"))
    if table == "patents":
        granted_later = after("grant_date") if "grant_date" in cols else "false"
        con.execute(
            f"INSERT INTO late SELECT patent_id FROM {src} WHERE {after('application_date')}"
        )
        con.execute(
            f"INSERT INTO ungranted SELECT patent_id FROM {src} "
            f"WHERE {after('application_date')} OR {granted_later}"
        )
    if table in ("parties", "pledges", "families") and "patent_id" in cols:
        drop.append("patent_id IN (SELECT patent_id FROM late)")
    if table == "pledges":
        drop.append(after("registration_date"))
    if table == "awards":
        drop.append(f"TRY_CAST(year AS INTEGER) > {day.year}")
        drop.append("patent_id IN (SELECT patent_id FROM ungranted)")
    if table == "population":
        # a year-end population is known once its year has ended
        last = day.year if (day.month, day.day) == (12, 31) else day.year - 1
        drop.append(f"TRY_CAST(year AS INTEGER) > {last}")
    if table == "publications":
        con.execute(
            f"INSERT INTO late_pubs SELECT publication_id FROM {src} "
            f"WHERE TRY_CAST(year AS INTEGER) > {day.year}"
        )
        drop.append(f"TRY_CAST(year AS INTEGER) > {day.year}")
    if table == "authors":
        drop.append("publication_id IN (SELECT publication_id FROM late_pubs)")
    dropped_if = " OR ".join(f"coalesce({c}, false)" for c in drop) or "false"
    cleared_if = " OR ".join(f"coalesce({after(c)}, false)" for c in clear) or "false"
    n_drop, n_clear = con.execute(
        f"SELECT count(*) FILTER (WHERE {dropped_if}), "
        f"count(*) FILTER (WHERE NOT ({dropped_if}) AND ({cleared_if})) FROM {src}"
    ).fetchone() or (0, 0)
    if not n_drop and not n_clear:
        return
    replace = ", ".join(f"CASE WHEN {after(c)} THEN NULL ELSE {c} END AS {c}" for c in clear)
    select = f"SELECT * REPLACE ({replace})" if clear else "SELECT *"
    tmp = path.with_name(path.name + ".cut")
    options = (
        "FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 262144"
        if path.suffix == ".parquet"
        else "FORMAT csv, HEADER true"
    )
    target = str(tmp).replace("'", "''")
    con.execute(f"COPY ({select} FROM {src} WHERE NOT ({dropped_if})) TO '{target}' ({options})")
    tmp.replace(path)
    summary.dropped[table] = summary.dropped.get(table, 0) + int(n_drop)
    summary.cleared[table] = summary.cleared.get(table, 0) + int(n_clear)
    summary.rewritten.append(path)
