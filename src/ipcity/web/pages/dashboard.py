"""The dashboard: indicators against targets, tasks by status, what is overdue.

Its body is the same for every logged-in user (and for every visitor of the public view), and
by far the most visited page, so the rendered body is cached until the workspace changes (see
``views/cache.py``); the header with the user's name and inbox is rendered per request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from ipcity.web.deps import View
from ipcity.web.i18n import N_, _
from ipcity.web.nav import NavItem
from ipcity.web.params import DbId
from ipcity.web.routing import page_router
from ipcity.web.templating import render
from ipcity.web.views.cache import RenderCache, change_stamps
from ipcity.web.views.dashboard import build_dashboard
from ipcity.workspace.permissions import can_view_internal, home_unit

router = page_router()
NAV = (NavItem("/", N_("Dashboard"), order=10),)
PARTS = RenderCache(maxsize=64, ttl=60)
# Actions that cannot change a part (anything not listed, including other areas' actions,
# counts as a change). Tasks: tasks, accepted progress, work plans, units. Indicators:
# plans, goals, targets, published and computed values.
_NEVER = {
    "report.create",
    "report.revise",
    "report.submit",
    "report.return",
    "notice.read",
    "supervision.run",
    "user.create",
    "user.update",
    "user.set_password",
    # meetings, portal and IP protection change no dashboard figure by themselves: a decision
    # writes its own task.create, a case write its own actual.refresh
    "meeting.create",
    "meeting.update",
    "agenda.create",
    "agenda.update",
    "agenda.delete",
    "material.attach",
    "material.remove",
    "minutes.record",
    "decision.record",
    "publication.create",
    "publication.update",
    "publication.publish",
    "publication.withdraw",
    "headline.publish",
    "headline.supersede",
    "headline.withdraw",
    "case.create",
    "case.update",
    "case.delete",
    "case.transfer",
    "case.join",
    "case.leave",
}
NOT_IN_TASKS = frozenset(
    _NEVER
    | {
        "plan.create",
        "plan.update",
        "goal.create",
        "goal.update",
        "target.create",
        "target.update",
        "actual.publish",
        "actual.refresh",
    }
)
NOT_IN_INDICATORS = frozenset(
    _NEVER
    | {
        "task.create",
        "task.update",
        "task.delete",
        "report.accept",
        "work_plan.create",
        "work_plan.update",
        "unit.create",
        "unit.update",
    }
)


@router.get("/", response_class=HTMLResponse)
def dashboard(
    v: View,
    work_plan: DbId | None = None,
    city: Annotated[str | None, Query(max_length=8)] = None,
) -> Response:
    unit_id = home_unit(v.actor)
    if unit_id is not None and not city:
        # an editor's home is their own unit's page (issue 12); ?city=1 shows the city's
        return RedirectResponse(f"/units/{unit_id}", status_code=303)
    internal = can_view_internal(v.actor)
    base = (v.locale, internal, v.today)

    def tasks_part() -> str:
        board = build_dashboard(
            v.session, v.actor, today=v.today, work_plan_id=work_plan, indicators=False
        )
        labels = {"done": _("done"), "overdue": _("overdue"), "open": _("open")}
        chart = board.unit_chart(labels) if board.units else None
        ctx = {"locale": v.locale, "today": v.today, "board": board, "unit_chart": chart}
        return render("dashboard_tasks.html", ctx)

    def indicators_part() -> str:
        board = build_dashboard(v.session, v.actor, today=v.today, tasks=False)
        return render("dashboard_indicators.html", {"locale": v.locale, "board": board})

    tasks_stamp, ind_stamp = change_stamps(v.session, [NOT_IN_TASKS, NOT_IN_INDICATORS])
    tasks_key = ("tasks", *base, work_plan, tasks_stamp)
    ind_key = ("indicators", *base, ind_stamp)
    return v.render(
        "dashboard.html",
        {
            "tasks_part": Markup(PARTS.get_or_render(tasks_key, tasks_part)),
            "indicators_part": Markup(PARTS.get_or_render(ind_key, indicators_part)),
            "has_chart": internal,
        },
    )
