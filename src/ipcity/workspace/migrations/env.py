"""Alembic environment: always run with a connection handed in by ``ipcity.workspace.db``."""

from __future__ import annotations

from alembic import context

from ipcity.workspace.all_models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable through a stray alembic CLI call
    raise RuntimeError("run migrations through ipcity.workspace.db.upgrade(), not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
