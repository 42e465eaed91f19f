"""CLI of the protection area: ``ipcity cases ...`` and ``ipcity protection ...``.

Every command takes ``--db URL`` (else $IPCITY_DB, else the SQLite file in the warehouse
directory) and acts as the system actor ``cli`` (the office's rights: names in clear) unless
``--masked`` asks for what a leader would see.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ipcity.clitext import cli_lang, say
from ipcity.errors import InputError

if TYPE_CHECKING:
    from ipcity.workspace.db import Database

DB_OPTION = typer.Option(
    None,
    "--db",
    help="Workspace database URL (default: $IPCITY_DB, else workspace.sqlite in the warehouse).",
)

cases_app = typer.Typer(
    help="IP protection cases of the member units: import and export.", no_args_is_help=True
)
protection_app = typer.Typer(
    help="IP protection: indicators, self-assessment, demo cases, public aggregates.",
    no_args_is_help=True,
)


def _open(db_url: str | None) -> Database:
    from ipcity.workspace.db import open_db

    return open_db(db_url)


def _day(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} must be a date like 2023-06-30, not {value!r}") from None


def _years(value: str) -> list[int]:
    """2023 or 2021..2023 or 2021,2023."""
    try:
        if ".." in value:
            lo, hi = value.split("..", 1)
            years = list(range(int(lo), int(hi) + 1))
        else:
            years = [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise InputError(
            f"--year must look like 2023, 2021..2023 or 2021,2023, not {value!r}"
        ) from None
    if not years or any(not 1949 <= y <= 2100 for y in years):
        raise InputError(f"--year {value!r}: years between 1949 and 2100")
    return years


@cases_app.command("import")
def cases_import(
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    unit: str = typer.Option(..., "--unit", help="The owning unit's code (or GB/T 2260 code)."),
    sheet: str | None = typer.Option(None, "--sheet"),
    kind: str | None = typer.Option(
        None, "--kind", help="Kind for rows without 案件类型 (e.g. customs_seizure or 海关扣留)."
    ),
    today: str | None = typer.Option(None, "--today", help="Reject dates after this day."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Only show what the import would add, change and warn about."
    ),
    db: str | None = DB_OPTION,
) -> None:
    """Import a unit's case sheet (XLSX/CSV; all or nothing; re-runnable, keyed by 案号). The
    preview's warnings (a case number another unit records) are printed first."""
    from ipcity.protection.case_import import (
        do_import_cases,
        preview_case_import,
        read_case_import,
    )
    from ipcity.workspace.actions.directory import find_unit_by_code
    from ipcity.workspace.commands import echo_preview, import_counts, report_import_errors
    from ipcity.workspace.errors import ImportRejected
    from ipcity.workspace.import_preview import StalePreview
    from ipcity.workspace.permissions import system_actor

    database = _open(db)
    actor, day = system_actor("cli"), _day(today, "--today")
    try:
        with database.read() as s:  # read and check first: the write lock only for the writes
            ready = read_case_import(
                s,
                actor,
                find_unit_by_code(s, unit).id,
                file.read_bytes(),
                file.name,
                sheet=sheet,
                default_kind=kind,
                today=day,
            )
            preview = preview_case_import(s, actor, ready)
        echo_preview(
            preview,
            lambda a: f" ({a['kind']}, {a['received_on']})",
            dry_run=dry_run,
            skipped=len(preview.skipped),
        )
        if dry_run:
            return
        with database.write() as s:
            result = do_import_cases(
                s, actor, ready.unit_id, ready, today=day, expected_token=preview.token
            )
    except ImportRejected as exc:
        report_import_errors(exc)
        raise typer.Exit(1) from None
    except StalePreview as exc:  # the unit's cases changed between preview and write
        typer.echo(exc.message(cli_lang()), err=True)
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    counts = {**import_counts(result), "skipped": len(result.skipped)}
    typer.echo(say("cli.cases_imported", {**counts, "kept": len(result.not_in_file)}))


@cases_app.command("export")
def cases_export(
    output: Path = typer.Option(..., "-o", "--output", help="File to write (.xlsx or .csv)."),
    unit: str | None = typer.Option(None, "--unit", help="Only this unit's cases."),
    year: int | None = typer.Option(None, "--year", help="Only cases received in this year."),
    masked: bool = typer.Option(
        False, "--masked", help="Mask party names (what a leader sees), e.g. to pass the file on."
    ),
    db: str | None = DB_OPTION,
) -> None:
    """Export cases in the import layout."""
    from ipcity.protection.export import export_cases
    from ipcity.protection.queries import CaseFilter
    from ipcity.workspace.actions.directory import find_unit_by_code
    from ipcity.workspace.permissions import Actor, Role, system_actor

    suffix = output.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise InputError(f"{output}: the output must end in .xlsx or .csv")
    viewer = Actor(role=Role.LEADER, username="cli-masked") if masked else system_actor("cli")
    database = _open(db)
    try:
        with database.read() as s:
            unit_id = find_unit_by_code(s, unit).id if unit else None
            data = export_cases(
                s, viewer, CaseFilter(unit_id=unit_id, received_year=year), fmt=suffix[1:]
            )
    finally:
        database.dispose()
    output.write_bytes(data)
    typer.echo(say("cli.wrote", {"path": output}))


