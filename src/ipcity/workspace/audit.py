"""The audit log: every write records who, when, what, and the entity before and after.

Actions call :func:`record` inside their transaction, so an entry exists exactly when the
change was committed. Office admins (and the system actor) can list and export the log.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ipcity.workspace.models import AuditEntry, record_now
from ipcity.workspace.permissions import Actor, Cap, require
from ipcity.workspace.tabular import csv_bytes

AUDIT_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "action",
    "entity",
    "entity_id",
    "before",
    "after",
)


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    at: datetime | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=at or record_now(),
        actor_id=actor.user_id,
        actor_name=actor.name,
        actor_role=actor.role.value,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=before,
        after=after,
    )
    session.add(entry)
    return entry


def list_audit(
    session: Session,
    viewer: Actor,
    *,
    entity: str | None = None,
    entity_id: object | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = 500,
    offset: int = 0,
) -> list[AuditEntry]:
    """Audit entries, newest first, filtered. Office admins only."""
    require(viewer, Cap.VIEW_AUDIT)
    stmt = select(AuditEntry)
    if entity is not None:
        stmt = stmt.where(AuditEntry.entity == entity)
    if entity_id is not None:
        stmt = stmt.where(AuditEntry.entity_id == str(entity_id))
    if actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == actor_id)
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEntry.at < until)
    stmt = stmt.order_by(AuditEntry.id.desc()).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def newest_actions(session: Session, viewer: Actor, limit: int) -> list[tuple[int, str]]:
    """``(id, action)`` of the newest ``limit`` entries, newest first: what a change stamp
    needs, without reading (and decoding) every entry's before and after. Office admins
    only, like :func:`list_audit`."""
    require(viewer, Cap.VIEW_AUDIT)
    stmt = select(AuditEntry.id, AuditEntry.action).order_by(AuditEntry.id.desc()).limit(limit)
    return [(entry_id, action) for entry_id, action in session.execute(stmt)]


def export_audit_csv(session: Session, viewer: Actor, **filters: Any) -> bytes:
    """The (filtered) log as UTF-8 CSV with a BOM so Excel opens it; before/after as JSON."""
    entries: Sequence[AuditEntry] = list_audit(session, viewer, limit=None, **filters)
    rows: list[list[Any]] = [list(AUDIT_COLUMNS)]
    for e in entries:
        d = e.as_dict()
        rows.append(
            [
                *(d[c] for c in AUDIT_COLUMNS[:8]),
                json.dumps(d["before"], ensure_ascii=False, sort_keys=True),
                json.dumps(d["after"], ensure_ascii=False, sort_keys=True),
            ]
        )
    return csv_bytes(rows)  # user text (titles, names) never becomes a formula
