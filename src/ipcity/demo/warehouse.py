"""The demo's warehouse: the sample city (and the synthetic world sample for clusters),
generated and ingested once, then trimmed to the demo's day (``demo.horizon``: no grant,
application or other record from after it); a second ``ipcity demo`` reuses it."""

from __future__ import annotations

import json
from datetime import date

from ipcity.console import progress
from ipcity.errors import IpcityError
from ipcity.warehouse.store import Warehouse

# Written into the warehouse directory: the scale, seed and last day it was built with (a
# warehouse built by an older demo, without "until", is rebuilt).
DEMO_MARKER = "demo.json"


def build_demo_warehouse(
    wh: Warehouse, *, scale: float, seed: int, rebuild: bool, until: date
) -> bool:
    """Generate and ingest the sample city (and the world sample for clusters), then trim the
    warehouse to the end of ``until`` (the demo's day), unless this warehouse already holds
    the same demo. Returns True when it (re)built."""
    from ipcity.demo.horizon import cut_at
    from ipcity.samplecity import generate
    from ipcity.warehouse.ingest import ingest

    marker = wh.directory / DEMO_MARKER
    wanted = {"scale": scale, "seed": seed, "until": until.isoformat()}
    if not rebuild and marker.exists() and json.loads(marker.read_text()) == wanted:
        return False
    if wh.count("ingest_runs") and not rebuild and not marker.exists():
        raise IpcityError(
            f"{wh.directory} already holds other data; use another --warehouse for the demo "
            "or pass --rebuild to replace it"
        )
    wh.reset()
    source = wh.directory / "sample-city"
    with progress("sample city") as update:
        generate(
            source,
            scale=scale,
            seed=seed,
            overwrite=True,
            progress=lambda done, total: update("generating patents", done, total),
        )
    with progress("ingest") as update:
        report = ingest(wh, [source], progress=update)
    failed = [f for f in report.files if f.status == "failed"]
    if failed:
        raise IpcityError(f"demo ingest failed: {failed[0].message}")
    world = wh.directory / "world-sample"
    from ipcity.clusters.sample import generate_world_sample

    generate_world_sample(world, seed=seed)
    with progress("ingest world sample") as update:
        ingest(wh, [world], progress=update)
    cut_at(wh, until)  # the data as it stood on the demo's day
    marker.write_text(json.dumps(wanted))
    return True
