"""USPTO full-text grant XML (DTD versions 4.0 to 4.5): weekly ``ipgYYMMDD.xml`` files (many
documents concatenated, also ``.zip``/gzip) and single-grant files.

Only ``<us-bibliographic-data-grant>`` is parsed, cut out of each document's bytes with its
citation lists removed (see ``xmlfragment``); field mapping in docs/sources-xml.md.
"""

from __future__ import annotations

import re

from lxml import etree

from ipcity.sources.xmlfragment import (
    DocumentProblem,
    cut_element,
    iso_date,
    join_unique,
    parse_fragment,
    start_tag,
    text,
)
from ipcity.sources.xmlreader import NotAPatent, PatentRecord, Row, Sequencer, XmlPatentReader
from ipcity.sources.xmlsplit import RawDocument

GRANT_ROOT = "us-patent-grant"
BIBLIO = "us-bibliographic-data-grant"
_BIBLIO_START = start_tag(BIBLIO.encode())
# Big and not needed: citations are often half of the bibliographic bytes; the fields of
# search come next (``references-cited``/``us-references-cited``, ``field-of-search``/
# ``us-field-of-classification-search``). Dropping small elements costs more than it saves.
_DROP = (b"references-cited", b"-search")
_QUICK_KEY = re.compile(
    rb"<publication-reference>\s*<document-id>\s*<country>\s*([A-Za-z]*)\s*</country>\s*"
    rb"<doc-number>\s*([^<\s]+)\s*</doc-number>"
)
APPL_TYPES = {"utility": "invention", "design": "design", "plant": "plant"}
_NON_PATENT = {"sequence-cwu": "sequence listing (sequence-cwu)"}
# Patents in a format this reader does not read: rejected (not skipped) so they are not lost.
_UNSUPPORTED = {
    "PATDOC": "grant XML v2.4/v2.5 of 2002-2004 (<PATDOC>) is not supported: DTD 4.x only",
}
_IPCR_SYMBOL = re.compile(r"^([A-H])\s*(\d{1,2})\s*([A-Z])$")
_IPC_FORMATTED = re.compile(r"^([A-H]\d{2}[A-Z])\s*(\d{1,4})\s*/\s*(\d{1,6})")


class UsptoGrantReader(XmlPatentReader):
    """Reads a USPTO grant XML file: ``UsptoGrantReader(path).batches()``."""

    format = "uspto-xml"
    complete_party_roles = frozenset({"applicant", "inventor", "owner"})

    def parse(self, doc: RawDocument) -> PatentRecord:
        if doc.root is None:
            raise DocumentProblem("no XML element in the document (empty or cut off)")
        key = quick_key(doc.data)
        if doc.root in _UNSUPPORTED:
            raise DocumentProblem(_UNSUPPORTED[doc.root], key)
        if doc.root != GRANT_ROOT:
            what = _NON_PATENT.get(doc.root, doc.root)
            raise NotAPatent(f"not a patent: {what}", key)
        if not doc.complete:
            raise DocumentProblem(f"truncated: the document ends before </{GRANT_ROOT}>", key)
        span = cut_element(doc.data, _BIBLIO_START)
        if span is None:
            raise DocumentProblem(f"no <{BIBLIO}> element", key)
        biblio = parse_fragment(doc, span, self.unknown_entities, _DROP)
        try:
            return grant_record(biblio)
        except DocumentProblem as problem:
            problem.key = problem.key or key
            raise


def quick_key(data: bytes) -> str | None:
    """The publication number read by a byte pattern (for notes about unparsable documents)."""
    m = _QUICK_KEY.search(data, 0, 16384)
    if m is None:
        return None
    return (m.group(1) or b"US").decode("ascii").upper() + m.group(2).decode("utf-8", "replace")


