"""Where ipcity keeps its data. One place, so CLI, web app and tests agree."""

from __future__ import annotations

import os
from pathlib import Path

WAREHOUSE_ENV = "IPCITY_WAREHOUSE"
DB_ENV = "IPCITY_DB"
DEFAULT_WAREHOUSE = "ipcity-data"

# How the city publishes per-10,000-people figures: over the previous year-end population
# (Shanghai's 40.9 for 2022 = 101,800 / 24,894,300 end-2021 residents). Workspace actuals,
# evaluation and reports use it; ``ipcity indicators`` keeps the engine default (0) unless
# ``--population-lag`` is given.
PUBLISHED_POPULATION_LAG = 1


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
