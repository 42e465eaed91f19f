"""The cluster ranking: locate, count, cluster, name, rank; the city's cluster; a merge what-if.

See docs/clusters.md for the method, its defaults and where they come from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ipcity.clusters.dbscan import collapse, weighted_dbscan
from ipcity.clusters.defaults import (
    DEFAULT_CITY,
    DEFAULT_MIN_WEIGHT,
    DEFAULT_RADIUS_KM,
    DEFAULT_TOP,
    DEFAULT_WINDOW_YEARS,
)
from ipcity.clusters.geocode import REASONS, Geocoded, geocode
from ipcity.clusters.load import PCT, PUB, Records, Window, latest_pct_year, load
from ipcity.clusters.places import describe, display_name, naming_unit
from ipcity.errors import InputError
from ipcity.geo import regions
from ipcity.warehouse.store import Warehouse

# Naming: places holding at least this part of a cluster's weight, at most NAME_PLACES of them.
NAME_MIN_SHARE = 0.10
NAME_PLACES = 3
# A country is listed for a cluster when it holds at least this part of the cluster's weight.
COUNTRY_MIN_SHARE = 0.01
# Points drawn on the map at most (the heaviest first).
MAP_POINTS = 20_000


@dataclass(frozen=True)
class Options:
    window: Window | None = None
    radius_km: float = DEFAULT_RADIUS_KM
    min_weight: str = DEFAULT_MIN_WEIGHT
    top: int = DEFAULT_TOP
    city: str = DEFAULT_CITY
    merge: tuple[str, str] | None = None


@dataclass
class PlaceWeight:
    key: str
    name: str
    name_zh: str | None
    country: str
    kind: str  # district (of the city) | city | place | unnamed
    pct_weight: float
    pub_weight: float
    weight: float  # in clustering units (PCT-equivalent)
    share: float  # percent of the cluster's weight

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "name_zh": self.name_zh,
            "country": self.country,
            "kind": self.kind,
            "pct_weight": round(self.pct_weight, 4),
            "pub_weight": round(self.pub_weight, 4),
            "share": round(self.share, 3),
        }


@dataclass
class Cluster:
    label: int
    name: str
    countries: list[str]
    pct_weight: float
    pub_weight: float
    pct_share: float  # percent of the world's PCT applications in the window
    pub_share: float | None  # percent of articles; None when no articles are loaded
    weight: float  # clustering units
    latitude: float
    longitude: float
    locations: int  # distinct coordinates
    places: list[PlaceWeight]
    rank: int = 0
    previous_rank: int | None = None
    is_city: bool = False

    @property
    def score(self) -> float:
        return self.pct_share + (self.pub_share or 0.0)

    def as_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "name": self.name,
            "countries": self.countries,
            "pct_share": round(self.pct_share, 4),
            "pub_share": None if self.pub_share is None else round(self.pub_share, 4),
            "score": round(self.score, 4),
            "pct_weight": round(self.pct_weight, 4),
            "pub_weight": round(self.pub_weight, 4),
            "previous_rank": self.previous_rank,
            "rank_change": None if self.previous_rank is None else self.previous_rank - self.rank,
            "is_city": self.is_city,
            "latitude": round(self.latitude, 5),
            "longitude": round(self.longitude, 5),
            "locations": self.locations,
            "places": [p.as_json() for p in self.places[:5]],
        }


@dataclass
class WindowResult:
    window: Window
    pct_total: float
    pub_total: float
    min_weight: float  # absolute, clustering units
    clusters: list[Cluster]  # ranked
    # Unique located coordinates of the window, with cluster label and weight (for maps).
    points: pd.DataFrame
    pub_factor: float  # clustering units per article weight

    def by_label(self) -> dict[int, Cluster]:
        return {c.label: c for c in self.clusters}


@dataclass
class CityReport:
    code: str
    name: str
    name_zh: str
    pct_weight: float  # the city's located weight in the window
    pub_weight: float
    in_cluster_pct: float  # of which in the city's cluster
    in_cluster_pub: float
    cluster: Cluster | None
    breakdown: list[PlaceWeight]

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "name_zh": self.name_zh,
            "pct_weight": round(self.pct_weight, 4),
            "pub_weight": round(self.pub_weight, 4),
            "in_cluster_pct_weight": round(self.in_cluster_pct, 4),
            "in_cluster_pub_weight": round(self.in_cluster_pub, 4),
            "cluster_rank": self.cluster.rank if self.cluster else None,
            "cluster_name": self.cluster.name if self.cluster else None,
            "previous_rank": self.cluster.previous_rank if self.cluster else None,
            "breakdown": [p.as_json() for p in self.breakdown],
        }


@dataclass
class MergeReport:
    first: Cluster
    second: Cluster
    name: str
    pct_share: float
    pub_share: float | None
    score: float
    rank: int  # rank of the merged cluster among the others
    ranking: list[tuple[int, str, float, int]]  # new rank, name, score, old rank (top N)

    def as_json(self) -> dict[str, Any]:
        return {
            "clusters": [
                {"rank": c.rank, "name": c.name, "score": round(c.score, 4)}
                for c in (self.first, self.second)
            ],
            "name": self.name,
            "pct_share": round(self.pct_share, 4),
            "pub_share": None if self.pub_share is None else round(self.pub_share, 4),
            "score": round(self.score, 4),
            "rank": self.rank,
            "ranking": [
                {"rank": r, "name": n, "score": round(s, 4), "rank_before": o}
                for r, n, s, o in self.ranking
            ],
        }


@dataclass
class Unmatched:
    reason: str
    address: str | None
    country: str | None
    region_code: str | None
    records: int
    pct_weight: float
    pub_weight: float

    def as_json(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "address": self.address,
            "country": self.country,
            "region_code": self.region_code,
            "records": self.records,
            "pct_weight": round(self.pct_weight, 4),
            "pub_weight": round(self.pub_weight, 4),
        }


@dataclass
class Geocoding:
    records: int
    located: int
    located_weight: float
    total_weight: float
    by_source: dict[str, int]
    by_reason: dict[str, dict[str, float]]  # reason -> records, weight
    distinct_keys: int

    @property
    def rate(self) -> float:
        return self.located / self.records if self.records else 1.0

    def as_json(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "located": self.located,
            "rate": round(self.rate, 6),
            "weight_rate": round(self.located_weight / self.total_weight, 6)
            if self.total_weight
            else 1.0,
            "by_source": self.by_source,
            "unmatched_by_reason": self.by_reason,
            "distinct_locations_looked_up": self.distinct_keys,
            "reasons": {k: REASONS.get(k, k) for k in self.by_reason},
        }


@dataclass
class Report:
    options: Options
    current: WindowResult
    previous: WindowResult | None
    city: CityReport | None
    merge: MergeReport | None
    geocoding: Geocoding
    unmatched: list[Unmatched]
    has_publications: bool
    warnings: list[str] = field(default_factory=list)

    def shown(self) -> list[Cluster]:
        """The top N clusters, plus the city's cluster when it ranks lower."""
        top = self.current.clusters[: self.options.top]
        if self.city and self.city.cluster and self.city.cluster not in top:
            top = [*top, self.city.cluster]
        return top

    def meta(self) -> dict[str, Any]:
        cur = self.current
        return {
            "window": str(cur.window),
            "previous_window": str(self.previous.window) if self.previous else None,
            "radius_km": self.options.radius_km,
            "min_weight": self.options.min_weight,
            "min_weight_absolute": round(cur.min_weight, 4),
            "weight_unit": "PCT applications (articles converted at the ratio of world totals)"
            if self.has_publications
            else "PCT applications",
            "share_unit": "percent",
            "pct_applications": cur.pct_total,
            "publications": cur.pub_total if self.has_publications else None,
            "clusters_found": len(cur.clusters),
            "city": self.options.city,
            "geocoding": self.geocoding.as_json(),
            "warnings": self.warnings,
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "meta": self.meta(),
            "rows": [c.as_json() for c in self.shown()],
            "city": self.city.as_json() if self.city else None,
            "merge": self.merge.as_json() if self.merge else None,
            "unmatched": [u.as_json() for u in self.unmatched],
        }


