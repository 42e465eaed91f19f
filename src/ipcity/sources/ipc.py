"""IPC symbols and patterns as the SEI concordance table writes them, and its cells as rows.

The ``sei_concordance`` table (``ipcity.sources.tables``) is read the way CNIPA's
《战略性新兴产业分类与国际专利分类参照关系表（2021）（试行）》 writes it:

- ``*`` stands for a whole IPC level and everything below it: a class (``G16*``), a subclass
  (``G06F*``) or a main group (``G06F3*`` = G06F 3/00 and its subgroups, never G06F 30/..);
- a symbol without ``*`` is that level when it stops above a subgroup (``G16H`` = the subclass,
  ``H03M13`` = the main group) and the exact subgroup when it has one (``A61B5/0476``: the
  table lists lower subgroups one by one, e.g. G06F9/44 and G06F9/445 as separate exclusions);
- ``不含`` exclusions take a symbol out of the pattern they fall under;
- 关键词 qualifiers are parsed into the terms a title is searched for.

Pure parsing, no engine: the warehouse checks every cell with it on ingest
(:func:`cell_problem`), and ``ipcity.indicators.sei`` matches patents against the rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ipcity.errors import InputError

_CLASS = re.compile(r"^([A-H])(\d{2})$")
_SUBCLASS = re.compile(r"^([A-H]\d{2}[A-Z])$")
_GROUP = re.compile(r"^([A-H]\d{2}[A-Z])0*(\d{1,4})/?(?:00)?\*$|^([A-H]\d{2}[A-Z])0*(\d{1,4})/?$")
_SUBGROUP = re.compile(r"^([A-H]\d{2}[A-Z])0*(\d{1,4})/(\d{2,})$")
_EXCLUDE = re.compile(r"\((?:不含|不包括|不包含|除外|除)([^()]*)\)")
_SPLIT = re.compile(r"[、,;\s]+")
_NEGATIVE = re.compile(r"^(不包括|不包含|不含)")
_TERM_SPLIT = re.compile(r"[、,/]|等")
_PLACEHOLDER = re.compile(r"相关关键词$|关键词$")


def _clean(text: str | None) -> str:
    """NFKC (full-width letters, digits, ``／＊（）；，`` to ASCII) and no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def _subgroup(digits: str) -> str:
    """``010000`` -> ``01``: trailing zeros beyond two digits carry no meaning in IPC."""
    return digits.rstrip("0").ljust(2, "0")


@dataclass(frozen=True)
class Symbol:
    """One IPC pattern: its level and the key a patent symbol must have at that level."""

    level: str  # class | subclass | group | subgroup
    key: str
    text: str  # as written (after NFKC)

    def contains(self, other: Symbol) -> bool:
        return other_key(other, self.level) == self.key


def other_key(s: Symbol, level: str) -> str | None:
    """The key of ``s`` at a level at or above its own (None when ``s`` is above ``level``)."""
    order = ("class", "subclass", "group", "subgroup")
    if order.index(level) > order.index(s.level):
        return None
    if level == "class":
        return s.key[:3]
    if level == "subclass":
        return s.key[:4]
    if level == "group":
        return s.key.split("/")[0]
    return s.key


def parse_symbol(text: str) -> Symbol:
    """A concordance pattern (``G06F3*``, ``G16H``, ``A61B5/0476``, full-width tolerated)."""
    t = _clean(text)
    if m := _CLASS.match(t.rstrip("*")):
        return Symbol("class", m.group(1) + m.group(2), t)
    if m := _SUBCLASS.match(t.rstrip("*")):
        return Symbol("subclass", m.group(1), t)
    if m := _GROUP.match(t):
        head, num = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return Symbol("group", f"{head}{int(num)}", t)
    if m := _SUBGROUP.match(t):
        return Symbol("subgroup", f"{m.group(1)}{int(m.group(2))}/{_subgroup(m.group(3))}", t)
    raise InputError(
        f"SEI concordance: {text!r} is not an IPC symbol or pattern (expected e.g. G16*, "
        "G06F*, G06F3*, G16H, A61B5/0476)"
    )


@dataclass(frozen=True)
class Keywords:
    """A row's 关键词 qualifier as terms a title is searched for."""

    text: str
    positive: tuple[str, ...]
    negative: tuple[str, ...]

    @classmethod
    def parse(cls, text: str | None) -> Keywords:
        raw = unicodedata.normalize("NFKC", text or "").strip()
        positive: list[str] = []
        negative: list[str] = []
        for item in (i.strip() for i in raw.replace("；", ";").split(";")):
            if not item:
                continue
            target = positive
            if m := _NEGATIVE.match(item):
                target, item = negative, item[m.end() :]
            for piece in _TERM_SPLIT.split(item):
                term = _PLACEHOLDER.sub("", piece.strip())
                if len(term) >= 2 and term not in target:
                    target.append(term)
        return cls(raw, tuple(positive), tuple(negative))


@dataclass(frozen=True)
class Row:
    """One pattern of the table with its exclusions and its row's keyword qualifier."""

    branch: str
    pattern: Symbol
    exclusions: tuple[Symbol, ...]
    keywords: Keywords


def rows_from_cells(records: Iterable[Mapping[str, str | None]]) -> tuple[list[Row], list[str]]:
    """Rows from records with ``branch``, ``ipc`` (one pattern, or a CNIPA cell with several
    symbols and ``（不含…）``), ``exclusions`` and ``keywords``. An exclusion goes to the
    patterns of its record that contain it (never to a pattern equal to it: the table lists
    some symbols both as a pattern and under a wider pattern's exclusions)."""
    out: list[Row] = []
    problems: list[str] = []
    for rec in records:
        cell = _clean(rec.get("ipc"))
        if not cell:
            continue
        excluded_text = ";".join(m.group(1) for m in _EXCLUDE.finditer(cell))
        # A symbol ends at its ``*``: "G06F3*G06F4*" (spaces removed) is two patterns.
        cell = re.sub(r"\*(?=[A-H])", "*;", _EXCLUDE.sub(";", cell))
        extra = _clean(rec.get("exclusions"))
        patterns = [parse_symbol(p) for p in _SPLIT.split(cell.replace("、", ";")) if p]
        exclusions = [
            parse_symbol(e)
            for e in _SPLIT.split(f"{excluded_text};{extra}".replace("、", ";"))
            if e
        ]
        keywords = Keywords.parse(rec.get("keywords"))
        branch = rec.get("branch") or ""
        for e in exclusions:
            if not any(p.contains(e) and p != e for p in patterns):
                problems.append(f"exclusion {e.text} of branch {branch} lies under none of its row")
        for p in patterns:
            mine = tuple(e for e in exclusions if p.contains(e) and e != p)
            out.append(Row(branch, p, mine, keywords))
    return out, problems


def cell_problem(ipc: str | None, exclusions: str | None) -> str | None:
    """Why a concordance cell cannot be read (None when it can): checked on ingest."""
    try:
        rows_from_cells([{"ipc": ipc, "exclusions": exclusions}])
    except InputError as exc:
        return str(exc)
    return None
