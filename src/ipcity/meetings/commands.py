"""CLI of meetings and the portal: ``ipcity meetings ...`` and ``ipcity portal ...``.

Every command takes ``--db URL`` (else $IPCITY_DB, else workspace.sqlite in the warehouse
directory) and acts as the system actor ``cli``; ``--warehouse DIR`` (else $IPCITY_WAREHOUSE,
else ./ipcity-data) where figures or reports are computed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ipcity.clitext import cli_lang, say
from ipcity.errors import InputError
from ipcity.i18n import render

if TYPE_CHECKING:
    from ipcity.workspace.db import Database

DB_OPTION = typer.Option(
    None,
    "--db",
    help="Workspace database URL (default: $IPCITY_DB, else workspace.sqlite in the warehouse).",
)
WAREHOUSE_OPTION = typer.Option(
    None, "--warehouse", help="Warehouse directory (default: $IPCITY_WAREHOUSE, ./ipcity-data)."
)

meetings_app = typer.Typer(help="Meetings of the joint conference.", no_args_is_help=True)
portal_app = typer.Typer(
    help="The public portal: publications, headline figures.", no_args_is_help=True
)


def _open(db_url: str | None) -> Database:
    from ipcity.workspace.db import open_db

    return open_db(db_url)


@contextmanager
def _warehouse(directory: Path | None) -> Iterator[Any]:
    from ipcity.settings import warehouse_dir
    from ipcity.warehouse.store import Warehouse

    path = warehouse_dir(directory)
    if not path.exists():
        raise InputError(f"no warehouse at {path} (give --warehouse DIR or set IPCITY_WAREHOUSE)")
    with Warehouse(path, read_only=True) as wh:
        yield wh


def _cli_actor() -> Any:
    from ipcity.workspace.permissions import system_actor

    return system_actor("cli")


@meetings_app.command("list")
def meetings_list(
    year: int | None = typer.Option(None, "--year"),
    db: str | None = DB_OPTION,
) -> None:
    """List the meetings (newest first) with their status and number of decisions."""
    from ipcity.meetings.messages import label
    from ipcity.meetings.queries import list_decisions, list_meetings

    database = _open(db)
    try:
        with database.read() as s:
            actor = _cli_actor()
            lang = cli_lang()
            for m in list_meetings(s, actor, year=year):
                n = len(list_decisions(s, actor, m.id))
                typer.echo(
                    f"{m.id:>4}  {m.meeting_date}  {label('meeting_kind', m.kind, lang):<10} "
                    f"{label('meeting_status', m.status, lang):<4} {m.title}  "
                    + render("meeting.decision_count", {"n": n}, lang)
                )
    finally:
        database.dispose()


@meetings_app.command("attach-report")
def meetings_attach_report(
    meeting_id: int = typer.Argument(..., help="The meeting (see ipcity meetings list)."),
    year: int = typer.Option(..., "--year", help="Year of the work report."),
    lang: str = typer.Option("zh", "--lang", help="zh or en."),
    fmt: str = typer.Option("docx", "--format", help="docx, pdf or html."),
    warehouse: Path | None = WAREHOUSE_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Generate the annual work report and attach it to a meeting."""
    from ipcity.meetings.actions import do_attach_material, generate_work_report

    database = _open(db)
    try:
        with _warehouse(warehouse) as wh, database.write() as s:
            att = generate_work_report(s, year, lang=lang, fmt=fmt, warehouse=wh)
            m = do_attach_material(s, _cli_actor(), meeting_id, att)
            attached = {"filename": m.filename, "size": f"{m.size:,}", "meeting": meeting_id}
            typer.echo(say("cli.attached", attached))
    finally:
        database.dispose()


