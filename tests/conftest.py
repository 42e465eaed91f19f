"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the repository; the test is skipped when it is absent
    (a user's clone has no ``../shared``)."""
    if not (SHARED_DATA / "real").is_dir():
        pytest.skip(f"../shared/data not present at {SHARED_DATA}; real-data tests skipped")
    return SHARED_DATA
