"""The protection self-assessment scheme: the shipped default
(``defaults/protection_assessment.toml``) or a user's TOML file.

```toml
[scheme]
name = "知识产权保护工作自评（默认方案）"
name_en = "IP protection self-assessment (default scheme)"
full_score = 100        # default: the sum of the weights
decimals = 2            # points rounded half-up (四舍五入)

[[item]]
id = "ruling_days"
kind = "indicator"      # indicator | tasks
indicator = "protection.avg_handling_days?kind=admin_ruling&ip=patent"
label = "专利侵权纠纷行政裁决平均办案天数"
label_en = "Average handling time of patent infringement rulings"
weight = 15
measure = "level"       # level (this year) | change (this year - last year)
full_at = 90            # full points at (or beyond) this value ...
zero_at = 180           # ... none at (or beyond) this one; linear in between
min_cases = 3           # fewer cases behind the value: nothing to judge
applies_to = ["city", "district"]
when_empty = "exclude"  # exclude | zero | full
district = { full_at = 90, zero_at = 180 }   # optional overrides for districts (or city = {...})

[[item]]
id = "protection_tasks"
kind = "tasks"          # supporting tasks of the year's work plans
goals = ["F1"]          # tasks under these goal codes (any depth); none: every task
on_time = true          # share done on time (false: done at all) among the tasks due or done
include_co = true       # a district's tasks include those it co-operates on
weight = 25
```
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from ipcity.errors import InputError
from ipcity.evaluation.exact import exact
from ipcity.protection.indicators import parse_indicator_id
from ipcity.tomlfile import package_toml, read_toml

LEVELS = ("city", "district")
WhenEmpty = Literal["exclude", "zero", "full"]


@dataclass(frozen=True)
class Bounds:
    full_at: Fraction
    zero_at: Fraction
    min_cases: int = 0


@dataclass(frozen=True)
class SchemeItem:
    id: str
    kind: Literal["indicator", "tasks"]
    label: str
    label_en: str
    weight: Fraction
    applies_to: tuple[str, ...] = LEVELS
    when_empty: WhenEmpty = "exclude"
    indicator: str = ""
    measure: Literal["level", "change"] = "level"
    bounds: dict[str, Bounds] | None = None  # level -> bounds
    goals: tuple[str, ...] = ()
    on_time: bool = True
    include_co: bool = True

    def bounds_for(self, level: str) -> Bounds:
        assert self.bounds is not None
        return self.bounds[level]

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "label_en": self.label_en,
            "weight": float(self.weight),
            "applies_to": list(self.applies_to),
            "when_empty": self.when_empty,
        }
        if self.kind == "indicator":
            d |= {"indicator": self.indicator, "measure": self.measure}
            d["bounds"] = {
                lvl: {
                    "full_at": float(b.full_at),
                    "zero_at": float(b.zero_at),
                    "min_cases": b.min_cases,
                }
                for lvl, b in (self.bounds or {}).items()
            }
        else:
            d |= {"goals": list(self.goals), "on_time": self.on_time, "include_co": self.include_co}
        return d


@dataclass(frozen=True)
class ProtectionScheme:
    name: str
    name_en: str
    items: tuple[SchemeItem, ...]
    full_score: Fraction
    decimals: int = 2

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "name_en": self.name_en,
            "full_score": float(self.full_score),
            "decimals": self.decimals,
            "items": [i.as_dict() for i in self.items],
        }


def _num(where: str, key: str, value: object, *, positive: bool = False) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{where}: {key} must be a number, not {value!r}")
    f = exact(value)
    if positive and f <= 0:
        raise InputError(f"{where}: {key} must be positive")
    return f


def _whole(where: str, key: str, value: object, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise InputError(f"{where}: {key} must be a whole number {lo}..{hi}")
    return value


ITEM_KEYS = {
    "id",
    "kind",
    "label",
    "label_en",
    "weight",
    "applies_to",
    "when_empty",
    "indicator",
    "measure",
    "full_at",
    "zero_at",
    "min_cases",
    "city",
    "district",
    "goals",
    "on_time",
    "include_co",
}
INDICATOR_ONLY = {"indicator", "measure", "full_at", "zero_at", "min_cases", "city", "district"}
TASK_ONLY = {"goals", "on_time", "include_co"}


def _bounds(where: str, raw: dict[str, Any], base: Bounds | None) -> Bounds:
    unknown = set(raw) - {"full_at", "zero_at", "min_cases"}
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    ends: dict[str, Fraction] = {}
    for key in ("full_at", "zero_at"):
        if key in raw:
            ends[key] = _num(where, key, raw[key])
        elif base is not None:
            ends[key] = getattr(base, key)
        else:
            raise InputError(f"{where}: needs full_at and zero_at")
    full, zero = ends["full_at"], ends["zero_at"]
    if full == zero:
        raise InputError(f"{where}: full_at and zero_at must differ")
    cases = (
        _whole(where, "min_cases", raw["min_cases"], 0, 1_000_000)
        if "min_cases" in raw
        else (base.min_cases if base else 0)
    )
    return Bounds(full, zero, cases)


def _item(raw: object, n: int, origin: str) -> SchemeItem:
    where = f"{origin}: item {n}"
    if not isinstance(raw, dict):
        raise InputError(f"{where} must be a table ([[item]])")
    unknown = set(raw) - ITEM_KEYS
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    item_id = raw.get("id")
    if not isinstance(item_id, str) or not item_id:
        raise InputError(f"{where}: needs an id")
    where = f"{origin}: item '{item_id}'"
    kind = raw.get("kind")
    if kind not in ("indicator", "tasks"):
        raise InputError(f"{where}: kind must be indicator or tasks, not {kind!r}")
    applies = raw.get("applies_to", list(LEVELS))
    if not isinstance(applies, list) or not applies or any(a not in LEVELS for a in applies):
        raise InputError(f"{where}: applies_to must be a list of city, district")
    when_empty = raw.get("when_empty", "exclude")
    if when_empty not in ("exclude", "zero", "full"):
        raise InputError(f"{where}: when_empty must be exclude, zero or full")
    label = str(raw.get("label", item_id))
    common: dict[str, Any] = {
        "id": item_id,
        "label": label,
        "label_en": str(raw.get("label_en", label)),
        "weight": _num(where, "weight", raw.get("weight"), positive=True),
        "applies_to": tuple(applies),
        "when_empty": when_empty,
    }
    if kind == "tasks":
        wrong = set(raw) & INDICATOR_ONLY
        if wrong:
            raise InputError(f"{where}: a tasks item has no {', '.join(sorted(wrong))}")
        goals = raw.get("goals", [])
        if not isinstance(goals, list) or any(not isinstance(g, str) for g in goals):
            raise InputError(f"{where}: goals must be a list of goal codes")
        return SchemeItem(
            kind="tasks",
            goals=tuple(goals),
            on_time=bool(raw.get("on_time", True)),
            include_co=bool(raw.get("include_co", True)),
            **common,
        )
    wrong = set(raw) & TASK_ONLY
    if wrong:
        raise InputError(f"{where}: an indicator item has no {', '.join(sorted(wrong))}")
    indicator = raw.get("indicator")
    if not isinstance(indicator, str):
        raise InputError(f"{where}: needs indicator = 'protection.<id>'")
    try:
        parse_indicator_id(indicator)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None
    measure = raw.get("measure", "level")
    if measure not in ("level", "change"):
        raise InputError(f"{where}: measure must be level or change")
    base = _bounds(
        where, {k: raw[k] for k in ("full_at", "zero_at", "min_cases") if k in raw}, None
    )
    bounds = {}
    for level in LEVELS:
        override = raw.get(level)
        if override is None:
            bounds[level] = base
        elif isinstance(override, dict):
            bounds[level] = _bounds(f"{where} ({level})", override, base)
        else:
            raise InputError(f"{where}: {level} must be a table like {{ full_at = 5 }}")
    return SchemeItem(
        kind="indicator", indicator=indicator, measure=measure, bounds=bounds, **common
    )


def parse_scheme(doc: dict[str, Any], origin: str) -> ProtectionScheme:
    head = doc.get("scheme", {})
    if not isinstance(head, dict):
        raise InputError(f"{origin}: [scheme] must be a table")
    unknown = set(head) - {"name", "name_en", "full_score", "decimals"}
    if unknown:
        raise InputError(f"{origin}: unknown key(s) in [scheme]: {', '.join(sorted(unknown))}")
    raw_items = doc.get("item", [])
    if not isinstance(raw_items, list) or not raw_items:
        raise InputError(f"{origin}: a scheme needs at least one [[item]]")
    items = tuple(_item(r, n, origin) for n, r in enumerate(raw_items, 1))
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise InputError(f"{origin}: two items with the same id")
    full = head.get("full_score")
    return ProtectionScheme(
        name=str(head.get("name", "protection self-assessment")),
        name_en=str(head.get("name_en", head.get("name", "protection self-assessment"))),
        items=items,
        full_score=sum((i.weight for i in items), Fraction(0))
        if full is None
        else _num(origin, "full_score", full, positive=True),
        decimals=_whole(origin, "decimals", head.get("decimals", 2), 0, 6),
    )


def default_scheme() -> ProtectionScheme:
    return parse_scheme(
        package_toml("ipcity.protection", "defaults", "protection_assessment.toml"),
        "default protection scheme",
    )


def load_scheme(path: Path | None) -> ProtectionScheme:
    """The scheme in ``path``, or the shipped default when None."""
    if path is None:
        return default_scheme()
    return parse_scheme(read_toml(path, "protection assessment scheme"), str(path))
