"""Mid-term evaluation of a plan (office admins and leaders; the annual work report's pages are
in ``annual_report``).

It reads every unit's reports, so it needs ``view_all_reports``. The warehouse is optional
(without it the stored computed snapshots are used, and the page says so)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import HTMLResponse, Response

from ipcity import settings
from ipcity.errors import InputError
from ipcity.evaluation.gather import find_plan, gather_plan_input, plan_for_year
from ipcity.evaluation.midterm import status_label
from ipcity.evaluation.plan import evaluate_plan
from ipcity.evaluation.project import project_target
from ipcity.evaluation.project_text import Lang, basis, method_label, range_note
from ipcity.numbers import fmt_percent
from ipcity.web.deps import View
from ipcity.web.i18n import N_, _
from ipcity.web.nav import NavItem, with_cap
from ipcity.web.routing import page_router
from ipcity.web.warehouse import maybe_warehouse
from ipcity.workspace import queries
from ipcity.workspace.permissions import Cap, require

router = page_router()
NAV = (
    NavItem("/evaluation", N_("Evaluation"), order=50, visible=with_cap(Cap.VIEW_ALL_REPORTS)),
    NavItem(
        "/annual-report", N_("Annual report"), order=55, visible=with_cap(Cap.VIEW_ALL_REPORTS)
    ),
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
    projections: list[dict[str, object]] = []
    has_warehouse = False
    lang: Lang = "en" if v.ws_locale == "en" else "zh"
    if chosen is not None:
        with maybe_warehouse(v.settings) as wh:
            has_warehouse = wh is not None
            plan_input = gather_plan_input(
                v.session, chosen, warehouse=wh, today=v.today, as_of=day
            )
            result = evaluate_plan(plan_input, day)
            projections = _projections(plan_input, day, wh, lang)
    return v.render(
        "evaluation/midterm.html",
        {
            "plans": plans,
            "chosen": chosen,
            "as_of": day,
            "ev": result.as_dict() if result else None,
            "has_warehouse": has_warehouse,
            "projections": projections,
            "projection_note": range_note(lang),
            "status_label": lambda s: status_label(s, lang),
            # the report's own formatting (percent, 2 places, half up): one text per figure
            "share_text": fmt_percent,
        },
    )


def _projections(plan_input: Any, day: date, wh: Any, lang: Lang) -> list[dict[str, object]]:
    """Each target's projection to its target year (ipcity.evaluation.project)."""
    out: list[dict[str, object]] = []
    for ind in plan_input.indicators:
        lag = settings.population_lag(ind.region)
        p = project_target(ind, day, wh, region=ind.region, lag=lag)
        out.append(
            {
                "name": ind.name,
                "target": ind.target_value,
                "method_label": method_label(p, lang),
                "basis": basis(p, lang),  # the method and its inputs in plain words
            }
            | p.as_dict()
            | {"inputs": p.inputs}
        )
    return out
