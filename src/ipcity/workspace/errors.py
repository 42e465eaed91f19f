"""Typed errors of the workspace service layer.

Each carries a message ``key`` and ``params`` (see messages.py) and an ``http_status`` the web
layer maps to a response: PermissionDenied 403, NotFound 404, StaleVersion 409,
InvalidTransition 409, ValidationError 422 (ImportRejected too), LoginFailed 401,
LoginLocked 429, TokenInvalid 401. ``str(exc)`` is one English line (the CLI prints it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ipcity.errors import IpcityError
from ipcity.workspace.messages import known, render


def entity_label(entity: str, locale: str) -> str:
    """``"meeting_material"`` -> 会议材料 / meeting material (unknown: 记录 / record)."""
    key = f"entity.{entity}"
    return render(key if known(key) else "entity.record", None, locale)


def _choices(field: str, choices: str, locale: str) -> str:
    """ "office_admin, unit_editor" -> "联席办管理员、成员单位填报员" where the codes have words
    (``<field>.<code>`` message keys, e.g. ``role.leader``)."""
    codes = [c.strip() for c in choices.split(",")]
    if not all(known(f"{field}.{c}") for c in codes):
        return choices
    sep = "、" if locale.startswith("zh") else ", "
    return sep.join(render(f"{field}.{c}", None, locale) for c in codes)


class WorkspaceError(IpcityError):
    """Base of every workspace error."""

    http_status = 400
    key = "error.validation"

    def __init__(self, params: dict[str, Any] | None = None) -> None:
        self.params: dict[str, Any] = dict(params or {})
        super().__init__(self.message("en"))

    def message(self, locale: str = "zh") -> str:
        params = dict(self.params)
        if "entity" in params:  # the record's name in the reader's language, not the table's
            params["entity"] = entity_label(str(params["entity"]), locale)
        return render(self.key, params, locale)

    def as_dict(self, locale: str = "zh") -> dict[str, Any]:
        """JSON body for an API error response."""
        return {"error": self.key, "params": self.params, "message": self.message(locale)}


class PermissionDenied(WorkspaceError):
    http_status = 403
    key = "error.permission_denied"

    def __init__(self, action: str) -> None:
        self.action = action
        super().__init__({"action": action})


class NotFound(WorkspaceError):
    http_status = 404
    key = "error.not_found"

    def __init__(self, entity: str, entity_id: object) -> None:
        self.entity = entity
        self.entity_id = entity_id
        super().__init__({"entity": entity, "id": entity_id})
        # the CLI's one line (str(exc)) names the record: its reader is an administrator
        self.args = (f"{entity} {entity_id} does not exist",)


class StaleVersion(WorkspaceError):
    """The update was based on an older version; ``current`` is the row as it is now."""

    http_status = 409
    key = "error.stale_version"

    def __init__(
        self,
        entity: str,
        entity_id: object,
        *,
        expected_version: int | None,
        current_version: int,
        current: dict[str, Any],
    ) -> None:
        self.entity = entity
        self.entity_id = entity_id
        self.expected_version = expected_version
        self.current_version = current_version
        self.current = current
        super().__init__(
            {
                "entity": entity,
                "id": entity_id,
                "expected_version": expected_version,
                "current_version": current_version,
            }
        )

    def as_dict(self, locale: str = "zh") -> dict[str, Any]:
        body = super().as_dict(locale)
        body["current_version"] = self.current_version
        body["current"] = self.current
        return body


class InvalidTransition(WorkspaceError):
    """A workflow step that the current state does not allow (e.g. accepting a draft)."""

    http_status = 409
    key = "error.invalid_transition"

    def __init__(self, state: str, transition: str) -> None:
        self.state = state
        self.transition = transition
        super().__init__({"state": state, "transition": transition})


@dataclass(frozen=True)
class FieldError:
    """One invalid field: ``field`` name, message ``key`` and ``params``."""

    field: str
    key: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def message(self, locale: str = "zh") -> str:
        params = dict(self.params)
        if "entity" in params:  # the record's name in the reader's language, not the table's
            params["entity"] = entity_label(str(params["entity"]), locale)
        if self.key == "field.invalid_choice" and isinstance(params.get("choices"), str):
            params["choices"] = _choices(self.field, params["choices"], locale)
        return render(self.key, params, locale)

    def label(self, locale: str = "zh") -> str:
        return field_label(self.field, locale)

    def as_dict(self, locale: str = "zh") -> dict[str, Any]:
        return {
            "field": self.field,
            "error": self.key,
            "params": self.params,
            "message": self.message(locale),
        }


class ValidationError(WorkspaceError):
    http_status = 422
    key = "error.validation"

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = list(errors)
        details = "; ".join(f"{e.field}: {e.message('en')}" for e in self.errors)
        super().__init__({"details": details})

    def message(self, locale: str = "zh") -> str:
        sep = "；" if locale.startswith("zh") else "; "
        details = sep.join(_field_detail(e, locale) for e in self.errors)
        return render(self.key, {"details": details}, locale)

    def as_dict(self, locale: str = "zh") -> dict[str, Any]:
        body = super().as_dict(locale)
        body["errors"] = [e.as_dict(locale) for e in self.errors]
        return body


def field_label(field: str, locale: str) -> str:
    """The name of ``field`` in the reader's language ("" for a field without a known name:
    a nested or technical one, whose code name a reader must never see)."""
    key = f"fieldname.{field}"
    return render(key, None, locale) if known(key) else ""


def labelled(field: str, text: str, locale: str) -> str:
    """ "审核意见：必填" / "comment: required"; the message alone for a field without a name."""
    label = field_label(field, locale)
    if not label:
        return text
    return label + ("：" if locale.startswith("zh") else ": ") + text


def _field_detail(error: FieldError, locale: str) -> str:
    return labelled(error.field, error.message(locale), locale)


def invalid(field_name: str, key: str, **params: Any) -> ValidationError:
    """Shorthand: a ValidationError with one field error."""
    return ValidationError([FieldError(field_name, key, params)])


@dataclass(frozen=True)
class RowError:
    """One problem in an imported sheet: 1-based sheet ``row`` (as Excel shows it), column."""

    row: int
    column: str
    key: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    seq: str = ""  # the row's 序号 as written, when the sheet has one (users cite it)

    def message(self, locale: str = "zh") -> str:
        params = dict(self.params)
        if "entity" in params:  # the record's name in the reader's language, not the table's
            params["entity"] = entity_label(str(params["entity"]), locale)
        return render(self.key, params, locale)

    def as_dict(self, locale: str = "zh") -> dict[str, Any]:
        return {
            "row": self.row,
            "seq": self.seq,
            "column": self.column,
            "error": self.key,
            "params": self.params,
            "message": self.message(locale),
        }


class ImportRejected(ValidationError):
    """An import with at least one bad row: nothing was written; ``row_errors`` lists them all."""

    key = "error.import_rejected"

    def __init__(self, row_errors: Sequence[RowError]) -> None:
        self.row_errors = list(row_errors)
        self.errors = [FieldError(f"row {e.row} {e.column}", e.key, e.params) for e in row_errors]
        WorkspaceError.__init__(self, {"count": len(self.row_errors)})

    def message(self, locale: str = "zh") -> str:
        head = render(self.key, {"count": len(self.row_errors)}, locale)
        first = self.row_errors[:3]
        tail = "; ".join(f"{e.row}/{e.column}: {e.message(locale)}" for e in first)
        return f"{head} ({tail}{' ...' if len(self.row_errors) > 3 else ''})"

    def as_dict(self, locale: str = "zh") -> dict[str, Any]:
        body = WorkspaceError.as_dict(self, locale)
        body["row_errors"] = [e.as_dict(locale) for e in self.row_errors]
        return body


class AuthError(WorkspaceError):
    http_status = 401


class LoginRequired(AuthError):
    """Only signed-in users may see this (the office keeps supervision data internal)."""

    key = "error.login_required"

    def __init__(self) -> None:
        super().__init__({})


class LoginFailed(AuthError):
    key = "error.login_failed"

    def __init__(self) -> None:
        super().__init__({})


class UserInactive(AuthError):
    key = "error.user_inactive"

    def __init__(self) -> None:
        super().__init__({})


class LoginLocked(AuthError):
    """Too many failed attempts; ``retry_after`` seconds until the next try is accepted."""

    http_status = 429
    key = "error.login_locked"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__({"minutes": max(1, -(-retry_after // 60))})


class TokenInvalid(AuthError):
    key = "error.token_invalid"

    def __init__(self) -> None:
        super().__init__({})


class TokenExpired(TokenInvalid):
    key = "error.token_expired"


class NoWarehouse(WorkspaceError):
    """Computed actuals were asked for but there is no warehouse or indicator engine."""

    http_status = 503
    key = "error.no_warehouse"

    def __init__(self, detail: str) -> None:
        super().__init__({"detail": detail})
