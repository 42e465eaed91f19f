"""Migration 0003_protection: the schema it builds is exactly the models (no autogenerate
difference) on SQLite and PostgreSQL, and it goes down and up again cleanly."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from ipcity.workspace import db as wsdb
from ipcity.workspace.all_models import Base
from ipcity.workspace.db import Database, current_revision, head_revision, open_db

TABLES = {"protection_cases", "protection_case_units", "protection_referrals"}


def test_head_matches_models(database: Database) -> None:
    with database.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []
    assert current_revision(database.engine) == head_revision()
    assert set(inspect(database.engine).get_table_names()) >= TABLES


def test_down_and_up(tmp_path: Path) -> None:
    db = open_db(f"sqlite:///{tmp_path / 'ws.sqlite'}")
    cfg = wsdb._alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002_meetings_portal")
    assert not TABLES & set(inspect(db.engine).get_table_names())
    assert current_revision(db.engine) == "0002_meetings_portal"
    wsdb.upgrade(db.engine)
    assert set(inspect(db.engine).get_table_names()) >= TABLES
    db.dispose()
