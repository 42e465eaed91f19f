"""Meetings: the list, a meeting's page (agenda, materials, minutes, decisions with their
tasks), and the office's forms. Who sees and does what is decided in ``ipcity.meetings``
(office and leaders: every meeting; a unit editor: the meetings its unit attends; the public:
none)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ipcity.meetings import queries as mq
from ipcity.meetings.actions import (
    do_add_agenda_item,
    do_attach_material,
    do_create_meeting,
    do_publish_decision,
    do_record_decision,
    do_record_minutes,
    do_remove_agenda_item,
    do_remove_material,
    do_set_attendance,
    do_update_meeting,
    generate_work_report,
)
from ipcity.meetings.messages import label
from ipcity.meetings.models import (
    AGENDA_KINDS,
    MEETING_KINDS,
    MEETING_STATUSES,
    MeetingMaterial,
)
from ipcity.meetings.permissions import MCap, can_attach_material, has, require
from ipcity.web.deps import View
from ipcity.web.downloads import attachment_response
from ipcity.web.forms import attempt, page_again, run_then_redirect
from ipcity.web.i18n import N_, _
from ipcity.web.nav import NavItem
from ipcity.web.params import DbId, form_version, lenient_int, query_year
from ipcity.web.routing import page_router
from ipcity.web.schemas.meetings import AgendaItemForm, MeetingForm
from ipcity.web.templating import add_flash
from ipcity.web.uploads import Files, read_attachments
from ipcity.web.warehouse import open_warehouse
from ipcity.web.web_error import WebError
from ipcity.workspace import queries
from ipcity.workspace.errors import (
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationError,
    WorkspaceError,
)
from ipcity.workspace.permissions import Actor

router = page_router()


def _sees_meetings(actor: Actor) -> bool:
    return has(actor, MCap.VIEW_ATTENDED_MEETINGS)


NAV = (NavItem("/meetings", N_("Meetings"), order=45, visible=_sees_meetings, prefix="/meetings"),)

REPORT_FORMATS = ("docx", "pdf", "html")


def labels(v: View) -> dict[str, Any]:
    """Template helpers: ``ml(prefix, value)`` renders a meetings message key."""
    loc = v.ws_locale
    return {"ml": lambda prefix, value: label(prefix, value, loc)}


# --- list and create ---------------------------------------------------------------------


@router.get("/meetings", response_class=HTMLResponse)
def meeting_list(v: View, year: Annotated[str | None, Query()] = None) -> Response:
    require(v.actor, MCap.VIEW_ATTENDED_MEETINGS)
    chosen = query_year(year)
    meetings = mq.list_meetings(v.session, v.actor, year=chosen)
    years = sorted(
        {m.meeting_date.year for m in mq.list_meetings(v.session, v.actor)}, reverse=True
    )
    return v.render(
        "meetings/list.html",
        {
            "meetings": meetings,
            "years": years,
            "year": chosen,
            "can_manage": has(v.actor, MCap.MANAGE_MEETINGS),
            **labels(v),
        },
    )


def _new_page(
    v: View, form: dict[str, Any], error: WorkspaceError | None = None, status_code: int = 200
) -> Response:
    return v.render(
        "meetings/new.html",
        {
            "form": form,
            "error": error,
            "units": queries.list_units(v.session, v.actor),
            "kinds": MEETING_KINDS,
            "statuses": MEETING_STATUSES,
            **labels(v),
        },
        status_code=status_code,
    )


@router.get("/meetings/new", response_class=HTMLResponse)
def new_meeting_form(v: View) -> Response:
    require(v.actor, MCap.MANAGE_MEETINGS)
    return _new_page(v, {})


@router.post("/meetings", response_class=HTMLResponse)
def create_meeting(v: View, form: Annotated[MeetingForm, Form()]) -> Response:
    require(v.actor, MCap.MANAGE_MEETINGS)
    data = form.create_data()
    outcome = attempt(v.session, lambda: do_create_meeting(v.session, v.actor, data))
    if outcome.error is not None or outcome.value is None:
        assert outcome.error is not None
        return _new_page(v, data, outcome.error, outcome.error.http_status)
    add_flash(v.request, _("The meeting was created."))
    return RedirectResponse(f"/meetings/{outcome.value.id}", status_code=303)


# --- the meeting page ----------------------------------------------------------------------


def _show(
    v: View,
    meeting_id: DbId,
    *,
    error: WorkspaceError | None = None,
    form: dict[str, Any] | None = None,
    form_name: str = "",
    status_code: int = 200,
) -> Response:
    require(v.actor, MCap.VIEW_ATTENDED_MEETINGS)  # the public is sent to the login page
    detail = mq.meeting_detail(v.session, v.actor, meeting_id, today=v.today)
    m = detail.meeting
    manage = has(v.actor, MCap.MANAGE_MEETINGS)
    speech_items = [a for a in detail.agenda if can_attach_material(v.actor, m, a)]
    work_plans = {
        d.task.work_plan_id: d.task.work_plan for d in detail.decisions if d.task is not None
    }
    return v.render(
        "meetings/detail.html",
        {
            "d": detail,
            "meeting": m,
            "manage": manage,
            "speech_items": speech_items if not manage else detail.agenda,
            "can_upload": manage or bool(speech_items),
            "can_remove": {
                x.id: manage or (x.added_by_id is not None and x.added_by_id == v.actor.user_id)
                for x in detail.materials
            },
            "units": queries.list_units(v.session, v.actor) if manage else [],
            "attending_ids": {u.id for u in m.attending_units},
            "agenda_by_id": {a.id: a for a in detail.agenda},
            "work_plans": work_plans,
            "kinds": MEETING_KINDS,
            "statuses": MEETING_STATUSES,
            "agenda_kinds": AGENDA_KINDS,
            "report_formats": REPORT_FORMATS,
            "report_year": m.meeting_date.year - 1,
            "error": error,
            "form": form or {},
            "form_name": form_name,
            **labels(v),
        },
        status_code=status_code,
    )


@router.get("/meetings/{meeting_id}", response_class=HTMLResponse)
def meeting_page(v: View, meeting_id: DbId) -> Response:
    return _show(v, meeting_id)


def _after(
    v: View,
    meeting_id: DbId,
    action: Callable[[], object],
    *,
    done: str,
    form: dict[str, Any],
    form_name: str,
    anchor: str = "",
) -> Response:
    return run_then_redirect(
        v.session,
        v.request,
        action,
        done=done,
        to=f"/meetings/{meeting_id}{anchor}",
        refused=page_again(_show, v, meeting_id, form=form, form_name=form_name),
    )


@router.post("/meetings/{meeting_id}/edit", response_class=HTMLResponse)
def edit_meeting(v: View, meeting_id: DbId, form: Annotated[MeetingForm, Form()]) -> Response:
    require(v.actor, MCap.MANAGE_MEETINGS)
    expected, changes = form_version(form.version), form.changes()
    return _after(
        v,
        meeting_id,
        lambda: do_update_meeting(
            v.session, v.actor, meeting_id, expected_version=expected, changes=changes
        ),
        done=_("The meeting was saved."),
        form={"version": form.version, **changes},
        form_name="edit",
    )


@router.post("/meetings/{meeting_id}/attendance", response_class=HTMLResponse)
def set_attendance(
    v: View,
    meeting_id: DbId,
    version: Annotated[str, Form()] = "",
    unit_ids: Annotated[list[str] | None, Form()] = None,
) -> Response:
    require(v.actor, MCap.MANAGE_MEETINGS)
    ids = [int(u) for u in unit_ids or [] if u.strip().isdecimal()]
    return _after(
        v,
        meeting_id,
        lambda: do_set_attendance(
            v.session, v.actor, meeting_id, expected_version=form_version(version), unit_ids=ids
        ),
        done=_("The attending units were saved."),
        form={"version": version, "unit_ids": ids},
        form_name="attendance",
        anchor="#attendance",
    )


@router.post("/meetings/{meeting_id}/agenda", response_class=HTMLResponse)
def add_agenda_item(v: View, meeting_id: DbId, form: Annotated[AgendaItemForm, Form()]) -> Response:
    require(v.actor, MCap.MANAGE_MEETINGS)
    data = form.data()
    return _after(
        v,
        meeting_id,
        lambda: do_add_agenda_item(v.session, v.actor, meeting_id, data),
        done=_("The agenda item was added."),
        form=data,
        form_name="agenda",
        anchor="#agenda",
    )


@router.post("/meetings/{meeting_id}/agenda/{item_id}/delete", response_class=HTMLResponse)
def remove_agenda_item(
    v: View, meeting_id: DbId, item_id: DbId, version: Annotated[str, Form()] = ""
) -> Response:
    require(v.actor, MCap.MANAGE_MEETINGS)
    mq.get_agenda_item(v.session, v.actor, meeting_id, item_id)
    return _after(
        v,
        meeting_id,
        lambda: do_remove_agenda_item(
            v.session, v.actor, item_id, expected_version=form_version(version)
        ),
        done=_("The agenda item was removed."),
        form={},
        form_name="agenda",
        anchor="#agenda",
    )


@router.post("/meetings/{meeting_id}/materials", response_class=HTMLResponse)
def upload_material(
    v: View,
    meeting_id: DbId,
    title: Annotated[str, Form()] = "",
    agenda_item_id: Annotated[str, Form()] = "",
    files: Files = None,
) -> Response:
    if not (has(v.actor, MCap.MANAGE_MEETINGS) or has(v.actor, MCap.ATTACH_SPEECH)):
        raise PermissionDenied(MCap.MANAGE_MEETINGS.value)
    uploads = read_attachments(files)
    item = lenient_int(agenda_item_id)

    def write() -> list[MeetingMaterial]:
        if not uploads:
            raise ValidationError([FieldError("files", "field.required")])
        return [
            do_attach_material(v.session, v.actor, meeting_id, u, title=title, agenda_item_id=item)
            for u in uploads
        ]

    return _after(
        v,
        meeting_id,
        write,
        done=_("The file was attached."),
        form={"title": title, "agenda_item_id": item},
        form_name="material",
        anchor="#materials",
    )


@router.post("/meetings/{meeting_id}/materials/report", response_class=HTMLResponse)
def attach_work_report(
    v: View,
    meeting_id: DbId,
    year: Annotated[str, Form()] = "",
    report_lang: Annotated[str, Form()] = "zh",
    format: Annotated[str, Form()] = "docx",
    agenda_item_id: Annotated[str, Form()] = "",
) -> Response:
    """Generate the annual work report (``ipcity.reports``) and attach it: needs the
    warehouse (503 with the workspace's message without one)."""
    require(v.actor, MCap.MANAGE_MEETINGS)
    mq.get_meeting(v.session, v.actor, meeting_id)
    report_year = lenient_int(year)
    if report_year is None or format not in REPORT_FORMATS or report_lang not in ("zh", "en"):
        raise WebError(422, "bad_format", N_("Choose a year, a language and a format."))
    item = lenient_int(agenda_item_id)
    with open_warehouse(v.settings) as wh:
        att = generate_work_report(
            v.session, report_year, lang=report_lang, fmt=format, warehouse=wh
        )
    return _after(
        v,
        meeting_id,
        lambda: do_attach_material(v.session, v.actor, meeting_id, att, agenda_item_id=item),
        done=_("The work report was generated and attached."),
        form={},
        form_name="report",
        anchor="#materials",
    )


def _material_of(v: View, meeting_id: DbId, material_id: DbId) -> MeetingMaterial:
    material, _data = mq.get_material(v.session, v.actor, material_id)
    if material.meeting_id != meeting_id:
        raise NotFound("meeting_material", material_id)
    return material


@router.post("/meetings/{meeting_id}/materials/{material_id}/remove", response_class=HTMLResponse)
def remove_material(
    v: View, meeting_id: DbId, material_id: DbId, version: Annotated[str, Form()] = ""
) -> Response:
    if not (has(v.actor, MCap.MANAGE_MEETINGS) or has(v.actor, MCap.ATTACH_SPEECH)):
        raise PermissionDenied(MCap.MANAGE_MEETINGS.value)
    _material_of(v, meeting_id, material_id)
    return _after(
        v,
        meeting_id,
        lambda: do_remove_material(
            v.session, v.actor, material_id, expected_version=form_version(version)
        ),
        done=_("The file was removed from the list."),
        form={},
        form_name="material",
        anchor="#materials",
    )


@router.get("/meetings/{meeting_id}/materials/{material_id}")
def download_material(v: View, meeting_id: DbId, material_id: DbId) -> Response:
    require(v.actor, MCap.VIEW_ATTENDED_MEETINGS)
    material, data = mq.get_material(v.session, v.actor, material_id)
    if material.meeting_id != meeting_id:
        raise NotFound("meeting_material", material_id)
    return attachment_response(data, material.filename)


@router.post("/meetings/{meeting_id}/minutes", response_class=HTMLResponse)
def record_minutes(
    v: View,
    meeting_id: DbId,
    version: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    require(v.actor, MCap.MANAGE_MEETINGS)
    return _after(
        v,
        meeting_id,
        lambda: do_record_minutes(
            v.session,
            v.actor,
            meeting_id,
            expected_version=form_version(version),
            text=text,
            note=note,
        ),
        done=_("The minutes were saved as a new revision."),
        form={"version": version, "text": text, "note": note},
        form_name="minutes",
        anchor="#minutes",
    )


@router.get("/meetings/{meeting_id}/minutes", response_class=HTMLResponse)
def minutes_page(v: View, meeting_id: DbId) -> Response:
    require(v.actor, MCap.VIEW_ATTENDED_MEETINGS)
    meeting = mq.get_meeting(v.session, v.actor, meeting_id)
    history = mq.minutes_history(v.session, v.actor, meeting_id)
    return v.render(
        "meetings/minutes.html",
        {"meeting": meeting, "history": list(reversed(history)), **labels(v)},
    )


@router.post("/meetings/{meeting_id}/decisions", response_class=HTMLResponse)
def record_decision(
    v: View,
    meeting_id: DbId,
    text: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    lead_unit_id: Annotated[str, Form()] = "",
    co_unit_ids: Annotated[list[str] | None, Form()] = None,
    deadline: Annotated[str, Form()] = "",
    expected_output: Annotated[str, Form()] = "",
) -> Response:
    require(v.actor, MCap.MANAGE_MEETINGS)
    data: dict[str, Any] = {
        "text": text,
        "title": title,
        "lead_unit_id": lead_unit_id,
        "co_unit_ids": [c for c in co_unit_ids or [] if c],
        "deadline": deadline,
        "expected_output": expected_output,
    }
    return _after(
        v,
        meeting_id,
        lambda: do_record_decision(v.session, v.actor, meeting_id, data),
        done=_("The decision was recorded and its task created."),
        form=data,
        form_name="decision",
        anchor="#decisions",
    )


@router.post("/meetings/{meeting_id}/decisions/{decision_id}/publish", response_class=HTMLResponse)
def publish_decision(v: View, meeting_id: int, decision_id: int) -> Response:
    require(v.actor, MCap.MANAGE_MEETINGS)
    return _after(
        v,
        meeting_id,
        lambda: do_publish_decision(v.session, v.actor, meeting_id, decision_id),
        done=_("The decision's task is now public."),
        form={},
        form_name="",
        anchor="#decisions",
    )


@router.get("/meetings/for-task/{task_id}", response_class=HTMLResponse)
def from_meeting_fragment(v: View, task_id: DbId) -> Response:
    """A small fragment for the task page: "decision of meeting X" (empty when the task does
    not come from a meeting, or for the public). Load it with
    ``hx-get="/meetings/for-task/{id}" hx-trigger="load"``."""
    queries.get_task(v.session, v.actor, task_id)  # 404 for a task the viewer cannot see
    link = mq.meeting_for_task(v.session, v.actor, task_id)
    return v.render("meetings/_from_meeting.html", {"link": link, **labels(v)})
