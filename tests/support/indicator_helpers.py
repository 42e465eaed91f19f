"""Helpers for the indicator tests: hand-built warehouses and result look-ups."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ipcity.indicators import IndicatorResult
from ipcity.warehouse.store import Warehouse

PATENT_COLUMNS = (
    "patent_id",
    "office",
    "patent_type",
    "application_date",
    "grant_date",
    "lapse_date",
    "ipc",
    "family_countries",
)


def patent(
    patent_id: str,
    application_date: str,
    grant_date: str | None = None,
    lapse_date: str | None = None,
    *,
    office: str = "CN",
    patent_type: str | None = "invention",
    ipc: str | None = None,
    family_countries: str | None = "CN",
) -> tuple[Any, ...]:
    return (
        patent_id,
        office,
        patent_type,
        application_date,
        grant_date,
        lapse_date,
        ipc,
        family_countries,
    )


def build_warehouse(
    directory: Path,
    *,
    patents: Iterable[tuple[Any, ...]] = (),
    parties: Iterable[tuple[str, str, int, str | None, str | None]] = (),
    pledges: Iterable[tuple[str, str, float]] = (),
    awards: Iterable[tuple[str, str, int]] = (),
    population: Iterable[tuple[str, int, float, str | None]] = (),
    sei: Iterable[tuple[str, str]] = (),
) -> Warehouse:
    """Rows inserted with named columns (the schema may grow). parties rows are
    (patent_id, role, sequence, country, region_code)."""
    wh = Warehouse(directory)
    con = wh.con
    cols = ", ".join(PATENT_COLUMNS)
    rows = list(patents)
    if rows:
        con.executemany(f"INSERT INTO patents ({cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    party_rows = [(p, r, s, f"{p}-{r}-{s}", c, g) for p, r, s, c, g in parties]
    if party_rows:
        con.executemany(
            "INSERT INTO parties (patent_id, role, sequence, name, country, region_code) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            party_rows,
        )
    for sql, data in (
        (
            "INSERT INTO pledges (patent_id, registration_date, amount_cny) VALUES (?, ?, ?)",
            pledges,
        ),
        ("INSERT INTO awards (patent_id, award, year) VALUES (?, ?, ?)", awards),
        (
            "INSERT INTO population (region_code, year, population, source) VALUES (?, ?, ?, ?)",
            population,
        ),
        ("INSERT INTO sei_concordance (ipc_prefix, category) VALUES (?, ?)", sei),
    ):
        data = list(data)
        if data:
            con.executemany(sql, data)
    return wh


def values(result: IndicatorResult, indicator: str, **dims: Any) -> dict[Any, float | None]:
    """{year: value} (or {(year, key...): value} with ``key=`` dims named as None) of one
    indicator, filtered by the given breakdown values."""
    out: dict[Any, float | None] = {}
    for row in result.table.to_pylist():
        if row["indicator"] != indicator:
            continue
        if any(row[k] != v for k, v in dims.items()):
            continue
        out[row["year"]] = row["value"]
    return out


def by_key(result: IndicatorResult, indicator: str, year: int, dim: str) -> dict[Any, float | None]:
    """{breakdown key: value} of one indicator and year (zero rows included)."""
    return {
        row[dim]: row["value"]
        for row in result.table.to_pylist()
        if row["indicator"] == indicator and row["year"] == year
    }
