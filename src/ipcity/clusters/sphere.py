"""Points on the Earth as vectors on the unit sphere, and distances between them.

The straight-line (chord) distance between two unit vectors grows with the great-circle
distance, so an ordinary k-d tree finds the nearest places fast: the gazetteer's town tree and
the Chinese seats of places.py are built on these vectors.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

# Mean Earth radius (IUGG, km); the radius scikit-learn users conventionally divide by.
EARTH_RADIUS_KM = 6371.0088


def unit_vectors(lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Points on the unit sphere: straight-line (chord) distance between them grows with the
    great-circle distance, so an ordinary k-d tree finds nearest places fast."""
    la = np.radians(np.asarray(lat, dtype=np.float64))
    lo = np.radians(np.asarray(lon, dtype=np.float64))
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def chord_to_km(chord: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The great-circle distance (km) of a chord between two unit vectors."""
    return np.asarray(2.0 * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0)) * EARTH_RADIUS_KM)
