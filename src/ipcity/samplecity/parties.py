"""Applicants, owners and inventors of a chunk of patents, as ``parties`` rows.

Rows are built as index arrays into the entity and person pools and turned into strings with
Arrow ``take``: tens of millions of rows cost seconds, and every distinct address exists once in
the pool (the ingest resolves each distinct address once).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ipcity.samplecity import calibration as cal
from ipcity.samplecity.entities import (
    COMPANY,
    DOMESTIC_ENTITY,
    FOREIGN_ENTITY,
    HONG_KONG_ENTITY,
    INDIVIDUAL,
    OLD_NAME_VARIANT,
    POSTCODE_VARIANT,
    UNIVERSITY,
    Entities,
)
from ipcity.samplecity.patents import NONE, PatentChunk

PARTY_SCHEMA = pa.schema(
    [
        ("patent_id", pa.string()),
        ("role", pa.string()),
        ("sequence", pa.int32()),
        ("name", pa.string()),
        ("address", pa.string()),
        ("country", pa.string()),
        ("region_code", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
    ]
)
APPLICANT, OWNER, INVENTOR = 0, 1, 2
_ROLES = pa.array(["applicant", "owner", "inventor"], pa.string())
_OLD_NAMES_UNTIL = 2016  # 闸北区 disappeared in 2015; records filed before 2016 may keep it


@dataclass
class _Rows:
    """Party rows as index arrays (entity >= 0, or person >= 0 for inventors)."""

    patent: np.ndarray
    role: np.ndarray
    sequence: np.ndarray
    entity: np.ndarray  # -1 for inventors
    person: np.ndarray  # -1 for entity rows
    explicit_region_share: float


class AddressTracker:
    """Which pool addresses the run has written (to report distinct addresses)."""

    def __init__(self, n_addresses: int) -> None:
        self.used = np.zeros(n_addresses, dtype=bool)

    def mark(self, idx: np.ndarray) -> None:
        self.used[idx[idx >= 0]] = True

    @property
    def count(self) -> int:
        return int(self.used.sum())


def _group_sequence(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row -> (owning patent, 1-based sequence) for ``counts[i]`` rows of patent i."""
    patent = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    sequence = np.arange(len(patent), dtype=np.int64) - np.repeat(starts, counts) + 1
    return patent, sequence


def _draw_from(rng: np.random.Generator, ent: Entities, category: np.ndarray) -> np.ndarray:
    out = np.zeros(len(category), dtype=np.int64)
    for c, pool in ent.pools.items():
        m = category == c
        if m.any():
            out[m] = pool.draw(rng, int(m.sum()))
    return out


def _applicants(rng: np.random.Generator, chunk: PatentChunk, ent: Entities) -> _Rows:
    n = len(chunk.kind)
    probs = np.array(cal.CO_APPLICANT_PROBS)[chunk.kind]
    co = (rng.random(n)[:, None] >= np.cumsum(probs, axis=1)).sum(axis=1)
    co = np.minimum(co, probs.shape[1] - 1)
    co = np.where(chunk.outside_first, np.maximum(co, 1), co)  # needs its Shanghai partner
    patent, sequence = _group_sequence(1 + co)
    entity = np.empty(len(patent), dtype=np.int64)
    is_first = sequence == 1
    entity[is_first] = chunk.first_entity
    # co-applicants: Shanghai (companies and universities), elsewhere in China, HK, abroad
    m = ~is_first
    k = int(m.sum())
    place_cum = np.cumsum(cal.CO_APPLICANT_PLACE)
    place = np.searchsorted(place_cum / place_cum[-1], rng.random(k), side="right")
    shanghai_cat = np.where(rng.random(k) < 0.8, COMPANY, UNIVERSITY)
    category = np.choose(
        np.minimum(place, 3), [shanghai_cat, DOMESTIC_ENTITY, HONG_KONG_ENTITY, FOREIGN_ENTITY]
    )
    # the second applicant of an outside-first patent is the Shanghai partner
    forced = chunk.outside_first[patent[m]] & (sequence[m] == 2)
    category = np.where(forced, shanghai_cat, category)
    co_entity = _draw_from(rng, ent, category)
    # an applicant is not listed twice: a co-applicant equal to the first moves to its neighbour
    first_of_row = chunk.first_entity[patent[m]]
    pool_end = np.array([ent.pools[int(c)].stop for c in range(len(ent.pools))])[category]
    pool_start = np.array([ent.pools[int(c)].start for c in range(len(ent.pools))])[category]
    clash = co_entity == first_of_row
    co_entity = np.where(
        clash, np.where(co_entity + 1 < pool_end, co_entity + 1, pool_start), co_entity
    )
    entity[m] = co_entity
    return _Rows(
        patent,
        np.full(len(patent), APPLICANT),
        sequence,
        entity,
        np.full(len(patent), -1),
        cal.EXPLICIT_REGION_SHARE[0],
    )


def _owners(rng: np.random.Generator, chunk: PatentChunk, ent: Entities, apps: _Rows) -> _Rows:
    """Granted patents: usually the applicants; some transferred; some with no owner rows."""
    n = len(chunk.kind)
    granted = chunk.grant != NONE
    u = rng.random(n)
    transfer_p = np.array((*cal.TRANSFER_SHARE, 0.0))[chunk.kind]
    no_rows = granted & (u < cal.NO_OWNER_ROWS_SHARE)
    transferred = granted & ~no_rows & (u < cal.NO_OWNER_ROWS_SHARE + transfer_p)
    same = granted & ~no_rows & ~transferred
    copy = same[apps.patent]
    place_cum = np.cumsum(cal.TRANSFEREE_PLACE)
    t_idx = np.flatnonzero(transferred)
    place = np.searchsorted(place_cum / place_cum[-1], rng.random(len(t_idx)), side="right")
    category = np.choose(np.minimum(place, 2), [COMPANY, DOMESTIC_ENTITY, FOREIGN_ENTITY])
    new_owner = _draw_from(rng, ent, category)
    patent = np.concatenate([apps.patent[copy], t_idx])
    sequence = np.concatenate([apps.sequence[copy], np.ones(len(t_idx), dtype=np.int64)])
    entity = np.concatenate([apps.entity[copy], new_owner])
    return _Rows(
        patent,
        np.full(len(patent), OWNER),
        sequence,
        entity,
        np.full(len(patent), -1),
        cal.EXPLICIT_REGION_SHARE[1],
    )


