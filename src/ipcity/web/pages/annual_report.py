"""The annual work report from the web (office admins and leaders): the form queues a
background job (``ipcity.reports.jobs``); the page lists the jobs with their progress,
polling while one is queued or running, and keeps each finished file for download. The web
request never builds a report itself: a PDF takes seconds."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ipcity.evaluation.asof import (
    IncompleteYear,
    last_complete_year,
    require_complete_year,
    year_coverage,
)
from ipcity.reports.jobs import (
    BAD_INPUT,
    ERROR,
    INTERRUPTED,
    NO_WAREHOUSE,
    ReportJob,
    ReportWorker,
    do_request_report,
    list_report_jobs,
    report_file,
)
from ipcity.web.config import WebSettings
from ipcity.web.deps import Db, View, reads_before_writing
from ipcity.web.forms import attempt_write
from ipcity.web.i18n import N_, _
from ipcity.web.params import DbId
from ipcity.web.routing import page_router
from ipcity.web.templating import add_flash
from ipcity.web.warehouse import maybe_warehouse, open_warehouse
from ipcity.workspace import queries
from ipcity.workspace.db import Database
from ipcity.workspace.permissions import Cap, require

router = page_router()
FORMATS = ("html", "docx", "pdf")
REPORT_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'"
)
STATE_LABELS = {
    "queued": N_("Waiting"),
    "running": N_("Being made"),
    "done": N_("Ready"),
    "failed": N_("Failed"),
}
FAILURE_LABELS = {
    NO_WAREHOUSE: N_("No warehouse is available: load the data and try again."),
    BAD_INPUT: N_("The report could not be made from these data."),
    INTERRUPTED: N_("The server stopped while the report was being made: make it again."),
    ERROR: N_("The report could not be made."),
}
_start_lock = threading.Lock()


def report_builder(
    settings: WebSettings,
) -> Callable[[Session, ReportJob, Callable[[int], None]], tuple[str, bytes]]:
    """The job's work: the figures through the report's one entry point
    (``gather_report_data``), then the file."""

    def build(
        session: Session, job: ReportJob, progress: Callable[[int], None]
    ) -> tuple[str, bytes]:
        # The report's composition loads with the first report, not with the app (start-up).
        from ipcity.reports.build import build_report_bytes, default_filename
        from ipcity.reports.gather import default_as_of, gather_report_data

        today = settings.current_day()  # the app's date (the demo fixes it), not the clock's
        with open_warehouse(settings) as wh:
            progress(10)
            data = gather_report_data(
                wh,
                session,
                job.year,
                as_of=job.as_of or default_as_of(job.year, today),
                report_date=today,
                today=today,
            )
        progress(50)
        body = build_report_bytes(data, job.lang, job.fmt, plotly_src="/static/plotly.min.js")
        return default_filename(data, job.lang, job.fmt), body

    return build


def start_report_worker(db: Database, settings: WebSettings, max_workers: int = 1) -> ReportWorker:
    """The app's worker (created with the app): jobs a stopped server left behind are resumed
    or marked failed."""
    worker = ReportWorker(db, report_builder(settings), max_workers=max_workers)
    worker.recover()
    return worker


def _worker(request: Request) -> ReportWorker:
    app = request.app
    with _start_lock:
        worker: ReportWorker | None = getattr(app.state, "report_worker", None)
        if worker is None:
            worker = start_report_worker(app.state.db, app.state.settings)
            app.state.report_worker = worker
    return worker


def _state_label(state: str) -> str:
    return _(STATE_LABELS.get(state) or state)


def _failure_label(failure: str) -> str:
    return _(FAILURE_LABELS.get(failure) or FAILURE_LABELS[ERROR])


def _jobs_context(v: View) -> dict[str, object]:
    jobs = list_report_jobs(v.session, v.actor)
    return {
        "jobs": jobs,
        "polling": any(j.active for j in jobs),
        "state_label": _state_label,
        "failure_label": _failure_label,
    }


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
            **_jobs_context(v),
        },
    )


@router.get("/annual-report/jobs", response_class=HTMLResponse)
def annual_report_jobs(v: View) -> Response:
    """The job list alone (htmx polls it while a job is queued or running)."""
    require(v.actor, Cap.VIEW_ALL_REPORTS)
    return v.render("evaluation/_report_jobs.html", _jobs_context(v))


@router.post("/annual-report/jobs", response_class=HTMLResponse)
@reads_before_writing
def request_report(
    v: View,
    db: Db,
    year: Annotated[str, Form()] = "",
    report_lang: Annotated[str, Form()] = "zh",
    format: Annotated[str, Form()] = "pdf",
    as_of: Annotated[str, Form()] = "",
) -> Response:
    require(v.actor, Cap.VIEW_ALL_REPORTS)
    refusal = _incomplete_year(v, year)
    if refusal is not None:  # an empty or partial year: said now, not as a failed job
        add_flash(v.request, refusal, "error")
        return RedirectResponse("/annual-report#jobs", status_code=303)
    actor = v.actor
    data = {"year": year, "lang": report_lang, "format": format, "as_of": as_of}
    outcome = attempt_write(db, lambda s: do_request_report(s, actor, data).id)
    if outcome.error is not None:
        add_flash(v.request, outcome.error.message(v.ws_locale), "error")
    else:
        assert outcome.value is not None
        _worker(v.request).submit(outcome.value)  # after the commit: the worker sees the job
        add_flash(v.request, _("The report is being made. It appears below when ready."))
    return RedirectResponse("/annual-report#jobs", status_code=303)


def _incomplete_year(v: View, year: str) -> str | None:
    """The as-of rule's refusal of ``year`` in the user's language (None: a complete year, or
    not a year at all, which the job request itself refuses)."""
    text = year.strip()
    if not text.isdecimal() or len(text) != 4:
        return None
    with maybe_warehouse(v.settings) as wh:
        if wh is None:
            return None
        try:
            require_complete_year(wh, int(text), v.today)
        except IncompleteYear as exc:
            return exc.message(v.ws_locale)
    return None


@router.get("/annual-report/jobs/{job_id}/file")
def download_report(v: View, job_id: DbId) -> Response:
    job, body = report_file(v.session, v.actor, job_id)
    from ipcity.reports.build import MEDIA_TYPES  # loads with the first report (start-up)

    media = MEDIA_TYPES[job.fmt]
    disposition = "inline" if job.fmt == "html" else "attachment"
    headers = {"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(job.file_name)}"}
    if job.fmt == "html":
        # Shown in the browser: the report draws its charts with inline scripts (its own).
        headers["Content-Security-Policy"] = REPORT_CSP
    return Response(body, media_type=media, headers=headers)
