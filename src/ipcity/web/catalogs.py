"""Maintaining the UI catalogs: extract the msgids from the templates and the web code, add
new ones to the ``.po`` files (keeping every translation), and list what is missing.

    python -m ipcity.web.catalogs update                      # web/: into messages.po
    python -m ipcity.web.catalogs update --domain meetings \\
        --path src/ipcity/web/templates/meetings --path src/ipcity/web/pages/meetings.py
    python -m ipcity.web.catalogs check                       # exit 1 if anything is missing
                                                              # or a message key is unused

``update`` without ``--domain`` writes to ``messages.po`` only the msgids that no other
catalog file (``<domain>.po``) already has, so an area keeps its strings in its own file.
Then translate the new ``msgstr ""`` entries of ``zh_CN`` (``en`` may stay empty: the English
msgid is shown). The app reads the ``.po`` files directly; there is nothing to compile.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from ipcity.i18n import KEYS_DOMAIN, PACKAGE_DIR, area_keys, placeholders
from ipcity.layers import LAYERS
from ipcity.web.i18n import LOCALES, WEB_LOCALE_DIR, catalog_files, load_catalog

WEB_DIR = Path(__file__).resolve().parent
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "false"}
MsgId = str | tuple[str, str]


def _files(paths: Iterable[Path]) -> Iterator[Path]:
    for p in paths:
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.suffix in (".py", ".html"))
        elif p.suffix in (".py", ".html"):
            yield p


def extract(paths: Iterable[Path] | None = None) -> dict[MsgId, list[tuple[str, int]]]:
    """msgid (or (singular, plural)) -> where it is used."""
    found: dict[MsgId, list[tuple[str, int]]] = {}
    for f in _files(paths if paths is not None else [WEB_DIR]):
        if f.name == "catalogs.py":
            continue
        method = "jinja2.ext:babel_extract" if f.suffix == ".html" else "python"
        options = JINJA_OPTIONS if f.suffix == ".html" else {}
        for lineno, message, _comments, _context in extract_from_file(
            method, str(f), keywords=KEYWORDS, options=options
        ):
            key: MsgId = message if isinstance(message, str) else (message[0], message[1])
            if not key or (isinstance(key, tuple) and not key[0]):
                continue
            rel = (
                str(f.relative_to(WEB_DIR.parent.parent))
                if WEB_DIR.parent.parent in f.parents
                else str(f)
            )
            found.setdefault(key, []).append((rel, lineno))
    return found


def _po_path(locale: str, domain: str) -> Path:
    return WEB_LOCALE_DIR / locale / "LC_MESSAGES" / f"{domain}.po"


def _read(path: Path, locale: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=locale, project="ipcity", fuzzy=False)
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _other_ids(locale: str, domain: str) -> set[MsgId]:
    ids: set[MsgId] = set()
    for path in catalog_files(locale):
        if path == _po_path(locale, domain):
            continue
        for m in _read(path, locale):
            if m.id:
                ids.add(m.id if isinstance(m.id, str) else (m.id[0], m.id[1]))
    return ids


def update(domain: str = "messages", paths: Iterable[Path] | None = None) -> dict[str, int]:
    """Add the extracted msgids to ``<domain>.po`` of every locale; returns how many were
    added per locale. Entries no longer used are kept only in other domains' files: in the
    given domain they are dropped (so the file holds what the code uses)."""
    messages = extract(paths)
    added: dict[str, int] = {}
    for locale in LOCALES:
        path = _po_path(locale, domain)
        old = _read(path, locale)
        skip = _other_ids(locale, domain) if domain == "messages" else set()
        new = Catalog(locale=locale, project="ipcity", fuzzy=False)
        new.creation_date = old.creation_date  # no churn in the header on every run
        count = 0
        for key, locations in sorted(messages.items(), key=lambda kv: str(kv[0])):
            if key in skip:
                continue
            prev = old.get(key)
            string = prev.string if prev is not None else ("" if isinstance(key, str) else ("", ""))
            if prev is None:
                count += 1
            flags = {"python-format"} if "%(" in str(key) else set()
            new.add(key, string, locations=locations, flags=flags)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, new, width=100, sort_output=True, include_previous=False, no_location=True)
        added[locale] = count
    return added


def missing(paths: Iterable[Path] | None = None) -> dict[str, list[MsgId]]:
    """Extracted msgids absent from a locale's merged catalogs (zh_CN: or untranslated)."""
    messages = extract(paths)
    out: dict[str, list[MsgId]] = {}
    for locale in LOCALES:
        cat = load_catalog(locale)
        gaps: list[MsgId] = []
        for key in messages:
            if isinstance(key, str):
                present = key in cat.singular
                translated = bool(cat.singular.get(key))
            else:
                present = key in cat.plural
                translated = all(cat.plural.get(key, ()))
            if not present or (locale != "en" and not translated):
                gaps.append(key)
        out[locale] = sorted(gaps, key=str)
    return out


