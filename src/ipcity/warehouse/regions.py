"""Region attribution of parties inside the warehouse (set-based, each address resolved once).

Precedence (the same as ``ipcity.geo.resolve.attribute``, which tests hold it to):
1. an explicit, valid ``region_code`` wins; an empty country is filled from it (81 -> HK,
   82 -> MO, 71 -> TW, else CN);
2. else the address: its region is used when the country is empty or agrees with the region's
   country ("otherwise country decides"); a foreign country found in the address fills an
   empty country;
3. else no region.
``region_from`` / ``country_from`` record which rule gave the value, so a later file that does
not carry those columns keeps only what was *given*, and the rest is re-derived.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from ipcity.sources.canonical import sql_ident
from ipcity.sources.tables import PARTIES

RESOLVE_CHUNK = 200_000


def ensure_known_codes(con: duckdb.DuckDBPyConnection) -> None:
    """A temp table of every GB/T 2260 code the gazetteer knows (validation checks against it)."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'known_region_codes' AND temporary"
    ).fetchall()[0]
    if exists and exists[0]:
        return
    from ipcity.geo.gazetteer import regions

    codes = pa.table({"code": pa.array(sorted(regions()), type=pa.string())})
    con.register("_known_codes_arrow", codes)
    con.execute("CREATE TEMP TABLE known_region_codes AS SELECT code FROM _known_codes_arrow")
    con.unregister("_known_codes_arrow")


def map_country_names(con: duckdb.DuckDBPyConnection, values_sql: str | None) -> None:
    """Fill the temp table ``country_names`` (raw text -> ISO alpha-2) for the country values
    of ``values_sql`` that are not already two-letter codes: 中国, Japan, 韩国 ..."""
    from ipcity.geo.countries import normalize_country

    con.execute("CREATE TEMP TABLE IF NOT EXISTS country_names (raw VARCHAR, iso VARCHAR)")
    if values_sql is None:
        return
    raws = [
        r[0]
        for r in con.execute(
            f"""SELECT DISTINCT v FROM (SELECT nullif(trim(country), '') AS v FROM ({values_sql}))
                WHERE v IS NOT NULL AND NOT regexp_matches(upper(v), '^[A-Z]{{2}}$')
                AND v NOT IN (SELECT raw FROM country_names)"""
        ).fetchall()
    ]
    pairs = [(raw, normalize_country(raw)) for raw in raws]
    known = [(raw, iso) for raw, iso in pairs if iso]
    if known:
        con.executemany("INSERT INTO country_names VALUES (?, ?)", known)


def resolve_new_addresses(con: duckdb.DuckDBPyConnection, addresses_sql: str) -> int:
    """Resolve the distinct addresses of ``addresses_sql`` not yet in ``address_regions``
    (or resolved by an older resolver version) and remember them. Returns how many."""
    from ipcity.geo.resolve import RESOLVER_VERSION, resolve_addresses

    todo = [
        r[0]
        for r in con.execute(
            f"""SELECT DISTINCT address FROM ({addresses_sql}) a
                WHERE address IS NOT NULL AND address NOT IN (
                    SELECT address FROM address_regions WHERE resolver = ?)""",
            [RESOLVER_VERSION],
        ).fetchall()
    ]
    for start in range(0, len(todo), RESOLVE_CHUNK):
        chunk = todo[start : start + RESOLVE_CHUNK]
        places = resolve_addresses(chunk)
        batch = pa.table(
            {
                "address": pa.array(chunk, type=pa.string()),
                "region_code": pa.array([p.region_code for p in places], type=pa.string()),
                "country": pa.array([p.country for p in places], type=pa.string()),
                "level": pa.array([p.level for p in places], type=pa.string()),
            }
        )
        con.register("_resolved_arrow", batch)
        con.execute(
            "DELETE FROM address_regions WHERE address IN (SELECT address FROM _resolved_arrow)"
        )
        con.execute(
            "INSERT INTO address_regions SELECT address, region_code, country, level, ? "
            "FROM _resolved_arrow",
            [RESOLVER_VERSION],
        )
        con.unregister("_resolved_arrow")
    return len(todo)


def _country_of(code: str) -> str:
    return (
        f"(CASE left({code}, 2) WHEN '81' THEN 'HK' WHEN '82' THEN 'MO' WHEN '71' THEN 'TW' "
        "ELSE 'CN' END)"
    )


def _given(col: str, provided: list[str], old: bool) -> str:
    """The *given* value of region_code/country after merging with the old row."""
    frm = "region_from" if col == "region_code" else "country_from"
    if col in provided:
        return f"n.{col}"  # (XML sources never give region codes; countries they do state)
    if old:
        return f"(CASE WHEN o.{frm} = 'given' THEN o.{col} END)"
    return "NULL"


def insert_parties(
    con: duckdb.DuckDBPyConnection,
    src: str,
    provided: list[str],
    existing: str | None,
    run_id: int,
    *,
    keep_old: bool = False,
    where: str = "n._reason IS NULL",
) -> None:
    """INSERT good rows of ``src`` into parties with regions attributed. Columns the file did not
    provide come from the old rows in ``existing`` (same key) when given."""
    on = " AND ".join(f"o.{k} = n.{k}" for k in PARTIES.key)
    plain = ["patent_id", "role", "sequence", "name", "address", "latitude", "longitude"]
    merged = []
    for c in plain:
        if c in provided and keep_old and c not in PARTIES.key:
            merged.append(f"coalesce(n.{c}, o.{c}) AS {c}")
        elif c in provided:
            merged.append(f"n.{c} AS {c}")
        elif existing is not None:
            merged.append(f"o.{c} AS {c}")
        else:
            merged.append(f"NULL AS {c}")
    old = existing is not None
    merged.append(f"{_given('region_code', provided, old)} AS gc")
    merged.append(f"{_given('country', provided, old)} AS gcty")
    join = f"LEFT JOIN {existing} o ON {on}" if existing else ""
    m = f"SELECT {', '.join(merged)} FROM {src} n {join} WHERE {where}"
    resolve_new_addresses(con, f"SELECT address FROM ({m})")
    from_address = "(ar.region_code IS NOT NULL AND (m.gcty IS NULL OR m.gcty = ar.country))"
    cols = [*plain, "region_code", "region_from", "country", "country_from", "run_id"]
    con.execute(
        f"""INSERT INTO parties ({", ".join(sql_ident(c) for c in cols)})
            SELECT {", ".join("m." + c for c in plain)},
              CASE WHEN m.gc IS NOT NULL THEN m.gc WHEN {from_address} THEN ar.region_code END,
              CASE WHEN m.gc IS NOT NULL THEN 'given' WHEN {from_address} THEN 'address' END,
              coalesce(m.gcty, CASE WHEN m.gc IS NOT NULL THEN {_country_of("m.gc")} END,
                       ar.country),
              CASE WHEN m.gcty IS NOT NULL THEN 'given' WHEN m.gc IS NOT NULL THEN 'region'
                   WHEN ar.country IS NOT NULL THEN 'address' END,
              {run_id}
            FROM ({m}) m LEFT JOIN address_regions ar ON ar.address = m.address"""
    )