@portal_app.command("publish-headline")
def portal_publish_headline(
    year: int = typer.Option(..., "--year", help="The year the portal shows."),
    source: str = typer.Option(
        "engine", "--source", help="engine (compute from the warehouse) or workspace (actuals)."
    ),
    years_back: int = typer.Option(4, "--years-back", help="Earlier years drawn in the charts."),
    region: str = typer.Option("310000", "--region"),
    warehouse: Path | None = WAREHOUSE_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Publish the headline figures of a year on the portal (they stay until republished)."""
    from ipcity.meetings.actions import do_publish_headline_snapshot

    database = _open(db)
    try:
        if source == "engine":
            with _warehouse(warehouse) as wh, database.write() as s:
                snap = do_publish_headline_snapshot(
                    s,
                    _cli_actor(),
                    year,
                    source=source,
                    years_back=years_back,
                    region=region,
                    warehouse=wh,
                )
                n = len(snap.values)
        else:
            with database.write() as s:
                snap = do_publish_headline_snapshot(
                    s, _cli_actor(), year, source=source, years_back=years_back, region=region
                )
                n = len(snap.values)
        published = {"id": snap.id, "year": year, "n": n, "source": source}
        typer.echo(say("cli.snapshot_published", published))
    finally:
        database.dispose()


@portal_app.command("publish-report")
def portal_publish_report(
    year: int = typer.Option(..., "--year", help="Year of the work report."),
    langs: str = typer.Option("zh,en", "--lang", help="Languages, comma-separated."),
    fmt: str = typer.Option("pdf", "--format", help="docx, pdf or html."),
    publish: bool = typer.Option(False, "--publish/--draft", help="Publish at once."),
    warehouse: Path | None = WAREHOUSE_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Generate the work report and put it on the portal as a publication (a draft unless
    --publish)."""
    from ipcity.meetings.actions import do_create_publication, do_publish, generate_work_report
    from ipcity.meetings.messages import label
    from ipcity.reports.build import build_report_bytes
    from ipcity.reports.gather import gather_report_data

    wanted = [x.strip() for x in langs.split(",") if x.strip()]
    database = _open(db)
    try:
        with _warehouse(warehouse) as wh, database.write() as s:
            data = gather_report_data(wh, s, year)

            def builder(_s: Any, _y: int, lang: str, form: str) -> bytes:
                return build_report_bytes(data, lang, form)

            files = [
                generate_work_report(s, year, lang=lang, fmt=fmt, builder=builder)
                for lang in wanted
            ]
            actor = _cli_actor()
            pub = do_create_publication(
                s,
                actor,
                {
                    "kind": "work_report",
                    "title_zh": render("publication.work_report_title", {"year": year}, "zh"),
                    "title_en": render("publication.work_report_title", {"year": year}, "en"),
                    "summary_zh": render("publication.work_report_summary", {"year": year}, "zh"),
                    "summary_en": render("publication.work_report_summary", {"year": year}, "en"),
                    "report_year": year,
                },
                files=files,
            )
            if publish:
                pub = do_publish(s, actor, pub.id, expected_version=pub.version)
            status = label("publication_status", pub.status, cli_lang())
            names = ", ".join(f.filename for f in pub.files)
            typer.echo(say("cli.publication", {"id": pub.id, "status": status, "files": names}))
    finally:
        database.dispose()


@portal_app.command("list")
def portal_list(db: str | None = DB_OPTION) -> None:
    """List the publications and headline snapshots (every state)."""
    from ipcity.meetings.messages import label
    from ipcity.meetings.queries import list_headline_snapshots, list_publications

    database = _open(db)
    try:
        with database.read() as s:
            actor = _cli_actor()
            lang = cli_lang()
            for p in list_publications(s, actor):
                when = p.published_at.date().isoformat() if p.published_at else "—"
                typer.echo(
                    f"{p.id:>4}  {label('publication_status', p.status, lang):<4} {when:<10} "
                    f"{label('publication_kind', p.kind, lang):<4} {p.title_zh}"
                )
            for snap in list_headline_snapshots(s, actor):
                shown = {
                    "id": snap.id,
                    "year": snap.year,
                    "status": label("snapshot_status", snap.status, lang),
                    "source": snap.source,
                    "day": snap.published_at.date().isoformat(),
                }
                typer.echo(say("cli.snapshot_line", shown))
    finally:
        database.dispose()


def register(app: typer.Typer) -> None:
    app.add_typer(meetings_app, name="meetings")
    app.add_typer(portal_app, name="portal")
