"""The garbage collector of a long-running server process (``ipcity serve``).

CPython's full collection walks every object it tracks, with every request thread stopped.
Once a worker has built its app it tracks about 200,000 (the app, SQLAlchemy, Jinja, the
translation catalogues), and one full pass took 130-230 ms on the 2-core test machine; under
50 users it came a few times in 30 s, and the requests caught in it made the p95
(docs/benchmarks.md, "Web speed").

So, once the app is built: collect, then freeze what is left (it lives as long as the process;
reference counting still frees any of it that is dropped, only cycles among it are no longer
looked for), and let more allocations pass between collections, so that few objects of a
request are promoted and a full pass is rare. Not for tests or the CLI: only the server's
start-up calls :func:`settle`.
"""

from __future__ import annotations

import gc

# Allocations between young passes (CPython: 700), young passes between middle ones (10),
# middle passes between full ones (10).
THRESHOLDS = (10_000, 20, 100)


def settle() -> None:
    """Collect, freeze the survivors of start-up, raise the thresholds."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