def grant_record(biblio: etree._Element) -> PatentRecord:
    """The patents row and parties rows of one ``<us-bibliographic-data-grant>`` element."""
    # One pass over the children: ``find`` with paths costs more than the parse (measured).
    pub = app = title = parties = assignees = ipcr = ipc7 = None
    family: list[str | None] = ["US"]
    pct = False
    for c in biblio:
        tag = c.tag
        if tag == "publication-reference":
            pub = _child(c, "document-id")
        elif tag == "application-reference":
            app = c
        elif tag == "classifications-ipcr":
            ipcr = c
        elif tag == "classification-ipc":
            ipc7 = c
        elif tag == "invention-title" and title is None:
            title = c
        elif tag == "us-parties" or tag == "parties":
            parties = c
        elif tag == "assignees":
            assignees = c
        elif tag == "priority-claims":
            family += [_upper(_fields(p, _COUNTRY).get("country")) for p in c]
        elif tag == "pct-or-regional-filing-data":
            pct = True
    if pct:
        family.append("WO")
    pub_fields = _fields(pub, _DOCUMENT_ID)
    number = pub_fields.get("doc-number")
    if not number:
        raise DocumentProblem(
            "missing publication number (publication-reference/document-id/doc-number)"
        )
    patent_id = (_upper(pub_fields.get("country")) or "US") + number.replace(" ", "")
    app_id = _child(app, "document-id")
    application_date = iso_date(_fields(app_id, _DOCUMENT_ID).get("date"))
    if not application_date:
        raise DocumentProblem(
            "missing application date (application-reference/document-id/date)", patent_id
        )
    appl_type = (app.get("appl-type") or "").strip().lower() if app is not None else ""
    patent: Row = {
        "patent_id": patent_id,
        "office": "US",
        "patent_type": APPL_TYPES.get(appl_type, "other") if appl_type else None,
        "application_date": application_date,
        "grant_date": iso_date(pub_fields.get("date")),
        "ipc": join_unique(ipc_symbols(ipcr, ipc7)),
        "family_countries": join_unique(family),
        "title": text(title),
    }
    return PatentRecord(patent, _parties(parties, assignees, patent_id))


def _fields(el: etree._Element | None, wanted: frozenset[str]) -> dict[str, str | None]:
    """Text of the wanted child elements by tag (first occurrence wins)."""
    out: dict[str, str | None] = {}
    if el is None:
        return out
    for c in el:
        tag = c.tag
        if tag in wanted and tag not in out:
            out[tag] = text(c)
    return out


_DOCUMENT_ID = frozenset({"country", "doc-number", "date"})
_COUNTRY = frozenset({"country"})
_IPCR = frozenset({"section", "class", "subclass", "main-group", "subgroup", "symbol-position"})
_NAMES = frozenset({"orgname", "name", "first-name", "last-name"})
_PLACE = frozenset({"city", "state", "country"})


def _child(el: etree._Element | None, tag: str) -> etree._Element | None:
    """First child named ``tag`` (a plain loop: 3x faster than ``find``, measured)."""
    if el is not None:
        for c in el:
            if c.tag == tag:
                return c
    return None


def _upper(value: str | None) -> str | None:
    return value.upper() if value else None


def ipc_symbols(ipcr: etree._Element | None, ipc7: etree._Element | None) -> list[str | None]:
    """IPC symbols in compact form (``H01L21/00``), main first: from ``classifications-ipcr``
    (IPC 8, DTD 4.1+) or else from ``classification-ipc`` (IPC 7 edition, DTD 4.0)."""
    symbols: list[str | None] = []
    for c in ipcr if ipcr is not None else ():
        f = _fields(c, _IPCR)
        head = f"{f.get('section') or ''}{f.get('class') or ''}{f.get('subclass') or ''}"
        symbol = ipcr_symbol(head, f.get("main-group"), f.get("subgroup"))
        if symbol and f.get("symbol-position") == "F" and symbols:
            symbols.insert(0, symbol)  # the first-position (main) symbol leads
        else:
            symbols.append(symbol)
    if symbols or ipc7 is None:
        return symbols
    for c in ipc7:
        if c.tag == "main-classification":
            symbols.insert(0, ipc7_symbol(c.text))
        elif c.tag == "further-classification":
            symbols.append(ipc7_symbol(c.text))
    return symbols


def ipcr_symbol(subclass: str, main_group: str | None, subgroup: str | None) -> str | None:
    """``H`` ``01`` ``L`` / ``21`` / ``00`` parts -> ``H01L21/00``."""
    m = _IPCR_SYMBOL.match(subclass.strip())
    if m is None:
        return None
    head = f"{m.group(1)}{int(m.group(2)):02d}{m.group(3)}"
    main = (main_group or "").strip()
    sub = (subgroup or "").strip()
    if not main.isdigit():
        return head
    if not sub.isdigit():
        return f"{head}{int(main)}"
    return f"{head}{int(main)}/{sub.zfill(2)}"


