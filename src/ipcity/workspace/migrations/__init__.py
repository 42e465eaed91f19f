"""Alembic migrations of the workspace database (run by ``ipcity.workspace.db``)."""
