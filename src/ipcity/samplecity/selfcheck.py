"""A quick check that generated files land near the published Shanghai figures.

This is NOT the product's indicator code (``ipcity.indicators`` is): it reads the generated files
directly with DuckDB and follows the published definitions in a few lines of SQL, so the sample
city can be calibrated and tested on its own. Attribution is simple on purpose: a patent is
Shanghai's when its first-named applicant (for the stock: first owner, else first applicant) has
an address containing 上海 or a region code starting 31.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from ipcity.samplecity.vocabulary import SEI_IPC_PREFIXES

# (indicator, year) -> published value (../shared/data/reference/published-indicators.csv), with
# the tolerance (relative) within which the sample city is expected to land at any scale >= 0.02.
TARGETS: dict[tuple[str, int], tuple[float, float]] = {
    ("patents_granted", 2018): (92_460, 0.03),
    ("patents_granted", 2022): (178_300, 0.03),
    ("invention_patents_granted", 2018): (21_331, 0.03),
    ("pct_applications", 2018): (2_528, 0.05),
    ("pct_applications", 2022): (5_591, 0.05),
    ("pct_applications", 2023): (6_185, 0.05),
    ("invention_patents_in_force", 2023): (241_400, 0.05),
    ("high_value_invention_patents", 2022): (101_800, 0.10),
}
#: per-10k figures do not scale with the sample; they are checked at scale 1 only
PER_10K_TARGETS: dict[tuple[str, int], tuple[float, float]] = {
    ("high_value_invention_patents_per_10k", 2021): (34.2, 0.15),
    ("high_value_invention_patents_per_10k", 2022): (40.9, 0.10),
    ("high_value_invention_patents_per_10k", 2023): (50.2, 0.10),
}


@dataclass(frozen=True)
class Comparison:
    indicator: str
    year: int
    value: float  # computed from the files
    expected: float  # published value x scale
    tolerance: float

    @property
    def ratio(self) -> float:
        return self.value / self.expected if self.expected else float("nan")

    @property
    def ok(self) -> bool:
        return abs(self.ratio - 1.0) <= self.tolerance + 1e-9  # boundary included


def _source(directory: Path, table: str) -> str:
    parquet = sorted(directory.glob(f"{table}*.parquet"))
    if parquet:
        return f"read_parquet('{directory.as_posix()}/{table}*.parquet', union_by_name=true)"
    return (
        f"read_csv('{directory.as_posix()}/{table}*.csv', header=true, all_varchar=true, "
        "union_by_name=true)"
    )


def _views(con: duckdb.DuckDBPyConnection, directory: Path) -> None:
    con.execute(
        f"""CREATE TEMP VIEW patents AS SELECT patent_id, office, patent_type,
            CAST(application_date AS DATE) AS application_date,
            CAST(grant_date AS DATE) AS grant_date, CAST(lapse_date AS DATE) AS lapse_date,
            ipc, family_countries FROM {_source(directory, "patents")}"""
    )
    con.execute(
        f"""CREATE TEMP VIEW parties AS SELECT patent_id, role, CAST(sequence AS INTEGER)
            AS sequence, address, region_code FROM {_source(directory, "parties")}"""
    )
    con.execute(
        f"""CREATE TEMP VIEW pledges AS SELECT patent_id, CAST(registration_date AS DATE)
            AS registration_date, CAST(amount_cny AS DOUBLE) AS amount_cny
            FROM {_source(directory, "pledges")}"""
    )
    con.execute(
        f"""CREATE TEMP VIEW awards AS SELECT patent_id, CAST(year AS INTEGER) AS year
            FROM {_source(directory, "awards")}"""
    )
    con.execute(
        f"""CREATE TEMP VIEW population AS SELECT region_code, CAST(year AS INTEGER) AS year,
            CAST(population AS DOUBLE) AS population FROM {_source(directory, "population")}"""
    )
    # first applicant / first owner in Shanghai?
    con.execute(
        """CREATE TEMP TABLE firsts AS
           SELECT patent_id,
             bool_or(role = 'applicant' AND shanghai) AS applicant_sh,
             bool_or(role = 'owner') AS has_owner,
             bool_or(role = 'owner' AND shanghai) AS owner_sh
           FROM (SELECT patent_id, role, (coalesce(address, '') LIKE '%上海%'
                   OR coalesce(region_code, '') LIKE '31%') AS shanghai
                 FROM parties WHERE sequence = 1 AND role IN ('applicant', 'owner'))
           GROUP BY patent_id"""
    )


def calibration_figures(directory: Path, years: range) -> dict[str, dict[int, float]]:
    """Figures per indicator and year computed from the files in ``directory``."""
    sei = "|".join(SEI_IPC_PREFIXES)
    out: dict[str, dict[int, float]] = {}
    with duckdb.connect() as con:
        _views(con, directory)
        for y in years:
            end = f"DATE '{y}-12-31'"
            row = con.execute(
                f"""
                WITH pl AS (SELECT patent_id, sum(amount_cny) AS amount FROM pledges
                            WHERE registration_date <= {end} GROUP BY patent_id),
                     aw AS (SELECT DISTINCT patent_id FROM awards WHERE year <= {y}),
                     stock AS (
                       SELECT p.*,
                         regexp_matches(coalesce(p.ipc, ''), '(^|;)\\s*({sei})') AS sei,
                         len(list_filter(string_split(coalesce(p.family_countries, ''), ';'),
                             lambda x: trim(x) NOT IN ('CN', 'WO', ''))) > 0 AS foreign_family,
                         p.application_date + INTERVAL 10 YEAR < {end} AS old,
                         coalesce(pl.amount, 0) >= 10000000 AS big_pledge,
                         aw.patent_id IS NOT NULL AS awarded
                       FROM patents p JOIN firsts f USING (patent_id)
                       LEFT JOIN pl USING (patent_id) LEFT JOIN aw USING (patent_id)
                       WHERE p.patent_type = 'invention' AND p.grant_date <= {end}
                         AND (p.lapse_date IS NULL OR p.lapse_date > {end})
                         AND CASE WHEN f.has_owner THEN f.owner_sh ELSE f.applicant_sh END)
                SELECT
                  (SELECT count(*) FROM patents JOIN firsts USING (patent_id)
                   WHERE applicant_sh AND office = 'CN' AND year(grant_date) = {y}),
                  (SELECT count(*) FROM patents JOIN firsts USING (patent_id)
                   WHERE applicant_sh AND patent_type = 'invention' AND year(grant_date) = {y}),
                  (SELECT count(*) FROM patents JOIN firsts USING (patent_id)
                   WHERE applicant_sh AND office = 'WO' AND year(application_date) = {y}),
                  (SELECT count(*) FROM stock),
                  (SELECT count(*) FROM stock
                   WHERE sei OR foreign_family OR old OR big_pledge OR awarded),
                  (SELECT count(*) FILTER (WHERE sei) FROM stock),
                  (SELECT count(*) FILTER (WHERE foreign_family) FROM stock),
                  (SELECT count(*) FILTER (WHERE old) FROM stock),
                  (SELECT count(*) FILTER (WHERE big_pledge) FROM stock),
                  (SELECT count(*) FILTER (WHERE awarded) FROM stock),
                  (SELECT population FROM population WHERE region_code = '310000'
                   AND year = {y - 1})
                """
            ).fetchone()
            assert row is not None
            names = (
                "patents_granted",
                "invention_patents_granted",
                "pct_applications",
                "invention_patents_in_force",
                "high_value_invention_patents",
                "hv_sei",
                "hv_foreign_family",
                "hv_older_than_10_years",
                "hv_pledged_10m",
                "hv_awarded",
            )
            for name, value in zip(names, row[: len(names)], strict=True):
                out.setdefault(name, {})[y] = float(value)
            population = row[len(names)]
            if population:
                out.setdefault("high_value_invention_patents_per_10k", {})[y] = (
                    float(row[4]) / float(population) * 10_000
                )
    return out


def compare(
    figures: dict[str, dict[int, float]], scale: float, *, per_10k: bool = False
) -> list[Comparison]:
    """The computed figures against the published ones times ``scale``; per-10k figures only
    when asked (they mean something at scale 1 only)."""
    result = []
    targets = dict(TARGETS)
    if per_10k:
        targets.update({k: (v, t) for k, (v, t) in PER_10K_TARGETS.items()})
    for (name, year), (value, tolerance) in targets.items():
        if year in figures.get(name, {}):
            expected = value if name.endswith("_per_10k") else value * scale
            result.append(Comparison(name, year, figures[name][year], expected, tolerance))
    return result
