"""Pledge registrations and awards of a chunk's patents (flags were drawn with the patents, so
that pledged and awarded patents could be kept in force longer)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ipcity.samplecity import calibration as cal
from ipcity.samplecity.dates import year_of, year_start
from ipcity.samplecity.patents import NONE, PatentChunk
from ipcity.samplecity.vocabulary import AWARDS, DESIGN_AWARDS

PLEDGE_SCHEMA = pa.schema(
    [("patent_id", pa.string()), ("registration_date", pa.date32()), ("amount_cny", pa.float64())]
)
AWARD_SCHEMA = pa.schema([("patent_id", pa.string()), ("award", pa.string()), ("year", pa.int32())])


def generate_pledges(
    rng: np.random.Generator, chunk: PatentChunk, first_year: int, horizon: int
) -> pa.Table:
    """1-3 registrations per pledged patent, while it is in force and inside the covered years;
    amounts log-normal around 3 M CNY, rounded to 10,000 CNY."""
    idx = np.flatnonzero(chunk.pledged)
    probs = np.cumsum(cal.PLEDGE_COUNT_PROBS)
    count = 1 + np.searchsorted(probs / probs[-1], rng.random(len(idx)), side="right")
    patent = np.repeat(idx, count)
    start = np.maximum(chunk.grant[patent], int(year_start(np.array([first_year]))[0]))
    end = np.where(chunk.lapse[patent] != NONE, chunk.lapse[patent] - 1, horizon)
    day = start + np.floor(rng.random(len(patent)) * (end - start + 1)).astype(np.int64)
    amount = cal.PLEDGE_MEDIAN_CNY * np.exp(cal.PLEDGE_SIGMA * rng.standard_normal(len(patent)))
    amount = np.maximum(np.round(amount / 10_000) * 10_000, cal.PLEDGE_MIN_CNY)
    keep = end >= start
    patent, day, amount = patent[keep], day[keep], amount[keep]
    # one registration per patent and day (the table's key)
    order = np.lexsort((day, patent))
    patent, day, amount = patent[order], day[order], amount[order]
    first = np.ones(len(patent), dtype=bool)
    first[1:] = (patent[1:] != patent[:-1]) | (day[1:] != day[:-1])
    patent, day, amount = patent[first], day[first], amount[first]
    return pa.table(
        [chunk.ids.take(pa.array(patent)), pa.array(day.astype(np.int32), pa.date32()), amount],
        schema=PLEDGE_SCHEMA,
    )


def _award_names(table: tuple[tuple[str, float, int], ...]) -> tuple[pa.Array, np.ndarray]:
    return pa.array([a for a, _, _ in table], pa.string()), np.array([w for _, w, _ in table])


def generate_awards(
    rng: np.random.Generator, chunk: PatentChunk, first_year: int, last_year: int
) -> pa.Table:
    """One award per awarded patent, in a year after its grant (and inside the covered years)
    while it is still in force."""
    ids: list[pa.Array] = []
    names: list[pa.Array] = []
    years: list[np.ndarray] = []
    for kind, table in ((cal.INVENTION, AWARDS), (cal.DESIGN, DESIGN_AWARDS)):
        idx = np.flatnonzero(chunk.awarded & (chunk.kind == kind))
        lo = np.maximum(year_of(chunk.grant[idx]) + 1, first_year)
        year = lo + np.floor(rng.random(len(idx)) * (last_year - lo + 1)).astype(np.int64)
        award_names, weights = _award_names(table)
        since = np.array([s for _, _, s in table])
        u = rng.random(len(idx))
        # weights of the awards that exist in each row's year
        w = np.where(year[:, None] >= since[None, :], weights[None, :], 0.0)
        cum = np.cumsum(w, axis=1)
        which = (u[:, None] * cum[:, -1:] >= cum).sum(axis=1)
        lapse = chunk.lapse[idx]
        alive = (lapse == NONE) | (lapse > year_start(year))
        keep = (lo <= last_year) & alive
        ids.append(chunk.ids.take(pa.array(idx[keep])))
        names.append(award_names.take(pa.array(which[keep])))
        years.append(year[keep])
    return pa.table(
        [
            pa.concat_arrays(ids),
            pa.concat_arrays(names),
            pa.array(np.concatenate(years).astype(np.int32)),
        ],
        schema=AWARD_SCHEMA,
    )
