"""One chunk of patents: rows [start, stop) of the plan, generated with numpy and Arrow kernels.

Everything random in a chunk comes from the chunk's own generator, so chunks are independent
(bounded memory) and the output depends only on seed, scale and years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ipcity.samplecity import calibration as cal
from ipcity.samplecity.dates import add_years, next_tuesday, year_end, year_start
from ipcity.samplecity.entities import (
    DOMESTIC_ENTITY,
    FOREIGN_ENTITY,
    HONG_KONG_ENTITY,
    INDIVIDUAL,
    OTHER_FIELDS,
    SEI_FIELDS,
    UNIVERSITY,
    Entities,
)
from ipcity.samplecity.plan import LAGS, NOT_GRANTED, Plan, day_number
from ipcity.samplecity.vocabulary import (
    ADJECTIVES,
    AWARDS,
    DESIGN_AWARDS,
    DESIGN_OBJECTS,
    DESIGN_VARIANTS,
    FIELDS,
    SUBGROUPS,
    SYNTHETIC_MARK,
)

NONE = -1  # missing day number

PATENT_SCHEMA = pa.schema(
    [
        ("patent_id", pa.string()),
        ("office", pa.string()),
        ("patent_type", pa.string()),
        ("application_date", pa.date32()),
        ("grant_date", pa.date32()),
        ("lapse_date", pa.date32()),
        ("term_end_date", pa.date32()),  # no term extensions in the sample city: always empty
        ("ipc", pa.string()),
        ("family_countries", pa.string()),
        ("title", pa.string()),
    ]
)

# Tilt of the SEI share by first-applicant category (universities and hospitals file in SEI
# fields more, individuals less); normalised per kind so the calibrated share holds on average.
_SEI_TILT = np.array([1.0, 1.6, 1.6, 0.3, 1.0, 1.0, 1.0])
_SEI_NORM = np.array([float(np.dot(m, _SEI_TILT[:4])) for m in cal.FIRST_APPLICANT_MIX])
_FIELD_SEI = np.array([f.sei for f in FIELDS])


def _flatten(groups: list[list[str]]) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Strings of several groups in one array, with each group's start and size."""
    sizes = np.array([len(g) for g in groups], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    return pa.array([s for g in groups for s in g], pa.string()), starts, sizes


_IPC_GROUPS, _IPC_START, _IPC_SIZE = _flatten(
    [[sub + grp for sub, groups in f.ipc for grp in groups] for f in FIELDS]
)
_OBJECTS, _OBJ_START, _OBJ_SIZE = _flatten([list(f.objects) for f in FIELDS])
_UM_OBJECTS = pa.array([o.replace("方法", "装置") for f in FIELDS for o in f.objects], pa.string())
_SUFFIXES, _SUF_START, _SUF_SIZE = _flatten([list(f.suffixes) for f in FIELDS])
_UM_SUFFIX = pa.scalar("", pa.string())
_SUBGROUPS = pa.array(SUBGROUPS, pa.string())
_ADJECTIVES = pa.array(ADJECTIVES, pa.string())
_DESIGN_OBJECTS = pa.array(DESIGN_OBJECTS, pa.string())
_DESIGN_VARIANTS = pa.array(DESIGN_VARIANTS, pa.string())
_FAMILY_FOREIGN = pa.array([f for f, _ in cal.FAMILY_FOREIGN], pa.string())
_FAMILY_FOREIGN_CUM = np.cumsum([p for _, p in cal.FAMILY_FOREIGN])
_CHECK_CHARS = np.array(list("0123456789X"))
_WEIGHTS_12 = np.array([2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5], dtype=np.int64)
_WEIGHTS_8 = np.array([2, 3, 4, 5, 6, 7, 8, 9], dtype=np.int64)


@dataclass
class PatentChunk:
    """A chunk's patents: the table to write and the columns parties and rights need."""

    table: pa.Table
    ids: pa.Array
    kind: np.ndarray  # calibration kinds
    app: np.ndarray  # day numbers
    grant: np.ndarray  # NONE when not granted
    lapse: np.ndarray  # NONE when in force (or never granted)
    first_entity: np.ndarray
    outside_first: np.ndarray  # bool: first applicant outside Shanghai
    pledged: np.ndarray  # bool
    awarded: np.ndarray  # bool


def _draw_index(rng: np.random.Generator, cumulative: np.ndarray, n: int) -> np.ndarray:
    idx = np.searchsorted(cumulative / cumulative[-1], rng.random(n), side="right")
    return np.minimum(idx, len(cumulative) - 1)


def _categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row from per-row probability vectors (rows of ``probs``)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs))[:, None] * cum[:, -1:]
    return np.asarray((u >= cum).sum(axis=1))


