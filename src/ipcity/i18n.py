"""The one translation mechanism: gettext ``.po`` catalogs, read at start-up (no compile step).

- Locales: ``zh_CN`` (the default) and ``en``; the domain code also says ``zh`` / ``en``
  (:func:`catalog_locale` maps either form).
- Files: every ``*.po`` in ``ipcity/web/locale/<locale>/LC_MESSAGES/`` (the web layer's own
  ``messages.po`` first: it wins on a duplicate msgid) and in
  ``ipcity/<area>/locale/<locale>/LC_MESSAGES/`` of every area package, merged into one
  :class:`Catalog` per locale.
- Two kinds of msgid share the catalogs:
  * English UI strings (pages, templates, the report's sentences), looked up by
    :func:`gettext`; ``en`` may leave ``msgstr`` empty (the msgid is shown);
    params are ``%(name)s``.
  * Message keys (``status.green``, ``error.not_found``, ``meeting_kind.liaison`` ...) in each
    area's ``keys.po``, looked up by :func:`render`; both languages fill ``msgstr``; params
    are ``{name}`` (``str.format``, so a translation may reorder them).
  ``python -m ipcity.web.catalogs check`` fails on a gap in either kind.
"""

from __future__ import annotations

import gettext as _gettext
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"
PACKAGE_DIR = Path(__file__).resolve().parent  # src/ipcity
WEB_LOCALE_DIR = PACKAGE_DIR / "web" / "locale"
KEYS_DOMAIN = "keys"


def catalog_locale(locale: str | None) -> str:
    """``en``/``en_US`` -> ``en``; anything else (``zh``, ``zh_CN``, None) -> ``zh_CN``."""
    return "en" if locale and locale.lower().startswith("en") else DEFAULT_LOCALE


@dataclass
class Catalog:
    """One locale's merged translations."""

    locale: str
    singular: dict[str, str] = field(default_factory=dict)
    plural: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    plural_index: Callable[[int], int] = lambda n: 0
    sources: list[Path] = field(default_factory=list)

    def gettext(self, message: str) -> str:
        return self.singular.get(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self.plural.get((singular, plural))
        if forms:
            i = min(self.plural_index(n), len(forms) - 1)
            if forms[i]:
                return forms[i]
        return singular if n == 1 else plural


def catalog_files(locale: str) -> list[Path]:
    """Every catalog of ``locale``: the web layer's first, then each area's, sorted."""
    own = sorted((WEB_LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po"))
    own.sort(key=lambda p: (p.name != "messages.po", p.name))
    areas = sorted(
        p
        for p in PACKAGE_DIR.glob(f"*/locale/{locale}/LC_MESSAGES/*.po")
        if p.parent.parent.parent.parent != WEB_LOCALE_DIR.parent
    )
    return own + areas


def keys_files(locale: str) -> list[Path]:
    """The areas' message-key catalogs (``<area>/locale/<locale>/LC_MESSAGES/keys.po``)."""
    return [p for p in catalog_files(locale) if p.stem == KEYS_DOMAIN]


def load_catalog(locale: str, files: list[Path] | None = None) -> Catalog:
    cat = Catalog(locale)
    for path in files if files is not None else catalog_files(locale):
        with path.open("rb") as fh:
            po = read_po(fh, locale=locale)
        if po.plural_expr and cat.plural_index(2) == 0 and po.num_plurals > 1:
            cat.plural_index = _gettext.c2py(po.plural_expr)
        for m in po:
            if not m.id or m.fuzzy:
                continue
            if isinstance(m.id, tuple | list):
                key = (str(m.id[0]), str(m.id[1]))
                forms = tuple(str(s) for s in m.string) if m.string else ()
                cat.plural.setdefault(key, forms)
            else:
                cat.singular.setdefault(str(m.id), str(m.string or ""))
        cat.sources.append(path)
    return cat


@cache
def catalogs() -> dict[str, Catalog]:
    return {loc: load_catalog(loc) for loc in LOCALES}


def reload_catalogs() -> None:
    catalogs.cache_clear()


def gettext(message: str, locale: str | None = None) -> str:
    """An English UI string in ``locale`` (``zh``/``zh_CN``/``en``)."""
    return catalogs()[catalog_locale(locale)].gettext(message)


def has_key(key: str) -> bool:
    """Whether ``key`` is a message key with a text (in the default locale's catalog)."""
    return bool(catalogs()[DEFAULT_LOCALE].singular.get(key))


def render(key: str, params: Mapping[str, Any] | None = None, locale: str | None = None) -> str:
    """The text of message ``key`` in ``locale`` with its ``{params}``; an unknown key renders
    as itself."""
    template = catalogs()[catalog_locale(locale)].singular.get(key)
    if not template:
        return key
    try:
        return template.format(**(params or {}))
    except (KeyError, IndexError, ValueError):
        return template


def area_keys(area: str) -> dict[str, tuple[str, str]]:
    """An area's message keys -> (zh, en) texts, from its ``keys.po`` in both languages (a key
    missing from one language has "" there: the catalog check reports it)."""
    texts: dict[str, dict[str, str]] = {}
    for locale in LOCALES:
        path = PACKAGE_DIR / area / "locale" / locale / "LC_MESSAGES" / f"{KEYS_DOMAIN}.po"
        if not path.exists():
            continue
        with path.open("rb") as fh:
            for m in read_po(fh, locale=locale):
                if m.id and isinstance(m.id, str):
                    texts.setdefault(m.id, {})[locale] = str(m.string or "")
    return {k: (v.get("zh_CN", ""), v.get("en", "")) for k, v in texts.items()}


def placeholders(text: str) -> set[str]:
    """The ``{params}`` of a message text; ``{x_en}`` counts as ``{x}`` (a param given once
    per language, e.g. a list of field names)."""
    return {re.sub(r"_(en|zh)$", "", name) for name in re.findall(r"{(\w+)}", text)}
