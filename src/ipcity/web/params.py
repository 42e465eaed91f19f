"""Numbers in paths and query strings, range-checked before they reach the database.

The bounds live here, once:

- ids (``{task_id}``, ``?unit_id=``): 1 to 2^31-1, the range of the id columns (INTEGER: 32
  bits on PostgreSQL); anything else cannot name a row. Other whole numbers stored in INTEGER
  columns (versions, sort orders, sequence numbers) have the same upper bound.
- years (``?year=``): :data:`YEAR_MIN` to :data:`YEAR_MAX`, the years the workspace accepts for
  plans, work plans and published figures (docs/web.md, "Parameters").
- page numbers, offsets: 1 (0) to 2^31-1.

API routes declare them as types (``task_id: DbId``), so the OpenAPI schema carries the bounds
and a bad value is a 422 (404 for a path). Page routes read filters as text and parse them with
:func:`query_id` / :func:`query_year`: blank means "no filter", a value that is not a whole
number in range is a 422 page in the user's language.
"""

from __future__ import annotations

from typing import Annotated

from annotated_types import Interval

from ipcity.web.i18n import N_
from ipcity.web.web_error import WebError

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER; SQLite's is wider
YEAR_MIN, YEAR_MAX = 1949, 2100

DbId = Annotated[int, Interval(ge=1, le=MAX_ID)]
Year = Annotated[int, Interval(ge=YEAR_MIN, le=YEAR_MAX)]
Version = Annotated[int, Interval(ge=0, le=MAX_ID)]
PageNo = Annotated[int, Interval(ge=1, le=MAX_ID)]
Offset = Annotated[int, Interval(ge=0, le=MAX_ID)]
SortOrder = Annotated[int, Interval(ge=-MAX_ID, le=MAX_ID)]


def query_int(value: str | None, name: str, lo: int, hi: int) -> int | None:
    """A whole number between ``lo`` and ``hi`` from a page's query string; blank is None."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        number = int(text) if text.lstrip("+-").isdecimal() and len(text) <= 25 else None
    except ValueError:
        number = None
    if number is None or not lo <= number <= hi:
        raise WebError(
            422,
            "out_of_range",
            N_("%(name)s: a whole number between %(min)s and %(max)s, not %(value)s"),
            name=name,
            min=lo,
            max=hi,
            value=text[:40],
        )
    return number


def query_id(value: str | None, name: str) -> int | None:
    return query_int(value, name, 1, MAX_ID)


def query_year(value: str | None, name: str = "year") -> int | None:
    return query_int(value, name, YEAR_MIN, YEAR_MAX)


def form_version(value: str) -> int:
    """The version a form was shown at (its hidden ``version`` field); 0 when missing, which
    the action refuses as stale unless the row is new."""
    return int(value) if value.strip().isdecimal() else 0


def lenient_int(value: str | None) -> int | None:
    """A form's whole-number field read leniently: None when blank, not a number or beyond
    what a database column holds (the action then says what is missing)."""
    text = (value or "").strip()
    if not text.isdecimal() or len(text) > 10:
        return None
    number = int(text)
    return number if number <= MAX_ID else None
