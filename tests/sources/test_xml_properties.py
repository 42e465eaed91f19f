"""Properties of the XML readers over many generated inputs: every document is accounted for,
nothing but InputError ever escapes, and the streaming splitter cuts exactly where a reference
split does whatever the read size."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipcity.errors import InputError
from ipcity.sources import xmlsplit
from ipcity.sources.cnipa import CnipaReader
from ipcity.sources.uspto import UsptoGrantReader
from ipcity.sources.xmlreader import XmlPatentReader

DECLARATION = re.compile(rb"<\?xml\s")
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def documents(path: Path) -> list[bytes]:
    data = path.read_bytes()
    starts = [m.start() for m in DECLARATION.finditer(data)]
    return [data[a:b] for a, b in zip(starts, [*starts[1:], len(data)], strict=True)]


@cache
def uspto_pool(root: Path) -> list[tuple[bytes, str | None]]:
    """(document, its expected outcome): the patent id when it loads, None when skipped."""
    d = root / "real" / "uspto-grant-xml"
    weekly = documents(d / "ipg060103.small.xml")
    # documents 1 (design USD0513425), 3 (SIR USH0002140) and 13 (a sequence listing: skipped)
    pool = [(weekly[0], "USD0513425"), (weekly[2], "USH0002140"), (weekly[12], None)]
    pool.append((documents(d / "US08930553.xml")[0], "US08930553"))
    pool.append((documents(d / "ipg050104.small.xml")[0], "US06836899"))
    return pool


@cache
def cnipa_pool(root: Path) -> list[tuple[bytes, str | None]]:
    d = root / "real" / "cnipa-xml"
    return [
        ((d / "cn_old1.xml").read_bytes(), "CN201410408762.5"),
        ((d / "cn_old3.xml").read_bytes(), "CN201480000788.4"),
        ((d / "cn_new2.xml").read_bytes(), "CN202110991218.8"),
    ]


@contextmanager
def temp_file(data: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "input.xml"
        path.write_bytes(data)
        yield path


def run(reader: XmlPatentReader) -> tuple[list[str], int]:
    """Loaded patent ids and the number of parties rows; InputError propagates."""
    ids: list[str] = []
    parties = 0
    for table, batch in reader.batches():
        if table == "patents":
            ids += batch.column("patent_id").to_pylist()
        else:
            parties += batch.num_rows
    r = reader.report
    assert r.records == len(ids) + len(r.rejects) + len(r.skipped)
    return ids, parties


def check_concatenation(
    reader_class: type[XmlPatentReader],
    pool: list[tuple[bytes, str | None]],
    picks: list[int],
    cut_fraction: float | None,
) -> None:
    chosen = [pool[i] for i in picks]
    data = b"".join(doc for doc, _ in chosen)
    cut = len(data) if cut_fraction is None else int(len(data) * cut_fraction)
    with temp_file(data[:cut]) as path:
        reader = reader_class(path)
        try:
            ids, _ = run(reader)
        except InputError:
            assert not data[:cut].strip(), "only an empty cut may be refused as a whole"
            return
    report = reader.report
    whole = []  # documents entirely before the cut (their trailing newline may be cut)
    offset = 0
    for doc, expected in chosen:
        if offset + len(doc.rstrip()) <= cut:
            whole.append(expected)
        offset += len(doc)
    if cut == len(data):
        assert ids == [e for e in whole if e is not None]
        assert len(report.skipped) == whole.count(None)
        assert report.rejects == []
        assert report.records == len(chosen)
        return
    # A cut document is rejected (or skipped when its root says it is no patent); a cut that
    # leaves less than a whole "<?xml " makes the previous document end in junk (rejected).
    assert len(whole) <= report.records <= len(whole) + 1
    loaded_expected = [e for e in whole if e is not None]
    assert set(ids) <= set(loaded_expected)
    assert ids == [e for e in loaded_expected if e in ids]  # order kept
    assert len(ids) >= len(loaded_expected) - 1


@pytest.mark.shared
@SETTINGS
@given(
    picks=st.lists(st.integers(0, 4), min_size=1, max_size=6),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_uspto_concatenations_and_truncations(
    shared_data: Path, picks: list[int], cut: float | None
) -> None:
    check_concatenation(UsptoGrantReader, uspto_pool(shared_data), picks, cut)


@pytest.mark.shared
@SETTINGS
@given(
    picks=st.lists(st.integers(0, 2), min_size=1, max_size=5),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_cnipa_concatenations_and_truncations(
    shared_data: Path, picks: list[int], cut: float | None
) -> None:
    check_concatenation(CnipaReader, cnipa_pool(shared_data), picks, cut)


@SETTINGS
@given(
    junk=st.one_of(
        st.binary(max_size=400),
        st.binary(max_size=400).map(lambda b: b"<" + b),
        st.binary(max_size=400).map(lambda b: b'<?xml version="1.0"?>\n<us-patent-grant>' + b),
        st.text(max_size=200).map(
            lambda t: ("<?xml version='1.0'?><cn-patent-document>" + t).encode()
        ),
    ),
    reader_class=st.sampled_from([UsptoGrantReader, CnipaReader]),
)
def test_junk_raises_nothing_but_input_error(
    junk: bytes, reader_class: type[XmlPatentReader]
) -> None:
    with temp_file(junk) as path:
        try:
            run(reader_class(path))
        except InputError as exc:
            assert "\n" not in str(exc)


@pytest.mark.shared
@SETTINGS
@given(
    index=st.integers(0, 4),
    where=st.floats(0, 1),
    length=st.integers(0, 64),
    filler=st.binary(max_size=64),
)
def test_damaged_documents_never_raise(
    shared_data: Path, index: int, where: float, length: int, filler: bytes
) -> None:
    pool = uspto_pool(shared_data)
    doc = pool[index][0]
    at = int(len(doc) * where)
    damaged = doc[:at] + filler + doc[at + length :]
    with temp_file(pool[(index + 1) % len(pool)][0] + damaged) as path:
        reader = UsptoGrantReader(path)
        run(reader)  # checks that every document is accounted for
    # the intact document, then the damaged one (unless the damage removed its declaration)
    assert reader.report.records in (1, 2)


@pytest.mark.shared
@SETTINGS
@given(
    chunk=st.integers(1, 4096),
    windows=st.integers(1, 8),
    cut=st.integers(0, 60_000),
)
def test_splitter_matches_a_reference_split(
    shared_data: Path, chunk: int, windows: int, cut: int
) -> None:
    # Small reads make every seam case happen: a declaration split between two reads, a
    # document longer than LONG (collected in parts), longer than MAX_DOCUMENT (head kept).
    long_ = chunk * windows  # as in production, LONG is a few reads
    data = (shared_data / "real" / "uspto-grant-xml" / "ipg060103.small.xml").read_bytes()
    data = data[: 120_000 + cut]
    starts = [m.start() for m in DECLARATION.finditer(data)]
    reference = [data[a:b] for a, b in zip(starts, [*starts[1:], len(data)], strict=True)]
    limit = 60_000
    with (
        temp_file(data) as path,
        mock.patch.object(xmlsplit, "CHUNK", chunk),
        mock.patch.object(xmlsplit, "LONG", long_),
        mock.patch.object(xmlsplit, "MAX_DOCUMENT", limit),
    ):
        docs = list(xmlsplit.split_documents(path))
    assert len(docs) == len(reference)
    for doc, ref in zip(docs, reference, strict=True):
        if len(ref) <= limit:
            assert doc.data == ref
            assert not doc.oversized
        else:  # only the head is kept; completeness is still judged on the real end
            assert doc.oversized and doc.data == ref[:limit]
        assert doc.complete == ref.rstrip().endswith(b"</" + doc.root.encode() + b">")


@pytest.mark.shared
def test_oversized_document_keeps_its_bibliographic_data(shared_data: Path, tmp_path: Path) -> None:
    """A document above MAX_DOCUMENT (huge sequence listings) is read from its head."""
    src = shared_data / "real" / "uspto-grant-xml" / "US08927118.xml"  # 675,906 bytes
    path = tmp_path / "big.xml"
    path.write_bytes(src.read_bytes() * 2)
    with (
        mock.patch.object(xmlsplit, "CHUNK", 4096),
        mock.patch.object(xmlsplit, "LONG", 16_384),
        mock.patch.object(xmlsplit, "MAX_DOCUMENT", 100_000),
    ):
        reader = UsptoGrantReader(path)
        ids, _ = run(reader)
    assert ids == ["US08927118", "US08927118"]


@pytest.mark.parametrize("prefix", [b"", b"\xef\xbb\xbf", b"\n\n  "])
def test_declaration_split_only_at_real_declarations(prefix: bytes, tmp_path: Path) -> None:
    """``<?xml-stylesheet`` is a processing instruction, not the start of a document."""
    doc = (
        b'<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" href="a.xsl"?>\n'
        b"<cn-patent-document><x/></cn-patent-document>\n"
    )
    path = tmp_path / "a.xml"
    path.write_bytes(prefix + doc + doc)
    docs = list(xmlsplit.split_documents(path))
    assert [(d.number, d.root, d.complete) for d in docs] == [
        (1, "cn-patent-document", True),
        (2, "cn-patent-document", True),
    ]
