"""Matching unit names as the office writes them to member units.

A unit is found by its full name, short name, code or GB/T 2260 code, compared after NFKC and
without spaces; "上海市X", "市X" and "X" match each other, and a district's short name
also matches with 政府 / 人民政府 appended (黄浦区 = 黄浦区政府 = 黄浦区人民政府).
"各区", "各区政府", "各区人民政府", "16个区", "各区政府（管委会）", "相关区" stand for every
active district.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence

from ipcity.workspace.models import Unit

ALL_DISTRICTS = {
    "各区",
    "各区政府",
    "各区人民政府",
    "16个区",
    "各区政府(管委会)",
    "相关区",
    "各相关区",
}
SEPARATORS = re.compile(r"[、;；,，/\n]+")


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


def _variants(s: str) -> set[str]:
    n = _norm(s)
    out = {n}
    if n.startswith("上海市") and len(n) > 4:
        out |= {"市" + n[3:], n[3:]}
    elif n.startswith("市") and len(n) > 2:
        out |= {"上海市" + n[1:], n[1:]}
    if n.endswith("区"):
        out |= {n + "政府", n + "人民政府"}
    for suffix in ("人民政府", "政府"):
        if n.endswith("区" + suffix):
            out.add(n[: -len(suffix)])
    return out


class UnitIndex:
    def __init__(self, units: Sequence[Unit]) -> None:
        self._by_key: dict[str, set[int]] = defaultdict(set)
        self._units = {u.id: u for u in units}
        for u in units:
            keys = _variants(u.name) | {_norm(u.code)}
            if u.short_name:
                keys |= _variants(u.short_name)
            if u.admin_code:
                keys.add(u.admin_code)
            for k in keys:
                self._by_key[k].add(u.id)
        self.districts = [u for u in units if u.kind == "district" and u.active]

    def resolve(self, name: str) -> list[Unit] | str:
        """The unit(s) a name stands for, or an error key (field.unknown_unit /
        field.ambiguous_unit)."""
        n = _norm(name)
        if n in ALL_DISTRICTS:
            return list(self.districts)
        ids = self._by_key.get(n, set())
        if not ids:
            return "field.unknown_unit"
        if len(ids) > 1:
            return "field.ambiguous_unit"
        return [self._units[next(iter(ids))]]


def split_units(text: str) -> list[str]:
    """``"市科委、市经济信息化委；各区政府"`` -> three names."""
    return [p.strip() for p in SEPARATORS.split(text or "") if p.strip()]
