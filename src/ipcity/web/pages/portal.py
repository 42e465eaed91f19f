"""The public portal (no login): the headline indicators the office published, with charts,
and the news — work reports, bulletins, news items — each readable as a page with its files.
Plus the office's portal desk: draft, edit, publish and withdraw publications; publish the
headline figures of a year. Rules and content come from ``ipcity.meetings``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

import ipcity.meetings
from ipcity.evaluation.asof import last_complete_year
from ipcity.meetings import queries as mq
from ipcity.meetings.actions import (
    Attachment,
    do_create_publication,
    do_publish,
    do_publish_headline_snapshot,
    do_update_publication,
    do_withdraw,
    do_withdraw_headline_snapshot,
    generate_work_report,
)
from ipcity.meetings.messages import label
from ipcity.meetings.models import PUBLICATION_KINDS, Publication
from ipcity.meetings.permissions import MCap, has, require
from ipcity.meetings.portal import chart_figure, portal_home, render_markdown
from ipcity.protection.public import portal_stats
from ipcity.web.deps import View
from ipcity.web.downloads import attachment_response
from ipcity.web.forms import attempt, run_then_redirect
from ipcity.web.i18n import N_, _
from ipcity.web.nav import NavItem
from ipcity.web.params import DbId, form_version, lenient_int, query_year
from ipcity.web.routing import page_router
from ipcity.web.templating import add_flash
from ipcity.web.uploads import Files, read_attachments
from ipcity.web.warehouse import maybe_warehouse, open_warehouse
from ipcity.web.web_error import WebError
from ipcity.workspace.errors import WorkspaceError
from ipcity.workspace.permissions import ANONYMOUS

router = page_router()
NAV = (NavItem("/portal", N_("Public portal"), order=5, prefix="/portal"),)
STATIC = {"portal": Path(ipcity.meetings.__file__).resolve().parent / "static"}
REPORT_FORMATS = ("pdf", "docx", "html")


def _ctx(v: View) -> dict[str, Any]:
    loc = v.ws_locale
    return {
        "ml": lambda prefix, value: label(prefix, value, loc),
        "wsloc": loc,
        "desk": has(v.actor, MCap.VIEW_PORTAL_DRAFTS),
    }


# --- public pages --------------------------------------------------------------------------


@router.get("/portal", response_class=HTMLResponse)
def portal(v: View, year: Annotated[str | None, Query()] = None) -> Response:
    home = portal_home(v.session, v.actor, locale=v.ws_locale, year=query_year(year), news_limit=10)
    years = sorted({s.year for s in mq.list_headline_snapshots(v.session, ANONYMOUS)}, reverse=True)
    charts = [
        {"id": f"chart-{c.key}", "title": c.title, "figure": chart_figure(c)} for c in home.charts
    ]
    # IP protection aggregates of the last complete year, the annual report's (the as-of
    # rule; masked, small counts suppressed)
    protection = portal_stats(v.session, v.today, _default_year(v))
    return v.render(
        "portal/home.html",
        {"home": home, "charts": charts, "years": years, "protection": protection, **_ctx(v)},
    )


@router.get("/portal/news", response_class=HTMLResponse)
def news(v: View, kind: Annotated[str | None, Query()] = None) -> Response:
    chosen = kind if kind in PUBLICATION_KINDS else None
    items = mq.list_publications(v.session, ANONYMOUS, kind=chosen)
    return v.render(
        "portal/news.html",
        {"items": items, "kind": chosen, "kinds": PUBLICATION_KINDS, **_ctx(v)},
    )


@router.get("/portal/news/{publication_id}", response_class=HTMLResponse)
def article(v: View, publication_id: DbId) -> Response:
    pub = mq.get_publication(v.session, v.actor, publication_id)  # drafts: office, leaders
    loc = v.ws_locale
    return v.render(
        "portal/article.html",
        {
            "pub": pub,
            "title": pub.title(loc),
            "summary": pub.summary(loc),
            # markdown-it escapes raw HTML and refuses javascript: links (see portal.py)
            "body": Markup(render_markdown(pub.body(loc))),
            **_ctx(v),
        },
    )


@router.get("/portal/files/{file_id}")
def download(v: View, file_id: DbId) -> Response:
    f, data = mq.get_publication_file(v.session, v.actor, file_id)
    # Always a download: a generated HTML report runs its own scripts, which the portal's
    # Content-Security-Policy would block inside the site; an upload is never rendered.
    return attachment_response(data, f.filename, private=v.actor.is_authenticated)


# --- the office's portal desk --------------------------------------------------------------


def _default_year(v: View) -> int:
    """The last year the warehouse covers completely (the as-of rule)."""
    with maybe_warehouse(v.settings) as wh:
        return last_complete_year(wh, v.today)


def _desk(
    v: View,
    *,
    error: WorkspaceError | None = None,
    form: dict[str, Any] | None = None,
    form_name: str = "",
    status_code: int = 200,
) -> Response:
    require(v.actor, MCap.VIEW_PORTAL_DRAFTS)
    return v.render(
        "portal/desk.html",
        {
            "publications": mq.list_publications(v.session, v.actor),
            "snapshots": mq.list_headline_snapshots(v.session, v.actor),
            "kinds": PUBLICATION_KINDS,
            "manage": has(v.actor, MCap.MANAGE_PORTAL),
            "default_year": _default_year(v),
            "error": error,
            "form": form or {},
            "form_name": form_name,
            **_ctx(v),
        },
        status_code=status_code,
    )


@router.get("/portal/desk", response_class=HTMLResponse)
def desk(v: View) -> Response:
    return _desk(v)


def _publication_form(
    kind: str,
    title_zh: str,
    title_en: str,
    summary_zh: str,
    summary_en: str,
    body_zh: str,
    body_en: str,
    report_year: str,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "title_zh": title_zh,
        "title_en": title_en,
        "summary_zh": summary_zh,
        "summary_en": summary_en,
        "body_zh": body_zh,
        "body_en": body_en,
        "report_year": report_year or None,
    }


@router.post("/portal/desk/publications", response_class=HTMLResponse)
def create_publication(
    v: View,
    kind: Annotated[str, Form()] = "",
    title_zh: Annotated[str, Form()] = "",
    title_en: Annotated[str, Form()] = "",
    summary_zh: Annotated[str, Form()] = "",
    summary_en: Annotated[str, Form()] = "",
    body_zh: Annotated[str, Form()] = "",
    body_en: Annotated[str, Form()] = "",
    report_year: Annotated[str, Form()] = "",
    files: Files = None,
) -> Response:
    require(v.actor, MCap.MANAGE_PORTAL)
    uploads = read_attachments(files)
    data = _publication_form(
        kind, title_zh, title_en, summary_zh, summary_en, body_zh, body_en, report_year
    )
    outcome = attempt(
        v.session, lambda: do_create_publication(v.session, v.actor, data, files=uploads)
    )
    if outcome.error is not None or outcome.value is None:
        assert outcome.error is not None
        return _desk(
            v,
            error=outcome.error,
            form=data,
            form_name="new",
            status_code=outcome.error.http_status,
        )
    add_flash(v.request, _("The draft was saved. Check it, then publish it."))
    return RedirectResponse(f"/portal/desk/publications/{outcome.value.id}", status_code=303)


def _edit_page(
    v: View,
    pub: Publication,
    *,
    error: WorkspaceError | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    return v.render(
        "portal/edit.html",
        {
            "pub": pub,
            "manage": has(v.actor, MCap.MANAGE_PORTAL),
            "kinds": PUBLICATION_KINDS,
            "report_formats": REPORT_FORMATS,
            "error": error,
            "form": form,
            **_ctx(v),
        },
        status_code=status_code,
    )


@router.get("/portal/desk/publications/{publication_id}", response_class=HTMLResponse)
def edit_page(v: View, publication_id: DbId) -> Response:
    require(v.actor, MCap.VIEW_PORTAL_DRAFTS)
    return _edit_page(v, mq.get_publication(v.session, v.actor, publication_id))


def _after(
    v: View,
    publication_id: DbId,
    action: Callable[[], object],
    *,
    done: str,
    form: dict[str, Any] | None = None,
) -> Response:
    return run_then_redirect(
        v.session,
        v.request,
        action,
        done=done,
        to=f"/portal/desk/publications/{publication_id}",
        refused=lambda error: _edit_page(
            v,
            mq.get_publication(v.session, v.actor, publication_id),
            error=error,
            form=form,
            status_code=error.http_status,
        ),
    )


@router.post("/portal/desk/publications/{publication_id}/edit", response_class=HTMLResponse)
def edit_publication(
    v: View,
    publication_id: DbId,
    version: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    title_zh: Annotated[str, Form()] = "",
    title_en: Annotated[str, Form()] = "",
    summary_zh: Annotated[str, Form()] = "",
    summary_en: Annotated[str, Form()] = "",
    body_zh: Annotated[str, Form()] = "",
    body_en: Annotated[str, Form()] = "",
    report_year: Annotated[str, Form()] = "",
    remove_file_ids: Annotated[list[str] | None, Form()] = None,
    files: Files = None,
) -> Response:
    require(v.actor, MCap.MANAGE_PORTAL)
    uploads = read_attachments(files)
    changes = _publication_form(
        kind, title_zh, title_en, summary_zh, summary_en, body_zh, body_en, report_year
    )
    remove = [int(i) for i in remove_file_ids or [] if i.strip().isdecimal()]
    return _after(
        v,
        publication_id,
        lambda: do_update_publication(
            v.session,
            v.actor,
            publication_id,
            expected_version=form_version(version),
            changes=changes,
            add_files=uploads,
            remove_file_ids=remove,
        ),
        done=_("The publication was saved."),
        form={"version": version, **changes},
    )


@router.post("/portal/desk/publications/{publication_id}/report", response_class=HTMLResponse)
def add_report_files(
    v: View,
    publication_id: DbId,
    version: Annotated[str, Form()] = "",
    year: Annotated[str, Form()] = "",
    langs: Annotated[list[str] | None, Form()] = None,
    format: Annotated[str, Form()] = "pdf",
) -> Response:
    """Generate the annual work report (zh and/or en) and attach it: needs the warehouse."""
    require(v.actor, MCap.MANAGE_PORTAL)
    mq.get_publication(v.session, v.actor, publication_id)
    report_year = lenient_int(year)
    wanted = [x for x in langs or [] if x in ("zh", "en")]
    if report_year is None or not wanted or format not in REPORT_FORMATS:
        raise WebError(422, "bad_format", N_("Choose a year, a language and a format."))
    atts: list[Attachment] = []
    with open_warehouse(v.settings) as wh:
        for lang in wanted:
            atts.append(
                generate_work_report(v.session, report_year, lang=lang, fmt=format, warehouse=wh)
            )
    return _after(
        v,
        publication_id,
        lambda: do_update_publication(
            v.session,
            v.actor,
            publication_id,
            expected_version=form_version(version),
            changes={"report_year": report_year},
            add_files=atts,
        ),
        done=_("The work report was generated and attached."),
    )


@router.post("/portal/desk/publications/{publication_id}/publish", response_class=HTMLResponse)
def publish(v: View, publication_id: DbId, version: Annotated[str, Form()] = "") -> Response:
    require(v.actor, MCap.MANAGE_PORTAL)
    return _after(
        v,
        publication_id,
        lambda: do_publish(
            v.session, v.actor, publication_id, expected_version=form_version(version)
        ),
        done=_("Published on the portal."),
    )


@router.post("/portal/desk/publications/{publication_id}/withdraw", response_class=HTMLResponse)
def withdraw(v: View, publication_id: DbId, version: Annotated[str, Form()] = "") -> Response:
    require(v.actor, MCap.MANAGE_PORTAL)
    return _after(
        v,
        publication_id,
        lambda: do_withdraw(
            v.session, v.actor, publication_id, expected_version=form_version(version)
        ),
        done=_("Withdrawn from the portal."),
    )


@router.post("/portal/desk/headline", response_class=HTMLResponse)
def publish_headline(
    v: View,
    year: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "engine",
    years_back: Annotated[str, Form()] = "4",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Publish the headline figures of a year: from the engine (needs the warehouse; the
    workspace's NoWarehouse message otherwise) or from the workspace's actual values."""
    require(v.actor, MCap.MANAGE_PORTAL)
    form = {"year": year, "source": source, "years_back": years_back, "note": note}
    chosen = lenient_int(year)
    back = lenient_int(years_back)
    if chosen is None or back is None:
        raise WebError(422, "bad_year", N_("Choose a year."))

    def write() -> object:
        if source == "engine":
            with open_warehouse(v.settings) as wh:
                return do_publish_headline_snapshot(
                    v.session,
                    v.actor,
                    chosen,
                    source=source,
                    years_back=back,
                    warehouse=wh,
                    note=note,
                )
        return do_publish_headline_snapshot(
            v.session, v.actor, chosen, source=source, years_back=back, note=note
        )

    outcome = attempt(v.session, write)
    if outcome.error is not None:
        return _desk(
            v,
            error=outcome.error,
            form=form,
            form_name="headline",
            status_code=outcome.error.http_status,
        )
    add_flash(
        v.request, _("The headline figures of %(year)s are on the portal.") % {"year": chosen}
    )
    return RedirectResponse("/portal/desk#headline", status_code=303)


@router.post("/portal/desk/headline/{snapshot_id}/withdraw", response_class=HTMLResponse)
def withdraw_headline(v: View, snapshot_id: DbId, version: Annotated[str, Form()] = "") -> Response:
    require(v.actor, MCap.MANAGE_PORTAL)
    outcome = attempt(
        v.session,
        lambda: do_withdraw_headline_snapshot(
            v.session, v.actor, snapshot_id, expected_version=form_version(version)
        ),
    )
    if outcome.error is not None:
        return _desk(v, error=outcome.error, status_code=outcome.error.http_status)
    add_flash(v.request, _("The headline figures were withdrawn."))
    return RedirectResponse("/portal/desk#headline", status_code=303)
