"""Ingest runs: files -> validated, de-duplicated, region-attributed rows in the warehouse.

Each file is one run and one transaction: its accepted records load together or not at all, and
``read = loaded + rejected + skipped`` always holds (checked before commit). Bad records are
rejected one by one into ``rejects`` with their record number and reason. A later file updates
earlier records with the same key; columns the later file does not carry keep their values.
Re-ingesting a file whose checksum was already loaded is a no-op.

A file that fails, for whatever reason, is recorded as a failed run with its one-line reason and
the other files go on (``IngestReport.failures`` lists them). A CSV file that is not UTF-8
throughout is decoded line by line (``sources.canonical.transcode_lines``): each line in the
encoding it is valid in, a line valid in none rejected with its reason, never stored garbled;
the run records how many lines took which encoding.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ipcity.errors import InputError, IpcityError
from ipcity.sources.base import RECORD, Reader
from ipcity.sources.canonical import CsvReader, SqlReader, sql_ident, sql_str
from ipcity.sources.detect import expand, is_candidate, reader_for
from ipcity.sources.tables import EMBEDDED_COLUMNS, EMBEDDED_PARTIES, PARTIES, TABLES, TableSpec
from ipcity.warehouse import regions as wh_regions
from ipcity.warehouse.store import Warehouse
from ipcity.warehouse.validate import post_validate, typed_columns, typed_select

Progress = Callable[[str, int, int], None]  # (message, done, total)


@dataclass(frozen=True)
class Staged:
    """A table's raw string rows: a SELECT over them, the canonical columns they provide, and
    whether they carry ``_record`` (else rows are numbered by position after typing)."""

    source: str
    provided: list[str]
    numbered: bool


class _NotUtf8(Exception):
    """A CSV sniffed as UTF-8 holds non-UTF-8 bytes further on: decode it line by line."""


@dataclass
class FileResult:
    path: str
    table: str | None = None
    format: str | None = None
    status: str = "failed"  # loaded | unchanged | failed
    read: int = 0
    loaded: int = 0
    rejected: int = 0
    skipped: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    secondary: dict[str, int] = field(default_factory=dict)
    secondary_rejected: int = 0
    run_id: int | None = None
    message: str | None = None
    encoding: str | None = None  # CSV: how its lines were decoded (see CsvReader)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        # the documented interface keys first, then the details
        head = {k: d.pop(k) for k in ("path", "table", "read", "loaded", "rejected", "skipped")}
        return {**head, **d}


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.status != "failed" for f in self.files)

    @property
    def failures(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    def as_json(self) -> dict[str, Any]:
        return {"files": [f.as_json() for f in self.files], "ignored": self.ignored}


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def ingest(
    warehouse: Warehouse, paths: Iterable[str | Path], progress: Progress | None = None
) -> IngestReport:
    """Ingest files and directories (recursive) in the order given."""
    report = IngestReport()
    todo: list[Path] = []
    for path, explicit in expand(Path(p) for p in paths):
        if not path.exists():
            raise InputError(f"{path}: no such file or directory")
        if explicit or is_candidate(path):
            todo.append(path)
        else:
            report.ignored.append(str(path))
    if not todo:
        names = ", ".join(str(p) for p in paths)
        raise InputError(
            f"no ingestible files in {names} (expected patents.csv, parties.xlsx, ... or "
            "USPTO/CNIPA XML)"
        )
    for i, path in enumerate(todo):
        if progress:
            progress(f"ingesting {path.name}", i, len(todo))
        report.files.append(ingest_file(warehouse, path))
    if progress:
        progress("done", len(todo), len(todo))
    return report


def ingest_file(warehouse: Warehouse, path: Path) -> FileResult:
    """Load one file in one transaction. Whatever goes wrong, the file ends as a failed run
    with its reason (recorded in ``ingest_runs``) and the caller goes on with the next file."""
    result = FileResult(path=str(path))
    try:
        _ingest_file(warehouse, path, result)
    except Exception as exc:  # any reason at all: this file fails, the others go on
        _reset_counts(result)
        result.status = "failed"
        result.message = _reason(path, exc)
        _record_failed(warehouse, path, None, result)
    return result


def _reason(path: Path, exc: BaseException) -> str:
    if isinstance(exc, duckdb.Error | OSError) or not isinstance(exc, IpcityError):
        text = _first_line(exc)
        return text if str(path) in text else f"{path}: {text}"
    return str(exc)


def _ingest_file(warehouse: Warehouse, path: Path, result: FileResult) -> None:
    con = warehouse.con
    try:
        reader = reader_for(path)
    except InputError as exc:
        result.message = str(exc)
        _record_failed(warehouse, path, None, result)
        return
    result.table, result.format = reader.primary_table, reader.format
    try:
        _load(warehouse, con, reader, path, result)
    finally:
        if isinstance(reader, CsvReader):
            result.encoding = reader.encoding_summary
        if isinstance(reader, SqlReader):
            reader.cleanup()


def _load(
    warehouse: Warehouse,
    con: duckdb.DuckDBPyConnection,
    reader: Reader,
    path: Path,
    result: FileResult,
) -> None:
    size = path.stat().st_size
    same_size = con.execute(
        "SELECT count(*) FROM ingest_runs WHERE size_bytes = ? AND status = 'loaded'", [size]
    ).fetchall()[0][0]
    checksum: str | Future[str]
    if same_size:  # it may be a file already loaded: find out before loading
        checksum = sha256_of(path)
        row = con.execute(
            "SELECT min(run_id) FROM ingest_runs WHERE sha256 = ? AND status = 'loaded'",
            [checksum],
        ).fetchall()[0]
        if row[0] is not None:
            result.status = "unchanged"
            result.message = f"identical to the file loaded in run {row[0]}; nothing to do"
            return
    else:  # no loaded file has this size, so it is new: hash it while it loads
        checksum = _HASHER.submit(sha256_of, path)
    started = datetime.now()
    for attempt in (1, 2):
        run = _Run(warehouse, reader, path, checksum, started)
        retry = False
        try:
            with warehouse.transaction():
                run.execute(result)
            result.status = "loaded"
            return
        except _NotUtf8:
            retry = attempt == 1 and isinstance(reader, CsvReader)
            result.message = f"{path}: text is not UTF-8 and could not be decoded line by line"
        except IpcityError as exc:
            result.message = str(exc)
        except duckdb.Error as exc:
            result.message = f"{path}: {_first_line(exc)}"
        finally:
            run.drop_temp()
        _reset_counts(result)
        if retry:
            assert isinstance(reader, CsvReader)
            # Past the sniffed megabyte a line is not UTF-8: decode every line on its own.
            reader.decode_line_by_line()
            continue
        break
    if isinstance(reader, CsvReader):
        result.encoding = reader.encoding_summary
    _record_failed(warehouse, path, _resolved(checksum), result)


# hashlib releases the GIL on large buffers, so a file is hashed while DuckDB loads it.
_HASHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ipcity-sha256")


def _resolved(checksum: str | Future[str]) -> str:
    return checksum if isinstance(checksum, str) else checksum.result()


def _reset_counts(r: FileResult) -> None:
    r.read = r.loaded = r.rejected = r.skipped = r.inserted = r.updated = r.unchanged = 0
    r.secondary = {}
    r.secondary_rejected = 0
    r.warnings = []
    r.run_id = None


def _record_failed(wh: Warehouse, path: Path, checksum: str | None, r: FileResult) -> None:
    """A failed file still leaves a run record (with nothing loaded), for the audit trail."""
    run_id = _next_run_id(wh.con)
    wh.con.execute(
        """INSERT INTO ingest_runs (run_id, path, sha256, size_bytes, "table", format, started_at,
           finished_at, status, read, loaded, rejected, skipped, inserted, updated, unchanged,
           secondary_rows, message, encoding)
           VALUES (?, ?, ?, ?, ?, ?, now(), now(), 'failed', 0, 0, 0, 0, 0, 0, 0, 0, ?, ?)""",
        [
            run_id,
            str(path),
            checksum or "",
            path.stat().st_size if path.exists() else None,
            r.table,
            r.format,
            r.message,
            r.encoding,
        ],
    )
    r.run_id = run_id


def _next_run_id(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT nextval('run_ids')").fetchall()[0]
    assert row is not None
    return int(row[0])


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


class _Run:
    """One file's load inside an open transaction. Temp tables are suffixed per run."""

    def __init__(
        self,
        wh: Warehouse,
        reader: Reader,
        path: Path,
        checksum: str | Future[str],
        started: datetime,
    ) -> None:
        self.wh = wh
        self.con = wh.con
        self.reader = reader
        self.path = path
        self.checksum = checksum
        self.started = started
        self.suffix = uuid.uuid4().hex[:8]
        self.temps: list[str] = []
        self.views: list[str] = []
        self.run_id = 0

    def tmp(self, stem: str) -> str:
        name = f"_{stem}_{self.suffix}_{len(self.temps)}"
        self.temps.append(name)
        return name

    def tmp_view(self, stem: str) -> str:
        name = f"_{stem}_{self.suffix}_{len(self.temps)}"
        self.views.append(name)
        return name

    def drop_temp(self) -> None:
        for v in self.views:
            self.con.execute(f"DROP VIEW IF EXISTS {v}")
        for t in self.temps:
            self.con.execute(f"DROP TABLE IF EXISTS {t}")
        self.temps.clear()
        self.views.clear()

    # ------------------------------------------------------------------------------ steps

    def execute(self, result: FileResult) -> None:
        wh_regions.ensure_known_codes(self.con)
        self.run_id = _next_run_id(self.con)
        result.run_id = self.run_id
        primary = TABLES[self.reader.primary_table]
        staged = self._stage()
        result.warnings = list(self.reader.report.warnings)
        provided = staged[primary.name].provided if primary.name in staged else []
        typed = self._typed(primary, staged.get(primary.name))
        counts = self._reject_invalid(primary, typed)
        dup_rejected, dup_skipped = self._dedupe(primary, typed, provided)
        notes_rej, notes_skip = self._reader_notes(primary)
        malformed = self._malformed_lines(primary)
        result.loaded = self._scalar(f"SELECT count(*) FROM {typed} WHERE _reason IS NULL")
        result.read = counts["total"] + notes_rej + notes_skip + malformed
        result.rejected = counts["invalid"] + dup_rejected + notes_rej + malformed
        result.skipped = dup_skipped + notes_skip
        seen = self.reader.report.records
        if result.read != result.loaded + result.rejected + result.skipped or (
            seen and seen != result.read
        ):
            raise IpcityError(
                f"{self.path}: internal accounting error: read {result.read} (reader saw "
                f"{seen}) != loaded {result.loaded} + rejected {result.rejected} + skipped "
                f"{result.skipped}"
            )
        ins, upd, same = self._merge(primary, typed, provided)
        result.inserted, result.updated, result.unchanged = ins, upd, same
        if primary.name == "patents":
            result.secondary, result.secondary_rejected = self._parties(staged, typed)
        self._record_run(result)

    def _stage(self) -> dict[str, Staged]:
        """Where each table's raw string rows come from. Tables and CSV are typed straight from
        DuckDB's scan (no staging copy); reader batches are staged in a temp table first."""
        if isinstance(self.reader, SqlReader):
            if isinstance(self.reader, CsvReader):
                self.con.execute("DROP TABLE IF EXISTS ipcity_csv_rejects")
                self.con.execute("DROP TABLE IF EXISTS ipcity_csv_scans")
            select = self.reader.select(self.con)
            numbered = RECORD in self.reader.record_columns()
            return {self.reader.primary_table: Staged(select, self.reader.provided, numbered)}
        tables: dict[str, tuple[str, list[str]]] = {}
        for name, batch in self.reader.batches():
            if name not in TABLES:
                raise IpcityError(f"reader produced unknown table {name}")
            if name not in tables:
                raw = self.tmp(f"raw_{name}")
                cols = [c for c in batch.schema.names if c != RECORD]
                ddl = ", ".join(f"{sql_ident(c)} VARCHAR" for c in cols)
                self.con.execute(f"CREATE TEMP TABLE {raw} ({RECORD} BIGINT, {ddl})")
                tables[name] = (raw, cols)
            raw, cols = tables[name]
            view = f"_batch_{self.suffix}"
            self.con.register(view, pa.Table.from_batches([batch]))
            collist = ", ".join([RECORD, *(sql_ident(c) for c in cols)])
            self.con.execute(f"INSERT INTO {raw} SELECT {collist} FROM {view}")
            self.con.unregister(view)
        return {
            name: Staged(f"SELECT * FROM {raw}", cols, True) for name, (raw, cols) in tables.items()
        }

    def _typed(self, table: TableSpec, staged: Staged | None) -> str:
        """Typed, validated rows (``_reason`` NULL when good). ``rowid`` identifies a row; the
        record number is shared by the parties of one document."""
        typed = self.tmp(f"typed_{table.name}")
        if staged is None:  # a reader that produced no rows at all
            cols = ", ".join(f"NULL::VARCHAR AS {sql_ident(c)}" for c in table.column_names)
            self.con.execute(
                f"CREATE TEMP TABLE {typed} AS SELECT NULL::BIGINT AS {RECORD}, {cols}, "
                "NULL::VARCHAR AS _reason LIMIT 0"
            )
            return typed
        provided = staged.provided
        passthrough = (
            [c for c in provided if c in EMBEDDED_COLUMNS] if table.name == "patents" else []
        )
        canonical = [c for c in provided if c not in passthrough]
        select = typed_select(
            table, canonical, staged.source, passthrough, numbered=staged.numbered
        )
        self.con.execute(f"CREATE TEMP TABLE {typed} AS {select}")
        if isinstance(self.reader, CsvReader) and self.reader.has_encoding_errors(self.con):
            raise _NotUtf8()
        if not staged.numbered:
            # The SELECT has no join or window, so the copy keeps the file's order: the rowid
            # gives the record number (rowids inside a transaction start at a large offset).
            self.con.execute(
                f"UPDATE {typed} SET {RECORD} = rowid - (SELECT min(rowid) FROM {typed}) + 1"
            )
        post_validate(self.con, typed)
        return typed

    @staticmethod
    def _key(table: TableSpec, alias: str = "") -> str:
        """The record's key as text, for reject rows."""
        a = f"{alias}." if alias else ""
        return " || '|' || ".join(
            f"coalesce(CAST({a}{sql_ident(k)} AS VARCHAR), '')" for k in table.key
        )

    def _reject_invalid(self, table: TableSpec, typed: str) -> dict[str, int]:
        self.con.execute(
            f"""INSERT INTO rejects SELECT {self.run_id}, {sql_str(str(self.path))},
                {sql_str(table.name)}, {RECORD}, {self._key(table)}, _reason, 'rejected'
                FROM {typed} WHERE _reason IS NOT NULL"""
        )
        row = self.con.execute(f"SELECT count(*), count(_reason) FROM {typed}").fetchall()[0]
        assert row is not None
        return {"total": int(row[0]), "invalid": int(row[1])}

    def _dedupe(self, table: TableSpec, typed: str, provided: list[str]) -> tuple[int, int]:
        """Within one file the first record of a key wins; a later record with the same data is
        skipped, with different data rejected. Marks them in ``_reason`` (prefixed 'dup:')."""
        cols = [c for c in typed_columns(table, provided) if c not in table.key]
        keys = ", ".join(sql_ident(k) for k in table.key)
        h = f"hash({', '.join(sql_ident(c) for c in cols)})" if cols else "0"
        dups = self.tmp("dups")
        self.con.execute(
            f"""CREATE TEMP TABLE {dups} AS
                WITH k AS (SELECT {keys} FROM {typed} WHERE _reason IS NULL
                           GROUP BY {keys} HAVING count(*) > 1)
                SELECT t.rowid AS _row, t.{RECORD}, {self._key(table, "t")} AS _key, {h} AS h,
                       min(t.rowid) OVER (PARTITION BY {keys}) AS first_row,
                       arg_min(t.{RECORD}, t.rowid) OVER (PARTITION BY {keys}) AS first_record,
                       arg_min({h}, t.rowid) OVER (PARTITION BY {keys}) AS first_h
                FROM {typed} t SEMI JOIN k USING ({keys}) WHERE t._reason IS NULL"""
        )
        self.con.execute(
            f"""INSERT INTO rejects SELECT {self.run_id}, {sql_str(str(self.path))},
                {sql_str(table.name)}, {RECORD}, _key,
                CASE WHEN h = first_h THEN 'identical duplicate of record ' || first_record
                     ELSE 'duplicate key of record ' || first_record || ' with different data' END,
                CASE WHEN h = first_h THEN 'skipped' ELSE 'rejected' END
                FROM {dups} WHERE _row <> first_row"""
        )
        self.con.execute(
            f"""UPDATE {typed} SET _reason = 'dup:' || d.first_record
                FROM {dups} d
                WHERE {typed}.rowid = d._row AND d._row <> d.first_row"""
        )
        row = self.con.execute(
            f"""SELECT count(*) FILTER (WHERE h <> first_h), count(*) FILTER (WHERE h = first_h)
                FROM {dups} WHERE _row <> first_row"""
        ).fetchall()[0]
        assert row is not None
        return int(row[0]), int(row[1])

    def _reader_notes(self, table: TableSpec) -> tuple[int, int]:
        rep = self.reader.report
        rows = [(n.record, n.key, n.reason, "rejected") for n in rep.rejects]
        rows += [(n.record, n.key, n.reason, "skipped") for n in rep.skipped]
        if rows:
            self.con.executemany(
                "INSERT INTO rejects VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    [self.run_id, str(self.path), table.name, r, k, why, kind]
                    for r, k, why, kind in rows
                ],
            )
        return len(rep.rejects), len(rep.skipped)

    def _malformed_lines(self, table: TableSpec) -> int:
        if not isinstance(self.reader, CsvReader):
            return 0
        lines = self.reader.malformed_lines(self.con)
        if lines:
            self.con.executemany(
                "INSERT INTO rejects VALUES (?, ?, ?, ?, NULL, ?, 'rejected')",
                [
                    [
                        self.run_id,
                        str(self.path),
                        table.name,
                        line,
                        f"malformed CSV line {line}: {msg}",
                    ]
                    for line, msg in lines
                ],
            )
        return len(lines)

    def _scalar(self, sql: str) -> int:
        row = self.con.execute(sql).fetchall()[0]
        return int(row[0]) if row and row[0] is not None else 0

    # ------------------------------------------------------------------------------ merge

    def _merge(self, table: TableSpec, typed: str, provided: list[str]) -> tuple[int, int, int]:
        """Upsert good rows by key; returns (inserted, updated, unchanged)."""
        target = sql_ident(table.name)
        cols = typed_columns(table, provided)
        wh_cols = [c for c in self._columns(table.name) if c != "run_id"]
        if table.replace:
            n = self._scalar(f"SELECT count(*) FROM {typed} WHERE _reason IS NULL")
            self.con.execute(f"DELETE FROM {target}")
            self._insert_from(table, typed, cols, wh_cols, existing=None)
            return n, 0, 0
        keys = list(table.key)
        on = " AND ".join(f"o.{sql_ident(k)} = n.{sql_ident(k)}" for k in keys)
        # XML documents leave out what they do not state: an empty field is no change then.
        stated = "n.{c} IS NOT NULL AND " if self.reader.nulls_mean_unknown else ""
        changed = (
            " OR ".join(
                "(" + stated.format(c=sql_ident(c)) + f"o.{sql_ident(c)} IS DISTINCT FROM "
                f"n.{sql_ident(c)})"
                for c in cols
                if c not in keys
            )
            or "false"
        )
        good = self._scalar(f"SELECT count(*) FROM {typed} WHERE _reason IS NULL")
        # Only rows whose key is already stored need comparing (none on a first load, or for
        # the second part file of a big table): an inner join, not a join of everything.
        cls = self.tmp("cls")
        self.con.execute(
            f"""CREATE TEMP TABLE {cls} AS SELECT n.rowid AS _row, ({changed}) AS is_changed
                FROM {typed} n JOIN {target} o ON {on} WHERE n._reason IS NULL"""
        )
        row = self.con.execute(
            f"SELECT count(*) FILTER (WHERE is_changed), count(*) FILTER (WHERE NOT is_changed) "
            f"FROM {cls}"
        ).fetchall()[0]
        upd, same = int(row[0]), int(row[1])
        ins = good - upd - same
        if upd + same == 0:
            self._insert_from(table, typed, cols, wh_cols, existing=None)
            return ins, 0, 0
        # Changed rows are merged with their old version (for the columns the file lacks);
        # unchanged rows are left alone, keeping the run that wrote them.
        old = self.tmp("old")
        self.con.execute(
            f"""CREATE TEMP TABLE {old} AS SELECT o.* FROM {target} o SEMI JOIN
                (SELECT n.* FROM {typed} n JOIN {cls} c ON n.rowid = c._row
                 WHERE c.is_changed) n ON {on}"""
        )
        self.con.execute(f"DELETE FROM {target} o USING {old} n WHERE {on}")
        unchanged = self.tmp("unchanged")
        self.con.execute(
            f"CREATE TEMP TABLE {unchanged} AS SELECT _row FROM {cls} WHERE NOT is_changed"
        )
        self._insert_from(table, typed, cols, wh_cols, existing=old, exclude=unchanged)
        return ins, upd, same

    def _columns(self, table: str) -> list[str]:
        return [r[0] for r in self.con.execute(f"DESCRIBE {sql_ident(table)}").fetchall()]

    def _insert_from(
        self,
        table: TableSpec,
        src: str,
        cols: list[str],
        wh_cols: list[str],
        existing: str | None,
        exclude: str | None = None,
    ) -> None:
        """INSERT good rows of ``src`` (except the rowids listed in ``exclude``) into the
        warehouse table. Columns the file did not provide come from ``existing`` (the old rows)
        when given, else NULL."""
        keep_old = existing is not None and self.reader.nulls_mean_unknown
        where = "n._reason IS NULL"
        if exclude:
            where += f" AND n.rowid NOT IN (SELECT _row FROM {exclude})"
        if table.name == "parties":
            wh_regions.insert_parties(
                self.con, src, cols, existing, self.run_id, keep_old=keep_old, where=where
            )
            return
        on = " AND ".join(f"o.{sql_ident(k)} = n.{sql_ident(k)}" for k in table.key)
        exprs = []
        for c in wh_cols:
            if c == "source" and table.name == "population":  # say where a figure came from
                given = "n.source" if "source" in cols else "NULL"
                exprs.append(f"coalesce({given}, {sql_str(f'file {self.path.name}')})")
            elif c in cols and keep_old and c not in table.key:
                exprs.append(f"coalesce(n.{sql_ident(c)}, o.{sql_ident(c)})")
            elif c in cols:
                exprs.append(f"n.{sql_ident(c)}")
            elif existing is not None:
                exprs.append(f"o.{sql_ident(c)}")
            else:
                exprs.append("NULL")
        join = f"LEFT JOIN {existing} o ON {on}" if existing else ""
        names = ", ".join(sql_ident(c) for c in [*wh_cols, "run_id"])
        self.con.execute(
            f"""INSERT INTO {sql_ident(table.name)} ({names})
                SELECT {", ".join(exprs)}, {self.run_id} FROM {src} n {join}
                WHERE {where}"""
        )

    # ---------------------------------------------------------------------------- parties

    def _parties(self, staged: dict[str, Staged], patents: str) -> tuple[dict[str, int], int]:
        """Parties that came with the patents (XML documents, or the 申请人 cells of a wide
        export). Parties of a rejected patent go with it; a bad party row is rejected alone.
        The roles a source carries completely replace that role's rows for each patent."""
        if "parties" in staged:
            parties: Staged | None = staged["parties"]
            roles = set(self.reader.complete_party_roles)
        else:
            patent_cols = staged["patents"].provided if "patents" in staged else []
            if not any(c in EMBEDDED_COLUMNS for c in patent_cols):
                return {}, 0
            # the typed patents table carries the embedded cells through
            parties, roles = self._explode_embedded(patents, set(patent_cols))
        if parties is None:
            return {}, 0
        provided = parties.provided
        typed = self._typed(PARTIES, parties)
        # keep only parties whose patent record loaded
        self.con.execute(
            f"""UPDATE {typed} SET _reason = 'patent record rejected' WHERE {RECORD} NOT IN
                (SELECT {RECORD} FROM {patents} WHERE _reason IS NULL)"""
        )
        self.con.execute(
            f"""INSERT INTO rejects SELECT {self.run_id}, {sql_str(str(self.path))}, 'parties',
                {RECORD}, {self._key(PARTIES)}, _reason, 'rejected' FROM {typed}
                WHERE _reason IS NOT NULL AND _reason <> 'patent record rejected'"""
        )
        bad = self._scalar(
            f"SELECT count(*) FROM {typed} WHERE _reason IS NOT NULL "
            "AND _reason <> 'patent record rejected'"
        )
        dup_rej, _identical = self._dedupe(PARTIES, typed, provided)
        bad += dup_rej
        if roles:
            role_list = ", ".join(sql_str(r) for r in sorted(roles))
            self.con.execute(
                f"""DELETE FROM parties p USING (SELECT DISTINCT patent_id FROM {patents}
                    WHERE _reason IS NULL) n
                    WHERE p.patent_id = n.patent_id AND p.role IN ({role_list})"""
            )
        self._merge(PARTIES, typed, provided)
        n = self._scalar(f"SELECT count(*) FROM {typed} WHERE _reason IS NULL")
        return {"parties": n}, bad

    def _explode_embedded(self, raw: str, cols: set[str]) -> tuple[Staged | None, set[str]]:
        """Rows of a wide export -> one parties row per name in the ';'-separated cells.
        Addresses pair with names by position; a single address belongs to the first name."""
        selects = []
        roles: set[str] = set()
        for names_col, role, addr_col, country_col, region_col in EMBEDDED_PARTIES:
            if names_col not in cols:
                continue
            roles.add(role)

            def split(c: str | None) -> str:
                if c is None or c not in cols:
                    return "[]::VARCHAR[]"
                return (
                    f"list_filter(list_transform(string_split(regexp_replace(coalesce("
                    f"{sql_ident(c)}, ''), '[；;]', ';', 'g'), ';'), lambda x: trim(x)), "
                    "lambda x: x <> '')"
                )

            def pick(lst: str) -> str:
                return (
                    f"CASE WHEN len({lst}) = len(names) THEN {lst}[i] "
                    f"WHEN len({lst}) = 1 AND i = 1 THEN {lst}[1] END"
                )

            selects.append(
                f"""SELECT {RECORD}, patent_id, {sql_str(role)} AS role,
                       CAST(i AS VARCHAR) AS sequence,
                       names[i] AS name, {pick("addrs")} AS address, {pick("countries")} AS country,
                       {pick("regions")} AS region_code
                    FROM (SELECT {RECORD}, patent_id, names, addrs, countries, regions,
                                 unnest(range(1, len(names) + 1)) AS i
                          FROM (SELECT {RECORD}, patent_id, {split(names_col)} AS names,
                                       {split(addr_col)} AS addrs,
                                       {split(country_col)} AS countries,
                                       {split(region_col)} AS regions FROM {raw}))"""
            )
        if not selects:
            return None, set()
        out = self.tmp("embedded")
        self.con.execute(f"CREATE TEMP TABLE {out} AS " + " UNION ALL ".join(selects))
        columns = ["patent_id", "role", "sequence", "name", "address", "country", "region_code"]
        return Staged(f"SELECT * FROM {out}", columns, True), roles

    def _record_run(self, r: FileResult) -> None:
        secondary = sum(r.secondary.values())
        self.con.execute(
            """INSERT INTO ingest_runs (run_id, path, sha256, size_bytes, "table", format,
               started_at, finished_at, status, read, loaded, rejected, skipped, inserted, updated,
               unchanged, secondary_rows, message, encoding)
               VALUES (?, ?, ?, ?, ?, ?, ?, now(), 'loaded', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                self.run_id,
                str(self.path),
                _resolved(self.checksum),
                self.path.stat().st_size,
                r.table,
                r.format,
                self.started,
                r.read,
                r.loaded,
                r.rejected,
                r.skipped,
                r.inserted,
                r.updated,
                r.unchanged,
                secondary,
                "; ".join(r.warnings) or None,
                self.reader.encoding_summary if isinstance(self.reader, CsvReader) else None,
            ],
        )