def ipc7_symbol(value: str | None) -> str | None:
    """The IPC 7 fixed-width form of DTD 4.0: subclass in columns 1-4, main group right-aligned
    in 5-7, subgroup from 8: ``A45F  504`` -> ``A45F5/04``, ``F25D 2312`` -> ``F25D23/12``."""
    if not value or not value.strip():
        return None
    raw = value.rstrip()
    m = _IPC_FORMATTED.match(raw.strip())
    if m is not None:  # already written with a slash
        return ipcr_symbol(m.group(1), m.group(2), m.group(3))
    main, sub = raw[4:7].strip(), raw[7:].strip()
    if len(raw) >= 9 and main.isdigit() and sub[:2].isdigit():
        digits = re.match(r"\d+", sub)
        return ipcr_symbol(raw[:4], main, digits.group(0) if digits else sub)
    return "".join(raw.split())


def _parties(
    parties: etree._Element | None, assignees: etree._Element | None, patent_id: str
) -> list[Row]:
    """Applicants, inventors and owners of DTD 4.0-4.5: ``<parties>`` (4.0-4.2:
    ``<applicants>``, inventors as ``app-type="applicant-inventor"``) or ``<us-parties>``
    (4.3+: ``<us-applicants>`` and ``<inventors>``), and ``<assignees>``. ``<agents>``
    (attorneys) are no party of the patent."""
    rows: list[Row] = []
    inventor_seq = Sequencer()
    inventor_names: set[str | None] = set()
    applicants: list[etree._Element] = []
    inventors: list[etree._Element] = []
    for group in _elements(parties):
        if group.tag in ("us-applicants", "applicants"):
            applicants += _elements(group)
        elif group.tag == "inventors":  # <inventor> and <deceased-inventor>
            inventors += _elements(group)
    applicant_seq = Sequencer()
    for a in applicants:
        given = a.get("sequence")
        row = _party(a, patent_id, "applicant", applicant_seq.next(given))
        rows.append(row)
        # DTD 4.0-4.2 list inventors only as applicants of type "applicant-inventor".
        if a.get("app-type") == "applicant-inventor":
            rows.append({**row, "role": "inventor", "sequence": str(inventor_seq.next(given))})
            inventor_names.add(row["name"])
    for i in inventors:
        row = _party(i, patent_id, "inventor", 0)
        if row["name"] in inventor_names:
            continue  # already listed as an applicant-inventor
        row["sequence"] = str(inventor_seq.next(i.get("sequence")))
        rows.append(row)
    owner_seq = Sequencer()
    for o in _elements(assignees):
        rows.append(_party(o, patent_id, "owner", owner_seq.next(o.get("sequence"))))
    return rows


def _elements(el: etree._Element | None) -> list[etree._Element]:
    """Child elements (comments and processing instructions are no parties)."""
    return [c for c in el if isinstance(c.tag, str)] if el is not None else []


def _party(el: etree._Element, patent_id: str, role: str, sequence: int) -> Row:
    """Name, city/state/country of a party. The names and the address sit in an
    ``<addressbook>``, or (an ``<assignee>`` of the DTDs' other branch, common in older
    grants) directly in the party element: ``<orgname>`` or ``<last-name>``/``<first-name>``
    next to ``<address>``. Without an address country, ``<residence><country>`` is used."""
    book = _child(el, "addressbook")
    holder = book if book is not None else el
    f = _fields(holder, _NAMES)
    name = f.get("orgname") or f.get("name")
    if not name:
        parts = (f.get("first-name"), f.get("last-name"))
        name = " ".join(p for p in parts if p) or None
    address = _fields(_child(holder, "address"), _PLACE)
    if book is not None and not any(address.values()):
        address = _fields(_child(el, "address"), _PLACE)  # an address beside the addressbook
    country = address.get("country") or _fields(_child(el, "residence"), _COUNTRY).get("country")
    if country and country.lower() == "unknown":
        country = None
    place = (address.get("city"), address.get("state"), country)
    return {
        "patent_id": patent_id,
        "role": role,
        "sequence": str(sequence),
        "name": name,
        "address": ", ".join(p for p in place if p) or None,
        "country": country.upper() if country else None,
    }
