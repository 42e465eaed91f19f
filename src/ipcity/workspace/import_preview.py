"""What every import preview shares (work plan tasks, indicator targets, protection cases).

A preview lists the rows an import would ``add``, the existing records it would ``update``
(each with ``changes: {field: {"from", "to"}}``), the records it leaves ``unchanged``, the
records missing from the sheet (``not_in_file``, always kept) and its ``warnings``. Its
``token`` is a digest of exactly what would be written and of the versions it was computed
from: the apply recomputes the preview inside the write transaction and refuses when the
token differs (``StalePreview``), so what is applied is what was previewed. ``as_dict`` is the
JSON of ``?dry_run=true``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ipcity.workspace.errors import RowError, WorkspaceError


class StalePreview(WorkspaceError):
    """The records changed between the preview and the apply: nothing was written."""

    http_status = 409
    key = "import.stale_preview"


@dataclass(kw_only=True)
class ImportPreview:
    add: list[dict[str, Any]] = field(default_factory=list)
    update: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    token: str = ""

    @property
    def loud(self) -> list[dict[str, Any]]:
        """The additions and updates the user must look at twice (``"loud": True``)."""
        return [u for u in (*self.add, *self.update) if u.get("loud")]

    def as_dict(self, locale: str = "zh") -> dict[str, Any]:
        return {
            "add": self.add,
            "update": self.update,
            "unchanged": len(self.unchanged),
            "unchanged_codes": self.unchanged,
            "not_in_file": self.not_in_file,
            "warnings": [w.as_dict(locale) for w in self.warnings],
            "errors": [],
            "token": self.token,
        }


def rejected_preview(errors: list[RowError], locale: str = "zh") -> dict[str, Any]:
    """The dry-run JSON of a sheet with bad rows: nothing to add or change, every error."""
    return {
        "add": [],
        "update": [],
        "unchanged": 0,
        "warnings": [],
        "errors": [e.as_dict(locale) for e in errors],
        "token": None,
    }


def field_changes(
    current: Mapping[str, Any], changes: Mapping[str, Any], show: Callable[[str, Any], Any]
) -> dict[str, dict[str, Any]]:
    """``{field: {"from", "to"}}`` of ``changes`` against ``current``, as ``show`` displays
    each value."""
    return {k: {"from": show(k, current.get(k)), "to": show(k, v)} for k, v in changes.items()}


def digest(state: Mapping[str, Any]) -> str:
    """The preview token: a digest of what would be written and what it was computed from."""
    blob = json.dumps(state, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]
