"""IP protection API: cases (``/api/v1/cases``) and the office's figures
(``/api/v1/protection/indicators``, ``/assessment``, ``/public``).

Every case comes back as the caller may see it (``ipcity.protection.queries.CaseView``): party
names masked unless the caller's unit handles the case (or jointly) or the caller is the
office. Updates carry ``version``; a stale one gets 409 with ``current_version`` and
``current``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import File, Form, Query, Response, UploadFile, status
from starlette.requests import Request

from ipcity.protection import indicators as ind
from ipcity.protection.actions import (
    do_add_joint_unit,
    do_create_case,
    do_delete_case,
    do_remove_joint_unit,
    do_transfer_case,
    do_update_case,
)
from ipcity.protection.assessment import self_assessment
from ipcity.protection.case_import import do_import_cases, preview_case_import, read_case_import
from ipcity.protection.permissions import EDIT_CASES, can_record_for_unit
from ipcity.protection.public import portal_stats
from ipcity.protection.queries import CaseFilter, CaseView, case_history, count_cases, get_case
from ipcity.protection.queries import list_cases as query_cases
from ipcity.web.api.described import (
    DRY_RUN,
    IMPORT_TOKEN,
    SHEET,
    SHEET_FILE,
    CaseId,
    UnitId,
    VersionQuery,
)
from ipcity.web.deps import ApiActor, Db, DbSession, Settings, reads_before_writing
from ipcity.web.i18n import ws_locale
from ipcity.web.params import DbId, Offset, Year
from ipcity.web.routing import api_router
from ipcity.web.schemas.common import (
    BY_DIMENSIONS,
    ERROR_RESPONSES,
    CaseKindCode,
    IpTypeCode,
    ProtectionIndicator,
)
from ipcity.web.schemas.protection import (
    CaseCreate,
    CaseDetail,
    CaseList,
    CasePublic,
    CaseUpdate,
    JointIn,
    TransferIn,
)
from ipcity.web.uploads import read_sheet_upload
from ipcity.workspace.errors import ImportRejected, PermissionDenied
from ipcity.workspace.import_preview import rejected_preview

router = api_router(tags=["protection"], responses=ERROR_RESPONSES)


def _public(view: CaseView, request: Request) -> CasePublic:
    return CasePublic.model_validate(view.as_dict(ws_locale(request.state.locale)))


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}


@router.get("/cases", response_model=CaseList)
def list_cases(
    request: Request,
    session: DbSession,
    actor: ApiActor,
    year: Annotated[
        Year | None,
        Query(description="Only cases received in this year (1949 … 2100); default all."),
    ] = None,
    closed_year: Annotated[
        Year | None, Query(description="Only cases closed in this year; default all.")
    ] = None,
    unit_id: Annotated[
        DbId | None, Query(description="Only the cases this unit owns or shares; default all.")
    ] = None,
    kind: Annotated[
        CaseKindCode | None,
        Query(description="Only this kind of case (a code: ``civil``, ``mediation`` ...)."),
    ] = None,
    ip_type: Annotated[
        IpTypeCode | None,
        Query(description="Only this IP type (a code: ``patent``, ``trademark`` ...)."),
    ] = None,
    status_: Annotated[
        str | None,
        Query(
            alias="status",
            pattern="^(open|closed)$",
            description="``open`` (not closed yet) or ``closed``; default both.",
        ),
    ] = None,
    district: Annotated[
        str | None,
        Query(description="Only cases of this district (GB/T 2260 code, e.g. 310104)."),
    ] = None,
    view: Annotated[
        str,
        Query(
            pattern="^(all|owned|shared)$",
            description="``all`` (the default: every case the caller sees), ``owned`` (its "
            "unit owns) or ``shared`` (joint or previously owned).",
        ),
    ] = "all",
    q: Annotated[
        str | None,
        Query(
            description="Search: part of the case number, or of a party's name among the "
            "cases whose names the caller sees in clear."
        ),
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=1000, description="Page size: 1 … 1000; default 100.")
    ] = 100,
    offset: Annotated[
        Offset, Query(description="How many matching cases to skip (paging); default 0.")
    ] = 0,
) -> CaseList:
    """The cases the caller may see, newest receipt first, one page at a time (``total``
    counts them all).

    **Who:** the office and leaders: every case (leaders with party names masked); a unit editor:
    the cases its unit owns, handles jointly or owned before (names masked on the last); the
    public: 403 (see GET /protection/public).

    **Errors:** 422: a filter out of range or not in its list."""
    f = CaseFilter(
        unit_id=unit_id,
        received_year=year,
        closed_year=closed_year,
        kind=kind,
        ip_type=ip_type,
        status=status_,
        district=district,
        search=q,
        view=view,
    )
    rows = query_cases(session, actor, f, limit=limit, offset=offset)
    return CaseList(total=count_cases(session, actor, f), items=[_public(r, request) for r in rows])


@router.post("/cases", response_model=CasePublic, status_code=status.HTTP_201_CREATED)
def create_case(
    body: CaseCreate, request: Request, session: DbSession, actor: ApiActor, settings: Settings
) -> CasePublic:
    """Record a case for a unit.

    **Who:** the office for any unit; a unit editor for its own unit. Leaders and the public:
    403.

    **Errors:** 403: a unit editor naming another unit; 422: a field missing or invalid (a date
    or amount that cannot be read, ``closed_on`` before ``received_on``, a case number the unit
    already has), with ``errors`` per field."""
    data = _plain(body.model_dump(exclude_unset=True))
    view = do_create_case(session, actor, data, today=settings.current_day())
    return _public(view, request)


@router.post("/cases/import")
@reads_before_writing
def import_cases(
    request: Request,
    session: DbSession,
    db: Db,
    actor: ApiActor,
    settings: Settings,
    file: Annotated[UploadFile | None, File(description=SHEET_FILE)] = None,
    unit_id: Annotated[
        DbId | None,
        Form(
            description="Id of the unit the cases are for; default the caller's unit (the "
            "office must name one)."
        ),
    ] = None,
    kind: Annotated[
        str | None,
        Form(
            description="Kind of case for rows without 案件类型 (a code or its Chinese or "
            "English name); default none (such rows are errors)."
        ),
    ] = None,
    sheet: Annotated[str | None, Form(description=SHEET)] = None,
    dry_run: Annotated[bool, Query(description=DRY_RUN)] = False,
    token: Annotated[str | None, Query(max_length=64, description=IMPORT_TOKEN)] = None,
) -> dict[str, Any]:
    """Multipart: ``file`` (XLSX/CSV), ``unit_id`` (a unit editor's own by default),
    ``kind`` for rows without 案件类型, ``sheet``. ``?dry_run=true`` returns the preview and
    writes nothing: ``{"add", "update": [{"code", "changes": {field: {"from", "to"}}}],
    "unchanged", "skipped", "warnings", "errors", "token"}`` (bad rows: 200 with them in
    ``errors``). Without it the import is applied, all or nothing (bad rows: 422 with
    ``row_errors``); with ``token`` (the dry run's) only if it still does exactly what was
    previewed (else 409). The sheet is read and checked before the write transaction opens.

    **Who:** the office for any unit; a unit editor for its own unit. Leaders and the public:
    403.

    **Errors:** 403: a unit the caller may not record for (or none named by the office); 409: the
    ``token`` no longer matches; 413: the request is over 2 MiB; 422: no file, a file that is not
    a readable sheet, or (applying) bad rows, with ``row_errors``."""
    unit = unit_id if unit_id is not None else actor.unit_id
    if unit is None or not can_record_for_unit(actor, unit):
        raise PermissionDenied(EDIT_CASES)
    data, name = read_sheet_upload(file)
    today = settings.current_day()
    locale = ws_locale(request.state.locale)
    try:
        ready = read_case_import(
            session,
            actor,
            unit,
            data,
            name,
            sheet=sheet or None,
            default_kind=kind or None,
            today=today,
        )
    except ImportRejected as exc:
        if not dry_run:
            raise
        return rejected_preview(exc.row_errors, locale)
    if dry_run:
        return preview_case_import(session, actor, ready).as_dict(locale)
    with db.write() as writer:
        result = do_import_cases(
            writer, actor, ready.unit_id, ready, today=today, expected_token=token
        )
    return result.as_dict()


@router.get("/cases/{case_id}", response_model=CaseDetail)
def get_one(case_id: CaseId, request: Request, session: DbSession, actor: ApiActor) -> CaseDetail:
    """One case with its referral history.

    **Who:** as for the case list (party names masked where the caller may not see them).

    **Errors:** 404: no such case, or one the caller may not see; 403: the public."""
    view = get_case(session, actor, case_id)
    body = view.as_dict(ws_locale(request.state.locale))
    body["history"] = [h.as_dict() for h in case_history(session, actor, case_id)]
    return CaseDetail.model_validate(body)


@router.patch("/cases/{case_id}", response_model=CasePublic)
def update_case(
    case_id: CaseId,
    body: CaseUpdate,
    request: Request,
    session: DbSession,
    actor: ApiActor,
    settings: Settings,
) -> CasePublic:
    """Change a case's fields (only those sent; ``null`` clears ``closed_on``, ``outcome``,
    ``district`` and the amounts).

    **Who:** the office for any case; a unit editor for the cases its unit owns (a joint or
    previously owned case: 403). Leaders and the public: 403.

    **Errors:** 404: no such case, or not visible; 409: ``version`` is stale (the body has the
    case as it is now); 422: an invalid field."""
    changes = _plain(body.model_dump(exclude_unset=True, exclude={"version"}))
    view = do_update_case(
        session,
        actor,
        case_id,
        expected_version=body.version,
        changes=changes,
        today=settings.current_day(),
    )
    return _public(view, request)


@router.delete("/cases/{case_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_case(
    case_id: CaseId,
    session: DbSession,
    actor: ApiActor,
    settings: Settings,
    version: VersionQuery,
) -> Response:
    """A case recorded by mistake; ``?version=`` as for updates.

    **Who:** the office for any case; a unit editor for the cases its unit owns (a joint or
    previously owned case: 403). Leaders and the public: 403.

    **Errors:** 404: no such case, or not visible; 409: ``version`` is stale."""
    do_delete_case(session, actor, case_id, expected_version=version, today=settings.current_day())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/cases/{case_id}/transfer", response_model=CasePublic)
def transfer_case(
    case_id: CaseId,
    body: TransferIn,
    request: Request,
    session: DbSession,
    actor: ApiActor,
    settings: Settings,
) -> CasePublic:
    """Move the case to another unit (the caller's unit keeps a masked read view).

    **Who:** the office for any case; a unit editor for the cases its unit owns (a joint or
    previously owned case: 403). Leaders and the public: 403.

    **Errors:** 404: no such case, or not visible; 409: ``version`` is stale; 422: the target
    unit does not exist, already owns the case, or has a case with the same number."""
    view = do_transfer_case(
        session,
        actor,
        case_id,
        expected_version=body.version,
        to_unit_id=body.to_unit_id,
        note=body.note,
        today=settings.current_day(),
    )
    return _public(view, request)


@router.post("/cases/{case_id}/joint", response_model=CasePublic)
def add_joint(
    case_id: CaseId, body: JointIn, request: Request, session: DbSession, actor: ApiActor
) -> CasePublic:
    """Add a unit that handles the case jointly (it then sees the case with the party
    names).

    **Who:** the office for any case; a unit editor for the cases its unit owns (a joint or
    previously owned case: 403). Leaders and the public: 403.

    **Errors:** 404: no such case, or not visible; 409: ``version`` is stale; 422: the unit does
    not exist, owns the case or already handles it jointly."""
    view = do_add_joint_unit(
        session, actor, case_id, expected_version=body.version, unit_id=body.unit_id, note=body.note
    )
    return _public(view, request)


@router.delete("/cases/{case_id}/joint/{unit_id}", response_model=CasePublic)
def remove_joint(
    case_id: CaseId,
    unit_id: UnitId,
    request: Request,
    session: DbSession,
    actor: ApiActor,
    version: VersionQuery,
) -> CasePublic:
    """Remove a joint unit from the case (it keeps no view of it).

    **Who:** the office for any case; a unit editor for the cases its unit owns (a joint or
    previously owned case: 403). Leaders and the public: 403.

    **Errors:** 404: no such case, or not visible; 409: ``version`` is stale; 422: the unit does
    not handle the case jointly."""
    view = do_remove_joint_unit(session, actor, case_id, expected_version=version, unit_id=unit_id)
    return _public(view, request)


@router.get("/protection/indicators")
def indicators(
    session: DbSession,
    actor: ApiActor,
    settings: Settings,
    year: Annotated[
        list[Year],
        Query(
            description="The years to compute (1949 … 2100), one or more: ``?year=2022&year=2023``."
        ),
    ],
    by: Annotated[
        str,
        Query(
            description="Break down by ``unit``, ``district``, ``kind``, ``ip_type``: "
            "comma-separated, each once; default empty (city totals).",
            pattern=BY_DIMENSIONS,
        ),
    ] = "",
    indicator: Annotated[
        list[ProtectionIndicator] | None,
        Query(
            description="Only these indicators (full id ``protection.cases_received`` or "
            "short ``cases_received``), repeatable; default all."
        ),
    ] = None,
    as_of: Annotated[
        date | None,
        Query(
            description="Count what was received and closed by this day (ISO date: year to "
            "date); default today."
        ),
    ] = None,
) -> dict[str, Any]:
    """Protection indicators (docs/protection.md): the office and leaders see every unit, a
    unit editor its own unit's; the public gets 403 (see /protection/public).

    The answer: ``years``, ``by``, ``indicators``, ``definition_version`` and ``rows`` (one
    per year and group, with each indicator's value).

    **Who:** the office and leaders (all units); a unit editor (its own unit's cases only); the
    public: 403.

    **Errors:** 422: a year out of range, an unknown dimension or indicator, or a date that is
    not ISO."""
    dims = [d.strip() for d in by.split(",") if d.strip()]
    table = ind.indicators_for(
        session,
        actor,
        years=year,
        by=dims,
        indicators=indicator or None,
        as_of=as_of or settings.current_day(),
    )
    return table.as_dict()


@router.get("/protection/assessment")
def assessment(
    session: DbSession,
    actor: ApiActor,
    settings: Settings,
    year: Annotated[Year, Query(description="The year assessed (1949 … 2100).")],
    as_of: Annotated[
        date | None,
        Query(
            description="Assess as of this day (ISO date); default 31 December of ``year``, "
            "or today while the year runs."
        ),
    ] = None,
) -> dict[str, Any]:
    """The self-assessment of the city and each district with the breakdown (office,
    leaders): each item's score and the figures it rests on, by the office's scheme
    (docs/protection.md).

    **Who:** the office and leaders; unit editors and the public: 403.

    **Errors:** 422: ``year`` missing or out of range, a date that is not ISO."""
    day = as_of or min(date(year, 12, 31), settings.current_day())
    return self_assessment(session, actor, year, as_of=day).as_dict()


@router.get("/protection/public")
def public(
    session: DbSession,
    settings: Settings,
    year: Annotated[
        Year | None,
        Query(description="The year shown (1949 … 2100); default the last full year."),
    ] = None,
) -> dict[str, Any]:
    """What the public portal shows: aggregates only, counts under 5 suppressed.

    **Who:** anyone, no token needed.

    **Errors:** 422: ``year`` out of range."""
    return portal_stats(session, settings.current_day(), year).as_dict()
