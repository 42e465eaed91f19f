"""Progress reports on the task page: write (draft or submit), revise, submit, accept,
return; evidence downloads. Every form carries the report's version; a stale one shows the
current version instead of overwriting it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Form
from fastapi.responses import HTMLResponse, Response

from ipcity.web.deps import View
from ipcity.web.downloads import attachment_response
from ipcity.web.forms import page_again, run_then_redirect
from ipcity.web.i18n import _
from ipcity.web.pages.tasks import _show_task
from ipcity.web.params import DbId, form_version
from ipcity.web.routing import page_router
from ipcity.web.uploads import Files, read_uploads
from ipcity.workspace import queries
from ipcity.workspace.actions import (
    do_accept_report,
    do_create_report,
    do_return_report,
    do_revise_report,
    do_submit_report,
)
from ipcity.workspace.models import ProgressReport

router = page_router()


def _task_of(v: View, report_id: DbId) -> int:
    return queries.get_report(v.session, v.actor, report_id).task_id


def _after(
    v: View,
    task_id: DbId,
    action: Callable[[], ProgressReport],
    *,
    done: str,
    form: dict[str, Any],
    form_name: str,
    form_target: DbId | None = None,
) -> Response:
    return run_then_redirect(
        v.session,
        v.request,
        action,
        done=done,
        to=f"/tasks/{task_id}#reports",
        refused=page_again(
            _show_task, v, task_id, form=form, form_name=form_name, form_target=form_target
        ),
    )


@router.post("/tasks/{task_id}/reports", response_class=HTMLResponse)
def create_report(
    v: View,
    task_id: DbId,
    period: Annotated[str, Form()] = "",
    percent: Annotated[str, Form()] = "",
    narrative: Annotated[str, Form()] = "",
    unit_id: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "draft",
    files: Files = None,
) -> Response:
    uploads = read_uploads(files)
    unit = int(unit_id) if unit_id.strip().isdecimal() else None
    submit = action == "submit"

    def write() -> ProgressReport:
        return do_create_report(
            v.session,
            v.actor,
            task_id=task_id,
            period=period,
            percent=percent,
            narrative=narrative,
            unit_id=unit,
            files=uploads,
            submit=submit,
        )

    # 404 before anything else; held, so the action finds the task in the session's
    # identity map (it holds its rows weakly) instead of reading it again
    _task = queries.get_task(v.session, v.actor, task_id)
    return _after(
        v,
        task_id,
        write,
        done=_("The report was submitted.") if submit else _("The draft was saved."),
        form={"period": period, "percent": percent, "narrative": narrative, "unit_id": unit},
        form_name="new_report",
    )


@router.post("/reports/{report_id}/revise", response_class=HTMLResponse)
def revise_report(
    v: View,
    report_id: DbId,
    version: Annotated[str, Form()] = "",
    percent: Annotated[str, Form()] = "",
    narrative: Annotated[str, Form()] = "",
    keep_file_ids: Annotated[list[int] | None, Form()] = None,
    action: Annotated[str, Form()] = "draft",
    files: Files = None,
) -> Response:
    uploads = read_uploads(files)
    task_id = _task_of(v, report_id)
    submit = action == "submit"
    return _after(
        v,
        task_id,
        lambda: do_revise_report(
            v.session,
            v.actor,
            report_id,
            expected_version=form_version(version),
            percent=percent,
            narrative=narrative,
            files=uploads,
            keep_file_ids=keep_file_ids or [],
            submit=submit,
        ),
        done=_("The report was submitted.") if submit else _("The draft was saved."),
        form={"percent": percent, "narrative": narrative, "version": version},
        form_name="revise",
        form_target=report_id,
    )


@router.post("/reports/{report_id}/submit", response_class=HTMLResponse)
def submit_report(v: View, report_id: DbId, version: Annotated[str, Form()] = "") -> Response:
    task_id = _task_of(v, report_id)
    return _after(
        v,
        task_id,
        lambda: do_submit_report(
            v.session, v.actor, report_id, expected_version=form_version(version)
        ),
        done=_("The report was submitted."),
        form={"version": version},
        form_name="submit",
        form_target=report_id,
    )


ReviewAction = Callable[..., Any]  # do_accept_report / do_return_report


def _review(
    v: View, report_id: DbId, version: str, comment: str, action: ReviewAction, done: str
) -> Response:
    """Accept or return a submitted report; refused: the task page again with the comment."""
    task_id = _task_of(v, report_id)
    return _after(
        v,
        task_id,
        lambda: action(
            v.session, v.actor, report_id, expected_version=form_version(version), comment=comment
        ),
        done=done,
        form={"version": version, "comment": comment},
        form_name="review",
        form_target=report_id,
    )


@router.post("/reports/{report_id}/accept", response_class=HTMLResponse)
def accept_report(
    v: View,
    report_id: DbId,
    version: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
) -> Response:
    return _review(v, report_id, version, comment, do_accept_report, _("The report was accepted."))


@router.post("/reports/{report_id}/return", response_class=HTMLResponse)
def return_report(
    v: View,
    report_id: DbId,
    version: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
) -> Response:
    return _review(
        v, report_id, version, comment, do_return_report, _("The report was returned to the unit.")
    )


@router.get("/files/{file_id}")
def evidence(v: View, file_id: DbId) -> Response:
    meta, data = queries.get_evidence(v.session, v.actor, file_id)
    return attachment_response(data, meta.filename)
