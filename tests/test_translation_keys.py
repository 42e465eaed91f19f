"""One translation mechanism: every message key the code uses is in the gettext catalogs in
both languages, with a text and the same placeholders (``python -m ipcity.web.catalogs check``
runs the same checks)."""

from __future__ import annotations

from pathlib import Path

from ipcity import i18n
from ipcity.web import catalogs


def test_every_key_is_in_both_languages() -> None:
    assert catalogs.key_gaps() == {"zh_CN": [], "en": []}


def test_a_key_missing_from_the_catalogs_is_found(tmp_path: Path) -> None:
    code = tmp_path / "area.py"
    code.write_text(
        'from ipcity.i18n import render\nrender("report.no_such_key", None, "en")\n'
        'render("status.red", None, "zh")\n',
        encoding="utf-8",
    )
    assert set(catalogs.used_keys([tmp_path])) == {"report.no_such_key", "status.red"}
    gaps = catalogs.key_gaps([tmp_path])
    for locale in i18n.LOCALES:
        assert "report.no_such_key (used in the code)" in gaps[locale]
        assert not any(g.startswith("status.red ") for g in gaps[locale])


def test_placeholders_may_be_given_per_language() -> None:
    assert i18n.placeholders("{fields} of {code}") == i18n.placeholders("{code}: {fields_en}")
    assert i18n.placeholders("{a}") != i18n.placeholders("{b}")


def test_render_in_both_languages() -> None:
    assert i18n.render("status.red", None, "zh") == "逾期"
    assert i18n.render("status.red", None, "en_US") == "overdue"
    assert i18n.render("report.year_column", {"year": 2023}, "zh") == "2023年"
    assert i18n.render("report.year_column", {"year": 2023}, "en") == "2023"
    assert i18n.render("no.such.key", None, "en") == "no.such.key"
