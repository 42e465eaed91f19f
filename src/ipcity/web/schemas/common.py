"""Shapes shared by every resource of the API, and the field types that keep the schema
honest: bounded numbers (``ipcity.web.params``), closed vocabularies as ``enum``, and update
fields that may be left out but not set to ``null`` when their column cannot be empty."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from ipcity.meetings.models import (
    AGENDA_KINDS,
    MEETING_KINDS,
    MEETING_STATUSES,
    PUBLICATION_KINDS,
)
from ipcity.protection.indicators import DIMENSIONS, INDICATORS, short_id
from ipcity.protection.vocab import IP_TYPE_CODES, IP_TYPES, KIND_CODES, KINDS, OUTCOMES, Term
from ipcity.web.params import MAX_ID, Version
from ipcity.workspace.actions.directory import UNIT_KINDS
from ipcity.workspace.actions.plans import PLAN_KINDS
from ipcity.workspace.permissions import USER_ROLES
from ipcity.workspace.rhythm import RHYTHMS
from ipcity.workspace.supervision import Status

Weight = Annotated[float, Field(ge=0, allow_inf_nan=False)]
# Yuan: 1234.5, "1,234.50", "12.5万"; at most what the fen columns (BIGINT) hold.
MAX_YUAN = 10**15
Money = (
    Annotated[int, Field(ge=0, le=MAX_YUAN)]
    | Annotated[float, Field(ge=0, le=MAX_YUAN, allow_inf_nan=False)]
    | Annotated[str, Field(max_length=40)]
)
Seq = Annotated[int, Field(ge=0, le=MAX_ID)]

# ?by= of the protection indicators: dimensions, comma-separated, each once (checked there).
BY_DIMENSIONS = "^((" + "|".join(DIMENSIONS) + ")(,(" + "|".join(DIMENSIONS) + "))*)?$"

REPORT_STATES = ("draft", "submitted", "accepted", "returned")
CASE_STATUSES = ("open", "closed")
ROLES = (*(r.value for r in USER_ROLES), "anonymous")
# What the workspace's parsers read for a target's direction (ipcity.workspace.actions.plans).
DIRECTIONS = ("higher", "up", "正向", "越高越好", "增加", "提高", "lower", "down", "逆向")


def one_of(values: Iterable[str], what: str) -> Any:
    """A string that must be one of ``values``: checked here (422 ``field.invalid_choice``)
    and published as an ``enum`` in the schema."""
    allowed = tuple(dict.fromkeys(values))

    def check(value: str) -> str:
        if value not in allowed:
            raise PydanticCustomError(
                "enum", "Input should be one of {expected}", {"expected": ", ".join(allowed)}
            )
        return value

    schema = {"type": "string", "enum": list(allowed), "description": what}
    return Annotated[str, AfterValidator(check), WithJsonSchema(schema)]


def _spellings(terms: tuple[Term, ...]) -> list[str]:
    """Every wording the protection vocabulary reads for a code (code, zh, en, aliases)."""
    return [w for t in terms for w in (t.code, t.zh, t.en, *t.aliases)]


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def omissible() -> Any:
    """A field that may be left out (no change / the default) but is never ``null``: its
    column cannot be empty, so an explicit ``null`` is a 422, not a database error."""
    return Field(default=None, json_schema_extra=_no_default)


if TYPE_CHECKING:
    UnitKind: TypeAlias = str
    PlanKind: TypeAlias = str
    MeetingKind: TypeAlias = str
    MeetingStatus: TypeAlias = str
    AgendaKind: TypeAlias = str
    CaseKind: TypeAlias = str
    IpType: TypeAlias = str
    Outcome: TypeAlias = str
    CaseKindCode: TypeAlias = str
    IpTypeCode: TypeAlias = str
    PublicationKind: TypeAlias = str
    ReportState: TypeAlias = str
    CaseStatus: TypeAlias = str
    RoleName: TypeAlias = str
    Light: TypeAlias = str
    ProtectionIndicator: TypeAlias = str
    Direction: TypeAlias = str
    ReportRhythm: TypeAlias = str
else:
    UnitKind = one_of(UNIT_KINDS, "unit kind")
    PlanKind = one_of(PLAN_KINDS, "plan kind")
    MeetingKind = one_of(MEETING_KINDS, "meeting kind")
    MeetingStatus = one_of(MEETING_STATUSES, "meeting status")
    AgendaKind = one_of(AGENDA_KINDS, "agenda item kind")
    CaseKind = one_of(_spellings(KINDS), "case kind: a code, or its Chinese or English name")
    IpType = one_of(_spellings(IP_TYPES), "IP type: a code, or its Chinese or English name")
    Outcome = one_of(_spellings(OUTCOMES), "outcome: a code, or its Chinese or English name")
    CaseKindCode = one_of(KIND_CODES, "case kind")
    IpTypeCode = one_of(IP_TYPE_CODES, "IP type")
    PublicationKind = one_of(PUBLICATION_KINDS, "publication kind")
    ReportState = one_of(REPORT_STATES, "report state")
    CaseStatus = one_of(CASE_STATUSES, "case status")
    RoleName = one_of(ROLES, "role")
    Light = one_of((s.value for s in Status), "supervision status")
    ProtectionIndicator = one_of(
        [*INDICATORS, *(short_id(k) for k in INDICATORS)], "protection indicator"
    )
    Direction = one_of(DIRECTIONS, "higher or lower is better")
    ReportRhythm = one_of(RHYTHMS, "reporting rhythm")


class Strict(BaseModel):
    """Input models refuse unknown fields (a typo is an error, not silently ignored). The
    docstring under a field is its description in the OpenAPI schema."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class Out(BaseModel):
    """Response models: the docstring under a field is its description in the OpenAPI
    schema (what a client developer reads in /docs)."""

    model_config = ConfigDict(use_attribute_docstrings=True)


