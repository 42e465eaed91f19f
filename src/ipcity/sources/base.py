"""What every reader gives the warehouse.

A reader turns one file into a stream of Arrow record batches per canonical table. Every value
is a string (or null) exactly as found, after light normalisation (dates as ISO ``YYYY-MM-DD``
where the source format is unambiguous); the warehouse types and validates them. Each batch
carries ``_record``: the 1-based number of the record in the file (data row for tables, document
for XML) that produced the row, so rejects can point back into the file.

Rows of secondary tables (``parties`` derived from a patent document or from the ``申请人`` cell of
a wide export) carry the ``_record`` of their patent: if the patent is rejected they go with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

RECORD = "_record"
BATCH_ROWS = 50_000


@dataclass(frozen=True)
class Note:
    """A record a reader rejected (could not parse) or skipped (not for the warehouse)."""

    record: int
    reason: str
    key: str | None = None


@dataclass
class ReadReport:
    """Filled in by a reader while it streams; complete once the iterator is exhausted."""

    records: int = 0  # primary records seen (rows, or XML documents)
    rejects: list[Note] = field(default_factory=list)
    skipped: list[Note] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Reader:
    """Base class: subclasses set ``primary_table`` and implement ``batches``."""

    #: the table the file is about; its records are what read/loaded/rejected/skipped count
    primary_table: str = "patents"
    #: human-readable format name for run records ("csv", "uspto-xml", ...)
    format: str = ""
    #: party roles whose complete list per patent this source carries: on ingest those roles
    #: of each loaded patent are replaced as a set (so a shorter list removes stale rows)
    complete_party_roles: frozenset[str] = frozenset()
    #: True when an empty value means "this document does not say" rather than "empty": a
    #: CNIPA application publication has no grant date, but must not erase the grant date a
    #: grant document already gave. Then an update keeps the stored value for empty fields.
    nulls_mean_unknown: bool = False

    def __init__(self, path: Path) -> None:
        self.path = path
        self.report = ReadReport()

    def batches(self) -> Iterator[tuple[str, pa.RecordBatch]]:
        """Yield ``(table_name, batch)``; batches of a table share one schema of string columns
        plus ``_record`` (int64)."""
        raise NotImplementedError


def string_batch(columns: dict[str, list[str | None]], records: list[int]) -> pa.RecordBatch:
    """Build a batch of string columns plus ``_record`` from Python lists."""
    arrays = [pa.array(v, type=pa.string()) for v in columns.values()]
    names = list(columns)
    arrays.append(pa.array(records, type=pa.int64()))
    names.append(RECORD)
    return pa.RecordBatch.from_arrays(arrays, names=names)
