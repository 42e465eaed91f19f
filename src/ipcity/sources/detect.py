"""Which reader handles a file: canonical tables by file name, patent-office XML by content."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ipcity.errors import InputError
from ipcity.sources.base import Reader
from ipcity.sources.tables import TABLES, table_for_filename

TABLE_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".xlsx": "xlsx",
}
XML_SNIFF = 8192


def xml_kind(path: Path) -> str | None:
    """'uspto' or 'cnipa' from the first bytes of an XML file, else None."""
    with path.open("rb") as f:
        head = f.read(XML_SNIFF)
    if b"us-patent-grant" in head or b"sequence-cwu" in head:
        return "uspto"
    if b"cn-patent-document" in head or b"PatentDocumentAndRelated" in head:
        return "cnipa"
    return None


def reader_for(path: Path) -> Reader:
    """The reader for one file; InputError (one line) when the file cannot be ingested."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: empty file")
    suffix = path.suffix.lower()
    if suffix == ".xml":
        kind = xml_kind(path)
        if kind == "uspto":
            from ipcity.sources.uspto import UsptoGrantReader

            return UsptoGrantReader(path)
        if kind == "cnipa":
            from ipcity.sources.cnipa import CnipaReader

            return CnipaReader(path)
        raise InputError(f"{path}: XML that is neither USPTO grant XML nor CNIPA XML")
    fmt = TABLE_SUFFIXES.get(suffix)
    if fmt is None:
        raise InputError(
            f"{path}: unsupported file type '{suffix or 'none'}' "
            "(expected .csv, .parquet, .xlsx or patent-office .xml)"
        )
    table = table_for_filename(path.stem)
    if table is None:
        names = ", ".join(sorted(TABLES))
        raise InputError(
            f"{path}: cannot tell the table from the file name (expected one of: {names})"
        )
    if fmt == "csv":
        from ipcity.sources.canonical import CsvReader

        return CsvReader(path, table)
    if fmt == "parquet":
        from ipcity.sources.canonical import ParquetReader

        return ParquetReader(path, table)
    from ipcity.sources.canonical import XlsxReader

    return XlsxReader(path, table)


def is_candidate(path: Path) -> bool:
    """Files a directory walk offers to the ingest (others are reported as ignored)."""
    suffix = path.suffix.lower()
    if path.name.startswith(".") or path.name.startswith("~$"):  # hidden, Excel lock files
        return False
    if suffix == ".xml":
        return True
    return suffix in TABLE_SUFFIXES and table_for_filename(path.stem) is not None


def expand(paths: Iterable[Path]) -> Iterator[tuple[Path, bool]]:
    """Files to ingest in order: (path, explicitly named). Directories are walked recursively
    in sorted order; within a directory, lookup tables come first so they are in place."""
    for p in paths:
        if p.is_dir():
            found = sorted(
                (f for f in p.rglob("*") if f.is_file()),
                key=lambda f: (str(f.parent), _table_rank(f), f.name),
            )
            yield from ((f, False) for f in found)
        else:
            yield p, True


_ORDER = ("population", "sei_concordance", "patents", "publications")


def _table_rank(path: Path) -> int:
    table = table_for_filename(path.stem)
    if table is not None and table.name in _ORDER:
        return _ORDER.index(table.name)
    return len(_ORDER)
