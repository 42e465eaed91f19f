"""Documentation keeps up with the code (the Datasette way): a command, option, environment
setting or docs page that is not documented fails the suite."""

from __future__ import annotations

import re
from pathlib import Path

from ipcity.clidoc import command_tree, options_of, walk
from ipcity.settings import Settings

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


def test_every_setting_is_documented() -> None:
    """Each field of ipcity.settings.Settings documents itself and has a row in
    docs/configuration.md."""
    table = (DOCS / "configuration.md").read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if line.startswith("| `IPCITY_")]
    missing = []
    for env, kind, _default, description in Settings.documentation():
        assert description.strip() and kind, f"{env} has no description or type"
        if not any(f"`{env}`" in row for row in rows):
            missing.append(env)
    assert not missing, f"settings without a row in docs/configuration.md: {missing}"


def test_settings_are_read_only_by_the_settings_object() -> None:
    """Every IPCITY_* name the code mentions is a field of Settings, and no other module
    reads the environment for one (they receive the parsed object)."""
    known = {env for env, *_ in Settings.documentation()}
    stray: list[str] = []
    for f in sorted((REPO / "src").rglob("*.py")):
        text = f.read_text(encoding="utf-8")
        names = set(re.findall(r"\bIPCITY_[A-Z0-9_]+[A-Z0-9]\b", text))
        stray += [f"{f.name}: {n} is not a setting" for n in sorted(names - known)]
        for line in text.splitlines() if f.name != "settings.py" else []:
            if re.search(r"\b(environ|getenv)\b", line) and "IPCITY_" in line:
                stray.append(f"{f.relative_to(REPO)} reads an IPCITY_ variable itself: {line}")
    assert not stray, "\n".join(stray)


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


def _layout_entries() -> dict[str, str]:
    """The entries of docs/web.md's layout block: name (``app.py``, ``pages/``) -> its text."""
    text = (DOCS / "web.md").read_text(encoding="utf-8")
    block = text.split("## How the code is laid out", 1)[1].split("```", 2)[1]
    entries: dict[str, str] = {}
    current = ""
    for line in block.splitlines()[2:]:  # after the opening fence and "src/ipcity/web/"
        if line.startswith("  ") and not line.startswith("   "):
            current, _, rest = line.strip().partition(" ")
            entries[current] = rest
        elif current:
            entries[current] += " " + line.strip()
    return entries


def test_the_web_layout_in_the_docs_matches_the_tree() -> None:
    """Every module and folder of src/ipcity/web is in docs/web.md's layout list (and every
    entry exists); each module of pages/, api/, schemas/ and views/ is named in its entry."""
    web = REPO / "src" / "ipcity" / "web"
    entries = _layout_entries()
    tree = {
        p.name + ("/" if p.is_dir() else "")
        for p in web.iterdir()
        if p.name not in ("__init__.py", "__pycache__")
    }
    assert sorted(tree - set(entries)) == [], "in the tree, missing from docs/web.md"
    assert sorted(set(entries) - tree) == [], "in docs/web.md, missing from the tree"
    missing = []
    for folder in ("pages", "api", "schemas", "views"):
        named = set(re.findall(r"[a-z_]+", entries[f"{folder}/"]))
        for module in sorted((web / folder).glob("*.py")):
            if module.stem != "__init__" and module.stem not in named:
                missing.append(f"{folder}/{module.name}")
    assert not missing, f"modules not named in docs/web.md's layout: {missing}"