KEY_KEYWORDS = {"render": None, "msg": None, "msg_marked": None, "has_key": None, "known": None}
KEY_SHAPE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")


def used_keys(paths: Iterable[Path] | None = None) -> dict[str, list[tuple[str, int]]]:
    """Message keys written literally in the code and templates (the first argument of
    ``render``/``msg``/``msg_marked``/``has_key``/``known``), found by Babel's extractor (the one
    ``pybabel extract`` runs) -> where they are used. Keys built at run time
    (``f"status.{s}"``) are checked by each area's tests."""
    found: dict[str, list[tuple[str, int]]] = {}
    for f in _files(paths if paths is not None else [PACKAGE_DIR]):
        if "locale" in f.parts or f.name == "catalogs.py":
            continue
        method = "jinja2.ext:babel_extract" if f.suffix == ".html" else "python"
        options = JINJA_OPTIONS if f.suffix == ".html" else {}
        with contextlib.redirect_stderr(io.StringIO()):  # Babel warns on render("") etc.
            extracted = extract_from_file(method, str(f), keywords=KEY_KEYWORDS, options=options)
        for lineno, message, _comments, _context in extracted:
            if (
                isinstance(message, str)
                and KEY_SHAPE.fullmatch(message)
                and message.rsplit(".", 1)[1] not in ("html", "txt", "xml", "json")
            ):
                found.setdefault(message, []).append((str(f), lineno))
    return found


def key_gaps(paths: Iterable[Path] | None = None) -> dict[str, list[str]]:
    """Message keys used in the code but missing from the catalogs, and keys of the areas'
    ``keys.po`` that a language lacks, leaves empty, or whose ``{placeholders}`` differ between
    zh and en (reported under both locales)."""
    out: dict[str, list[str]] = {locale: [] for locale in LOCALES}
    used = sorted(used_keys(paths))
    for locale in LOCALES:
        cat = load_catalog(locale)
        for key in used:
            if not cat.singular.get(key):
                out[locale].append(f"{key} (used in the code)")
    for area in key_areas():
        for key, (zh, en) in area_keys(area).items():
            if not zh:
                out["zh_CN"].append(f"{area}:{key}")
            if not en:
                out["en"].append(f"{area}:{key}")
            if zh and en and placeholders(zh) != placeholders(en):
                for locale in LOCALES:
                    out[locale].append(f"{area}:{key} (placeholders differ)")
    return out


KEY_PREFIX = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\.")
_TEMPLATE_STRING = re.compile(r"""["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*\.?)["']""")
# ``label("meeting_status", s)`` (workspace.messages.label) and ``ml(...)`` in templates
# render ``<prefix>.<value>``.
LABEL_HELPERS = ("label", "ml")
_TEMPLATE_LABEL = re.compile(r"""\b(?:ml|label)\(\s*["']([a-z][a-z0-9_]*)["']""")


Pattern = tuple[str, str]  # (regex of keys built at run time, the area whose code builds them)


def _area_of(path: Path) -> str:
    """The area package of a source file ("" for the web layer and the top-level modules:
    they render every area's keys)."""
    try:
        parts = path.resolve().relative_to(PACKAGE_DIR).parts
    except ValueError:
        return ""
    return parts[0] if len(parts) > 1 and parts[0] != "web" else ""


def _key_like(text: str, area: str, names: set[str], patterns: set[Pattern]) -> None:
    if KEY_PREFIX.fullmatch(text):
        patterns.add((re.escape(text) + r"[a-z0-9_.]+", area))
    elif KEY_SHAPE.fullmatch(text):
        names.add(text)


def _fstring_pattern(node: ast.JoinedStr) -> str | None:
    """``f"{kind}_action.{name}"`` -> ``[a-z0-9_.]+_action\\.[a-z0-9_.]+``; None when its
    literal parts name no key segment (``f"{key}.{form}"``, a file name)."""
    parts: list[str] = []
    words = ""
    for v in node.values:
        if isinstance(v, ast.Constant) and isinstance(v.value, str):
            parts.append(re.escape(v.value))
            words += v.value
        else:
            parts.append(r"[a-z0-9_.]+")
    if not re.fullmatch(r"[a-z0-9_.]+", words) or not re.search(r"[a-z][a-z0-9_]*\.", words):
        return None
    return "".join(parts)


