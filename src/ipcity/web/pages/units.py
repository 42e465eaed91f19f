"""Member units: the list with completion rates, and a unit's page (its tasks)."""

from __future__ import annotations

from fastapi.responses import HTMLResponse, Response

from ipcity.web.deps import View
from ipcity.web.i18n import N_
from ipcity.web.nav import NavItem
from ipcity.web.params import DbId
from ipcity.web.routing import page_router
from ipcity.web.views.dashboard import pick_work_plan
from ipcity.web.views.unit_home import UnitHome, unit_home
from ipcity.workspace import queries
from ipcity.workspace.permissions import can_view_internal
from ipcity.workspace.rollup import unit_completion

router = page_router()
NAV = (NavItem("/units", N_("Units"), order=40, prefix="/units"),)


@router.get("/units", response_class=HTMLResponse)
def unit_list(v: View, work_plan: DbId | None = None) -> Response:
    units = queries.list_units(v.session, v.actor)
    plans = queries.list_work_plans(v.session, v.actor)
    wp = pick_work_plan(plans, work_plan, v.today)
    completion = {}
    if wp is not None and can_view_internal(v.actor):
        completion = {
            c.unit_id: c
            for c in unit_completion(v.session, v.actor, work_plan_id=wp.id, today=v.today)
        }
    return v.render(
        "units/list.html",
        {"units": units, "work_plans": plans, "work_plan": wp, "completion": completion},
    )


@router.get("/units/{unit_id}", response_class=HTMLResponse)
def unit_page(v: View, unit_id: DbId, work_plan: DbId | None = None) -> Response:
    unit = queries.get_unit(v.session, v.actor, unit_id)
    plans = queries.list_work_plans(v.session, v.actor)
    wp = pick_work_plan(plans, work_plan, v.today)
    lead = co = []
    completion = None
    home = UnitHome()
    if wp is not None:
        lead, co = (
            queries.task_overview(
                v.session,
                v.actor,
                wp.id,
                today=v.today,
                unit_id=unit.id,
                involvement=role,
                milestones=False,
            )
            for role in ("lead", "co")
        )
        if can_view_internal(v.actor):
            completion = next(
                (
                    c
                    for c in unit_completion(v.session, v.actor, work_plan_id=wp.id, today=v.today)
                    if c.unit_id == unit.id
                ),
                None,
            )
        home = unit_home(v.session, v.actor, unit.id, [*lead, *co], today=v.today)
    return v.render(
        "units/detail.html",
        {
            "unit": unit,
            "work_plans": plans,
            "work_plan": wp,
            "lead": lead,
            "co": co,
            "completion": completion,
            "home": home,
            "internal": can_view_internal(v.actor),
            "my_unit": v.actor.unit_id == unit.id,
        },
    )
