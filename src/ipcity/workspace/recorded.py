"""``as_dict()`` of the tables, in one place: the JSON shape of a row in the audit log,
in StaleVersion and in the API.

A table class lists its keys in ``AS_DICT`` (the order is the JSON's); :class:`AsDict` reads
them, so every table turns dates and stamps into ISO text the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, ClassVar

# A key of ``as_dict()``: a column or property of the same name, or (key, its value from the row).
Key = str | tuple[str, Callable[[Any], Any]]


def iso_text(value: date | datetime | None) -> str | None:
    """A date or a stamp (to the second) as ISO text for ``as_dict``; None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def keys(*parts: Key) -> tuple[Key, ...]:
    """``AS_DICT`` from words (``"id code title"``: columns or properties of those names) and
    ``(key, function of the row)`` pairs, in the order given."""
    out: list[Key] = []
    for part in parts:
        out.extend(part.split() if isinstance(part, str) else [part])
    return tuple(out)


class AsDict:
    """Mixin of a table class: ``as_dict()`` from ``AS_DICT``. A column's date or stamp becomes
    ISO text (:func:`iso_text`); a computed value is taken as its function returns it."""

    AS_DICT: ClassVar[tuple[Key, ...]] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in self.AS_DICT:
            if isinstance(key, str):
                value = getattr(self, key)
                out[key] = iso_text(value) if isinstance(value, date) else value
            else:
                out[key[0]] = key[1](self)
        return out


def ids_of(relationship: str) -> Callable[[Any], list[Any]]:
    """The ids of the rows of a list relationship (``attending_unit_ids``)."""
    return lambda row: [r.id for r in getattr(row, relationship)]


def dicts_of(relationship: str) -> Callable[[Any], list[dict[str, Any]]]:
    """The ``as_dict()`` of each row of a list relationship (a publication's files)."""
    return lambda row: [r.as_dict() for r in getattr(row, relationship)]


def value_of(attribute: str) -> Callable[[Any], Any]:
    """Another attribute under this key (``sha256``: the ``blob_sha256`` column)."""
    return lambda row: getattr(row, attribute)
