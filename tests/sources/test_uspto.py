"""USPTO grant XML reader.

Real-file expectations were read by hand from the XML in ../shared/data/real/uspto-grant-xml;
each comment names the line of the file where the value stands. Edge cases use small synthetic
documents written inline.
"""

from __future__ import annotations

import gzip
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from ipcity.errors import InputError
from ipcity.sources import xmlreader
from ipcity.sources.base import RECORD, ReadReport
from ipcity.sources.uspto import UsptoGrantReader, ipc7_symbol, ipcr_symbol
from tests.support.xml_reading import Row, read_all


def read(path: Path) -> tuple[list[Row], list[Row], ReadReport]:
    """All rows of a file, checking the batch contract on the way."""
    return read_all(UsptoGrantReader(path), all_text=True)


def one(rows: list[Row], patent_id: str) -> Row:
    found = [r for r in rows if r["patent_id"] == patent_id]
    assert len(found) == 1, found
    return found[0]


def parties_of(
    parties: list[Row], patent_id: str
) -> list[tuple[str, str, str | None, str | None, str | None]]:
    return [
        (p["role"], p["sequence"], p["name"], p["address"], p["country"])
        for p in parties
        if p["patent_id"] == patent_id
    ]


@pytest.fixture(scope="module")
def uspto_dir(shared_data: Path) -> Path:
    return shared_data / "real" / "uspto-grant-xml"


def test_reader_declares_format_and_roles() -> None:
    assert UsptoGrantReader.format == "uspto-xml"
    assert UsptoGrantReader.primary_table == "patents"
    assert UsptoGrantReader.complete_party_roles == frozenset({"applicant", "inventor", "owner"})


# Documents per file = `grep -c '<?xml'`; types = `grep -o 'appl-type="[^"]*"' | sort | uniq -c`
# (one application-reference per grant); skipped = the documents whose DOCTYPE is sequence-cwu.
@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "documents", "types", "skipped"),
    [
        ("ipg050104.small.xml", 25, {"invention": 25}, []),  # DTD v40: 25 utility
        # DTD v4.1: 2 design + 1 sir + 22 utility = 25 grants, 2 sequence listings = 27
        ("ipg060103.small.xml", 27, {"design": 2, "other": 1, "invention": 22}, [13, 15]),
        ("ipg070102.small.xml", 26, {"design": 4, "invention": 21}, [14]),  # v4.2: 4+21+1
        ("ipg080101.small.xml", 25, {"design": 6, "plant": 1, "invention": 18}, []),  # v4.2
        ("ipg090106.small.xml", 25, {"design": 3, "invention": 22}, []),
        ("ipg100105.small.xml", 25, {"design": 3, "invention": 22}, []),
        ("ipg110104.small.xml", 25, {"design": 1, "invention": 24}, []),
        ("ipg120103.small.xml", 25, {"design": 3, "invention": 22}, []),
        ("ipg130416.small.xml", 27, {"design": 2, "invention": 23}, [13, 15]),  # v4.3
        ("US07272630B2.xml", 1, {"invention": 1}, []),  # v4.2 single grant
        ("US08926509.xml", 1, {"invention": 1}, []),  # v4.5
        ("US08927118.xml", 1, {"invention": 1}, []),
        ("US08930553.xml", 1, {"invention": 1}, []),
    ],
)
def test_file_counts(
    uspto_dir: Path, name: str, documents: int, types: dict[str, int], skipped: list[int]
) -> None:
    patents, _, report = read(uspto_dir / name)
    assert report.records == documents
    assert dict(Counter(p["patent_type"] for p in patents)) == types
    assert [n.record for n in report.skipped] == skipped
    assert all(n.reason == "not a patent: sequence listing (sequence-cwu)" for n in report.skipped)
    assert report.rejects == []
    assert all(p["office"] == "US" for p in patents)


@pytest.mark.shared
def test_sequence_listings_skipped_with_their_patent_number(uspto_dir: Path) -> None:
    _, _, report = read(uspto_dir / "ipg060103.small.xml")
    # Line 6448 starts document 13 (the 13th '<?xml'); its publication-reference (line 6454)
    # is doc-number 06982156; document 15 starts at line 8652, doc-number 06982248 (line 8658).
    assert [(n.record, n.key) for n in report.skipped] == [(13, "US06982156"), (15, "US06982248")]