# -- parameters -----------------------------------------------------------------------------


def parse_min_weight(spec: str | float, total: float) -> float:
    """'0.1%' -> 0.1 % of ``total``; '250' -> 250 (clustering units)."""
    text = str(spec).strip()
    try:
        value = float(text[:-1]) / 100.0 * total if text.endswith("%") else float(text)
    except ValueError:
        raise InputError(f"--min-weight must be a number or a percentage, not '{spec}'") from None
    if not math.isfinite(value) or value <= 0:
        raise InputError(f"--min-weight must be positive, not '{spec}'")
    return value


def _check_options(opts: Options) -> None:
    if not math.isfinite(opts.radius_km) or not 0 < opts.radius_km <= 500:
        raise InputError(f"--radius-km must be between 0 and 500, not {opts.radius_km}")
    if opts.top < 1:
        raise InputError(f"--top must be at least 1, not {opts.top}")
    code = regions.normalize_code(opts.city)
    if code is None:
        raise InputError(
            f"--city must be a GB/T 2260 region code such as 310000, not '{opts.city}'"
        )


# -- per window ------------------------------------------------------------------------------


def _place_weight(
    unit: object, pct_w: float, pub_w: float, w: float, total: float, city_prefix: str | None
) -> PlaceWeight:
    if isinstance(unit, str) and unit:
        info = describe(unit)
        in_city = city_prefix is not None and unit.startswith("CN:" + city_prefix)
        kind = "district" if in_city else ("city" if unit.startswith("CN:") else "place")
        name, name_zh, country = info.name, info.name_zh, info.country
        if in_city and regions.level(unit[3:]) != "district":
            # An address that names the city but no district.
            kind, name = "city_only", f"{name} (district not known)"
    else:
        kind, name, name_zh, country = "unnamed", "unnamed locations", None, ""
    return PlaceWeight(
        key=unit if isinstance(unit, str) else "",
        name=name,
        name_zh=name_zh,
        country=country,
        kind=kind,
        pct_weight=pct_w,
        pub_weight=pub_w,
        weight=w,
        share=100.0 * w / total if total else 0.0,
    )


