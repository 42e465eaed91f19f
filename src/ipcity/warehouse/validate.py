"""Typing and validation of staged rows, as DuckDB SQL (one pass, vectorised).

Every canonical table arrives as string columns. ``typed_select`` turns a staging relation into
typed columns plus ``_reason``: NULL for a good row, else the first rule the row breaks, in words
a clerk can act on. The same rules apply whatever the source (CSV, XLSX, Parquet, XML).

The SELECT has three levels so each value is cleaned and parsed once, however many rules look
at it: ``r_<col>`` is the trimmed raw text, ``t_<col>`` the typed value, and the outer level
names the typed values after the canonical columns and adds ``_reason``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import duckdb

from ipcity.sources.base import RECORD
from ipcity.sources.canonical import sql_ident, sql_str
from ipcity.sources.ipc import cell_problem
from ipcity.sources.tables import PATENT_TYPE_ALIASES, ROLE_ALIASES, TableSpec

MIN_YEAR, MAX_YEAR = 1800, 2100
DATE_FORMATS = (
    "%Y/%m/%d",
    "%Y%m%d",
    "%Y.%m.%d",
    "%Y年%m月%d日",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
)


def r(col: str) -> str:
    """The trimmed raw text of a column (NULL when empty)."""
    return sql_ident(f"r_{col}")


def t(col: str) -> str:
    """The typed value of a column."""
    return sql_ident(f"t_{col}")


def parse_date(raw: str) -> str:
    """ISO first (fast path), then the forms Chinese and US exports use."""
    tries = ", ".join(f"try_strptime({raw}, {sql_str(f)})::DATE" for f in DATE_FORMATS)
    return f"coalesce(try_cast({raw} AS DATE), {tries})"


def parse_int(raw: str) -> str:
    # Spreadsheets store 3 as 3.0; thousands separators appear in hand-made files.
    d = f"try_cast(replace({raw}, ',', '') AS DOUBLE)"
    return f"(CASE WHEN {d} = floor({d}) AND abs({d}) < 1e15 THEN CAST({d} AS BIGINT) END)"


def parse_float(raw: str) -> str:
    return f"try_cast(replace(replace({raw}, ',', ''), '，', '') AS DOUBLE)"


def alias_case(raw: str, aliases: dict[str, str]) -> str:
    whens = " ".join(f"WHEN {sql_str(k)} THEN {sql_str(v)}" for k, v in aliases.items())
    return f"(CASE lower({raw}) {whens} END)"


def list_text(raw: str) -> str:
    """';'-separated lists: Chinese exports mix ；，, and stray spaces."""
    return f"nullif(trim(regexp_replace({raw}, '\\s*[；;，,]\\s*', ';', 'g'), '; '), '')"


PARSERS: dict[str, Callable[[str], str]] = {
    "date": parse_date,
    "int": parse_int,
    "float": parse_float,
    "str": lambda raw: raw,
}
HINTS = {
    "date": " (expected a date such as 2022-12-31)",
    "int": " (expected a whole number)",
    "float": " (expected a number)",
}


class Rules:
    """Typed expression per column (over ``r_<col>``) and ordered ``(condition, reason)``
    checks (over ``r_``/``t_`` names)."""

    def __init__(self, provided: Sequence[str]) -> None:
        self.provided = [c for c in provided if c != RECORD]
        self.exprs: dict[str, str] = {}
        self.checks: list[tuple[str, str]] = []

    def has(self, col: str) -> bool:
        return col in self.exprs

    def typed(self, col: str, expr: str) -> None:
        self.exprs[col] = expr

    def check(self, condition: str, reason_sql: str) -> None:
        self.checks.append((condition, reason_sql))

    def malformed(self, col: str, kind: str) -> None:
        """A value was given but does not parse."""
        self.check(
            f"{r(col)} IS NOT NULL AND {t(col)} IS NULL",
            f"'malformed {col} ''' || {r(col)} || '''{HINTS.get(kind, '')}'",
        )


def _typed_by_kind(rules: Rules, table: TableSpec) -> None:
    for c in table.columns:
        if c.name in rules.provided and c.name not in rules.exprs:
            expr = PARSERS[c.kind](r(c.name))
            if c.kind == "date":  # an impossible year is a typo, not a date
                expr = f"(CASE WHEN year({expr}) BETWEEN {MIN_YEAR} AND {MAX_YEAR} THEN {expr} END)"
            rules.typed(c.name, expr)


def _generic_checks(rules: Rules, table: TableSpec, derived: set[str]) -> None:
    for c in table.columns:
        if c.name not in rules.exprs:
            continue
        if c.required and c.name not in derived:
            rules.check(f"{r(c.name)} IS NULL", sql_str(f"missing {c.name}"))
        if c.kind != "str" and c.name not in derived:
            rules.malformed(c.name, c.kind)


def _patents(rules: Rules) -> set[str]:
    derived = set()
    if "office" in rules.provided:
        rules.typed("office", f"upper({r('office')})")
    else:  # not given: 'CN2023...' -> CN, a bare Chinese application number -> CN
        pid = r("patent_id")
        rules.typed(
            "office",
            f"(CASE WHEN regexp_matches({pid}, '^[A-Za-z]{{2}}') THEN upper({pid}[1:2]) "
            f"WHEN regexp_matches({pid}, '^[0-9]') THEN 'CN' END)",
        )
        derived.add("office")
    if "patent_type" in rules.provided:
        rules.typed("patent_type", alias_case(r("patent_type"), PATENT_TYPE_ALIASES))
    if "ipc" in rules.provided:
        rules.typed("ipc", list_text(r("ipc")))
    if "family_countries" in rules.provided:
        rules.typed("family_countries", f"upper({list_text(r('family_countries'))})")
    return derived


def _patents_checks(rules: Rules) -> None:
    office = t("office")
    rules.check(f"{office} IS NULL", "'missing office'")
    rules.check(
        f"NOT regexp_matches({office}, '^[A-Z]{{2}}$')",
        f"'unknown office ''' || {office} || ''' (expected a two-letter office code such as "
        "CN, US, EP, WO)'",
    )
    if rules.has("patent_type"):
        rules.check(
            f"{r('patent_type')} IS NOT NULL AND {t('patent_type')} IS NULL",
            f"'unknown patent_type ''' || {r('patent_type')} || ''' (expected invention, "
            "utility_model, design, plant or other)'",
        )
        rules.check(
            f"{t('patent_type')} IS NULL AND {office} <> 'WO'",
            "'missing patent_type (required outside office WO)'",
        )
    else:
        rules.check(f"{office} <> 'WO'", "'missing patent_type (required outside office WO)'")
    app = t("application_date")
    if rules.has("grant_date"):
        rules.check(f"{t('grant_date')} < {app}", "'grant_date before application_date'")
    if rules.has("lapse_date"):
        rules.check(f"{t('lapse_date')} < {app}", "'lapse_date before application_date'")
        if rules.has("grant_date"):
            rules.check(f"{t('lapse_date')} < {t('grant_date')}", "'lapse_date before grant_date'")
    if rules.has("term_end_date"):
        rules.check(f"{t('term_end_date')} <= {app}", "'term_end_date not after application_date'")


def _country(rules: Rules, col: str = "country") -> None:
    if col not in rules.provided:
        return
    # Two-letter codes are upper-cased here; names such as 中国 / Japan stay as text and are
    # mapped (or rejected) by ``post_validate``: the lookup is a join, which this pass avoids.
    rules.typed(
        col,
        f"(CASE WHEN regexp_matches(upper({r(col)}), '^[A-Z]{{2}}$') THEN upper({r(col)}) "
        f"ELSE {r(col)} END)",
    )


def _region(rules: Rules, allow_country: bool = False) -> None:
    if "region_code" not in rules.provided:
        return
    rc = r("region_code")
    pattern = "^([0-9]{6}|[A-Z]{2})$" if allow_country else "^[0-9]{6}$"
    rules.typed("region_code", f"upper({rc})")
    rules.check(
        f"{rc} IS NOT NULL AND NOT regexp_matches({t('region_code')}, '{pattern}')",
        f"'malformed region_code ''' || {rc} || ''' (expected a six-digit GB/T 2260 code)'",
    )


def _coords(rules: Rules) -> None:
    for col, bound in (("latitude", 90), ("longitude", 180)):
        if rules.has(col):
            rules.check(f"abs({t(col)}) > {bound}", f"'{col} out of range (±{bound})'")


def typed_select(
    table: TableSpec,
    provided: Sequence[str],
    source_sql: str,
    passthrough: Sequence[str] = (),
    *,
    numbered: bool = True,
) -> str:
    """SELECT over ``source_sql`` giving ``_record``, the typed provided columns under their
    canonical names, ``passthrough`` columns as they are, and ``_reason``. ``numbered``: the
    source has ``_record``; else it is NULL here and the caller numbers rows by position.
    The SELECT has no join, window or sort, so materialising it keeps the source's order;
    checks that need a lookup table run afterwards in ``post_validate``."""
    rules = Rules(provided)
    derived: set[str] = set()
    if table.name == "patents":
        derived = _patents(rules)
    elif table.name == "parties":
        rules.typed("role", alias_case(r("role"), ROLE_ALIASES))
        _country(rules)
        _region(rules)
    elif table.name == "authors":
        _country(rules)
    elif table.name == "sei_concordance":
        rules.typed("ipc_prefix", f"upper(regexp_replace({r('ipc_prefix')}, '\\s+', '', 'g'))")
    elif table.name == "population":
        _region(rules, allow_country=True)
    elif table.name == "families":
        rules.typed("office", f"upper({r('office')})")
    _typed_by_kind(rules, table)
    _generic_checks(rules, table, derived)
    if table.name == "patents":
        _patents_checks(rules)
    elif table.name == "parties":
        rules.check(
            f"{r('role')} IS NOT NULL AND {t('role')} IS NULL",
            f"'unknown role ''' || {r('role')} || ''' (expected applicant, owner or inventor)'",
        )
        rules.check(f"{t('sequence')} < 1", "'sequence must be 1 or more'")
        _coords(rules)
    elif table.name == "authors":
        _coords(rules)
    elif table.name == "pledges":
        rules.check(f"{t('amount_cny')} < 0", "'amount_cny is negative'")
    elif table.name == "population":
        rules.check(f"{t('population')} <= 0", "'population must be positive'")
    elif table.name == "families":
        office = t("office")
        rules.check(
            f"NOT regexp_matches({office}, '^[A-Z]{{2}}$')",
            f"'unknown office ''' || {office} || ''' (expected a two-letter code such as US)'",
        )
    if rules.has("year"):
        rules.check(
            f"{t('year')} NOT BETWEEN {MIN_YEAR} AND {MAX_YEAR}",
            f"'year out of range ({MIN_YEAR}-{MAX_YEAR})'",
        )
    raw_cols = [c for c in rules.provided if c in table.column_names]
    level1 = ", ".join(
        [
            RECORD if numbered else f"NULL::BIGINT AS {RECORD}",
            *(f"nullif(trim({sql_ident(c)}), '') AS {r(c)}" for c in raw_cols),
            *(sql_ident(p) for p in passthrough),
        ]
    )
    level2 = ", ".join(f"{expr} AS {t(name)}" for name, expr in rules.exprs.items())
    reason = "CASE " + " ".join(f"WHEN {c} THEN {why}" for c, why in rules.checks) + " END"
    outer = ", ".join(
        [
            RECORD,
            *(f"{t(name)} AS {sql_ident(name)}" for name in rules.exprs),
            *(sql_ident(p) for p in passthrough),
            f"{reason} AS _reason",
        ]
    )
    return f"SELECT {outer} FROM (SELECT *, {level2} FROM (SELECT {level1} FROM ({source_sql})))"


def typed_columns(table: TableSpec, provided: Sequence[str]) -> list[str]:
    """The typed columns ``typed_select`` produces, in table order."""
    have = set(provided)
    if table.name == "patents":
        have.add("office")
    return [c for c in table.column_names if c in have]


ISO2 = "'^[A-Z]{2}$'"


def post_validate(con: duckdb.DuckDBPyConnection, typed: str) -> None:
    """The checks that need a lookup table, as updates of the few rows concerned: country names
    mapped to ISO codes (else rejected) and region codes the gazetteer does not know."""
    cols = {row[0] for row in con.execute(f"DESCRIBE {typed}").fetchall()}
    if "country" in cols:
        from ipcity.warehouse.regions import map_country_names

        map_country_names(
            con, f"SELECT country FROM {typed} WHERE NOT regexp_matches(country, {ISO2})"
        )
        con.execute(
            f"UPDATE {typed} SET country = m.iso FROM country_names m "
            f"WHERE {typed}.country = m.raw AND NOT regexp_matches({typed}.country, {ISO2})"
        )
        con.execute(
            f"UPDATE {typed} SET _reason = 'malformed country ''' || country || "
            "''' (expected ISO 3166 alpha-2 such as CN, HK, US)' "
            f"WHERE _reason IS NULL AND NOT regexp_matches(country, {ISO2})"
        )
    if "region_code" in cols:
        con.execute(
            f"UPDATE {typed} SET _reason = 'unknown region_code ''' || region_code || "
            "''' (not a GB/T 2260 code)' "
            "WHERE _reason IS NULL AND regexp_matches(region_code, '^[0-9]{6}$') "
            "AND region_code NOT IN (SELECT code FROM known_region_codes)"
        )
    if "ipc_prefix" in cols:  # sei_concordance: every pattern and exclusion must read as IPC
        _sei_patterns(con, typed, "exclusions" in cols)


def _sei_patterns(con: duckdb.DuckDBPyConnection, typed: str, with_exclusions: bool) -> None:
    excl = "exclusions" if with_exclusions else "NULL"
    rows = con.execute(
        f"SELECT DISTINCT ipc_prefix, {excl} FROM {typed} WHERE _reason IS NULL"
    ).fetchall()
    for ipc, exclusions in rows:
        problem = cell_problem(ipc, exclusions)
        if problem is not None:
            con.execute(
                f"UPDATE {typed} SET _reason = ? WHERE _reason IS NULL AND ipc_prefix = ? "
                f"AND {excl} IS NOT DISTINCT FROM ?",
                [problem, ipc, exclusions],
            )