@pytest.mark.shared
def test_dtd40_applicant_inventors_and_ipc7(uspto_dir: Path) -> None:
    patents, parties, _ = read(uspto_dir / "ipg050104.small.xml")
    p = one(patents, "US06837063")  # document 3, starts at line 1509
    assert p[RECORD] == 3
    assert p == {
        "patent_id": "US06837063",  # l.1515 <country>US + l.1516 <doc-number>06837063
        "office": "US",
        "patent_type": "invention",  # l.1521 appl-type="utility"
        "application_date": "2003-07-31",  # l.1525 <date>20030731 (application-reference)
        "grant_date": "2005-01-04",  # l.1518 <date>20050104 (publication-reference)
        # l.1531-1534 IPC 7 fixed width: "F25D 2312" = F25D + " 23" + "12" -> F25D23/12,
        # "F25D 2700" -> F25D27/00, "F28D 1500" -> F28D15/00, "H05K  720" = "  7"+"20" -> H05K7/20
        "ipc": "F25D23/12;F25D27/00;F28D15/00;H05K7/20",
        "family_countries": "US",  # no priority-claims, no pct-or-regional-filing-data
        "title": "Power management of a computer with vapor-cooled processor",  # l.1544
        RECORD: 3,
    }
    # l.1864-1870: applicant 001 app-type="applicant-inventor": last-name "Hood, III",
    # first-name "Charles D.", Cedar Park / TX / US; l.1879 applicant 002 Progl Curtis L.,
    # Austin TX US; l.1911-1916 assignee orgname Dell Products L.P., Round Rock TX US.
    assert parties_of(parties, "US06837063") == [
        ("applicant", "1", "Charles D. Hood, III", "Cedar Park, TX, US", "US"),
        ("inventor", "1", "Charles D. Hood, III", "Cedar Park, TX, US", "US"),
        ("applicant", "2", "Curtis L. Progl", "Austin, TX, US", "US"),
        ("inventor", "2", "Curtis L. Progl", "Austin, TX, US", "US"),
        ("owner", "1", "Dell Products L.P.", "Round Rock, TX, US", "US"),
    ]


@pytest.mark.shared
def test_dtd40_priority_and_pct_make_the_family(uspto_dir: Path) -> None:
    patents, parties, _ = read(uspto_dir / "ipg050104.small.xml")
    p = one(patents, "US06837358")  # document 9, starts at line 4499
    # l.4519-4521 priority-claim country NL; l.4711 pct-or-regional-filing-data -> WO
    assert p["family_countries"] == "US;NL;WO"
    # l.4528 "B65G 2500" -> B65G25/00 (main) ... l.4531 "B65G 4784" -> B65G47/84
    assert p["ipc"] == "B65G25/00;B65G29/00;B65G37/00;B65G47/84"
    # l.4666 Hoogland / Hendricus Antonius, l.4669 Krommenie NL (no state);
    # l.4695 Fountain Patents B.V.I.O., l.4698 Ijssel NL
    assert parties_of(parties, "US06837358") == [
        ("applicant", "1", "Hendricus Antonius Hoogland", "Krommenie, NL", "NL"),
        ("inventor", "1", "Hendricus Antonius Hoogland", "Krommenie, NL", "NL"),
        ("owner", "1", "Fountain Patents B.V.I.O.", "Ijssel, NL", "NL"),
    ]


@pytest.mark.shared
def test_dtd41_design_and_sir(uspto_dir: Path) -> None:
    patents, parties, _ = read(uspto_dir / "ipg060103.small.xml")
    design = one(patents, "USD0513425")  # l.8 doc-number D0513425: kept as published
    assert design[RECORD] == 1
    assert design["patent_type"] == "design"  # l.13 appl-type="design"
    assert design["application_date"] == "2005-01-07"  # l.17
    assert design["ipc"] is None  # l.24: only classification-locarno, no IPC
    # l.170 Kohl, l.174 city "33560 Carbon Blanc" (as written), l.175 FR
    assert parties_of(parties, "USD0513425") == [
        ("applicant", "1", "Harald Kohl", "33560 Carbon Blanc, FR", "FR"),
        ("inventor", "1", "Harald Kohl", "33560 Carbon Blanc, FR", "FR"),
    ]
    sir = one(patents, "USH0002140")  # document 3: l.445 doc-number H0002140
    assert sir["patent_type"] == "other"  # l.451 appl-type="sir"
    assert sir["application_date"] == "1999-10-22"  # l.455
    # classifications-ipcr l.471-475: section C, class 22, subclass B, group 3, subgroup 18
    assert sir["ipc"] == "C22B3/18"
    assert sir["family_countries"] == "US;AU;WO"  # l.461 priority AU; l.736 PCT filing
    # l.675 Rhodes Mike, l.679 city "Mt. Lawley, W.A.", l.681 AU (street/postcode not used)
    assert parties_of(parties, "USH0002140")[0] == (
        "applicant",
        "1",
        "Mike Rhodes",
        "Mt. Lawley, W.A., AU",
        "AU",
    )
    assert len(parties_of(parties, "USH0002140")) == 6  # 3 applicant-inventors x 2 roles


