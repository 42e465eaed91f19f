"""Report generation as a background job: the web request queues a job and returns; a worker
thread builds the file (a PDF takes seconds) and keeps it in the database for download.

State lives in ``report_jobs``: queued -> running -> done | failed, with a progress percentage
the page polls. Concurrency is bounded by the worker pool (one report at a time by default,
on a 2-core intranet server). A second request for the same report while one is queued or
running joins it instead of building it twice. The CLI ``ipcity report`` stays synchronous.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ipcity.errors import IpcityError
from ipcity.reports.job_model import (
    ACTIVE,
    BAD_INPUT,
    DONE,
    ERROR,
    FAILED,
    INTERRUPTED,
    NO_WAREHOUSE,
    QUEUED,
    RUNNING,
    ReportJob,
)
from ipcity.workspace import audit
from ipcity.workspace.actions._common import Field, a_date, choice, integer, parse_fields
from ipcity.workspace.errors import NotFound
from ipcity.workspace.models import record_now, utcnow
from ipcity.workspace.permissions import Actor, Cap, require

if TYPE_CHECKING:
    from ipcity.workspace.db import Database

log = logging.getLogger(__name__)
__all__ = [
    "ACTIVE",
    "BAD_INPUT",
    "DONE",
    "ERROR",
    "FAILED",
    "INTERRUPTED",
    "NO_WAREHOUSE",
    "QUEUED",
    "RUNNING",
    "ReportJob",
    "ReportWorker",
    "do_request_report",
]

REQUEST_FIELDS = {
    "year": Field(integer(1990, 2100), required=True),
    "lang": Field(choice(("zh", "en")), required=True),
    "format": Field(choice(("docx", "pdf", "html")), required=True),
    "as_of": Field(a_date),
}


def do_request_report(session: Session, actor: Actor, data: dict[str, Any]) -> ReportJob:
    """Queue a report (or join the same one already queued or running). Audited."""
    require(actor, Cap.VIEW_ALL_REPORTS)
    f = parse_fields(data, REQUEST_FIELDS, partial=False)
    same = session.scalars(
        select(ReportJob)
        .where(
            ReportJob.state.in_(ACTIVE),
            ReportJob.year == f["year"],
            ReportJob.lang == f["lang"],
            ReportJob.fmt == f["format"],
            ReportJob.as_of.is_(None) if f.get("as_of") is None else ReportJob.as_of == f["as_of"],
        )
        .order_by(ReportJob.id)
        .limit(1)
    ).first()
    if same is not None:
        return same
    job = ReportJob(
        year=f["year"],
        lang=f["lang"],
        fmt=f["format"],
        as_of=f.get("as_of"),
        state=QUEUED,
        progress=0,
        requested_by=actor.user_id,
        requested_at=record_now(),  # the app's clock, as the audit entry and the page's day
    )
    session.add(job)
    session.flush()
    audit.record(
        session, actor, "report.request", "report_job", job.id, before=None, after=job.as_dict()
    )
    return job


def list_report_jobs(session: Session, actor: Actor, limit: int = 20) -> list[ReportJob]:
    require(actor, Cap.VIEW_ALL_REPORTS)
    return list(session.scalars(select(ReportJob).order_by(ReportJob.id.desc()).limit(limit)))


def get_report_job(session: Session, actor: Actor, job_id: int) -> ReportJob:
    require(actor, Cap.VIEW_ALL_REPORTS)
    job = session.get(ReportJob, job_id)
    if job is None:
        raise NotFound("report_job", job_id)
    return job


def report_file(session: Session, actor: Actor, job_id: int) -> tuple[ReportJob, bytes]:
    """A finished job and its file; NotFound while it is not done."""
    job = get_report_job(session, actor, job_id)
    if job.state != DONE or job.content is None:
        raise NotFound("report_job", job_id)
    return job, job.content


# ---------------------------------------------------------------- the worker

Builder = Callable[[Session, ReportJob, Callable[[int], None]], tuple[str, bytes]]


def _set(db: Database, job_id: int, **values: Any) -> None:
    with db.write() as s:
        job = s.get(ReportJob, job_id)
        if job is not None:
            for k, v in values.items():
                setattr(job, k, v)


class ReportWorker:
    """Runs queued jobs on a bounded pool of threads. ``build(session, job, progress)``
    returns (file name, bytes); an IpcityError fails the job with its message."""

    def __init__(self, db: Database, build: Builder, max_workers: int = 1) -> None:
        self.db = db
        self.build = build
        self.pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="report")
        self.lock = threading.Lock()

    def recover(self) -> None:
        """At start-up: a job left running by a stopped server failed; queued ones run."""
        with self.db.write() as s:
            for job in s.scalars(select(ReportJob).where(ReportJob.state == RUNNING)):
                job.state, job.failure, job.finished_at = FAILED, INTERRUPTED, utcnow()
            queued = list(s.scalars(select(ReportJob.id).where(ReportJob.state == QUEUED)))
        for job_id in queued:
            self.submit(job_id)

    def submit(self, job_id: int) -> None:
        self.pool.submit(self.run, job_id)

    def run(self, job_id: int) -> None:
        with self.db.write() as s:
            job = s.get(ReportJob, job_id)
            if job is None or job.state != QUEUED:
                return  # joined by an earlier submit, or already handled
            job.state, job.progress, job.started_at = RUNNING, 5, utcnow()
        try:
            with self.db.read() as s:
                job = s.get(ReportJob, job_id)
                assert job is not None
                name, content = self.build(
                    s, job, lambda pct: _set(self.db, job_id, progress=max(5, min(pct, 99)))
                )
        except Exception as exc:  # the job records why; the server goes on
            failure, detail = classify(exc)
            if failure == ERROR:
                log.exception("report job %s failed", job_id)
            _set(
                self.db,
                job_id,
                state=FAILED,
                failure=failure,
                detail=detail[:500],
                finished_at=utcnow(),
            )
            return
        _set(
            self.db,
            job_id,
            state=DONE,
            progress=100,
            content=content,
            size=len(content),
            file_name=name,
            finished_at=utcnow(),
        )

    def shutdown(self, *, cancel_pending: bool = True) -> None:
        """Wait for the running job; jobs still queued stay queued in the database (the next
        start runs them) unless ``cancel_pending`` is False: then they run first."""
        self.pool.shutdown(wait=True, cancel_futures=cancel_pending)


def classify(exc: BaseException) -> tuple[str, str]:
    from ipcity.workspace.errors import NoWarehouse

    if isinstance(exc, NoWarehouse):
        return NO_WAREHOUSE, str(exc)
    if isinstance(exc, IpcityError):
        return BAD_INPUT, str(exc)
    return ERROR, type(exc).__name__
