"""The protection area's wording built from message keys at run time (column headings, the
portal's headline figures): every key the code builds is in both languages with the same
placeholders, and the catalogue holds no such key the code does not build. The project-wide
check (tests/test_translation_keys.py) cannot see these: it reads ``f"report_section.{key}"``
as covering every key under the prefix."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from ipcity.i18n import area_keys, placeholders
from ipcity.protection import public, report_section
from ipcity.protection.public import public_aggregates
from ipcity.protection.report_section import KindRow, ProtectionSection
from tests.support.prot_fixtures import ProtWorld, case

KEYS = area_keys("protection")


def _under(prefix: str) -> set[str]:
    return {k.removeprefix(prefix) for k in KEYS if k.startswith(prefix)}


@pytest.mark.parametrize(
    ("prefix", "built"),
    [
        ("public.figure.", public.FIGURE_KEYS),
        ("public.unit.", public.FIGURE_UNITS),
        ("report_section.col.", report_section.KIND_COLUMNS),
        (
            "report_section.assessment.col.",
            report_section.SCORE_COLUMNS + report_section.BREAKDOWN_COLUMNS,
        ),
    ],
)
def test_built_keys_match_the_catalogue(prefix: str, built: tuple[str, ...]) -> None:
    assert _under(prefix) == set(built)
    for name in built:
        zh, en = KEYS[prefix + name]
        assert zh and en, prefix + name


def test_report_section_keys_have_the_same_placeholders() -> None:
    for key, (zh, en) in KEYS.items():
        if key.startswith(("report_section.", "public.", "chart.", "grid.")):
            assert placeholders(zh) == placeholders(en), key


def _section() -> ProtectionSection:
    totals: dict[str, Fraction | Decimal | int | None] = {
        "cases_received": 1234,
        "cases_closed": 1000,
        "closure_rate": Fraction(805, 10),
        "avg_handling_days": Fraction(913, 10),
        "median_handling_days": 60,
        "mediation_success_rate": None,
        "foreign_related_cases": 12,
        "foreign_related_share": Fraction(1, 3),
        "cross_region_cases": 7,
    }
    rows = (KindRow("civil", 1234, 1000, Fraction(4, 5), None, Fraction(60)),)
    return ProtectionSection(2023, date(2023, 11, 15), totals, rows, None, 3)


def test_report_section_reads_its_wording_from_the_catalogue() -> None:
    zh, en = _section().section("zh"), _section().section("en")
    assert zh is not None and en is not None
    texts = {
        lang: "\n".join(str(b) for b in s.all_blocks()) + s.title
        for lang, s in (("zh", zh), ("en", en))
    }
    for text in texts.values():
        assert "report_section." not in text  # no key printed as itself
    assert zh.blocks[0].text.startswith(  # type: ignore[union-attr]
        "2023年（截至2023年11月15日），各成员单位共受理知识产权保护案件1234件，办结1000件，"
        "结案率80.5%；平均办案91.3天，中位数60.0天；调解成功率—；"
    )
    assert en.blocks[0].text.startswith(  # type: ignore[union-attr]
        "In 2023 (as of 15 November 2023) the member units received 1,234 IP protection cases"
    )
    assert zh.blocks[1].header[0] == "案件类型"  # type: ignore[union-attr]
    assert en.blocks[1].header == (  # type: ignore[union-attr]
        "Kind of case",
        "Received",
        "Closed",
        "Closure rate",
        "Mean days",
        "Median days",
    )
    assert en.blocks[1].caption == "IP protection cases by kind, 2023"  # type: ignore[union-attr]
    assert zh.blocks[-1].text == "注：其中3件为演示数据（合成案件），不是真实案件。"  # type: ignore[union-attr]


def test_portal_figures_and_csv_in_both_languages(pw: ProtWorld) -> None:
    w = pw.w
    for n in range(6):
        case(w.db, w.editor_a, case_no=f"K{n}", district="310101")
    with w.db.read() as s:
        stats = public_aggregates(s, year=2023, as_of=date(2023, 12, 31))
    assert tuple(f.key for f in stats.figures) == public.FIGURE_KEYS
    received = stats.figure("cases_received")
    assert (received.label_zh, received.unit_zh) == ("收案数", "件")
    assert (received.label_en, received.unit_en) == ("cases received", "cases")
    en = stats.to_csv("en").decode("utf-8-sig")
    zh = stats.to_csv("zh").decode("utf-8-sig")
    assert "by kind and IP type" in en and "by district and kind" in en and "\r\ntotal," in en
    assert "按保护类型和知识产权类型" in zh and "按区和保护类型" in zh and "\r\n合计," in zh
    assert "public." not in en + zh
    # each figure's unit in the CSV's language (the English CSV printed 件 before)
    assert "cases received,6,cases\r\n" in en and "收案数,6,件\r\n" in zh


def test_the_row_without_a_district_is_named_from_the_catalogue() -> None:
    assert public.UNKNOWN_DISTRICT == ("", "未注明区", "district not stated")
