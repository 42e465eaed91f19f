"""From the engine's long counts to the result table: exact values, zero-filled years, and the
ratios (growth, per 10,000 residents, change) with a note wherever a value cannot be given.

Shared by both engines, so a ratio is computed the same way whichever engine counted."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import pandas as pd
import pyarrow as pa

from ipcity.indicators.registry import RATIO_INPUTS

NULL = "\x00null"  # stands for a null breakdown key while joining (pandas joins on values)
PER_10K = 10_000
MAX_WARNINGS = 10
MAX_MISSING_LISTED = 1000
# A population lag: the same for every region, or per region.
Lag = int | Callable[[str], int]


@dataclass
class Population:
    """(region_code, year) -> (population, source) and what the ratios used of it."""

    rows: dict[tuple[str, int], tuple[float, str | None]]
    used_sources: set[str] = field(default_factory=set)
    missing: set[tuple[str, int]] = field(default_factory=set)
    lags: dict[str, int] = field(default_factory=dict)  # region -> lag used

    @classmethod
    def from_arrow(cls, table: pa.Table) -> Population:
        cols = [
            table.column(c).to_pylist() for c in ("region_code", "year", "population", "source")
        ]
        return cls(
            {
                (str(r), int(y)): (float(p), s)
                for r, y, p, s in zip(*cols, strict=True)
                if r is not None and y is not None and p is not None
            }
        )


def exact_values(long: pa.Table, dims: list[str]) -> pd.DataFrame:
    """indicator, year, <dims>, value where value = sum(k / n) computed exactly and rounded
    once to float (integer counts stay exact; fractional shares do not depend on the order in
    which an engine summed them)."""
    df = long.to_pandas()
    keys = ["indicator", "year", *dims]
    df["indicator"] = df["indicator"].astype(object)
    for d in dims:  # object columns: pandas' arrow-backed strings are slow to merge here
        df[d] = df[d].astype(object).where(df[d].notna(), NULL)
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in keys} | {"value": []})
    df["year"] = df["year"].astype("int64")
    ns = sorted({int(n) for n in df["n"].unique()})
    if ns == [1]:
        out: pd.DataFrame = df.groupby(keys, sort=False, dropna=False)["k"].sum().reset_index()
        out["value"] = out.pop("k").astype("float64")
        return out
    lcm = math.lcm(*ns)
    k_max = int(df["k"].max())
    if lcm * k_max * len(df) < 2**53:  # numerators and their sums stay exact in int64/float64
        df["num"] = df["k"].astype("int64") * (lcm // df["n"].astype("int64"))
        out2: pd.DataFrame = df.groupby(keys, sort=False, dropna=False)["num"].sum().reset_index()
        out2["value"] = out2.pop("num").astype("float64") / float(lcm)
        return out2
    sums: dict[tuple[Any, ...], Fraction] = {}
    for row in df.itertuples(index=False):
        key = tuple(getattr(row, c) for c in keys)
        sums[key] = sums.get(key, Fraction(0)) + Fraction(int(row.k), int(row.n))
    records = [dict(zip(keys, key, strict=True)) | {"value": float(v)} for key, v in sums.items()]
    return pd.DataFrame.from_records(records)


def densify(
    values: pd.DataFrame, counted: tuple[str, ...], years: tuple[int, ...], dims: list[str]
) -> pd.DataFrame:
    """Every year for every key an indicator has (0 where nothing counted); without a
    breakdown every counted indicator gets every year."""
    if dims:
        keys = values[["indicator", *dims]].drop_duplicates()
    else:
        keys = pd.DataFrame({"indicator": list(counted)})
    grid = keys.merge(pd.DataFrame({"year": list(years)}, dtype="int64"), how="cross")
    full = grid.merge(values, on=["indicator", "year", *dims], how="left")
    full["value"] = full["value"].fillna(0.0).astype("float64")
    full["note"] = None
    return full


def _shift(frame: pd.DataFrame, dims: list[str], column: str, years: int = 1) -> pd.DataFrame:
    """The value of the year before, aligned by key: adds ``column``."""
    prev = frame[["year", *dims, "value", "note"]].copy()
    prev["year"] = prev["year"] + years
    prev = prev.rename(columns={"value": column, "note": column + "_note"})
    return frame.merge(prev, on=["year", *dims], how="left")


def growth(base: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    x = _shift(base, dims, "prev")
    prev = x["prev"].fillna(0.0)
    ok = prev != 0
    x["value"] = ((x["value"] - prev) / prev.where(ok) * 100).where(ok)
    note = "no PCT applications in " + (x["year"] - 1).astype(str) + ": growth undefined"
    x["note"] = note.astype(object).where(~ok, None)
    return x.drop(columns=["prev", "prev_note"])


def per_10k(
    base: pd.DataFrame,
    dims: list[str],
    region: str,
    lag: Lag,
    population: Population,
) -> pd.DataFrame:
    """stock / population x 10,000 with the population of (year - lag) of the row's region:
    the row's region_code when broken down by it, else the region filter. ``lag`` is one lag
    for every region, or the region's lag (``ipcity.settings.population_lag``)."""
    x = base.reset_index(drop=True)
    where = (
        x["region_code"].astype(object)
        if "region_code" in dims
        else pd.Series([region] * len(x), dtype=object)
    )
    lags = where.map(lambda r: lag if isinstance(lag, int) else lag(str(r))).astype("int64")
    population.lags |= {
        str(r): int(v) for r, v in zip(where, lags, strict=True) if r not in (NULL, "ALL")
    }
    pop_year = (x["year"] - lags).astype("int64")
    table = pd.DataFrame(
        [(r, y, p, s) for (r, y), (p, s) in population.rows.items()],
        columns=["_where", "_pyear", "_pop", "_src"],
    ).astype({"_where": object, "_pyear": "int64", "_pop": "float64", "_src": object})
    found = pd.DataFrame({"_where": where, "_pyear": pop_year}).merge(
        table, on=["_where", "_pyear"], how="left"
    )
    pop = found["_pop"].where(found["_pop"] > 0)
    x["value"] = (x["value"].astype("float64") / pop * PER_10K).astype("float64")
    no_region = where == NULL
    no_filter = where == "ALL"
    missing = pop.isna() & ~no_region & ~no_filter
    note = pd.Series([None] * len(x), dtype=object)
    note[no_region] = "no region code: no population to divide by"
    note[no_filter] = "per 10,000 residents needs a region: choose one or break down by region_code"
    note[missing] = "no population for " + where[missing] + " in " + pop_year[missing].astype(str)
    x["note"] = note
    population.missing |= set(zip(where[missing], pop_year[missing].astype(int), strict=True))
    used = found.loc[pop.notna(), "_src"]
    population.used_sources |= {s if isinstance(s, str) else "(no source recorded)" for s in used}
    return x


