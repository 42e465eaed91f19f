"""Read the records the clustering counts from the warehouse, with their fractional weights.

PCT applications are ``patents`` rows with office ``WO``; their year is the year of
``application_date`` (the international filing date). Each application counts 1, split equally
among its inventors (``parties`` rows with role ``inventor``): 1/k each for k inventors. An
application without inventors still counts in the world total and is reported as unlocated
(reason ``no_inventors``). Scientific articles (``publications`` + ``authors``) are counted the
same way by publication year.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ipcity.errors import DataMissingError, InputError
from ipcity.geo.resolve import RESOLVER_VERSION
from ipcity.warehouse.store import Warehouse

PCT, PUB = "pct", "pub"


@dataclass(frozen=True)
class Window:
    first: int
    last: int

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise InputError(f"window {self.first}..{self.last}: the first year is after the last")

    @property
    def years(self) -> int:
        return self.last - self.first + 1

    def shifted(self, by: int) -> Window:
        return Window(self.first + by, self.last + by)

    def __str__(self) -> str:
        return f"{self.first}..{self.last}"

    @staticmethod
    def parse(text: str) -> Window:
        """'2019..2023' (also '2019-2023', or one year '2023')."""
        t = text.strip().replace("–", "..").replace("-", "..")
        parts = [p for p in t.split("..") if p.strip()]
        try:
            years = [int(p) for p in parts]
        except ValueError:
            raise InputError(f"--window must look like 2019..2023, not '{text}'") from None
        if len(years) == 1:
            years = years * 2
        if len(years) != 2 or not all(1900 <= y <= 2100 for y in years):
            raise InputError(f"--window must look like 2019..2023, not '{text}'")
        return Window(years[0], years[1])


@dataclass
class Records:
    """One row per inventor or author record (``kind`` pct/pub) in the loaded years, with
    columns doc_id, year, weight, address, country, region_code, latitude, longitude."""

    frame: pd.DataFrame
    # Documents per (kind, year), records or not: the denominators of the shares.
    totals: pd.DataFrame  # columns kind, year, documents
    # Documents without any inventor/author record, per (kind, year).
    without_people: pd.DataFrame  # columns kind, year, documents

    def total(self, kind: str, window: Window) -> float:
        t = self.totals
        sel = (t["kind"] == kind) & t["year"].between(window.first, window.last)
        return float(t.loc[sel, "documents"].sum())

    def orphans(self, kind: str, window: Window) -> int:
        t = self.without_people
        sel = (t["kind"] == kind) & t["year"].between(window.first, window.last)
        return int(t.loc[sel, "documents"].sum())


def latest_pct_year(wh: Warehouse) -> int:
    row = wh.con.execute(
        "SELECT max(year(application_date)) FROM patents WHERE office = 'WO'"
    ).fetchone()
    if row is None or row[0] is None:
        raise DataMissingError(
            "no PCT applications (patents with office WO) in the warehouse; ingest them or run "
            "'ipcity demo'"
        )
    return int(row[0])


def _columns(wh: Warehouse, table: str) -> set[str]:
    rows = wh.con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
    ).fetchall()
    return {r[0] for r in rows}


def load(wh: Warehouse, first_year: int, last_year: int) -> Records:
    """Records of PCT applications (and articles, when the warehouse has them) filed in
    ``first_year..last_year``."""
    con = wh.con
    pct = con.execute(
        """WITH apps AS (
               SELECT patent_id AS doc_id, year(application_date) AS year FROM patents
               WHERE office = 'WO' AND year(application_date) BETWEEN ? AND ?),
           inv AS (
               SELECT p.patent_id AS doc_id, p.sequence, p.address, p.country, p.region_code,
                      p.latitude, p.longitude
               FROM parties p JOIN apps a ON a.doc_id = p.patent_id
               WHERE p.role = 'inventor'),
           k AS (SELECT doc_id, count(*) AS n FROM inv GROUP BY doc_id)
           SELECT 'pct' AS kind, inv.doc_id, apps.year, 1.0 / k.n AS weight, inv.sequence,
                  inv.address, inv.country, inv.region_code, inv.latitude, inv.longitude
           FROM inv JOIN k USING (doc_id) JOIN apps USING (doc_id)""",
        [first_year, last_year],
    ).df()
    pct_totals = con.execute(
        """SELECT 'pct' AS kind, year(application_date) AS year, count(*) AS documents,
                  count(*) FILTER (WHERE patent_id NOT IN (
                      SELECT patent_id FROM parties WHERE role = 'inventor')) AS orphans
           FROM patents WHERE office = 'WO' AND year(application_date) BETWEEN ? AND ?
           GROUP BY 1, 2""",
        [first_year, last_year],
    ).df()
    frames = [pct]
    totals = [pct_totals]
    if wh.count("publications"):
        # Authors carry no region code; reuse the ingest's resolutions of addresses when it
        # made them (table address_regions), the rest is resolved when locating.
        region = (
            "a.region_code"
            if "region_code" in _columns(wh, "authors")
            else "(SELECT ar.region_code FROM address_regions ar WHERE ar.address = a.address "
            f"AND ar.resolver = '{RESOLVER_VERSION}')"
        )
        pub = con.execute(
            f"""WITH pubs AS (
                   SELECT publication_id AS doc_id, year FROM publications
                   WHERE year BETWEEN ? AND ?),
               au AS (
                   SELECT a.publication_id AS doc_id, a.sequence, a.address, a.country,
                          {region} AS region_code, a.latitude, a.longitude
                   FROM authors a JOIN pubs ON pubs.doc_id = a.publication_id),
               k AS (SELECT doc_id, count(*) AS n FROM au GROUP BY doc_id)
               SELECT 'pub' AS kind, au.doc_id, pubs.year, 1.0 / k.n AS weight, au.sequence,
                      au.address, au.country, au.region_code, au.latitude, au.longitude
               FROM au JOIN k USING (doc_id) JOIN pubs USING (doc_id)""",
            [first_year, last_year],
        ).df()
        frames.append(pub)
        totals.append(
            con.execute(
                """SELECT 'pub' AS kind, year, count(*) AS documents,
                          count(*) FILTER (WHERE publication_id NOT IN (
                              SELECT publication_id FROM authors)) AS orphans
                   FROM publications WHERE year BETWEEN ? AND ? GROUP BY 1, 2""",
                [first_year, last_year],
            ).df()
        )
    frame = (
        pd.concat([f for f in frames if len(f)], ignore_index=True)
        if any(len(f) for f in frames)
        else frames[0]
    )
    # A fixed order (document, then position) makes every later step independent of the
    # order the warehouse returns rows in.
    frame = frame.sort_values(["kind", "doc_id", "sequence"], kind="stable").reset_index(drop=True)
    tot = pd.concat(totals, ignore_index=True)
    return Records(
        frame=frame,
        totals=tot[["kind", "year", "documents"]],
        without_people=tot[["kind", "year", "orphans"]].rename(columns={"orphans": "documents"}),
    )
