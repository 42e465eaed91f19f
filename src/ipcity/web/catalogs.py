"""Maintaining the UI catalogs: extract the msgids from the templates and the web code, add
new ones to the ``.po`` files (keeping every translation), and list what is missing.

    python -m ipcity.web.catalogs update                      # web/: into messages.po
    python -m ipcity.web.catalogs update --domain meetings \\
        --path src/ipcity/web/templates/meetings --path src/ipcity/web/pages/meetings.py
    python -m ipcity.web.catalogs check                       # exit 1 if anything is missing

``update`` without ``--domain`` writes to ``messages.po`` only the msgids that no other
catalog file (``<domain>.po``) already has, so an area keeps its strings in its own file.
Then translate the new ``msgstr ""`` entries of ``zh_CN`` (``en`` may stay empty: the English
msgid is shown). The app reads the ``.po`` files directly; there is nothing to compile.
"""

from __future__ import annotations

import argparse
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
    areas = sorted(
        {p.parts[-5] for p in PACKAGE_DIR.glob(f"*/locale/*/LC_MESSAGES/{KEYS_DOMAIN}.po")}
    )
    for area in areas:
        for key, (zh, en) in area_keys(area).items():
            if not zh:
                out["zh_CN"].append(f"{area}:{key}")
            if not en:
                out["en"].append(f"{area}:{key}")
            if zh and en and placeholders(zh) != placeholders(en):
                for locale in LOCALES:
                    out[locale].append(f"{area}:{key} (placeholders differ)")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ipcity.web.catalogs")
    sub = parser.add_subparsers(dest="cmd", required=True)
    up = sub.add_parser("update", help="add new msgids to the .po files")
    up.add_argument("--domain", default="messages")
    up.add_argument("--path", action="append", type=Path, default=None)
    sub.add_parser("check", help="list msgids missing from a catalog")
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
    return 1 if any(gaps.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
