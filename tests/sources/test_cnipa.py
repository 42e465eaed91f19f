"""CNIPA bibliographic XML reader (old ``cn-patent-document`` and new
``business:PatentDocumentAndRelated`` formats).

Real-file expectations were read by hand from ../shared/data/real/cnipa-xml; each comment names
the line where the value stands. Edge cases use small synthetic documents written inline.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ipcity.errors import InputError
from ipcity.sources.base import RECORD, ReadReport
from ipcity.sources.cnipa import CnipaReader, ipc_text, patent_id
from tests.support.xml_reading import Row, read_all


def read(path: Path) -> tuple[list[Row], list[Row], ReadReport]:
    """All rows of a file, checking the batch contract on the way."""
    return read_all(CnipaReader(path))


def party_tuples(parties: list[Row]) -> list[tuple[str, str, str | None, str | None, str | None]]:
    return [(p["role"], p["sequence"], p["name"], p["address"], p["country"]) for p in parties]


@pytest.fixture(scope="module")
def cn_dir(shared_data: Path) -> Path:
    return shared_data / "real" / "cnipa-xml"


def test_reader_declares_format_and_roles() -> None:
    assert CnipaReader.format == "cnipa-xml"
    assert CnipaReader.complete_party_roles == frozenset({"applicant", "inventor"})


@pytest.mark.shared
def test_old_format_domestic_applicant(cn_dir: Path) -> None:
    patents, parties, report = read(cn_dir / "cn_old1.xml")  # UTF-8 with BOM
    assert report.records == 1
    assert patents == [
        {
            "patent_id": "CN201410408762.5",  # l.20 application doc-number 201410408762.5
            "office": "CN",
            "patent_type": "invention",  # l.9 kind A (l.17 appl-type="发明专利")
            "application_date": "2014-08-19",  # l.21
            "grant_date": None,  # kind A: an application publication, not a grant
            # l.26 "A24B   15/18    (2006.01)" ... l.35 "C12R    1/645   (2006.01)"
            "ipc": "A24B15/18;C11B9/00;C12P1/02;C12R1/645",
            "family_countries": "CN",  # no priority claims, no PCT filing
            "title": "一种甘草发酵所得烟用香料及其应用",  # l.38
            RECORD: 1,
        }
    ]
    # l.54 applicant name, l.56 address text kept as written (with postcode); no country
    # element in the old format. l.61-84: inventors 1..8; agents (l.86-) are no parties.
    assert party_tuples(parties)[:2] == [
        (
            "applicant",
            "1",
            "云南中烟工业有限责任公司",
            "650231 云南省昆明市五华区红锦路367号云烟科技园C区",
            None,
        ),
        ("inventor", "1", "段焰青", None, None),
    ]
    assert party_tuples(parties)[-1] == ("inventor", "8", "王文元", None, None)  # l.83-84
    assert len(parties) == 1 + 8


@pytest.mark.shared
def test_old_format_foreign_applicants_priority_and_pct(cn_dir: Path) -> None:
    patents, parties, _ = read(cn_dir / "cn_old2.xml")
    (p,) = patents
    assert p["patent_id"] == "CN201480000986.0"  # l.20
    assert p["application_date"] == "2014-03-28"  # l.21
    # l.25-55: six priority claims, all KR (l.26 ...); l.135 pct-or-regional-filing-data -> WO
    assert p["family_countries"] == "CN;KR;WO"
    assert p["ipc"] == "B03B5/04;B03B5/32;B03B5/62;B07B13/04"  # l.58 ... l.67
    # l.85-88 可隆科技特株式会社, address 韩国京畿道果川市 as written, no country element;
    # l.93-95 second applicant with an empty <text />
    assert party_tuples(parties)[:2] == [
        ("applicant", "1", "可隆科技特株式会社", "韩国京畿道果川市", None),
        ("applicant", "2", "盛源立赛科株式会社", None, None),
    ]
    assert [t[2] for t in party_tuples(parties) if t[0] == "inventor"] == [
        "朴建洙",
        "权宁荤",
        "曹光洙",
        "孔景录",
        "蒋志荣",  # l.114
    ]


@pytest.mark.shared
def test_old_format_on_one_line_without_bom(cn_dir: Path) -> None:
    patents, parties, _ = read(cn_dir / "cn_old3.xml")  # the bibliographic data is on line 1
    (p,) = patents
    assert p["patent_id"] == "CN201480000788.4"
    assert p["application_date"] == "2014-03-31"
    assert p["ipc"] == "C07D251/18"  # "C07D  251/18    (2006.01)"
    assert p["family_countries"] == "CN;WO"  # PCT/JP2014/059529, no priority claim
    assert p["title"] == "马来酸伊索拉定的制造方法"
    assert party_tuples(parties) == [
        ("applicant", "1", "日本新药株式会社", "日本京都府", None),
        ("inventor", "1", "服部正之", None, None),
    ]


@pytest.mark.shared
def test_old_format_domestic_priority(cn_dir: Path) -> None:
    patents, parties, _ = read(cn_dir / "cn_old4.xml")
    (p,) = patents
    assert p["patent_id"] == "CN201410513187.5"  # l.20
    assert p["ipc"] == "A43D1/02"  # l.26
    # l.40 cn-domestic-priority-claims (a CN utility model): the family stays CN
    assert p["family_countries"] == "CN"
    assert p["title"] == "脚型量具"  # l.29
    assert party_tuples(parties) == [
        ("applicant", "1", "叶建鑫", "325000 浙江省温州市瓯海区巨溪镇河南西路33号", None),  # l.60
        ("inventor", "1", "叶建鑫", None, None),
    ]


@pytest.mark.shared
def test_new_format_foreign_applicant_with_country(cn_dir: Path) -> None:
    patents, parties, _ = read(cn_dir / "cn_new1.xml")
    assert patents == [
        {
            "patent_id": "CN202111286633.X",  # l.29 original DocNumber 202111286633.X
            "office": "CN",
            "patent_type": "invention",  # l.8 Kind A
            "application_date": "2017-04-24",  # l.30 (a divisional: the parent's date)
            "grant_date": None,
            # l.64 "G09G    3/36", l.77 "G09G    3/3208", l.90 "G09G    3/34"
            "ipc": "G09G3/36;G09G3/3208;G09G3/34",
            "family_countries": "CN;KR",  # l.42 priority WIPOST3Code KR
            "title": "显示设备",  # l.93 InventionTitle lang="zh"
            RECORD: 1,
        }
    ]
    # l.116 Name, l.130 address WIPOST3Code KR, l.131 Text 韩国京畿道 (the parts are "0");
    # inventors l.136-150; agents are no parties
    assert party_tuples(parties) == [
        ("applicant", "1", "三星显示有限公司", "韩国京畿道", "KR"),
        ("inventor", "1", "金驲柱", None, None),
        ("inventor", "2", "田武经", None, None),
        ("inventor", "3", "李安洙", None, None),  # l.150
    ]


@pytest.mark.shared
def test_new_format_domestic_applicant(cn_dir: Path) -> None:
    patents, parties, _ = read(cn_dir / "cn_new2.xml")
    (p,) = patents
    assert p["patent_id"] == "CN202110991218.8"  # l.29
    assert p["application_date"] == "2021-08-26"  # l.30
    assert p["ipc"] == "H04L29/08;H04L29/06;H04L9/32;G06Q40/04;G06F16/27"  # l.52 ... l.104
    assert p["family_countries"] == "CN"
    assert party_tuples(parties)[0] == (
        "applicant",
        "1",
        "浙商银行股份有限公司",  # l.112
        "311200 浙江省杭州市萧山区鸿宁路1788号",  # l.127 Text, as written
        "CN",  # l.126
    )
    assert party_tuples(parties)[-1] == ("inventor", "3", "郭东升", None, None)  # l.146


@pytest.mark.shared
def test_new_format_pct_national_phase(cn_dir: Path) -> None:
    patents, parties, _ = read(cn_dir / "cn_new3.xml")
    (p,) = patents
    assert p["patent_id"] == "CN202180002433.9"  # l.29
    assert p["patent_type"] == "invention"  # kind A; l.26 applType="11" (PCT invention)
    assert p["application_date"] == "2021-02-24"  # l.30
    # l.43-78: eight priorities, all US (original and standard forms); l.229 PCT filing
    assert p["family_countries"] == "CN;US;WO"
    assert p["ipc"] == "A61K31/7076;A61P31/14;C07H19/207"  # l.134 ... l.160
    assert p["title"] == "抗COVID-19的高活性化合物"  # l.163
    assert party_tuples(parties) == [
        ("applicant", "1", "阿堤亚制药公司", "美国马萨诸塞州", "US"),  # l.168, l.182-183
        ("inventor", "1", "J-P·索玛迪西", None, None),  # l.192
        ("inventor", "2", "A·莫萨", None, None),  # l.197
    ]


# --- edge cases -----------------------------------------------------------------------------


def old_doc(
    number: str = "201420000001.2",
    kind: str = "B",
    app_date: str = "20140102",
    pub_date: str = "20150304",
    extra: str = "",
    encoding: str = "UTF-8",
) -> str:
    number_xml = f"<doc-number>{number}</doc-number>" if number else ""
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<cn-patent-document lang="ZH" country="CN">'
        "<cn-bibliographic-data><cn-publication-reference><document-id><country>CN</country>"
        f"<doc-number>104000001</doc-number><kind>{kind}</kind><date>{pub_date}</date>"
        "</document-id></cn-publication-reference>"
        '<application-reference appl-type="发明专利"><document-id><country>CN</country>'
        f"{number_xml}<date>{app_date}</date></document-id></application-reference>"
        "<invention-title>一种装置</invention-title>"
        "<abstract><p>摘要</p></abstract>"
        '<cn-parties><cn-applicants><cn-applicant sequence="1"><addressbook lang="ZH">'
        "<name>上海某某有限公司</name><address><text>200000 上海市浦东新区</text></address>"
        f"</addressbook></cn-applicant></cn-applicants></cn-parties>{extra}"
        "</cn-bibliographic-data><application-body><description><p>说明</p></description>"
        "</application-body></cn-patent-document>\n"
    )


NS = (
    'xmlns:base="http://www.sipo.gov.cn/XMLSchema/base" '
    'xmlns:business="http://www.sipo.gov.cn/XMLSchema/business"'
)


def new_doc(kind: str | None = "U", appl_type: str = "20", number: str = "202320000001.5") -> str:
    kind_xml = f"<base:Kind>{kind}</base:Kind>" if kind else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f"<business:PatentDocumentAndRelated {NS}><business:BibliographicData>"
        '<business:PublicationReference dataFormat="original"><base:DocumentID>'
        f"<base:WIPOST3Code>CN</base:WIPOST3Code><base:DocNumber>219000001</base:DocNumber>"
        f"{kind_xml}<base:Date>20231205</base:Date></base:DocumentID>"
        "</business:PublicationReference>"
        f'<business:ApplicationReference applType="{appl_type}" dataFormat="original">'
        f"<base:DocumentID><base:DocNumber>{number}</base:DocNumber><base:Date>20230101</base:Date>"
        "</base:DocumentID></business:ApplicationReference>"
        '<business:InventionTitle lang="en">A device</business:InventionTitle>'
        '<business:InventionTitle lang="zh">一种器件</business:InventionTitle>'
        '<business:Parties><business:ApplicantDetails><business:Applicant sequence="1">'
        '<base:AddressBook lang="en"><base:Name>Some Co</base:Name></base:AddressBook>'
        '<base:AddressBook lang="zh"><base:Name>某公司</base:Name><base:Address>'
        "<base:County>浦东新区</base:County><base:City>0</base:City>"
        "<base:Province>上海市</base:Province><base:WIPOST3Code>CN</base:WIPOST3Code>"
        "</base:Address></base:AddressBook></business:Applicant></business:ApplicantDetails>"
        "</business:Parties></business:BibliographicData></business:PatentDocumentAndRelated>\n"
    )


def write(tmp_path: Path, text: str, name: str = "cn.xml", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_grant_document_has_a_grant_date(tmp_path: Path) -> None:
    patents, _, _ = read(write(tmp_path, old_doc(kind="B")))
    assert patents[0]["patent_type"] == "invention"
    assert patents[0]["grant_date"] == "2015-03-04"  # the publication date of the B document


@pytest.mark.parametrize(
    ("kind", "patent_type", "granted"),
    [
        ("A", "invention", False),
        ("B", "invention", True),
        ("C", "invention", True),
        ("U", "utility_model", True),
        ("Y", "utility_model", True),
        ("S", "design", True),
        ("D", "design", True),
    ],
)
def test_kind_codes(tmp_path: Path, kind: str, patent_type: str, granted: bool) -> None:
    patents, _, _ = read(write(tmp_path, old_doc(kind=kind)))
    assert patents[0]["patent_type"] == patent_type
    assert patents[0]["grant_date"] == ("2015-03-04" if granted else None)


def test_new_format_utility_model_parts_address_and_chinese_title(tmp_path: Path) -> None:
    patents, parties, _ = read(write(tmp_path, new_doc(kind="U")))
    (p,) = patents
    assert (p["patent_type"], p["grant_date"], p["title"]) == (
        "utility_model",
        "2023-12-05",
        "一种器件",
    )
    # No address Text: the parts that are not "0", in Chinese order: 上海市 + 浦东新区
    assert party_tuples(parties) == [("applicant", "1", "某公司", "上海市浦东新区", "CN")]


@pytest.mark.parametrize(
    ("appl_type", "expected"),
    [("10", "invention"), ("11", "invention"), ("20", "utility_model"), ("30", "design")],
)
def test_appl_type_code_when_no_kind(tmp_path: Path, appl_type: str, expected: str) -> None:
    patents, _, _ = read(write(tmp_path, new_doc(kind=None, appl_type=appl_type)))
    assert patents[0]["patent_type"] == expected
    assert patents[0]["grant_date"] is None  # without a kind it is not known to be a grant


def test_both_formats_concatenated_in_one_file(tmp_path: Path) -> None:
    text = old_doc() + new_doc() + old_doc(number="CN201420000003.X")
    patents, _, report = read(write(tmp_path, text))
    assert [(p[RECORD], p["patent_id"]) for p in patents] == [
        (1, "CN201420000001.2"),
        (2, "CN202320000001.5"),
        (3, "CN201420000003.X"),
    ]
    assert report.records == 3


@pytest.mark.shared
def test_files_joined_with_their_byte_order_marks(cn_dir: Path, tmp_path: Path) -> None:
    # cn_old1.xml starts with a UTF-8 BOM: joined twice (`cat a b`), the second BOM sits
    # between the first document's end and the second declaration.
    data = (cn_dir / "cn_old1.xml").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    patents, _, report = read(write(tmp_path, (data + data).decode("utf-8")))
    assert [p["patent_id"] for p in patents] == ["CN201410408762.5"] * 2
    assert report.rejects == []


def test_missing_application_number_rejected(tmp_path: Path) -> None:
    patents, _, report = read(write(tmp_path, old_doc(number="") + old_doc()))
    assert len(patents) == 1
    assert [(n.record, n.reason) for n in report.rejects] == [(1, "missing application number")]


def test_missing_or_zero_application_date_rejected(tmp_path: Path) -> None:
    patents, _, report = read(write(tmp_path, old_doc(app_date="00000000")))
    assert patents == []
    assert [(n.reason, n.key) for n in report.rejects] == [
        ("missing application date", "CN201420000001.2")
    ]


@pytest.mark.shared
def test_truncated_real_file(cn_dir: Path, tmp_path: Path) -> None:
    data = (cn_dir / "cn_new1.xml").read_bytes()
    path = tmp_path / "cut.xml"
    path.write_bytes(old_doc().encode() + data[: len(data) // 2])
    patents, _, report = read(path)
    assert [p["patent_id"] for p in patents] == ["CN201420000001.2"]
    (reject,) = report.rejects
    assert reject.record == 2
    assert (
        reject.reason == "truncated: the document ends before </business:PatentDocumentAndRelated>"
    )
    assert reject.key == "CN202111286633.X"


def test_gbk_declared_document(tmp_path: Path) -> None:
    patents, parties, _ = read(write(tmp_path, old_doc(encoding="GBK"), encoding="gbk"))
    assert patents[0]["title"] == "一种装置"
    assert parties[0]["address"] == "200000 上海市浦东新区"


def test_other_root_skipped(tmp_path: Path) -> None:
    text = old_doc() + '<?xml version="1.0"?>\n<cn-search-report><x/></cn-search-report>\n'
    patents, _, report = read(write(tmp_path, text))
    assert len(patents) == 1
    assert [(n.record, n.reason) for n in report.skipped] == [(2, "not a patent: cn-search-report")]


def test_empty_and_not_xml(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is empty"):
        list(CnipaReader(write(tmp_path, "\ufeff", "bom-only.xml")).batches())
    with pytest.raises(InputError, match="is not XML"):
        list(CnipaReader(write(tmp_path, "申请号,名称\n", "x.xml")).batches())


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("201410408762.5", "CN201410408762.5"),
        ("CN201410408762.5", "CN201410408762.5"),
        ("2014104087625", "CN201410408762.5"),  # check digit without its dot
        ("ZL 2014 1040 8762.5", "CN201410408762.5"),
        ("202111286633.x", "CN202111286633.X"),
        ("03123456.7", "CN03123456.7"),  # 8-digit numbers before 2003
        ("031234567", "CN03123456.7"),
        ("PCT/CN2020/1", "CNPCT/CN2020/1"),  # not an application number: kept as written
    ],
)
def test_patent_id_normalisation(written: str, expected: str) -> None:
    assert patent_id(written) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("A24B   15/18    (2006.01)", "A24B15/18"),
        ("G09G    3/3208  (2016.01)", "G09G3/3208"),
        ("H04L 9/32", "H04L9/32"),
        ("A61K 31/0", "A61K31/00"),
        ("  ", None),
        (None, None),
    ],
)
def test_ipc_text(value: str | None, expected: str | None) -> None:
    assert ipc_text(value) == expected
