"""CNIPA bibliographic XML, both formats: the older ``<cn-patent-document>`` and the newer
``<business:PatentDocumentAndRelated>`` (CNIPA XML standard, namespaces ``base:``/``business:``).

One document per file as CNIPA publishes them; concatenated documents are read too. Only the
bibliographic element is parsed; field mapping in docs/sources-xml.md.
"""

from __future__ import annotations

import re

from lxml import etree

from ipcity.sources.tables import PATENT_TYPE_ALIASES
from ipcity.sources.xmlfragment import (
    DocumentProblem,
    child_text,
    cut_element,
    iso_date,
    join_unique,
    parse_fragment,
    start_tag,
    strip_namespaces,
    text,
)
from ipcity.sources.xmlreader import NotAPatent, PatentRecord, Row, Sequencer, XmlPatentReader
from ipcity.sources.xmlsplit import TAG_REST, RawDocument

OLD_ROOT = "cn-patent-document"
NEW_ROOT = "PatentDocumentAndRelated"  # local name; the prefix is usually ``business:``
_OLD_BIBLIO = start_tag(b"cn-bibliographic-data")
_NEW_BIBLIO = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?BibliographicData)(?=[\s/>])" + TAG_REST)
_DROP = (b"abstract",)  # the old format keeps the abstract inside the bibliographic data

# Kind codes: A application publication; B (since 2007; C before) granted invention; U (Y before
# 2007) utility model; S (D before 2010) design. Utility models and designs are only published
# when granted, so every kind but A is a grant.
KIND_TYPES = {
    "A": "invention",
    "B": "invention",
    "C": "invention",
    "U": "utility_model",
    "Y": "utility_model",
    "S": "design",
    "D": "design",
}
GRANT_KINDS = frozenset("BCUYSD")
# ``applType`` of the new format: 10 invention, 11 invention via PCT, 20 utility model,
# 21 utility model via PCT, 30 design.
APPL_TYPE_CODES = {"1": "invention", "2": "utility_model", "3": "design"}
_APPLICATION_NUMBER = re.compile(r"^(\d{8}|\d{12})\.?([\dX])$")
_IPC_TEXT = re.compile(r"^([A-H]\d{2}[A-Z])\s*(\d{1,4})\s*/\s*(\d{1,6})")
_QUICK_KEY = re.compile(
    rb"<(?:[\w.-]+:)?(?:application-reference|ApplicationReference)\b.*?"
    rb"<(?:[\w.-]+:)?(?:doc-number|DocNumber)>\s*([^<\s]+)\s*<",
    re.S,
)


class CnipaReader(XmlPatentReader):
    """Reads a CNIPA bibliographic XML file (either format): ``CnipaReader(path).batches()``."""

    format = "cnipa-xml"
    # Application publications carry no owner list, so owners are never replaced as a set.
    complete_party_roles = frozenset({"applicant", "inventor"})

    def parse(self, doc: RawDocument) -> PatentRecord:
        if doc.root is None:
            raise DocumentProblem("no XML element in the document (empty or cut off)")
        local = doc.root.rsplit(":", 1)[-1]
        if local not in (OLD_ROOT, NEW_ROOT):
            raise NotAPatent(f"not a patent: {doc.root}")
        key = quick_key(doc.data)
        if not doc.complete:
            raise DocumentProblem(f"truncated: the document ends before </{doc.root}>", key)
        pattern = _OLD_BIBLIO if local == OLD_ROOT else _NEW_BIBLIO
        span = cut_element(doc.data, pattern)
        if span is None:
            name = "cn-bibliographic-data" if local == OLD_ROOT else "BibliographicData"
            raise DocumentProblem(f"no <{name}> element", key)
        biblio = parse_fragment(doc, span, self.unknown_entities, _DROP)
        strip_namespaces(biblio.getroottree().getroot())
        try:
            return old_record(biblio) if local == OLD_ROOT else new_record(biblio)
        except DocumentProblem as problem:
            problem.key = problem.key or key
            raise


def quick_key(data: bytes) -> str | None:
    m = _QUICK_KEY.search(data, 0, 65536)
    return patent_id(m.group(1).decode("utf-8", "replace")) if m else None


