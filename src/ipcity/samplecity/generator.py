"""``generate``: write the sample city's canonical table files into a directory."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from ipcity.errors import InputError
from ipcity.samplecity import calibration as cal
from ipcity.samplecity.entities import build_entities
from ipcity.samplecity.output import (
    FORMATS,
    MARKER,
    Format,
    file_name,
    marker_text,
    prepare_directory,
    write_table,
)
from ipcity.samplecity.parties import AddressTracker, generate_parties
from ipcity.samplecity.patents import ChunkContext, award_probabilities, generate_patents
from ipcity.samplecity.plan import make_plan
from ipcity.samplecity.population import population_table
from ipcity.samplecity.rights import generate_awards, generate_pledges
from ipcity.samplecity.vocabulary import SEI_CONCORDANCE

DEFAULT_SEED = 20230101
#: Patents per chunk: one part file per table and chunk; bounds memory (about 1.5 GB peak).
CHUNK_ROWS = 1_000_000
CHUNKED_TABLES = ("patents", "parties", "pledges", "awards")
MAX_SCALE = 60.0  # utility-model numbers of one year run out near scale 65


@dataclass(frozen=True)
class GenerationSummary:
    out_dir: Path
    seed: int
    scale: float
    years: tuple[int, int]
    fmt: str
    files: tuple[Path, ...]
    rows: dict[str, int]  # per table
    patents_by_type: dict[str, int]  # invention, utility_model, design, pct
    entities: int  # distinct applicants/owners the run could draw from
    distinct_addresses: int  # distinct address strings written to parties
    bytes_written: int
    seconds: float = field(compare=False)


def concordance_table() -> pa.Table:
    """The sample city's own SEI main groups; no branch names, exclusions or keywords."""
    n = len(SEI_CONCORDANCE)
    return pa.table(
        {
            "ipc_prefix": pa.array([p for p, _ in SEI_CONCORDANCE], pa.string()),
            "category": pa.array([c for _, c in SEI_CONCORDANCE], pa.string()),
            "branch_name": pa.nulls(n, pa.string()),
            "exclusions": pa.nulls(n, pa.string()),
            "keywords": pa.nulls(n, pa.string()),
        }
    )


def _check_arguments(scale: float, seed: int, fmt: str) -> None:
    if not isinstance(scale, int | float) or not math.isfinite(scale) or scale <= 0:
        raise InputError(f"scale must be a positive number, not {scale!r}")
    if scale > MAX_SCALE:
        raise InputError(f"scale {scale:g} is above the largest supported scale {MAX_SCALE:g}")
    if not isinstance(seed, int) or seed < 0:
        raise InputError(f"seed must be a non-negative integer, not {seed!r}")
    if fmt not in FORMATS:
        raise InputError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")


def generate(
    out_dir: Path,
    *,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    fmt: Format = "parquet",
    years: tuple[int, int] = (cal.FIRST_YEAR, cal.LAST_YEAR),
    progress: Callable[[int, int], None] | None = None,
    overwrite: bool = False,
    sei_concordance: bool = True,
) -> GenerationSummary:
    """Write the synthetic city's tables (patents, parties, pledges, awards, population) and a
    README.txt marker into ``out_dir``.

    ``scale`` 1 gives Shanghai's order of magnitude (about 1.8 million patents 2015-2023 with
    the invention backlog); larger scales write one part file per million patents and table.
    ``progress(done, total)`` is called with patent counts after each chunk. ``overwrite``
    replaces table files already in ``out_dir`` (else they are an error). ``sei_concordance``
    also writes the sample city's own SEI concordance (the IPC groups its SEI fields use):
    without it the indicators fall back to ipcity's partial default and the high-value figures
    come out far below the calibrated ones.
    """
    started = time.perf_counter()
    _check_arguments(scale, seed, fmt)
    plan = make_plan(scale, years)
    total = plan.total
    if total == 0:
        raise InputError(f"scale {scale:g} is too small: the sample city would have no patents")
    out_dir = Path(out_dir)
    prepare_directory(out_dir, overwrite)

    entities = build_entities(seed, scale, total)
    award_p, design_award_p = award_probabilities(plan, scale)
    ctx = ChunkContext(plan, entities, seed, award_p, design_award_p)
    tracker = AddressTracker(len(entities.addresses))
    n_chunks = math.ceil(total / CHUNK_ROWS)
    files: list[Path] = []
    rows = dict.fromkeys((*CHUNKED_TABLES, "population", "sei_concordance"), 0)
    by_type = dict.fromkeys(("invention", "utility_model", "design", "pct"), 0)
    size = 0

    def emit(table_name: str, table: pa.Table, part: int | None) -> None:
        nonlocal size
        path = out_dir / file_name(table_name, fmt, part)
        size += write_table(table, path, fmt)
        files.append(path)
        rows[table_name] += table.num_rows

    if progress:
        progress(0, total)
    for k in range(n_chunks):
        start, stop = k * CHUNK_ROWS, min(total, (k + 1) * CHUNK_ROWS)
        rng = np.random.default_rng([seed, 2, k])
        chunk = generate_patents(ctx, rng, start, stop)
        part = None if n_chunks == 1 else k + 1
        emit("patents", chunk.table, part)
        emit("parties", generate_parties(rng, chunk, entities, tracker), part)
        emit("pledges", generate_pledges(rng, chunk, plan.first_year, plan.horizon), part)
        emit("awards", generate_awards(rng, chunk, plan.first_year, plan.last_year), part)
        for kind, name in enumerate(by_type):
            by_type[name] += int((chunk.kind == kind).sum())
        del chunk
        if progress:
            progress(stop, total)
    emit("population", population_table(cal.POPULATION_FIRST_YEAR, plan.last_year), None)
    if sei_concordance:
        emit("sei_concordance", concordance_table(), None)

    marker = out_dir / MARKER
    marker.write_text(
        marker_text(seed=seed, scale=scale, years=(plan.first_year, plan.last_year), fmt=fmt),
        encoding="utf-8",
    )
    files.append(marker)
    size += marker.stat().st_size
    return GenerationSummary(
        out_dir=out_dir,
        seed=seed,
        scale=scale,
        years=(plan.first_year, plan.last_year),
        fmt=fmt,
        files=tuple(files),
        rows=rows,
        patents_by_type=by_type,
        entities=entities.count,
        distinct_addresses=tracker.count,
        bytes_written=size,
        seconds=time.perf_counter() - started,
    )
