"""The layer rules of docs/architecture.md, checked on the source with ``ast``.

- Each package of ``ipcity`` imports only the packages of a lower rank in
  :data:`ipcity.layers.LAYERS` (named exceptions in :data:`ipcity.layers.EXCEPTIONS`).
- The web layer only parses, calls and renders: it imports nothing of SQLAlchemy but the
  ``Session`` it passes on (and, in web/errors.py, the database errors it maps), calls no
  ``session.get/execute/scalars/query``, and tests no roles (permissions live in the domain).
- The JSON API never imports the pages.
- Imports inside ``ipcity`` run one way: the module-level imports form no circle, and no
  function-local import of a project module closes one (named exceptions in
  :data:`ipcity.layers.CIRCLE_BREAKERS`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from ipcity.layers import CIRCLE_BREAKERS, EXCEPTIONS, LAYERS, rank_of

SRC = Path(__file__).resolve().parents[1] / "src" / "ipcity"
WEB = SRC / "web"
ROLE_NAMES = {"office_admin", "unit_editor", "leader", "anonymous", "system"}
SESSION_QUERIES = {"get", "execute", "scalars", "scalar", "query"}


def _modules(root: Path) -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        name = ".".join(rel.parts).removesuffix(".__init__")
        yield name, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _imports(module: str, tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Every module named by an import statement (lazy ones inside functions included)."""
    package = module if module.count(".") == 0 else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield node.lineno, target
            for alias in node.names:  # ``from ipcity.web import pages`` names a module too
                yield node.lineno, f"{target}.{alias.name}"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(
    node: ast.AST, in_function: bool = False
) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Each import statement that runs, and whether it runs inside a function (only when called)
    or at import time (module level, class bodies, ``try``/``if`` blocks). ``if TYPE_CHECKING``
    blocks never run and are skipped."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield from _imports_in(other, in_function)
        else:
            yield from _imports_in(child, in_function)


def _imports_in(
    node: ast.AST, in_function: bool
) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node, in_function
    yield from _import_nodes(
        node, in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    )


def _import_graph() -> tuple[dict[str, set[str]], list[tuple[str, int, str]]]:
    """The imports between the modules of ``ipcity``: module -> the modules it imports at import
    time, and every function-local import as (module, line, imported module).

    ``from ipcity.web import pages`` names the module ``ipcity.web.pages``; ``from ipcity.web.i18n
    import gettext`` the module ``ipcity.web.i18n``. The parent packages a dotted name implies are
    not counted: Python has them under way before it runs the child."""
    trees = dict(_modules(SRC))
    module_level: dict[str, set[str]] = {m: set() for m in trees}
    local: list[tuple[str, int, str]] = []
    for module, tree in trees.items():
        is_package = (SRC.parent / module.replace(".", "/") / "__init__.py").exists()
        package = module.split(".") if is_package else module.split(".")[:-1]
        for node, in_function in _import_nodes(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    parts = package[: len(package) - node.level + 1]
                    base = ".".join([*parts, node.module] if node.module else parts)
                targets = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in trees else base for a in node.names
                ]
            for target in targets:
                if target not in trees or target == module:
                    continue
                if in_function:
                    local.append((module, node.lineno, target))
                else:
                    module_level[module].add(target)
    return module_level, local


