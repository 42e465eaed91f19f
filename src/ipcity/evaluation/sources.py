"""Open the warehouse and the workspace for a command, with the same options everywhere:
``--warehouse DIR`` (else $IPCITY_WAREHOUSE, else ./ipcity-data) and ``--db URL`` (else
$IPCITY_DB, else workspace.sqlite in the warehouse directory)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from ipcity.errors import InputError, IpcityError
from ipcity.settings import warehouse_dir, workspace_db_url

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ipcity.warehouse.store import Warehouse


@dataclass
class Sources:
    warehouse: Warehouse | None
    session: Session | None
    notes: list[str] = field(default_factory=list)


def parse_date(value: str | None, option: str, default: date) -> date:
    if not value:
        return default
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{option} must be a date like 2023-06-30, not {value!r}") from None


def _sqlite_missing(url: str) -> Path | None:
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise IpcityError(f"not a database URL: {url!r} ({exc})") from exc
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    path = Path(parsed.database).expanduser()
    return None if path.exists() or parsed.database == ":memory:" else path


@contextlib.contextmanager
def open_sources(
    warehouse: Path | None,
    db: str | None,
    *,
    need_warehouse: bool,
    need_workspace: bool,
) -> Iterator[Sources]:
    """The warehouse (read-only) and a read session of the workspace. Whatever is not needed
    and not there is None, with a note saying so; what is needed and missing is an error."""
    from ipcity.warehouse.store import Warehouse

    src = Sources(None, None)
    with contextlib.ExitStack() as stack:
        directory = warehouse_dir(warehouse)
        try:
            src.warehouse = stack.enter_context(Warehouse(directory, read_only=True))
        except IpcityError:
            if need_warehouse or warehouse is not None:
                raise
            src.notes.append(f"no warehouse at {directory}: engine values not computed")
        url = workspace_db_url(db, directory)
        missing = _sqlite_missing(url)
        if missing is not None:
            if need_workspace:
                raise IpcityError(
                    f"no workspace database at {missing} (seed one with 'ipcity workspace "
                    "seed-demo' or use the web app, or pass --db URL)"
                )
            src.notes.append(f"no workspace database at {missing}: no plans or tasks")
        else:
            from ipcity.workspace.db import open_db

            database = open_db(url)
            stack.callback(database.dispose)
            src.session = stack.enter_context(database.read())
        yield src
