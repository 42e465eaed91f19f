"""The versioned definition of the high-value criteria, and the default SEI concordance.

The shipped definitions live in ``data/definitions.toml`` (the current version) and
``data/definitions-v1.toml`` (version 1, kept so an earlier figure can be reproduced); a changed
configuration is reported as ``<version>+custom`` so a figure never claims a definition it was
not computed with.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from ipcity.errors import InputError

CRITERIA = ("sei", "family", "maintained", "pledge", "award")
# The shipped definition versions: version -> file in data/. The newest is the default.
SHIPPED_FILES = {"1": "definitions-v1.toml", "2": "definitions.toml"}
DEFAULT_VERSION = "2"
# Fields read from the [scope] and [term] tables of a definition file; every other field of
# DefinitionConfig is read from [high_value].
SECTION_FIELDS = {
    "scope": ("office", "patent_types"),
    "term": (
        "statutory_term",
        "invention_term_years",
        "utility_model_term_years",
        "design_term_years",
        "design_long_term_years",
        "design_long_term_from",
    ),
}
AWARD_LISTS = ("any", "national")
PATENT_TYPES = ("invention", "utility_model", "design", "plant", "other")
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
    """Everything that decides a figure, as data: which office and patent types are counted,
    when a patent's term ends, and the high-value criteria. The defaults are version 1's
    behaviour; ``DefinitionConfig.default()`` is the shipped current version,
    ``DefinitionConfig.shipped("1")`` an earlier one, ``.with_changes(pledge=False)`` a
    variant."""

    version: str
    # [scope] office counted by every indicator except the PCT ones: a two-letter code, or ALL
    # (every office other than WO); patent types of patents_granted / patent_applications
    # (empty: every type).
    office: str = "ALL"
    patent_types: tuple[str, ...] = ()
    # [term] statutory term: a patent leaves the stock at the end of its term even without a
    # lapse_date (term_end_date, when given, replaces the computed end).
    statutory_term: bool = False
    invention_term_years: int = 20
    utility_model_term_years: int = 10
    design_term_years: int = 10
    design_long_term_years: int = 15
    design_long_term_from: str = "2021-06-01"
    # [high_value]
    sei: bool = True
    family: bool = True
    maintained: bool = True
    pledge: bool = True
    award: bool = True
    maintained_years: int = 10
    pledge_threshold_cny: float = 10_000_000.0
    # any: every award row counts; national: only the national list (awards.py) counts.
    award_list: str = "any"
    # Family members at these offices never count, nor (when set) at the patent's own office;
    # dated: members listed in the families table count from their grant year.
    family_other_than: tuple[str, ...] = ("CN", "WO")
    family_other_than_own_office: bool = False
    family_dated: bool = False
    sei_table: str = "cnipa-2021-transcription"
    sei_keyword_rule: str = "ipc"

    def __post_init__(self) -> None:
        if not any(getattr(self, c) for c in CRITERIA):
            raise InputError(
                "every high-value criterion is switched off; keep at least one of "
                + ", ".join(CRITERIA)
            )
        for name in (
            "maintained_years",
            "invention_term_years",
            "utility_model_term_years",
            "design_term_years",
            "design_long_term_years",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InputError(f"{name} must be a whole number, not {value!r}")
            if value < 0:
                raise InputError(f"{name} must be 0 or more, not {value}")
        if self.pledge_threshold_cny < 0:
            raise InputError(
                f"pledge_threshold_cny must be 0 or more, not {self.pledge_threshold_cny}"
            )
        if self.office != "ALL" and not _is_office(self.office):
            raise InputError(f"office must be ALL or a two-letter code, not {self.office!r}")
        bad = [t for t in self.patent_types if t not in PATENT_TYPES]
        if bad:
            raise InputError(
                f"unknown patent_types {', '.join(bad)} (valid: {', '.join(PATENT_TYPES)})"
            )
        if self.award_list not in AWARD_LISTS:
            raise InputError(
                f"unknown award_list {self.award_list!r} (valid: {', '.join(AWARD_LISTS)})"
            )
        if not all(_is_office(o) for o in self.family_other_than):
            raise InputError(
                f"family_other_than must list two-letter codes: {self.family_other_than}"
            )
        try:
            date.fromisoformat(self.design_long_term_from)
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"design_long_term_from must be a date such as 2021-06-01, not "
                f"{self.design_long_term_from!r}"
            ) from exc
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
        return _shipped(DEFAULT_VERSION)

    @classmethod
    def shipped(cls, version: str | int) -> DefinitionConfig:
        """A shipped definition version ("1", "2"); an unknown one is a one-line error."""
        key = str(version).strip()
        if key not in SHIPPED_FILES:
            raise InputError(
                f"unknown definition version '{version}' (valid: {', '.join(SHIPPED_FILES)})"
            )
        return _shipped(key)

    @classmethod
    def from_toml(cls, path: str | Path) -> DefinitionConfig:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"cannot read definition file {path}: {exc}") from exc
        return cls.from_mapping(data, origin=str(path), base=_shipped(DEFAULT_VERSION))

    @classmethod
    def from_mapping(
        cls,
        data: dict[str, Any],
        origin: str = "definition",
        base: DefinitionConfig | None = None,
    ) -> DefinitionConfig:
        """A definition file: ``version`` and the tables [scope], [term], [high_value]. Keys
        not given keep the values of ``base`` (``from_toml``: the current version), or of
        version 1 without one."""
        all_fields = {f.name for f in dataclasses.fields(cls)} - {"version"}
        sectioned = {f for names in SECTION_FIELDS.values() for f in names}
        allowed = SECTION_FIELDS | {"high_value": tuple(sorted(all_fields - sectioned))}
        unknown_tables = set(data) - set(allowed) - {"version"}
        kwargs: dict[str, Any] = {}
        unknown: list[str] = sorted(unknown_tables)
        for table, names in allowed.items():
            part = data.get(table, {})
            if not isinstance(part, dict):
                unknown.append(table)
                continue
            unknown += [f"{table}.{k}" for k in part if k not in names]
            kwargs |= {k: part[k] for k in names if k in part}
        if unknown or "version" not in data:
            listing = "; ".join(f"[{t}] {', '.join(n)}" for t, n in allowed.items())
            raise InputError(
                f"{origin}: needs 'version' and the tables {listing} "
                f"(unknown: {', '.join(unknown) or '-'})"
            )
        if "pledge_threshold_cny" in kwargs:
            kwargs["pledge_threshold_cny"] = float(kwargs["pledge_threshold_cny"])
        for key in ("patent_types", "family_other_than"):
            if key in kwargs:
                if not isinstance(kwargs[key], list):
                    raise InputError(f"{origin}: {key} must be a list of strings")
                kwargs[key] = tuple(str(v).strip() for v in kwargs[key])
        if "family_other_than" in kwargs:
            kwargs["family_other_than"] = tuple(o.upper() for o in kwargs["family_other_than"])
        if "office" in kwargs:
            kwargs["office"] = str(kwargs["office"]).strip().upper()
        if base is not None:
            return dataclasses.replace(base, version=str(data["version"]), **kwargs)
        return cls(version=str(data["version"]), **kwargs)

    def with_changes(self, **changes: Any) -> DefinitionConfig:
        return dataclasses.replace(self, **changes)

    def criteria(self) -> dict[str, bool]:
        return {c: bool(getattr(self, c)) for c in CRITERIA}

    @property
    def label(self) -> str:
        """The version a result reports: ``2`` for the shipped definition, ``2+custom`` for a
        variant of it."""
        if self.version in SHIPPED_FILES:
            shipped = _shipped(self.version)
            if self != shipped:
                return f"{self.version}+custom"
        return self.version

    def as_dict(self) -> dict[str, Any]:
        return {
            "criteria": self.criteria(),
            "maintained_years": self.maintained_years,
            "pledge_threshold_cny": self.pledge_threshold_cny,
            "patent_types": list(self.patent_types) or "all",
            "statutory_term": (
                {
                    "invention_years": self.invention_term_years,
                    "utility_model_years": self.utility_model_term_years,
                    "design_years": self.design_term_years,
                    "design_long_term_years": self.design_long_term_years,
                    "design_long_term_from": self.design_long_term_from,
                }
                if self.statutory_term
                else "not applied (lapse_date only)"
            ),
            "award_list": self.award_list,
            "family": {
                "other_than": list(self.family_other_than),
                "other_than_own_office": self.family_other_than_own_office,
                "dated": self.family_dated,
            },
            "sei_table": self.sei_table,
            "sei_keyword_rule": self.sei_keyword_rule,
        }


def _is_office(code: object) -> bool:
    return (
        isinstance(code, str)
        and len(code) == 2
        and code.isascii()
        and code.isalpha()
        and code.isupper()
    )


@functools.cache
def _shipped(version: str) -> DefinitionConfig:
    name = SHIPPED_FILES[version]
    text = resources.files("ipcity.indicators").joinpath(f"data/{name}").read_text("utf-8")
    config = DefinitionConfig.from_mapping(tomllib.loads(text), origin=name)
    if config.version != version:
        raise InputError(f"{name} says version {config.version}, expected {version}")
    return config


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
