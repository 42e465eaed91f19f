"""The ``seed-demo`` subcommands of the workspace, meetings and protection command groups.

They live with the demo so that no domain package imports ``ipcity.demo`` (tests/test_layers.py
and tests/test_demo_package.py): ``register`` mounts them on each area's own group, so the
commands stay ``ipcity workspace seed-demo``, ``ipcity meetings seed-demo`` and
``ipcity protection seed-demo``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from ipcity.clitext import say
from ipcity.clock import today_option
from ipcity.meetings import commands as meetings_cli
from ipcity.protection import commands as protection_cli
from ipcity.workspace import commands as workspace_cli

DB_OPTION = workspace_cli.DB_OPTION
_open = workspace_cli._open
_warehouse = meetings_cli._warehouse


def ws_seed_demo(
    today: str | None = typer.Option(None, "--today", help="The demo's today (default: today)."),
    seed: int = typer.Option(2023, "--seed"),
    db: str | None = DB_OPTION,
) -> None:
    """Seed the demo joint conference (演示数据) into an empty workspace; prints the logins."""
    from ipcity.demo.workspace_seed import seed_demo

    database = _open(db)
    try:
        with database.write() as s:
            logins = seed_demo(s, today=today_option(today), seed=seed)
        counts = ", ".join(f"{k} {v}" for k, v in logins.counts.items())
        typer.echo(say("cli.demo_seeded", {"counts": counts}))
        typer.echo(say("cli.demo_logins"))
        for username, role, unit, password in logins.as_rows():
            typer.echo(f"  {username:<10} {password}  {role} {unit}")
    finally:
        database.dispose()


def meetings_seed_demo(
    today: str | None = typer.Option(None, "--today", help="The demo's today (default: today)."),
    year: int = typer.Option(2023, "--year", help="Year of the annual meeting."),
    warehouse: Path | None = typer.Option(
        None, "--warehouse", help="Generate and attach the work report from this warehouse."
    ),
    db: str | None = DB_OPTION,
) -> None:
    """Seed the demo meetings and portal (after ``ipcity workspace seed-demo``)."""
    from ipcity.demo.meetings import seed_meetings_demo

    database = _open(db)
    try:
        if warehouse is not None:
            with _warehouse(warehouse) as wh, database.write() as s:
                out = seed_meetings_demo(s, today=today_option(today), year=year, warehouse=wh)
        else:
            with database.write() as s:
                out = seed_meetings_demo(s, today=today_option(today), year=year)
        counts = ", ".join(f"{k} {v}" for k, v in out.counts().items())
        typer.echo(say("cli.demo_meetings_seeded", {"counts": counts}))
        for note in out.notes:
            typer.echo(f"{say('cli.note')} {note}")
    finally:
        database.dispose()


def protection_seed_demo(
    today: str | None = typer.Option(None, "--today", help="The demo's today (default: today)."),
    year: int = typer.Option(2023, "--year"),
    seed: int = typer.Option(2023, "--seed"),
    db: str | None = DB_OPTION,
) -> None:
    """Add a year of synthetic cases (演示数据) to the demo workspace."""
    from ipcity.demo.protection import seed_protection_demo

    database = _open(db)
    try:
        with database.write() as s:
            summary = seed_protection_demo(s, today=today_option(today), year=year, seed=seed)
    finally:
        database.dispose()
    units = ", ".join(f"{k} {v}" for k, v in summary.by_unit.items())
    cases = {
        "cases": summary.cases,
        "open": summary.open_cases,
        "transferred": summary.transferred,
        "joint": summary.joint,
        "targets": summary.targets,
        "units": units,
    }
    typer.echo(say("cli.demo_cases", cases))


def register(app: typer.Typer) -> None:
    """Mount the three ``seed-demo`` commands on their areas' groups (``app`` is unused: the
    groups are already mounted by their areas)."""
    del app
    workspace_cli.ws_app.command("seed-demo")(ws_seed_demo)
    meetings_cli.meetings_app.command("seed-demo")(meetings_seed_demo)
    protection_cli.protection_app.command("seed-demo")(protection_seed_demo)
