"""One translation mechanism: every message key the code uses is in the gettext catalogs in
both languages, with a text and the same placeholders, and every key of a catalogue is used
(``python -m ipcity.web.catalogs check`` runs the same checks)."""

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


def test_no_key_is_unused() -> None:
    assert catalogs.unused_keys() == []


def test_an_unused_key_is_found(tmp_path: Path) -> None:
    """With only this code to read, the keys it names (literally, by a family, by an
    f-string, by a label helper) are used and every other key is not."""
    (tmp_path / "area.py").write_text(
        "from ipcity.i18n import render\n"
        'KEY = "report.decomposition.up"\n'  # chosen before it reaches render
        'render("report.n_key_tasks", None, "en")\n'  # a family: .one and .other
        "def f(part, s, kind):\n"
        '    render(f"report.decomposition.negligible.{part}")\n'
        '    render(f"{kind}_action.{s}")\n'
        '    label("meeting_kind", s)\n',
        encoding="utf-8",
    )
    unused = set(catalogs.unused_keys([tmp_path]))
    for used in (
        "reports:report.decomposition.up",
        "reports:report.n_key_tasks.one",
        "reports:report.n_key_tasks.other",
        "reports:report.decomposition.negligible.population",
        "meetings:meeting_action.hold",
        "meetings:meeting_kind.liaison",
    ):
        assert used not in unused
    for dead in (
        "reports:report.decomposition.down",
        "evaluation:projection.range_note",
        "workspace:status.red",
    ):
        assert dead in unused


def test_a_key_built_below_does_not_cover_an_area_above() -> None:
    # the workspace's f"report.{transition}" names its own keys, not the annual report's
    assert catalogs._may_render("workspace", "workspace")
    assert not catalogs._may_render("workspace", "reports")
    assert catalogs._may_render("meetings", "workspace")  # meetings renders field.year_*
    assert catalogs._may_render("", "reports")  # the web layer renders every area's keys
