"""Reading the TOML files users pass (schemes, thresholds, definitions) with one-line errors."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from ipcity.errors import InputError


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """The document in ``path``; InputError naming ``what`` when missing or not TOML."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{what} not found: {path}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from exc


def package_toml(package: str, *parts: str) -> dict[str, Any]:
    """A TOML file shipped inside a package, e.g. ("ipcity.evaluation", "defaults", "x.toml")."""
    text = resources.files(package).joinpath(*parts).read_text(encoding="utf-8")
    return tomllib.loads(text)