def _place_rows(
    frame: pd.DataFrame, total_weight: float, city_prefix: str | None
) -> list[PlaceWeight]:
    """Weights per place unit of some records (columns unit, pct_w, pub_w, w), heaviest first."""
    g = frame.groupby("unit", dropna=False, sort=True)[["pct_w", "pub_w", "w"]].sum()
    g = g.sort_values("w", ascending=False, kind="stable")
    return [
        _place_weight(unit, float(p), float(q), float(w), total_weight, city_prefix)
        for unit, p, q, w in zip(g.index, g["pct_w"], g["pub_w"], g["w"], strict=True)
    ]


def _cluster_name(places: list[PlaceWeight], lat: float, lon: float) -> str:
    named = [p for p in places if p.kind != "unnamed"]
    names: list[str] = []
    for p in named:
        if len(names) == NAME_PLACES:
            break
        label = display_name(p.name)
        if (not names or p.share >= 100 * NAME_MIN_SHARE) and label not in names:
            names.append(label)
    return "-".join(names) if names else f"Cluster near {lat:.2f}, {lon:.2f}"


def _clusters_of(
    members: pd.DataFrame, points: pd.DataFrame, pct_total: float, pub_total: float, has_pubs: bool
) -> list[Cluster]:
    """One Cluster per label of the located records ``members`` (all with label >= 0)."""
    if members.empty:
        return []
    la, lo = np.radians(members["lat"].to_numpy()), np.radians(members["lon"].to_numpy())
    w = members["w"].to_numpy()
    vec = (
        pd.DataFrame(
            {
                "label": members["label"].to_numpy(),
                "x": w * np.cos(la) * np.cos(lo),
                "y": w * np.cos(la) * np.sin(lo),
                "z": w * np.sin(la),
            }
        )
        .groupby("label", sort=True)[["x", "y", "z"]]
        .sum()
    )
    totals = members.groupby("label", sort=True)[["pct_w", "pub_w", "w"]].sum()
    by_unit = (
        members.groupby(["label", "unit"], dropna=False, sort=True)[["pct_w", "pub_w", "w"]]
        .sum()
        .reset_index()
        .sort_values(["label", "w"], ascending=[True, False], kind="stable")
    )
    by_country = (
        members.groupby(["label", "country_iso"], sort=True)["w"]
        .sum()
        .reset_index()
        .sort_values(["label", "w"], ascending=[True, False], kind="stable")
    )
    locations = points.loc[points["label"] >= 0, "label"].value_counts()
    units_of = {int(str(k)): g for k, g in by_unit.groupby("label", sort=False)}
    countries_of = {int(str(k)): g for k, g in by_country.groupby("label", sort=False)}
    vectors = {
        int(str(k)): (float(x), float(y), float(z))
        for k, x, y, z in zip(vec.index, vec["x"], vec["y"], vec["z"], strict=True)
    }
    out = []
    for label, row in totals.iterrows():
        lab = int(str(label))
        w_total = float(row["w"])
        u = units_of[lab]
        places = [
            _place_weight(unit, float(p), float(q), float(x), w_total, None)
            for unit, p, q, x in zip(u["unit"], u["pct_w"], u["pub_w"], u["w"], strict=True)
        ]
        x, y, z = vectors[lab]
        lat = math.degrees(math.atan2(z, math.hypot(x, y)))
        lon = math.degrees(math.atan2(y, x))
        cc = countries_of.get(lab)
        countries = (
            [
                str(k)
                for k, x in zip(cc["country_iso"], cc["w"], strict=True)
                if x >= COUNTRY_MIN_SHARE * w_total
            ]
            if cc is not None
            else []
        )
        pct_w, pub_w = float(row["pct_w"]), float(row["pub_w"])
        out.append(
            Cluster(
                label=lab,
                name=_cluster_name(places, lat, lon),
                countries=countries,
                pct_weight=pct_w,
                pub_weight=pub_w,
                pct_share=100.0 * pct_w / pct_total if pct_total else 0.0,
                pub_share=(100.0 * pub_w / pub_total if pub_total else 0.0) if has_pubs else None,
                weight=w_total,
                latitude=lat,
                longitude=lon,
                locations=int(locations.get(lab, 0)),
                places=places,
            )
        )
    return out


