"""Parse only the part of a document that is needed, and read values from it.

Parsing a whole 70 kB patent grant to read 2 kB of bibliographic data is what makes naive
readers slow. Here the wanted element is cut out of the document's bytes, wrapped in the root's
start tag (which carries the namespace declarations) and parsed alone with lxml: no DTD is
loaded and nothing is fetched. Named entities that the (unloaded) DTD would define are replaced
by their characters: the document's own ``<!ENTITY>`` declarations first, then the HTML5/ISO
entity names (the sets the USPTO DTDs include); an unknown entity is kept as literal text
``&name;`` and counted, never a parse failure.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from html.entities import html5
from typing import cast

from lxml import etree

from ipcity.sources.xmlsplit import TAG_REST, RawDocument

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    remove_comments=True,
    remove_pis=True,
    huge_tree=True,
)
_ENTITY = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z_][\w.-]*);")
_UTF8 = {"utf-8", "utf8", "us-ascii", "ascii"}


class DocumentProblem(Exception):
    """A document that cannot be read: it becomes a reject with this reason."""

    def __init__(self, reason: str, key: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.key = key


def cut_element(data: bytes, start: re.Pattern[bytes], begin: int = 0) -> tuple[int, int] | None:
    """Byte span of the first element whose start tag matches ``start`` (group 1 = its
    qualified name). The element must not contain an element of the same name (true of the
    bibliographic containers read here)."""
    m = start.search(data, begin)
    if m is None:
        return None
    if data[m.end() - 2 : m.end()] == b"/>":
        return m.start(), m.end()
    end_tag = b"</" + m.group(1)
    j = data.find(end_tag, m.end())
    while j >= 0:
        k = j + len(end_tag)
        while k < len(data) and data[k] in b" \t\r\n":
            k += 1
        if k < len(data) and data[k] == ord(">"):
            return m.start(), k + 1
        j = data.find(end_tag, k)
    return None


def start_tag(name: bytes) -> re.Pattern[bytes]:
    """Pattern for the start tag of element ``name`` (a literal qualified name)."""
    return re.compile(rb"<(" + re.escape(name) + rb")(?=[\s/>])" + TAG_REST)


def drop_elements(fragment: bytes, suffixes: tuple[bytes, ...]) -> bytes:
    """Remove, before parsing, the first element whose name ends with each suffix (long
    citation lists): parsing time grows with the bytes parsed. A suffix covers the variants of
    the DTD versions (``references-cited`` is also ``us-references-cited``) with one scan."""
    for suffix in suffixes:
        i = fragment.find(suffix + b">")
        if i < 0:
            continue
        lt = fragment.rfind(b"<", 0, i)
        name = fragment[lt + 1 : i + len(suffix)]
        if lt < 0 or not name[:1].isalpha() or b" " in name:
            continue  # not a plain start tag: leave it to the parser
        close = b"</" + name + b">"
        j = fragment.find(close, i)
        if j < 0:
            continue  # unclosed: the parser will report it
        fragment = fragment[:lt] + fragment[j + len(close) :]
    return fragment


def parse_fragment(
    doc: RawDocument, span: tuple[int, int], unknown_entities: Counter[str], drop: tuple[bytes, ...]
) -> etree._Element:
    """Parse ``doc.data[span]`` inside the root's start tag; returns the cut element."""
    body = drop_elements(doc.data[span[0] : span[1]], drop)
    root_name = doc.root.encode("ascii") if doc.root else b"root"
    fragment = doc.root_start + body + b"</" + root_name + b">"
    if doc.encoding and doc.encoding.lower() not in _UTF8:
        fragment = _to_utf8(fragment, doc.encoding)
    fragment = replace_entities(fragment, doc.entities, unknown_entities)
    try:
        wrapper = etree.fromstring(fragment, _PARSER)
    except etree.LxmlError as exc:
        raise DocumentProblem(f"malformed XML: {_one_line(str(exc))}") from exc
    return wrapper[0] if len(wrapper) else wrapper


def parse_whole(doc: RawDocument, unknown_entities: Counter[str]) -> etree._Element:
    """Parse the whole document (the slow path: for small documents or a fallback)."""
    data = doc.data
    if doc.encoding and doc.encoding.lower() not in _UTF8:
        data = _to_utf8(data, doc.encoding)
        data = re.sub(rb"^(\s*<\?xml[^>]*?)encoding\s*=\s*[\"'][^\"']*[\"']", rb"\1", data)
    data = replace_entities(data, doc.entities, unknown_entities)
    try:
        return etree.fromstring(data, _PARSER)
    except etree.LxmlError as exc:
        raise DocumentProblem(f"malformed XML: {_one_line(str(exc))}") from exc


def _to_utf8(data: bytes, encoding: str) -> bytes:
    try:
        return data.decode(encoding).encode("utf-8")
    except LookupError as exc:  # not a codec, or not a text encoding ("base64")
        raise DocumentProblem(f"unknown character encoding {encoding!r}") from exc
    except UnicodeError as exc:
        raise DocumentProblem(f"text that is not valid {encoding}: {exc}") from exc


def replace_entities(data: bytes, declared: dict[bytes, bytes], unknown: Counter[str]) -> bytes:
    """Named entities other than the five XML ones: a declared entity by its replacement text
    (parsed as XML would), a known HTML5/ISO name by character references, others as text."""
    if _ENTITY.search(data) is None:
        return data

    def sub(m: re.Match[bytes]) -> bytes:
        name = m.group(1)
        value = declared.get(name)
        if value is not None:
            return replace_entities(value, {}, unknown)  # one level of nesting
        text = html5.get(name.decode("ascii") + ";")
        if text is None:
            unknown[name.decode("ascii")] += 1
            return b"&amp;" + name + b";"
        return "".join(f"&#{ord(c)};" for c in text).encode("ascii")

    return _ENTITY.sub(sub, data)


def _one_line(message: str) -> str:
    return " ".join(message.split())


def text(el: etree._Element | None) -> str | None:
    """All text inside ``el`` (markup such as <i> or <sub> dropped), whitespace collapsed."""
    if el is None:
        return None
    # itertext yields str for a tree parsed from bytes (the stubs also allow bytes)
    raw = el.text if not len(el) else "".join(cast(Iterator[str], el.itertext()))
    if not raw:
        return None
    value = raw.strip()
    if "  " in value or "\n" in value or "\t" in value or "\r" in value:
        value = " ".join(value.split())
    return value or None


def child_text(el: etree._Element | None, path: str) -> str | None:
    """Text of the first element at ``path`` below ``el``."""
    if el is None:
        return None
    return text(el.find(path))


def iso_date(value: str | None) -> str | None:
    """``20050104`` -> ``2005-01-04``; anything else is passed on for the warehouse to judge
    (it rejects what is not a date); empty or ``00000000`` (CNIPA's "no date") -> None."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit() and not value.strip("0"):
        return None
    if len(value) == 8 and value.isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return value or None


def join_unique(values: list[str | None]) -> str | None:
    """``;``-joined distinct non-empty values in first-seen order; None when there are none."""
    seen: dict[str, None] = {}
    for v in values:
        if v:
            seen.setdefault(v, None)
    return ";".join(seen) or None


def strip_namespaces(root: etree._Element) -> None:
    """Rename every element to its local name so one set of paths serves any prefix."""
    for el in root.iter():
        tag = el.tag
        if isinstance(tag, str) and tag.startswith("{"):
            el.tag = tag.rsplit("}", 1)[1]
    etree.cleanup_namespaces(root)
