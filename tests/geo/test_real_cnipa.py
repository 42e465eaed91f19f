"""Applicant addresses of real CNIPA publications (../shared/data/real/cnipa-xml), read here with
lxml directly. Expected places checked by hand: 530102 = 昆明市五华区, 330304 = 温州市瓯海区,
330109 = 杭州市萧山区 (GB/T 2260); the foreign ones name their country first."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from ipcity.geo.resolve import NOWHERE, Place, attribute, resolve_addresses

pytestmark = pytest.mark.shared

EXPECTED: dict[str, list[tuple[str, Place]]] = {
    "cn_old1.xml": [
        ("650231 云南省昆明市五华区红锦路367号云烟科技园C区", Place("530102", "CN", "district"))
    ],
    "cn_old2.xml": [
        ("韩国京畿道果川市", Place(None, "KR", "country")),
        ("", NOWHERE),  # the second applicant has an empty address
    ],
    "cn_old3.xml": [("日本京都府", Place(None, "JP", "country"))],
    "cn_old4.xml": [
        ("325000 浙江省温州市瓯海区巨溪镇河南西路33号", Place("330304", "CN", "district"))
    ],
    "cn_new1.xml": [("韩国京畿道", Place(None, "KR", "country"))],
    "cn_new2.xml": [("311200 浙江省杭州市萧山区鸿宁路1788号", Place("330109", "CN", "district"))],
    "cn_new3.xml": [("美国马萨诸塞州", Place(None, "US", "country"))],
}


def applicant_addresses(path: Path) -> list[tuple[str, str | None]]:
    """(address text, WIPO ST.3 country or None) of each applicant, in document order."""
    root = etree.parse(str(path)).getroot()
    old = root.findall(".//cn-applicant")
    if old:
        return [("".join(a.findtext(".//address/text") or "").strip(), None) for a in old]
    out = []
    for a in root.iter("{*}Applicant"):
        text = (a.findtext(".//{*}Address/{*}Text") or "").strip()
        out.append((text, a.findtext(".//{*}Address/{*}WIPOST3Code")))
    return out


@pytest.mark.parametrize("filename", sorted(EXPECTED))
def test_applicant_addresses_resolve(shared_data: Path, filename: str) -> None:
    found = applicant_addresses(shared_data / "real" / "cnipa-xml" / filename)
    assert [text for text, _ in found] == [text for text, _ in EXPECTED[filename]]
    places = resolve_addresses([text for text, _ in found])
    assert places == [place for _, place in EXPECTED[filename]]


def test_country_column_agrees_with_the_address(shared_data: Path) -> None:
    # The newer format carries the country (WIPO ST.3): attributing with it changes nothing.
    for filename in ("cn_new1.xml", "cn_new2.xml", "cn_new3.xml"):
        for (text, wipo), (_, want) in zip(
            applicant_addresses(shared_data / "real" / "cnipa-xml" / filename),
            EXPECTED[filename],
            strict=True,
        ):
            assert wipo == want.country
            assert attribute(None, text, wipo) == want
