"""Assessment schemes: the shipped default (defaults/assessment.toml) or a user's TOML file."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from ipcity.errors import InputError
from ipcity.evaluation.exact import exact
from ipcity.tomlfile import package_toml, read_toml

ItemKind = Literal[
    "tasks_on_time", "tasks_done", "reports_on_time", "indicator_growth", "overdue_deduction"
]
ITEM_KINDS: tuple[ItemKind, ...] = (
    "tasks_on_time",
    "tasks_done",
    "reports_on_time",
    "indicator_growth",
    "overdue_deduction",
)
Measure = Literal["change", "growth_pct", "level"]
Against = Literal["best", "median", "target"]
WhenEmpty = Literal["exclude", "zero", "full"]
UNIT_KINDS = ("office", "municipal", "district")


@dataclass(frozen=True)
class Item:
    id: str
    kind: ItemKind
    label: str
    label_en: str
    weight: Fraction = Fraction(0)
    applies_to: tuple[str, ...] = UNIT_KINDS
    when_empty: WhenEmpty = "exclude"
    indicator: str = ""
    measure: Measure = "change"
    against: Against = "best"
    target: Fraction | None = None
    points_per_task: Fraction = Fraction(0)
    cap: Fraction | None = None
    count_done_late: bool = False

    @property
    def is_deduction(self) -> bool:
        return self.kind == "overdue_deduction"

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "label_en": self.label_en,
            "applies_to": list(self.applies_to),
        }
        if self.is_deduction:
            d |= {
                "points_per_task": float(self.points_per_task),
                "cap": None if self.cap is None else float(self.cap),
                "count_done_late": self.count_done_late,
            }
        else:
            d |= {"weight": float(self.weight), "when_empty": self.when_empty}
        if self.kind == "indicator_growth":
            d |= {"indicator": self.indicator, "measure": self.measure, "against": self.against}
            if self.target is not None:
                d["target"] = float(self.target)
        return d


@dataclass(frozen=True)
class Scheme:
    name: str
    name_en: str
    items: tuple[Item, ...]
    full_score: Fraction
    rank_within: Literal["kind", "all"] = "kind"
    decimals: int = 2
    include_co_units: bool = False
    report_cadence: Literal["month", "quarter", "half", "year"] = "quarter"
    report_grace_days: int = 10

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "name_en": self.name_en,
            "full_score": float(self.full_score),
            "rank_within": self.rank_within,
            "decimals": self.decimals,
            "include_co_units": self.include_co_units,
            "report_cadence": self.report_cadence,
            "report_grace_days": self.report_grace_days,
            "items": [i.as_dict() for i in self.items],
        }


def _num(origin: str, key: str, value: object, *, positive: bool = False) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{origin}: {key} must be a number, not {value!r}")
    f = exact(value)
    if f < 0 or (positive and f == 0):
        raise InputError(f"{origin}: {key} must be {'positive' if positive else '>= 0'}")
    return f


def _choice(origin: str, key: str, value: object, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InputError(f"{origin}: {key} must be one of {', '.join(allowed)}, not {value!r}")
    assert isinstance(value, str)
    return value


SCHEME_KEYS = {
    "name",
    "name_en",
    "full_score",
    "rank_within",
    "decimals",
    "include_co_units",
    "report_cadence",
    "report_grace_days",
}
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
    "against",
    "target",
    "points_per_task",
    "cap",
    "count_done_late",
}


def _item(raw: object, n: int, origin: str) -> Item:
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
    kind = _choice(where, "kind", raw.get("kind"), ITEM_KINDS)
    applies = raw.get("applies_to", list(UNIT_KINDS))
    if not isinstance(applies, list) or not applies:
        raise InputError(f"{where}: applies_to must be a list of unit kinds")
    for a in applies:
        _choice(where, "applies_to", a, UNIT_KINDS)
    label = str(raw.get("label", item_id))
    common: dict[str, Any] = {
        "id": item_id,
        "kind": kind,
        "label": label,
        "label_en": str(raw.get("label_en", label)),
        "applies_to": tuple(applies),
    }
    if kind == "overdue_deduction":
        if "weight" in raw:
            raise InputError(f"{where}: a deduction has points_per_task and cap, not a weight")
        cap = raw.get("cap")
        return Item(
            **common,
            points_per_task=_num(where, "points_per_task", raw.get("points_per_task")),
            cap=None if cap is None else _num(where, "cap", cap),
            count_done_late=bool(raw.get("count_done_late", False)),
        )
    extra: dict[str, Any] = {}
    if kind == "indicator_growth":
        indicator = raw.get("indicator")
        if not isinstance(indicator, str) or not indicator:
            raise InputError(f"{where}: needs the indicator id (indicator = '...')")
        against = _choice(
            where, "against", raw.get("against", "best"), ("best", "median", "target")
        )
        target = raw.get("target")
        if against == "target" and target is None:
            raise InputError(f"{where}: against = 'target' needs target = <number>")
        extra = {
            "indicator": indicator,
            "measure": _choice(
                where, "measure", raw.get("measure", "change"), ("change", "growth_pct", "level")
            ),
            "against": against,
            "target": None if target is None else _num(where, "target", target, positive=True),
        }
    return Item(
        **common,
        **extra,
        weight=_num(where, "weight", raw.get("weight"), positive=True),
        when_empty=_choice(  # type: ignore[arg-type]
            where, "when_empty", raw.get("when_empty", "exclude"), ("exclude", "zero", "full")
        ),
    )


def parse_scheme(doc: dict[str, Any], origin: str) -> Scheme:
    head = doc.get("scheme", {})
    if not isinstance(head, dict):
        raise InputError(f"{origin}: [scheme] must be a table")
    raw_items = doc.get("item", [])
    if not isinstance(raw_items, list) or not raw_items:
        raise InputError(f"{origin}: a scheme needs at least one [[item]]")
    items = tuple(_item(r, n, origin) for n, r in enumerate(raw_items, 1))
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise InputError(f"{origin}: two items with the same id")
    weights = sum((i.weight for i in items if not i.is_deduction), Fraction(0))
    if weights == 0:
        raise InputError(f"{origin}: no item carries a weight")
    full = head.get("full_score")
    decimals = head.get("decimals", 2)
    if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 6:
        raise InputError(f"{origin}: decimals must be an integer 0..6")
    grace = head.get("report_grace_days", 10)
    if not isinstance(grace, int) or isinstance(grace, bool) or not 0 <= grace <= 366:
        raise InputError(f"{origin}: report_grace_days must be a whole number of days 0..366")
    unknown = set(head) - SCHEME_KEYS
    if unknown:
        raise InputError(f"{origin}: unknown key(s) in [scheme]: {', '.join(sorted(unknown))}")
    return Scheme(
        name=str(head.get("name", "assessment")),
        name_en=str(head.get("name_en", head.get("name", "assessment"))),
        items=items,
        full_score=weights if full is None else _num(origin, "full_score", full, positive=True),
        rank_within=_choice(  # type: ignore[arg-type]
            origin, "rank_within", head.get("rank_within", "kind"), ("kind", "all")
        ),
        decimals=decimals,
        include_co_units=bool(head.get("include_co_units", False)),
        report_cadence=_choice(  # type: ignore[arg-type]
            origin,
            "report_cadence",
            head.get("report_cadence", "quarter"),
            ("month", "quarter", "half", "year"),
        ),
        report_grace_days=grace,
    )


def default_scheme() -> Scheme:
    return parse_scheme(
        package_toml("ipcity.evaluation", "defaults", "assessment.toml"),
        "default assessment scheme",
    )


def load_scheme(path: Path | None) -> Scheme:
    """The scheme in ``path``, or the shipped default when None."""
    if path is None:
        return default_scheme()
    return parse_scheme(read_toml(path, "assessment scheme"), str(path))
