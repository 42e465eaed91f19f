"""A deterministic synthetic world sample for the cluster demo and benchmarks.

PCT applications (``patents`` rows with office WO) and their inventors (``parties`` rows with
role inventor) around real places, with cluster sizes loosely calibrated on WIPO's GII 2023 table
(``data/world_sample.json`` says how), plus optional articles and authors. Written as canonical
tables that ``ipcity ingest`` reads.

How records look, as real data does:
* Chinese inventors: Chinese addresses down to the street (``上海市浦东新区张江路88号``), country
  CN, no region code (the ingest resolves it from the address);
* other inventors: ``City, ST, US`` / ``City, JP`` addresses with a country code;
* a share of inventors carry coordinates (a geocoder's output, rounded to 0.01 degree, scattered
  around their place), half of those outside China without any address;
* a small share cannot be located (a bare prefecture, state or province, an unknown town, no
  address at all), so the geocoding report has something to report.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ipcity.clusters import gazetteer
from ipcity.errors import InputError
from ipcity.geo import regions

DEFAULT_SEED = 2023
KM_PER_DEGREE = 111.195  # along a meridian, on the mean Earth radius
_STREETS = (  # noqa: SIM905
    "人民路 建设路 解放路 中山路 张江路 科苑路 文化路 学院路 长江路 黄河路 新华路 和平路 "
    "胜利路 工业大道 科技大道 高新路 创新路 东方路 世纪大道 滨江大道"
).split()


@dataclass(frozen=True)
class WorldSampleSummary:
    directory: Path
    files: dict[str, Path]
    applications: int
    inventor_records: int
    publications: int
    author_records: int
    first_year: int
    last_year: int
    seed: int
    scale: float
    by_cluster: dict[str, int] = field(default_factory=dict)  # applications per home cluster

    def as_dict(self) -> dict[str, Any]:
        return {
            "directory": str(self.directory),
            "files": {k: str(v) for k, v in self.files.items()},
            "applications": self.applications,
            "inventor_records": self.inventor_records,
            "publications": self.publications,
            "author_records": self.author_records,
            "years": f"{self.first_year}..{self.last_year}",
            "seed": self.seed,
            "scale": self.scale,
        }


@dataclass(frozen=True)
class _Places:
    """Every place the sample draws from (cluster places, then the background)."""

    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    address: list[str]
    country: list[str]
    chinese: npt.NDArray[np.bool_]
    spread_km: npt.NDArray[np.float64]
    # Per cluster, then the PCT and the articles' background: place indices and probabilities.
    members: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]]
    names: list[str]


def definition() -> dict[str, Any]:
    text = resources.files("ipcity.clusters").joinpath("data/world_sample.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _chinese_prefix(code: str) -> str:
    """'440305' -> '广东省深圳市南山区'; '310115' -> '上海市浦东新区'."""
    chain = [code]
    up = regions.parent(code)
    while up is not None:
        chain.append(up)
        up = regions.parent(up)
    names = []
    for c in reversed(chain):
        n = regions.name(c, "zh")
        if n.endswith("市辖区") or (n.endswith("县") and regions.level(c) == "city"):
            continue
        names.append(n)
    return "".join(names)


@lru_cache(maxsize=1)
def _places() -> _Places:
    spec = definition()
    lat: list[float] = []
    lon: list[float] = []
    address: list[str] = []
    country: list[str] = []
    chinese: list[bool] = []
    spread: list[float] = []
    members: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]] = []
    for cl in spec["clusters"]:
        idx, weights = [], []
        for where, weight in cl["places"]:
            if where.startswith("cn:"):
                code = where[3:]
                ll = regions.centroid(code)
                if ll is None:
                    raise InputError(f"world sample: no centroid for {code}")
                lat.append(ll[0])
                lon.append(ll[1])
                address.append(_chinese_prefix(code))
                country.append("CN")
                chinese.append(True)
            else:
                m = gazetteer.lookup(where)
                if m.place is None:
                    raise InputError(f"world sample: the gazetteer cannot place '{where}'")
                lat.append(m.place.latitude)
                lon.append(m.place.longitude)
                address.append(where)
                country.append(m.place.country)
                chinese.append(False)
            spread.append(float(cl["spread_km"]))
            idx.append(len(lat) - 1)
            weights.append(float(weight))
        w = np.asarray(weights)
        members.append((np.asarray(idx, dtype=np.int64), w / w.sum()))
    bg = spec["background"]
    # Elsewhere: towns of the countries that file PCT applications (or publish articles), each
    # country with its share, its towns weighted by a power of their population.
    shares_by_kind: list[dict[str, float]] = [bg["countries"], bg["article_countries"]]
    wanted = set(shares_by_kind[0]) | set(shares_by_kind[1])
    pool = [p for p in gazetteer.index().places(bg["min_population"]) if p.country in wanted]
    pool.sort(key=lambda p: p.geonameid)
    start = len(lat)
    for p in pool:
        lat.append(p.latitude)
        lon.append(p.longitude)
        address.append(f"{p.name}, {p.country}")
        country.append(p.country)
        chinese.append(False)
        spread.append(3.0)
    size = np.asarray([p.population for p in pool], dtype=np.float64) ** bg["population_power"]
    per_country: dict[str, float] = {}
    for p, w in zip(pool, size, strict=True):
        per_country[p.country] = per_country.get(p.country, 0.0) + float(w)
    for country_share in shares_by_kind:  # the PCT background, then the articles' background
        bw = np.asarray(
            [
                w / per_country[p.country] * country_share.get(p.country, 0.0)
                for p, w in zip(pool, size, strict=True)
            ]
        )
        members.append((np.arange(start, len(lat), dtype=np.int64), bw / bw.sum()))
    return _Places(
        lat=np.asarray(lat),
        lon=np.asarray(lon),
        address=address,
        country=country,
        chinese=np.asarray(chinese),
        spread_km=np.asarray(spread),
        members=members,
        names=[c["name"] for c in spec["clusters"]] + ["(elsewhere)"],
    )


def _cluster_probabilities(spec: dict[str, Any], year: int, key: str) -> npt.NDArray[np.float64]:
    mid = spec["calibration_mid_year"]
    shares = [c[key] * (1 + c["growth"]) ** (year - mid) for c in spec["clusters"]]
    background = max(100.0 - sum(c[key] for c in spec["clusters"]), 0.0)
    p = np.asarray([*shares, background], dtype=np.float64)
    return np.asarray(p / p.sum(), dtype=np.float64)


def _per_year(total: int, first: int, last: int, growth: float) -> dict[int, int]:
    years = list(range(first, last + 1))
    w = np.asarray([(1 + growth) ** (y - first) for y in years])
    raw = w / w.sum() * total
    counts = np.floor(raw).astype(np.int64)
    # Largest remainders get the rest, so the total is exact.
    for i in np.argsort(-(raw - counts), kind="stable")[: total - int(counts.sum())]:
        counts[i] += 1
    return dict(zip(years, (int(c) for c in counts), strict=True))


def _people(
    rng: np.random.Generator,
    spec: dict[str, Any],
    places: _Places,
    docs_per_year: dict[int, int],
    key: str,
    mean_extra: float,
    same_share: float,
) -> dict[str, Any]:
    """Documents and their people: year, home cluster, and per person the place index."""
    years, homes, sizes = [], [], []
    person_cluster_parts = []
    for year, n in docs_per_year.items():
        if n == 0:
            continue
        p = _cluster_probabilities(spec, year, key)
        home = rng.choice(len(p), size=n, p=p)
        k = np.minimum(1 + rng.poisson(mean_extra, size=n), 15)
        years.append(np.full(n, year, dtype=np.int64))
        homes.append(home)
        sizes.append(k)
        person_home = np.repeat(home, k)
        other = rng.choice(len(p), size=len(person_home), p=p)
        same = rng.random(len(person_home)) < same_share
        person_cluster_parts.append(np.where(same, person_home, other))
    year_arr = np.concatenate(years) if years else np.empty(0, dtype=np.int64)
    home_arr = np.concatenate(homes) if homes else np.empty(0, dtype=np.int64)
    size_arr = np.concatenate(sizes) if sizes else np.empty(0, dtype=np.int64)
    cluster = (
        np.concatenate(person_cluster_parts) if person_cluster_parts else np.empty(0, np.int64)
    )
    place = np.empty(len(cluster), dtype=np.int64)
    background = places.members[-2] if key == "pct" else places.members[-1]
    for c, (idx, prob) in enumerate([*places.members[:-2], background]):
        sel = np.flatnonzero(cluster == c)
        if len(sel):
            place[sel] = idx[rng.choice(len(idx), size=len(sel), p=prob)]
    return {"year": year_arr, "home": home_arr, "size": size_arr, "place": place}


def _located_rows(
    rng: np.random.Generator, spec: dict[str, Any], places: _Places, place: npt.NDArray[np.int64]
) -> dict[str, list[Any]]:
    """Address, country and coordinates per person."""
    n = len(place)
    with_coords = rng.random(n) < spec["coordinate_share"]
    no_address = with_coords & ~places.chinese[place] & (rng.random(n) < 0.5)
    unlocatable = rng.random(n) < spec["unlocatable_share"]
    street = rng.integers(0, len(_STREETS), size=n)
    number = rng.integers(1, 300, size=n)
    lat0, lon0 = places.lat[place], places.lon[place]
    sigma = places.spread_km[place]
    dlat = rng.normal(0.0, 1.0, size=n) * sigma / KM_PER_DEGREE
    dlon = rng.normal(0.0, 1.0, size=n) * sigma / (KM_PER_DEGREE * np.cos(np.radians(lat0)))
    lat = np.round(np.clip(lat0 + dlat, -90, 90), 2)
    lon = np.round(((lon0 + dlon + 180.0) % 360.0) - 180.0, 2)
    bad = spec["unlocatable"]
    bad_pick = rng.integers(0, len(bad), size=n)
    out: dict[str, list[Any]] = {"address": [], "country": [], "latitude": [], "longitude": []}
    for i in range(n):
        p = int(place[i])
        if unlocatable[i]:
            addr, cc = bad[int(bad_pick[i])]
            out["address"].append(addr or None)
            out["country"].append(cc)
            out["latitude"].append(None)
            out["longitude"].append(None)
            continue
        if places.chinese[p]:
            addr = f"{places.address[p]}{_STREETS[int(street[i])]}{int(number[i])}号"
        else:
            addr = places.address[p]
        out["address"].append(None if no_address[i] else addr)
        out["country"].append(places.country[p])
        if with_coords[i]:
            out["latitude"].append(float(lat[i]))
            out["longitude"].append(float(lon[i]))
        else:
            out["latitude"].append(None)
            out["longitude"].append(None)
    return out


def _dates(rng: np.random.Generator, years: npt.NDArray[np.int64]) -> list[str]:
    days = rng.integers(0, 365, size=len(years))
    return [
        (date(int(y), 1, 1) + timedelta(days=int(d))).isoformat()
        for y, d in zip(years, days, strict=True)
    ]


def _write(table: pa.Table, path: Path, fmt: str) -> None:
    if fmt == "parquet":
        pq.write_table(table, path)
    else:
        pacsv.write_csv(table, path)


def generate_world_sample(
    out_dir: Path,
    *,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    publications: bool = True,
    fmt: str = "csv",
) -> WorldSampleSummary:
    """Write patents, parties (and publications, authors) of the synthetic world to ``out_dir``.

    ``scale`` multiplies the number of applications (1.0: 30,000 applications, about 84,000
    inventor records). The same seed and scale give byte-identical files.
    """
    if not math.isfinite(scale) or scale <= 0:
        raise InputError(f"scale must be positive, not {scale}")
    if fmt not in ("csv", "parquet"):
        raise InputError(f"format must be csv or parquet, not '{fmt}'")
    spec = definition()
    places = _places()
    rng = np.random.default_rng(seed)
    first, last = int(spec["first_year"]), int(spec["last_year"])
    out_dir.mkdir(parents=True, exist_ok=True)
    ext = "parquet" if fmt == "parquet" else "csv"

    n_apps = max(1, round(spec["applications"] * scale))
    apps = _people(
        rng,
        spec,
        places,
        _per_year(n_apps, first, last, spec["world_growth"]),
        "pct",
        1.7,
        spec["same_cluster_inventors"],
    )
    ids = [f"WO{y}{i:07d}" for i, y in enumerate(apps["year"], start=1)]
    patents = pa.table(
        {
            "patent_id": ids,
            "office": ["WO"] * len(ids),
            "application_date": _dates(rng, apps["year"]),
        }
    )
    rows = _located_rows(rng, spec, places, apps["place"])
    parties = pa.table(
        {
            "patent_id": np.repeat(np.asarray(ids, dtype=object), apps["size"]).tolist(),
            "role": ["inventor"] * len(apps["place"]),
            "sequence": np.concatenate([np.arange(1, k + 1) for k in apps["size"]]).tolist()
            if len(apps["size"])
            else [],
            "address": rows["address"],
            "country": rows["country"],
            "latitude": pa.array(rows["latitude"], type=pa.float64()),
            "longitude": pa.array(rows["longitude"], type=pa.float64()),
        }
    )
    files = {"patents": out_dir / f"patents.{ext}", "parties": out_dir / f"parties.{ext}"}
    _write(patents, files["patents"], fmt)
    _write(parties, files["parties"], fmt)
    by_cluster = {
        places.names[int(c)]: int(n)
        for c, n in zip(*np.unique(apps["home"], return_counts=True), strict=True)
    }

    n_pubs = n_authors = 0
    if publications:
        n_art = max(1, round(n_apps * spec["articles_per_application"]))
        arts = _people(
            rng,
            spec,
            places,
            _per_year(n_art, first, last, spec["world_growth"]),
            "pub",
            3.0,
            spec["same_cluster_authors"],
        )
        pids = [f"ART{y}{i:07d}" for i, y in enumerate(arts["year"], start=1)]
        arows = _located_rows(rng, spec, places, arts["place"])
        pubs = pa.table({"publication_id": pids, "year": arts["year"].tolist()})
        authors = pa.table(
            {
                "publication_id": np.repeat(np.asarray(pids, dtype=object), arts["size"]).tolist(),
                "sequence": np.concatenate([np.arange(1, k + 1) for k in arts["size"]]).tolist(),
                "address": arows["address"],
                "country": arows["country"],
                "latitude": pa.array(arows["latitude"], type=pa.float64()),
                "longitude": pa.array(arows["longitude"], type=pa.float64()),
            }
        )
        files["publications"] = out_dir / f"publications.{ext}"
        files["authors"] = out_dir / f"authors.{ext}"
        _write(pubs, files["publications"], fmt)
        _write(authors, files["authors"], fmt)
        n_pubs, n_authors = len(pids), len(arts["place"])

    return WorldSampleSummary(
        directory=out_dir,
        files=files,
        applications=len(ids),
        inventor_records=len(apps["place"]),
        publications=n_pubs,
        author_records=n_authors,
        first_year=first,
        last_year=last,
        seed=seed,
        scale=scale,
        by_cluster=by_cluster,
    )


@dataclass(frozen=True)
class WorldPoints:
    """Located inventor records of the synthetic world, in memory (for benchmarks): the
    coordinates the geocoder gives them (their place's seat or centre, or their own coordinates
    when the record has some) and their fractional counts."""

    latitude: npt.NDArray[np.float64]
    longitude: npt.NDArray[np.float64]
    weight: npt.NDArray[np.float64]
    year: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.latitude)


def world_points(applications: int, *, seed: int = DEFAULT_SEED) -> WorldPoints:
    """Inventor records of ``applications`` PCT applications, located (see ``WorldPoints``)."""
    spec = definition()
    places = _places()
    rng = np.random.default_rng(seed)
    first, last = int(spec["first_year"]), int(spec["last_year"])
    apps = _people(
        rng,
        spec,
        places,
        _per_year(applications, first, last, spec["world_growth"]),
        "pct",
        1.7,
        spec["same_cluster_inventors"],
    )
    place = apps["place"]
    n = len(place)
    with_coords = rng.random(n) < spec["coordinate_share"]
    lat0, lon0 = places.lat[place], places.lon[place]
    sigma = places.spread_km[place]
    dlat = rng.normal(0.0, 1.0, size=n) * sigma / KM_PER_DEGREE
    dlon = rng.normal(0.0, 1.0, size=n) * sigma / (KM_PER_DEGREE * np.cos(np.radians(lat0)))
    lat = np.where(with_coords, np.round(np.clip(lat0 + dlat, -90, 90), 2), lat0)
    lon = np.where(with_coords, np.round(((lon0 + dlon + 180.0) % 360.0) - 180.0, 2), lon0)
    weight = np.repeat(1.0 / apps["size"], apps["size"])
    year = np.repeat(apps["year"], apps["size"])
    return WorldPoints(lat, lon, weight, year)
