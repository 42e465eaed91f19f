"""IP protection pages: the cases a unit handles (list, form, case page with referrals and
history, import with its error report, export), the protection indicators, the
self-assessment, and the public aggregates. Rules, masking and suppression live in
``ipcity.protection``; this module only shapes requests and pages.

For the public portal: :func:`ipcity.protection.public.portal_stats` gives what
``templates/protection/_portal_block.html`` shows (aggregates only, small counts suppressed)."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import File, Form, Query, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ipcity.errors import InputError
from ipcity.evaluation.asof import as_of_for_year, last_complete_year
from ipcity.protection import indicators as ind
from ipcity.protection import presentation, vocab
from ipcity.protection.actions import (
    do_add_joint_unit,
    do_create_case,
    do_delete_case,
    do_remove_joint_unit,
    do_transfer_case,
    do_update_case,
)
from ipcity.protection.assessment import self_assessment
from ipcity.protection.case_import import (
    CaseImportPreview,
    CaseImportResult,
    do_import_cases,
    preview_case_import,
    read_case_import,
)
from ipcity.protection.export import export_cases
from ipcity.protection.layout import CASE_ALIASES
from ipcity.protection.permissions import (
    EDIT_CASES,
    can_record_for_unit,
    can_view_assessment,
    limited_to_own_unit,
    own_unit,
    require_view_assessment,
    require_view_cases,
    sees_all_units,
)
from ipcity.protection.public import portal_stats
from ipcity.protection.queries import CaseFilter, CaseView, case_history, count_cases, get_case
from ipcity.protection.queries import list_cases as query_cases
from ipcity.web.deps import Db, View, reads_before_writing
from ipcity.web.forms import Outcome, attempt, attempt_write
from ipcity.web.i18n import N_, _
from ipcity.web.nav import NavItem, logged_in
from ipcity.web.params import DbId, PageNo, form_version, lenient_int, query_id, query_year
from ipcity.web.routing import page_router
from ipcity.web.schemas.protection import CaseCreateForm, CaseEditForm
from ipcity.web.templating import add_flash
from ipcity.web.uploads import read_sheet_upload
from ipcity.web.warehouse import maybe_warehouse
from ipcity.web.web_error import WebError
from ipcity.workspace import queries
from ipcity.workspace.actions.imports import (
    drop_pending_import,
    load_pending_import,
    store_pending_import,
)
from ipcity.workspace.errors import PermissionDenied, WorkspaceError
from ipcity.workspace.permissions import Actor

router = page_router()
NAV = (
    NavItem(
        "/protection/cases", N_("IP protection"), order=45, visible=logged_in, prefix="/protection"
    ),
)

PAGE_SIZE = 50
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _vocab(v: View) -> dict[str, Any]:
    loc = v.ws_locale
    return {
        "kinds": [(t.code, t.label(loc)) for t in vocab.KINDS],
        "ip_types": [(t.code, t.label(loc)) for t in vocab.IP_TYPES],
        "outcomes": [(t.code, t.label(loc)) for t in vocab.OUTCOMES],
        "kind_label": lambda c: vocab.kind_label(c, loc),
        "ip_label": lambda c: vocab.ip_type_label(c, loc),
        "outcome_label": lambda c: vocab.outcome_label(c, loc) if c else "",
        "wsloc": loc,
    }


def _districts(v: View) -> list[Any]:
    return [u for u in queries.list_units(v.session, v.actor) if u.kind == "district"]


def _recordable_units(v: View) -> list[Any]:
    """The units the actor may record cases for (office: all; unit editor: its own)."""
    units = queries.list_units(v.session, v.actor)
    return [u for u in units if can_record_for_unit(v.actor, u.id)]


def _filters(
    year: str | None,
    kind: str | None,
    ip_type: str | None,
    status: str | None,
    district: str | None,
    unit: str | None,
    view: str | None,
    q: str | None,
) -> CaseFilter:
    return CaseFilter(
        unit_id=query_id(unit, "unit"),
        received_year=query_year(year),
        kind=kind if kind in vocab.KIND_CODES else None,
        ip_type=ip_type if ip_type in vocab.IP_TYPE_CODES else None,
        status=status if status in ("open", "closed") else None,
        district=district or None,
        search=(q or "").strip() or None,
        view=view if view in ("owned", "shared") else "all",
    )


def _query(f: CaseFilter, **extra: Any) -> str:
    params = {
        "year": f.received_year,
        "kind": f.kind,
        "ip_type": f.ip_type,
        "status": f.status,
        "district": f.district,
        "unit": f.unit_id,
        "view": None if f.view == "all" else f.view,
        "q": f.search,
        **extra,
    }
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


# --- the case list ------------------------------------------------------------------------------


@router.get("/protection/cases", response_class=HTMLResponse)
def case_list(
    v: View,
    year: Annotated[str | None, Query()] = None,
    kind: Annotated[str | None, Query()] = None,
    ip_type: Annotated[str | None, Query()] = None,
    status: Annotated[str | None, Query()] = None,
    district: Annotated[str | None, Query()] = None,
    unit: Annotated[str | None, Query()] = None,
    view: Annotated[str | None, Query()] = None,
    q: Annotated[str | None, Query()] = None,
    page: Annotated[PageNo, Query()] = 1,
) -> Response:
    require_view_cases(v.actor)
    f = _filters(year, kind, ip_type, status, district, unit, view, q)
    total = count_cases(v.session, v.actor, f)
    rows = query_cases(v.session, v.actor, f, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    context = {
        "rows": rows,
        "f": f,
        "total": total,
        "page": page,
        "pages": pages,
        "query": _query(f),
        "units": queries.list_units(v.session, v.actor) if sees_all_units(v.actor) else [],
        "districts": _districts(v),
        "years": list(reversed(ind.case_years(v.session))) or [v.today.year],
        "can_record": bool(_recordable_units(v)),
        "can_assess": can_view_assessment(v.actor),
        "is_editor": limited_to_own_unit(v.actor),
        **_vocab(v),
    }
    template = "protection/_case_table.html" if v.is_htmx else "protection/cases.html"
    return v.render(template, context)


@router.get("/protection/cases/export")
def case_export(
    v: View,
    format: str = "xlsx",
    year: Annotated[str | None, Query()] = None,
    kind: Annotated[str | None, Query()] = None,
    ip_type: Annotated[str | None, Query()] = None,
    status: Annotated[str | None, Query()] = None,
    district: Annotated[str | None, Query()] = None,
    unit: Annotated[str | None, Query()] = None,
    view: Annotated[str | None, Query()] = None,
    q: Annotated[str | None, Query()] = None,
) -> Response:
    """The filtered list in the import layout, masked as the viewer must see it."""
    if format not in MEDIA:
        raise WebError(422, "bad_format", N_("Choose XLSX or CSV."))
    f = _filters(year, kind, ip_type, status, district, unit, view, q)
    data = export_cases(v.session, v.actor, f, fmt=format)
    name = quote(f"知识产权保护案件-{v.today.isoformat()}.{format}")
    return Response(
        data,
        media_type=MEDIA[format],
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{name}",
            "Cache-Control": "private, no-store",
        },
    )


# --- recording a case ---------------------------------------------------------------------------


def _new_page(
    v: View,
    form: dict[str, Any],
    error: WorkspaceError | None = None,
    status_code: int = 200,
) -> Response:
    units = _recordable_units(v)
    if not units:
        raise PermissionDenied(EDIT_CASES)
    return v.render(
        "protection/case_new.html",
        {
            "units": units,
            "districts": _districts(v),
            "form": form,
            "error": error,
            **_vocab(v),
        },
        status_code=status_code,
    )


@router.get("/protection/cases/new", response_class=HTMLResponse)
def new_case_form(v: View) -> Response:
    require_view_cases(v.actor)
    unit_id = own_unit(v.actor)
    return _new_page(v, {"unit_id": unit_id, "received_on": v.today.isoformat()})


@router.post("/protection/cases", response_class=HTMLResponse)
def create_case(v: View, form: Annotated[CaseCreateForm, Form()]) -> Response:
    data = form.case_data()
    own = own_unit(v.actor)  # the action defaults to it too; the form shown again keeps it
    data["unit_id"] = form.unit_id or ("" if own is None else own)
    outcome_ = attempt(v.session, lambda: do_create_case(v.session, v.actor, data, today=v.today))
    if outcome_.error is not None or outcome_.value is None:
        assert outcome_.error is not None
        if isinstance(outcome_.error, PermissionDenied):
            raise outcome_.error
        return _new_page(v, data, outcome_.error, outcome_.error.http_status)
    add_flash(v.request, _("Case %(no)s was recorded.") % {"no": outcome_.value.case_no})
    return RedirectResponse(f"/protection/cases/{outcome_.value.id}", status_code=303)


# --- one case -----------------------------------------------------------------------------------


def _case_form(c: CaseView) -> dict[str, Any]:
    def money(x: Any) -> str:
        return "" if x is None else f"{x:f}"

    return {
        "case_no": c.case_no,
        "kind": c.kind,
        "ip_type": c.ip_type,
        "cause": c.cause,
        "received_on": c.received_on.isoformat(),
        "closed_on": c.closed_on.isoformat() if c.closed_on else "",
        "outcome": c.outcome or "",
        "outcome_text": c.outcome_text,
        "district": c.district or "",
        "claimants": c.claimants,
        "respondents": c.respondents,
        "amount_claimed": money(c.amount_claimed),
        "amount_awarded": money(c.amount_awarded),
        "fines": money(c.fines),
        "value_seized": money(c.value_seized),
        "cross_region_note": c.cross_region_note,
        "note": c.note,
        "foreign_related": c.foreign_related,
        "cross_region": c.cross_region,
        "version": c.version,
    }


def _show_case(
    v: View,
    case_id: DbId,
    *,
    error: WorkspaceError | None = None,
    form: dict[str, Any] | None = None,
    form_name: str = "",
    status_code: int = 200,
) -> Response:
    c = get_case(v.session, v.actor, case_id)
    units = queries.list_units(v.session, v.actor)
    joint = {p.unit_id for p in c.participants if p.role == "joint"}
    return v.render(
        "protection/case.html",
        {
            "c": c,
            "history": case_history(v.session, v.actor, case_id),
            "form": form if form is not None else _case_form(c),
            "form_name": form_name,
            "error": error,
            "districts": _districts(v),
            "transfer_units": [u for u in units if u.id != c.unit_id],
            "joint_candidates": [u for u in units if u.id != c.unit_id and u.id not in joint],
            **_vocab(v),
        },
        status_code=status_code,
    )


@router.get("/protection/cases/{case_id}", response_class=HTMLResponse)
def case_page(v: View, case_id: DbId) -> Response:
    return _show_case(v, case_id)


@router.post("/protection/cases/{case_id}/edit", response_class=HTMLResponse)
def edit_case(v: View, case_id: DbId, form: Annotated[CaseEditForm, Form()]) -> Response:
    changes = form.case_data()
    version = form.version
    expected = form_version(version)
    outcome_ = attempt(
        v.session,
        lambda: do_update_case(
            v.session, v.actor, case_id, expected_version=expected, changes=changes, today=v.today
        ),
    )
    if outcome_.error is not None:
        return _after_refusal(v, case_id, outcome_.error, changes | {"version": version}, "edit")
    add_flash(v.request, _("The case was saved."))
    return RedirectResponse(f"/protection/cases/{case_id}", status_code=303)


def _after_refusal(
    v: View, case_id: DbId, error: WorkspaceError, form: dict[str, Any] | None, name: str
) -> Response:
    """A refused change: rights and hidden rows answer as such; anything else shows the case
    page again with the error and the user's input."""
    if error.http_status in (403, 404):
        raise error
    return _show_case(
        v, case_id, error=error, form=form, form_name=name, status_code=error.http_status
    )


