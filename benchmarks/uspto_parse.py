"""USPTO grant XML: grants per second of ipcity's reader against a full-tree lxml baseline.

Builds a weekly-file-sized input by repeating the real sample files (../shared/data/real/
uspto-grant-xml) into a temporary directory, reads it with

* ``UsptoGrantReader`` (cuts ``<us-bibliographic-data-grant>`` out of each document's bytes and
  parses only that), and
* the baseline: the same reader, splitter, field extraction and batching, but each document
  parsed whole with lxml (what a straightforward reader does),

checks that both give the same patent ids, and appends the result to the "USPTO XML parsing"
section of docs/benchmarks.md. Rates are per CPU second of this process (the target is
per core; the machine is shared, so wall-clock rates are also shown).

    .venv/bin/python benchmarks/uspto_parse.py [--grants 5000] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psutil
from lxml import etree

from ipcity.sources.uspto import BIBLIO, GRANT_ROOT, UsptoGrantReader, grant_record
from ipcity.sources.xmlfragment import DocumentProblem
from ipcity.sources.xmlreader import NotAPatent, PatentRecord
from ipcity.sources.xmlsplit import RawDocument

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO.parent / "shared" / "data" / "real" / "uspto-grant-xml"
DOC = REPO / "docs" / "benchmarks.md"
SECTION = "## USPTO XML parsing"
TARGET = 4000  # grants per second per core
_FULL_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
)


class FullTreeReader(UsptoGrantReader):
    """The baseline: every document parsed whole, then the same extraction."""

    def parse(self, doc: RawDocument) -> PatentRecord:
        if doc.root != GRANT_ROOT:
            raise NotAPatent(f"not a patent: {doc.root}")
        try:
            root = etree.fromstring(doc.data, _FULL_PARSER)
        except etree.LxmlError as exc:
            raise DocumentProblem(f"malformed XML: {exc}") from exc
        biblio = root.find(BIBLIO)
        if biblio is None:
            raise DocumentProblem(f"no <{BIBLIO}> element")
        return grant_record(biblio)


def build_input(directory: Path, grants: int) -> tuple[Path, int, int]:
    """A file of the sample documents repeated until it holds at least ``grants`` grants."""
    files = sorted(SAMPLES.glob("ipg*.xml")) + sorted(SAMPLES.glob("US*.xml"))
    if not files:
        raise SystemExit(f"no sample files in {SAMPLES}")
    one_round = b"".join(f.read_bytes() for f in files)
    per_round = sum(1 for _ in _ids(UsptoGrantReader, _write(directory / "one.xml", one_round)))
    rounds = -(-grants // per_round)
    path = directory / "ipg-bench.xml"
    with path.open("wb") as out:
        for _ in range(rounds):
            out.write(one_round)
    return path, rounds * per_round, len(files)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _ids(reader_class: Callable[[Path], UsptoGrantReader], path: Path) -> list[str]:
    ids: list[str] = []
    for table, batch in reader_class(path).batches():
        if table == "patents":
            ids += batch.column("patent_id").to_pylist()
    return ids


def measure(
    reader_class: Callable[[Path], UsptoGrantReader], path: Path
) -> tuple[list[str], float, float]:
    """Patent ids, CPU seconds, wall seconds."""
    cpu, wall = time.process_time(), time.perf_counter()
    ids = _ids(reader_class, path)
    return ids, time.process_time() - cpu, time.perf_counter() - wall


def machine() -> str:
    memory = psutil.virtual_memory().total / 2**30
    return (
        f"{os.cpu_count()} cores, {memory:.0f} GB, {platform.machine()}, "
        f"Python {platform.python_version()}, lxml {'.'.join(map(str, etree.LXML_VERSION))}"
    )


def write_section(row: str, header: str) -> None:
    """Append ``row`` to this benchmark's section (created when missing); other sections of
    the file belong to other benchmarks and are left as they are."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    if SECTION not in text:
        text = text.rstrip("\n") + "\n\n" + header + row + "\n"
    else:
        start = text.index(SECTION)
        following = text.find("\n## ", start + len(SECTION))
        end = len(text) if following < 0 else following + 1
        section = text[start:end].rstrip("\n") + "\n" + row + "\n"
        rest = text[end:]
        text = text[:start] + section + ("\n" + rest if rest else "")
    DOC.write_text(text, encoding="utf-8")


HEADER = f"""{SECTION}

`benchmarks/uspto_parse.py`: grants read per CPU second by `UsptoGrantReader` (cuts
`<us-bibliographic-data-grant>` out of each document's bytes, drops the citation lists, parses
the rest with lxml) against the same reader parsing every document whole with lxml (full-tree
baseline), on one input built by repeating the real sample files
(../shared/data/real/uspto-grant-xml: DTD 4.0-4.5, ~74 kB per document). Both must give the
same patent ids. Target: at least {TARGET:,} grants per second per core. Wall-clock rates are
lower when other jobs share the machine. "Peak RSS" is the process's peak memory while
streaming the input (the file is never read whole).

"""
COLUMNS = (
    "date",
    "machine",
    "input",
    "grants",
    "reader (grants/CPU-s)",
    "reader (grants/wall-s)",
    "full-tree lxml (grants/CPU-s)",
    "ratio",
    "same ids",
    "peak RSS",
)
HEADER += "| " + " | ".join(COLUMNS) + " |\n" + "|---" * len(COLUMNS) + "|\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grants", type=int, default=5000)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ipcity-uspto-bench-") as tmp:
        path, grants, nfiles = build_input(Path(tmp), args.grants)
        size_mb = path.stat().st_size / 2**20
        # Warm-up: imports that happen on first use (pyarrow loads pandas) are not parsing.
        small = sorted(SAMPLES.glob("US*.xml"))[0]
        _ids(UsptoGrantReader, small), _ids(FullTreeReader, small)
        ids, cpu, wall = measure(UsptoGrantReader, path)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        base_ids, base_cpu, base_wall = measure(FullTreeReader, path)
    rate, base_rate = len(ids) / cpu, len(base_ids) / base_cpu
    same = ids == base_ids and len(ids) == grants
    print(f"input: {grants} grants from {nfiles} sample files, {size_mb:.0f} MB")
    print(f"reader:    {rate:8.0f} grants/CPU-s  {len(ids) / wall:8.0f} grants/wall-s")
    print(f"full tree: {base_rate:8.0f} grants/CPU-s  {len(base_ids) / base_wall:8.0f} /wall-s")
    print(f"ratio {rate / base_rate:.1f}x, same ids: {same}, peak RSS {peak_mb:.0f} MB")
    print(f"target {TARGET} grants/s per core: {'met' if rate >= TARGET else 'NOT met'}")
    row = (
        f"| {dt.date.today().isoformat()} | {machine()} | {nfiles} sample files repeated, "
        f"{size_mb:.0f} MB | {grants:,} | {rate:,.0f} | {len(ids) / wall:,.0f} | "
        f"{base_rate:,.0f} | {rate / base_rate:.1f}x | {'yes' if same else 'NO'} | "
        f"{peak_mb:.0f} MB |"
    )
    if not args.no_write:
        write_section(row, HEADER)
        print(f"appended to {DOC.relative_to(REPO)}")
    if not same:
        raise SystemExit("the reader and the baseline disagree on the patent ids")


if __name__ == "__main__":
    main()
