"""CLI: ``ipcity geo resolve ADDRESS...`` and ``ipcity geo region CODE...`` (checking how an
address or a code will be counted, without loading anything)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ipcity.errors import IpcityError
from ipcity.geo.regions import centroid, country_of, level, name, parent
from ipcity.geo.resolve import RESOLVER_VERSION, attribute

geo_app = typer.Typer(help="GB/T 2260 regions and address resolution.", no_args_is_help=True)


@geo_app.command("resolve")
def resolve_command(
    addresses: Annotated[
        list[str], typer.Argument(help="Addresses, e.g. 上海市浦东新区张江路88号")
    ],
    country: Annotated[
        str | None, typer.Option("--country", help="Country column value (ISO alpha-2)")
    ] = None,
    region_code: Annotated[
        str | None, typer.Option("--region-code", help="Explicit region code column value")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
) -> None:
    """Show the place each address is counted at."""
    for a in addresses:
        p = attribute(region_code, a, country)
        where = name(p.region_code) if p.region_code else ""
        if as_json:
            row = {"address": a, **p.__dict__, "name": where, "resolver": RESOLVER_VERSION}
            typer.echo(json.dumps(row, ensure_ascii=False))
        else:
            typer.echo(
                f"{a}\t{p.region_code or '-'}\t{p.country or '-'}\t{p.level or '-'}\t{where}"
            )


@geo_app.command("region")
def region_command(
    codes: Annotated[list[str], typer.Argument(help="GB/T 2260 codes, e.g. 310115")],
) -> None:
    """Show a code's names, level, parent, country and centroid."""
    for code in codes:
        c = code.strip()
        try:
            up = parent(c)
            lat_lon = centroid(c)
            where = f"{lat_lon[0]:.4f},{lat_lon[1]:.4f}" if lat_lon else "-"
            line = (
                f"{c}\t{name(c)}\t{name(c, 'en')}\t{level(c)}\tparent {up or '-'}\t"
                f"{country_of(c)}\t{where}"
            )
        except IpcityError as exc:
            raise IpcityError(f"{c}: {exc}") from exc
        typer.echo(line)


def register(app: typer.Typer) -> None:
    app.add_typer(geo_app, name="geo")
