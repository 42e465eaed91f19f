"""CLI of the workspace: ``ipcity users ...``, ``ipcity units ...``, ``ipcity db ...`` and
``ipcity workspace ...`` (seed the demo, run supervision, import/export sheets, export the
audit log). Every command takes ``--db URL`` (else $IPCITY_DB, else a SQLite file in the
warehouse directory) and acts as the system actor ``cli``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ipcity.clitext import cli_lang, say
from ipcity.clock import app_today, today_option
from ipcity.errors import InputError, IpcityError
from ipcity.i18n import render
from ipcity.workspace.errors import ImportRejected

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ipcity.workspace.db import Database
    from ipcity.workspace.import_preview import ImportPreview
    from ipcity.workspace.permissions import Actor

DB_OPTION = typer.Option(
    None,
    "--db",
    help="Workspace database URL (default: $IPCITY_DB, else workspace.sqlite in the warehouse).",
)


def _open(db_url: str | None) -> Database:
    from ipcity.workspace.db import open_db

    return open_db(db_url)


def _read_password() -> str:
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise InputError("no password on standard input (pipe it in: echo ... | ipcity users ...)")
    return password


def report_import_errors(exc: ImportRejected) -> None:
    lang = cli_lang()
    typer.echo(exc.message(lang), err=True)
    for e in exc.row_errors:
        row = {"row": e.row, "column": e.column, "message": e.message(lang)}
        typer.echo("  " + render("import.row_error", row, lang), err=True)


users_app = typer.Typer(
    help="Workspace users (the first office admin is created here).", no_args_is_help=True
)
units_app = typer.Typer(help="Member units of the joint conference.", no_args_is_help=True)
db_app = typer.Typer(help="The workspace database schema.", no_args_is_help=True)
ws_app = typer.Typer(
    help="Joint-conference workspace: demo data, supervision, import and export.",
    no_args_is_help=True,
)


@users_app.command("create")
def users_create(
    name: str = typer.Argument(..., help="User name (login)."),
    role: str = typer.Option(..., "--role", help="office_admin, unit_editor or leader."),
    unit: str | None = typer.Option(
        None, "--unit", help="Unit code (or GB/T 2260 code); required for unit_editor."
    ),
    display_name: str | None = typer.Option(None, "--display-name"),
    email: str | None = typer.Option(None, "--email"),
    password_stdin: bool = typer.Option(
        False,
        "--password-stdin",
        help="Read the password from standard input (required: there is no default password).",
    ),
    db: str | None = DB_OPTION,
) -> None:
    """Create a user; the password is read from standard input."""
    from ipcity.workspace.actions import do_create_user
    from ipcity.workspace.actions.directory import find_unit_by_code
    from ipcity.workspace.permissions import system_actor

    if not password_stdin:
        raise InputError("give the password on standard input with --password-stdin")
    password = _read_password()
    database = _open(db)
    try:
        with database.write() as s:
            unit_id = find_unit_by_code(s, unit).id if unit else None
            data = {
                "username": name,
                "role": role,
                "unit_id": unit_id,
                "display_name": display_name,
                "email": email,
            }
            user = do_create_user(s, system_actor("cli"), data, password=password)
            typer.echo(say("cli.created_user", {"username": user.username, "role": user.role}))
    finally:
        database.dispose()


@users_app.command("set-password")
def users_set_password(
    name: str = typer.Argument(...),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the new password from standard input."
    ),
    db: str | None = DB_OPTION,
) -> None:
    """Set a user's password (read from standard input)."""
    from sqlalchemy import select

    from ipcity.workspace.actions import do_set_password
    from ipcity.workspace.models import User
    from ipcity.workspace.permissions import system_actor

    if not password_stdin:
        raise InputError("give the password on standard input with --password-stdin")
    password = _read_password()
    database = _open(db)
    try:
        with database.write() as s:
            user = s.scalar(select(User).where(User.username == name.strip().lower()))
            if user is None:
                raise IpcityError(f"no user {name!r}")
            do_set_password(
                s,
                system_actor("cli"),
                user.id,
                expected_version=user.version,
                new_password=password,
            )
            typer.echo(say("cli.password_changed", {"username": user.username}))
    finally:
        database.dispose()


@users_app.command("list")
def users_list(db: str | None = DB_OPTION) -> None:
    """List users with role and unit."""
    from ipcity.workspace.permissions import system_actor
    from ipcity.workspace.queries import list_users

    database = _open(db)
    try:
        with database.read() as s:
            for u in list_users(s, system_actor("cli")):
                unit = u.unit.name if u.unit else "-"
                state = "" if u.active else say("cli.user_disabled")
                typer.echo(f"{u.username}\t{u.role}\t{unit}{state}")
    finally:
        database.dispose()


