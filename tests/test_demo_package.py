"""All demo data lives in ``ipcity.demo``: the domain packages hold none.

Read with ``ast`` from src/ (nothing is imported). Outside src/ipcity/demo/:
- no module has "demo" in its file name (a new ``area/demo_x.py`` belongs in demo/);
- only the command-line entry point refers to ``ipcity.demo``, by an import string
  (``cli.py`` lists ``ipcity.demo.command`` and ``ipcity.demo.seed_commands``, which mounts
  the areas' ``seed-demo`` subcommands from above, so no area imports the demo);
- no function outside demo/ is named for the demo (``seed_demo``, ``build_demo_warehouse`` ...);
- nothing writes as the demo's own actor (``system_actor("demo…")``): that is seeding.
The last test runs the same checks on a small made-up tree, to show they can fail.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
DEMO_PACKAGE = "ipcity.demo"
# Modules outside demo/ that may refer to ipcity.demo: the entry points that start it.
ENTRY_POINTS = frozenset(
    {
        "ipcity/cli.py",
    }
)


def _modules(src: Path) -> dict[str, ast.Module]:
    """Every module under src/ipcity outside the demo package, by path relative to src."""
    demo_dir = src / "ipcity" / "demo"
    return {
        path.relative_to(src).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted((src / "ipcity").rglob("*.py"))
        if demo_dir not in path.parents
    }


def _is_demo(name: str | None) -> bool:
    return name is not None and (name == DEMO_PACKAGE or name.startswith(DEMO_PACKAGE + "."))


def _refers_to_demo(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(_is_demo(a.name) for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom):
            if _is_demo(node.module):
                return True
            # ``from ipcity import demo``
            if node.module == "ipcity" and any(a.name == "demo" for a in node.names):
                return True
        # an import string, as cli.py's COMMAND_MODULES
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _is_demo(node.value):
            return True
    return False


def _is_command(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Decorated ``@<app>.command(...)``: a CLI subcommand."""
    for dec in fn.decorator_list:
        call = dec.func if isinstance(dec, ast.Call) else dec
        if isinstance(call, ast.Attribute) and call.attr == "command":
            return True
    return False


def _demo_actor_calls(tree: ast.Module) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "system_actor"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and node.args[0].value.startswith("demo")
        ):
            lines.append(node.lineno)
    return lines


def findings(src: Path) -> list[str]:
    """What puts demo data or demo seeding outside ipcity/demo/ (empty when all is in place)."""
    found: list[str] = []
    modules = _modules(src)
    for path, tree in modules.items():
        if "demo" in Path(path).name:
            found.append(f"{path}: a demo module outside ipcity/demo/")
        if _refers_to_demo(tree) and path not in ENTRY_POINTS:
            found.append(f"{path}: refers to {DEMO_PACKAGE} but is not an entry point")
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if "demo" in node.name.lower() and not (path in ENTRY_POINTS and _is_command(node)):
                found.append(f"{path}:{node.lineno}: {node.name} is demo code outside ipcity/demo/")
        found.extend(f"{path}:{n}: writes as the demo's actor" for n in _demo_actor_calls(tree))
    for path in sorted(ENTRY_POINTS):
        if path in modules and not _refers_to_demo(modules[path]):
            found.append(f"{path}: listed as a demo entry point but does not start the demo")
    return found


def test_demo_data_lives_only_in_the_demo_package() -> None:
    assert (SRC / "ipcity" / "demo" / "__init__.py").is_file()
    assert findings(SRC) == []


def test_the_check_finds_demo_code_in_a_domain_package(tmp_path: Path) -> None:
    pkg = tmp_path / "ipcity"
    for sub in ("demo", "workspace", "meetings", "protection"):
        (pkg / sub).mkdir(parents=True)
        (pkg / sub / "__init__.py").write_text("", encoding="utf-8")
    # an entry point that lost its reference to the demo
    (pkg / "cli.py").write_text('MODULES = ("ipcity.web.commands",)\n', encoding="utf-8")
    (pkg / "workspace" / "commands.py").write_text(
        "@app.command('seed-demo')\n"
        "def ws_seed_demo() -> None:\n"
        "    from ipcity.demo.workspace_seed import seed_demo\n",
        encoding="utf-8",
    )
    (pkg / "meetings" / "commands.py").write_text(
        "def build_demo_rooms() -> None: ...\n", encoding="utf-8"
    )
    (pkg / "meetings" / "demo_rooms.py").write_text("", encoding="utf-8")
    (pkg / "protection" / "cases.py").write_text(
        "from ipcity import demo\ndef seed_demo_cases(s):\n    return system_actor('demo-seed')\n",
        encoding="utf-8",
    )
    (pkg / "demo" / "cases.py").write_text(
        "def seed_demo_cases(s):\n    return system_actor('demo-seed')\n", encoding="utf-8"
    )
    assert findings(tmp_path) == [
        "ipcity/meetings/commands.py:1: build_demo_rooms is demo code outside ipcity/demo/",
        "ipcity/meetings/demo_rooms.py: a demo module outside ipcity/demo/",
        "ipcity/protection/cases.py: refers to ipcity.demo but is not an entry point",
        "ipcity/protection/cases.py:2: seed_demo_cases is demo code outside ipcity/demo/",
        "ipcity/protection/cases.py:3: writes as the demo's actor",
        "ipcity/workspace/commands.py: refers to ipcity.demo but is not an entry point",
        "ipcity/workspace/commands.py:2: ws_seed_demo is demo code outside ipcity/demo/",
        "ipcity/cli.py: listed as a demo entry point but does not start the demo",
    ]