def _run_window(
    recs: pd.DataFrame, records: Records, window: Window, opts: Options, has_pubs: bool
) -> WindowResult:
    sel = recs[recs["year"].between(window.first, window.last)]
    pct_total = records.total(PCT, window)
    pub_total = records.total(PUB, window)
    # Articles are converted to PCT-equivalents so that both sources weigh as in the score.
    pub_factor = pct_total / pub_total if pub_total and pct_total else 1.0
    cluster_total = pct_total + pub_total * pub_factor
    min_w = parse_min_weight(opts.min_weight, cluster_total)

    located = sel[sel["located"]].copy()
    located["pct_w"] = np.where(located["kind"] == PCT, located["weight"], 0.0)
    located["pub_w"] = np.where(located["kind"] == PUB, located["weight"], 0.0)
    located["w"] = located["pct_w"] + located["pub_w"] * pub_factor
    unique = collapse(located["lat"].to_numpy(), located["lon"].to_numpy(), located["w"].to_numpy())
    result = weighted_dbscan(
        unique.lat, unique.lon, unique.weight, radius_km=opts.radius_km, min_weight=min_w
    )
    located["label"] = result.labels[unique.inverse] if len(unique) else np.empty(0, dtype=int)
    points = pd.DataFrame(
        {"lat": unique.lat, "lon": unique.lon, "weight": unique.weight, "label": result.labels}
    )
    clusters = _clusters_of(located[located["label"] >= 0], points, pct_total, pub_total, has_pubs)
    clusters.sort(key=lambda c: (-c.score, -c.pct_weight, c.name))
    for i, c in enumerate(clusters, start=1):
        c.rank = i
    return WindowResult(window, pct_total, pub_total, min_w, clusters, points, pub_factor)


