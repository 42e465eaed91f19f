"""Weighted DBSCAN with great-circle distance, run on unique coordinates.

Definitions (the same as scikit-learn's ``DBSCAN(metric="haversine")`` with ``sample_weight``):

* two points are neighbours when their great-circle distance is at most the radius (a point is
  its own neighbour);
* a point is *core* when the summed weight of its neighbours is at least ``min_weight``
  (a relative tolerance of 1e-9 absorbs floating-point rounding, so that three inventors of
  1/3 each make exactly 1);
* clusters are the connected groups of core points (core points that are neighbours);
* a non-core point with a core neighbour is a *border* point; when core points of several
  clusters are its neighbours it joins the cluster whose *first* core point (in the order of
  the input) comes earliest - exactly scikit-learn's rule, which visits points in input order
  and lets the first cluster to reach a border point keep it;
* clusters are numbered 0, 1, ... in the order of their first core point; other points are
  noise (-1).

Why unique coordinates give exactly the labels of every raw point: all points at one coordinate
have the same neighbours, so the same neighbourhood weight (the unique point carries the summed
weight); they are all core or all not, and a border point's candidate clusters are the same for
each of them. Giving each unique coordinate the position of its first raw point as its order
reproduces scikit-learn's visiting order, hence the same cluster numbers and border choices.
``tests/clusters/test_dbscan_equivalence.py`` checks this against scikit-learn on raw points.

Cost: one ball-tree radius query per unique coordinate; time and memory grow with the number
of neighbour pairs among *unique* coordinates, not among raw points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]
from sklearn.neighbors import BallTree

from ipcity.clusters.sphere import EARTH_RADIUS_KM
from ipcity.errors import InputError

# Relative slack on the core test: sums of fractional counts carry rounding error.
WEIGHT_TOLERANCE = 1e-9
# Radius queries are issued in chunks so the per-point neighbour lists never all coexist.
QUERY_CHUNK = 20_000

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class UniquePoints:
    """Distinct coordinates with their summed weights.

    ``inverse[i]`` is the unique point of raw point ``i``; ``first[u]`` the index of the first
    raw point at unique point ``u``. Unique points are sorted by (latitude, longitude).
    """

    lat: FloatArray
    lon: FloatArray
    weight: FloatArray
    first: IntArray
    inverse: IntArray

    def __len__(self) -> int:
        return len(self.lat)


@dataclass(frozen=True)
class DbscanResult:
    labels: IntArray  # per point: cluster number, or -1 for noise
    core: npt.NDArray[np.bool_]
    neighbourhood_weight: FloatArray
    n_clusters: int


def collapse(lat: npt.ArrayLike, lon: npt.ArrayLike, weight: npt.ArrayLike) -> UniquePoints:
    """Merge raw points that share a coordinate (exact float equality) and sum their weights."""
    la = np.asarray(lat, dtype=np.float64)
    lo = np.asarray(lon, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    if not (la.shape == lo.shape == w.shape) or la.ndim != 1:
        raise InputError("latitude, longitude and weight must be 1-d arrays of one length")
    if len(la) == 0:
        empty = np.empty(0, dtype=np.float64)
        none = np.empty(0, dtype=np.int64)
        return UniquePoints(empty, empty, empty, none, none)
    # Stable lexsort: within a run of equal coordinates the first raw index comes first.
    order = np.lexsort((lo, la))
    sla, slo = la[order], lo[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = (sla[1:] != sla[:-1]) | (slo[1:] != slo[:-1])
    group = np.cumsum(starts) - 1
    first_pos = np.flatnonzero(starts)
    inverse = np.empty(len(order), dtype=np.int64)
    inverse[order] = group
    summed = np.add.reduceat(w[order], first_pos)
    return UniquePoints(
        lat=sla[first_pos],
        lon=slo[first_pos],
        weight=summed,
        first=order[first_pos].astype(np.int64),
        inverse=inverse,
    )


def _check(lat: FloatArray, lon: FloatArray, weight: FloatArray, radius_km: float) -> None:
    if not np.isfinite(radius_km) or radius_km <= 0:
        raise InputError(f"radius must be a positive number of km, got {radius_km}")
    if len(lat) and (
        not np.all(np.isfinite(lat))
        or not np.all(np.isfinite(lon))
        or np.any(np.abs(lat) > 90)
        or np.any(np.abs(lon) > 180)
    ):
        raise InputError("coordinates must be finite, latitude within ±90 and longitude ±180")
    if len(weight) and (not np.all(np.isfinite(weight)) or np.any(weight < 0)):
        raise InputError("weights must be finite and non-negative")


def neighbour_graph(lat: FloatArray, lon: FloatArray, radius_km: float) -> csr_matrix:
    """Sparse 0/1 matrix: row i has the neighbours of point i (itself included)."""
    n = len(lat)
    xy = np.radians(np.column_stack([lat, lon]))
    tree = BallTree(xy, metric="haversine")
    eps = radius_km / EARTH_RADIUS_KM
    indptr = [np.zeros(1, dtype=np.int64)]
    indices: list[npt.NDArray[np.intp]] = []
    offset = 0
    for start in range(0, n, QUERY_CHUNK):
        found = tree.query_radius(xy[start : start + QUERY_CHUNK], eps)
        lengths = np.fromiter((len(a) for a in found), dtype=np.int64, count=len(found))
        indptr.append(offset + np.cumsum(lengths))
        offset += int(lengths.sum())
        indices.extend(found)
    ind = np.concatenate(indices) if indices else np.empty(0, dtype=np.intp)
    data = np.ones(len(ind), dtype=np.int8)
    return csr_matrix((data, ind, np.concatenate(indptr)), shape=(n, n))


def weighted_dbscan(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    weight: npt.ArrayLike,
    *,
    radius_km: float,
    min_weight: float,
    order: npt.ArrayLike | None = None,
) -> DbscanResult:
    """DBSCAN of weighted points (typically already unique coordinates).

    ``order`` ranks the points for numbering clusters and settling border points (lower first);
    by default the points' own positions. Pass ``UniquePoints.first`` to reproduce the labels
    scikit-learn gives the raw points.
    """
    la = np.asarray(lat, dtype=np.float64)
    lo = np.asarray(lon, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    _check(la, lo, w, radius_km)
    n = len(la)
    rank = np.arange(n, dtype=np.int64) if order is None else np.asarray(order, dtype=np.int64)
    if n == 0:
        return DbscanResult(np.empty(0, dtype=np.int64), np.empty(0, dtype=bool), np.empty(0), 0)
    graph = neighbour_graph(la, lo, radius_km)
    nbr_weight = np.asarray(graph @ w, dtype=np.float64)
    threshold = min_weight - WEIGHT_TOLERANCE * max(1.0, abs(min_weight))
    core = nbr_weight >= threshold

    labels = np.full(n, -1, dtype=np.int64)
    core_idx = np.flatnonzero(core)
    if len(core_idx) == 0:
        return DbscanResult(labels, core, nbr_weight, 0)

    # Connected components of the core-core part of the graph.
    core_graph = graph[core_idx][:, core_idx]
    n_comp, comp = connected_components(core_graph, directed=False)
    # Each component is keyed by its earliest core point; clusters are numbered in key order.
    first_rank = np.full(n_comp, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_rank, comp, rank[core_idx])
    number_of_comp = np.empty(n_comp, dtype=np.int64)
    number_of_comp[np.argsort(first_rank, kind="stable")] = np.arange(n_comp)
    labels[core_idx] = number_of_comp[comp]

    # Border points: the reachable cluster with the earliest first core point wins, which is
    # the one with the smallest cluster number.
    border_rows = np.flatnonzero(~core)
    if len(border_rows):
        sub = graph[border_rows].tocoo()
        is_core_nbr = core[sub.col]
        rows, cols = sub.row[is_core_nbr], sub.col[is_core_nbr]
        if len(rows):
            best = np.full(len(border_rows), np.iinfo(np.int64).max, dtype=np.int64)
            np.minimum.at(best, rows, labels[cols])
            reached = best != np.iinfo(np.int64).max
            labels[border_rows[reached]] = best[reached]
    return DbscanResult(labels, core, nbr_weight, n_comp)


def dbscan_points(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    weight: npt.ArrayLike,
    *,
    radius_km: float,
    min_weight: float,
) -> tuple[IntArray, UniquePoints, DbscanResult]:
    """Label every raw point by clustering its unique coordinates; the labels equal those of
    ``sklearn.cluster.DBSCAN(eps=radius_km / EARTH_RADIUS_KM, metric="haversine")`` fitted on the
    raw points (in their given order) with the same weights."""
    unique = collapse(lat, lon, weight)
    result = weighted_dbscan(
        unique.lat,
        unique.lon,
        unique.weight,
        radius_km=radius_km,
        min_weight=min_weight,
        order=unique.first,
    )
    return result.labels[unique.inverse], unique, result
