"""The demo's data ends on the demo's day: the warehouse trimmed right after the ingest.

The sample city and the world sample are generated for whole calendar years (to 31 December
of their last year), but the demo is set on one day of that year (``command.DEMO_TODAY``), the
one app clock of every page. Data from after that day would be data from the future: grants
the office could not yet know, a year reported complete before it ended. So once they are
ingested the warehouse is trimmed to the data as it stood at the end of the day:

- a patent applied for after the day does not exist (nor its parties, pledges, awards or
  family members);
- a grant or a lapse after the day has not happened: the patent is pending, or in force;
- a pledge registered, an award given (its year) or an article published (its year) after the
  day is left out (with its authors); so is a year-end population whose year has not ended.

Why in the warehouse and not in the files before the ingest: the same rules there cost one
rewrite of the largest files (the parties), several seconds of a demo build; in the warehouse
they are a few deletes (about 1.5 s at scale 1; ``benchmarks/demo_horizon.py``). The generated
files in the warehouse directory keep whole years (they are the sample city's own output).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ipcity.warehouse.store import Warehouse


@dataclass
class CutSummary:
    """Rows left out and values cleared, by table."""

    day: date
    dropped: dict[str, int] = field(default_factory=dict)
    cleared: dict[str, int] = field(default_factory=dict)


def _count(wh: Warehouse, sql: str) -> int:
    row = wh.con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def cut_at(wh: Warehouse, day: date) -> CutSummary:
    """Trim the warehouse to the data as it stood at the end of ``day`` (the module doc's
    rules), in one transaction."""
    d = f"DATE '{day.isoformat()}'"
    last_population = day.year if (day.month, day.day) == (12, 31) else day.year - 1
    out = CutSummary(day)
    con = wh.con
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE horizon_late AS "
            f"SELECT patent_id FROM patents WHERE application_date > {d}"
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE horizon_ungranted AS SELECT patent_id FROM patents "
            f"WHERE application_date > {d} OR grant_date > {d}"
        )
        late = "patent_id IN (SELECT patent_id FROM horizon_late)"
        ungranted = "patent_id IN (SELECT patent_id FROM horizon_ungranted)"
        drops = {
            "parties": late,
            "families": f"{late} OR application_date > {d}",
            "pledges": f"{late} OR registration_date > {d}",
            "awards": f"year > {day.year} OR {ungranted}",
            "population": f"year > {last_population}",
            "authors": f"publication_id IN (SELECT publication_id FROM publications "
            f"WHERE year > {day.year})",
            "publications": f"year > {day.year}",
            "patents": f"application_date > {d}",
        }
        for table, where in drops.items():
            n = _count(wh, f"SELECT count(*) FROM {table} WHERE {where}")
            if n:
                con.execute(f"DELETE FROM {table} WHERE {where}")
                out.dropped[table] = n
        for table, column in (
            ("patents", "grant_date"),
            ("patents", "lapse_date"),
            ("families", "grant_date"),
        ):
            n = _count(wh, f"SELECT count(*) FROM {table} WHERE {column} > {d}")
            if n:
                con.execute(f"UPDATE {table} SET {column} = NULL WHERE {column} > {d}")
                out.cleared[table] = out.cleared.get(table, 0) + n
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return out
