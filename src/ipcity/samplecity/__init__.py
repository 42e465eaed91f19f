"""A deterministic synthetic city modelled on Shanghai, for demos, tests and benchmarks.

``generate(out_dir, scale=1.0)`` writes canonical table files (patents, parties, pledges, awards,
population) that ``ipcity ingest`` reads. Every file is labelled synthetic; see
docs/sample-city.md for what is real (district codes, census and year-end populations, the
published figures the volumes are calibrated on) and what is invented.
"""

from ipcity.samplecity.generator import DEFAULT_SEED, GenerationSummary, generate

__all__ = ["DEFAULT_SEED", "GenerationSummary", "generate"]
