"""Reading a patent-office XML file whole in the reader tests, checking the batch contract."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from ipcity.sources.base import RECORD, ReadReport
from ipcity.sources.xmlreader import XmlPatentReader

Row = dict[str, Any]
# Written out here (not taken from the readers) so that a changed column list fails the tests.
PATENT_COLUMNS = [
    "patent_id",
    "office",
    "patent_type",
    "application_date",
    "grant_date",
    "ipc",
    "family_countries",
    "title",
    RECORD,
]
PARTY_COLUMNS = ["patent_id", "role", "sequence", "name", "address", "country", RECORD]


def read_all(
    reader: XmlPatentReader, *, all_text: bool = False
) -> tuple[list[Row], list[Row], ReadReport]:
    """All rows of the reader's file, checking on the way each batch's columns (and with
    ``all_text`` that every column but the record number is text) and that every record is
    counted once: read, rejected or skipped."""
    patents: list[Row] = []
    parties: list[Row] = []
    for table, batch in reader.batches():
        assert batch.schema.field(RECORD).type == pa.int64()
        if all_text:
            for name in batch.schema.names:
                if name != RECORD:
                    assert batch.schema.field(name).type == pa.string()
        if table == "patents":
            assert batch.schema.names == PATENT_COLUMNS
            patents += batch.to_pylist()
        else:
            assert table == "parties"
            assert batch.schema.names == PARTY_COLUMNS
            parties += batch.to_pylist()
    report = reader.report
    assert report.records == len(patents) + len(report.rejects) + len(report.skipped)
    return patents, parties, report
