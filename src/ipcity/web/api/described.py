"""Path and query parameters shared by the API's routes, with their descriptions (a client
developer reads them in /docs). No ``router``: ``create_app`` mounts nothing from here.

The bounds are :mod:`ipcity.web.params`'s; these aliases only add the words."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from ipcity.web.params import DbId, Version, Year

_PATH_ID = "Id of the {} (1 … 2³¹−1; another value, or one you may not see, is a 404)."


def _path_id(what: str) -> object:
    return Path(description=_PATH_ID.format(what))


CaseId = Annotated[DbId, _path_id("case")]
DecisionId = Annotated[DbId, _path_id("decision, of the meeting in the path")]
FileId = Annotated[DbId, _path_id("evidence file")]
GoalId = Annotated[DbId, _path_id("goal")]
MeetingId = Annotated[DbId, _path_id("meeting")]
NoticeId = Annotated[DbId, _path_id("notice")]
PlanId = Annotated[DbId, _path_id("plan")]
PublicationId = Annotated[DbId, _path_id("publication")]
ReportId = Annotated[DbId, _path_id("progress report")]
TargetId = Annotated[DbId, _path_id("indicator target")]
TaskId = Annotated[DbId, _path_id("task")]
UnitId = Annotated[DbId, _path_id("unit")]
WorkPlanId = Annotated[DbId, _path_id("work plan")]

VersionQuery = Annotated[
    Version,
    Query(
        description="The row's ``version`` the deletion is based on, as for updates (a stale "
        "one: 409 with the row as it is now)."
    ),
]
YearFilter = Annotated[
    Year | None, Query(description="Only this year (1949 … 2100); default: no year filter.")
]
DRY_RUN = (
    "true: check the sheet and return the preview; nothing is written. Default false: apply "
    "the import (all rows or none)."
)
IMPORT_TOKEN = (
    "The ``token`` of a dry run: apply only if the import would still do exactly what was "
    "previewed (else 409). Default none: apply whatever the sheet says now."
)
SHEET = "Name of the worksheet to read in an XLSX file; default the first one (ignored for CSV)."
SHEET_FILE = (
    "The sheet: an XLSX or CSV file laid out as the office's template; the whole request at "
    "most 2 MiB on the API (else 413)."
)