def _previous_ranks(cur: WindowResult, prev: WindowResult) -> None:
    """previous_rank: the rank, in the previous window, of the cluster that held the most of
    this cluster's weight (matched by location)."""
    if not cur.clusters or not prev.clusters:
        return
    prev_rank = {c.label: c.rank for c in prev.clusters}
    a = cur.points[cur.points["label"] >= 0][["lat", "lon", "weight", "label"]]
    b = prev.points[prev.points["label"] >= 0][["lat", "lon", "label"]]
    m = a.merge(b, on=["lat", "lon"], how="inner", suffixes=("", "_prev"))
    if m.empty:
        return
    best = (
        m.groupby(["label", "label_prev"])["weight"]
        .sum()
        .reset_index()
        .sort_values(["label", "weight", "label_prev"], ascending=[True, False, True])
        .drop_duplicates("label")
    )
    by_label = cur.by_label()
    for label, label_prev in zip(best["label"], best["label_prev"], strict=True):
        by_label[int(label)].previous_rank = prev_rank.get(int(label_prev))


def _city_report(
    located: pd.DataFrame, cur: WindowResult, code: str, labels: pd.Series
) -> CityReport:
    prefix = regions.prefix(code)
    in_city = located["place"].map(lambda k: isinstance(k, str) and k.startswith("CN:" + prefix))
    city_rows = located[in_city.to_numpy()]
    by_label = cur.by_label()
    cluster: Cluster | None = None
    if len(city_rows):
        lab = labels[in_city.to_numpy()]
        w = city_rows["w"].groupby(lab.to_numpy()).sum()
        w = w[w.index >= 0]
        if len(w):
            cluster = by_label[int(w.sort_values(ascending=False, kind="stable").index[0])]
    breakdown: list[PlaceWeight] = []
    in_pct = in_pub = 0.0
    if cluster is not None:
        cluster.is_city = True
        members = located[(labels == cluster.label).to_numpy()].copy()
        # Inside the city: by district; outside: by neighbouring city or place.
        members["unit"] = [
            k if isinstance(k, str) and k.startswith("CN:" + prefix) else u
            for k, u in zip(members["place"], members["unit"], strict=True)
        ]
        breakdown = _place_rows(members, cluster.weight, prefix)
        inside = members["place"].map(lambda k: isinstance(k, str) and k.startswith("CN:" + prefix))
        in_pct = float(members.loc[inside.to_numpy(), "pct_w"].sum())
        in_pub = float(members.loc[inside.to_numpy(), "pub_w"].sum())
    name = regions.name(code, "en").split(" (")[0]
    return CityReport(
        code=code,
        name=name,
        name_zh=regions.name(code, "zh"),
        pct_weight=float(city_rows["pct_w"].sum()),
        pub_weight=float(city_rows["pub_w"].sum()),
        in_cluster_pct=in_pct,
        in_cluster_pub=in_pub,
        cluster=cluster,
        breakdown=breakdown,
    )


def find_cluster(clusters: list[Cluster], ref: str) -> Cluster:
    """A cluster by rank ('5'), by 'city', or by a unique part of its name ('Suzhou')."""
    r = ref.strip()
    if r.isdigit():
        n = int(r)
        for c in clusters:
            if c.rank == n:
                return c
        raise InputError(f"no cluster ranked {n} (there are {len(clusters)})")
    if r.lower() == "city":
        for c in clusters:
            if c.is_city:
                return c
        raise InputError("the city is in no cluster")
    hits = [c for c in clusters if r.lower() in c.name.lower()]
    exact = [c for c in hits if c.name.lower() == r.lower()]
    if len(exact) == 1:
        return exact[0]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise InputError(f"no cluster named like '{ref}'")
    names = ", ".join(f"{c.rank} {c.name}" for c in hits[:5])
    raise InputError(f"'{ref}' matches several clusters ({names}); use the rank")