@units_app.command("add")
def units_add(
    code: str = typer.Argument(..., help="Short code, e.g. SAMR (districts: the GB/T 2260 code)."),
    name: str = typer.Argument(..., help="Full name, e.g. 市市场监管局."),
    kind: str = typer.Option("municipal", "--kind", help="office, municipal or district."),
    short_name: str | None = typer.Option(None, "--short-name"),
    admin_code: str | None = typer.Option(None, "--admin-code", help="GB/T 2260 code (districts)."),
    db: str | None = DB_OPTION,
) -> None:
    """Add a member unit."""
    from ipcity.workspace.actions import do_create_unit
    from ipcity.workspace.permissions import system_actor

    database = _open(db)
    try:
        with database.write() as s:
            unit = do_create_unit(
                s,
                system_actor("cli"),
                {
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "short_name": short_name,
                    "admin_code": admin_code,
                },
            )
            typer.echo(say("cli.created_unit", {"code": unit.code, "name": unit.name}))
    finally:
        database.dispose()


@units_app.command("list")
def units_list(db: str | None = DB_OPTION) -> None:
    """List member units."""
    from ipcity.workspace.permissions import system_actor
    from ipcity.workspace.queries import list_units

    database = _open(db)
    try:
        with database.read() as s:
            for u in list_units(s, system_actor("cli"), include_inactive=True):
                typer.echo(f"{u.code}\t{u.name}\t{u.kind}\t{u.admin_code or ''}")
    finally:
        database.dispose()


@db_app.command("upgrade")
def db_upgrade(db: str | None = DB_OPTION) -> None:
    """Bring the workspace schema to the newest revision (also done on every start)."""
    from ipcity.workspace.db import current_revision, open_db

    database = open_db(db)
    try:
        typer.echo(say("cli.schema_at", {"revision": current_revision(database.engine)}))
    finally:
        database.dispose()


@db_app.command("current")
def db_current(db: str | None = DB_OPTION) -> None:
    """Show the schema revision without changing anything."""
    from ipcity.workspace.db import current_revision, head_revision, open_db

    database = open_db(db, upgrade_schema=False)
    try:
        cur = current_revision(database.engine)
        shown = cur or say("cli.schema_empty")
        typer.echo(say("cli.schema_current", {"current": shown, "newest": head_revision()}))
    finally:
        database.dispose()


@ws_app.command("supervise")
def ws_supervise(
    today: str | None = typer.Option(None, "--today", help="Run as of this day (default: today)."),
    db: str | None = DB_OPTION,
) -> None:
    """Compute task statuses, write near-deadline and overdue notices, send e-mail."""
    from ipcity.workspace.actions import do_run_supervision
    from ipcity.workspace.permissions import system_actor

    database = _open(db)
    try:
        with database.write() as s:
            run = do_run_supervision(s, system_actor("cli"), today=today_option(today))
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(run.statuses.items()))
        counts = {"notices": run.notices_created, "emails": run.emails_sent}
        typer.echo(say("cli.supervised", {"today": run.today, "statuses": statuses, **counts}))
        for err in run.email_errors:
            typer.echo(say("cli.email_failed", {"error": err}), err=True)
    finally:
        database.dispose()


def _work_plan_id(s: Session, code: str) -> int:
    from ipcity.workspace.permissions import system_actor
    from ipcity.workspace.queries import get_work_plan_by_code

    return get_work_plan_by_code(s, system_actor("cli"), code).id


def _plan_id(s: Session, code: str) -> int:
    from sqlalchemy import select

    from ipcity.workspace.models import Plan

    plan = s.scalar(select(Plan).where(Plan.code == code))
    if plan is None:
        raise IpcityError(f"no plan with code {code!r}")
    return plan.id


@ws_app.command("import-tasks")
def ws_import_tasks(
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    work_plan: str = typer.Option(..., "--work-plan", help="Work plan code, e.g. WP2023."),
    sheet: str | None = typer.Option(None, "--sheet"),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Only show what the import would add, change and warn about."
    ),
    db: str | None = DB_OPTION,
) -> None:
    """Import tasks from XLSX/CSV (all or nothing; re-runnable). Rows match tasks by 任务编号,
    else by title and lead unit (never by 序号); the preview's warnings are printed first."""
    from ipcity.workspace.actions.imports import (
        do_import_tasks,
        preview_task_import,
        read_task_import,
    )
    from ipcity.workspace.permissions import system_actor

    database = _open(db)
    actor = system_actor("cli")
    try:
        with database.read() as s:  # read and check first: the write lock only for the writes
            ready = read_task_import(
                s, actor, _work_plan_id(s, work_plan), file.read_bytes(), file.name, sheet=sheet
            )
            preview = preview_task_import(s, actor, ready, today=app_today())
        echo_preview(
            preview,
            lambda a: f": {a['title']} ({a['lead_unit']}, {a['deadline']})",
            dry_run=dry_run,
        )
        if dry_run:
            return
        with database.write() as s:
            result = do_import_tasks(
                s, actor, ready.work_plan_id, ready, expected_token=preview.token
            )
    except ImportRejected as exc:
        report_import_errors(exc)
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    typer.echo(
        say(
            "cli.tasks_imported",
            {**import_counts(result), "kept": len(result.not_in_file)},
        )
    )