@pytest.mark.shared
def test_dtd42_plant(uspto_dir: Path) -> None:
    patents, parties, _ = read(uspto_dir / "ipg080101.small.xml")
    p = one(patents, "USPP018398")  # document 7 starts at line 2264
    assert p[RECORD] == 7
    assert p["patent_type"] == "plant"  # l.2276
    assert p["application_date"] == "2006-05-25"  # l.2280
    assert p["grant_date"] == "2008-01-01"
    assert p["ipc"] == "A01H5/00"  # l.2288-2292: A 01 H / 5 / 00
    # l.2305: "Sedum telephium plant named &#x2018;Beka&#x2019;"
    assert p["title"] == "Sedum telephium plant named \u2018Beka\u2019"
    # l.2326 Horvath Brent, l.2330-2331 Hebron IL (street l.2329 and postcode not used)
    assert parties_of(parties, "USPP018398") == [
        ("applicant", "1", "Brent Horvath", "Hebron, IL, US", "US"),
        ("inventor", "1", "Brent Horvath", "Hebron, IL, US", "US"),
    ]


@pytest.mark.shared
def test_dtd42_single_grant(uspto_dir: Path) -> None:
    patents, parties, _ = read(uspto_dir / "US07272630B2.xml")
    (p,) = patents
    assert p["patent_id"] == "US07272630"
    assert p["grant_date"] == "2007-09-18"  # l.10
    assert p["application_date"] == "2004-11-18"  # l.17
    assert p["ipc"] == "G06F15/13"  # l.28-32: G 06 F / 15 / 13
    names = [(r, s, n) for r, s, n, _, _ in parties_of(parties, "US07272630")]
    # four applicant-inventors (sequence 001-004), assignee Microsoft Corporation (l.1361)
    assert names == [
        ("applicant", "1", "John R. Douceur"),
        ("inventor", "1", "John R. Douceur"),
        ("applicant", "2", "Marvin M. Theimer"),
        ("inventor", "2", "Marvin M. Theimer"),
        ("applicant", "3", "Atul Adya"),
        ("inventor", "3", "Atul Adya"),
        ("applicant", "4", "William J. Bolosky"),
        ("inventor", "4", "William J. Bolosky"),
        ("owner", "1", "Microsoft Corporation"),
    ]


@pytest.mark.shared
def test_dtd43_us_parties_inventors_not_doubled(uspto_dir: Path) -> None:
    patents, parties, _ = read(uspto_dir / "ipg130416.small.xml")
    p = one(patents, "US08418361")  # document 3 starts at line 1686
    assert p["application_date"] == "2011-11-18"  # l.1702
    assert p["family_countries"] == "US;KR"  # l.1708 priority-claim country KR
    assert p["ipc"] == "H05K3/02"  # l.1717-1721
    # l.1936 us-applicant 001 app-type="applicant" (not applicant-inventor): applicants only;
    # l.1976 <inventors> lists the same three people: they are inventors once each.
    # l.2012 assignee Samsung Electro-Mechanics Co., Ltd., l.2015 Suwon, KR
    assert parties_of(parties, "US08418361") == [
        ("applicant", "1", "Suk Won Lee", "Gyunggi-do, KR", "KR"),
        ("applicant", "2", "Chang Gun Oh", "Gyunggi-do, KR", "KR"),
        ("applicant", "3", "Mi Sun Hwang", "Gyunggi-do, KR", "KR"),
        ("inventor", "1", "Suk Won Lee", "Gyunggi-do, KR", "KR"),
        ("inventor", "2", "Chang Gun Oh", "Gyunggi-do, KR", "KR"),
        ("inventor", "3", "Mi Sun Hwang", "Gyunggi-do, KR", "KR"),
        ("owner", "1", "Samsung Electro-Mechanics Co., Ltd.", "Suwon, KR", "KR"),
    ]


