"""What the patent-XML readers share: the document loop, the accounting and the batching.

A subclass parses one document into a :class:`PatentRecord` or raises :class:`DocumentProblem`
(the document becomes a reject) or :class:`NotAPatent` (it is skipped). Every document the file
holds ends up in exactly one of: the patents batches, ``report.rejects``, ``report.skipped``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from ipcity.sources.base import BATCH_ROWS, Note, Reader, string_batch
from ipcity.sources.xmlfragment import DocumentProblem
from ipcity.sources.xmlsplit import RawDocument, split_documents

Row = dict[str, str | None]


class NotAPatent(Exception):
    """A document that is not a patent (a sequence listing, ...): skipped with this reason."""

    def __init__(self, reason: str, key: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.key = key


@dataclass
class PatentRecord:
    patent: Row
    parties: list[Row] = field(default_factory=list)


class _Buffer:
    """Rows of one table collected column-wise until a batch is full."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns = columns
        self._reset()

    def _reset(self) -> None:
        self.values: dict[str, list[str | None]] = {c: [] for c in self.columns}
        self.records: list[int] = []

    def add(self, row: Row, record: int) -> None:
        for c in self.columns:
            self.values[c].append(row.get(c))
        self.records.append(record)

    def __len__(self) -> int:
        return len(self.records)

    def flush(self) -> pa.RecordBatch:
        batch = string_batch(self.values, self.records)
        self._reset()
        return batch


class Sequencer:
    """Party sequence numbers within one role of one patent: the document's own number when it
    gives a usable one, else the next free position (keys must stay unique)."""

    def __init__(self) -> None:
        self.used: set[int] = set()

    def next(self, given: str | None) -> int:
        number: int | None = None
        if given and given.strip().isdigit():
            number = int(given)
        if number is None or number < 1 or number in self.used:
            number = max(self.used, default=0) + 1
        self.used.add(number)
        return number


class XmlPatentReader(Reader):
    """Base of the readers of files of patent XML documents."""

    nulls_mean_unknown = True  # a document states only what it knows

    primary_table = "patents"
    # The canonical columns every patent-office XML document fills (the same for each office).
    patent_columns: tuple[str, ...] = (
        "patent_id",
        "office",
        "patent_type",
        "application_date",
        "grant_date",
        "ipc",
        "family_countries",
        "title",
    )
    party_columns: tuple[str, ...] = ("patent_id", "role", "sequence", "name", "address", "country")

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        #: named entities defined nowhere, kept as text (reported as warnings at the end)
        self.unknown_entities: Counter[str] = Counter()

    def parse(self, doc: RawDocument) -> PatentRecord:
        raise NotImplementedError

    def batches(self) -> Iterator[tuple[str, pa.RecordBatch]]:
        self.unknown_entities.clear()
        patents = _Buffer(self.patent_columns)
        parties = _Buffer(self.party_columns)
        for doc in split_documents(self.path):
            self.report.records += 1
            try:
                record = self.parse(doc)
            except NotAPatent as skip:
                self.report.skipped.append(Note(doc.number, skip.reason, skip.key))
                continue
            except DocumentProblem as problem:
                self.report.rejects.append(Note(doc.number, problem.reason, problem.key))
                continue
            if len(patents) >= BATCH_ROWS:
                yield "patents", patents.flush()
            patents.add(record.patent, doc.number)
            for row in record.parties:
                if len(parties) >= BATCH_ROWS:
                    yield "parties", parties.flush()
                parties.add(row, doc.number)
        if len(patents):
            yield "patents", patents.flush()
        if len(parties):
            yield "parties", parties.flush()
        for name, count in self.unknown_entities.most_common(20):
            self.report.warnings.append(
                f"undefined entity &{name}; kept as literal text ({count} times)"
            )