def referenced_keys(paths: Iterable[Path] | None = None) -> tuple[set[str], set[Pattern]]:
    """Every string of the code and templates that names a message key, found by reading the
    syntax (``ast``; a regex over the templates): (whole keys, patterns of keys built at run
    time, each with the area whose code builds them). A whole key is any literal shaped like
    one (``"report.decomposition.up"``, even when it is chosen before it reaches ``render``);
    a pattern comes from a literal prefix (``"status." + s``, ``"status." ~ s`` in a
    template), an f-string (``f"status.{s}"``, ``f"{kind}_action.{name}"``) or a label helper
    (``label("meeting_status", s)``, ``ml('publication_kind', k)``). A literal also names the
    keys below it (``"report.n_indicators"`` -> ``report.n_indicators.one``)."""
    names: set[str] = set()
    patterns: set[Pattern] = set()
    for f in _files(paths if paths is not None else [PACKAGE_DIR]):
        if "locale" in f.parts:
            continue
        area = _area_of(f)
        text = f.read_text(encoding="utf-8")
        if f.suffix == ".html":
            for m in _TEMPLATE_STRING.finditer(text):
                _key_like(m.group(1), area, names, patterns)
            for m in _TEMPLATE_LABEL.finditer(text):
                patterns.add((re.escape(m.group(1) + ".") + r"[a-z0-9_.]+", area))
            continue
        for node in ast.walk(ast.parse(text, filename=str(f))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                _key_like(node.value, area, names, patterns)
            elif isinstance(node, ast.JoinedStr):
                pattern = _fstring_pattern(node)
                if pattern:
                    patterns.add((pattern, area))
            elif isinstance(node, ast.Call) and node.args:
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                first = node.args[0]
                if (
                    name in LABEL_HELPERS
                    and isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                ):
                    patterns.add((re.escape(first.value + ".") + r"[a-z0-9_.]+", area))
    return names, patterns


def _rank(area: str) -> int:
    return next((i for i, layer in enumerate(LAYERS) if area in layer), len(LAYERS))


def _may_render(code_area: str, key_area: str) -> bool:
    """Whether code of ``code_area`` can build keys of ``key_area``: its own and those of the
    areas below it (ipcity.layers); the web layer and the top-level modules build any."""
    return code_area == "" or _rank(key_area) <= _rank(code_area)


def unused_keys(paths: Iterable[Path] | None = None) -> list[str]:
    """Keys of the areas' ``keys.po`` that nothing in the code or templates names: not
    literally, not as a family (``"report.n_indicators"``), and not by a pattern of keys built
    at run time in the code of the same area, of an area above it (ipcity.layers) or of the
    web layer (see :func:`referenced_keys`; ``f"report.{transition}"`` of the workspace does
    not cover the annual report's keys: the workspace sits below the reports).
    Dead wording to delete."""
    names, patterns = referenced_keys(paths)
    families = tuple(n + "." for n in names)
    out: list[str] = []
    for area in key_areas():
        mine = sorted(p for p, a in patterns if _may_render(a, area))
        built = re.compile("|".join(f"(?:{p})" for p in mine) or r"(?!)")
        for key in area_keys(area):
            if key not in names and not key.startswith(families) and not built.fullmatch(key):
                out.append(f"{area}:{key}")
    return sorted(out)


def key_areas() -> list[str]:
    """The areas with a message-key catalogue (``<area>/locale/*/LC_MESSAGES/keys.po``)."""
    return sorted(
        {p.parts[-5] for p in PACKAGE_DIR.glob(f"*/locale/*/LC_MESSAGES/{KEYS_DOMAIN}.po")}
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ipcity.web.catalogs")
    sub = parser.add_subparsers(dest="cmd", required=True)
    up = sub.add_parser("update", help="add new msgids to the .po files")
    up.add_argument("--domain", default="messages")
    up.add_argument("--path", action="append", type=Path, default=None)
    sub.add_parser("check", help="list msgids missing from a catalog, and unused message keys")
    args = parser.parse_args(argv)
    if args.cmd == "update":
        for locale, n in update(args.domain, args.path).items():
            sys.stdout.write(f"{locale}: {n} new\n")
        return 0
    gaps = missing()
    for locale, keys in key_gaps().items():
        gaps[locale] = [*gaps[locale], *keys]
    for locale, ids in gaps.items():
        for key in ids:
            sys.stdout.write(f"{locale}: missing {key!r}\n")
    unused = unused_keys()
    for key in unused:
        sys.stdout.write(f"unused {key!r} (no code names it: delete it from both languages)\n")
    return 1 if any(gaps.values()) or unused else 0


if __name__ == "__main__":
    sys.exit(main())
