"""The strategic-emerging-industry (SEI) concordance: loading it, and matching IPC symbols.

Version 2 reads the table the way CNIPA's 《战略性新兴产业分类与国际专利分类参照关系表（2021）
（试行）》 writes it (``*`` levels, exact subgroups, ``不含`` exclusions, 关键词 qualifiers): the
parsing is ``ipcity.sources.ipc``, where the warehouse checks the cells on ingest too. 关键词
qualifiers restrict a row under ``sei_keyword_rule = "title"`` (docs/indicators.md).

Matching is a join on normalised level keys (class ``G06``, subclass ``G06F``, main group
``G06F3``, subgroup ``G06F3/01``): every symbol of a patent is cut into its four keys once and
joined to the patterns, so 1,689 patterns cost one hash join, not 1,689 predicates.

Version 1 (``sei_table = "ai-subset-v1"``) keeps its character-prefix matching unchanged, so
figures published under it can be reproduced.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import unicodedata
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from ipcity.indicators.config import (
    LEGACY_SEI_TABLE,
    DefinitionConfig,
    default_sei_concordance,
    normalise_prefix,
    sei_table_text,
)
from ipcity.sources.ipc import Row, rows_from_cells

TRANSCRIPTION_LABEL = (
    "CNIPA 战略性新兴产业分类与国际专利分类参照关系表（2021）（试行）, 国知办函规字〔2021〕121号 "
    "- third-party transcription shipped with ipcity (sei-ipc-concordance-2021.csv)"
)
LEGACY_LABEL = "CNIPA 2021 table, artificial-intelligence rows only (ipcity definition version 1)"
CHECK_WARNING = (
    "the SEI criterion used ipcity's shipped transcription of the CNIPA 2021 concordance "
    "(third-party, not the official attachment of 国知办函规字〔2021〕121号): check it "
    "against the official table before publishing, or load the official table into the "
    "warehouse (table sei_concordance)"
)
LEGACY_WARNING = (
    "the warehouse has no sei_concordance rows: the strategic-emerging-industry criterion "
    "used ipcity's small shipped concordance (artificial intelligence only); load the full "
    "CNIPA table for official figures"
)

# Whitespace as both engines' regex dialects understand it, plus the ideographic space.
WHITESPACE = "[\\s\u3000]+"
_ASCII = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz/;"
_FULLWIDTH = "".join(chr(ord(c) + 0xFEE0) for c in _ASCII)


@dataclass(frozen=True)
class Concordance:
    """A parsed concordance. ``legacy``: version 1's character prefixes (``prefixes``)."""

    name: str
    source: str  # shipped | warehouse
    rows: tuple[Row, ...] = ()
    legacy: bool = False
    prefixes: tuple[tuple[str, str], ...] = ()  # (prefix, branch), legacy only
    problems: tuple[str, ...] = ()

    def summary(self) -> dict[str, object]:
        if self.legacy:
            return {
                "table": self.name,
                "source": self.source,
                "matching": "character prefix (definition version 1)",
                "prefixes": len({p for p, _ in self.prefixes}),
            }
        return {
            "table": self.name,
            "source": self.source,
            "matching": "IPC level (class, subclass, main group, exact subgroup)",
            "branches": len({r.branch for r in self.rows}),
            "patterns": len(self.rows),
            "exclusions": sum(len(r.exclusions) for r in self.rows),
            "keyword_rows": sum(1 for r in self.rows if r.keywords.text),
        }

    @property
    def empty(self) -> bool:
        return not (self.prefixes if self.legacy else self.rows)


def branch_label(code: str | None, name: str | None) -> str:
    code = unicodedata.normalize("NFKC", code or "").strip()
    name = unicodedata.normalize("NFKC", name or "").strip()
    if name and not code.endswith(name):
        return f"{code} {name}".strip()
    return code


def _csv_records(text: str) -> list[dict[str, str | None]]:
    """Records of CSV text in the transcription's layout (``branch_code``, ``branch_name``,
    ``ipc_pattern``, ``exclusions``, ``keywords``)."""
    return [
        {
            "branch": branch_label(r.get("branch_code"), r.get("branch_name")),
            "ipc": r.get("ipc_pattern"),
            "exclusions": r.get("exclusions"),
            "keywords": r.get("keywords"),
        }
        for r in csv.DictReader(io.StringIO(text))
    ]


def load_csv(text: str, name: str = "CSV") -> Concordance:
    """A concordance from CSV text in the transcription's layout."""
    rows, problems = rows_from_cells(_csv_records(text))
    return Concordance(name=name, source="file", rows=tuple(rows), problems=tuple(problems))


