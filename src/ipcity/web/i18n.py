"""Translations of the web UI: Babel ``.po`` catalogs read at start-up (no compile step).

- Locales: ``zh_CN`` (the default) and ``en``. The request's locale comes from ``?lang=``,
  then the ``ipcity_lang`` cookie, then the default (see :class:`LocaleMiddleware`).
- Catalogs: every ``*.po`` file in ``ipcity/web/locale/<locale>/LC_MESSAGES/`` and in
  ``ipcity/<area>/locale/<locale>/LC_MESSAGES/`` for every other area package. They are merged;
  the web layer's own ``messages.po`` is read first and wins on a duplicate msgid, so an area
  adds its own strings in its own file (e.g. ``web/locale/zh_CN/LC_MESSAGES/meetings.po``)
  without touching anyone else's.
- msgids are English; the ``en`` catalog may leave ``msgstr`` empty (the msgid is shown).
- The workspace's message keys (``status.green``, ``error.not_found`` ...) are not in these
  catalogs: they are rendered by :func:`ipcity.workspace.messages.render` (see :func:`msg`).
"""

from __future__ import annotations

import contextvars
import gettext as _gettext
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from ipcity.workspace import messages as ws_messages

LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"
LANG_COOKIE = "ipcity_lang"
LANG_LABELS = {"zh_CN": "中文", "en": "English"}

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/ipcity
WEB_LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_current: contextvars.ContextVar[str] = contextvars.ContextVar(
    "ipcity_locale", default=DEFAULT_LOCALE
)


def normalise_locale(value: str | None) -> str | None:
    """``zh``, ``zh-CN``, ``zh_cn`` -> ``zh_CN``; ``en``, ``en-US`` -> ``en``; else None."""
    if not value:
        return None
    v = value.strip().replace("-", "_").lower()
    if v in ("zh", "zh_cn", "zh_hans", "zh_hans_cn"):
        return "zh_CN"
    if v == "en" or v.startswith("en_"):
        return "en"
    return None


def ws_locale(locale: str) -> str:
    """The workspace's locale names: ``zh`` or ``en``."""
    return "en" if locale == "en" else "zh"


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


def current_locale() -> str:
    return _current.get()


def set_locale(locale: str) -> contextvars.Token[str]:
    return _current.set(locale)


def reset_locale(token: contextvars.Token[str]) -> None:
    _current.reset(token)


def gettext(message: str) -> str:
    """The UI string in the request's locale."""
    return catalogs()[current_locale()].gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalogs()[current_locale()].ngettext(singular, plural, n)


_ = gettext


def msg(key: str, params: Mapping[str, Any] | None = None, locale: str | None = None) -> str:
    """A workspace message key (status, reason, notice, error) in the request's locale."""
    return ws_messages.render(key, params, ws_locale(locale or current_locale()))


def pick_locale(query: str | None, cookie: str | None) -> tuple[str, bool]:
    """(locale, whether to store it in the cookie): ``?lang=`` wins and is remembered."""
    chosen = normalise_locale(query)
    if chosen:
        return chosen, chosen != normalise_locale(cookie)
    return normalise_locale(cookie) or DEFAULT_LOCALE, False


def iter_template_files(root: Path) -> Iterator[Path]:
    yield from sorted(root.rglob("*.html"))


def N_(message: str) -> str:
    """Marks a msgid for extraction where it is translated later (e.g. nav labels)."""
    return message
