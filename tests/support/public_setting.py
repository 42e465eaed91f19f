"""Tests that look at what anonymous visitors saw before the office's visibility setting
existed open it first (the default shows the public the portal only)."""

from __future__ import annotations

from ipcity.workspace.db import Database
from ipcity.workspace.permissions import system_actor
from ipcity.workspace.visibility import do_set_public_access


def open_to_public(db: Database) -> None:
    """Show anonymous visitors the published plans and work plans with their tasks."""
    with db.write() as s:
        do_set_public_access(s, system_actor("test"), "published")