def _path(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """A chain of imports from ``start`` to ``goal`` (both included), or None."""
    came_from: dict[str, str] = {start: start}
    todo = [start]
    while todo:
        here = todo.pop()
        if here == goal:
            chain = [goal]
            while chain[-1] != start:
                chain.append(came_from[chain[-1]])
            return chain[::-1]
        for there in sorted(graph.get(here, ())):
            if there not in came_from:
                came_from[there] = here
                todo.append(there)
    return None


def _circles(module_level: dict[str, set[str]]) -> set[str]:
    """Each circle of module-level imports, once from each module on it."""
    found = set()
    for module, imported in module_level.items():
        for target in imported:
            chain = _path(module_level, target, module)
            if chain is not None:
                found.add(" -> ".join([module, *chain]))
    return found


def _hidden_circles(
    module_level: dict[str, set[str]], local: list[tuple[str, int, str]]
) -> dict[str, str]:
    """For each function-local import that closes a circle, keyed ``"module -> imported
    module"``: where it is and the chain back. A circle may run through several function-local
    imports: all imports count."""
    every = {module: set(imported) for module, imported in module_level.items()}
    for module, _line, target in local:
        every.setdefault(module, set()).add(target)
    lines: dict[tuple[str, str], list[int]] = {}
    for module, line, target in sorted(local):
        lines.setdefault((module, target), []).append(line)
    found: dict[str, str] = {}
    for (module, target), at in lines.items():
        chain = _path(every, target, module)
        if chain is not None:
            where = f"{module}:{','.join(map(str, at))}"
            found[f"{module} -> {target}"] = f"{where}, back: " + " -> ".join(chain)
    return found


def test_module_level_imports_form_no_circle() -> None:
    circles = _circles(_import_graph()[0])
    assert not circles, "import circles (move the shared piece down):\n" + "\n".join(
        sorted(circles)
    )


def test_no_function_local_import_closes_a_circle() -> None:
    """A function-local import of a project module may save start-up time; it may not hide an
    import circle (it would fail once moved to the top, and the modules no longer run one way).
    """
    hidden = _hidden_circles(*_import_graph())
    new = sorted(where for key, where in hidden.items() if key not in CIRCLE_BREAKERS)
    assert not new, "function-local imports that hide a circle:\n" + "\n".join(new)
    gone = set(CIRCLE_BREAKERS) - set(hidden)
    assert not gone, f"CIRCLE_BREAKERS no longer needed: {gone}"


def test_the_circle_checks_find_circles() -> None:
    """The two checks on small graphs: a circle at module level, one hidden in a function (also
    through two function-local imports), and a function-local import that closes none."""
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == {
        "a -> b -> c -> a",
        "b -> c -> a -> b",
        "c -> a -> b -> c",
    }
    assert not _circles({"a": {"b"}, "b": set()})
    assert set(_hidden_circles({"a": {"b"}, "b": set()}, [("b", 7, "a")])) == {"b -> a"}
    two = _hidden_circles({"a": set(), "b": set()}, [("a", 3, "b"), ("b", 5, "a")])
    assert set(two) == {"a -> b", "b -> a"}
    assert not _hidden_circles({"cli": set(), "area": set()}, [("cli", 9, "area")])


def test_the_import_graph_reads_the_code_right() -> None:
    """Function bodies (nested classes included) run when called; the module body, class
    bodies and ``try``/``if`` blocks at import time; ``if TYPE_CHECKING`` blocks never."""
    code = """
from typing import TYPE_CHECKING
import a
if TYPE_CHECKING:
    import b
else:
    import c
class K:
    import d
    def method(self):
        import e
def f():
    import g
    class L:
        import h
try:
    import i
except ImportError:
    pass
"""
    found = [
        (node.names[0].name, in_function)
        for node, in_function in _import_nodes(ast.parse(code))
        if node.names[0].name != "TYPE_CHECKING"
    ]
    assert found == [
        ("a", False),
        ("c", False),
        ("d", False),
        ("e", True),
        ("g", True),
        ("h", True),
        ("i", False),
    ]
    module_level, local = _import_graph()
    assert {"ipcity.web.security", "ipcity.web.i18n"} <= module_level["ipcity.web.templating"]
    # from ipcity.workspace import auth_sessions: the module, not the package
    assert "ipcity.workspace.auth_sessions" in module_level["ipcity.web.security"]
    assert ("ipcity.clidoc", "ipcity.cli") in {(m, t) for m, _line, t in local}


def _top(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if parts[0] == "ipcity" and len(parts) > 1 else None


def test_every_package_is_in_the_layer_list() -> None:
    for path in SRC.iterdir():
        if path.name.startswith(("_", ".")) or path.suffix not in {".py", ""}:
            continue
        if path.is_dir() and not (path / "__init__.py").exists():
            continue
        assert rank_of(path.stem) >= 0, path  # KeyError names the missing one


def test_each_layer_imports_only_the_layers_below() -> None:
    wrong: list[str] = []
    used: set[str] = set()
    for module, tree in _modules(SRC):
        own = _top(module)
        if own is None:
            continue
        for line, target in _imports(module, tree):
            other = _top(target)
            if (
                other is None
                or other == own
                or (not (SRC / other).exists() and not (SRC / f"{other}.py").exists())
            ):
                continue
            if rank_of(other) < rank_of(own):
                continue
            key = f"{module} -> {other}"
            if key in EXCEPTIONS:
                used.add(key)
                continue
            wrong.append(f"{module}:{line} imports ipcity.{other}")
    assert not wrong, "imports against ipcity/layers.py:\n" + "\n".join(sorted(set(wrong)))
    assert used == set(EXCEPTIONS), f"exceptions no longer needed: {set(EXCEPTIONS) - used}"


def _sqlalchemy_uses(module: str, tree: ast.Module) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [(a.name, "") for a in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [(node.module or "", a.name) for a in node.names]
        else:
            continue
        for mod, name in names:
            if mod.split(".")[0] != "sqlalchemy":
                continue
            if (mod, name) == ("sqlalchemy.orm", "Session"):
                continue  # the transaction handle a page passes on to the domain
            if module == "ipcity.web.errors" and mod in {"sqlalchemy.exc", "sqlalchemy.orm.exc"}:
                continue  # maps database errors to answers
            yield f"{module}:{node.lineno} imports {mod} {name}".rstrip()


def _session_queries(module: str, tree: ast.Module) -> Iterator[str]:
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner, method = node.func.value, node.func.attr
        is_session = (isinstance(owner, ast.Name) and owner.id in {"session", "db_session"}) or (
            isinstance(owner, ast.Attribute)
            and owner.attr == "session"
            and not (isinstance(owner.value, ast.Name) and owner.value.id == "request")
        )
        if not is_session or method not in SESSION_QUERIES:
            continue
        first = node.args[0] if node.args else None
        if method == "get" and isinstance(first, ast.Constant) and isinstance(first.value, str):
            continue  # the Starlette session dict (cookie), not the database
        yield f"{module}:{node.lineno} calls session.{method}"


def _role_tests(module: str, tree: ast.Module) -> Iterator[str]:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "Role"
        ):
            yield f"{module}:{node.lineno} uses Role.{node.attr}"
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            on_role = any(isinstance(s, ast.Attribute) and s.attr == "role" for s in sides)
            names_role = any(
                isinstance(s, ast.Constant) and s.value in ROLE_NAMES for s in ast.walk(node)
            )
            if on_role and names_role:
                yield f"{module}:{node.lineno} compares a role"


@pytest.mark.parametrize("rule", [_sqlalchemy_uses, _session_queries, _role_tests])
def test_the_web_layer_only_parses_calls_and_renders(rule: object) -> None:
    assert callable(rule)
    found = [hit for module, tree in _modules(WEB) for hit in rule(module, tree)]
    assert not found, "\n".join(found)


def test_the_api_does_not_import_the_pages() -> None:
    found = [
        f"{module}:{line} imports {target}"
        for module, tree in _modules(WEB / "api")
        for line, target in _imports(module, tree)
        if target == "ipcity.web.pages" or target.startswith("ipcity.web.pages.")
    ]
    assert not found, "\n".join(found)


def test_the_layer_list_names_each_package_once() -> None:
    names = [name for layer in LAYERS for name in layer]
    assert len(names) == len(set(names))


def test_no_handler_passes_its_locals_on() -> None:
    found = [
        f"{module}:{node.lineno}"
        for module, tree in _modules(WEB)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "locals"
    ]
    assert not found, "typed form models instead of locals(): " + ", ".join(found)


def test_page_forms_are_built_on_the_api_schemas() -> None:
    from ipcity.web.schemas import protection as s

    assert set(s.CaseCreateForm.model_fields) <= set(s.CaseCreate.model_fields)
    assert set(s.CaseEditForm.model_fields) <= set(s.CaseUpdate.model_fields)