@pytest.mark.shared
def test_dtd45_organisation_applicant(uspto_dir: Path) -> None:
    patents, parties, _ = read(uspto_dir / "US08930553.xml")
    assert patents == [
        {
            "patent_id": "US08930553",
            "office": "US",
            "patent_type": "invention",  # l.13
            "application_date": "2012-10-09",  # l.17
            "grant_date": "2015-01-06",  # l.10
            "ipc": "G06F15/16",  # l.28-32
            "family_countries": "US",
            "title": "Managing mid-dialog session initiation protocol (SIP) messages",  # l.45
            RECORD: 1,
        }
    ]
    # l.300-304 us-applicant orgname IBM, Armonk NY US; l.317-321 inventor 001 Nissim Nitzan,
    # Rehovot IL (no state); l.325-327 002 Pulito Brian, Lexington KY US; 003 Zinger Asaf,
    # Rehovot IL; l.359 assignee IBM. The agent (l.350, "Cuenot, Forsythe & Kim") is no party.
    ibm = "International Business Machines Corporation"
    assert parties_of(parties, "US08930553") == [
        ("applicant", "1", ibm, "Armonk, NY, US", "US"),
        ("inventor", "1", "Nitzan Nissim", "Rehovot, IL", "IL"),
        ("inventor", "2", "Brian Pulito", "Lexington, KY, US", "US"),
        ("inventor", "3", "Asaf Zinger", "Rehovot, IL", "IL"),
        ("owner", "1", ibm, "Armonk, NY, US", "US"),
    ]


@pytest.mark.shared
def test_dtd45_many_ipcr_main_first(uspto_dir: Path) -> None:
    patents, _, _ = read(uspto_dir / "US08927118.xml")
    (p,) = patents
    assert p["family_countries"] == "US;JP"  # l.23 priority-claim country JP
    # 9 classification-ipcr from l.29: H05B33/14 (symbol-position F), then 8 with L
    assert p["ipc"] == (
        "H05B33/14;C07D495/04;C07D307/91;C07D487/04;C07D493/04;C07D519/00;"
        "C09K11/06;H01L51/00;H01L51/50"
    )


# --- edge cases -----------------------------------------------------------------------------

DOCTYPE = '<!DOCTYPE us-patent-grant SYSTEM "us-patent-grant-v45-2014-04-03.dtd" [ ]>\n'


def grant(
    number: str = "09000001",
    app_date: str = "20140102",
    appl_type: str = "utility",
    title: str = "A thing",
    extra: str = "",
    parties: str = "",
    body: str = "<description><p>text</p></description>",
    encoding: str = "UTF-8",
) -> str:
    number_xml = f"<doc-number>{number}</doc-number>" if number else ""
    date_xml = f"<date>{app_date}</date>" if app_date else ""
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n{DOCTYPE}'
        '<us-patent-grant lang="EN" dtd-version="v4.5 2014-04-03" country="US">\n'
        "<us-bibliographic-data-grant>\n"
        f"<publication-reference><document-id><country>US</country>{number_xml}"
        "<kind>B2</kind><date>20150106</date></document-id></publication-reference>\n"
        f'<application-reference appl-type="{appl_type}"><document-id><country>US</country>'
        f"<doc-number>13000001</doc-number>{date_xml}</document-id></application-reference>\n"
        f"<invention-title id='t1'>{title}</invention-title>\n{extra}"
        f"<us-parties>{parties}</us-parties>\n"
        "</us-bibliographic-data-grant>\n"
        f"{body}\n</us-patent-grant>\n"
    )


