"""docs/security.md names a test for every threat: each named test file and test function
exists (a renamed or deleted test must update the table), and every problem of issue 10 has
its row."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = (REPO / "docs" / "security.md").read_text(encoding="utf-8")


def test_every_named_test_exists() -> None:
    missing = []
    for cell in re.findall(r"`(tests/[^`]+)`", DOC):
        path, _sep, name = cell.partition("::")
        file = REPO / path
        found = file.is_file() and (
            not name or re.search(rf"^def {re.escape(name)}\(", file.read_text("utf-8"), re.M)
        )
        if not found:
            missing.append(cell)
    # (names listed after a file in parentheses)
    for file_name, names in re.findall(r"`(tests/[^`:]+\.py)` \(([^)]*)\)", DOC):
        text = (REPO / file_name).read_text("utf-8")
        for name in re.findall(r"`(test_[a-z0-9_]+)`", names):
            if name.startswith("test_properties_"):
                continue
            if not re.search(rf"^def {name}\(", text, re.M):
                missing.append(f"{file_name}::{name}")
    assert not missing, f"docs/security.md names tests that do not exist: {missing}"


def test_every_problem_of_issue_10_has_a_row() -> None:
    rows = re.findall(r"^\| (\d+) \|", DOC, re.M)
    assert rows == [str(n) for n in range(1, 11)]
