"""``ipcity demo``: the whole product on the synthetic sample city, in one command.

1. builds the warehouse from the sample city (and the synthetic world sample for clusters),
2. prints the city's headline indicators with their provenance,
3. seeds a demo joint conference in the workspace database (units, plans, 2023 work plan,
   reports in every state, meetings, portal publications, IP protection cases), refreshes the
   computed actuals, prints the demo logins,
4. serves the web app on http://127.0.0.1:8000.
A second run reuses what the first built (``--rebuild`` starts afresh).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ipcity.clitext import say
from ipcity.demo.warehouse import build_demo_warehouse
from ipcity.errors import IpcityError
from ipcity.evaluation.asof import last_complete_year
from ipcity.settings import REPORTING_OFFICE, population_lag, workspace_db_url
from ipcity.warehouse.store import Warehouse

CITY = "310000"
HEADLINE = (
    "patents_granted",
    "invention_patents_granted",
    "pct_applications",
    "pct_applications_growth_pct",
    "invention_patents_in_force",
    "high_value_invention_patents",
    "high_value_invention_patents_per_10k",
    "high_value_invention_patents_per_10k_change",
)
# The demo's "today": inside the 2023 work plan, so supervision has something to say. The one
# app clock of every page, and the end of the demo's data (demo.horizon): 2023 is the running
# year, 2022 the last complete one.
DEMO_TODAY = dt.date(2023, 11, 15)

out = Console()


def headline_table(wh: Warehouse, years: list[int]) -> None:
    from ipcity.indicators import INDICATORS, compute

    res = compute(
        wh,
        indicators=list(HEADLINE),
        years=years,
        region=CITY,
        population_lag=population_lag(CITY),
        office=REPORTING_OFFICE,
    )
    values = {(r["indicator"], r["year"]): r["value"] for r in res.table.to_pylist()}
    t = Table(title=f"Sample city (synthetic) — headline indicators, region {CITY}")
    t.add_column("indicator")
    for y in years:
        t.add_column(str(y), justify="right")
    for ind in HEADLINE:
        meta = INDICATORS[ind]
        label = getattr(meta, "name_en", ind)
        cells = []
        for y in years:
            v = values.get((ind, y))
            cells.append(
                "—" if v is None else f"{v:,.2f}" if not float(v).is_integer() else f"{int(v):,}"
            )
        t.add_row(label, *cells)
    out.print(t)
    m = res.meta
    out.print(
        f"definition {m.get('definition_version')}; counting {m.get('counting')}; population "
        f"with lag {population_lag(CITY)} (1: the previous year end); office "
        f"{REPORTING_OFFICE}; data vintage run "
        f"{(m.get('vintage') or {}).get('latest_run')}",
        highlight=False,
    )


def seed_workspace(db_url: str, wh: Warehouse) -> list[tuple[str, str, str, str]] | None:
    """Seed the demo conference into an empty workspace DB; None when it was seeded before."""
    from sqlalchemy import func, select

    from ipcity.clock import on_app_day
    from ipcity.demo.baselines import baselines_from_engine
    from ipcity.demo.workspace_seed import seed_demo
    from ipcity.workspace.actions.actuals import do_refresh_computed_actuals
    from ipcity.workspace.db import open_db
    from ipcity.workspace.models import Unit
    from ipcity.workspace.permissions import system_actor

    db = open_db(db_url)
    try:
        with db.read() as s:
            if s.scalar(select(func.count()).select_from(Unit)):
                return None
        with db.write() as s, on_app_day(DEMO_TODAY):
            logins = seed_demo(s, today=DEMO_TODAY)
            now = dt.datetime.combine(DEMO_TODAY, dt.time(8, 0))  # the demo's own "today"
            do_refresh_computed_actuals(
                s, system_actor("demo"), warehouse=wh, now=now, years=_finished_years(wh)
            )
            baselines_from_engine(s)  # one figure for the baseline year on every chart
            _seed_areas(s, wh)
        return logins.as_rows()
    finally:
        db.dispose()


def _finished_years(wh: Warehouse) -> list[int]:
    """The warehouse's years that have ended by the demo's day: a yearly value describes
    31 December, so the running year's part-year count is not stored as its value."""
    from ipcity.clock import year_finished
    from ipcity.evaluation.asof import year_coverage

    return [y for y in sorted(year_coverage(wh)) if year_finished(y, DEMO_TODAY)]


def _seed_areas(session: Any, wh: Warehouse) -> None:
    """Meetings/portal and IP protection demo data (each area ships its own seed)."""
    from ipcity.demo.meetings import seed_meetings_demo
    from ipcity.demo.protection import seed_protection_demo

    seed_meetings_demo(session, today=DEMO_TODAY, warehouse=wh)
    seed_protection_demo(session, today=DEMO_TODAY)


def demo_command(
    warehouse: Annotated[
        Path | None, typer.Option("--warehouse", help="Warehouse directory [default ./ipcity-data]")
    ] = None,
    scale: Annotated[float, typer.Option("--scale", help="Sample city size; 1 = Shanghai")] = 1.0,
    seed: Annotated[int, typer.Option("--seed")] = 20230101,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Start the demo afresh")] = False,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the web app")] = True,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
) -> None:
    """Build the sample city, show its headline indicators, seed the demo conference, serve."""
    with Warehouse(warehouse) as wh:
        built = build_demo_warehouse(wh, scale=scale, seed=seed, rebuild=rebuild, until=DEMO_TODAY)
        if not built:
            out.print(say("cli.demo_warehouse_kept", {"directory": wh.directory}))
        last = last_complete_year(wh, DEMO_TODAY)  # 2023 is still running on the demo's day
        headline_table(wh, [last - 2, last - 1, last])
        db_url = workspace_db_url(None, wh.directory)
        if rebuild:
            _drop_sqlite(db_url)
        logins = seed_workspace(db_url, wh)
        directory = wh.directory
    if logins is None:
        out.print(say("cli.demo_already_seeded"))
    else:
        t = Table(title=say("cli.demo_logins_title"))
        for col in ("user", "role", "unit", "password"):
            t.add_column(col)
        for row in logins:
            t.add_row(*row)
        out.print(t)
    if not serve:
        return
    from ipcity.web import serve as serve_app

    serving = {"url": f"http://{host}:{port}", "today": DEMO_TODAY.isoformat()}
    out.print(say("cli.demo_serving", serving))
    serve_app(host=host, port=port, db_url=db_url, warehouse=directory, today=DEMO_TODAY)


def _drop_sqlite(url: str) -> None:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        raise IpcityError("--rebuild only resets a SQLite workspace; empty the database by hand")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_command)
