"""Documentation keeps up with the code (the Datasette way): a command, option, environment
setting or docs page that is not documented fails the suite."""

from __future__ import annotations

import re
from pathlib import Path

from ipcity.clidoc import command_tree, options_of, walk

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"


def test_every_command_and_option_is_in_the_reference() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    missing = []
    for path, cmd in walk(command_tree()):
        if f"## ipcity {' '.join(path)}\n" not in text:
            missing.append(f"command: ipcity {' '.join(path)}")
            continue
        section = text.split(f"## ipcity {' '.join(path)}\n", 1)[1].split("\n## ", 1)[0]
        for names, _help in options_of(cmd):
            if f"`{names}`" not in section:
                missing.append(f"option: ipcity {' '.join(path)} {names}")
    assert not missing, (
        "undocumented (regenerate with `python -m ipcity.clidoc > docs/cli.md`):\n"
        + "\n".join(missing)
    )


def test_every_environment_setting_is_documented() -> None:
    used: set[str] = set()
    for f in (REPO / "src").rglob("*.py"):
        used |= set(re.findall(r"\bIPCITY_[A-Z0-9_]+\b", f.read_text(encoding="utf-8")))
    docs = (REPO / "README.md").read_text(encoding="utf-8")
    docs += "".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))
    missing = sorted(v for v in used if v not in docs)
    assert not missing, f"environment settings not documented in README or docs/: {missing}"


def test_every_docs_page_is_linked_from_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in DOCS.glob("*.md") if f"docs/{p.name}" not in readme]
    assert not missing, f"docs pages not linked from README.md: {missing}"


def test_readme_commands_are_what_ci_runs() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:bash|sh|shell|console)?\n(.*?)```", readme, re.S)
    commands = [ln.strip() for b in blocks for ln in b.splitlines() if ln.strip()]
    assert "./run demo" in commands and "./run test" in commands
    assert "./run test" in ci
