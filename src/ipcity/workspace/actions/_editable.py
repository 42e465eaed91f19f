"""The create and update of a row the office edits as a form (a plan, a goal, an indicator, a
work plan): permission, the fields, the row's own checks, then the write with its audit entry,
in the caller's transaction. Each kind says only what differs (:class:`Editable`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic

from sqlalchemy.orm import Session

from ipcity.workspace.actions._common import (
    Field,
    M,
    add_audited,
    assign,
    entity_name,
    flush_audited,
    load_for_update,
    parse_fields,
)
from ipcity.workspace.permissions import Actor, Cap, require

# (session, the parsed values, the row or None when creating): raise ValidationError if wrong.
Check = Callable[[Session, dict[str, Any], Any], None]
# (the parsed values, the row or None when creating): fill in defaults, after the checks.
Complete = Callable[[dict[str, Any], Any], None]


def _as_given(values: dict[str, Any], row: Any) -> None:
    """No defaults to fill in."""


@dataclass(frozen=True)
class Editable(Generic[M]):
    """One kind of row: its table, who may edit it, its fields and checks. ``action``: the
    audit action's prefix (``plan`` -> ``plan.create``, ``plan.update``); ``fixed``: fields
    given at creation only (a goal's plan); ``complete``: defaults filled in after the checks."""

    model: type[M]
    cap: Cap
    fields: Mapping[str, Field]
    check: Check
    action: str
    fixed: tuple[str, ...] = ()
    complete: Complete = _as_given

    def create(
        self, session: Session, actor: Actor, data: Mapping[str, Any], *, at: datetime | None = None
    ) -> M:
        """A new row from ``data``; ``at``: when its creation is recorded (None: now)."""
        require(actor, self.cap)
        values = parse_fields(data, self.fields, partial=False)
        self.check(session, values, None)
        self.complete(values, None)
        row = self.model(**{k: v for k, v in values.items() if v is not None})
        return add_audited(
            session, actor, row, f"{self.action}.create", entity_name(self.model), at=at
        )

    def update(
        self,
        session: Session,
        actor: Actor,
        row_id: int,
        *,
        expected_version: int,
        changes: Mapping[str, Any],
    ) -> M:
        require(actor, self.cap)
        row = load_for_update(session, self.model, row_id, expected_version)
        fields = {k: v for k, v in self.fields.items() if k not in self.fixed}
        values = parse_fields(changes, fields, partial=True)
        self.check(session, values, row)
        before = row.as_dict()
        self.complete(values, row)
        assign(row, values)
        entity = entity_name(self.model)
        flush_audited(session, actor, row, f"{self.action}.update", entity, before)
        return row