def shipped(cfg: DefinitionConfig) -> Concordance:
    """The concordance the definition ships (``cfg.sei_table``)."""
    if cfg.sei_table == LEGACY_SEI_TABLE:
        prefixes = tuple(
            sorted({(normalise_prefix(p), c) for p, c in default_sei_concordance() if p})
        )
        return Concordance(LEGACY_LABEL, "shipped", legacy=True, prefixes=prefixes)
    return _shipped_table(cfg.sei_table)


@functools.cache
def _shipped_table(name: str) -> Concordance:
    table = load_csv(sei_table_text(name), TRANSCRIPTION_LABEL)
    return dataclasses.replace(table, source="shipped")


def from_warehouse(table: ir.Table, cfg: DefinitionConfig) -> Concordance | None:
    """The user's table loaded into the warehouse (None when it has no rows). Older
    warehouses have only ``ipc_prefix`` and ``category``."""
    cols = ("ipc_prefix", "category", "branch_name", "exclusions", "keywords")
    present = [c for c in cols if c in table.columns]
    data = table.select(*present).to_pyarrow().to_pylist()
    if not data:
        return None
    if cfg.sei_table == LEGACY_SEI_TABLE:
        prefixes = {
            (normalise_prefix(r["ipc_prefix"]), r["category"])
            for r in data
            if r["ipc_prefix"] and normalise_prefix(r["ipc_prefix"])
        }
        return Concordance(
            "warehouse table sei_concordance",
            "warehouse",
            legacy=True,
            prefixes=tuple(sorted(prefixes)),
        )
    records = [
        {
            "branch": branch_label(r.get("category"), r.get("branch_name")),
            "ipc": r.get("ipc_prefix"),
            "exclusions": r.get("exclusions"),
            "keywords": r.get("keywords"),
        }
        for r in data
    ]
    rows, problems = rows_from_cells(records)
    return Concordance(
        "warehouse table sei_concordance", "warehouse", tuple(rows), problems=tuple(problems)
    )


def resolve(table: ir.Table, cfg: DefinitionConfig) -> tuple[Concordance, list[str]]:
    """The warehouse's table when it has rows, else the shipped one; with the warnings."""
    conc = from_warehouse(table, cfg) or shipped(cfg)
    warnings: list[str] = []
    if conc.source == "shipped":
        warnings.append(LEGACY_WARNING if conc.legacy else CHECK_WARNING)
    if conc.problems:
        shown = "; ".join(conc.problems[:5])
        more = f" and {len(conc.problems) - 5} more" if len(conc.problems) > 5 else ""
        warnings.append(f"SEI concordance: {shown}{more}")
    return conc, warnings


# --------------------------------------------------------------------------- Ibis matching
def _no_space(value: ir.StringValue) -> ir.StringValue:
    return value.re_replace(WHITESPACE, "")


def _symbols(patents: ir.Table) -> ir.Table:
    """(``_seipid``, ``sym``): every symbol of ``ipc`` upper-cased, whitespace removed."""
    norm = _no_space(patents.ipc).upper()
    return patents.select(_seipid=patents.patent_id, sym=norm.split(";").unnest())


def _legacy_matches(patents: ir.Table, conc: Concordance) -> ir.Table:
    """Version 1: a symbol starting with a prefix (grouped by length: one substring each)."""
    symbols = _symbols(patents)
    by_length: dict[int, dict[str, set[str]]] = {}
    for prefix, branch in conc.prefixes:
        by_length.setdefault(len(prefix), {}).setdefault(prefix, set()).add(branch)
    parts = []
    for length, group in sorted(by_length.items()):
        table = ibis.memtable(
            {
                "_pfx": [p for p, bs in group.items() for _ in bs],
                "sei_branch": [b for _, bs in group.items() for b in sorted(bs)],
            }
        )
        cut = symbols.mutate(_pfx=symbols.sym.substr(0, length))
        j = cut.join(table, cut._pfx == table._pfx)
        parts.append(j.select(j._seipid, j.sei_branch))
    out = parts[0]
    for p in parts[1:]:
        out = out.union(p)
    return out.distinct()


def _keys(symbols: ir.Table) -> ir.Table:
    """Adds a symbol's four level keys (full-width letters, digits and ``／`` read as ASCII);
    a symbol that is not IPC-shaped gets null keys."""
    s = symbols.sym.translate(_FULLWIDTH, _ASCII).upper()
    head = s.re_extract(r"^([A-H][0-9]{2}[A-Z])", 1).nullif("")
    group = s.re_extract(r"^[A-H][0-9]{2}[A-Z]0*([0-9]{1,4})", 1).nullif("")
    sub = s.re_extract(r"^[A-H][0-9]{2}[A-Z]0*[0-9]{1,4}/([0-9]+)", 1).nullif("")
    sub = sub.re_replace("0+$", "").rpad(2, "0")
    return symbols.mutate(
        _k1=head.substr(0, 3), _k2=head, _k3=head + group, _k4=head + group + "/" + sub
    )