def write(tmp_path: Path, text: str, name: str = "ipg.xml", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.shared
def test_truncated_real_file(uspto_dir: Path, tmp_path: Path) -> None:
    data = (uspto_dir / "ipg050104.small.xml").read_bytes()
    starts = [i for i in range(len(data)) if data.startswith(b"<?xml ", i)]
    cut = starts[4] + (starts[5] - starts[4]) // 2  # the middle of document 5
    path = tmp_path / "cut.xml"
    path.write_bytes(data[:cut])
    patents, _, report = read(path)
    assert report.records == 5
    assert [p[RECORD] for p in patents] == [1, 2, 3, 4]
    (reject,) = report.rejects
    assert reject.record == 5
    assert reject.reason == "truncated: the document ends before </us-patent-grant>"
    assert reject.key == "US06837124"  # document 5, line 2649: <doc-number>06837124


def test_truncated_inside_bibliographic_data(tmp_path: Path) -> None:
    text = grant("09000001") + grant("09000002")
    cut = text.index("<invention-title", text.index("09000002"))
    patents, _, report = read(write(tmp_path, text[:cut]))
    assert [p["patent_id"] for p in patents] == ["US09000001"]
    assert [(n.record, n.key) for n in report.rejects] == [(2, "US09000002")]
    assert report.rejects[0].reason.startswith("truncated")


def test_empty_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^empty\.xml is empty$"):
        list(UsptoGrantReader(write(tmp_path, "", "empty.xml")).batches())
    with pytest.raises(InputError, match="is empty"):
        list(UsptoGrantReader(write(tmp_path, " \n\t\n", "blank.xml")).batches())


def test_not_xml_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path, "patent_id,office\nUS1,US\n", "grants.xml")
    with pytest.raises(InputError, match=r"grants\.xml is not XML \(it starts with 'patent_id"):
        list(UsptoGrantReader(path).batches())


def test_utf16_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeff" + grant(), "u16.xml", encoding="utf-16")
    with pytest.raises(InputError, match=r"^u16\.xml is UTF-16 encoded XML; convert it to UTF-8$"):
        list(UsptoGrantReader(path).batches())


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        list(UsptoGrantReader(tmp_path / "nope.xml").batches())


def test_missing_publication_number_rejected(tmp_path: Path) -> None:
    text = grant("09000001") + grant(number="") + grant("09000003")
    patents, _, report = read(write(tmp_path, text))
    assert [p["patent_id"] for p in patents] == ["US09000001", "US09000003"]
    (reject,) = report.rejects
    assert reject.record == 2
    assert reject.reason == (
        "missing publication number (publication-reference/document-id/doc-number)"
    )
    assert reject.key is None


def test_missing_application_date_rejected(tmp_path: Path) -> None:
    patents, _, report = read(write(tmp_path, grant("09000001", app_date="")))
    assert patents == []
    (reject,) = report.rejects
    assert reject.reason == "missing application date (application-reference/document-id/date)"
    assert reject.key == "US09000001"


def test_malformed_bibliographic_data_rejected(tmp_path: Path) -> None:
    bad = grant("09000002", title="A <b>broken</i> title")
    patents, _, report = read(write(tmp_path, grant("09000001") + bad))
    assert len(patents) == 1
    (reject,) = report.rejects
    assert reject.record == 2
    assert reject.reason.startswith("malformed XML: ")
    assert "\n" not in reject.reason


def test_other_root_skipped(tmp_path: Path) -> None:
    application = (
        '<?xml version="1.0"?>\n<us-patent-application><us-bibliographic-data-application/>'
        "</us-patent-application>\n"
    )
    patents, _, report = read(write(tmp_path, grant() + application))
    assert len(patents) == 1
    assert [(n.record, n.reason) for n in report.skipped] == [
        (2, "not a patent: us-patent-application")
    ]


def test_pre_2005_format_rejected_not_skipped(tmp_path: Path) -> None:
    old = (
        '<?xml version="1.0"?>\n<!DOCTYPE PATDOC SYSTEM "ST32-US-Grant-025xml.dtd" [ ]>\n'
        "<PATDOC><SDOBI><B100><B110><DNUM><PDAT>06334220</PDAT></DNUM></B110></B100></SDOBI>"
        "</PATDOC>\n"
    )
    patents, _, report = read(write(tmp_path, old + grant()))
    assert len(patents) == 1
    assert [(n.record, n.reason) for n in report.rejects] == [
        (1, "grant XML v2.4/v2.5 of 2002-2004 (<PATDOC>) is not supported: DTD 4.x only")
    ]


@pytest.mark.parametrize(
    ("appl_type", "expected"),
    [
        ("utility", "invention"),
        ("design", "design"),
        ("plant", "plant"),
        ("reissue", "other"),
        ("sir", "other"),
        ("Utility", "invention"),
        ("", None),
    ],
)
def test_patent_type_mapping(tmp_path: Path, appl_type: str, expected: str | None) -> None:
    patents, _, _ = read(write(tmp_path, grant(appl_type=appl_type)))
    assert patents[0]["patent_type"] == expected


