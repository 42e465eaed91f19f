"""Shapes shared by every resource of the API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """Input models refuse unknown fields (a typo is an error, not silently ignored)."""

    model_config = ConfigDict(extra="forbid")


class FieldErrorOut(BaseModel):
    field: str
    error: str
    params: dict[str, Any] = {}
    message: str


class ErrorOut(BaseModel):
    """Every error: a message key, its params and the text in the request's language; 409
    stale updates add ``current_version`` and ``current`` (the row as it is now), 422 adds
    ``errors`` (fields) or ``row_errors`` (imports)."""

    error: str
    params: dict[str, Any] = {}
    message: str
    errors: list[FieldErrorOut] | None = None
    current_version: int | None = None
    current: dict[str, Any] | None = None


class VersionIn(Strict):
    version: int


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Missing, invalid or expired token"},
    403: {"model": ErrorOut, "description": "Not allowed for this role or unit"},
    404: {"model": ErrorOut, "description": "Does not exist, or not visible to you"},
    409: {"model": ErrorOut, "description": "Stale version (body has the current one)"},
    422: {"model": ErrorOut, "description": "Invalid input"},
}