def _memtables(conc: Concordance) -> tuple[ir.Table, ir.Table, ir.Table]:
    """Patterns (key, row, branch, qualified, positive), exclusions (row, key) and keyword
    terms (row, term, positive) as small tables."""
    rows = conc.rows
    patterns = ibis.memtable(
        {
            "_key": [r.pattern.key for r in rows],
            "_row": list(range(len(rows))),
            "sei_branch": [r.branch for r in rows],
            "_qualified": [bool(r.keywords.positive or r.keywords.negative) for r in rows],
            "_needs_hit": [bool(r.keywords.positive) for r in rows],
        }
    )
    ex = [(i, e.key) for i, r in enumerate(rows) for e in r.exclusions]
    exclusions = ibis.memtable(
        {"_xrow": [i for i, _ in ex] or [0], "_xkey": [k for _, k in ex] or ["-"]}
    )
    terms = [
        (i, t, pos)
        for i, r in enumerate(rows)
        for pos, ts in ((True, r.keywords.positive), (False, r.keywords.negative))
        for t in ts
    ]
    term_table = ibis.memtable(
        {
            "_trow": [i for i, _, _ in terms] or [0],
            "_term": [t for _, t, _ in terms] or ["\x00"],
            "_positive": [p for _, _, p in terms] or [True],
        }
    )
    return patterns, exclusions, term_table


def _level_matches(patents: ir.Table, conc: Concordance) -> ir.Table:
    """(``_seipid``, ``_row``, ``sei_branch``, ``_qualified``, ``_needs_hit``) of each
    pattern that a symbol matches and none of the pattern's exclusions takes out. The keys
    are cut and matched on the distinct symbols (IPC has about 75,000 subgroups, a warehouse
    millions of symbol occurrences), then joined back to the patents."""
    patterns, exclusions, _ = _memtables(conc)
    symbols = _symbols(patents)
    keyed = _keys(symbols.select("sym").distinct())
    levels = keyed.mutate(_key=ibis.array([keyed._k1, keyed._k2, keyed._k3, keyed._k4]).unnest())
    m = levels.join(patterns, levels._key == patterns._key)
    cols = ("sym", "_row", "sei_branch", "_qualified", "_needs_hit")
    m = m.select(*cols, "_k1", "_k2", "_k3", "_k4")
    if any(r.exclusions for r in conc.rows):
        x = m.mutate(_xkey=ibis.array([m._k1, m._k2, m._k3, m._k4]).unnest())
        hit = x.join(exclusions, (x._row == exclusions._xrow) & (x._xkey == exclusions._xkey))
        out = hit.select(_xsym=hit.sym, _xr=hit._row).distinct()
        m = m.anti_join(out, [m.sym == out._xsym, m._row == out._xr])
    matched = m.select(*cols).distinct()
    j = symbols.join(matched, symbols.sym == matched.sym)
    return j.select("_seipid", *cols[1:]).distinct()


def _keyword_filter(m: ir.Table, conc: Concordance, titles: ir.Table) -> ir.Table:
    """Keeps the matches of IPC-only rows, and of keyword rows whose title has a positive
    term (when the row has any) and no negative term."""
    _, _, terms = _memtables(conc)
    plain = m.filter(~m._qualified).select("_seipid", "sei_branch")
    q = m.filter(m._qualified)
    t = titles.select(_tpid=titles.patent_id, _title=titles.title)
    qt = q.join(t, q._seipid == t._tpid, how="left")
    hits = qt.join(terms, qt._row == terms._trow)
    hits = hits.filter(hits._title.contains(hits._term))
    found = hits.group_by(["_seipid", "_row"]).aggregate(
        _pos=hits._positive.any(), _neg=(~hits._positive).any()
    )
    found = found.rename(_fpid="_seipid", _frow="_row")
    j = q.join(found, [q._seipid == found._fpid, q._row == found._frow], how="left")
    ok = (~j._needs_hit | j._pos.fill_null(False)) & ~j._neg.fill_null(False)
    kept = j.filter(ok).select("_seipid", "sei_branch")
    return plain.union(kept)


def branches(
    patents: ir.Table, conc: Concordance, cfg: DefinitionConfig, titles: ir.Table
) -> ir.Table:
    """(``_seipid``, ``sei_branch``): each SEI branch a patent (``patent_id``, ``ipc``) is in,
    by the concordance and the definition's keyword rule; ``titles`` has ``patent_id``,
    ``title``."""
    if conc.legacy:
        return _legacy_matches(patents, conc)
    m = _level_matches(patents, conc)
    if cfg.sei_keyword_rule == "title" and any(r.keywords.text for r in conc.rows):
        return _keyword_filter(m, conc, titles).distinct()
    return m.select("_seipid", "sei_branch").distinct()
