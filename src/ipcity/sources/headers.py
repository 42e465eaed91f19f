"""Map a file's header row to canonical column names (English names or Chinese export aliases)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ipcity.errors import InputError
from ipcity.sources.tables import (
    EMBEDDED_COLUMNS,
    HEADER_ALIASES,
    KNOWN_EXTRA,
    PATENTS,
    TableSpec,
)

# Full-width punctuation that Chinese spreadsheets mix freely with ASCII.
_FULLWIDTH = str.maketrans({"（": "(", "）": ")", "／": "/", "　": " ", "：": ":"})
_DECOR = re.compile(r"[\s*＊:]+")

# Columns required in the *file* (row-level rules, such as patent_type outside WO, are checked
# by validation). ``office`` may be absent from a patents file: it is then derived from the id.
FILE_REQUIRED: dict[str, tuple[str, ...]] = {
    "patents": ("patent_id", "application_date"),
    "parties": ("patent_id", "role", "sequence"),
}


def normalise_header(h: object) -> str:
    text = "" if h is None else str(h)
    return _DECOR.sub("", text.replace("\ufeff", "").translate(_FULLWIDTH)).lower()


@dataclass
class HeaderMap:
    table: TableSpec
    mapping: dict[str, str]  # source header (as in the file) -> canonical name
    unknown: list[str] = field(default_factory=list)

    @property
    def canonical(self) -> list[str]:
        return list(self.mapping.values())

    def warnings(self) -> list[str]:
        if not self.unknown:
            return []
        cols = ", ".join(self.unknown)
        return [f"ignored column(s) not in the {self.table.name} table: {cols}"]


def map_headers(table: TableSpec, headers: list[str], source: str) -> HeaderMap:
    """Canonical name for each header; unknown headers are ignored (reported as a warning).
    Raises InputError when a required column is missing or two headers map to one column."""
    aliases = {normalise_header(k): v for k, v in HEADER_ALIASES.get(table.name, {}).items()}
    allowed = set(table.column_names)
    if table is PATENTS:
        allowed |= EMBEDDED_COLUMNS | KNOWN_EXTRA
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for h in headers:
        key = normalise_header(h)
        name = key if key in allowed else aliases.get(key)
        if name is None or name not in allowed:
            if key:
                unknown.append(str(h))
            continue
        if name in mapping.values():
            first = next(src for src, dst in mapping.items() if dst == name)
            raise InputError(f"{source}: columns '{first}' and '{h}' both mean '{name}'")
        mapping[str(h)] = name
    missing = [
        c for c in FILE_REQUIRED.get(table.name, _required(table)) if c not in mapping.values()
    ]
    if missing:
        found = ", ".join(str(h) for h in headers[:12]) or "none"
        raise InputError(
            f"{source}: not a {table.name} table: missing required column(s) "
            f"{', '.join(missing)} (found: {found})"
        )
    return HeaderMap(table, mapping, unknown)


def _required(table: TableSpec) -> tuple[str, ...]:
    return tuple(c.name for c in table.columns if c.required)