@router.post("/protection/cases/{case_id}/delete", response_class=HTMLResponse)
def delete_case(v: View, case_id: DbId, version: Annotated[str, Form()] = "") -> Response:
    expected = form_version(version)
    outcome_ = attempt(
        v.session,
        lambda: do_delete_case(
            v.session, v.actor, case_id, expected_version=expected, today=v.today
        ),
    )
    if outcome_.error is not None:
        return _after_refusal(v, case_id, outcome_.error, None, "delete")
    add_flash(v.request, _("The case was deleted."))
    return RedirectResponse("/protection/cases", status_code=303)


@router.post("/protection/cases/{case_id}/transfer", response_class=HTMLResponse)
def transfer_case(
    v: View,
    case_id: DbId,
    version: Annotated[str, Form()] = "",
    to_unit_id: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    expected = form_version(version)
    target = lenient_int(to_unit_id) or 0
    outcome_ = attempt(
        v.session,
        lambda: do_transfer_case(
            v.session,
            v.actor,
            case_id,
            expected_version=expected,
            to_unit_id=target,
            note=note,
            today=v.today,
        ),
    )
    if outcome_.error is not None:
        return _after_refusal(v, case_id, outcome_.error, None, "transfer")
    add_flash(v.request, _("The case was transferred."))
    return RedirectResponse(f"/protection/cases/{case_id}", status_code=303)


def _joint_change(
    v: View, case_id: DbId, version: str, unit_id: str, note: str, action: Any, done: str
) -> Response:
    """Add or remove a unit handling the case jointly (the two forms differ in action only)."""
    expected = form_version(version)
    unit = lenient_int(unit_id) or 0
    outcome_ = attempt(
        v.session,
        lambda: action(
            v.session, v.actor, case_id, expected_version=expected, unit_id=unit, note=note
        ),
    )
    if outcome_.error is not None:
        return _after_refusal(v, case_id, outcome_.error, None, "joint")
    add_flash(v.request, done)
    return RedirectResponse(f"/protection/cases/{case_id}", status_code=303)


@router.post("/protection/cases/{case_id}/joint", response_class=HTMLResponse)
def add_joint(
    v: View,
    case_id: DbId,
    version: Annotated[str, Form()] = "",
    unit_id: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    done = _("The unit now handles the case jointly.")
    return _joint_change(v, case_id, version, unit_id, note, do_add_joint_unit, done)


@router.post("/protection/cases/{case_id}/joint/remove", response_class=HTMLResponse)
def remove_joint(
    v: View,
    case_id: DbId,
    version: Annotated[str, Form()] = "",
    unit_id: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    done = _("The unit no longer handles the case jointly.")
    return _joint_change(v, case_id, version, unit_id, note, do_remove_joint_unit, done)


# --- import -------------------------------------------------------------------------------------


def _import_page(v: View, context: dict[str, Any], status_code: int = 200) -> Response:
    units = _recordable_units(v)
    if not units:
        raise PermissionDenied(EDIT_CASES)
    return v.render(
        "protection/import.html",
        {
            "units": units,
            "aliases": CASE_ALIASES,
            "result": None,
            "error": None,
            "filename": "",
            "form": {},
            **_vocab(v),
            **context,
        },
        status_code=status_code,
    )


@router.get("/protection/import", response_class=HTMLResponse)
def import_form(v: View) -> Response:
    require_view_cases(v.actor)
    return _import_page(v, {})


def _unit_to_import(v: View, unit_id: str) -> int:
    """The unit whose cases the sheet holds: the form's choice, a unit editor's own by
    default; PermissionDenied for a unit the actor may not record for."""
    unit = lenient_int(unit_id) or own_unit(v.actor)
    if unit is None or not can_record_for_unit(v.actor, unit):
        raise PermissionDenied(EDIT_CASES)
    return unit


@router.post("/protection/import", response_class=HTMLResponse)
@reads_before_writing
def import_cases(
    v: View,
    db: Db,
    file: Annotated[UploadFile | None, File()] = None,
    unit_id: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    sheet: Annotated[str, Form()] = "",
) -> Response:
    """Upload → preview: nothing is imported yet; the sheet is kept until it is confirmed."""
    unit = _unit_to_import(v, unit_id)
    data, name = read_sheet_upload(file)
    actor, today = v.actor, v.today
    form = {"unit_id": unit, "kind": kind, "sheet": sheet}

    def check() -> CaseImportPreview:
        # Read and check in the request's read session; only the upload is kept in a write.
        ready = read_case_import(
            v.session,
            actor,
            unit,
            data,
            name,
            sheet=sheet or None,
            default_kind=kind or None,
            today=today,
        )
        return preview_case_import(v.session, actor, ready)

    checked = attempt(v.session, check)
    if checked.value is None:
        return _import_outcome(v, Outcome(error=checked.error), name, form)
    # The choices the apply must read the sheet with again, kept with it.
    kept_as = json.dumps({"sheet": sheet, "kind": kind}, ensure_ascii=False)
    stored = attempt_write(
        db,
        lambda s: store_pending_import(
            s, actor, kind="cases", owner_id=unit, data=data, filename=name, sheet=kept_as
        ),
    )
    if stored.value is None:
        return _import_outcome(v, Outcome(error=stored.error), name, form)
    return v.render(
        "imports/preview.html",
        {
            "kind": "cases",
            "owner": queries.get_unit(v.session, v.actor, unit),
            "preview": checked.value,
            "filename": name,
            "upload_key": stored.value,
            **_vocab(v),
        },
    )


@router.post("/protection/import/apply", response_class=HTMLResponse)
@reads_before_writing
def import_cases_apply(
    v: View,
    db: Db,
    unit_id: Annotated[str, Form()] = "",
    upload: Annotated[str, Form()] = "",
    token: Annotated[str, Form()] = "",
) -> Response:
    """Confirm → apply exactly the previewed import, or refuse when the cases changed since."""
    unit = _unit_to_import(v, unit_id)
    actor, today = v.actor, v.today
    pending = attempt(
        v.session,
        lambda: load_pending_import(v.session, actor, upload, kind="cases", owner_id=unit),
    )
    if pending.value is None:
        return _import_outcome(v, Outcome(error=pending.error), "", {"unit_id": unit})
    kept = pending.value
    name, data, choices = kept.filename, kept.data, _kept_choices(kept.sheet)
    form = {"unit_id": unit, **choices}
    checked = attempt(
        v.session,
        lambda: read_case_import(
            v.session,
            actor,
            unit,
            data,
            name,
            sheet=choices["sheet"] or None,
            default_kind=choices["kind"] or None,
            today=today,
        ),
    )
    outcome: Outcome[CaseImportResult] = Outcome(error=checked.error)
    if checked.value is not None:
        ready = checked.value

        def apply(s: Session) -> CaseImportResult:
            result = do_import_cases(
                s, actor, ready.unit_id, ready, today=today, expected_token=token
            )
            drop_pending_import(s, upload)
            return result

        outcome = attempt_write(db, apply)
    return _import_outcome(v, outcome, name, form)


def _kept_choices(raw: str) -> dict[str, str]:
    try:
        kept = json.loads(raw)
    except ValueError:
        kept = {}
    kept = kept if isinstance(kept, dict) else {}
    return {k: str(kept.get(k) or "") for k in ("sheet", "kind")}


def _import_outcome(
    v: View, outcome: Outcome[CaseImportResult], name: str, form: dict[str, Any]
) -> Response:
    return _import_page(
        v,
        {"result": outcome.value, "error": outcome.error, "filename": name, "form": form},
        status_code=outcome.error.http_status if outcome.error else 200,
    )


# --- indicators and the self-assessment ---------------------------------------------------------


def _year(value: str | None, default: int) -> int:
    y = query_year(value)
    return y if y is not None else default


def indicator_table(
    session: Session, actor: Actor, year: int, by: str, as_of: date
) -> ind.IndicatorTable:
    dims = presentation.BREAKDOWNS.get(by, ())
    return ind.indicators_for(
        session,
        actor,
        years=[year],
        by=dims,
        indicators=presentation.PAGE_INDICATORS,
        as_of=as_of,
    )


@router.get("/protection/indicators", response_class=HTMLResponse)
def indicators_page(
    v: View,
    year: Annotated[str | None, Query()] = None,
    by: Annotated[str, Query()] = "kind",
) -> Response:
    chosen = _year(year, v.today.year)
    as_of = min(date(chosen, 12, 31), v.today)
    by = by if by in presentation.BREAKDOWNS else "kind"
    table = indicator_table(v.session, v.actor, chosen, by, as_of)
    g = presentation.grid(v.session, table, v.ws_locale)
    spec = presentation.chart(g, v.ws_locale)
    return v.render(
        "protection/indicators.html",
        {
            "g": g,
            "year": chosen,
            "as_of": as_of,
            "by": by,
            "breakdowns": list(presentation.BREAKDOWNS),
            "years": list(reversed(ind.case_years(v.session))) or [v.today.year],
            "names": presentation.indicator_names(presentation.PAGE_INDICATORS, v.ws_locale),
            "chart": spec,
            "own_unit_only": limited_to_own_unit(v.actor),
            "can_assess": can_view_assessment(v.actor),
            "query": urlencode({"year": chosen, "by": by}),
        },
    )


@router.get("/protection/indicators/export")
def indicators_export(
    v: View,
    year: Annotated[str | None, Query()] = None,
    by: Annotated[str, Query()] = "kind",
) -> Response:
    chosen = _year(year, v.today.year)
    by = by if by in presentation.BREAKDOWNS else "kind"
    table = indicator_table(v.session, v.actor, chosen, by, min(date(chosen, 12, 31), v.today))
    return Response(
        table.to_csv(),
        media_type=MEDIA["csv"],
        headers={"Content-Disposition": f"attachment; filename=protection-indicators-{chosen}.csv"},
    )


@router.get("/protection/assessment", response_class=HTMLResponse)
def assessment_page(
    v: View,
    year: Annotated[str | None, Query()] = None,
    as_of: Annotated[str | None, Query()] = None,
) -> Response:
    require_view_assessment(v.actor)
    # the annual report's year and day (the as-of rule), so the score reads the same in both
    chosen = _year(year, _report_year(v))
    day = as_of_for_year(chosen, v.today)
    if as_of:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            raise InputError(_("The date %(value)s is not a date.") % {"value": as_of}) from None
    result = self_assessment(v.session, v.actor, chosen, as_of=day)
    return v.render(
        "protection/assessment.html",
        {
            "a": result,
            "year": chosen,
            "as_of": day,
            "years": list(reversed(ind.case_years(v.session))) or [v.today.year],
            "wsloc": v.ws_locale,
        },
    )


# --- the public aggregates ----------------------------------------------------------------------


def _report_year(v: View) -> int:
    """The last complete year (``ipcity.evaluation.asof``): the annual report's default."""
    with maybe_warehouse(v.settings) as wh:
        return last_complete_year(wh, v.today)


@router.get("/protection/public", response_class=HTMLResponse)
def public_page(v: View, year: Annotated[str | None, Query()] = None) -> Response:
    chosen = _year(year, v.today.year - 1)
    return v.render(
        "protection/public.html",
        {
            "protection": portal_stats(v.session, v.today, chosen),
            "years": list(range(v.today.year, v.today.year - 6, -1)),
            "year": chosen,
        },
    )