def test_named_entities_without_dtd(tmp_path: Path) -> None:
    # &mdash; and &eacute; are defined by the DTD's entity sets: replaced by their characters;
    # &zzfoo; is defined nowhere: kept as literal text and reported.
    text = grant(title="Caf&eacute; &mdash; &zzfoo; AT&amp;T")
    patents, _, report = read(write(tmp_path, text))
    assert patents[0]["title"] == "Café — &zzfoo; AT&T"
    assert report.warnings == ["undefined entity &zzfoo; kept as literal text (1 times)"]


def test_entity_declared_in_internal_subset(tmp_path: Path) -> None:
    text = grant(title="Made by &co;").replace("[ ]>", '[ <!ENTITY co "ACME &amp; Sons"> ]>')
    patents, _, report = read(write(tmp_path, text))
    assert patents[0]["title"] == "Made by ACME & Sons"  # the value is parsed as XML would
    assert report.warnings == []


def test_declared_latin1_encoding(tmp_path: Path) -> None:
    person = (
        '<inventors><inventor sequence="001"><addressbook><last-name>Müller</last-name>'
        "<first-name>Jürgen</first-name><address><city>Köln</city><country>DE</country>"
        "</address></addressbook></inventor></inventors>"
    )
    text = grant(parties=person, encoding="ISO-8859-1")
    _, parties, _ = read(write(tmp_path, text, encoding="latin-1"))
    assert parties_of(parties, "US09000001") == [
        ("inventor", "1", "Jürgen Müller", "Köln, DE", "DE")
    ]


def test_party_sequences(tmp_path: Path) -> None:
    def applicant(seq: str, name: str, app_type: str = "applicant-inventor") -> str:
        attr = f' sequence="{seq}"' if seq else ""
        return (
            f'<applicant{attr} app-type="{app_type}"><addressbook><orgname>{name}</orgname>'
            "<address><country>unknown</country></address></addressbook></applicant>"
        )

    # 003, 003 (duplicate -> next free: 4), no attribute (-> 5), legal representative (not an
    # inventor): applicants 3, 4, 5, 6; inventors 3, 4, 5.
    block = "<applicants>" + applicant("003", "A") + applicant("003", "B") + applicant("", "C")
    block += applicant("007x", "D", "legal-representative") + "</applicants>"
    assignees = (
        "<assignees><assignee><addressbook><orgname>O1</orgname></addressbook></assignee>"
        "<assignee><addressbook><last-name>Doe</last-name></addressbook></assignee></assignees>"
    )
    text = grant(parties=block, extra=assignees)
    _, parties, _ = read(write(tmp_path, text))
    assert parties_of(parties, "US09000001") == [
        ("applicant", "3", "A", None, None),  # country "unknown" is no country
        ("inventor", "3", "A", None, None),
        ("applicant", "4", "B", None, None),
        ("inventor", "4", "B", None, None),
        ("applicant", "5", "C", None, None),
        ("inventor", "5", "C", None, None),
        ("applicant", "6", "D", None, None),
        ("owner", "1", "O1", None, None),
        ("owner", "2", "Doe", None, None),
    ]


@pytest.mark.shared
def test_zip_and_gzip_read_like_the_plain_file(uspto_dir: Path, tmp_path: Path) -> None:
    plain = uspto_dir / "ipg070102.small.xml"
    expected = read(plain)[0]
    packed = tmp_path / "ipg070102.zip"
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(plain, "ipg070102.xml")
        z.writestr("README.txt", "not read")
    assert read(packed)[0] == expected
    gz = tmp_path / "ipg070102.xml.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    assert read(gz)[0] == expected


def test_zip_without_xml_is_an_input_error(tmp_path: Path) -> None:
    packed = tmp_path / "x.zip"
    with zipfile.ZipFile(packed, "w") as z:
        z.writestr("a.txt", "hello")
    with pytest.raises(InputError, match=r"holds no \.xml file"):
        list(UsptoGrantReader(packed).batches())


@pytest.mark.shared
def test_broken_gzip_is_an_input_error(uspto_dir: Path, tmp_path: Path) -> None:
    data = gzip.compress((uspto_dir / "ipg050104.small.xml").read_bytes())
    path = tmp_path / "cut.xml.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"^cannot read cut\.xml\.gz"):
        list(UsptoGrantReader(path).batches())


