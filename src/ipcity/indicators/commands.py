"""CLI: ``ipcity indicators``."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ipcity.clitext import say
from ipcity.errors import IpcityError
from ipcity.indicators.scale_commands import (
    DataOpt,
    SparkConfOpt,
    SparkMasterOpt,
    SparkPropertiesOpt,
    SparkRemoteOpt,
    export_command,
    spark_settings,
)
from ipcity.warehouse.store import Warehouse

YEARS = re.compile(r"^(\d{4})(?:\.\.(\d{4}))?$")


def parse_years(text: str | None) -> list[int] | None:
    """'2022' -> [2022]; '2018..2022' -> [2018, ..., 2022]; None -> every year with data."""
    if text is None:
        return None
    m = YEARS.match(text.strip())
    if not m:
        raise IpcityError(f"--year must be a year (2022) or a range (2018..2022), not '{text}'")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if last < first:
        raise IpcityError(f"--year range {text} runs backwards")
    return list(range(first, last + 1))


def split_list(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split(",") if p.strip()]


def format_value(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and not v.is_integer():
        return f"{v:,.4f}".rstrip("0").rstrip(".")  # the table is for reading; JSON has it all
    if isinstance(v, int | float):
        v = int(v)
        return f"{v:,}"
    return str(v)


def indicators_command(
    indicator: Annotated[
        str | None,
        typer.Option("--indicator", help="Indicator id(s), comma-separated [default: all]"),
    ] = None,
    year: Annotated[
        str | None, typer.Option("--year", help="Y or Y1..Y2 [default: every year]")
    ] = None,
    region: Annotated[
        str, typer.Option("--region", help="GB/T 2260 code, CN, a country code, or ALL")
    ] = "ALL",
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="Breakdown(s): patent_type, region_code, applicant_country, inventor_country, "
            "ipc_section, office, sei_branch",
        ),
    ] = None,
    counting: Annotated[
        str, typer.Option("--counting", help="first, whole or fractional")
    ] = "first",
    office: Annotated[
        str | None,
        typer.Option(
            "--office",
            help="Patent office of every indicator but PCT: a code such as CN or US, or ALL "
            "(all but WO) [default: the definition's, CN; ALL with --by office]",
        ),
    ] = None,
    definition: Annotated[
        str | None,
        typer.Option("--definition", help="Definition version: 1 or 2 [default: 2, current]"),
    ] = None,
    population_lag: Annotated[
        int | None,
        typer.Option(
            "--population-lag",
            help="Use the population N years before, for every region "
            "[default: each region's setting, IPCITY_POPULATION_LAG]",
        ),
    ] = None,
    engine: Annotated[str, typer.Option("--engine", help="duckdb or spark")] = "duckdb",
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv")] = "table",
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Definition configuration TOML (criteria, thresholds)"),
    ] = None,
    warehouse: Annotated[
        Path | None,
        typer.Option("--warehouse", help="Warehouse directory [env IPCITY_WAREHOUSE]"),
    ] = None,
    data: DataOpt = None,
    spark_master: SparkMasterOpt = None,
    spark_remote: SparkRemoteOpt = None,
    spark_conf: SparkConfOpt = None,
    spark_properties: SparkPropertiesOpt = None,
) -> None:
    """Compute the official IP indicators from the warehouse."""
    from ipcity.indicators import DefinitionConfig, compute

    if fmt not in ("table", "json", "csv"):
        raise IpcityError(f"--format must be table, json or csv, not '{fmt}'")
    spark = spark_settings(spark_master, spark_remote, spark_conf, spark_properties)
    with Warehouse(warehouse, read_only=True) as wh:
        result = compute(
            wh,
            indicators=split_list(indicator) or None,
            years=parse_years(year),
            region=region,
            by=split_list(by),
            counting=counting,
            population_lag=population_lag,
            engine=engine,
            config=DefinitionConfig.from_toml(config) if config else None,
            office=office,
            definition=definition,
            data=data,
            spark=spark,
        )
    doc = result.to_json_dict()
    if fmt == "json":
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
        typer.echo(_csv(doc["rows"]), nl=False)
    else:
        _table(doc)


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    if rows:
        w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow(
                {
                    k: ("" if v is None else repr(v) if isinstance(v, float) else v)
                    for k, v in r.items()
                }
            )
    return out.getvalue()


def _table(doc: dict[str, Any]) -> None:
    console = Console()
    rows = doc["rows"]
    if not rows:
        console.print(say("cli.no_rows"))
    else:
        t = Table(show_lines=False)
        keys = list(rows[0])
        for k in keys:
            t.add_column(k, justify="right" if k == "value" else "left")
        for r in rows:
            t.add_row(
                *(
                    format_value(r[k]) if k == "value" else ("" if r[k] is None else str(r[k]))
                    for k in keys
                )
            )
        console.print(t)
    meta = doc["meta"]
    for key in ("definition_version", "office", "counting", "population_lag", "engine"):
        if key in meta:
            value = meta[key]
            if isinstance(value, dict):
                value = ", ".join(f"{k}: {v}" for k, v in value.items()) or "-"
            console.print(f"{key}: {value}", highlight=False)
    if "vintage" in meta:
        console.print(f"data vintage: {json.dumps(meta['vintage'], default=str)}", highlight=False)
    if "data" in meta:
        data = meta["data"]
        console.print(f"dataset: {data['uri']} (exported {data['exported_at']})", highlight=False)
    if meta.get("population_sources"):
        console.print(f"population source: {meta['population_sources']}", highlight=False)
    for w in meta.get("warnings", []):
        console.print(f"[yellow]{say('cli.note')}[/yellow] {w}", highlight=False)


def awards_command(
    definition: Annotated[
        str | None,
        typer.Option("--definition", help="Definition version: 1 or 2 [default: 2, current]"),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv")] = "table",
    warehouse: Annotated[
        Path | None,
        typer.Option("--warehouse", help="Warehouse directory [env IPCITY_WAREHOUSE]"),
    ] = None,
) -> None:
    """List the award names in the warehouse: which count for the high-value award criterion
    (national awards) and which are kept but never counted."""
    from ipcity.indicators import DefinitionConfig
    from ipcity.indicators.awards import NATIONAL, AwardNames

    if fmt not in ("table", "json", "csv"):
        raise IpcityError(f"--format must be table, json or csv, not '{fmt}'")
    cfg = DefinitionConfig.default() if definition is None else DefinitionConfig.shipped(definition)
    with Warehouse(warehouse, read_only=True) as wh:
        found = wh.con.execute(
            "SELECT award, count(*) FROM awards GROUP BY award ORDER BY award"
        ).fetchall()
    names = AwardNames.of((str(a), int(n)) for a, n in found)
    counted = set(names.counted_names(cfg.award_list)) if cfg.award else set()
    rows = [
        {
            "award": n,
            "class": k,
            "counted": n in counted,
            "rows": c,
        }
        for n, k, c in names.rows
    ]
    if fmt == "json":
        doc = {"definition_version": cfg.label, "award_list": cfg.award_list, "awards": rows}
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        typer.echo(_csv(rows), nl=False)
        return
    console = Console()
    if not rows:
        console.print(say("cli.no_award_rows"))
        return
    t = Table()
    for k in ("award", "class", "counted", "rows"):
        t.add_column(k, justify="right" if k == "rows" else "left")
    for r in rows:
        t.add_row(str(r["award"]), str(r["class"]), "yes" if r["counted"] else "no", str(r["rows"]))
    console.print(t)
    rule = (
        say("cli.award_rule_any")
        if cfg.award_list == "any"
        else say("cli.award_rule_listed", {"awards": NATIONAL})
    )
    award_list = {"definition": cfg.label, "list": cfg.award_list, "rule": rule}
    console.print(say("cli.award_list", award_list), highlight=False)


def explain_command(
    indicator: Annotated[str, typer.Option("--indicator", help="Indicator id to explain")],
    year: Annotated[int, typer.Option("--year", help="Year Y: the change from Y-1 to Y")],
    region: Annotated[
        str, typer.Option("--region", help="GB/T 2260 code, CN, a country code, or ALL")
    ] = "ALL",
    office: Annotated[
        str | None,
        typer.Option("--office", help="Patent office (CN, US, ... or ALL) [default: CN]"),
    ] = None,
    counting: Annotated[
        str, typer.Option("--counting", help="first, whole or fractional")
    ] = "first",
    population_lag: Annotated[
        int | None,
        typer.Option(
            "--population-lag",
            help="Use the population N years before [default: each region's setting]",
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="region_code: the contribution of each district"),
    ] = None,
    definition: Annotated[
        str | None,
        typer.Option("--definition", help="Definition version: 1 or 2 [default: 2, current]"),
    ] = None,
    engine: Annotated[str, typer.Option("--engine", help="duckdb or spark")] = "duckdb",
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv")] = "table",
    warehouse: Annotated[
        Path | None,
        typer.Option("--warehouse", help="Warehouse directory [env IPCITY_WAREHOUSE]"),
    ] = None,
) -> None:
    """Explain the change of an indicator from Y-1 to Y: new grants, newly qualifying
    patents by criterion, lapses, expiries, population; components add up to end - start."""
    from ipcity.indicators.explain import explain

    if fmt not in ("table", "json", "csv"):
        raise IpcityError(f"--format must be table, json or csv, not '{fmt}'")
    with Warehouse(warehouse, read_only=True) as wh:
        result = explain(
            wh,
            indicator,
            year,
            region,
            office=office,
            counting=counting,
            population_lag=population_lag,
            by=split_list(by),
            engine=engine,
            definition=definition,
        )
    doc = result.to_json_dict()
    if fmt == "json":
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
        typer.echo(_csv(doc["rows"]), nl=False)
    else:
        _table(doc)
        for check in doc["meta"]["identity"]:
            Console().print(
                f"end - start = {check['end_minus_start']} = sum of components "
                f"{check['sum_of_components']}",
                highlight=False,
            )


def register(app: typer.Typer) -> None:
    app.command("indicators")(indicators_command)
    app.command("explain")(explain_command)
    app.command("awards")(awards_command)
    app.command("export")(export_command)
