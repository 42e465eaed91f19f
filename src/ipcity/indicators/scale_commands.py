"""CLI for national scale: ``ipcity export`` and the Spark options of ``ipcity indicators``."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from ipcity.clitext import say
from ipcity.errors import IpcityError
from ipcity.indicators.spark_settings import SparkSettings

DataOpt = Annotated[
    str | None,
    typer.Option("--data", help="Exported dataset to compute from (--engine spark; ipcity export)"),
]
SparkMasterOpt = Annotated[
    str | None,
    typer.Option(
        "--spark-master",
        help="local[N], spark://host:port, yarn or k8s://... [env IPCITY_SPARK_MASTER; "
        "default local[2]]",
    ),
]
SparkRemoteOpt = Annotated[
    str | None,
    typer.Option(
        "--spark-remote", help="Spark Connect server sc://host:port [env IPCITY_SPARK_REMOTE]"
    ),
]
SparkConfOpt = Annotated[
    list[str] | None,
    typer.Option("--spark-conf", help="Spark property key=value (repeatable; wins over the file)"),
]
SparkPropertiesOpt = Annotated[
    Path | None,
    typer.Option(
        "--spark-properties",
        help="Spark properties file (spark-defaults.conf format) [env IPCITY_SPARK_PROPERTIES]",
    ),
]


def spark_settings(
    master: str | None, remote: str | None, conf: list[str] | None, properties: Path | None
) -> SparkSettings:
    return SparkSettings.resolve(master, remote, conf or (), properties)


def export_command(
    to: Annotated[
        str,
        typer.Option(
            "--to", help="Dataset directory: a local or mounted path, or an s3a://, hdfs:// URI"
        ),
    ],
    warehouse: Annotated[
        Path | None,
        typer.Option("--warehouse", help="Warehouse directory [env IPCITY_WAREHOUSE]"),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text",
) -> None:
    """Write the warehouse as a partitioned Parquet dataset with a manifest, for a Spark cluster."""
    from ipcity.geo.resolve import RESOLVER_VERSION
    from ipcity.indicators.config import DefinitionConfig
    from ipcity.indicators.dataset import export_dataset
    from ipcity.warehouse.store import Warehouse

    if fmt not in ("text", "json"):
        raise IpcityError(f"--format must be text or json, not '{fmt}'")
    started = time.perf_counter()
    with Warehouse(warehouse, read_only=True) as wh:
        ds = export_dataset(wh, to, DefinitionConfig.default().version, RESOLVER_VERSION)
    seconds = time.perf_counter() - started
    tables = ds.manifest["tables"]
    if fmt == "json":
        doc = {"uri": to, "path": str(ds.path), "seconds": round(seconds, 3), **ds.manifest}
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    files = sum(len(t["files"]) for t in tables.values())
    size = sum(e["bytes"] for t in tables.values() for e in t["files"])
    vintage = ds.manifest["vintage"]
    exported = {
        "path": ds.path,
        "files": files,
        "mb": f"{size / 1e6:,.1f}",
        "run": vintage["latest_run"],
        "seconds": f"{seconds:.1f}",
    }
    typer.echo(say("cli.dataset_exported", exported))
    for name, info in tables.items():
        table = {"table": name, "rows": f"{info['rows']:,}", "files": len(info["files"])}
        line = say("cli.dataset_table", table)
        if info["partitioned_by"]:
            line += say("cli.dataset_partitioned", {"columns": ", ".join(info["partitioned_by"])})
        typer.echo("  " + line)
