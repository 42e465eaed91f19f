"""Helpers shared by the actions: loading rows for update, version checks, field validation."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from ipcity.workspace import audit
from ipcity.workspace.errors import FieldError, NotFound, StaleVersion, ValidationError
from ipcity.workspace.permissions import Actor


class Recorded(Protocol):
    """A row the audit trail can record: its id and its fields."""

    id: Any

    def as_dict(self) -> dict[str, Any]: ...


class Versioned(Recorded, Protocol):
    version: int


M = TypeVar("M", bound=Versioned)
R = TypeVar("R", bound=Recorded)


def add_audited(
    session: Session,
    actor: Actor,
    obj: R,
    action: str,
    entity: str,
    *,
    at: datetime | None = None,
) -> R:
    """Insert a new row and record its creation in the audit trail (same transaction);
    ``at``: the audit stamp (None: now)."""
    session.add(obj)
    session.flush()
    audit.record(session, actor, action, entity, obj.id, before=None, after=obj.as_dict(), at=at)
    return obj


def assign(obj: object, values: Mapping[str, Any]) -> None:
    """Set the parsed fields on a row."""
    for k, v in values.items():
        setattr(obj, k, v)


def flush_audited(
    session: Session,
    actor: Actor,
    obj: Recorded,
    action: str,
    entity: str,
    before: dict[str, Any],
    *,
    at: datetime | None = None,
) -> None:
    """Write a changed row and record the change (``before`` taken before the fields moved);
    ``at``: the audit stamp (None: now)."""
    session.flush()
    audit.record(session, actor, action, entity, obj.id, before=before, after=obj.as_dict(), at=at)


def delete_audited(
    session: Session,
    actor: Actor,
    obj: Recorded,
    action: str,
    entity: str,
    before: dict[str, Any],
) -> None:
    """Delete a row and record it (``before``: the row as it was, taken before any cleanup)."""
    entity_id = obj.id
    session.delete(obj)
    session.flush()
    audit.record(session, actor, action, entity, entity_id, before=before, after=None)


def load(
    session: Session,
    model: type[M],
    entity_id: object,
    *,
    for_update: bool = False,
    entity: str | None = None,
) -> M:
    """The row or NotFound. ``for_update`` locks it (PostgreSQL) and re-reads it fresh, so a
    concurrent writer that committed first is seen. ``entity``: the row's name in errors
    (default: the workspace's name of the table, :func:`entity_name`)."""
    obj = session.get(model, entity_id, with_for_update=for_update, populate_existing=for_update)
    if obj is None:
        raise NotFound(entity or entity_name(model), entity_id)
    return obj


def entity_name(model: type[Any]) -> str:
    return _ENTITY.get(model.__name__, model.__name__.lower())


_ENTITY = {
    "Unit": "unit",
    "User": "user",
    "Plan": "plan",
    "Goal": "goal",
    "IndicatorTarget": "indicator_target",
    "PublishedActual": "published_actual",
    "WorkPlan": "work_plan",
    "Task": "task",
    "ProgressReport": "report",
    "Notice": "notice",
    "RevisionFile": "evidence_file",
}


def load_for_update(
    session: Session,
    model: type[M],
    entity_id: object,
    expected_version: int | None,
    *,
    entity: str | None = None,
) -> M:
    """Lock the row, then insist it is still the version the caller edited."""
    obj = load(session, model, entity_id, for_update=True, entity=entity)
    check_version(obj, expected_version, entity=entity)
    return obj


def check_version(
    obj: Versioned, expected_version: int | None, *, entity: str | None = None
) -> None:
    if expected_version is None or obj.version != expected_version:
        raise StaleVersion(
            entity or entity_name(type(obj)),
            obj.id,
            expected_version=expected_version,
            current_version=obj.version,
            current=obj.as_dict(),
        )


def touch(obj: object) -> None:
    """Force an UPDATE (and so a version bump) even when only related rows changed."""
    state = inspect(obj)
    mapper = state.mapper
    col = next(c.key for c in mapper.column_attrs if c.key not in ("id", "version"))
    flag_modified(obj, col)


# --- field validation -------------------------------------------------------------------------

Parser = Callable[[Any], Any]


class Invalid(Exception):
    """Raised by a parser; becomes a FieldError."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Field:
    parse: Parser
    required: bool = False


def parse_fields(
    data: Mapping[str, Any], schema: Mapping[str, Field], *, partial: bool
) -> dict[str, Any]:
    """Validate ``data`` against ``schema``. ``partial`` (updates): only the given fields, and
    none is required. Unknown fields are errors, so a typo is not silently ignored."""
    errors: list[FieldError] = []
    out: dict[str, Any] = {}
    for name in data:
        if name not in schema:
            errors.append(FieldError(name, "field.unknown_field"))
    for name, spec in schema.items():
        if name not in data:
            if spec.required and not partial:
                errors.append(FieldError(name, "field.required"))
            continue
        value = data[name]
        if _blank(value):
            if spec.required:
                errors.append(FieldError(name, "field.required"))
                continue
            out[name] = None if not isinstance(value, str) else _blank_value(spec)
            continue
        try:
            out[name] = spec.parse(value)
        except Invalid as exc:
            errors.append(FieldError(name, exc.key, exc.params))
    if errors:
        raise ValidationError(errors)
    return out


def parse_changes(
    changes: Mapping[str, Any], schema: Mapping[str, Field], *, not_cleared: Iterable[str] = ()
) -> dict[str, Any]:
    """:func:`parse_fields` for an update: only the given fields. A field of ``not_cleared``
    may be left out but not emptied (the row needs it)."""
    values = parse_fields(changes, schema, partial=True)
    for name in not_cleared:
        if name in values and values[name] is None:
            raise ValidationError([FieldError(name, "field.required")])
    return values


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _blank_value(spec: Field) -> Any:
    # A blank string for a text field stays "", for anything else it means "no value".
    return "" if getattr(spec.parse, "is_text", False) else None


def text(max_len: int) -> Parser:
    def parse(value: Any) -> str:
        s = value.strip() if isinstance(value, str) else str(value).strip()
        if len(s) > max_len:
            raise Invalid("field.too_long", max=max_len)
        return s

    parse.is_text = True  # type: ignore[attr-defined]
    return parse


def matching(pattern: str, hint: str) -> Parser:
    """Text (trimmed) that matches ``pattern`` whole, such as a code; ``hint``: the format,
    shown with the error."""
    compiled = re.compile(pattern)

    def parse(value: Any) -> str:
        s = str(value).strip()
        if not compiled.fullmatch(s):
            raise Invalid("field.invalid_format", hint=hint)
        return s

    return parse


def integer(lo: int | None = None, hi: int | None = None) -> Parser:
    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise Invalid("field.not_a_number", value=value)
        try:
            f = float(str(value).strip()) if not isinstance(value, int) else value
        except ValueError:
            raise Invalid("field.not_a_number", value=value) from None
        if isinstance(f, float) and (not f.is_integer()):
            raise Invalid("field.not_a_number", value=value)
        n = int(f)
        _range(n, lo, hi)
        return n

    return parse


def number(lo: float | None = None, hi: float | None = None) -> Parser:
    def parse(value: Any) -> float:
        if isinstance(value, bool):
            raise Invalid("field.not_a_number", value=value)
        if isinstance(value, int | float):
            f = float(value)
        else:
            # "1,234" and "10%" (read as 10: weights and percents are written in points)
            s = str(value).strip().replace(",", "").replace("，", "").rstrip("%％")
            try:
                f = float(s)
            except ValueError:
                raise Invalid("field.not_a_number", value=value) from None
        if math.isnan(f) or math.isinf(f):
            raise Invalid("field.not_a_number", value=value)
        _range(f, lo, hi)
        return f

    return parse


def _range(v: float, lo: float | None, hi: float | None) -> None:
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise Invalid("field.out_of_range", min=lo if lo is not None else "", max=hi or "")


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    s = str(value).strip().lower()
    if s in ("1", "true", "yes", "y", "是", "on"):
        return True
    if s in ("0", "false", "no", "n", "否", "off"):
        return False
    raise Invalid("field.invalid_choice", choices="true, false")


def choice(options: Iterable[str]) -> Parser:
    allowed = tuple(options)

    def parse(value: Any) -> str:
        s = str(value).strip()
        if s not in allowed:
            raise Invalid("field.invalid_choice", choices=", ".join(allowed))
        return s

    return parse


def a_date(value: Any) -> date:
    """A date: a ``date``, an ISO string, or a Chinese form (see cn_dates)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    from ipcity.workspace.cn_dates import parse_deadline

    parsed = parse_deadline(str(value), default_year=None)
    if parsed is None:
        raise Invalid("field.invalid_date", value=value)
    return parsed


def ident(value: Any) -> int:
    """A foreign-key id."""
    return int(integer(1)(value))


def optional_ident(value: Any) -> int | None:
    return None if value is None else ident(value)


def ident_list(value: Any) -> list[int]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise Invalid("field.invalid_choice", choices="a list of ids")
    out: list[int] = []
    for v in value:
        n = ident(v)
        if n in out:
            raise Invalid("field.duplicate", value=n)
        out.append(n)
    return out


def milestone_list(value: Any) -> list[tuple[str, date | None]]:
    """``[{"title": ..., "due_date": ...}, ...]`` -> [(title, date|None)]."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise Invalid("field.invalid_choice", choices="a list of {title, due_date}")
    out: list[tuple[str, date | None]] = []
    for item in value:
        if isinstance(item, Mapping):
            title = str(item.get("title") or "").strip()
            due_raw = item.get("due_date")
        else:
            title, due_raw = str(item).strip(), None
        if not title:
            raise Invalid("field.required")
        due = None if _blank(due_raw) else a_date(due_raw)
        out.append((title[:300], due))
    return out
