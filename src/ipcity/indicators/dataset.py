"""The dataset a Spark cluster reads: the warehouse's tables as partitioned Parquet, with a
manifest beside it that says what was exported and lets a reader refuse a stale or partial copy.

Layout under the dataset directory::

    _ipcity_manifest.json
    patents/office=CN/application_year=2021/data_0.parquet   (pruned by office and year)
    parties/role=applicant/data_0.parquet                    (attribution reads one role)
    pledges/data_0.parquet, awards/..., population/..., ...  (small tables: one file)

Partition values live in the directory names only (Hive style), never also inside the files, so
Spark sees each column once; ipcity's Spark session reads partition values as strings.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pyarrow.parquet as pq

from ipcity.errors import IpcityError
from ipcity.indicators.dataset_files import MANIFEST as MANIFEST
from ipcity.indicators.dataset_files import RemoteFiles, is_local, remote_files
from ipcity.warehouse.schema import DATA_TABLES, SCHEMA_VERSION
from ipcity.warehouse.store import Warehouse

FORMAT = "ipcity-dataset"
FORMAT_VERSION = 1
# Which derived or real columns partition a table; the others are written as one file.
PARTITIONS: dict[str, dict[str, str]] = {
    "patents": {"office": "office", "application_year": "year(application_date)"},
    "parties": {"role": "role"},
}
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Dataset:
    """A verified dataset: where it is and what its manifest says."""

    uri: str
    path: str  # where Spark reads it: a local path, or the remote URI
    manifest: dict[str, Any]

    @property
    def vintage(self) -> dict[str, Any]:
        return dict(self.manifest["vintage"])

    def table_path(self, table: str) -> str:
        return f"{self.path.rstrip('/')}/{table}"

    def describe(self) -> dict[str, Any]:
        """What a result's meta says about the data it was computed from."""
        return {
            "uri": self.uri,
            "exported_at": self.manifest["exported_at"],
            "rows": {t: v["rows"] for t, v in self.manifest["tables"].items()},
        }


def local_path(uri: str) -> Path:
    """A plain path or a ``file://`` URI as a local path."""
    parsed = urlparse(uri)
    raw = parsed.path if parsed.scheme == "file" else uri
    if not raw:
        raise IpcityError(f"dataset URI '{uri}' has no path")
    return Path(raw).expanduser().resolve()


class LocalFiles:
    """A dataset directory on a local or mounted path (what ``RemoteFiles`` is elsewhere)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read_manifest(self) -> str | None:
        path = self.root / MANIFEST
        if not path.is_file():
            return None
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, ValueError) as exc:
            raise IpcityError(f"dataset {self.root}: unreadable manifest ({exc})") from exc

    def files(self) -> dict[str, int]:
        return {
            f.relative_to(self.root).as_posix(): f.stat().st_size for f in _data_files(self.root)
        }

    def sha256(self, rel: str) -> str:
        return _sha256(self.root / rel)


def _files_at(uri: str) -> tuple[str, LocalFiles | RemoteFiles]:
    """Where Spark reads the dataset (a local path, or the URI itself) and its files."""
    if is_local(uri):
        target = local_path(uri)
        return str(target), LocalFiles(target)
    remote = remote_files(uri)
    return remote.uri, remote


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _file_entry(root: Path, f: Path) -> dict[str, Any]:
    return {
        "path": f.relative_to(root).as_posix(),
        "rows": int(pq.read_metadata(f).num_rows),
        "bytes": f.stat().st_size,
        "sha256": _sha256(f),
    }


def _data_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != MANIFEST)


def _export_table(con: Any, table: str, out: Path, rows: int) -> None:
    parts = PARTITIONS.get(table)
    source = f'"{table}"'
    if parts and rows:
        cols = ", ".join(f"{expr} AS {name}" for name, expr in parts.items() if expr != name)
        select = f"SELECT *{', ' + cols if cols else ''} FROM {source}"
        names = ", ".join(parts)
        con.execute(
            f"COPY ({select}) TO '{out}' (FORMAT parquet, PARTITION_BY ({names}), "
            "WRITE_PARTITION_COLUMNS false)"
        )
        return
    # Small tables, and empty partitioned ones (no partition to name): one file with every column.
    out.mkdir(parents=True)
    con.execute(f"COPY {source} TO '{out / 'data_0.parquet'}' (FORMAT parquet)")


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise IpcityError(f"{target} is a file, not a dataset directory")
    if target.is_dir() and any(target.iterdir()) and not (target / MANIFEST).exists():
        raise IpcityError(
            f"{target} is not empty and holds no ipcity dataset: choose a new or empty directory"
        )


@contextlib.contextmanager
def _staging(target: Path) -> Iterator[Path]:
    """A sibling directory that replaces ``target`` only when everything was written."""
    stage = target.parent / f".{target.name}.export-{uuid.uuid4().hex[:8]}"
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
    if target.exists():
        target.rename(old)
    stage.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def export_dataset(
    warehouse: Warehouse, uri: str, definition_version: str, resolver_version: str
) -> Dataset:
    """Write every data table and the manifest to ``uri`` (replacing an older ipcity dataset
    there). The warehouse is read in one transaction, so the counts match the files. A remote
    URI is written through a local staging directory (in the system's temp directory)."""
    if not is_local(uri):
        return export_to(warehouse, remote_files(uri), definition_version, resolver_version)
    target = local_path(uri)
    _check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _staging(target) as stage:
        manifest = _write(warehouse, stage, definition_version, resolver_version)
        (stage / MANIFEST).write_text(_manifest_text(manifest), encoding="utf-8")
    return Dataset(uri=uri, path=str(target), manifest=manifest)


def export_to(
    warehouse: Warehouse, target: RemoteFiles, definition_version: str, resolver_version: str
) -> Dataset:
    """``export_dataset`` onto a file system other than the local one."""
    if target.files() and target.read_manifest() is None:
        raise IpcityError(
            f"{target.uri} is not empty and holds no ipcity dataset: choose a new or empty "
            "directory"
        )
    with tempfile.TemporaryDirectory(prefix="ipcity-export-") as tmp:
        stage = Path(tmp) / "dataset"
        manifest = _write(warehouse, stage, definition_version, resolver_version)
        target.replace_with(stage, _manifest_text(manifest))
    return Dataset(uri=target.uri, path=target.uri, manifest=manifest)


def _manifest_text(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, ensure_ascii=False, indent=2)


def _write(
    warehouse: Warehouse, stage: Path, definition_version: str, resolver_version: str
) -> dict[str, Any]:
    """The tables as files under the new directory ``stage``; returns the manifest."""
    stage.mkdir()
    con = warehouse.con.cursor()
    con.execute("BEGIN TRANSACTION")
    try:
        vintage = warehouse.vintage().as_dict()
        tables: dict[str, Any] = {}
        for table in DATA_TABLES:
            row = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
            rows = int(row[0]) if row else 0
            _export_table(con, table, stage / table, rows)
            tables[table] = {
                "rows": rows,
                "partitioned_by": list(PARTITIONS.get(table, {})) if rows else [],
            }
    finally:
        con.execute("ROLLBACK")
        con.close()
    entries = [_file_entry(stage, f) for f in _data_files(stage)]
    for table, info in tables.items():
        info["files"] = [e for e in entries if e["path"].split("/", 1)[0] == table]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "schema_version": SCHEMA_VERSION,
        "definition_version": definition_version,
        "resolver_version": resolver_version,
        "vintage": vintage,
        "source_warehouse": str(warehouse.directory.resolve()),
        "tables": tables,
    }