def merge_what_if(clusters: list[Cluster], a: str, b: str, top: int) -> MergeReport:
    """Merge two clusters (by rank or name) and rank the result among the others."""
    first, second = find_cluster(clusters, a), find_cluster(clusters, b)
    if first is second:
        raise InputError(f"'{a}' and '{b}' are the same cluster ({first.rank} {first.name})")
    if second.rank < first.rank:
        first, second = second, first
    pub_share = (
        None
        if first.pub_share is None and second.pub_share is None
        else (first.pub_share or 0.0) + (second.pub_share or 0.0)
    )
    pct_share = first.pct_share + second.pct_share
    score = pct_share + (pub_share or 0.0)
    parts = []
    for piece in first.name.split("-") + second.name.split("-"):
        if piece not in parts:
            parts.append(piece)
    name = "-".join(parts)
    others = [c for c in clusters if c is not first and c is not second]
    merged_pct_weight = first.pct_weight + second.pct_weight
    entries: list[tuple[float, float, str, int]] = [
        (c.score, c.pct_weight, c.name, c.rank) for c in others
    ]
    entries.append((score, merged_pct_weight, name, 0))
    entries.sort(key=lambda e: (-e[0], -e[1], e[2]))
    ranking = [(i, n, s, old) for i, (s, _, n, old) in enumerate(entries, start=1)]
    rank = next(i for i, n, _, old in ranking if old == 0)
    return MergeReport(
        first=first,
        second=second,
        name=name,
        pct_share=pct_share,
        pub_share=pub_share,
        score=score,
        rank=rank,
        ranking=ranking[:top],
    )


# -- the whole run ---------------------------------------------------------------------------


def _geocoding_summary(sel: pd.DataFrame, geo_distinct: int) -> tuple[Geocoding, list[Unmatched]]:
    located = sel["located"].to_numpy()
    src = sel.loc[located, "source"].value_counts()
    miss = sel[~located]
    by_reason: dict[str, dict[str, float]] = {}
    for reason, grp in miss.groupby("reason", sort=True):
        by_reason[str(reason)] = {
            "records": len(grp),
            "weight": round(float(grp["weight"].sum()), 4),
        }
    unmatched: list[Unmatched] = []
    if len(miss):
        keyed = miss.assign(
            pct_w=np.where(miss["kind"] == PCT, miss["weight"], 0.0),
            pub_w=np.where(miss["kind"] == PUB, miss["weight"], 0.0),
        )
        cols = ["reason", "address", "country", "region_code"]
        g = (
            keyed.astype({c: object for c in cols})
            .fillna({c: "" for c in cols})
            .groupby(cols, sort=False)
            .agg(records=("weight", "size"), pct_w=("pct_w", "sum"), pub_w=("pub_w", "sum"))
            .reset_index()
            .sort_values(["records", "reason", "address"], ascending=[False, True, True])
        )
        for rec in g.to_dict("records"):
            unmatched.append(
                Unmatched(
                    reason=str(rec["reason"]),
                    address=str(rec["address"]) or None,
                    country=str(rec["country"]) or None,
                    region_code=str(rec["region_code"]) or None,
                    records=int(rec["records"]),
                    pct_weight=float(rec["pct_w"]),
                    pub_weight=float(rec["pub_w"]),
                )
            )
    geo = Geocoding(
        records=len(sel),
        located=int(located.sum()),
        located_weight=float(sel.loc[located, "weight"].sum()),
        total_weight=float(sel["weight"].sum()),
        by_source={str(k): int(v) for k, v in src.items()},
        by_reason=by_reason,
        distinct_keys=geo_distinct,
    )
    return geo, unmatched


