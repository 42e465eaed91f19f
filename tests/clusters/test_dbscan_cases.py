"""Weighted DBSCAN on cases computed by hand.

Distances: on the equator one degree of longitude is R * pi / 180 with R = 6371.0088 km, i.e.
111.195 km; 0.1 degree is 11.1195 km, 0.2 degree 22.239 km.
"""

from __future__ import annotations

import numpy as np
import pytest

from ipcity.clusters.dbscan import dbscan_points, weighted_dbscan
from ipcity.clusters.sphere import EARTH_RADIUS_KM
from ipcity.errors import InputError


def test_degree_length() -> None:
    assert EARTH_RADIUS_KM * np.pi / 180 == pytest.approx(111.195, abs=1e-3)


def test_three_points_at_known_distances() -> None:
    # P0 lon 0.0, P1 lon 0.1 (11.12 km from P0), P2 lon 0.3 (22.24 km from P1), weight 1 each.
    lat, lon, w = np.zeros(3), np.array([0.0, 0.1, 0.3]), np.ones(3)
    # Radius 12 km, min weight 2: P0 and P1 see each other (2 >= 2: core); P2 sees itself (1).
    r = weighted_dbscan(lat, lon, w, radius_km=12, min_weight=2)
    assert list(r.labels) == [0, 0, -1]
    assert list(r.neighbourhood_weight) == [2, 2, 1]
    # Radius 11 km is below 11.12 km: nobody has a neighbour, all noise.
    assert list(weighted_dbscan(lat, lon, w, radius_km=11, min_weight=2).labels) == [-1, -1, -1]
    # Radius 23 km: P1 sees P0 and P2 (3), P0 sees P1 (2), P2 sees P1 (2); min 3: P1 is the
    # only core, P0 and P2 are its border points: one cluster of three.
    r = weighted_dbscan(lat, lon, w, radius_km=23, min_weight=3)
    assert list(r.core) == [False, True, False]
    assert list(r.labels) == [0, 0, 0]


def test_chain_links_points_beyond_the_radius() -> None:
    # Five points 11.12 km apart in a row (44.5 km end to end), radius 12 km, min weight 2:
    # every point has a neighbour (ends: 2, inner: 3), all are core and chained: one cluster.
    lon = np.array([0.0, 0.1, 0.2, 0.3, 0.4])
    r = weighted_dbscan(np.zeros(5), lon, np.ones(5), radius_km=12, min_weight=2)
    assert list(r.labels) == [0, 0, 0, 0, 0]
    # Take out the middle point: two clusters of two, numbered in input order.
    keep = [0, 1, 3, 4]
    r = weighted_dbscan(np.zeros(4), lon[keep], np.ones(4), radius_km=12, min_weight=2)
    assert list(r.labels) == [0, 0, 1, 1]


def test_min_weight_boundary_is_inclusive() -> None:
    # Two points 11.12 km apart with weights 0.75 and 0.25: neighbourhood weight exactly 1.0.
    lat, lon, w = np.zeros(2), np.array([0.0, 0.1]), np.array([0.75, 0.25])
    assert list(weighted_dbscan(lat, lon, w, radius_km=12, min_weight=1.0).labels) == [0, 0]
    # Just above the sum: noise.
    assert list(weighted_dbscan(lat, lon, w, radius_km=12, min_weight=1.000001).labels) == [-1, -1]


def test_three_thirds_make_one() -> None:
    # An application with three inventors at one place counts 1/3 + 1/3 + 1/3 = 1 there, even
    # where floating-point sums of thirds fall a hair short of 1 (tolerance 1e-9).
    thirds = np.full(3, 1 / 3)
    labels, unique, _ = dbscan_points(np.zeros(3), np.zeros(3), thirds, radius_km=1, min_weight=1.0)
    assert list(labels) == [0, 0, 0]
    assert len(unique) == 1
    # 0.1 + 0.2 (0.30000000000000004) against 0.3, and ten tenths against 1.
    assert list(weighted_dbscan([0.0], [0.0], [0.1 + 0.2], radius_km=1, min_weight=0.3).labels) == [
        0
    ]
    tenths = np.full(10, 0.1)
    assert (
        list(dbscan_points(np.zeros(10), np.zeros(10), tenths, radius_km=1, min_weight=1.0)[0])
        == [0] * 10
    )


def test_great_circle_not_degrees() -> None:
    # At 60 degrees north, 0.2 degree of longitude is only 11.12 km (cos 60 = 0.5): neighbours
    # at radius 12 km, while 0.2 degree on the equator (22.24 km) are not.
    r60 = weighted_dbscan([60.0, 60.0], [10.0, 10.2], [1, 1], radius_km=12, min_weight=2)
    r0 = weighted_dbscan([0.0, 0.0], [10.0, 10.2], [1, 1], radius_km=12, min_weight=2)
    assert list(r60.labels) == [0, 0]
    assert list(r0.labels) == [-1, -1]


def test_across_the_antimeridian() -> None:
    # lon 179.95 and -179.95 are 0.1 degree apart (11.12 km) across the 180th meridian.
    r = weighted_dbscan([0.0, 0.0], [179.95, -179.95], [1, 1], radius_km=12, min_weight=2)
    assert list(r.labels) == [0, 0]


@pytest.mark.parametrize(
    ("lat", "lon", "w", "radius"),
    [
        ([91.0], [0.0], [1.0], 10.0),
        ([0.0], [181.0], [1.0], 10.0),
        ([float("nan")], [0.0], [1.0], 10.0),
        ([0.0], [0.0], [-1.0], 10.0),
        ([0.0], [0.0], [1.0], 0.0),
    ],
)
def test_bad_input_is_a_clear_error(
    lat: list[float], lon: list[float], w: list[float], radius: float
) -> None:
    with pytest.raises(InputError):
        weighted_dbscan(lat, lon, w, radius_km=radius, min_weight=1)


def test_empty_input() -> None:
    labels, unique, result = dbscan_points([], [], [], radius_km=10, min_weight=1)
    assert len(labels) == 0 and len(unique) == 0 and result.n_clusters == 0
