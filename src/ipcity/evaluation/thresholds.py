"""Thresholds of the mid-term classes: shipped defaults, a TOML file, or explicit values."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from ipcity.errors import InputError
from ipcity.evaluation.exact import exact
from ipcity.tomlfile import package_toml, read_toml

DEFAULT_FILE = "thresholds.toml"


@dataclass(frozen=True)
class Thresholds:
    """``ahead``: ratio at or above it is ahead of schedule; ``on_track``: at or above it (and
    below ``ahead``) broadly on track; below ``on_track``: lagging."""

    ahead: Fraction = Fraction(105, 100)
    on_track: Fraction = Fraction(95, 100)

    def __post_init__(self) -> None:
        if not (0 < self.on_track <= self.ahead):
            raise InputError(
                f"thresholds must satisfy 0 < on_track <= ahead "
                f"(got on_track={float(self.on_track)}, ahead={float(self.ahead)})"
            )

    def as_dict(self) -> dict[str, float]:
        return {"ahead": float(self.ahead), "on_track": float(self.on_track)}


def _from_mapping(doc: dict[str, Any], origin: str, base: Thresholds) -> Thresholds:
    section = doc.get("midterm", {})
    if not isinstance(section, dict):
        raise InputError(f"{origin}: [midterm] must be a table")
    unknown = set(section) - {"ahead", "on_track"}
    if unknown:
        raise InputError(f"{origin}: unknown key(s) in [midterm]: {', '.join(sorted(unknown))}")
    values: dict[str, Fraction] = {}
    for key in ("ahead", "on_track"):
        if key in section:
            raw = section[key]
            if not isinstance(raw, int | float) or isinstance(raw, bool):
                raise InputError(f"{origin}: midterm.{key} must be a number, not {raw!r}")
            values[key] = exact(raw)
    return Thresholds(
        ahead=values.get("ahead", base.ahead), on_track=values.get("on_track", base.on_track)
    )


def default_thresholds() -> Thresholds:
    """The shipped defaults (ahead 1.05, on track 0.95), read from defaults/thresholds.toml."""
    doc = package_toml("ipcity.evaluation", "defaults", DEFAULT_FILE)
    return _from_mapping(doc, "default thresholds", Thresholds())


def load_thresholds(
    path: Path | None = None, *, ahead: float | None = None, on_track: float | None = None
) -> Thresholds:
    """Defaults, overridden by a TOML file's [midterm] table, overridden by explicit values."""
    t = default_thresholds()
    if path is not None:
        t = _from_mapping(read_toml(path, "thresholds file"), str(path), t)
    return Thresholds(
        ahead=exact(ahead) if ahead is not None else t.ahead,
        on_track=exact(on_track) if on_track is not None else t.on_track,
    )
