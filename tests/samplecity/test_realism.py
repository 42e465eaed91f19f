"""The generated records hang together the way real patent records do."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ipcity.samplecity.entities import build_entities
from ipcity.samplecity.geography import DISTRICTS
from ipcity.samplecity.plan import make_plan


@pytest.fixture(scope="module")
def con(small_city_dir: Path) -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    for table in ("patents", "parties", "pledges", "awards", "population"):
        c.execute(
            f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{small_city_dir}/{table}.parquet')"
        )
    return c


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


def test_keys_are_unique(con: duckdb.DuckDBPyConnection) -> None:
    keys = {
        "patents": "patent_id",
        "parties": "patent_id, role, sequence",
        "pledges": "patent_id, registration_date",
        "awards": "patent_id, award, year",
        "population": "region_code, year",
    }
    for table, key in keys.items():
        dupes = _one(
            con,
            f"SELECT count(*) FROM (SELECT {key} FROM {table} GROUP BY ALL HAVING count(*) > 1)",
        )
        assert dupes == 0, table


def test_every_reference_points_to_a_patent(con: duckdb.DuckDBPyConnection) -> None:
    for table in ("parties", "pledges", "awards"):
        orphans = _one(con, f"SELECT count(*) FROM {table} t ANTI JOIN patents p USING (patent_id)")
        assert orphans == 0, table


def test_sequences_run_from_one_without_gaps(con: duckdb.DuckDBPyConnection) -> None:
    bad = _one(
        con,
        """SELECT count(*) FROM (
             SELECT patent_id, role, min(sequence) lo, max(sequence) hi, count(*) n
             FROM parties GROUP BY patent_id, role) WHERE lo <> 1 OR hi <> n""",
    )
    assert bad == 0


def test_every_patent_has_applicants_and_inventors(con: duckdb.DuckDBPyConnection) -> None:
    for role in ("applicant", "inventor"):
        missing = _one(
            con,
            f"""SELECT count(*) FROM patents p ANTI JOIN
                (SELECT patent_id FROM parties WHERE role = '{role}') USING (patent_id)""",
        )
        assert missing == 0, role
    # at most 4 applicants and 8 inventors
    assert _one(con, "SELECT max(sequence) FROM parties WHERE role = 'applicant'") == 4
    assert _one(con, "SELECT max(sequence) FROM parties WHERE role = 'inventor'") == 8


def test_dates_are_ordered_and_inside_the_horizon(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, "SELECT count(*) FROM patents WHERE grant_date < application_date") == 0
    assert _one(con, "SELECT count(*) FROM patents WHERE lapse_date <= grant_date") == 0
    assert (
        _one(
            con, "SELECT count(*) FROM patents WHERE lapse_date IS NOT NULL AND grant_date IS NULL"
        )
        == 0
    )
    assert _one(
        con, "SELECT max(greatest(application_date, grant_date, lapse_date)) FROM patents"
    ) <= date(2023, 12, 31)
    assert (
        _one(
            con,
            "SELECT count(*) FROM pledges p JOIN patents USING (patent_id) WHERE registration_date < grant_date OR registration_date >= coalesce(lapse_date, DATE '2024-01-01')",
        )
        == 0
    )
    assert (
        _one(
            con,
            "SELECT count(*) FROM awards a JOIN patents USING (patent_id) WHERE year <= year(grant_date)",
        )
        == 0
    )


def test_grants_are_announced_on_tuesdays(con: duckdb.DuckDBPyConnection) -> None:
    # ISO day of week: Tuesday = 2
    assert _one(con, "SELECT count(*) FROM patents WHERE isodow(grant_date) <> 2") == 0


def test_grant_lags_by_type(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        """SELECT patent_type, median(date_diff('day', application_date, grant_date)) / 30.44
           FROM patents WHERE grant_date >= DATE '2015-01-01' GROUP BY 1"""
    ).fetchall()
    months = dict(rows)
    assert 22 <= months["invention"] <= 34  # about 2-3 years
    assert 6 <= months["utility_model"] <= 12
    assert 4 <= months["design"] <= 8


def test_pct_records(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute(
        """SELECT count(*), count(patent_type), count(grant_date), min(patent_id)
           FROM patents WHERE office = 'WO'"""
    ).fetchone()
    assert row is not None
    n, typed, granted, some_id = row
    assert n > 0 and typed == 0 and granted == 0
    assert some_id.startswith("PCT/CN20")
    # PCT inventors carry a country; other inventors none
    assert (
        _one(
            con,
            """SELECT count(*) FROM parties JOIN patents USING (patent_id)
           WHERE role = 'inventor' AND office = 'WO' AND country IS DISTINCT FROM 'CN'""",
        )
        == 0
    )
    assert (
        _one(
            con,
            """SELECT count(*) FROM parties JOIN patents USING (patent_id)
           WHERE role = 'inventor' AND office = 'CN' AND country IS NOT NULL""",
        )
        == 0
    )
    assert (
        _one(con, "SELECT count(*) FROM patents WHERE office = 'CN' AND patent_type IS NULL") == 0
    )


def test_lapses_fall_on_a_filing_anniversary_or_at_the_end_of_term(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # non-payment: the anniversary of the filing date starting the unpaid year; expiry: 20 years
    off = _one(
        con,
        """SELECT count(*) FROM patents WHERE lapse_date IS NOT NULL
           AND NOT (month(lapse_date) = month(application_date)
                    AND (day(lapse_date) = day(application_date)
                         OR (month(application_date) = 2 AND day(application_date) = 29)))
           AND lapse_date <> grant_date + 1""",
    )
    assert off == 0
    # no invention outlives its 20-year term; some reached it inside the horizon
    assert (
        _one(
            con,
            """SELECT count(*) FROM patents WHERE patent_type = 'invention'
           AND application_date + INTERVAL 20 YEAR <= DATE '2023-12-31'
           AND (lapse_date IS NULL OR lapse_date > application_date + INTERVAL 20 YEAR)""",
        )
        == 0
    )
    assert (
        _one(
            con,
            """SELECT count(*) FROM patents WHERE patent_type = 'invention'
           AND lapse_date = application_date + INTERVAL 20 YEAR""",
        )
        > 0
    )


def test_only_granted_patents_have_owners(con: duckdb.DuckDBPyConnection) -> None:
    assert (
        _one(
            con,
            """SELECT count(*) FROM parties JOIN patents USING (patent_id)
           WHERE role = 'owner' AND grant_date IS NULL""",
        )
        == 0
    )
    shares = con.execute(
        """WITH g AS (SELECT patent_id FROM patents WHERE grant_date IS NOT NULL),
                o AS (SELECT DISTINCT patent_id FROM parties WHERE role = 'owner')
           SELECT avg((o.patent_id IS NULL)::INT) FROM g LEFT JOIN o USING (patent_id)"""
    ).fetchone()
    assert shares is not None
    assert 0.10 < shares[0] < 0.20  # calibration.NO_OWNER_ROWS_SHARE = 0.15


def test_explicit_region_codes_are_a_minority_and_agree_with_addresses(
    con: duckdb.DuckDBPyConnection,
) -> None:
    share = _one(
        con, "SELECT avg((region_code IS NOT NULL)::INT) FROM parties WHERE role = 'applicant'"
    )
    assert 0.10 < share < 0.20  # calibration: 15 % of applicant rows
    for d in DISTRICTS:
        wrong = _one(
            con,
            f"""SELECT count(*) FROM parties WHERE address LIKE '%上海%{d.name}%'
                AND region_code IS NOT NULL AND region_code <> '{d.code}'""",
        )
        assert wrong == 0, d.name


def test_applicants_spread_over_the_16_districts_with_pudong_first(
    con: duckdb.DuckDBPyConnection,
) -> None:
    counts = {
        d.name: _one(
            con,
            f"""SELECT count(*) FROM parties WHERE role = 'applicant' AND sequence = 1
                AND address LIKE '%{d.name}%'""",
        )
        for d in DISTRICTS
    }
    assert all(n > 0 for n in counts.values())
    assert max(counts, key=lambda k: counts[k]) == "浦东新区"


def test_co_applicants_elsewhere_in_china_hong_kong_and_abroad(
    con: duckdb.DuckDBPyConnection,
) -> None:
    countries = dict(
        con.execute(
            "SELECT country, count(*) FROM parties WHERE role = 'applicant' GROUP BY 1"
        ).fetchall()
    )
    for c in ("CN", "HK", "KR", "JP", "US"):
        assert countries.get(c, 0) > 0, c
    assert countries.get(None, 0) > 0  # some rows without a country
    assert _one(con, "SELECT count(*) FROM parties WHERE address LIKE '韩国%'") > 0
    assert _one(con, "SELECT count(*) FROM parties WHERE address LIKE '江苏省%'") > 0
    foreign_without_address = _one(
        con,
        "SELECT count(*) FROM parties WHERE country IN ('KR', 'JP', 'US') AND address IS NULL",
    )
    assert foreign_without_address > 0


def test_entities_are_reused_across_many_patents(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute(
        """SELECT count(DISTINCT patent_id), count(DISTINCT address), max(n) FROM (
             SELECT patent_id, address, count(*) OVER (PARTITION BY name) n
             FROM parties WHERE role = 'applicant')"""
    ).fetchone()
    assert row is not None
    patents, addresses, top = row
    assert addresses < patents / 3
    assert top > 100  # a heavy filer


def test_distinct_entities_grow_sub_linearly_with_scale() -> None:
    small = build_entities(1, 0.01, make_plan(0.01, (2015, 2023)).total)
    large = build_entities(1, 0.1, make_plan(0.1, (2015, 2023)).total)
    # pools grow as scale ** 0.6 (ENTITY_POOLS): 10 ** 0.6 = 3.98, far below 10
    assert 3.0 < large.count / small.count < 5.0
    assert len(large.addresses) < 6 * len(small.addresses)


def test_family_countries_and_ipc(con: duckdb.DuckDBPyConnection) -> None:
    values = {r[0] for r in con.execute("SELECT DISTINCT family_countries FROM patents").fetchall()}
    assert {"CN", "CN;WO", "CN;US", "CN;US;EP"} <= values
    assert (
        _one(
            con,
            "SELECT count(*) FROM patents WHERE family_countries IS NOT NULL AND patent_type <> 'invention'",
        )
        == 0
    )
    assert (
        _one(con, "SELECT count(*) FROM patents WHERE patent_type = 'design' AND ipc IS NOT NULL")
        == 0
    )
    bad_ipc = _one(
        con,
        r"""SELECT count(*) FROM patents WHERE ipc IS NOT NULL AND NOT regexp_full_match(
              ipc, '[A-H]\d\d[A-Z]\d{1,3}/\d{2,4}(;[A-H]\d\d[A-Z]\d{1,3}/\d{2,4}){0,3}')""",
    )
    assert bad_ipc == 0


def test_pledge_amounts_and_awards(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute(
        """SELECT min(amount_cny), avg((amount_cny >= 10000000)::INT),
                  count(*) FILTER (WHERE amount_cny % 10000 <> 0) FROM pledges"""
    ).fetchone()
    assert row is not None
    low, big_share, unrounded = row
    assert low >= 100_000 and unrounded == 0
    assert 0.05 < big_share < 0.30
    awards = {r[0] for r in con.execute("SELECT DISTINCT award FROM awards").fetchall()}
    assert {"中国专利优秀奖", "上海市专利奖"} <= awards
    assert (
        _one(con, "SELECT count(*) FROM awards WHERE award = '中国专利银奖' AND year < 2018") == 0
    )


def test_every_title_is_marked_synthetic(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, "SELECT count(*) FROM patents WHERE NOT starts_with(title, '[合成样例]')") == 0
