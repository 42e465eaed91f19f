"""The versioned definition of the high-value criteria, and the default SEI concordance.

The shipped definition lives in ``data/definitions.toml``; a changed configuration is reported
as ``<version>+custom`` so a figure never claims a definition it was not computed with.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ipcity.errors import InputError

CRITERIA = ("sei", "family", "maintained", "pledge", "award")
# The shipped SEI concordances, by the name a definition gives in ``sei_table``.
SEI_TABLES = {
    # Definition version 2: the whole CNIPA 2021 table (a third-party transcription).
    "cnipa-2021-transcription": "sei_ipc_concordance_2021_transcription.csv",
    # Definition version 1: the 20 artificial-intelligence rows, matched as character prefixes.
    "ai-subset-v1": "sei_ai_subset_v1.csv",
}
LEGACY_SEI_TABLE = "ai-subset-v1"
# How keyword-qualified concordance rows apply (see ipcity.indicators.sei).
SEI_KEYWORD_RULES = ("ipc", "title")


@dataclass(frozen=True)
class DefinitionConfig:
    """High-value criteria switches and parameters. ``DefinitionConfig.default()`` is the
    shipped definition; ``.with_changes(pledge=False)`` gives a variant."""

    version: str
    sei: bool = True
    family: bool = True
    maintained: bool = True
    pledge: bool = True
    award: bool = True
    maintained_years: int = 10
    pledge_threshold_cny: float = 10_000_000.0
    sei_table: str = "cnipa-2021-transcription"
    sei_keyword_rule: str = "ipc"

    def __post_init__(self) -> None:
        if not any(getattr(self, c) for c in CRITERIA):
            raise InputError(
                "every high-value criterion is switched off; keep at least one of "
                + ", ".join(CRITERIA)
            )
        if isinstance(self.maintained_years, bool) or not isinstance(self.maintained_years, int):
            raise InputError(
                f"maintained_years must be a whole number, not {self.maintained_years!r}"
            )
        if self.maintained_years < 0:
            raise InputError(f"maintained_years must be 0 or more, not {self.maintained_years}")
        if self.pledge_threshold_cny < 0:
            raise InputError(
                f"pledge_threshold_cny must be 0 or more, not {self.pledge_threshold_cny}"
            )
        if self.sei_table not in SEI_TABLES:
            raise InputError(
                f"unknown sei_table {self.sei_table!r} (valid: {', '.join(SEI_TABLES)})"
            )
        if self.sei_keyword_rule not in SEI_KEYWORD_RULES:
            raise InputError(
                f"unknown sei_keyword_rule {self.sei_keyword_rule!r} "
                f"(valid: {', '.join(SEI_KEYWORD_RULES)})"
            )

    @classmethod
    def default(cls) -> DefinitionConfig:
        return _shipped()

    @classmethod
    def from_toml(cls, path: str | Path) -> DefinitionConfig:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"cannot read definition file {path}: {exc}") from exc
        return cls.from_mapping(data, origin=str(path))

    @classmethod
    def from_mapping(cls, data: dict[str, Any], origin: str = "definition") -> DefinitionConfig:
        hv = data.get("high_value", {})
        fields = {f.name for f in dataclasses.fields(cls)} - {"version"}
        unknown = set(hv) - fields
        if unknown or "version" not in data:
            raise InputError(
                f"{origin}: needs 'version' and a [high_value] table with keys "
                f"{', '.join(sorted(fields))} (unknown: {', '.join(sorted(unknown)) or '-'})"
            )
        kwargs: dict[str, Any] = {k: hv[k] for k in fields if k in hv}
        if "pledge_threshold_cny" in kwargs:
            kwargs["pledge_threshold_cny"] = float(kwargs["pledge_threshold_cny"])
        return cls(version=str(data["version"]), **kwargs)

    def with_changes(self, **changes: Any) -> DefinitionConfig:
        return dataclasses.replace(self, **changes)

    def criteria(self) -> dict[str, bool]:
        return {c: bool(getattr(self, c)) for c in CRITERIA}

    @property
    def label(self) -> str:
        """The version a result reports: ``1`` for the shipped definition, ``1+custom`` for a
        variant of it."""
        shipped = _shipped()
        if self.version == shipped.version and self != shipped:
            return f"{self.version}+custom"
        return self.version

    def as_dict(self) -> dict[str, Any]:
        return {
            "criteria": self.criteria(),
            "maintained_years": self.maintained_years,
            "pledge_threshold_cny": self.pledge_threshold_cny,
            "sei_table": self.sei_table,
            "sei_keyword_rule": self.sei_keyword_rule,
        }


@functools.cache
def _shipped() -> DefinitionConfig:
    text = resources.files("ipcity.indicators").joinpath("data/definitions.toml").read_text("utf-8")
    return DefinitionConfig.from_mapping(tomllib.loads(text), origin="definitions.toml")


def sei_table_text(name: str) -> str:
    """The CSV text of a shipped SEI concordance (``SEI_TABLES``)."""
    path = resources.files("ipcity.indicators").joinpath(f"data/{SEI_TABLES[name]}")
    return path.read_text("utf-8")


@functools.cache
def default_sei_concordance() -> tuple[tuple[str, str], ...]:
    """(ipc_prefix, category) of definition version 1's AI subset (20 rows)."""
    rows = csv.DictReader(io.StringIO(sei_table_text(LEGACY_SEI_TABLE)))
    return tuple((r["ipc_prefix"], r["category"]) for r in rows)


def normalise_prefix(prefix: str) -> str:
    """Version 1's compare form of a concordance prefix: no whitespace, upper case, no
    trailing ``*`` (``G06F40*`` -> ``G06F40``, then matched as a character prefix; version 2
    reads patterns by IPC level instead, see ``ipcity.indicators.sei``)."""
    return "".join(prefix.split()).upper().rstrip("*")
