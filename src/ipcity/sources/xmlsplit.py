"""Split a file of concatenated XML documents into documents, streaming.

Patent offices publish weekly files that are many XML documents written one after another, each
with its own ``<?xml ...?>`` declaration (USPTO ``ipgYYMMDD.xml``: ~7,000 grants, up to 1 GB).
Such a file is not one XML document, so no XML parser can read it whole; and reading it into
memory is not an option. This module scans the bytes for the declarations (a fast ``find``), and
hands out one document at a time. A document larger than ``MAX_DOCUMENT`` bytes (huge sequence
listings) is not held whole: only its first ``MAX_DOCUMENT`` bytes are kept (the bibliographic
data sits at the start) while the rest is scanned for the next declaration.

Files may also be ``.zip`` (how the USPTO distributes them: the ``.xml`` members are read in
order) or gzip-compressed; this is recognised from the first bytes, not the name.
"""

from __future__ import annotations

import gzip
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ipcity.errors import InputError

CHUNK = 1 << 20  # 1 MiB: larger reads are slower (fresh pages for each big buffer, measured)
LONG = 4 * CHUNK  # a document longer than this is collected in parts, not by growing a window
MAX_DOCUMENT = 64 << 20
_TAIL = 1024  # bytes kept from the end of an oversized document to see whether it is complete
_DECL = b"<?xml"
_WS = b" \t\r\n"
_BOM_UTF8 = b"\xef\xbb\xbf"

_PROLOG_ITEM = re.compile(
    rb"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>",
    re.S,
)
# The rest of a start tag after its name; possessive so a tag cut off never backtracks.
TAG_REST = rb"(?:[^'\">]++|\"[^\"]*+\"|'[^']*+')*+>"
_ROOT_START = re.compile(rb"<([A-Za-z_][\w.:-]*+)" + TAG_REST)
_ENCODING = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_ENTITY_DECL = re.compile(rb"<!ENTITY\s+([A-Za-z_][\w.-]*)\s+(?:\"([^\"]*)\"|'([^']*)')\s*>")


@dataclass(frozen=True)
class RawDocument:
    """One document of a file, as bytes, with what its prolog says."""

    number: int  # 1-based position in the file
    data: bytes  # the whole document, or its first MAX_DOCUMENT bytes when it is larger
    root: str | None  # qualified name of the root element; None when there is no element
    root_start: bytes  # the root element's start tag (carries namespace declarations)
    encoding: str | None  # as declared, None when not declared (then UTF-8)
    complete: bool  # the root element is closed at the end of the document
    oversized: bool = False
    entities: dict[bytes, bytes] = field(default_factory=dict)  # internal-subset declarations


def split_documents(path: Path) -> Iterator[RawDocument]:
    """The documents of ``path`` in order. Raises InputError (before yielding anything) when the
    file cannot be opened, is empty, or does not start like XML; everything wrong inside is left
    for the caller to find in the documents (``complete``, ``root``, parse errors)."""
    stream = _open(path)
    try:
        yield from _split(stream, path)
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
        # A compressed file that breaks off mid-way or a disk error while streaming.
        raise InputError(f"cannot read {path.name}: {exc}") from exc
    finally:
        stream.close()


def _open(path: Path) -> BinaryIO:
    try:
        f: BinaryIO = path.open("rb")
        magic = f.read(4)
        f.seek(0)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if magic[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=f, mode="rb")  # type: ignore[return-value]
    if magic == b"PK\x03\x04":
        f.close()
        return _ZipMembers(path)  # type: ignore[return-value]
    return f


class _ZipMembers:
    """The ``.xml`` members of a zip archive read one after another as one stream."""

    def __init__(self, path: Path) -> None:
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(f"cannot read {path.name} as a zip archive: {exc}") from exc
        self._names = [
            n for n in self._zip.namelist() if n.lower().endswith(".xml") and not n.endswith("/")
        ]
        if not self._names:
            self._zip.close()
            raise InputError(f"zip archive {path.name} holds no .xml file")
        self._current: BinaryIO | None = None

    def read(self, size: int) -> bytes:
        while True:
            if self._current is None:
                if not self._names:
                    return b""
                self._current = self._zip.open(self._names.pop(0))  # type: ignore[assignment]
            assert self._current is not None
            data = self._current.read(size)
            if data:
                return data
            self._current.close()
            self._current = None

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
        self._zip.close()


def _split(stream: BinaryIO, path: Path) -> Iterator[RawDocument]:
    window = _first_window(stream, path)
    eof = False
    number = 0
    pos = 0  # start of the current document in ``window``
    search = 1  # where to look for the next declaration
    while True:
        found, search = _next_declaration(window, search, eof)
        if found is not None:
            number += 1
            yield _document(number, window[pos:found])
            pos, search = found, found + 1
            continue
        if eof:
            if window[pos:].strip():
                number += 1
                yield _document(number, window[pos:])
            return
        if len(window) - pos > LONG:
            number += 1
            doc, window = _read_long(stream, number, window[pos:])
            yield doc
            if not window:
                return
            pos, search = 0, 1
            continue
        chunk = stream.read(CHUNK)
        if not chunk:
            eof = True
            continue
        window = window[pos:] + chunk
        search -= pos
        pos = 0