def change(per10k: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    x = _shift(per10k, dims, "prev")
    missing = x["prev"].isna() | x["value"].isna()
    x["value"] = (x["value"] - x["prev"]).where(~missing)
    prev_reason = (x["year"] - 1).astype(str) + ": " + x["prev_note"].astype(object).fillna("")
    no_prev = "no value for " + (x["year"] - 1).astype(str)
    now_note = x["note"].astype(object)
    note = now_note.where(now_note.notna(), None)
    use_prev = missing & note.isna() & x["prev_note"].notna()
    note = note.where(~use_prev, prev_reason)
    use_none = missing & note.isna()
    note = note.where(~use_none, no_prev)
    x["note"] = note.where(missing, None)
    return x.drop(columns=["prev", "prev_note"])


def build_rows(
    values: pd.DataFrame,
    *,
    indicators: tuple[str, ...],
    years: tuple[int, ...],
    dims: list[str],
    region: str,
    lag: Lag,
    population: Population,
) -> pd.DataFrame:
    """The requested indicators for the requested years, ratios included."""
    parts: list[pd.DataFrame] = []
    per10k_cache: dict[str, pd.DataFrame] = {}

    def base_of(ind: str) -> pd.DataFrame:
        return values[values["indicator"] == ind].drop(columns=["indicator"])

    def per10k_of(stock: str) -> pd.DataFrame:
        if stock not in per10k_cache:
            per10k_cache[stock] = per_10k(base_of(stock), dims, region, lag, population)
        return per10k_cache[stock]

    for ind in indicators:
        if ind not in RATIO_INPUTS:
            part = base_of(ind)
        elif ind == "pct_applications_growth_pct":
            part = growth(base_of("pct_applications"), dims)
        elif ind.endswith("_change"):
            part = change(per10k_of(RATIO_INPUTS[ind][0]), dims)
        else:
            part = per10k_of(RATIO_INPUTS[ind][0])
        part = part[part["year"].isin(years)].copy()
        part.insert(0, "indicator", ind)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True) if parts else values.iloc[0:0]
    order = {ind: i for i, ind in enumerate(indicators)}
    out["_order"] = out["indicator"].map(order)
    out = out.sort_values(["_order", "year", *dims], kind="stable").drop(columns=["_order"])
    return out.reset_index(drop=True)


def to_arrow(rows: pd.DataFrame, dims: list[str], region: str) -> pa.Table:
    def strings(col: pd.Series) -> pa.Array:
        obj = col.astype(object)
        keep = obj.notna() & (obj != NULL)
        return pa.array(obj.where(keep, None), type=pa.string(), from_pandas=True)

    columns: dict[str, pa.Array] = {
        "indicator": strings(rows["indicator"]),
        "year": pa.array(rows["year"].astype("int64"), pa.int64()),
        "region": pa.array([region] * len(rows), pa.string()),
        "value": pa.array(rows["value"].astype("float64"), pa.float64(), from_pandas=True),
    }
    for d in dims:
        columns[d] = strings(rows[d])
    columns["note"] = strings(rows["note"])
    return pa.table(columns)


def summarise_missing(missing: set[tuple[str, int]]) -> list[str]:
    if not missing:
        return []
    items = sorted(missing)
    shown = ", ".join(f"{r} {y}" for r, y in items[:MAX_WARNINGS])
    more = f" and {len(items) - MAX_WARNINGS} more" if len(items) > MAX_WARNINGS else ""
    return [
        f"population missing for {shown}{more}: the per-10,000 values that need it are empty "
        "(see the note column)"
    ]