def _default_window(wh: Warehouse) -> Window:
    last = latest_pct_year(wh)
    return Window(last - DEFAULT_WINDOW_YEARS + 1, last)


def run(wh: Warehouse, opts: Options) -> Report:
    """Compute the ranking for ``opts.window`` (default: the last five years with PCT data) and
    for the previous window (the same years shifted back by one)."""
    _check_options(opts)
    window = opts.window or _default_window(wh)
    previous = window.shifted(-1)
    records = load(wh, previous.first, window.last)
    if records.total(PCT, window) == 0:
        raise InputError(
            f"no PCT applications (office WO) filed in {window}; "
            f"the warehouse has them up to {latest_pct_year(wh)}"
        )
    frame = records.frame
    geo = geocode(frame)
    return compute(records, geo, window, opts)


def compute(records: Records, geo: Geocoded, window: Window, opts: Options) -> Report:
    """The ranking from loaded records and their locations (``run`` without the warehouse)."""
    _check_options(opts)
    frame = records.frame.copy()
    frame["lat"] = geo.latitude
    frame["lon"] = geo.longitude
    frame["place"] = geo.place
    frame["country_iso"] = geo.country
    frame["source"] = geo.source
    frame["reason"] = geo.reason
    frame["located"] = geo.located
    # Records of documents without people are unlocated weight too (reason no_inventors).
    units = {k: naming_unit(k) for k in pd.unique(frame["place"].dropna())}
    frame["unit"] = frame["place"].map(units)
    has_pubs = bool(records.total(PUB, Window(1900, 2100)))

    cur = _run_window(frame, records, window, opts, has_pubs)
    previous = window.shifted(-1)
    prev = (
        _run_window(frame, records, previous, opts, has_pubs)
        if records.total(PCT, previous)
        else None
    )
    warnings: list[str] = []
    if prev is not None:
        _previous_ranks(cur, prev)
    else:
        warnings.append(f"no PCT applications in the previous window {previous}: no rank change")

    sel = frame[frame["year"].between(window.first, window.last)].copy()
    pub_factor = cur.pub_factor
    sel["pct_w"] = np.where(sel["kind"] == PCT, sel["weight"], 0.0)
    sel["pub_w"] = np.where(sel["kind"] == PUB, sel["weight"], 0.0)
    sel["w"] = sel["pct_w"] + sel["pub_w"] * pub_factor
    geo_summary, unmatched = _geocoding_summary(sel, geo.distinct_keys)
    for kind, label in ((PCT, "no_inventors"), (PUB, "no_authors")):
        orphans = records.orphans(kind, window)
        if orphans:
            # The document counts 1 in the world total but has nobody to place.
            geo_summary.by_reason[label] = {"records": orphans, "weight": float(orphans)}
            geo_summary.total_weight += orphans
            pct_o, pub_o = (float(orphans), 0.0) if kind == PCT else (0.0, float(orphans))
            unmatched.append(Unmatched(label, None, None, None, orphans, pct_o, pub_o))

    code = regions.normalize_code(opts.city)
    assert code is not None  # checked in _check_options
    located = sel[sel["located"]].copy()
    labels = _labels_of(located, cur)
    city = _city_report(located, cur, code, labels)

    merge = None
    if opts.merge is not None:
        merge = merge_what_if(cur.clusters, opts.merge[0], opts.merge[1], opts.top)
    return Report(
        options=opts,
        current=cur,
        previous=prev,
        city=city,
        merge=merge,
        geocoding=geo_summary,
        unmatched=unmatched,
        has_publications=has_pubs,
        warnings=warnings,
    )


def _labels_of(located: pd.DataFrame, res: WindowResult) -> pd.Series:
    """The cluster label of each located record of the window (by its coordinate)."""
    key = located[["lat", "lon"]].merge(
        res.points[["lat", "lon", "label"]], on=["lat", "lon"], how="left"
    )
    return pd.Series(key["label"].to_numpy(), index=located.index)
