"""Writes on member units and users."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from ipcity.workspace import audit
from ipcity.workspace.actions._common import (
    Field,
    Invalid,
    add_audited,
    assign,
    boolean,
    choice,
    flush_audited,
    integer,
    load_for_update,
    matching,
    optional_ident,
    parse_fields,
    text,
)
from ipcity.workspace.auth import check_password_strength, hash_password, normalise_username
from ipcity.workspace.errors import FieldError, NotFound, ValidationError, invalid
from ipcity.workspace.models import Unit, UnitAlias, User, stamp_on
from ipcity.workspace.permissions import USER_ROLES, Actor, Cap, Role, require

UNIT_KINDS = ("office", "municipal", "district")


_admin_code = matching(r"\d{6}", "a 6-digit GB/T 2260 code")
_unit_code = matching(r"[A-Za-z0-9_.-]{1,32}", "letters, digits, _ . - (max 32)")


_ALIAS_SEPARATORS = re.compile(r"[、;；,，\n]+")


def _aliases(value: Any) -> list[str]:
    """Aliases as a list or one text separated by 、 ; ， or new lines; NFKC, no spaces."""
    parts = _ALIAS_SEPARATORS.split(value) if isinstance(value, str) else value
    if not isinstance(parts, list | tuple):
        raise Invalid("field.invalid_format", hint="a list of names")
    out: list[str] = []
    for p in parts:
        if not isinstance(p, str):
            raise Invalid("field.invalid_format", hint="a list of names")
        name = re.sub(r"\s+", "", unicodedata.normalize("NFKC", p))
        if len(name) > 100:
            raise Invalid("field.too_long", max=100)
        if name and name not in out:
            out.append(name)
    if len(out) > 30:
        raise Invalid("field.out_of_range", min=0, max=30)
    return out


UNIT_FIELDS: dict[str, Field] = {
    "code": Field(_unit_code, required=True),
    "name": Field(text(100), required=True),
    "short_name": Field(text(50)),
    "kind": Field(choice(UNIT_KINDS), required=True),
    "admin_code": Field(_admin_code),
    "sort_order": Field(integer()),
    "active": Field(boolean),
    "aliases": Field(_aliases),
}


def _unit_holding(session: Session, name: str, own_id: int | None) -> Unit | None:
    """Another unit whose name, short name or alias is ``name``."""
    for stmt in (
        select(Unit).where((Unit.name == name) | (Unit.short_name == name)),
        select(Unit).join(UnitAlias, UnitAlias.unit_id == Unit.id).where(UnitAlias.alias == name),
    ):
        for other in session.scalars(stmt):
            if other.id != own_id:
                return other
    return None


def _check_names_free(session: Session, values: Mapping[str, Any], own_id: int | None) -> None:
    """An alias must not be another unit's name/short name/alias, and a unit's name or short
    name must not be another unit's alias: a sheet naming it would then match two units."""
    errors = []
    for alias in values.get("aliases") or []:
        other = _unit_holding(session, alias, own_id)
        if other is not None:
            errors.append(
                FieldError("aliases", "field.alias_taken", {"value": alias, "unit": other.name})
            )
    for col in ("name", "short_name"):
        v = values.get(col)
        if not v:
            continue
        holder = session.scalar(
            select(Unit).join(UnitAlias, UnitAlias.unit_id == Unit.id).where(UnitAlias.alias == v)
        )
        if holder is not None and holder.id != own_id:
            errors.append(FieldError(col, "field.alias_taken", {"value": v, "unit": holder.name}))
    if errors:
        raise ValidationError(errors)


def _set_aliases(unit: Unit, names: list[str]) -> None:
    keep = [a for a in unit.aliases if a.alias in names]
    have = {a.alias for a in keep}
    unit.aliases = keep + [UnitAlias(alias=n) for n in names if n not in have and n != unit.name]


def _check_unit_unique(session: Session, values: Mapping[str, Any], own_id: int | None) -> None:
    errors = []
    for col in ("code", "name", "admin_code"):
        v = values.get(col)
        if v is None:
            continue
        other = session.scalar(select(Unit).where(getattr(Unit, col) == v))
        if other is not None and other.id != own_id:
            errors.append(FieldError(col, "field.duplicate", {"value": v}))
    if values.get("kind") == "district" and own_id is None and not values.get("admin_code"):
        errors.append(FieldError("admin_code", "field.required"))
    if errors:
        raise ValidationError(errors)


def do_create_unit(session: Session, actor: Actor, data: Mapping[str, Any]) -> Unit:
    """Create a member unit. Fields: code, name, kind (office|municipal|district), short_name,
    admin_code (GB/T 2260, required for a district), sort_order, active."""
    require(actor, Cap.MANAGE_UNITS)
    values = parse_fields(data, UNIT_FIELDS, partial=False)
    _check_unit_unique(session, values, None)
    _check_names_free(session, values, None)
    aliases = values.pop("aliases", None) or []
    unit = Unit(**{k: v for k, v in values.items() if v is not None})
    _set_aliases(unit, aliases)
    return add_audited(session, actor, unit, "unit.create", "unit")