@ws_app.command("import-targets")
def ws_import_targets(
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    plan: str = typer.Option(..., "--plan", help="Plan code, e.g. FYP14."),
    sheet: str | None = typer.Option(None, "--sheet"),
    db: str | None = DB_OPTION,
) -> None:
    """Import indicator targets from XLSX/CSV (all or nothing; re-runnable)."""
    from ipcity.workspace.actions.imports import do_import_targets, read_target_import
    from ipcity.workspace.permissions import system_actor

    database = _open(db)
    actor = system_actor("cli")
    try:
        with database.read() as s:  # read and check first: the write lock only for the writes
            ready = read_target_import(
                s, actor, _plan_id(s, plan), file.read_bytes(), file.name, sheet=sheet
            )
        with database.write() as s:
            result = do_import_targets(s, actor, ready.plan_id, ready)
    except ImportRejected as exc:
        report_import_errors(exc)
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    typer.echo(say("cli.rows_imported", import_counts(result)))


def import_counts(result: Any) -> dict[str, int]:
    """rows, created, updated, unchanged of an import's result (tasks, targets, cases)."""
    return {
        "rows": result.rows,
        "created": len(result.created),
        "updated": len(result.updated),
        "unchanged": len(result.unchanged),
    }


def _fmt(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise InputError(f"{path}: the output must end in .xlsx or .csv")
    return suffix[1:]


def _export(output: Path, db: str | None, build: Callable[[Session, Actor, str], bytes]) -> None:
    """Write what ``build`` exports (as the CLI, in the format the output's suffix names)."""
    from ipcity.workspace.permissions import system_actor

    fmt = _fmt(output)
    database = _open(db)
    try:
        with database.read() as s:
            data = build(s, system_actor("cli"), fmt)
    finally:
        database.dispose()
    output.write_bytes(data)
    typer.echo(say("cli.wrote", {"path": output}))


def echo_preview(
    preview: ImportPreview,
    describe_add: Callable[[dict[str, Any]], str],
    *,
    dry_run: bool,
    skipped: int | None = None,
) -> None:
    """An import preview on the terminal: its warnings; on a dry run, what it would add
    (``add <code>`` and ``describe_add``'s text), change, and the counts."""
    lang = cli_lang()
    for w in preview.warnings:
        where = {"row": w.row, "column": w.column, "message": w.message(lang)}
        typer.echo(say("cli.import_warning", where), err=True)
    if not dry_run:
        return
    for a in preview.add:
        typer.echo(say("cli.preview_add", {"code": a["code"], "details": describe_add(a)}))
    for u in preview.update:
        changed = "; ".join(f"{k}: {c['from']} -> {c['to']}" for k, c in u["changes"].items())
        typer.echo(say("cli.preview_update", {"code": u["code"], "changes": changed}))
    counts = say(
        "cli.preview_counts",
        {
            "add": len(preview.add),
            "change": len(preview.update),
            "unchanged": len(preview.unchanged),
        },
    )
    if skipped is not None:
        counts += say("cli.preview_skipped", {"n": skipped})
    typer.echo(say("cli.preview_nothing_written", {"counts": counts}))


@ws_app.command("export-tasks")
def ws_export_tasks(
    output: Path = typer.Option(..., "-o", "--output", help="File to write (.xlsx or .csv)."),
    work_plan: str = typer.Option(..., "--work-plan"),
    db: str | None = DB_OPTION,
) -> None:
    """Export a work plan's tasks in the office's layout."""
    from ipcity.workspace.excel_io import export_tasks

    _export(
        output,
        db,
        lambda s, actor, fmt: export_tasks(s, actor, _work_plan_id(s, work_plan), fmt=fmt),
    )


@ws_app.command("export-targets")
def ws_export_targets(
    output: Path = typer.Option(..., "-o", "--output"),
    plan: str = typer.Option(..., "--plan"),
    db: str | None = DB_OPTION,
) -> None:
    """Export a plan's indicator targets in the office's layout."""
    from ipcity.workspace.excel_io import export_targets

    _export(output, db, lambda s, actor, fmt: export_targets(s, actor, _plan_id(s, plan), fmt=fmt))


@ws_app.command("audit-export")
def ws_audit_export(
    output: Path = typer.Option(..., "-o", "--output", help="CSV file to write."),
    db: str | None = DB_OPTION,
) -> None:
    """Export the whole audit log as CSV (UTF-8 with BOM)."""
    from ipcity.workspace.audit import export_audit_csv
    from ipcity.workspace.permissions import system_actor

    database = _open(db)
    try:
        with database.read() as s:
            data = export_audit_csv(s, system_actor("cli"))
    finally:
        database.dispose()
    output.write_bytes(data)
    typer.echo(say("cli.wrote", {"path": output}))


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.add_typer(units_app, name="units")
    app.add_typer(db_app, name="db")
    app.add_typer(ws_app, name="workspace")
