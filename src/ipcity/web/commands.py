"""``ipcity serve``: the web app (pages and /api/v1) with uvicorn."""

from __future__ import annotations

from datetime import date

import typer

from ipcity.clitext import say
from ipcity.errors import InputError


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)


def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    db: str | None = typer.Option(
        None,
        "--db",
        help="Workspace database URL (default: $IPCITY_DB, else workspace.sqlite in the "
        "warehouse directory). Upgraded to the current schema on start.",
    ),
    warehouse: str | None = typer.Option(
        None,
        "--warehouse",
        help="Warehouse directory (default: $IPCITY_WAREHOUSE, else ./ipcity-data). Optional: "
        "without it the engine-based pages say so.",
    ),
    workers: int = typer.Option(
        1, "--workers", min=1, help="Worker processes (one per core serves more users)."
    ),
    today: str | None = typer.Option(
        None,
        "--today",
        help="Compute task statuses for this day (YYYY-MM-DD) instead of the real date "
        "(also $IPCITY_TODAY); for demos and training.",
    ),
) -> None:
    """Serve the joint-conference workspace: pages, and the JSON API under /api/v1.

    There is no default user: create the first office admin with
    `ipcity users create NAME --role office_admin --password-stdin`.
    """
    # Imported here: the app and every area's pages are not needed to start the CLI.
    from ipcity.web.app import serve

    day: date | None = None
    if today:
        try:
            day = date.fromisoformat(today)
        except ValueError:
            raise InputError(f"--today must be a date like 2023-09-15, not {today!r}") from None
    typer.echo(say("cli.serving", {"url": f"http://{host}:{port}/"}))
    serve(host, port, db, warehouse, today=day, workers=workers)
