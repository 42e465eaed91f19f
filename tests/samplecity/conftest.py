"""A small sample city generated once for the samplecity tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipcity.samplecity import GenerationSummary, generate

SMALL_SCALE = 0.02  # about 36,000 patents: a second to generate


@pytest.fixture(scope="session")
def small_city(tmp_path_factory: pytest.TempPathFactory) -> GenerationSummary:
    return generate(tmp_path_factory.mktemp("city") / "out", scale=SMALL_SCALE)


@pytest.fixture(scope="session")
def small_city_dir(small_city: GenerationSummary) -> Path:
    return small_city.out_dir
