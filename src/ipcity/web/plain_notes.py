"""Data notes as a reader of the pages should see them: the population sources that the
engine records in its own words ("synthetic: ... (unchecked)") put into plain Chinese or
plain English, and the definition version as an edition, not a bare number."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from ipcity.indicators.registry import INDICATORS
from ipcity.protection import vocab
from ipcity.protection.indicators import INDICATORS as PROTECTION
from ipcity.protection.public import UNKNOWN_DISTRICT
from ipcity.reports.notes_text import population_sources
from ipcity.web.i18n import current_locale, gettext, msg

_EN_PREFIXES = (("real: ", ""), ("synthetic: ", "demo data: "))


def _plain_en(source: str) -> str:
    for old, new in _EN_PREFIXES:
        if source.startswith(old):
            source = new + source[len(old) :]
    return source.replace(" (unchecked)", ", not checked")


def population_text(sources: Iterable[str]) -> str:
    """The population sources of a figure, joined, in the page's language."""
    items = tuple(str(s) for s in sources)
    if current_locale() == "zh_CN":
        return population_sources(items, "zh")
    return "; ".join(dict.fromkeys(_plain_en(s) for s in items))


_SNAPSHOT = re.compile(r"^engine snapshot of (\d{4}-\d{2}-\d{2})$")


def actual_source(source: str | None, fmt_day: Callable[[date], str]) -> Markup:
    """Where an evaluation's actual value comes from, as ``ipcity.evaluation.gather`` records
    it ("published: <source>", "engine snapshot of <day>", "workspace: <indicator>", or the
    engine's own provenance line), in the page's language; a published source is data."""
    if not source:
        return Markup("—")
    if source.startswith("published: "):
        value = Markup('<span data-value="">{}</span>').format(source[len("published: ") :])
        return Markup(gettext("published: %(source)s")) % {"source": value}
    m = _SNAPSHOT.match(source)
    if m:
        day = date.fromisoformat(m.group(1))
        return Markup(gettext("computed from the patent data on %(day)s")) % {"day": fmt_day(day)}
    if source.startswith("workspace: "):
        return Markup(gettext("computed from the workspace's records"))
    return Markup(gettext("computed from the patent data"))


# Params of workspace messages that carry the user's data (names, titles, free text).
DATA_PARAMS = frozenset(
    {"unit", "task_title", "comment", "title", "name", "value", "meeting", "units", "fields"}
)


def marked_message(key: str, params: Mapping[str, Any] | None) -> Markup:
    """A workspace message (``msg``) with its data params marked as data: a notice in English
    quotes the Chinese title of a task as it is, and says so (``data-value``)."""
    marked: dict[str, Any] = {}
    for k, v in (params or {}).items():
        if k in DATA_PARAMS and isinstance(v, str) and v:
            marked[k] = str(Markup('<span data-value="">{}</span>').format(v))
        else:
            marked[k] = escape(v) if isinstance(v, str) else v
    return Markup(msg(key, marked))


def engine_indicator_name(indicator: str | None) -> str:
    """The name of an indicator the app computes (the engine's registry, or the protection
    cases'), in the page's language; an id neither knows is shown as it is."""
    if not indicator:
        return ""
    en = current_locale() == "en"
    if indicator in INDICATORS:
        d = INDICATORS[indicator]
        return d.name_en if en else d.name_zh
    if indicator in PROTECTION:
        return PROTECTION[indicator].name("en" if en else "zh")
    return indicator


def protection_label(key: str, label: str) -> Markup:
    """A row or column of the public protection tables in the page's language: a kind of
    protection or an IP type by its code; a district by its name (data: marked)."""
    en = current_locale() == "en"
    if key in vocab.KIND_GROUPS:
        zh, en_label, _kinds = vocab.KIND_GROUPS[key]
        return Markup.escape(en_label if en else zh)
    if key in vocab.IP_TYPE_CODES:
        return Markup.escape(vocab.ip_type_label(key, "en" if en else "zh"))
    if key == UNKNOWN_DISTRICT[0]:
        return Markup.escape(UNKNOWN_DISTRICT[2] if en else UNKNOWN_DISTRICT[1])
    return Markup('<span data-value="">{}</span>').format(label)
