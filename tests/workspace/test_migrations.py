"""The Alembic head matches the models (autogenerate finds no difference) on SQLite and
PostgreSQL; opening a database twice is harmless."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from ipcity.workspace.all_models import Base
from ipcity.workspace.db import Database, current_revision, head_revision, open_db


def test_head_matches_models(database: Database) -> None:
    with database.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []
    assert current_revision(database.engine) == head_revision()


def test_open_twice_and_explicit_no_upgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sub' / 'ws.sqlite'}"
    fresh = open_db(url, upgrade_schema=False)
    assert current_revision(fresh.engine) is None
    fresh.dispose()
    first = open_db(url)
    second = open_db(url)
    assert current_revision(second.engine) == head_revision()
    first.dispose()
    second.dispose()


def test_default_url_is_in_the_warehouse_dir(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("IPCITY_DB", raising=False)
    monkeypatch.setenv("IPCITY_WAREHOUSE", str(tmp_path / "wh"))
    db = open_db()
    assert db.url == f"sqlite:///{(tmp_path / 'wh' / 'workspace.sqlite').resolve()}"
    assert (tmp_path / "wh" / "workspace.sqlite").exists()
    db.dispose()
