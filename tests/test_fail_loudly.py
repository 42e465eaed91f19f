"""A broken import in one area stops the program: it never silently drops that area's
commands, tables, indicators or report sections. Each case runs in a fresh interpreter where
one of the project's modules cannot be found (the very error the old guards swallowed)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"

# A finder that makes ``BROKEN`` fail to import as if the file were missing.
PRELUDE = """
import importlib.abc, sys

BROKEN = {broken!r}


class Broken(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == BROKEN:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None


sys.meta_path.insert(0, Broken())
"""

CASES = {
    "cli-meetings": ("ipcity.meetings.commands", "import ipcity.cli"),
    "cli-protection": ("ipcity.protection.commands", "import ipcity.cli"),
    "models-meetings": ("ipcity.meetings.models", "import ipcity.workspace.all_models"),
    "models-protection": ("ipcity.protection.models", "import ipcity.workspace.all_models"),
    "provider-protection": (
        "ipcity.protection.indicators",
        "from ipcity.workspace.actuals import find_provider\n"
        "find_provider('protection.cases_opened')",
    ),
    "demo-protection": (
        "ipcity.demo.protection",
        "from ipcity.demo.command import _seed_areas\n_seed_areas(None, None)",
    ),
    "report-section-protection": (
        "ipcity.protection.report_section",
        "from ipcity.reports.gather import extra_sections\nextra_sections(None, 2023, None)",
    ),
    "demo-meetings": (
        "ipcity.demo.meetings",
        "from ipcity.demo.command import _seed_areas\n_seed_areas(None, None)",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_missing_area_module_fails(case: str) -> None:
    broken, body = CASES[case]
    code = textwrap.dedent(PRELUDE.format(broken=broken)) + body + "\nprint('LOADED')\n"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert "LOADED" not in done.stdout, f"{broken} failed to import and nothing noticed"
    assert done.returncode != 0
    assert f"No module named '{broken}'" in done.stderr


def test_the_same_code_runs_when_nothing_is_broken() -> None:
    """The check above is not passing for another reason: unbroken, each case loads."""
    code = textwrap.dedent(PRELUDE.format(broken="ipcity.nothing")) + "\n".join(
        body for _, body in CASES.values() if "(None" not in body
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-c", code + "\nprint('LOADED')\n"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert "LOADED" in done.stdout, done.stderr