@pytest.mark.shared
def test_batches_never_exceed_batch_rows(uspto_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xmlreader, "BATCH_ROWS", 10)
    reader = UsptoGrantReader(uspto_dir / "ipg090106.small.xml")
    sizes: dict[str, list[int]] = {"patents": [], "parties": []}
    for table, batch in reader.batches():
        sizes[table].append(batch.num_rows)
    assert sizes["patents"] == [10, 10, 5]  # 25 grants
    assert max(sizes["parties"]) == 10
    # parties: 69 applicant-inventors x 2 roles + 24 assignees = 162 (grep counts)
    assert sum(sizes["parties"]) == 69 * 2 + 24


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("A45F  504", "A45F5/04"),  # main group "  5", subgroup "04"
        ("F25D 2312", "F25D23/12"),
        ("H01L 21336", "H01L21/336"),  # subgroup of three digits
        ("C07D21304", "C07D213/04"),  # three-digit main group fills columns 5-7
        ("H01L 21/00", "H01L21/00"),  # already written with a slash
        ("A01H", "A01H"),  # subclass only: kept compact
        ("  ", None),
        (None, None),
    ],
)
def test_ipc7_symbol(value: str | None, expected: str | None) -> None:
    assert ipc7_symbol(value) == expected


@pytest.mark.parametrize(
    ("head", "main", "sub", "expected"),
    [
        ("H01L", "21", "00", "H01L21/00"),
        ("G06F", "015", "16", "G06F15/16"),  # leading zero of the main group dropped
        ("A01H", "5", "0", "A01H5/00"),  # subgroup at least two digits
        ("A01H", "5", None, "A01H5"),
        ("A01H", None, None, "A01H"),
        ("Z99", "1", "00", None),  # not a subclass
    ],
)
def test_ipcr_symbol(head: str, main: str | None, sub: str | None, expected: str | None) -> None:
    assert ipcr_symbol(head, main, sub) == expected


# --------------------------------------------------------------------------- party patterns
# Every party pattern of us-patent-grant DTD 4.0-4.5, each read from a real document where
# ../shared has one (tests above and below) and from a minimal document written from the DTD:
#   <parties> (4.0-4.2): <applicants>/<applicant app-type="applicant-inventor">, <agents>
#   <us-parties> (4.3-4.5): <us-applicants>/<us-applicant>, <inventors>/<inventor> and
#       <deceased-inventor>, <agents>
#   <assignees>/<assignee>: an <addressbook>, or (the DTDs' other branch) <orgname> or
#       <last-name>/<first-name> with <role> and <address> directly in <assignee>.
def _book(names: str, city: str, country: str) -> str:
    return f"<addressbook>{names}<address><city>{city}</city><country>{country}</country>"


@pytest.mark.shared
def test_dtd42_person_assignee_in_addressbook_and_agents_ignored(uspto_dir: Path) -> None:
    _, parties, _ = read(uspto_dir / "ipg110104.small.xml")
    # Document 17, US07863443 (l.23831). l.24058-24073 applicant-inventor 001 Carreira
    # Erick M., city Z&#xfc;rich, CH (l.24065); l.24076-24085 <agents>: Leydig, Voit & Mayer
    # (no party); l.24088-24097 assignee orgname Sumitomo Chemical Company, Limited, Tokyo JP;
    # l.24098-24108 assignee last-name Carreira / first-name Erick M., Zurich CH.
    assert parties_of(parties, "US07863443") == [
        ("applicant", "1", "Erick M. Carreira", "Zürich, CH", "CH"),
        ("inventor", "1", "Erick M. Carreira", "Zürich, CH", "CH"),
        ("owner", "1", "Sumitomo Chemical Company, Limited", "Tokyo, JP", "JP"),
        ("owner", "2", "Erick M. Carreira", "Zurich, CH", "CH"),
    ]
    assert not any("Leydig" in (p["name"] or "") for p in parties)


