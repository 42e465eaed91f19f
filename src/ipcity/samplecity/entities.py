"""The applicants, owners and inventors of the sample city, built once per run.

Entities (companies, universities, hospitals, individuals, and co-applicants elsewhere) are reused
across many patents with heavy-tailed filing volumes, so the number of distinct addresses grows
sub-linearly with the scale as in real records. Built with Python loops: a few hundred thousand
entities at most, a second or two.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ipcity.samplecity import calibration as cal
from ipcity.samplecity.geography import (
    DISTRICTS,
    DOMESTIC,
    DOMESTIC_WEIGHTS,
    FOREIGN,
    FOREIGN_WEIGHTS,
    FREE_TRADE_ZONE,
    HONG_KONG,
    OLD_DISTRICT_NAMES,
    Place,
)
from ipcity.samplecity.vocabulary import (
    FIELDS,
    FOREIGN_NAME_FORMS,
    FOREIGN_TRADE_PARTS,
    GIVEN_CHARS,
    HOSPITAL_FORMS,
    INSTITUTE_FORMS,
    LEGAL_FORMS,
    SURNAMES,
    TRADE_NAME_CHARS,
    UNIVERSITY_FORMS,
)

# Categories, in the order of calibration.FIRST_APPLICANT_MIX, then places outside Shanghai.
COMPANY, UNIVERSITY, HOSPITAL, INDIVIDUAL, DOMESTIC_ENTITY, HONG_KONG_ENTITY, FOREIGN_ENTITY = (
    range(7)
)
CATEGORY_NAMES = (
    "company",
    "university",
    "hospital",
    "individual",
    "domestic",
    "hong_kong",
    "foreign",
)
SHANGHAI_CATEGORIES = (COMPANY, UNIVERSITY, HOSPITAL, INDIVIDUAL)
#: rough share of all patents each category takes part in (only sizes inventor teams)
CATEGORY_PATENT_SHARE = (0.82, 0.08, 0.02, 0.05, 0.05, 0.005, 0.02)

# Address variants an entity may have besides its main address.
NO_VARIANT, POSTCODE_VARIANT, OLD_NAME_VARIANT = 0, 1, 2

SEI_FIELDS = tuple(i for i, f in enumerate(FIELDS) if f.sei)
OTHER_FIELDS = tuple(i for i, f in enumerate(FIELDS) if not f.sei)
_MEDICAL_FIELDS = tuple(i for i, f in enumerate(FIELDS) if f.name in ("生物医药", "高端医疗器械"))


@dataclass
class Pool:
    """Entities of one category: rows [start, stop) of the pool arrays, sampled by weight."""

    start: int
    stop: int
    cumulative: np.ndarray  # cumulative filing weights, last element 1.0

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        picked = np.searchsorted(self.cumulative, rng.random(n), side="right")
        return (self.start + np.minimum(picked, self.stop - self.start - 1)).astype(np.int64)


@dataclass
class Entities:
    """Column arrays of every entity, indexable by entity number."""

    names: pa.Array  # string
    addresses: pa.Array  # string, one per distinct address
    main_address: np.ndarray  # entity -> address index, -1 when none (country only)
    variant_address: np.ndarray  # entity -> variant address index, -1 when none
    variant_kind: np.ndarray  # NO_VARIANT | POSTCODE_VARIANT | OLD_NAME_VARIANT
    countries: pa.Array  # string: country code of the entity
    region_codes: pa.Array  # string or null: GB/T 2260 code of the entity's place
    category: np.ndarray  # int8
    main_field: np.ndarray  # int16, index into FIELDS
    team: np.ndarray  # int32: size of the inventor team names are drawn from
    pools: dict[int, Pool]
    persons: pa.Array  # string: inventor (and individual applicant) names

    @property
    def count(self) -> int:
        return len(self.names)


def _pool_size(category: str, scale: float) -> int:
    base, exponent, _ = cal.ENTITY_POOLS[category]
    return max(cal.MIN_POOL, round(base * math.pow(scale, exponent)))


def _pareto_weights(rng: np.random.Generator, n: int, alpha: float, cap: float) -> np.ndarray:
    """Heavy-tailed filing volumes; no single entity above ``cap`` of its pool."""
    w = (1.0 - rng.random(n)) ** (-1.0 / alpha)
    for _ in range(3):  # capping re-normalises, so repeat until it holds
        w = np.minimum(w, cap * w.sum())
    return np.asarray(w / w.sum())


def _persons(rng: np.random.Generator, n: int) -> list[str]:
    ranks = np.arange(1, len(SURNAMES) + 1, dtype=float)
    surname_p = ranks**-0.8
    surname_p /= surname_p.sum()
    surnames = rng.choice(len(SURNAMES), size=n, p=surname_p)
    n_given = np.where(rng.random(n) < 0.7, 2, 1)
    given = rng.integers(0, len(GIVEN_CHARS), size=(n, 2))
    return [
        SURNAMES[int(s)] + GIVEN_CHARS[int(g[0])] + (GIVEN_CHARS[int(g[1])] if k == 2 else "")
        for s, g, k in zip(surnames, given, n_given, strict=True)
    ]


class _Dice:
    """Uniform numbers drawn in bulk and handed out one at a time (one numpy call per entity
    instead of one per choice: building 250k entities takes seconds, not minutes)."""

    def __init__(self, rng: np.random.Generator, size: int = 24) -> None:
        self._rng = rng
        self._size = size
        self._values: list[float] = []

    def refill(self) -> None:
        self._values = self._rng.random(self._size).tolist()

    def u(self) -> float:
        if not self._values:
            self.refill()
        return self._values.pop()

    def below(self, n: int) -> int:
        return min(int(self.u() * n), n - 1)

    def pick(self, options: tuple[str, ...]) -> str:
        return options[self.below(len(options))]

    def between(self, low: int, high: int) -> int:
        """An integer in [low, high)."""
        return low + self.below(high - low)

    def trade_name(self, length: int) -> str:
        return "".join(TRADE_NAME_CHARS[self.below(len(TRADE_NAME_CHARS))] for _ in range(length))

    def person(self) -> str:
        name = SURNAMES[self.below(len(SURNAMES))] + GIVEN_CHARS[self.below(len(GIVEN_CHARS))]
        return name + (GIVEN_CHARS[self.below(len(GIVEN_CHARS))] if self.u() < 0.7 else "")

    def weighted(self, cumulative: np.ndarray) -> int:
        return min(int(np.searchsorted(cumulative, self.u(), side="right")), len(cumulative) - 1)


def _unique(dice: _Dice, taken: set[str], make: Callable[[_Dice, int], str]) -> str:
    """Draw names from ``make(dice, trade_name_length)`` until one is new; longer trade names
    after repeated collisions so the loop always ends."""
    for attempt in range(60):
        name = make(dice, 2 + attempt // 15)
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("could not draw a unique entity name")  # pragma: no cover


def _shanghai_address(dice: _Dice, district_idx: int, residential: bool) -> str:
    d = DISTRICTS[district_idx]
    road = dice.pick(d.roads)
    number = dice.between(1, 2000)
    town = dice.pick(d.towns) if d.towns and dice.u() < 0.35 else ""
    if residential:
        tail = f"{number}弄{dice.between(1, 80)}号{dice.between(101, 2405)}室"
    else:
        r = dice.u()
        if r < 0.35:
            tail = f"{number}号"
        elif r < 0.70:
            tail = f"{number}号{dice.between(1, 30)}幢{dice.between(101, 1205)}室"
        elif r < 0.85:
            tail = f"{number}号{dice.between(1, 25)}楼"
        else:
            tail = f"{number}号{dice.pick(('A', 'B', 'C', 'D'))}座{dice.between(101, 2205)}室"
    if d.code == "310115" and not residential and dice.u() < cal.FREE_TRADE_ZONE_SHARE:
        return f"{FREE_TRADE_ZONE}{road}{tail}"
    city = "上海市" if dice.u() < 0.9 else "上海"
    return f"{city}{d.name}{town}{road}{tail}"


def _place_address(dice: _Dice, place: Place) -> str:
    if not place.roads:
        return place.prefix
    return f"{place.prefix}{dice.pick(place.roads)}{dice.between(1, 1500)}号"


@dataclass
class _Builder:
    names: list[str]
    addresses: list[str]
    address_index: dict[str, int]
    main_address: list[int]
    variant_address: list[int]
    variant_kind: list[int]
    countries: list[str]
    region_codes: list[str | None]
    category: list[int]
    main_field: list[int]

    def address(self, text: str) -> int:
        idx = self.address_index.get(text)
        if idx is None:
            idx = self.address_index[text] = len(self.addresses)
            self.addresses.append(text)
        return idx

    def add(
        self,
        name: str,
        category: int,
        address: str | None,
        country: str,
        region: str | None,
        field: int,
        variant: tuple[int, str] | None = None,
    ) -> None:
        self.names.append(name)
        self.category.append(category)
        self.main_address.append(self.address(address) if address else -1)
        if variant:
            self.variant_kind.append(variant[0])
            self.variant_address.append(self.address(variant[1]))
        else:
            self.variant_kind.append(NO_VARIANT)
            self.variant_address.append(-1)
        self.countries.append(country)
        self.region_codes.append(region)
        self.main_field.append(field)


def _field_for(dice: _Dice, category: int) -> int:
    if category == HOSPITAL:
        return _MEDICAL_FIELDS[dice.below(len(_MEDICAL_FIELDS))]
    sei_p = {UNIVERSITY: 0.8, INDIVIDUAL: 0.15}.get(category, 0.45)
    group = SEI_FIELDS if dice.u() < sei_p else OTHER_FIELDS
    return group[dice.below(len(group))]


def _cumulative(weights: tuple[float, ...] | np.ndarray) -> np.ndarray:
    c = np.cumsum(np.asarray(weights, dtype=float))
    return np.asarray(c / c[-1])


def _city_of(prefix: str) -> str:
    """'江苏省苏州市吴中区' -> '苏州'; '北京市海淀区' -> '北京'."""
    rest = prefix.split("省", 1)[-1]
    return rest.split("市", 1)[0]


def _shanghai_name(dice: _Dice, taken: set[str], category: int, field: int) -> str:
    if category == INDIVIDUAL:
        # real names repeat, but an applicant must stay identifiable: keep them unique
        return _unique(dice, taken, lambda d, k: d.person() + ("" if k == 2 else d.trade_name(1)))
    if category == UNIVERSITY:
        forms = UNIVERSITY_FORMS if dice.u() < 0.7 else INSTITUTE_FORMS
        return _unique(dice, taken, lambda d, k: "上海" + d.trade_name(k) + d.pick(forms))
    if category == HOSPITAL:
        return _unique(
            dice, taken, lambda d, k: "上海市" + d.trade_name(k) + d.pick(HOSPITAL_FORMS)
        )
    business = FIELDS[field].business
    return _unique(
        dice, taken, lambda d, k: "上海" + d.trade_name(k) + d.pick(business) + d.pick(LEGAL_FORMS)
    )


def _outside_name(dice: _Dice, taken: set[str], category: int, field: int, place: Place) -> str:
    if category == DOMESTIC_ENTITY:
        city = _city_of(place.prefix)
        business = FIELDS[field].business
        return _unique(
            dice,
            taken,
            lambda d, k: city + d.trade_name(k) + d.pick(business) + d.pick(LEGAL_FORMS),
        )
    if category == HONG_KONG_ENTITY:
        return _unique(
            dice,
            taken,
            lambda d, k: "香港" + d.trade_name(k) + d.pick(("科技有限公司", "有限公司")),
        )
    forms = FOREIGN_NAME_FORMS[place.country]
    return _unique(
        dice,
        taken,
        lambda d, k: d.pick(FOREIGN_TRADE_PARTS) + d.trade_name(k - 1) + d.pick(forms),
    )


def build_entities(seed: int, scale: float, expected_patents: int) -> Entities:
    """Every entity of the run; ``expected_patents`` sizes the inventor teams."""
    rng = np.random.default_rng([seed, 1])
    dice = _Dice(rng)
    b = _Builder([], [], {}, [], [], [], [], [], [], [])
    taken: set[str] = set()
    district_cum = _cumulative(np.array([d.patent_weight for d in DISTRICTS]))
    domestic_cum = _cumulative(DOMESTIC_WEIGHTS)
    foreign_cum = _cumulative(FOREIGN_WEIGHTS)
    pools: dict[int, Pool] = {}
    weights: list[np.ndarray] = []

    for category, key in enumerate(CATEGORY_NAMES):
        n = _pool_size(key, scale)
        start = len(b.names)
        for _ in range(n):
            dice.refill()  # each entity starts from fresh numbers: its choices stay local
            field = _field_for(dice, category)
            if category in SHANGHAI_CATEGORIES:
                di = dice.weighted(district_cum)
                district = DISTRICTS[di]
                address = _shanghai_address(dice, di, residential=category == INDIVIDUAL)
                variant: tuple[int, str] | None = None
                old_name = OLD_DISTRICT_NAMES.get(district.code)
                if old_name and district.name in address and dice.u() < cal.OLD_NAME_SHARE:
                    variant = (OLD_NAME_VARIANT, address.replace(district.name, old_name, 1))
                elif dice.u() < cal.POSTCODE_VARIANT_SHARE:
                    variant = (POSTCODE_VARIANT, f"{district.postcode} {address}")
                name = _shanghai_name(dice, taken, category, field)
                b.add(name, category, address, "CN", district.code, field, variant)
                continue
            if category == DOMESTIC_ENTITY:
                place = DOMESTIC[dice.weighted(domestic_cum)]
                address_or_none: str | None = _place_address(dice, place)
            elif category == HONG_KONG_ENTITY:
                place = HONG_KONG[dice.below(len(HONG_KONG))]
                address_or_none = _place_address(dice, place)
            else:
                place = FOREIGN[dice.weighted(foreign_cum)]
                only_country = dice.u() < cal.FOREIGN_COUNTRY_ONLY_SHARE
                address_or_none = None if only_country else place.prefix
            name = _outside_name(dice, taken, category, field, place)
            region = place.region_code or None
            b.add(name, category, address_or_none, place.country, region, field)
        _, _, alpha = cal.ENTITY_POOLS[key]
        cap = 0.2 if category == UNIVERSITY else 0.008
        w = _pareto_weights(rng, n, alpha, cap)
        weights.append(w)
        cum = np.cumsum(w)
        cum[-1] = 1.0
        pools[category] = Pool(start, start + n, cum)

    # Inventor teams grow with an entity's expected number of patents (square-root law).
    share = np.concatenate([w * CATEGORY_PATENT_SHARE[c] for c, w in enumerate(weights)])
    team = np.clip(8 + np.round(3.0 * np.sqrt(share * expected_patents)), 8, 20_000)

    n_persons = max(200, round(cal.PERSON_POOL[0] * scale ** cal.PERSON_POOL[1]))
    return Entities(
        names=pa.array(b.names, pa.string()),
        addresses=pa.array(b.addresses, pa.string()),
        main_address=np.array(b.main_address, dtype=np.int64),
        variant_address=np.array(b.variant_address, dtype=np.int64),
        variant_kind=np.array(b.variant_kind, dtype=np.int8),
        countries=pa.array(b.countries, pa.string()),
        region_codes=pa.array(b.region_codes, pa.string()),
        category=np.array(b.category, dtype=np.int8),
        main_field=np.array(b.main_field, dtype=np.int16),
        team=team.astype(np.int64),
        pools=pools,
        persons=pa.array(_persons(rng, n_persons), pa.string()),
    )
