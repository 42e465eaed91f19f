"""Translatable texts the workspace produces: status names, notice texts, error messages.

Code never hands the user a finished sentence only: it carries a message *key* plus *params*,
and :func:`render` turns them into Chinese (default) or English. The texts live in the gettext
catalogs (``<area>/locale/<locale>/LC_MESSAGES/keys.po`` of the workspace, meetings and
protection, read by :mod:`ipcity.i18n`); docs/workspace.md lists every key. Params are
formatted with ``str.format`` so a translation may reorder them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ipcity import i18n

DEFAULT_LOCALE = "zh"
LOCALES = ("zh", "en")


def render(key: str, params: Mapping[str, Any] | None = None, locale: str = DEFAULT_LOCALE) -> str:
    """The text for ``key`` in ``locale`` ("zh" or "en"); an unknown key renders as itself."""
    return i18n.render(key, params, locale)


def known(key: str) -> bool:
    """Whether ``key`` is a message key with a text in the catalogs."""
    return i18n.has_key(key)


def both(key: str, params: Mapping[str, Any] | None = None) -> dict[str, str]:
    """``{"zh": ..., "en": ...}`` for API payloads that want both."""
    return {loc: render(key, params, loc) for loc in LOCALES}


def label(prefix: str, value: str, locale: str = DEFAULT_LOCALE) -> str:
    """``label("meeting_kind", "liaison", "en")`` -> "liaison officers' meeting"."""
    return render(f"{prefix}.{value}", None, locale)
