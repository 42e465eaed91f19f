"""Where ipcity keeps its data. One place, so CLI, web app and tests agree."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ipcity.errors import InputError

WAREHOUSE_ENV = "IPCITY_WAREHOUSE"
DB_ENV = "IPCITY_DB"
DEFAULT_WAREHOUSE = "ipcity-data"

# Population lag of the per-10,000-people figures, per region (GB/T 2260 code or country):
# 0 = the NBS definition (population at the end of the same year); 1 = the previous year-end.
# Shanghai publishes over the previous year-end population (40.9 for 2022 = 101,800 /
# 24,894,300 end-2021 residents). Every caller (CLI, API, workspace, evaluation, reports,
# portal) reads the lag from ``population_lag`` below; IPCITY_POPULATION_LAG adds or overrides
# entries ("310000=1,440300=0").
POPULATION_LAG_ENV = "IPCITY_POPULATION_LAG"
# The office of the official figures the workspace, evaluation, reports and portal show: CNIPA
# records only, as the official CN statistics count them.
REPORTING_OFFICE = "CN"
DEFAULT_POPULATION_LAG = 0
SHIPPED_POPULATION_LAGS: dict[str, int] = {"310000": 1}
_LAG_ENTRY = re.compile(r"^([0-9]{6}|[A-Z]{2}|ALL)=([01])$")


def population_lags() -> dict[str, int]:
    """The configured lag of every region that does not use the default (0)."""
    lags = dict(SHIPPED_POPULATION_LAGS)
    text = os.environ.get(POPULATION_LAG_ENV, "")
    for raw in text.split(","):
        item = "".join(raw.split()).upper()
        if not item:
            continue
        m = _LAG_ENTRY.match(item)
        if not m:
            raise InputError(
                f"{POPULATION_LAG_ENV}: '{raw.strip()}' is not REGION=LAG (a six-digit GB/T 2260 "
                "code or a country code, and 0 or 1), e.g. 310000=1"
            )
        lags[m.group(1)] = int(m.group(2))
    return lags


def population_lag(region: str) -> int:
    """The lag a region's per-10,000 figures use: its own entry, else 0 (NBS definition).
    A district does not inherit its province's entry: each published series is set alone."""
    return population_lags().get(str(region).strip().upper(), DEFAULT_POPULATION_LAG)


def warehouse_dir(explicit: str | Path | None = None) -> Path:
    """The warehouse directory: --warehouse, else $IPCITY_WAREHOUSE, else ./ipcity-data."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(WAREHOUSE_ENV)
    return Path(env).expanduser() if env else Path.cwd() / DEFAULT_WAREHOUSE


def workspace_db_url(explicit: str | None = None, warehouse: Path | None = None) -> str:
    """The workspace database: --db, else $IPCITY_DB, else a SQLite file in the warehouse dir."""
    if explicit:
        return explicit
    env = os.environ.get(DB_ENV)
    if env:
        return env
    wh = warehouse or warehouse_dir()
    return f"sqlite:///{(wh / 'workspace.sqlite').resolve()}"
