"""Plans: the list, the goal tree with roll-up, indicator detail (chart, published values)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form
from fastapi.responses import HTMLResponse, Response

from ipcity.numbers import Lang
from ipcity.web.deps import View
from ipcity.web.forms import page_again, run_then_redirect
from ipcity.web.i18n import N_, _
from ipcity.web.nav import NavItem
from ipcity.web.params import DbId, Year
from ipcity.web.routing import page_router
from ipcity.web.views.indicators import chart_data, indicator_light
from ipcity.web.warehouse import maybe_warehouse
from ipcity.workspace import queries
from ipcity.workspace.actions import do_enter_published_actual
from ipcity.workspace.actuals import indicator_series, plan_indicator_series
from ipcity.workspace.permissions import Cap, can_view_internal, has
from ipcity.workspace.rollup import GoalRollup, plan_rollup

router = page_router()
NAV = (NavItem("/plans", N_("Plans"), order=20, prefix="/plans"),)


def _flatten(nodes: list[GoalRollup], into: dict[int, GoalRollup]) -> dict[int, GoalRollup]:
    for n in nodes:
        into[n.goal_id] = n
        _flatten(n.children, into)
    return into


@router.get("/plans", response_class=HTMLResponse)
def plan_list(v: View) -> Response:
    plans = queries.list_plans(v.session, v.actor)
    rollups = (
        {p.id: plan_rollup(v.session, v.actor, p.id) for p in plans}
        if can_view_internal(v.actor)
        else {}
    )
    return v.render("plans/list.html", {"plans": plans, "rollups": rollups})


@router.get("/plans/{plan_id}", response_class=HTMLResponse)
def plan_tree(v: View, plan_id: DbId) -> Response:
    plan = queries.get_plan(v.session, v.actor, plan_id)
    tree = queries.goal_tree(v.session, v.actor, plan_id)
    rollup = plan_rollup(v.session, v.actor, plan_id) if can_view_internal(v.actor) else None
    goal_progress = _flatten(rollup.goals, {}) if rollup else {}
    cards = {
        s.target.id: (s, indicator_light(s))
        for s in plan_indicator_series(v.session, v.actor, plan_id, as_of=v.today)
    }
    in_tree = {t.id for node in _walk(tree) for t in node.targets}
    loose = [cards[i] for i in cards if i not in in_tree]
    return v.render(
        "plans/tree.html",
        {
            "plan": plan,
            "tree": tree,
            "rollup": rollup,
            "goal_progress": goal_progress,
            "cards": cards,
            "loose": loose,
        },
    )


def _walk(nodes: list[queries.GoalNode]) -> list[queries.GoalNode]:
    out = []
    for n in nodes:
        out.append(n)
        out.extend(_walk(n.children))
    return out


def _explained(v: View, series: Any) -> dict[str, Any] | None:
    """The latest change of an engine stock explained (ipcity explain), when a warehouse is
    available."""
    # Loaded with the first explained change, not with the app (start-up).
    from ipcity.web.views.explained import EXPLAINABLE, explained_change

    target = series.target
    if target.engine_indicator not in EXPLAINABLE:
        return None
    lang: Lang = "zh" if str(v.ws_locale).startswith("zh") else "en"
    with maybe_warehouse(v.settings) as wh:
        # the latest value's year, else the last year that has ended
        year = series.latest_year or v.today.year - 1
        return explained_change(wh, target.engine_indicator, target.region, year, lang)


def _indicator_page(v: View, target_id: DbId, **extra: object) -> Response:
    series = indicator_series(v.session, v.actor, target_id, as_of=v.today)
    plan = queries.get_plan(v.session, v.actor, series.target.plan_id)
    labels = {
        "path": _("straight path to the target"),
        "published": _("published"),
        "computed": _("computed"),
        "year": _("year"),
    }
    status = extra.pop("status_code", 200)
    assert isinstance(status, int)
    return v.render(
        "plans/indicator.html",
        {
            "plan": plan,
            "series": series,
            "target": series.target,
            "light": indicator_light(series),
            "chart": chart_data(series, labels),
            "can_edit": has(v.actor, Cap.EDIT_ACTUALS),
            "explained": _explained(v, series),
            "form": extra.pop("form", {}),
            **extra,
        },
        status_code=status,
    )


@router.get("/indicators/{target_id}", response_class=HTMLResponse)
def indicator(v: View, target_id: DbId, correct: Year | None = None) -> Response:
    form: dict[str, object] = {}
    if correct is not None and has(v.actor, Cap.EDIT_ACTUALS):
        series = indicator_series(v.session, v.actor, target_id, as_of=v.today)
        row = next((r for r in series.rows if r.year == correct and r.published_id), None)
        if row is not None:
            form = {
                "year": row.year,
                "value": row.published,
                "source": row.published_source or "",
                "published_on": row.published_on.isoformat() if row.published_on else "",
                "version": row.published_version,
            }
    return _indicator_page(v, target_id, form=form)


@router.post("/indicators/{target_id}/published", response_class=HTMLResponse)
def enter_published(
    v: View,
    target_id: DbId,
    year: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
    published_on: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
) -> Response:
    data = {
        "year": year,
        "value": value,
        "source": source,
        "published_on": published_on,
        "note": note,
    }
    expected = int(version) if version.strip().isdecimal() else None
    return run_then_redirect(
        v.session,
        v.request,
        lambda: do_enter_published_actual(
            v.session, v.actor, target_id, data, expected_version=expected
        ),
        done=_("The published value was saved."),
        to=f"/indicators/{target_id}",
        refused=page_again(_indicator_page, v, target_id, form=data),
    )