@protection_app.command("indicators")
def protection_indicators(
    year: str = typer.Option(..., "--year", help="2023, 2021..2023 or 2021,2023."),
    by: str = typer.Option("", "--by", help="Breakdown: unit,district,kind,ip_type (any)."),
    indicator: list[str] = typer.Option(
        [], "--indicator", "-i", help="Indicator id (repeatable; default: all)."
    ),
    as_of: str | None = typer.Option(None, "--as-of", help="Count only what happened by then."),
    fmt: str = typer.Option("table", "--format", help="table, json or csv."),
    db: str | None = DB_OPTION,
) -> None:
    """Protection indicators from the case records (docs/protection.md)."""
    from ipcity.protection import indicators as ind

    if fmt not in ("table", "json", "csv"):
        raise InputError("--format must be table, json or csv")
    dims = [d.strip() for d in by.split(",") if d.strip()]
    database = _open(db)
    try:
        with database.read() as s:
            table = ind.compute(
                s,
                years=_years(year),
                by=dims,
                indicators=indicator or None,
                as_of=_day(as_of, "--as-of"),
            )
    finally:
        database.dispose()
    if fmt == "json":
        typer.echo(json.dumps(table.as_dict(), ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        typer.echo(table.to_csv().decode("utf-8-sig"), nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title="知识产权保护指标 / protection indicators")
    for col in ("indicator", "name", "year", *table.by, "value", "unit"):
        t.add_column(col, justify="right" if col in ("value", "year") else "left", no_wrap=True)
    for r in table.rows:
        d = ind.INDICATORS[r.indicator]
        value = "—" if r.value is None else _show(r.float_value)
        t.add_row(
            ind.short_id(r.indicator),
            d.name_zh,
            str(r.year),
            *(r.dim(b) or "—" for b in table.by),
            value,
            d.unit_zh,
        )
    Console().print(t)


def _show(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


@protection_app.command("assess")
def protection_assess(
    year: int = typer.Option(..., "--year"),
    as_of: str | None = typer.Option(None, "--as-of", help="Default: 31 December, or today."),
    scheme: Path | None = typer.Option(None, "--scheme", help="A scheme TOML file."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
    db: str | None = DB_OPTION,
) -> None:
    """Self-assessment of IP protection: the city and each district, with the breakdown."""
    from ipcity.protection.assessment import self_assessment
    from ipcity.protection.scheme import load_scheme
    from ipcity.workspace.permissions import system_actor

    if fmt not in ("table", "json"):
        raise InputError("--format must be table or json")
    chosen = load_scheme(scheme)
    database = _open(db)
    try:
        with database.read() as s:
            result = self_assessment(
                s, system_actor("cli"), year, as_of=_day(as_of, "--as-of"), scheme=chosen
            )
    finally:
        database.dispose()
    if fmt == "json":
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"{chosen.name} — {year}, as of {result.as_of.isoformat()}")
    if result.city is not None:
        t = Table(title=f"全市 {result.city.score}")
        for col in ("item", "value", "points", "max", "note"):
            t.add_column(col)
        for b in result.city.breakdown:
            t.add_row(
                b.label,
                b.raw_text or "—",
                "—" if b.points is None else str(b.points),
                "—" if b.max_points is None else str(b.max_points),
                b.note,
            )
        console.print(t)
    t = Table(title="各区 / districts")
    for col in ("rank", "district", "score"):
        t.add_column(col)
    for d in result.districts:
        t.add_row(str(d.rank), d.entity.name, str(d.score))
    console.print(t)


@protection_app.command("refresh-actuals")
def protection_refresh(db: str | None = DB_OPTION) -> None:
    """Recompute the workspace targets that read protection indicators (every year)."""
    from ipcity.protection.indicators import refresh_live_actuals

    database = _open(db)
    try:
        with database.write() as s:
            added = refresh_live_actuals(s)
    finally:
        database.dispose()
    typer.echo(f"{added} new snapshots")


@protection_app.command("public")
def protection_public(
    year: int = typer.Option(..., "--year"),
    fmt: str = typer.Option("json", "--format", help="json or csv."),
    db: str | None = DB_OPTION,
) -> None:
    """What the public portal shows: aggregates with small counts suppressed."""
    from ipcity.protection.public import public_aggregates

    if fmt not in ("json", "csv"):
        raise InputError("--format must be json or csv")
    database = _open(db)
    try:
        with database.read() as s:
            stats = public_aggregates(s, year=year)
    finally:
        database.dispose()
    if fmt == "json":
        typer.echo(json.dumps(stats.as_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(stats.to_csv().decode("utf-8-sig"), nl=False)


def register(app: typer.Typer) -> None:
    app.add_typer(cases_app, name="cases")
    app.add_typer(protection_app, name="protection")
