"""Typing and validation of staged rows, as DuckDB SQL (one pass, vectorised).

Every canonical table arrives as string columns. ``typed_select`` turns a staging relation into
typed columns plus ``_reason``: NULL for a good row, else the first rule the row breaks, in words
a clerk can act on. The same rules apply whatever the source (CSV, XLSX, Parquet, XML).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ipcity.sources.base import RECORD
from ipcity.sources.canonical import sql_ident, sql_str
from ipcity.sources.tables import PATENT_TYPE_ALIASES, ROLE_ALIASES, TableSpec

MIN_YEAR, MAX_YEAR = 1800, 2100


def q(name: str) -> str:
    return sql_ident(name)


def clean(col: str) -> str:
    """Trimmed text, NULL for empty."""
    return f"nullif(trim({q(col)}), '')"


def parse_date(col: str) -> str:
    """ISO first (fast path), then the forms Chinese and US exports use."""
    c = clean(col)
    formats = [
        "%Y/%m/%d",
        "%Y%m%d",
        "%Y.%m.%d",
        "%Y年%m月%d日",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y/%m/%d %H:%M:%S",
    ]
    tries = ", ".join(f"try_strptime({c}, {sql_str(f)})::DATE" for f in formats)
    parsed = f"coalesce(try_cast({c} AS DATE), {tries})"
    return f"(CASE WHEN year({parsed}) BETWEEN {MIN_YEAR} AND {MAX_YEAR} THEN {parsed} END)"


def parse_int(col: str) -> str:
    # Spreadsheets store 3 as 3.0; thousands separators appear in hand-made files.
    d = f"try_cast(replace({clean(col)}, ',', '') AS DOUBLE)"
    return f"(CASE WHEN {d} = floor({d}) AND abs({d}) < 1e15 THEN CAST({d} AS BIGINT) END)"


def parse_float(col: str) -> str:
    return f"try_cast(replace(replace({clean(col)}, ',', ''), '，', '') AS DOUBLE)"


def alias_case(expr: str, aliases: dict[str, str]) -> str:
    whens = " ".join(f"WHEN {sql_str(k)} THEN {sql_str(v)}" for k, v in aliases.items())
    return f"(CASE lower({expr}) {whens} END)"


def list_text(col: str) -> str:
    """';'-separated lists: Chinese exports mix ；，, and stray spaces."""
    return f"nullif(trim(regexp_replace({clean(col)}, '\\s*[；;，,]\\s*', ';', 'g'), '; '), '')"


class Rules:
    """Collects ``(typed expression)`` per column and ``(condition, reason)`` checks in order."""

    def __init__(self, provided: Sequence[str]) -> None:
        self.provided = set(provided)
        self.derived: set[str] = set()  # columns computed from others, absent from the file
        self.exprs: dict[str, str] = {}
        self.checks: list[tuple[str, str]] = []

    def has(self, col: str) -> bool:
        return col in self.provided

    def typed(self, col: str, expr: str) -> None:
        self.exprs[col] = expr

    def check(self, condition: str, reason_sql: str) -> None:
        self.checks.append((condition, reason_sql))

    def require(self, col: str) -> None:
        self.check(f"{self.exprs[col]} IS NULL", sql_str(f"missing {col}"))

    def parsed(self, col: str, kind: str) -> None:
        """A value was given but does not parse."""
        self.check(
            f"{clean(col)} IS NOT NULL AND {self.exprs[col]} IS NULL",
            f"'malformed {col} ''' || {clean(col)} || '''' || {sql_str(_hint(kind))}",
        )


def _hint(kind: str) -> str:
    return {
        "date": " (expected a date such as 2022-12-31)",
        "int": " (expected a whole number)",
        "float": " (expected a number)",
    }.get(kind, "")


def _generic(rules: Rules, table: TableSpec) -> None:
    """Type every provided column by its declared kind; required and parse checks."""
    parsers: dict[str, Callable[[str], str]] = {
        "date": parse_date,
        "int": parse_int,
        "float": parse_float,
        "str": clean,
    }
    for c in table.columns:
        if not rules.has(c.name):
            continue
        if c.name not in rules.exprs:
            rules.typed(c.name, parsers[c.kind](c.name))
        if c.required and c.name not in rules.derived:
            rules.check(f"{clean(c.name)} IS NULL", sql_str(f"missing {c.name}"))
        if c.kind != "str":
            rules.parsed(c.name, c.kind)


def _patents(rules: Rules) -> None:
    if rules.has("office"):
        rules.typed("office", f"upper({clean('office')})")
    else:  # not given: 'CN2023...' -> CN, a bare Chinese application number -> CN
        pid = clean("patent_id")
        rules.typed(
            "office",
            f"(CASE WHEN regexp_matches({pid}, '^[A-Za-z]{{2}}') THEN upper({pid}[1:2]) "
            f"WHEN regexp_matches({pid}, '^[0-9]') THEN 'CN' END)",
        )
        rules.provided.add("office")
        rules.derived.add("office")
    if rules.has("patent_type"):
        rules.typed("patent_type", alias_case(clean("patent_type"), PATENT_TYPE_ALIASES))
    for c in ("ipc", "family_countries"):
        if rules.has(c):
            expr = list_text(c)
            rules.typed(c, f"upper({expr})" if c == "family_countries" else expr)


def _patents_checks(rules: Rules) -> None:
    office = rules.exprs["office"]
    rules.check(f"{office} IS NULL", "'missing office'")
    rules.check(
        f"NOT regexp_matches({office}, '^[A-Z]{{2}}$')",
        f"'unknown office ''' || {office} || ''' (expected a two-letter office code such as "
        "CN, US, EP, WO)'",
    )
    if rules.has("patent_type"):
        pt = rules.exprs["patent_type"]
        rules.check(
            f"{clean('patent_type')} IS NOT NULL AND {pt} IS NULL",
            f"'unknown patent_type ''' || {clean('patent_type')} || ''' (expected invention, "
            "utility_model, design, plant or other)'",
        )
        rules.check(
            f"{pt} IS NULL AND {office} <> 'WO'",
            "'missing patent_type (required outside office WO)'",
        )
    else:
        rules.check(f"{office} <> 'WO'", "'missing patent_type (required outside office WO)'")
    app = rules.exprs["application_date"]
    if rules.has("grant_date"):
        rules.check(f"{rules.exprs['grant_date']} < {app}", "'grant_date before application_date'")
    if rules.has("lapse_date"):
        lapse = rules.exprs["lapse_date"]
        rules.check(f"{lapse} < {app}", "'lapse_date before application_date'")
        if rules.has("grant_date"):
            rules.check(f"{lapse} < {rules.exprs['grant_date']}", "'lapse_date before grant_date'")


def _country_check(rules: Rules, col: str = "country") -> None:
    if rules.has(col):
        # Names such as 中国 / Japan map through country_names (filled per run by the ingest).
        mapped = f"(SELECT iso FROM country_names WHERE raw = {clean(col)})"
        rules.typed(col, f"coalesce({mapped}, upper({clean(col)}))")
        rules.check(
            f"{clean(col)} IS NOT NULL AND NOT regexp_matches({rules.exprs[col]}, '^[A-Z]{{2}}$')",
            f"'malformed {col} ''' || {clean(col)} || ''' (expected ISO 3166 alpha-2 such as CN, "
            "HK, US)'",
        )


def _region_check(rules: Rules, allow_country: bool = False) -> None:
    if not rules.has("region_code"):
        return
    rc = clean("region_code")
    pattern = "^([0-9]{6}|[A-Z]{2})$" if allow_country else "^[0-9]{6}$"
    rules.typed("region_code", f"upper({rc})")
    rules.check(
        f"{rc} IS NOT NULL AND NOT regexp_matches(upper({rc}), '{pattern}')",
        f"'malformed region_code ''' || {rc} || ''' (expected a six-digit GB/T 2260 code)'",
    )
    rules.check(
        f"{rc} IS NOT NULL AND regexp_matches({rc}, '^[0-9]{{6}}$') "
        f"AND {rc} NOT IN (SELECT code FROM known_region_codes)",
        f"'unknown region_code ''' || {rc} || ''' (not a GB/T 2260 code)'",
    )


def _coords(rules: Rules) -> None:
    for col, bound in (("latitude", 90), ("longitude", 180)):
        if rules.has(col):
            rules.check(f"abs({rules.exprs[col]}) > {bound}", f"'{col} out of range (±{bound})'")


def _parties(rules: Rules) -> None:
    rules.typed("role", alias_case(clean("role"), ROLE_ALIASES))


def _parties_checks(rules: Rules) -> None:
    rules.check(
        f"{clean('role')} IS NOT NULL AND {rules.exprs['role']} IS NULL",
        f"'unknown role ''' || {clean('role')} || ''' (expected applicant, owner or inventor)'",
    )
    rules.check(f"{rules.exprs['sequence']} < 1", "'sequence must be 1 or more'")
    _country_check(rules)
    _region_check(rules)
    _coords(rules)


def typed_select(table: TableSpec, provided: Sequence[str], source_sql: str) -> str:
    """SELECT over ``source_sql`` giving _record, typed provided columns, _reason."""
    rules = Rules(provided)
    if table.name == "patents":
        _patents(rules)
    elif table.name == "parties":
        _parties(rules)
    elif table.name == "sei_concordance":
        rules.typed("ipc_prefix", f"upper(regexp_replace({clean('ipc_prefix')}, '\\s+', '', 'g'))")
    elif table.name == "population":
        _region_check(rules, allow_country=True)
    _generic(rules, table)
    if table.name == "patents":
        _patents_checks(rules)
    elif table.name == "parties":
        _parties_checks(rules)
    elif table.name == "authors":
        _country_check(rules)
        _coords(rules)
    elif table.name == "pledges":
        rules.check(f"{rules.exprs['amount_cny']} < 0", "'amount_cny is negative'")
    elif table.name == "population":
        rules.check(f"{rules.exprs['population']} <= 0", "'population must be positive'")
    year_cols = [c for c in ("year",) if rules.has(c)]
    for c in year_cols:
        rules.check(
            f"{rules.exprs[c]} NOT BETWEEN {MIN_YEAR} AND {MAX_YEAR}",
            f"'year out of range ({MIN_YEAR}-{MAX_YEAR})'",
        )
    reason = "CASE " + " ".join(f"WHEN {cond} THEN {why}" for cond, why in rules.checks) + " END"
    cols = ", ".join(f"{expr} AS {q(name)}" for name, expr in rules.exprs.items())
    return f"SELECT {RECORD}, {cols}, {reason} AS _reason FROM ({source_sql})"


def typed_columns(table: TableSpec, provided: Sequence[str]) -> list[str]:
    """The typed columns ``typed_select`` produces, in table order."""
    have = set(provided)
    if table.name == "patents":
        have.add("office")
    return [c for c in table.column_names if c in have]
