"""Translations of the web UI: the request's locale over the catalogs of :mod:`ipcity.i18n`
(Babel ``.po`` files read at start-up, no compile step).

- Locales: ``zh_CN`` (the default) and ``en``. The request's locale comes from ``?lang=``,
  then the ``ipcity_lang`` cookie, then the default (see :class:`LocaleMiddleware`).
- Catalogs: every ``*.po`` file in ``ipcity/web/locale/<locale>/LC_MESSAGES/`` and in
  ``ipcity/<area>/locale/<locale>/LC_MESSAGES/`` for every other area package. They are merged;
  the web layer's own ``messages.po`` is read first and wins on a duplicate msgid, so an area
  adds its own strings in its own file (e.g. ``web/locale/zh_CN/LC_MESSAGES/meetings.po``)
  without touching anyone else's.
- msgids are English; the ``en`` catalog may leave ``msgstr`` empty (the msgid is shown).
- The areas' message keys (``status.green``, ``error.not_found`` ...) are in the same catalogs
  (each area's ``keys.po``) and are rendered with ``{params}`` by :func:`msg`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ipcity import i18n as _i18n
from ipcity.i18n import (
    DEFAULT_LOCALE,
    LOCALES,
    PACKAGE_DIR,
    WEB_LOCALE_DIR,
    Catalog,
    catalog_files,
    catalogs,
    load_catalog,
    reload_catalogs,
)

__all__ = [
    "DEFAULT_LOCALE",
    "LOCALES",
    "PACKAGE_DIR",
    "WEB_LOCALE_DIR",
    "Catalog",
    "catalog_files",
    "catalogs",
    "load_catalog",
    "reload_catalogs",
]

LANG_COOKIE = "ipcity_lang"
LANG_LABELS = {"zh_CN": "中文", "en": "English"}

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
    return _i18n.render(key, params, locale or current_locale())


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