def _inventors(rng: np.random.Generator, chunk: PatentChunk, ent: Entities) -> _Rows:
    n = len(chunk.kind)
    counts = np.zeros(n, dtype=np.int64)
    for kind, probs in enumerate(cal.INVENTOR_PROBS):
        m = chunk.kind == kind
        cum = np.cumsum(probs)
        counts[m] = 1 + np.minimum(
            np.searchsorted(cum / cum[-1], rng.random(int(m.sum())), side="right"), len(probs) - 1
        )
    patent, sequence = _group_sequence(counts)
    # names come from the first applicant's team: the same people appear on many patents
    first = chunk.first_entity[patent]
    team = ent.team[first]
    base = np.floor(rng.random(n) * ent.team[chunk.first_entity]).astype(np.int64)[patent]
    slot = (base + sequence - 1) % team
    person = (first * 7_919 + slot) % len(ent.persons)
    # an individual applicant is the first inventor of the patent
    individual = (ent.category[first] == INDIVIDUAL) & (sequence == 1)
    entity = np.where(individual, first, -1)
    person = np.where(individual, -1, person)
    return _Rows(patent, np.full(len(patent), INVENTOR), sequence, entity, person, 0.0)


def _address_rows(
    rng: np.random.Generator, chunk: PatentChunk, ent: Entities, rows: _Rows
) -> np.ndarray:
    """Address pool index per entity row (-1: none): the main address, or its variant."""
    has = rows.entity >= 0
    e = np.where(has, rows.entity, 0)
    address = np.where(has, ent.main_address[e], -1)
    kind = ent.variant_kind[e]
    app_year = (
        chunk.app[rows.patent].astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)
        + 1970
    )
    use_variant = has & (
        ((kind == POSTCODE_VARIANT) & (rng.random(len(e)) < cal.POSTCODE_VARIANT_USE))
        | ((kind == OLD_NAME_VARIANT) & (app_year < _OLD_NAMES_UNTIL))
    )
    return np.where(use_variant, ent.variant_address[e], address)


def generate_parties(
    rng: np.random.Generator,
    chunk: PatentChunk,
    ent: Entities,
    tracker: AddressTracker,
) -> pa.Table:
    apps = _applicants(rng, chunk, ent)
    owners = _owners(rng, chunk, ent, apps)
    inventors = _inventors(rng, chunk, ent)
    parts = (apps, owners, inventors)
    patent = np.concatenate([p.patent for p in parts])
    role = np.concatenate([p.role for p in parts])
    sequence = np.concatenate([p.sequence for p in parts])
    entity = np.concatenate([p.entity for p in parts])
    person = np.concatenate([p.person for p in parts])
    explicit_share = np.concatenate(
        [np.full(len(p.patent), p.explicit_region_share) for p in parts]
    )
    # one patent's rows together: applicants, owners, inventors, each in sequence
    order = np.lexsort((sequence, role, patent))
    patent, role, sequence, entity, person = (
        a[order] for a in (patent, role, sequence, entity, person)
    )
    explicit_share = explicit_share[order]
    rows = _Rows(patent, role, sequence, entity, person, 0.0)

    n = len(patent)
    address = _address_rows(rng, chunk, ent, rows)
    address = np.where(role == INVENTOR, -1, address)  # inventors: no address in this sample
    tracker.mark(address)
    is_entity = entity >= 0
    e = np.where(is_entity, entity, 0)
    names = pa.concat_arrays([ent.names, ent.persons])
    name_idx = np.where(is_entity, e, len(ent.names) + np.maximum(person, 0))

    # country: the entity's, left empty on some CN rows; inventors: "CN" on PCT records only
    inventor = role == INVENTOR
    cn = np.asarray(ent.countries.to_numpy(zero_copy_only=False) == "CN")[e]
    empty = inventor | (cn & (rng.random(n) < cal.EMPTY_COUNTRY_SHARE))
    country = pc.if_else(
        pa.array(empty), pa.scalar(None, pa.string()), ent.countries.take(pa.array(e))
    )
    pct_inventor = inventor & (chunk.kind[patent] == cal.PCT)
    country = pc.if_else(pa.array(pct_inventor), pa.scalar("CN"), country)
    explicit = is_entity & ~inventor & (rng.random(n) < explicit_share)
    region = pc.if_else(
        pa.array(explicit), ent.region_codes.take(pa.array(e)), pa.scalar(None, pa.string())
    )
    missing = pa.array(address < 0)
    address_text = pc.if_else(
        missing, pa.scalar(None, pa.string()), ent.addresses.take(pa.array(np.maximum(address, 0)))
    )
    nulls = pa.nulls(n, pa.float64())
    return pa.table(
        [
            chunk.ids.take(pa.array(patent)),
            _ROLES.take(pa.array(role)),
            pa.array(sequence.astype(np.int32)),
            names.take(pa.array(name_idx)),
            address_text,
            country,
            region,
            nulls,
            nulls,
        ],
        schema=PARTY_SCHEMA,
    )
