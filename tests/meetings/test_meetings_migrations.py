"""Revision 0002_meetings_portal creates exactly the meetings and portal tables: autogenerate
finds no difference on SQLite and PostgreSQL, and it downgrades back to the workspace alone."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from ipcity.workspace import db as wsdb
from ipcity.workspace.all_models import Base
from ipcity.workspace.db import Database, current_revision, head_revision, open_db

MEETING_TABLES = {
    "meetings",
    "meeting_units",
    "meeting_agenda_items",
    "meeting_materials",
    "meeting_minutes",
    "meeting_decisions",
    "publications",
    "publication_files",
    "headline_snapshots",
    "headline_snapshot_values",
}


def test_head_matches_models(database: Database) -> None:
    with database.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
        tables = set(inspect(conn).get_table_names())
    assert diff == []
    assert tables >= MEETING_TABLES
    assert current_revision(database.engine) == head_revision()


def test_revision_chain() -> None:
    script = ScriptDirectory.from_config(wsdb._alembic_config())
    rev = script.get_revision("0002_meetings_portal")
    assert rev is not None
    assert rev.down_revision == "0001"


def _run(db: Database, fn: str, revision: str) -> None:
    cfg = wsdb._alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, fn)(cfg, revision)


def test_downgrade_and_upgrade_again(tmp_path: Path) -> None:
    db = open_db(f"sqlite:///{tmp_path / 'ws.sqlite'}")
    _run(db, "downgrade", "0001")
    with db.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    assert tables & MEETING_TABLES == set()
    assert {"tasks", "units", "evidence_blobs"} <= tables
    _run(db, "upgrade", "0002_meetings_portal")
    with db.engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) >= MEETING_TABLES
    db.dispose()