def test_assignee_orgname_without_addressbook(tmp_path: Path) -> None:
    assignees = (
        "<assignees><assignee><orgname>Shanghai Example Co., Ltd.</orgname><role>03</role>"
        "<address><city>Shanghai</city><country>CN</country></address></assignee>"
        "<assignee><last-name>Zhang</last-name><first-name>San</first-name><role>04</role>"
        "<address><city>Pudong</city><state>SH</state><country>cn</country></address>"
        "</assignee></assignees>"
    )
    _, parties, _ = read(write(tmp_path, grant(extra=assignees)))
    assert parties_of(parties, "US09000001") == [
        ("owner", "1", "Shanghai Example Co., Ltd.", "Shanghai, CN", "CN"),
        ("owner", "2", "San Zhang", "Pudong, SH, cn", "CN"),  # address as written
    ]


def test_assignee_name_only_keeps_the_name(tmp_path: Path) -> None:
    assignees = "<assignees><assignee><orgname>Acme</orgname><role>02</role></assignee></assignees>"
    _, parties, _ = read(write(tmp_path, grant(extra=assignees)))
    assert parties_of(parties, "US09000001") == [("owner", "1", "Acme", None, None)]


def test_dtd40_parties_applicants_and_agents(tmp_path: Path) -> None:
    block = (
        '<applicants><applicant sequence="001" app-type="applicant-inventor">'
        + _book("<last-name>Li</last-name><first-name>Wei</first-name>", "Shanghai", "CN")
        + "</address></addressbook><nationality><country>CN</country></nationality>"
        "<residence><country>CN</country></residence></applicant>"
        '<applicant sequence="002" app-type="applicant-inventor"><addressbook>'
        "<last-name>Wang</last-name><first-name>Fang</first-name><address><city>Suzhou</city>"
        "</address></addressbook><residence><country>CN</country></residence></applicant>"
        "</applicants>"
        '<agents><agent sequence="01" rep-type="attorney">'
        + _book("<orgname>Some Law Firm</orgname>", "Boston", "US")
        + "</address></addressbook></agent></agents>"
    )
    text = grant(parties=block).replace("us-parties>", "parties>")
    _, parties, _ = read(write(tmp_path, text))
    assert parties_of(parties, "US09000001") == [
        ("applicant", "1", "Wei Li", "Shanghai, CN", "CN"),
        ("inventor", "1", "Wei Li", "Shanghai, CN", "CN"),
        # no country in the address: the residence gives it
        ("applicant", "2", "Fang Wang", "Suzhou, CN", "CN"),
        ("inventor", "2", "Fang Wang", "Suzhou, CN", "CN"),
    ]


def test_dtd45_us_parties_with_deceased_inventor_and_comments(tmp_path: Path) -> None:
    block = (
        '<us-applicants><!-- a comment is no party --><us-applicant sequence="001" '
        'app-type="applicant" designation="us-only" applicant-authority-category="assignee">'
        + _book("<orgname>Fudan Example University</orgname>", "Shanghai", "CN")
        + "</address></addressbook><residence><country>CN</country></residence></us-applicant>"
        '<us-applicant sequence="002" app-type="applicant-inventor" designation="us-only">'
        + _book("<last-name>Chen</last-name><first-name>Jing</first-name>", "Hangzhou", "CN")
        + "</address></addressbook></us-applicant></us-applicants>"
        '<inventors><inventor sequence="001" designation="us-only">'
        + _book("<last-name>Chen</last-name><first-name>Jing</first-name>", "Hangzhou", "CN")
        + '</address></addressbook></inventor><deceased-inventor sequence="002">'
        + _book("<last-name>Zhou</last-name><first-name>Ming</first-name>", "Nanjing", "CN")
        + "</address></addressbook></deceased-inventor></inventors>"
        '<agents><agent sequence="01" rep-type="attorney">'
        + _book("<last-name>Smith</last-name><first-name>John</first-name>", "Boston", "US")
        + "</address></addressbook></agent></agents>"
    )
    _, parties, _ = read(write(tmp_path, grant(parties=block)))
    assert parties_of(parties, "US09000001") == [
        ("applicant", "1", "Fudan Example University", "Shanghai, CN", "CN"),
        ("applicant", "2", "Jing Chen", "Hangzhou, CN", "CN"),
        # an applicant-inventor takes its applicant sequence; listed again in <inventors>,
        # counted once; the deceased inventor's 002 is taken, so the next free number
        ("inventor", "2", "Jing Chen", "Hangzhou, CN", "CN"),
        ("inventor", "3", "Ming Zhou", "Nanjing, CN", "CN"),
    ]