def _read_manifest(uri: str, files: LocalFiles | RemoteFiles) -> dict[str, Any]:
    text = files.read_manifest()
    if text is None:
        raise IpcityError(
            f"no ipcity dataset at {uri} ({MANIFEST} missing): write one with "
            f"'ipcity export --to {uri}'"
        )
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise IpcityError(f"dataset {uri}: unreadable manifest ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise IpcityError(f"dataset {uri}: {MANIFEST} is not an ipcity dataset manifest")
    if doc.get("format_version") != FORMAT_VERSION or doc.get("schema_version") != SCHEMA_VERSION:
        raise IpcityError(
            f"dataset {uri} was written by another ipcity version (format "
            f"{doc.get('format_version')}, schema {doc.get('schema_version')}): re-export it"
        )
    return doc


def _listing(names: list[str], limit: int = 3) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def verify_dataset(uri: str, warehouse: Warehouse) -> Dataset:
    """The dataset at ``uri`` if it is whole and as new as ``warehouse``; a one-line
    IpcityError otherwise (stale, missing/extra/changed files, row counts that do not add up)."""
    where, files = _files_at(uri)
    return verify_at(uri, where, files, warehouse)


def verify_at(
    uri: str, where: str, files: LocalFiles | RemoteFiles, warehouse: Warehouse
) -> Dataset:
    """``verify_dataset`` of the dataset whose files are ``files`` (Spark reads ``where``)."""
    doc = _read_manifest(uri, files)
    redo = f"re-export with 'ipcity export --to {uri}'"
    now = warehouse.vintage().as_dict()
    if doc["vintage"] != now:
        then = doc["vintage"]
        raise IpcityError(
            f"dataset {uri} is stale: exported at ingest run {then.get('latest_run') or 'none'} "
            f"({then.get('runs')} runs), the warehouse is at run {now['latest_run'] or 'none'} "
            f"({now['runs']} runs); {redo}"
        )
    tables = doc.get("tables", {})
    missing_tables = [t for t in DATA_TABLES if t not in tables]
    if missing_tables:
        raise IpcityError(f"dataset {uri} lacks tables {', '.join(missing_tables)}; {redo}")
    expected = {e["path"]: e for t in tables.values() for e in t["files"]}
    found = files.files()
    problems: list[str] = []
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    if missing:
        problems.append(f"{len(missing)} missing file(s) ({_listing(missing)})")
    if extra:
        problems.append(f"{len(extra)} unexpected file(s) ({_listing(extra)})")
    changed = sorted(
        name
        for name in set(expected) & set(found)
        if found[name] != expected[name]["bytes"] or files.sha256(name) != expected[name]["sha256"]
    )
    if changed:
        problems.append(f"{len(changed)} changed file(s) ({_listing(changed)})")
    bad_counts = sorted(
        name
        for name, info in tables.items()
        if sum(e["rows"] for e in info["files"]) != info["rows"]
    )
    if bad_counts:
        problems.append(f"row counts do not add up for {', '.join(bad_counts)}")
    differ = sorted(t for t in DATA_TABLES if tables[t]["rows"] != warehouse.count(t))
    if differ:
        problems.append(f"row counts differ from the warehouse for {', '.join(differ)}")
    if problems:
        raise IpcityError(f"dataset {uri} is partial or changed: {'; '.join(problems)}; {redo}")
    return Dataset(uri=uri, path=where, manifest=doc)


def dataset_for(data: str | None, engine: str, warehouse: Warehouse) -> Dataset | None:
    """The verified dataset ``compute`` reads on Spark; ``--data`` on DuckDB is a mistake."""
    if data is None:
        return None
    if engine != "spark":
        raise IpcityError("--data is read by --engine spark; DuckDB reads the warehouse itself")
    return verify_dataset(data, warehouse)
