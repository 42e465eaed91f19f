"""Report generation as a background job, on SQLite and PostgreSQL: queued -> running -> done
with the file kept in the database; a failing job says why; a second request for the same
report joins the first; the pool runs one report at a time; a job a stopped server left
running is marked failed at start-up and a queued one runs (issue 12, problem 9)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from ipcity.reports.jobs import (
    DONE,
    FAILED,
    INTERRUPTED,
    NO_WAREHOUSE,
    QUEUED,
    RUNNING,
    ReportJob,
    ReportWorker,
    do_request_report,
    list_report_jobs,
    report_file,
)
from ipcity.web.config import WebSettings
from ipcity.web.pages.annual_report import report_builder
from ipcity.workspace.db import Database
from ipcity.workspace.errors import NotFound, PermissionDenied, ValidationError
from ipcity.workspace.permissions import Actor, Role, system_actor
from tests.support.dbtest import backend_database

pytestmark = pytest.mark.slow
TODAY = date(2023, 6, 30)


@pytest.fixture(scope="module")
def warehouse_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ipcity.samplecity.generator import generate
    from ipcity.warehouse.ingest import ingest
    from ipcity.warehouse.store import Warehouse

    root = tmp_path_factory.mktemp("jobs-wh")
    generate(root / "city", scale=0.005, seed=7)
    with Warehouse(root / "wh") as wh:
        assert ingest(wh, [root / "city"]).ok
    return root / "wh"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    from ipcity.demo.workspace_seed import seed_demo

    with backend_database(request.param, tmp_path, "rjobs") as database:
        with database.write() as s:
            seed_demo(s, today=TODAY)
        yield database


def office(db: Database) -> Actor:
    from ipcity.workspace.queries import get_user_by_name

    with db.read() as s:
        return Actor.from_user(get_user_by_name(s, system_actor(), "office"))


def request(db: Database, actor: Actor, **data: object) -> int:
    with db.write() as s:
        return do_request_report(s, actor, {"lang": "zh", "format": "html", **data}).id


def job(db: Database, job_id: int) -> ReportJob:
    with db.read() as s:
        j = s.get(ReportJob, job_id)
        assert j is not None
        return j


def test_a_job_runs_to_done_and_the_file_is_kept(db: Database, warehouse_dir: Path) -> None:
    actor = office(db)
    job_id = request(db, actor, year=2022, format="pdf")
    assert job(db, job_id).state == QUEUED and job(db, job_id).progress == 0
    worker = ReportWorker(db, report_builder(WebSettings(warehouse=warehouse_dir, today=TODAY)))
    worker.submit(job_id)
    worker.shutdown(cancel_pending=False)  # waits for the job
    done = job(db, job_id)
    assert (done.state, done.progress, done.failure) == (DONE, 100, "")
    assert done.file_name == "ipcity-report-2022-zh.pdf" and done.size > 10_000
    assert done.started_at is not None and done.finished_at is not None
    with db.read() as s:  # kept: downloadable after the worker is gone
        kept, body = report_file(s, actor, job_id)
    assert body[:5] == b"%PDF-" and len(body) == kept.size


def test_a_failing_job_says_why_and_the_server_goes_on(db: Database, tmp_path: Path) -> None:
    actor = office(db)
    job_id = request(db, actor, year=2022)
    settings = WebSettings(warehouse=tmp_path / "no-warehouse-here", today=TODAY)
    worker = ReportWorker(db, report_builder(settings))
    worker.submit(job_id)
    worker.shutdown(cancel_pending=False)
    failed = job(db, job_id)
    assert (failed.state, failed.failure) == (FAILED, NO_WAREHOUSE)
    assert failed.finished_at is not None
    with db.read() as s, pytest.raises(NotFound):
        report_file(s, actor, job_id)  # no file for a failed job


def test_a_second_request_joins_the_first_and_the_pool_runs_one_at_a_time(
    db: Database, warehouse_dir: Path
) -> None:
    actor = office(db)
    first = request(db, actor, year=2022)
    assert request(db, actor, year=2022) == first  # the same report: not built twice
    other = request(db, actor, year=2022, lang="en")
    assert other != first
    worker = ReportWorker(
        db, report_builder(WebSettings(warehouse=warehouse_dir, today=TODAY)), max_workers=1
    )
    worker.submit(first)
    worker.submit(first)  # a duplicate submit finds the job no longer queued
    worker.submit(other)
    worker.shutdown(cancel_pending=False)
    a, b = job(db, first), job(db, other)
    assert a.state == b.state == DONE
    assert a.finished_at is not None and b.started_at is not None
    assert b.started_at >= a.finished_at  # bounded: one report at a time
    assert request(db, actor, year=2022) not in (first, other)  # done: a new request builds anew


def test_start_up_fails_interrupted_jobs_and_runs_queued_ones(
    db: Database, warehouse_dir: Path
) -> None:
    actor = office(db)
    stuck = request(db, actor, year=2022)
    waiting = request(db, actor, year=2022, lang="en")
    with db.write() as s:
        j = s.get(ReportJob, stuck)
        assert j is not None
        j.state = RUNNING
    worker = ReportWorker(db, report_builder(WebSettings(warehouse=warehouse_dir, today=TODAY)))
    worker.recover()
    worker.shutdown(cancel_pending=False)
    assert (job(db, stuck).state, job(db, stuck).failure) == (FAILED, INTERRUPTED)
    assert job(db, waiting).state == DONE


def test_only_the_office_and_leaders_request_reports(db: Database) -> None:
    editor = Actor(role=Role.UNIT_EDITOR, user_id=None, username="x", unit_id=1)
    with db.write() as s, pytest.raises(PermissionDenied):
        do_request_report(s, editor, {"year": 2022, "lang": "zh", "format": "pdf"})
    with db.read() as s, pytest.raises(PermissionDenied):
        list_report_jobs(s, editor)


def test_bad_requests_are_refused_field_by_field(db: Database) -> None:
    for data in (
        {"year": "twenty", "lang": "zh", "format": "pdf"},
        {"year": 2022, "lang": "fr", "format": "pdf"},
        {"year": 2022, "lang": "zh", "format": "odt"},
        {"year": 2022, "lang": "zh", "format": "pdf", "as_of": "30/06/2023"},
    ):
        with db.write() as s, pytest.raises(ValidationError):
            do_request_report(s, office(db), data)
    with db.read() as s:
        assert list_report_jobs(s, office(db)) == []
