"""Matching unit names as the office writes them to member units.

A unit is found by its full name, short name, code or GB/T 2260 code, compared after NFKC and
without spaces; "上海市X", "市X" and "X" match each other, and a district's short name
also matches with 政府 / 人民政府 appended (黄浦区 = 黄浦区政府 = 黄浦区人民政府).
"各区", "各区政府", "各区人民政府", "16个区", "各区政府（管委会）", "相关区" stand for every
active district. A unit's aliases (short or former names the office keeps, such as 市高院 or
市文旅局; ``UnitAlias``) match like its name. An unknown name gets the closest names as
suggestions (``UnitIndex.suggest``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from difflib import SequenceMatcher

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
            for alias in u.alias_names:
                keys |= _variants(alias)
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

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """The names of the units closest to ``name`` (by their names, short names and
        aliases), best first; empty when none is close."""
        n = _norm(name)
        if not n:
            return []
        best: dict[int, float] = {}
        for key, ids in self._by_key.items():
            if key.isdigit() or key.isascii():
                continue  # codes: a user typing a name does not mean a code
            score = SequenceMatcher(None, n, key).ratio()
            if _is_subsequence(n.removeprefix("市"), key):
                score = max(score, 0.75)
            for uid in ids:
                if score > best.get(uid, 0.0):
                    best[uid] = score
        ranked = sorted(
            (uid for uid, sc in best.items() if sc >= 0.5),
            key=lambda uid: (-best[uid], self._units[uid].sort_order, uid),
        )
        if ranked:  # only the names about as close as the best one: no long tail of 市X局
            top = best[ranked[0]]
            ranked = [uid for uid in ranked if best[uid] >= top - 0.1]
        return [self._units[uid].name for uid in ranked[:limit]]


def _is_subsequence(short: str, long: str) -> bool:
    """Every character of ``short`` appears in ``long`` in order (市经信委 ⊂ 市经济信息化委)."""
    if len(short) < 2:
        return False
    it = iter(long)
    return all(ch in it for ch in short)


def means_every_district(name: str) -> bool:
    """ "各区" and its variants: every district, so never one lead unit."""
    return _norm(name) in ALL_DISTRICTS


def split_units(text: str) -> list[str]:
    """``"市科委、市经济信息化委；各区政府"`` -> three names."""
    return [p.strip() for p in SEPARATORS.split(text or "") if p.strip()]