def _first_window(stream: BinaryIO, path: Path) -> bytes:
    window = stream.read(CHUNK)
    while 0 < len(window) < 4:  # a short read: the byte-order mark needs up to 3 bytes
        more = stream.read(CHUNK)
        if not more:
            break
        window += more
    if window.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path.name} is UTF-16 encoded XML; convert it to UTF-8")
    if window.startswith(_BOM_UTF8):
        window = window[len(_BOM_UTF8) :]
    start = len(window) - len(window.lstrip())
    while start == len(window):  # only whitespace so far: read on
        more = stream.read(CHUNK)
        if not more:
            raise InputError(f"{path.name} is empty")
        window = more
        start = len(window) - len(window.lstrip())
    if window[start : start + 1] != b"<":
        head = window[start : start + 20].decode("utf-8", "replace")
        raise InputError(f"{path.name} is not XML (it starts with {head!r})")
    return window[start:]


def _next_declaration(window: bytes, search: int, eof: bool) -> tuple[int | None, int]:
    """Position of the next ``<?xml`` declaration starting at or after ``search`` (an
    ``<?xml-stylesheet`` processing instruction is not one), and where to resume when none is
    found. Scans for the rare ``?`` with memchr speed: ``find(b"<?xml")`` is 4x slower on XML,
    where ``<``, ``x``, ``m`` and ``l`` are everywhere (measured)."""
    n = len(window)
    q = window.find(b"?", search + 1)
    while q >= 0:
        i = q - 1
        if window[i] == 0x3C:  # "<"
            if q + 4 >= n:  # the bytes that decide are not read yet
                if not eof:
                    return None, i
                if window[i:] == _DECL:
                    return i, i
            elif window[q + 1 : q + 4] == b"xml" and window[q + 4] in _WS:
                return i, i
        q = window.find(b"?", q + 1)
    return None, max(search, n - 1)


def _read_long(stream: BinaryIO, number: int, head: bytes) -> tuple[RawDocument, bytes]:
    """Read on to the end of a long document: returns it and the bytes after it. Parts are
    collected and joined once; past MAX_DOCUMENT only the head and the last bytes are kept."""
    parts = [head]
    kept = len(head)  # bytes held in ``parts``
    size = len(head)  # bytes of the document seen so far
    tail = head[-_TAIL:]
    carry = head[-len(_DECL) :]  # a declaration may begin in the last bytes seen
    while True:
        chunk = stream.read(CHUNK)
        window = carry + chunk
        # The document's own declaration (offset 0) is not the next one.
        first = max(0, 1 - (size - len(carry)))
        found, _ = _next_declaration(window, first, eof=not chunk)
        end = len(window) if found is None else found  # document end within ``window``
        if end >= len(carry):
            piece = chunk[: end - len(carry)]
            size += len(piece)
            tail = (tail + piece)[-_TAIL:]
            if kept < MAX_DOCUMENT:
                parts.append(piece)
                kept += len(piece)
        else:  # the declaration began in bytes already counted
            size -= len(carry) - end
            tail = tail[: len(tail) - (len(carry) - end)]
        if found is None and chunk:
            carry = (carry + chunk)[-len(_DECL) :]
            continue
        data = b"".join(parts)[:size]
        rest = window[found:] if found is not None else b""
        if size <= MAX_DOCUMENT:
            return _document(number, data), rest
        return _document(number, data[:MAX_DOCUMENT], tail=tail), rest


def _document(number: int, data: bytes, tail: bytes | None = None) -> RawDocument:
    encoding: str | None = None
    entities: dict[bytes, bytes] = {}
    i = 0
    while True:
        m = _PROLOG_ITEM.match(data, i)
        if not m or m.end() == i:
            break
        item = m.group(0)
        if item.startswith(b"<?xml") and encoding is None:
            e = _ENCODING.match(item)
            if e:
                encoding = e.group(1).decode("ascii")
        elif item.startswith(b"<!DOCTYPE") and b"<!ENTITY" in item:
            for d in _ENTITY_DECL.finditer(item):
                entities[d.group(1)] = d.group(2) if d.group(2) is not None else d.group(3)
        i = m.end()
    start = _ROOT_START.match(data, i)
    if start is None:
        return RawDocument(number, data, None, b"", encoding, False, tail is not None, entities)
    name = start.group(1)
    end = (data if tail is None else tail)[-_TAIL:].rstrip()
    if end.endswith(_BOM_UTF8):  # files joined with ``cat`` carry the next file's BOM
        end = end[: -len(_BOM_UTF8)].rstrip()
    complete = end.endswith(b"</" + name + b">") or (
        re.search(rb"</" + re.escape(name) + rb"\s*>$", end) is not None
    )
    if not complete and start.group(0).endswith(b"/>"):  # <root/>: nothing may follow
        complete = not data[start.end() :].strip()
    return RawDocument(
        number,
        data,
        name.decode("ascii"),
        start.group(0),
        encoding,
        complete,
        tail is not None,
        entities,
    )
