"""Weighted DBSCAN on unique coordinates gives exactly scikit-learn's labels on every raw point.

"Exactly" means the same array, cluster numbers included: the unique run numbers clusters in the
order of their first core point in the raw order, as scikit-learn does, and gives a border point
that two clusters reach to the one whose first core point comes first. scikit-learn only takes an
integer ``min_samples``, so fractional thresholds are compared by scaling every weight by the
same power of two (exact in floating point).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.cluster import DBSCAN

from ipcity.clusters.dbscan import collapse, dbscan_points
from ipcity.clusters.sphere import EARTH_RADIUS_KM

KM_PER_DEG = EARTH_RADIUS_KM * np.pi / 180  # 111.19508 km per degree of a great circle


def sklearn_labels(
    lat: np.ndarray, lon: np.ndarray, w: np.ndarray, radius_km: float, min_samples: int
) -> np.ndarray:
    model = DBSCAN(
        eps=radius_km / EARTH_RADIUS_KM,
        min_samples=min_samples,
        metric="haversine",
        algorithm="ball_tree",
    )
    return np.asarray(model.fit(np.radians(np.column_stack([lat, lon])), sample_weight=w).labels_)


def ours(
    lat: np.ndarray, lon: np.ndarray, w: np.ndarray, radius_km: float, mw: float
) -> np.ndarray:
    labels, _, _ = dbscan_points(lat, lon, w, radius_km=radius_km, min_weight=mw)
    return labels


# Raw points: a few sites (as district seats and town centres are) repeated many times, with
# fractional weights 1, 1/2, 1/4, 1/8 (exactly representable: sums are exact, so ties at the
# threshold are real ties for both implementations).
sites = st.lists(
    st.tuples(
        st.floats(min_value=30.9, max_value=31.5, allow_nan=False),
        st.floats(min_value=121.0, max_value=121.8, allow_nan=False),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sites=sites,
    picks=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 3)), min_size=1, max_size=80),
    radius=st.sampled_from([2.0, 5.0, 10.0, 15.0, 25.0]),
    min_samples=st.integers(1, 12),
    halves=st.sampled_from([1, 2, 4]),
)
def test_unique_weighted_equals_raw_points(
    sites: list[tuple[float, float]],
    picks: list[tuple[int, int]],
    radius: float,
    min_samples: int,
    halves: int,
) -> None:
    idx = [i % len(sites) for i, _ in picks]
    lat = np.array([round(sites[i][0], 3) for i in idx])
    lon = np.array([round(sites[i][1], 3) for i in idx])
    w = np.array([1.0 / 2**k for _, k in picks])
    # min_weight = min_samples / halves; scikit-learn sees weights x halves (exact).
    expected = sklearn_labels(lat, lon, w * halves, radius, min_samples)
    got = ours(lat, lon, w, radius, min_samples / halves)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("seed", range(8))
def test_fixed_random_samples_equal_sklearn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    centres = rng.normal([31.2, 121.45], [0.2, 0.25], size=(40, 2)).round(3)
    pick = rng.integers(0, len(centres), size=600)
    lat, lon = centres[pick, 0], centres[pick, 1]
    w = 1.0 / 2.0 ** rng.integers(0, 4, size=600)
    for radius, min_samples in ((8.0, 6), (15.0, 20), (3.0, 2)):
        np.testing.assert_array_equal(
            ours(lat, lon, w, radius, min_samples),
            sklearn_labels(lat, lon, w, radius, min_samples),
        )


def test_border_point_reached_by_two_clusters_goes_to_the_earlier_cluster() -> None:
    # On the equator 0.1 degree of longitude is 11.12 km; radius 12 km links only adjacent
    # points. Weights A2 5, A1 2, M 0.5, B1 2, B2 5 at lon -0.1, 0.0, 0.1, 0.2, 0.3; min 7:
    #   A2: 5 + 2 = 7 core; A1: 5 + 2 + 0.5 = 7.5 core; M: 2 + 0.5 + 2 = 4.5 not core;
    #   B1, B2 as A1, A2. A and B are two clusters (M is not core, so it does not link them)
    #   and M is a border point of both.
    lon = np.array([-0.1, 0.0, 0.1, 0.2, 0.3])
    lat = np.zeros(5)
    w = np.array([5.0, 2.0, 0.5, 2.0, 5.0])
    for order in ([0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 4, 0, 1, 3]):
        o = np.array(order)
        got = ours(lat[o], lon[o], w[o], 12.0, 7.0)
        # scaled by 2 for scikit-learn's integer min_samples (exact)
        expected = sklearn_labels(lat[o], lon[o], w[o] * 2, 12.0, 14)
        np.testing.assert_array_equal(got, expected)
        # M joins the cluster whose first core point comes first in this order.
        m = int(np.flatnonzero(o == 2)[0])
        first_core = min(int(np.flatnonzero(o == k)[0]) for k in (0, 1, 3, 4))
        assert got[m] == got[first_core]
    assert len(set(ours(lat, lon, w, 12.0, 7.0))) == 2


def test_duplicates_collapse_to_summed_weights_and_share_labels() -> None:
    lat = np.array([31.0, 31.0, 31.5, 31.0])
    lon = np.array([121.0, 121.0, 121.5, 121.0])
    u = collapse(lat, lon, np.array([0.5, 0.25, 1.0, 0.25]))
    assert len(u) == 2
    np.testing.assert_array_equal(u.weight, [1.0, 1.0])  # 0.5 + 0.25 + 0.25 = 1.0
    np.testing.assert_array_equal(u.first, [0, 2])
    np.testing.assert_array_equal(u.inverse, [0, 0, 1, 0])
