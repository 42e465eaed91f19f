"""Write the command reference (docs/cli.md) from the CLI itself.

``python -m ipcity.clidoc > docs/cli.md`` regenerates it; ``tests/test_docs.py`` fails when a
command or option is missing from the file, so the reference cannot silently fall behind.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import typer

HEADER = """# Command reference

Generated from the CLI by `python -m ipcity.clidoc > docs/cli.md`; a test fails when a
command or option is missing here. Every command prints errors as one line and exits non-zero;
set `IPCITY_DEBUG=1` to see a traceback when reporting a bug.
"""


def command_tree() -> Any:
    from ipcity.cli import app

    return typer.main.get_command(app)


def walk(cmd: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(path, command) for every command and sub-command, depth first, in name order."""
    subs = getattr(cmd, "commands", None)
    if path:
        yield path, cmd
    if subs:
        for name in sorted(subs):
            yield from walk(subs[name], (*path, name))


def options_of(cmd: Any) -> list[tuple[str, str]]:
    """(names, help) of each option and argument, e.g. ('--year', 'Y or Y1..Y2')."""
    out = []
    for p in cmd.params:
        if getattr(p, "hidden", False):
            continue
        names = ", ".join([*p.opts, *p.secondary_opts])
        if p.param_type_name == "argument":
            names = p.name.upper()
        out.append((names, (getattr(p, "help", None) or "").replace("\n", " ")))
    return out


def render() -> str:
    lines = [HEADER]
    for path, cmd in walk(command_tree()):
        lines.append(f"\n## ipcity {' '.join(path)}\n")
        doc = (cmd.help or "").strip()
        if doc:
            lines.append(doc.split("\n\n")[0].replace("\n", " ") + "\n")
        opts = options_of(cmd)
        if opts and not getattr(cmd, "commands", None):
            lines.append("| option | meaning |\n|---|---|")
            for names, text in opts:
                lines.append(f"| `{names}` | {text.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