def patent_id(application_number: str) -> str:
    """``201410408762.5`` / ``CN201410408762.5`` / ``ZL2014104087625`` -> ``CN201410408762.5``:
    the application number with its check digit after a dot, prefixed by ``CN``."""
    n = "".join(application_number.split()).upper()
    for prefix in ("CN", "ZL"):
        if n.startswith(prefix):
            n = n[len(prefix) :]
    m = _APPLICATION_NUMBER.match(n)
    if m:
        n = f"{m.group(1)}.{m.group(2)}"
    return "CN" + n


def _patent_type(kind: str | None, appl_type: str | None) -> str | None:
    if kind and kind[:1] in KIND_TYPES:
        return KIND_TYPES[kind[:1]]
    appl = (appl_type or "").strip()
    if appl[:1] in APPL_TYPE_CODES and appl.isdigit():
        return APPL_TYPE_CODES[appl[:1]]
    return PATENT_TYPE_ALIASES.get(appl.lower())


def _record(
    number: str | None,
    application_date: str | None,
    kind: str | None,
    appl_type: str | None,
    publication_date: str | None,
    ipc: list[str | None],
    family: list[str | None],
    title: str | None,
) -> Row:
    if not number:
        raise DocumentProblem("missing application number")
    pid = patent_id(number)
    if not application_date:
        raise DocumentProblem("missing application date", pid)
    kind = (kind or "").strip().upper() or None
    return {
        "patent_id": pid,
        "office": "CN",
        "patent_type": _patent_type(kind, appl_type),
        "application_date": application_date,
        "grant_date": publication_date if kind and kind[:1] in GRANT_KINDS else None,
        "ipc": join_unique(ipc),
        "family_countries": join_unique(["CN", *(c.upper() if c else None for c in family)]),
        "title": title,
    }


def ipc_text(value: str | None) -> str | None:
    """``A24B   15/18    (2006.01)`` -> ``A24B15/18``."""
    if not value:
        return None
    m = _IPC_TEXT.match(value.strip())
    if m is None:
        return "".join(value.split()) or None
    return f"{m.group(1)}{int(m.group(2))}/{m.group(3).zfill(2)}"


def old_record(biblio: etree._Element) -> PatentRecord:
    """``<cn-bibliographic-data>`` of the older format."""
    pub = biblio.find("cn-publication-reference/document-id")
    if pub is None:
        pub = biblio.find("publication-reference/document-id")
    app = biblio.find("application-reference")
    ipc = [
        ipc_text(t.text) for t in biblio.iterfind("classifications-ipcr/classification-ipcr/text")
    ]
    if not any(ipc):
        old = biblio.find("classification-ipc")
        if old is not None:
            ipc = [ipc_text(e.text) for e in old if e.tag.endswith("classification")]
    family = [child_text(p, "country") for p in biblio.iterfind("priority-claims/priority-claim")]
    if biblio.find("pct-or-regional-filing-data") is not None:
        family.append("WO")
    patent = _record(
        child_text(app, "document-id/doc-number"),
        iso_date(child_text(app, "document-id/date")),
        child_text(pub, "kind"),
        app.get("appl-type") if app is not None else None,
        iso_date(child_text(pub, "date")),
        ipc,
        family,
        text(biblio.find("invention-title")),
    )
    pid = patent["patent_id"]
    assert pid is not None
    rows: list[Row] = []
    parties = biblio.find("cn-parties")
    if parties is not None:
        for role, path in (
            ("applicant", "cn-applicants/cn-applicant"),
            ("inventor", "cn-inventors/cn-inventor"),
            ("owner", "cn-assignees/cn-assignee"),
        ):
            seq = Sequencer()
            for el in parties.iterfind(path):
                book = el.find("addressbook")
                name = child_text(book, "name") or child_text(el, "name")
                if book is None:
                    book = el
                country = child_text(book, "address/country") or child_text(book, "country")
                rows.append(
                    _party(
                        pid,
                        role,
                        seq.next(el.get("sequence")),
                        name,
                        child_text(book, "address/text"),
                        country,
                    )
                )
    return PatentRecord(patent, rows)


