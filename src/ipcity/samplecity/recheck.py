"""Re-check the sample city's headline figures against the published Shanghai ones with the
product's own indicator code, under each definition version.

Unlike ``selfcheck`` (a few lines of SQL on the generated files, for calibration), this ingests
the generated files into a throw-away warehouse and runs ``ipcity.indicators.compute`` for
region 310000 with every shipped definition version, so the effect of a definition change on the
calibration is measured, not assumed:

    python -m ipcity.samplecity.recheck --scale 0.2

prints a Markdown table (counts scaled back to scale 1) that docs/sample-city.md quotes. Re-run
it after any definition change (e.g. a new SEI concordance).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ipcity.samplecity.selfcheck import PER_10K_TARGETS, TARGETS

REGION = "310000"
VERSIONS = ("1", "2")
HIGH_VALUE = "high_value_invention_patents"


@dataclass(frozen=True)
class Recheck:
    """(indicator, year) -> value at scale 1 per definition version, and the published one."""

    scale: float
    figures: dict[str, dict[tuple[str, int], float | None]]
    awards: dict[str, dict[str, int]]  # version -> counted / not counted award rows

    def within(self, version: str) -> dict[tuple[str, int], bool]:
        """Whether each figure of ``version`` lands within the self-check tolerance."""
        out = {}
        for key, (published, tolerance) in {**TARGETS, **PER_10K_TARGETS}.items():
            got = self.figures[version].get(key)
            out[key] = got is not None and abs(got / published - 1) <= tolerance
        return out

    def markdown(self) -> str:
        head = "| figure | " + " | ".join(f"v{v}" for v in VERSIONS) + " | published | tol. |"
        lines = [head, "| --- |" + " ---: |" * (len(VERSIONS) + 2)]
        for key, (published, tolerance) in {**TARGETS, **PER_10K_TARGETS}.items():
            cells = []
            for v in VERSIONS:
                got = self.figures[v].get(key)
                cells.append("—" if got is None else _fmt(got))
            lines.append(
                f"| {key[0]} {key[1]} | " + " | ".join(cells) + f" | {_fmt(published)} | "
                f"±{tolerance:.0%} |"
            )
        return "\n".join(lines)


def _fmt(v: float) -> str:
    return f"{v:,.1f}" if not float(v).is_integer() or v < 100 else f"{int(v):,}"


def recheck(scale: float, workdir: Path | None = None, seed: int | None = None) -> Recheck:
    """Generate the sample city at ``scale``, ingest it and compute the headline figures with
    every shipped definition version, divided by ``scale`` (the population is generated at
    full size, so per-10k values scale like the counts)."""
    from ipcity.indicators import compute
    from ipcity.samplecity import generate
    from ipcity.warehouse.ingest import ingest
    from ipcity.warehouse.store import Warehouse

    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        kwargs = {} if seed is None else {"seed": seed}
        summary = generate(Path(tmp) / "city", scale=scale, **kwargs)  # type: ignore[arg-type]
        figures: dict[str, dict[tuple[str, int], float | None]] = {}
        awards: dict[str, dict[str, int]] = {}
        wanted = sorted({k[0] for k in TARGETS} | {k[0] for k in PER_10K_TARGETS})
        years = sorted({k[1] for k in TARGETS} | {k[1] for k in PER_10K_TARGETS})
        with Warehouse(Path(tmp) / "wh") as wh:
            ingest(wh, [summary.out_dir])
            for version in VERSIONS:
                r = compute(wh, wanted, years=years, region=REGION, definition=version)
                got: dict[tuple[str, int], float | None] = {}
                for row in r.table.to_pylist():
                    v = row["value"]
                    # the population is not scaled: per-10k values scale with the counts
                    got[(row["indicator"], row["year"])] = None if v is None else v / scale
                figures[version] = got
                listing = r.meta["definition"]["awards"]
                awards[version] = {
                    "counted": sum(listing.get("counted", {}).values()),
                    "not_counted": sum(listing.get("not_counted", {}).values()),
                }
    return Recheck(scale=scale, figures=figures, awards=awards)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.2)
    args = parser.parse_args(argv)
    result = recheck(args.scale)
    lines = [f"scale {result.scale}; counts scaled to 1; region {REGION}", result.markdown()]
    for v, a in result.awards.items():
        lines.append(f"v{v}: award rows counted {a['counted']:,}, not counted {a['not_counted']:,}")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