def _serials(kind: np.ndarray, app_year: np.ndarray, index: np.ndarray, seed: int) -> np.ndarray:
    """A bijection of each (kind, year) series' index onto its serial space, so numbers are
    unique and look scattered (Shanghai's applications are a sparse subset of China's)."""
    capacity = _capacities(kind, app_year)
    multiplier = 7_368_787  # odd, not a multiple of 5: coprime with every power of ten
    offset = (seed * 7_919 + kind * 104_729 + app_year * 15_485_863) % capacity
    return np.asarray((index * multiplier + offset) % capacity)


def _capacities(kind: np.ndarray, app_year: np.ndarray) -> np.ndarray:
    """plan.serial_capacity, vectorised."""
    cap = np.where(app_year >= 2003, 10_000_000, 100_000)
    return np.asarray(np.where(kind == cal.PCT, 1_000_000, cap).astype(np.int64))


def _check_digits(number: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """CNIPA check character: digits times weights (first digit first), summed, mod 11; 10 is
    written X."""
    rest = number.copy()
    total = np.zeros(len(number), dtype=np.int64)
    for w in weights[::-1]:  # last digit first
        total += (rest % 10) * w
        rest //= 10
    return np.asarray(_CHECK_CHARS[total % 11])


def patent_ids(kind: np.ndarray, app_year: np.ndarray, serial: np.ndarray) -> pa.Array:
    """CN application numbers ``CN202110123456.7`` (``CN02112345.6`` before 2003) with the mod-11
    check digit, and PCT numbers ``PCT/CN2021/123456``."""
    digit = np.array(cal.TYPE_DIGITS)[kind]
    long_number = app_year * 100_000_000 + digit * 10_000_000 + serial
    short_number = (app_year % 100) * 1_000_000 + digit * 100_000 + serial
    long_form = app_year >= 2003
    number = np.where(long_form, long_number, short_number)
    check = np.where(
        long_form,
        _check_digits(long_number, _WEIGHTS_12),
        _check_digits(short_number, _WEIGHTS_8),
    )
    number_text = pc.utf8_lpad(pa.array(number).cast(pa.string()), 8, "0")
    cn = pc.binary_join_element_wise("CN", number_text, ".", pa.array(check), "")
    pct = pc.binary_join_element_wise(
        "PCT/CN",
        pa.array(app_year).cast(pa.string()),
        "/",
        pc.utf8_lpad(pa.array(serial).cast(pa.string()), 6, "0"),
        "",
    )
    return pc.if_else(pa.array(kind == cal.PCT), pct, cn)


def _dates(
    rng: np.random.Generator, kind: np.ndarray, app_year: np.ndarray, grant_year: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    n = len(kind)
    y_start, y_end = year_start(app_year), year_end(app_year)
    app = y_start + np.floor(rng.random(n) * (y_end - y_start + 1)).astype(np.int64)
    grant = np.full(n, NONE, dtype=np.int64)
    u_app, u_lag = rng.random(n), rng.random(n)
    for k, lag in LAGS.items():
        m = (kind == k) & (grant_year != NOT_GRANTED)
        if not m.any():
            continue
        g_start, g_end = year_start(grant_year[m]), year_end(grant_year[m])
        # application days from which a grant inside the grant year is possible
        lo = np.maximum(y_start[m], g_start - np.floor(lag.max_days).astype(np.int64))
        hi = np.minimum(y_end[m], g_end - np.ceil(lag.min_days).astype(np.int64))
        hi = np.maximum(hi, lo)
        a = lo + np.floor(u_app[m] * (hi - lo + 1)).astype(np.int64)
        # lag drawn from the distribution restricted to the grant year
        lag_lo = np.maximum(g_start - a, lag.min_days)
        lag_hi = np.maximum(g_end - a, lag_lo)
        f_lo, f_hi = lag.cdf_at(lag_lo), lag.cdf_at(lag_hi)
        days = np.clip(lag.quantile(f_lo + u_lag[m] * (f_hi - f_lo)), lag_lo, lag_hi)
        g = np.clip(a + np.round(days).astype(np.int64), g_start, g_end)
        g = next_tuesday(g)
        g = np.where(g > g_end, g - 7, g)  # stay in the grant year
        app[m] = a
        grant[m] = np.maximum(g, a + 1)
    return app, grant


def _sei_share(kind: np.ndarray, ref_year: np.ndarray) -> np.ndarray:
    (y0, s0), (y1, s1) = sorted(cal.SEI_SHARE_INVENTION.items())
    inv = s0 + (s1 - s0) * np.clip((ref_year - y0) / (y1 - y0), 0.0, 1.0)
    return np.select(
        [kind == cal.INVENTION, kind == cal.UTILITY_MODEL, kind == cal.PCT],
        [inv, cal.SEI_SHARE_UTILITY, cal.SEI_SHARE_PCT],
        0.0,
    )


def _fields(
    rng: np.random.Generator,
    kind: np.ndarray,
    ref_year: np.ndarray,
    category: np.ndarray,
    main_field: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    n = len(kind)
    norm = _SEI_NORM[np.minimum(kind, 3)]
    p_sei = np.minimum(0.95, _sei_share(kind, ref_year) * _SEI_TILT[category] / norm)
    sei = rng.random(n) < p_sei
    sei_pick = np.array(SEI_FIELDS)[np.floor(rng.random(n) * len(SEI_FIELDS)).astype(np.int64)]
    other_pick = np.array(OTHER_FIELDS)[
        np.floor(rng.random(n) * len(OTHER_FIELDS)).astype(np.int64)
    ]
    field = np.where(sei, sei_pick, other_pick)
    keep_main = (_FIELD_SEI[main_field] == sei) & (rng.random(n) < cal.MAIN_FIELD_SHARE)
    return np.where(keep_main, main_field, field).astype(np.int64), sei


def _ipc(rng: np.random.Generator, kind: np.ndarray, field: np.ndarray) -> pa.Array:
    n = len(kind)
    count = np.zeros(n, dtype=np.int64)
    for k, probs in cal.IPC_COUNT_PROBS.items():
        m = kind == k
        count[m] = 1 + _draw_index(rng, np.cumsum(probs), int(m.sum()))
    joined: pa.Array | None = None
    for i in range(4):
        f = field.copy()
        if i:
            cross = rng.random(n) < cal.CROSS_FIELD_SHARE
            f[cross] = np.floor(rng.random(int(cross.sum())) * len(FIELDS)).astype(np.int64)
        group = _IPC_START[f] + np.floor(rng.random(n) * _IPC_SIZE[f]).astype(np.int64)
        sub = np.floor(rng.random(n) * len(_SUBGROUPS)).astype(np.int64)
        symbol = pc.binary_join_element_wise(_IPC_GROUPS.take(group), "/", _SUBGROUPS.take(sub), "")
        # (join with null_handling="skip" loses rows in pyarrow 26: append one at a time)
        if joined is None:
            joined = symbol
        else:
            longer = pc.binary_join_element_wise(joined, symbol, ";")
            joined = pc.if_else(pa.array(count > i), longer, joined)
    assert joined is not None
    return pc.if_else(pa.array(count > 0), joined, pa.scalar(None, pa.string()))


def _family(rng: np.random.Generator, kind: np.ndarray, sei: np.ndarray) -> pa.Array:
    n = len(kind)
    share = cal.FAMILY_FOREIGN_SHARE
    # SEI inventions reach foreign offices three times as often as the others (assumption)
    p_foreign = np.where(sei, 1.5, 0.5) * share
    u = rng.random(n)
    foreign = u < p_foreign
    rest = (u - p_foreign) / (1.0 - p_foreign)  # uniform again on the other rows
    cn_only = ~foreign & (rest < cal.FAMILY_CN_ONLY[1])
    pct_only = ~foreign & ~cn_only & (rest < cal.FAMILY_CN_ONLY[1] + cal.FAMILY_PCT_ONLY[1])
    which = _draw_index(rng, _FAMILY_FOREIGN_CUM, n)
    out = pc.if_else(pa.array(foreign), _FAMILY_FOREIGN.take(which), pa.scalar(None, pa.string()))
    out = pc.if_else(pa.array(cn_only), pa.scalar(cal.FAMILY_CN_ONLY[0]), out)
    out = pc.if_else(pa.array(pct_only), pa.scalar(cal.FAMILY_PCT_ONLY[0]), out)
    return pc.if_else(pa.array(kind == cal.INVENTION), out, pa.scalar(None, pa.string()))


def _titles(rng: np.random.Generator, kind: np.ndarray, field: np.ndarray) -> pa.Array:
    n = len(kind)
    obj = _OBJ_START[field] + np.floor(rng.random(n) * _OBJ_SIZE[field]).astype(np.int64)
    suf = _SUF_START[field] + np.floor(rng.random(n) * _SUF_SIZE[field]).astype(np.int64)
    adj = np.floor(rng.random(n) * len(_ADJECTIVES)).astype(np.int64)
    utility = pa.array(kind == cal.UTILITY_MODEL)
    objects = pc.if_else(utility, _UM_OBJECTS.take(obj), _OBJECTS.take(obj))
    suffixes = pc.if_else(utility, _UM_SUFFIX, _SUFFIXES.take(suf))
    technical = pc.binary_join_element_wise(
        SYNTHETIC_MARK, "一种", _ADJECTIVES.take(adj), objects, suffixes, ""
    )
    d_obj = np.floor(rng.random(n) * len(_DESIGN_OBJECTS)).astype(np.int64)
    d_var = np.floor(rng.random(n) * len(_DESIGN_VARIANTS)).astype(np.int64)
    design = pc.binary_join_element_wise(
        SYNTHETIC_MARK, _DESIGN_OBJECTS.take(d_obj), _DESIGN_VARIANTS.take(d_var), ""
    )
    return pc.if_else(pa.array(kind == cal.DESIGN), design, technical)


def _hazard_table(kind: int) -> np.ndarray:
    fn = {
        cal.INVENTION: cal.invention_hazard,
        cal.UTILITY_MODEL: cal.utility_hazard,
        cal.DESIGN: cal.design_hazard,
    }[kind]
    return np.array([0.0] + [fn(n) for n in range(1, 21)])


_HAZARDS = {k: _hazard_table(k) for k in (cal.INVENTION, cal.UTILITY_MODEL, cal.DESIGN)}
_DESIGN_LONG_FROM = day_number(date.fromisoformat(cal.DESIGN_LONG_TERM_FROM))


def _lapses(
    rng: np.random.Generator,
    kind: np.ndarray,
    app: np.ndarray,
    grant: np.ndarray,
    multiplier: np.ndarray,
    horizon: int,
) -> np.ndarray:
    """Lapse day: at the filing anniversary that starts the first unpaid patent year, or at the
    end of the term; NONE if that is after the horizon or the patent was never granted."""
    n = len(kind)
    granted = grant != NONE
    term = np.array((*cal.TERM_YEARS, 0))[kind]
    term = np.where((kind == cal.DESIGN) & (app >= _DESIGN_LONG_FROM), cal.DESIGN_LONG_TERM, term)
    year_at_grant = np.floor((grant - app) / 365.25).astype(np.int64) + 1
    first_unpaid = np.full(n, 99, dtype=np.int64)
    alive = granted.copy()
    for year in range(2, 21):
        due = alive & (year > year_at_grant) & (year <= term)
        h = np.zeros(n)
        for k, table in _HAZARDS.items():
            h = np.where(kind == k, table[year], h)
        stop = due & (rng.random(n) < h * multiplier)
        first_unpaid[stop] = year
        alive &= ~stop
    unpaid = first_unpaid != 99
    lapse = np.where(unpaid, add_years(app, first_unpaid - 1), add_years(app, term))
    lapse = np.maximum(lapse, grant + 1)
    return np.where(granted & (lapse <= horizon), lapse, NONE)


@dataclass(frozen=True)
class ChunkContext:
    plan: Plan
    entities: Entities
    seed: int
    award_probability: float  # per eligible granted invention
    design_award_probability: float


def award_probabilities(plan: Plan, scale: float) -> tuple[float, float]:
    """Chance that an eligible granted invention (design) receives an award, so the expected
    number of awards per year matches vocabulary.AWARDS at this scale."""

    def expected(table: tuple[tuple[str, float, int], ...]) -> float:
        return sum(
            per_year * scale
            for y in range(plan.first_year, plan.last_year + 1)
            for _, per_year, since in table
            if y >= since
        )

    def eligible(kind: int) -> int:
        return sum(
            c.count
            for c in plan.cells
            if c.kind == kind and c.grant_year != NOT_GRANTED and c.grant_year < plan.last_year
        )

    inv, des = eligible(cal.INVENTION), eligible(cal.DESIGN)
    return (
        min(1.0, expected(AWARDS) / inv) if inv else 0.0,
        min(1.0, expected(DESIGN_AWARDS) / des) if des else 0.0,
    )


def generate_patents(
    ctx: ChunkContext, rng: np.random.Generator, start: int, stop: int
) -> PatentChunk:
    plan, ent = ctx.plan, ctx.entities
    rows = np.arange(start, stop, dtype=np.int64)
    n = len(rows)
    first_rows = np.array([c.first_row for c in plan.cells], dtype=np.int64)
    cell = np.searchsorted(first_rows, rows, side="right") - 1
    kind = np.array([c.kind for c in plan.cells], dtype=np.int64)[cell]
    app_year = np.array([c.app_year for c in plan.cells], dtype=np.int64)[cell]
    grant_year = np.array([c.grant_year for c in plan.cells], dtype=np.int64)[cell]
    index = np.array([c.first_serial for c in plan.cells], dtype=np.int64)[cell] + (
        rows - first_rows[cell]
    )

    ids = patent_ids(kind, app_year, _serials(kind, app_year, index, ctx.seed))
    app, grant = _dates(rng, kind, app_year, grant_year)

    # First-named applicant: a Shanghai entity of a category that fits the type, or (a few)
    # an entity elsewhere with a Shanghai co-applicant.
    mix = np.array(cal.FIRST_APPLICANT_MIX)[kind]
    category = _categorical(rng, mix)
    outside = rng.random(n) < cal.OUTSIDE_FIRST_SHARE
    u = rng.random(n)
    category = np.where(
        outside,
        np.where(u < 0.8, DOMESTIC_ENTITY, np.where(u < 0.85, HONG_KONG_ENTITY, FOREIGN_ENTITY)),
        category,
    )
    first = np.zeros(n, dtype=np.int64)
    for c, pool in ent.pools.items():
        m = category == c
        if m.any():
            first[m] = pool.draw(rng, int(m.sum()))

    ref_year = np.where(grant_year != NOT_GRANTED, grant_year, app_year)
    field, sei = _fields(rng, kind, ref_year, category, ent.main_field[first].astype(np.int64))
    ipc = _ipc(rng, kind, field)
    ipc = pc.if_else(pa.array(kind == cal.DESIGN), pa.scalar(None, pa.string()), ipc)
    family = _family(rng, kind, sei)
    titles = _titles(rng, kind, field)

    granted = grant != NONE
    pledge_p = np.array((*cal.PLEDGE_SHARE, 0.0))[kind]
    pledged = granted & (rng.random(n) < pledge_p)
    award_p = np.select(
        [kind == cal.INVENTION, kind == cal.DESIGN],
        [ctx.award_probability, ctx.design_award_probability],
        0.0,
    )
    awarded = granted & (grant_year < plan.last_year) & (rng.random(n) < award_p)

    foreign_family = pc.fill_null(
        pc.match_substring_regex(family, r"(^|;)(US|EP|JP|KR)"), False
    ).to_numpy(zero_copy_only=False)
    hm = cal.HAZARD_MULTIPLIER
    multiplier = (
        np.where(sei, hm["sei"], 1.0)
        * np.where(foreign_family, hm["foreign_family"], 1.0)
        * np.where(pledged, hm["pledged"], 1.0)
        * np.where(awarded, hm["awarded"], 1.0)
        * np.where(category == UNIVERSITY, hm["university"], 1.0)
        * np.where(category == INDIVIDUAL, hm["individual"], 1.0)
    )
    lapse = _lapses(rng, kind, app, grant, multiplier, plan.horizon)

    table = pa.table(
        [
            ids,
            pa.array(np.array(cal.OFFICES)[kind]),
            _types(kind),
            _date_array(app),
            _date_array(grant),
            _date_array(lapse),
            pa.nulls(n, pa.date32()),
            ipc,
            family,
            titles,
        ],
        schema=PATENT_SCHEMA,
    )
    return PatentChunk(
        table=table,
        ids=ids,
        kind=kind,
        app=app,
        grant=grant,
        lapse=lapse,
        first_entity=first,
        outside_first=outside,
        pledged=pledged,
        awarded=awarded,
    )


def _types(kind: np.ndarray) -> pa.Array:
    names = pa.array([t or None for t in cal.TYPE_NAMES], pa.string())
    return names.take(pa.array(kind))


def _date_array(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype(np.int32), pa.date32(), mask=days == NONE)