def do_update_unit(
    session: Session,
    actor: Actor,
    unit_id: int,
    *,
    expected_version: int,
    changes: Mapping[str, Any],
) -> Unit:
    require(actor, Cap.MANAGE_UNITS)
    unit = load_for_update(session, Unit, unit_id, expected_version)
    values = parse_fields(changes, UNIT_FIELDS, partial=True)
    _check_unit_unique(session, values, unit.id)
    _check_names_free(session, values, unit.id)
    before = unit.as_dict()
    aliases = values.pop("aliases", None) if "aliases" in values else None
    assign(unit, values)
    if "aliases" in changes and (aliases or []) != unit.alias_names:
        _set_aliases(unit, aliases or [])
        flag_modified(unit, "name")  # the unit's version steps too: aliases are its data
    flush_audited(session, actor, unit, "unit.update", "unit", before)
    return unit


def _username(value: Any) -> str:
    s = normalise_username(str(value))
    if not re.fullmatch(r"[a-z0-9_.@-]{2,64}", s):
        raise Invalid("field.invalid_format", hint="2-64 of a-z 0-9 _ . @ -")
    return s


def _email(value: Any) -> str:
    s = str(value).strip()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", s) or len(s) > 200:
        raise Invalid("field.invalid_format", hint="name@example.org")
    return s


USER_FIELDS: dict[str, Field] = {
    "username": Field(_username, required=True),
    "role": Field(choice(USER_ROLES), required=True),
    "unit_id": Field(optional_ident),
    "display_name": Field(text(100)),
    "email": Field(_email),
    "active": Field(boolean),
}


def _check_user(session: Session, role: str, unit_id: int | None) -> None:
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise invalid("unit_id", "field.unknown_unit", value=unit_id)
    if role == Role.UNIT_EDITOR and unit_id is None:
        raise invalid("unit_id", "field.unit_required_for_role")


def do_create_user(
    session: Session,
    actor: Actor,
    data: Mapping[str, Any],
    *,
    password: str,
    today: date | None = None,
) -> User:
    """Create a user. Fields: username, role (office_admin|unit_editor|leader), unit_id
    (required for a unit editor), display_name, email, active. The password is hashed with
    argon2 and never stored or logged in clear. ``today``: the app's day (a demo's), which
    dates the account; None: the app's clock."""
    require(actor, Cap.MANAGE_USERS)
    values = parse_fields(data, USER_FIELDS, partial=False)
    check_password_strength(password)
    _check_user(session, values["role"], values.get("unit_id"))
    if session.scalar(select(User).where(User.username == values["username"])) is not None:
        raise invalid("username", "field.duplicate", value=values["username"])
    values = {k: v for k, v in values.items() if v is not None}
    values.setdefault("display_name", values["username"])
    user = User(password_hash=hash_password(password), created_at=stamp_on(today), **values)
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.create",
        "user",
        user.id,
        before=None,
        after=user.as_dict(),
        at=user.created_at,
    )
    return user


def do_update_user(
    session: Session,
    actor: Actor,
    user_id: int,
    *,
    expected_version: int,
    changes: Mapping[str, Any],
) -> User:
    """Change role, unit, display name, e-mail or active (not the user name)."""
    require(actor, Cap.MANAGE_USERS)
    user = load_for_update(session, User, user_id, expected_version)
    fields = {k: v for k, v in USER_FIELDS.items() if k != "username"}
    values = parse_fields(changes, fields, partial=True)
    _check_user(session, values.get("role", user.role), values.get("unit_id", user.unit_id))
    _keep_an_admin(session, user, values)
    before = user.as_dict()
    assign(user, values)
    flush_audited(session, actor, user, "user.update", "user", before)
    return user


def _keep_an_admin(session: Session, user: User, values: Mapping[str, Any]) -> None:
    """Refuse to demote or disable the last active office admin: nobody could manage the
    workspace afterwards (short of the CLI)."""
    loses = values.get("role", user.role) != Role.OFFICE_ADMIN or not values.get(
        "active", user.active
    )
    if user.role != Role.OFFICE_ADMIN or not user.active or not loses:
        return
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.OFFICE_ADMIN.value, User.active.is_(True), User.id != user.id)
    )
    if not others:
        raise invalid("role", "field.last_admin")


def do_set_password(
    session: Session,
    actor: Actor,
    user_id: int,
    *,
    expected_version: int,
    new_password: str,
) -> User:
    """Set a user's password: the user themself, or an office admin for anyone. Changing it
    revokes the user's API tokens. The audit entry says that it changed, not what to."""
    if actor.user_id != user_id:
        require(actor, Cap.MANAGE_USERS)
    elif actor.role is Role.ANONYMOUS:
        raise NotFound("user", user_id)
    user = load_for_update(session, User, user_id, expected_version)
    before = user.as_dict()
    user.password_hash = hash_password(new_password)
    session.flush()
    after = user.as_dict() | {"password_changed": True}
    audit.record(session, actor, "user.set_password", "user", user.id, before=before, after=after)
    return user


def find_unit_by_code(session: Session, code: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        unit = session.scalar(select(Unit).where(Unit.admin_code == code))
    if unit is None:
        raise NotFound("unit", code)
    return unit
