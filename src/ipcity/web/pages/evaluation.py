"""Mid-term evaluation of a plan and the annual work report (office admins and leaders).

Both read every unit's reports, so both need ``view_all_reports``. The warehouse is optional
for the evaluation (without it the stored computed snapshots are used, and the page says so);
the annual report cannot be made without it (the page shows the NoWarehouse message)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import Query
from fastapi.responses import HTMLResponse, Response

from ipcity.errors import InputError
from ipcity.evaluation.asof import (
    IncompleteYear,
    as_of_for_year,
    last_complete_year,
    year_coverage,
)
from ipcity.evaluation.gather import find_plan, gather_plan_input, plan_for_year
from ipcity.evaluation.midterm import status_label
from ipcity.evaluation.plan import evaluate_plan
from ipcity.reports.numbers import fmt_percent
from ipcity.web.deps import View
from ipcity.web.errors import WebError, error_page
from ipcity.web.i18n import N_, _
from ipcity.web.nav import NavItem, with_cap
from ipcity.web.params import Year
from ipcity.web.routing import page_router
from ipcity.web.warehouse import maybe_warehouse, open_warehouse
from ipcity.workspace import queries
from ipcity.workspace.permissions import Cap, require

router = page_router()
NAV = (
    NavItem("/evaluation", N_("Evaluation"), order=50, visible=with_cap(Cap.VIEW_ALL_REPORTS)),
    NavItem(
        "/annual-report", N_("Annual report"), order=55, visible=with_cap(Cap.VIEW_ALL_REPORTS)
    ),
)
FORMATS = ("html", "docx", "pdf")
REPORT_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'"
)


def _as_of(value: str, today: date) -> date:
    if not value.strip():
        return today
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(_("The date must look like 2023-06-30.")) from None


@router.get("/evaluation", response_class=HTMLResponse)
def evaluation(
    v: View,
    plan: Annotated[str, Query()] = "",
    as_of: Annotated[str, Query()] = "",
) -> Response:
    require(v.actor, Cap.VIEW_ALL_REPORTS)
    plans = queries.list_plans(v.session, v.actor)
    day = _as_of(as_of, v.today)
    chosen = find_plan(v.session, plan) if plan.strip() else plan_for_year(v.session, day.year)
    result = None
    has_warehouse = False
    if chosen is not None:
        with maybe_warehouse(v.settings) as wh:
            has_warehouse = wh is not None
            result = evaluate_plan(gather_plan_input(v.session, chosen, warehouse=wh), day)
    lang = v.ws_locale
    return v.render(
        "evaluation/midterm.html",
        {
            "plans": plans,
            "chosen": chosen,
            "as_of": day,
            "ev": result.as_dict() if result else None,
            "has_warehouse": has_warehouse,
            "status_label": lambda s: status_label(s, lang),
            # the report's own formatting (percent, 2 places, half up): one text per figure
            "share_text": fmt_percent,
        },
    )


@router.get("/annual-report", response_class=HTMLResponse)
def annual_report_form(v: View) -> Response:
    require(v.actor, Cap.VIEW_ALL_REPORTS)
    with maybe_warehouse(v.settings) as wh:
        has_warehouse = wh is not None
        # the default is the last year the warehouse covers completely (the as-of rule), not
        # the newest work plan's: a new year's plan has no patent data yet
        default_year = last_complete_year(wh, v.today)
        complete = {y for y, c in year_coverage(wh).items() if c.complete} if wh else set()
    years = {wp.year for wp in queries.list_work_plans(v.session, v.actor)} | complete
    years.add(default_year)
    return v.render(
        "evaluation/annual_report.html",
        {
            "has_warehouse": has_warehouse,
            "years": sorted(years, reverse=True),
            "default_year": default_year,
            "formats": FORMATS,
        },
    )


@router.get("/annual-report/download")
def annual_report(
    v: View,
    year: Annotated[Year, Query()],
    lang: Annotated[str, Query(alias="report_lang")] = "zh",
    format: Annotated[str, Query()] = "html",
) -> Response:
    from ipcity.reports.build import MEDIA_TYPES, build_report_bytes, default_filename
    from ipcity.reports.gather import gather_report_data

    require(v.actor, Cap.VIEW_ALL_REPORTS)
    if format not in FORMATS or lang not in ("zh", "en"):
        raise WebError(422, "bad_format", N_("Choose a language and a format from the list."))
    with open_warehouse(v.settings) as wh:  # NoWarehouse -> 503 with its message
        try:
            # as of the app's date (capped at 31 December): the dashboard's day
            data = gather_report_data(wh, v.session, year, as_of=as_of_for_year(year, v.today))
        except IncompleteYear as exc:
            return error_page(
                v.request, 422, _("No report for this year"), exc.message(v.ws_locale)
            )
    body = build_report_bytes(data, lang, format, plotly_src="/static/plotly.min.js")
    name = default_filename(data, lang, format)
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}
    if format == "html":
        # Shown in the browser: the report draws its charts with inline scripts (its own).
        headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
        headers["Content-Security-Policy"] = REPORT_CSP
    return Response(body, media_type=MEDIA_TYPES[format], headers=headers)
