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
from ipcity.web.deps import ApiActor, Db, DbSession, Settings, reads_before_writing
from ipcity.web.i18n import ws_locale
from ipcity.web.params import DbId, Offset, Version, Year
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
    year: Annotated[Year | None, Query(description="received in this year")] = None,
    closed_year: Annotated[Year | None, Query()] = None,
    unit_id: Annotated[DbId | None, Query()] = None,
    kind: Annotated[CaseKindCode | None, Query()] = None,
    ip_type: Annotated[IpTypeCode | None, Query()] = None,
    status_: Annotated[str | None, Query(alias="status", pattern="^(open|closed)$")] = None,
    district: Annotated[str | None, Query()] = None,
    view: Annotated[str, Query(pattern="^(all|owned|shared)$")] = "all",
    q: Annotated[
        str | None, Query(description="case number, or a party the caller may see")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[Offset, Query()] = 0,
) -> CaseList:
    """The cases the caller may see, newest receipt first."""
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
    file: Annotated[UploadFile | None, File()] = None,
    unit_id: Annotated[DbId | None, Form()] = None,
    kind: Annotated[str | None, Form()] = None,
    sheet: Annotated[str | None, Form()] = None,
    dry_run: Annotated[bool, Query()] = False,
    token: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """Multipart: ``file`` (XLSX/CSV), ``unit_id`` (a unit editor's own by default),
    ``kind`` for rows without 案件类型, ``sheet``. ``?dry_run=true`` returns the preview and
    writes nothing: ``{"add", "update": [{"code", "changes": {field: {"from", "to"}}}],
    "unchanged", "skipped", "warnings", "errors", "token"}`` (bad rows: 200 with them in
    ``errors``). Without it the import is applied, all or nothing (bad rows: 422 with
    ``row_errors``); with ``token`` (the dry run's) only if it still does exactly what was
    previewed (else 409). The sheet is read and checked before the write transaction opens."""
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
def get_one(case_id: DbId, request: Request, session: DbSession, actor: ApiActor) -> CaseDetail:
    """One case with its referral history."""
    view = get_case(session, actor, case_id)
    body = view.as_dict(ws_locale(request.state.locale))
    body["history"] = [h.as_dict() for h in case_history(session, actor, case_id)]
    return CaseDetail.model_validate(body)


@router.patch("/cases/{case_id}", response_model=CasePublic)
def update_case(
    case_id: DbId,
    body: CaseUpdate,
    request: Request,
    session: DbSession,
    actor: ApiActor,
    settings: Settings,
) -> CasePublic:
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
    case_id: DbId,
    session: DbSession,
    actor: ApiActor,
    settings: Settings,
    version: Annotated[Version, Query()],
) -> Response:
    """A case recorded by mistake; ``?version=`` as for updates."""
    do_delete_case(session, actor, case_id, expected_version=version, today=settings.current_day())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/cases/{case_id}/transfer", response_model=CasePublic)
def transfer_case(
    case_id: DbId,
    body: TransferIn,
    request: Request,
    session: DbSession,
    actor: ApiActor,
    settings: Settings,
) -> CasePublic:
    """Move the case to another unit (the caller's unit keeps a masked read view)."""
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
    case_id: DbId, body: JointIn, request: Request, session: DbSession, actor: ApiActor
) -> CasePublic:
    view = do_add_joint_unit(
        session, actor, case_id, expected_version=body.version, unit_id=body.unit_id, note=body.note
    )
    return _public(view, request)


@router.delete("/cases/{case_id}/joint/{unit_id}", response_model=CasePublic)
def remove_joint(
    case_id: DbId,
    unit_id: DbId,
    request: Request,
    session: DbSession,
    actor: ApiActor,
    version: Annotated[Version, Query()],
) -> CasePublic:
    view = do_remove_joint_unit(session, actor, case_id, expected_version=version, unit_id=unit_id)
    return _public(view, request)


@router.get("/protection/indicators")
def indicators(
    session: DbSession,
    actor: ApiActor,
    settings: Settings,
    year: Annotated[list[Year], Query()],
    by: Annotated[
        str,
        Query(description="unit, district, kind, ip_type, comma-separated", pattern=BY_DIMENSIONS),
    ] = "",
    indicator: Annotated[list[ProtectionIndicator] | None, Query()] = None,
    as_of: Annotated[date | None, Query()] = None,
) -> dict[str, Any]:
    """Protection indicators (docs/protection.md): the office and leaders see every unit, a
    unit editor its own unit's; the public gets 403 (see /protection/public)."""
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
    year: Annotated[Year, Query()],
    as_of: Annotated[date | None, Query()] = None,
) -> dict[str, Any]:
    """The self-assessment of the city and each district with the breakdown (office,
    leaders)."""
    day = as_of or min(date(year, 12, 31), settings.current_day())
    return self_assessment(session, actor, year, as_of=day).as_dict()


@router.get("/protection/public")
def public(
    session: DbSession,
    settings: Settings,
    year: Annotated[Year | None, Query()] = None,
) -> dict[str, Any]:
    """What the public portal shows: aggregates only, counts under 5 suppressed."""
    return portal_stats(session, settings.current_day(), year).as_dict()