class FieldErrorOut(Out):
    field: str
    """The input field at fault, as a dotted path (``deadline``, ``milestones.0.title``)."""
    error: str
    """Message key of the problem (``field.required``, ``field.invalid_choice`` ...): stable,
    for programs."""
    params: dict[str, Any] = {}
    """Values the message is built from (the allowed choices, the bounds ...)."""
    message: str
    """The problem in words, in the request's language."""


class RowErrorOut(Out):
    row: int
    """Row number in the sheet as a spreadsheet shows it (the header is row 1)."""
    column: str
    """Column heading of the cell at fault, as the sheet names it."""
    error: str
    """Message key of the problem: stable, for programs."""
    params: dict[str, Any] = {}
    """Values the message is built from."""
    message: str
    """The problem in words, in the request's language."""


class ErrorOut(Out):
    """Every error: a message key, its params and the text in the request's language; 409
    stale updates add ``current_version`` and ``current`` (the row as it is now), 422 adds
    ``errors`` (fields) or ``row_errors`` (imports)."""

    error: str
    """Message key (``error.not_found``, ``error.stale``, ``error.login_required`` ...):
    stable, for programs to branch on."""
    params: dict[str, Any] = {}
    """Values the message is built from (ids, names, counts); default empty."""
    message: str
    """The error in words, in the request's language (``?lang=en``; default Chinese)."""
    errors: list[FieldErrorOut] | None = None
    """422 on a body or query: one entry per invalid field; null otherwise."""
    row_errors: list[RowErrorOut] | None = None
    """422 on an import: one entry per bad cell of the sheet; null otherwise."""
    current_version: int | None = None
    """409 stale update: the row's version now (resend the change based on it)."""
    current: dict[str, Any] | None = None
    """409 stale update: the row as it is now, in the shape its GET returns."""


class VersionIn(Strict):
    version: Version
    """The row's ``version`` the request is based on (a stale one: 409)."""


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Malformed request (e.g. a body that is not JSON)"},
    401: {
        "model": ErrorOut,
        "description": "A malformed Authorization header or an invalid or expired token; or "
        "no token on a route closed to the public (while the office shows it the portal only, "
        "see /api/v1/settings/visibility)",
    },
    403: {"model": ErrorOut, "description": "Not allowed for this role or unit"},
    404: {"model": ErrorOut, "description": "Does not exist, or not visible to you"},
    409: {
        "model": ErrorOut,
        "description": "Stale version (the body has the current one), or a step the row's "
        "state does not allow (error.invalid_transition)",
    },
    413: {"model": ErrorOut, "description": "Request body too large"},
    422: {"model": ErrorOut, "description": "Invalid input"},
}
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    429: {"model": ErrorOut, "description": "Too many failed logins (see Retry-After)"},
}
