"""A small sample city ingested into a warehouse: what the end-to-end tests seed a demo on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ipcity.warehouse.store import Warehouse


@dataclass(frozen=True)
class Demo:
    """A seeded demo: its warehouse directory and its workspace database URL."""

    warehouse: Path
    db: str


def ingest_sample_city(root: Path, *, scale: float = 0.005, seed: int = 7) -> Path:
    """Generate the sample city under ``root/city`` and ingest it into ``root/wh``, which is
    returned."""
    from ipcity.samplecity.generator import generate
    from ipcity.warehouse.ingest import ingest

    generate(root / "city", scale=scale, seed=seed)
    with Warehouse(root / "wh") as wh:
        assert ingest(wh, [root / "city"]).ok
    return root / "wh"