def new_record(biblio: etree._Element) -> PatentRecord:
    """``<business:BibliographicData>`` of the newer format (namespaces already stripped)."""
    pub = _original(biblio.findall("PublicationReference"))
    pub_id = pub.find("DocumentID") if pub is not None else None
    app = _original(biblio.findall("ApplicationReference"))
    app_id = app.find("DocumentID") if app is not None else None
    kind = child_text(pub_id, "Kind")
    if kind is None:
        root = biblio.getparent()
        kind = root.get("kind") if root is not None else None
    ipc: list[str | None] = []
    for c in biblio.iterfind("ClassificationIPCRDetails/ClassificationIPCR"):
        symbol = ipc_text(child_text(c, "Text"))
        if symbol is None:
            parts = [child_text(c, p) or "" for p in ("Section", "MainClass", "Subclass")]
            group = f"{child_text(c, 'MainGroup') or ''}/{child_text(c, 'Subgroup') or ''}"
            symbol = ipc_text("".join(parts) + group)
        ipc.append(symbol)
    family = [child_text(p, "WIPOST3Code") for p in biblio.iterfind("PriorityDetails/Priority")]
    if biblio.find("PCTOrRegionalApplicationData") is not None:
        family.append("WO")
    patent = _record(
        child_text(app_id, "DocNumber"),
        iso_date(child_text(app_id, "Date")),
        kind,
        app.get("applType") if app is not None else None,
        iso_date(child_text(pub_id, "Date")),
        ipc,
        family,
        _title(biblio.findall("InventionTitle")),
    )
    pid = patent["patent_id"]
    assert pid is not None
    rows: list[Row] = []
    for role, path in (
        ("applicant", "Parties/ApplicantDetails/Applicant"),
        ("inventor", "Parties/InventorDetails/Inventor"),
        ("owner", "Parties/AssigneeDetails/Assignee"),
    ):
        seq = Sequencer()
        for el in biblio.iterfind(path):
            book = _chinese(el.findall("AddressBook"))
            name = _value(child_text(book, "Name")) or _value(child_text(book, "OrganizationName"))
            if name is None:
                names = (_value(child_text(book, p)) for p in ("LastName", "FirstName"))
                name = "".join(n for n in names if n) or None
            address = book.find("Address") if book is not None else None
            rows.append(
                _party(
                    pid,
                    role,
                    seq.next(el.get("sequence")),
                    name,
                    _address(address),
                    _value(child_text(address, "WIPOST3Code")),
                )
            )
    return PatentRecord(patent, rows)


def _original(elements: list[etree._Element]) -> etree._Element | None:
    """The ``dataFormat="original"`` variant (as CNIPA writes it) over the ``standard`` one."""
    for el in elements:
        if el.get("dataFormat") == "original":
            return el
    return elements[0] if elements else None


def _chinese(elements: list[etree._Element]) -> etree._Element | None:
    for el in elements:
        if (el.get("lang") or "").lower() in ("zh", "cn"):
            return el
    return elements[0] if elements else None


def _title(elements: list[etree._Element]) -> str | None:
    chinese = [e for e in elements if (e.get("lang") or "").lower() in ("zh", "cn")]
    return text(_original(chinese or elements))


def _value(value: str | None) -> str | None:
    """The new format writes ``0`` for an address part it does not have."""
    return None if value is None or value == "0" else value


def _address(address: etree._Element | None) -> str | None:
    """The address line as written; when only parts are given, the parts joined (Chinese order,
    no separators)."""
    if address is None:
        return None
    written = _value(child_text(address, "Text"))
    if written:
        return written
    parts = ("Province", "City", "County", "AddressCity", "Street", "AddressLine")
    return "".join(v for v in (_value(child_text(address, p)) for p in parts) if v) or None


def _party(
    pid: str, role: str, sequence: int, name: str | None, address: str | None, country: str | None
) -> Row:
    return {
        "patent_id": pid,
        "role": role,
        "sequence": str(sequence),
        "name": name,
        "address": address,
        "country": country.upper() if country else None,
    }
