"""What anonymous visitors see: an office setting, kept in the ``settings`` table.

- ``portal`` (the default): the public portal only. Supervision data (plans and work plans,
  task statuses, overdue lists, unit pages, the task API and the exports) needs a login.
- ``published``: also the published plans and work plans with their tasks' statuses (the
  behaviour before the setting existed).

Decisions of a meeting (meetings are never public) create tasks that stay internal until the
office publishes the decision, whatever this setting says (see ``Task.internal``).
"""

from __future__ import annotations

import enum

from sqlalchemy.orm import Session

from ipcity.workspace import audit
from ipcity.workspace.errors import FieldError, LoginRequired, ValidationError
from ipcity.workspace.models import Setting
from ipcity.workspace.permissions import Actor, Cap, require

SETTING_KEY = "public_access"


class PublicAccess(enum.StrEnum):
    PORTAL = "portal"
    PUBLISHED = "published"


DEFAULT = PublicAccess.PORTAL


def public_access(session: Session) -> PublicAccess:
    """The current setting (the default when unset or unreadable)."""
    row = session.get(Setting, SETTING_KEY)
    try:
        return PublicAccess(row.value) if row is not None else DEFAULT
    except ValueError:
        return DEFAULT


def require_supervision_view(session: Session, actor: Actor) -> None:
    """Raise LoginRequired when an anonymous visitor asks for supervision data while the
    office shows the public the portal only."""
    if not actor.is_authenticated and public_access(session) is PublicAccess.PORTAL:
        raise LoginRequired()


def do_set_public_access(session: Session, actor: Actor, value: str) -> PublicAccess:
    """The office sets what anonymous visitors see (audited as ``settings.public_access``)."""
    require(actor, Cap.MANAGE_SETTINGS)
    try:
        new = PublicAccess(str(value).strip())
    except ValueError:
        choices = ", ".join(a.value for a in PublicAccess)
        raise ValidationError(
            [FieldError("public_access", "field.invalid_choice", {"choices": choices})]
        ) from None
    old = public_access(session)
    row = session.get(Setting, SETTING_KEY)
    if row is None:
        session.add(Setting(key=SETTING_KEY, value=new.value))
    else:
        row.value = new.value
    session.flush()
    audit.record(
        session,
        actor,
        "settings.public_access",
        "setting",
        SETTING_KEY,
        before={"public_access": old.value},
        after={"public_access": new.value},
    )
    return new
