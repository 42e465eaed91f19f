"""Chinese by default, English on request (?lang= remembered in a cookie); every UI string of
the templates and the web code is in both catalogs (zh_CN translated), with the same
placeholders; no text in a template escapes translation."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from starlette.testclient import TestClient

from ipcity.web import catalogs
from ipcity.web.i18n import LOCALES, catalog_files, normalise_locale, pick_locale
from tests.support.public_setting import open_to_public
from tests.support.web_world import WebWorld

TEMPLATES = Path(catalogs.WEB_DIR) / "templates"


def test_chinese_by_default_english_on_request(client: TestClient, world: WebWorld) -> None:
    open_to_public(world.db)
    zh = client.get("/")
    assert '<html lang="zh-CN">' in zh.text and "工作概览" in zh.text
    en = client.get("/?lang=en")
    assert '<html lang="en">' in en.text and "Dashboard" in en.text
    assert "ipcity_lang=en" in en.headers["set-cookie"]
    assert "Dashboard" in client.get("/tasks").text  # remembered by the cookie
    back = client.get("/tasks?lang=zh-CN")
    assert "重点任务" in back.text


def test_workspace_messages_follow_the_language(client: TestClient, world: WebWorld) -> None:
    open_to_public(world.db)
    assert "不存在" in client.get("/api/v1/tasks/999999").json()["message"]
    assert "does not exist" in client.get("/api/v1/tasks/999999?lang=en").json()["message"]
    page = client.get(f"/tasks/{world['t1']}?lang=en").text
    assert "overdue" in page and "逾期" not in page


def test_language_choice_rules() -> None:
    assert normalise_locale("zh-cn") == "zh_CN"
    assert normalise_locale("en-US") == "en"
    assert normalise_locale("fr") is None
    assert pick_locale(None, None) == ("zh_CN", False)
    assert pick_locale("en", None) == ("en", True)
    assert pick_locale("en", "en") == ("en", False)  # already remembered
    assert pick_locale("xx", "en") == ("en", False)  # unknown ?lang= is ignored


def test_every_ui_string_is_in_both_catalogs() -> None:
    gaps = catalogs.missing()
    assert gaps == {locale: [] for locale in LOCALES}, gaps


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)[sd]", text))


def test_translations_keep_the_placeholders() -> None:
    for locale in LOCALES:
        for path in catalog_files(locale):
            with path.open("rb") as fh:
                for m in read_po(fh, locale=locale):
                    if not m.id or not m.string:
                        continue
                    ids = m.id if isinstance(m.id, tuple | list) else (m.id,)
                    strings = m.string if isinstance(m.string, tuple | list) else (m.string,)
                    want = set().union(*(_placeholders(i) for i in ids))
                    for s in strings:
                        if s:
                            assert _placeholders(s) <= want, (path.name, m.id, s)
                            assert s.count("%%") == ids[0].count("%%"), (path.name, m.id, s)


# Text that may stand in a template untranslated: codes, formats, punctuation.
ALLOWED_BARE = {"GB/T 2260", "IP", "XLSX", "CSV", "v", "中文", "English", "—", "→", "←", "›", "…"}


def _bare_text(template: str) -> list[str]:
    s = re.sub(r"\{#.*?#\}", " ", template, flags=re.S)
    s = re.sub(r"\{%.*?%\}", " ", s, flags=re.S)
    s = re.sub(r"\{\{.*?\}\}", " ", s, flags=re.S)
    s = re.sub(r"<script[^>]*>.*?</script>", " ", s, flags=re.S)
    s = re.sub(r"<[^>]+>", " ", s, flags=re.S)
    s = re.sub(r"&\w+;", " ", s)
    out = []
    for chunk in re.split(r"\s{2,}|\n", s):
        chunk = chunk.strip(" \t()（）:：,，.、;；·|/+-=*'\"")
        if chunk and re.search(r"[A-Za-z\u4e00-\u9fff]", chunk) and chunk not in ALLOWED_BARE:
            out.append(chunk)
    return out


def test_no_untranslated_text_in_templates() -> None:
    found = {
        str(p.relative_to(TEMPLATES)): _bare_text(p.read_text(encoding="utf-8"))
        for p in sorted(TEMPLATES.rglob("*.html"))
    }
    found = {k: v for k, v in found.items() if v}
    assert not found, f"text outside {{% trans %}} / _(): {found}"


def test_catalogs_of_areas_are_merged(tmp_path: Path) -> None:
    """An area's own .po file adds strings without touching messages.po."""
    from ipcity.web.i18n import load_catalog

    po = tmp_path / "meetings.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Meetings"\nmsgstr "会议"\n\nmsgid "Dashboard"\nmsgstr "别的译法"\n',
        encoding="utf-8",
    )
    own = catalog_files("zh_CN")
    cat = load_catalog("zh_CN", [*own, po])
    assert cat.gettext("Meetings") == "会议"
    assert cat.gettext("Dashboard") == "工作概览"  # the web layer's own catalog wins
