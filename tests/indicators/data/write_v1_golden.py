"""Writes definition_v1_golden.json with the code of definition version 1 (before issue 9):

    git worktree add /tmp/v1 b1feb76
    PYTHONPATH=/tmp/v1/src python -m tests.indicators.data.write_v1_golden

The file records the commit that wrote it. test_definition_v2.py compares ``definition=1``
with it. Not a test: run by hand, only when the problem records change."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

import ipcity  # noqa: E402
from ipcity.indicators import compute  # noqa: E402
from tests.support import problem_records as pr  # noqa: E402
from tests.support.indicator_helpers import build_warehouse  # noqa: E402


def main() -> None:
    src = Path(ipcity.__file__).resolve().parents[2]
    commit = subprocess.run(
        ["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    out: dict[str, object] = {
        "written_by": f"ipcity {commit} (definition version 1, before issue 9)",
        "runs": {},
    }
    runs: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as d:
        wh = build_warehouse(Path(d) / "wh", **pr.tables())
        for name, kwargs in pr.RUNS.items():
            r = compute(wh, **kwargs)
            runs[name] = {
                "definition_version": r.meta["definition_version"],
                "rows": r.table.to_pylist(),
            }
    out["runs"] = runs
    text = json.dumps(out, ensure_ascii=False, indent=1) + "\n"
    (HERE / "definition_v1_golden.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
