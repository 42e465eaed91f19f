"""Default parameters of the cluster ranking (docs/clusters.md, "Defaults and their sources").

Kept apart from the engine so that the CLI can show them without importing the numeric stack.
"""

from __future__ import annotations

DEFAULT_WINDOW_YEARS = 5  # GII: five-year windows of PCT filings and of articles
DEFAULT_RADIUS_KM = 15.0  # this project's choice (the GII texts available give no number)
DEFAULT_MIN_WEIGHT = "0.1%"  # of the window's weight; this project's choice likewise
DEFAULT_TOP = 20
DEFAULT_CITY = "310000"  # Shanghai
