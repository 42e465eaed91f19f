"""Every ``IPCITY_*`` setting, read, validated and documented in one place.

:class:`Settings` is one frozen dataclass: each field names its environment variable, its
type, its default and what it does (``docs/configuration.md`` documents each one; a test reads
the fields). :func:`current` parses the environment once per distinct set of ``IPCITY_*``
values (a test that changes one gets a fresh object); the CLI, the web app and its workers and
the domain helpers read it instead of ``os.environ``. A bad value is a one-line
:class:`InputError` naming the variable. Booleans are read one way everywhere
(``1/true/yes/on`` or ``0/false/no/off``).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any, Literal

from ipcity.errors import InputError

WAREHOUSE_ENV = "IPCITY_WAREHOUSE"
DB_ENV = "IPCITY_DB"
DEFAULT_WAREHOUSE = "ipcity-data"

# Population lag of the per-10,000-people figures, per region (GB/T 2260 code or country):
# 0 = the NBS definition (population at the end of the same year); 1 = the previous year-end.
# Shanghai publishes over the previous year-end population (40.9 for 2022 = 101,800 /
# 24,894,300 end-2021 residents). Every caller (CLI, API, workspace, evaluation, reports,
# portal) reads the lag from ``population_lag`` below; IPCITY_POPULATION_LAG adds or overrides
# entries ("310000=1,440300=0").
POPULATION_LAG_ENV = "IPCITY_POPULATION_LAG"
# The office of the official figures the workspace, evaluation, reports and portal show: CNIPA
# records only, as the official CN statistics count them.
REPORTING_OFFICE = "CN"
DEFAULT_POPULATION_LAG = 0
SHIPPED_POPULATION_LAGS: dict[str, int] = {"310000": 1}
_LAG_ENTRY = re.compile(r"^([0-9]{6}|[A-Z]{2}|ALL)=([01])$")

MIB = 1024 * 1024
# A page request body is refused above 25 MiB (web/routing.py PAGE_MAX_BODY): a file must fit.
UPLOAD_MOST_MB = 24
# Never allowed, whatever IPCITY_UPLOAD_TYPES says: a browser or the desktop would run them.
NEVER_UPLOAD = frozenset(
    [
        "htm",
        "html",
        "xhtml",
        "shtml",
        "svg",
        "svgz",
        "xml",
        "xsl",
        "js",
        "mjs",
        "css",
        "swf",
        "exe",
        "com",
        "bat",
        "cmd",
        "ps1",
        "vbs",
        "msi",
        "scr",
        "jar",
        "hta",
        "lnk",
        "sh",
    ]
)


# --- parsers: raw text (never empty) -> value, or a one-line InputError naming the variable --


def parse_flag(name: str, raw: str) -> bool:
    """The one boolean syntax of every setting."""
    low = raw.lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise InputError(f"{name} must be 1 or 0, not {raw!r}")


def _text(name: str, raw: str) -> str:
    return raw


def _path(name: str, raw: str) -> Path:
    return Path(raw).expanduser()


def _day(name: str, raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InputError(f"{name} must be a date like 2023-09-15, not {raw!r}") from None


def _whole(least: int, most: int | None = None) -> Callable[[str, str], int]:
    def parse(name: str, raw: str) -> int:
        if raw.isdigit() and int(raw) >= least and (most is None or int(raw) <= most):
            return int(raw)
        if most is not None:
            raise InputError(f"{name} must be a whole number from {least} to {most}, not {raw!r}")
        if least == 0:
            raise InputError(f"{name} must be a whole number of days, not {raw!r}")
        raise InputError(f"{name} must be a whole number of at least {least}, not {raw!r}")

    return parse


def _near_days(name: str, raw: str) -> int:
    try:
        n = int(raw)
    except ValueError:
        raise InputError(f"{name} must be a whole number of days, not {raw!r}") from None
    if n < 0:
        raise InputError(f"{name} must not be negative")
    return n


def _port(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise InputError(f"{name} must be a port number, not {raw!r}") from None


def _smtp_security(name: str, raw: str) -> str:
    low = raw.lower()
    if low not in ("none", "starttls", "ssl"):
        raise InputError(f"{name} must be none, starttls or ssl")
    return low


def _upload_types(name: str, raw: str) -> frozenset[str]:
    chosen = frozenset(p.strip().lower().lstrip(".") for p in raw.split(",") if p.strip())
    bad = sorted(chosen & NEVER_UPLOAD)
    if bad:
        raise InputError(f"{name} may not allow {', '.join(bad)}: browsers run them")
    return chosen


def _cli_lang(name: str, raw: str) -> str:
    low = raw.lower().replace("-", "_")
    if low in ("zh", "zh_cn"):
        return "zh"
    if low in ("en", "en_us", "en_gb"):
        return "en"
    raise InputError(f"{name} must be zh or en, not {raw!r}")


def _lags(name: str, raw: str) -> dict[str, int]:
    lags: dict[str, int] = {}
    for item_raw in raw.split(","):
        item = "".join(item_raw.split()).upper()
        if not item:
            continue
        m = _LAG_ENTRY.match(item)
        if not m:
            raise InputError(
                f"{name}: '{item_raw.strip()}' is not REGION=LAG (a six-digit GB/T 2260 "
                "code or a country code, and 0 or 1), e.g. 310000=1"
            )
        lags[m.group(1)] = int(m.group(2))
    return lags


def setting(
    env: str, description: str, parse: Callable[[str, str], Any], default: Any = None
) -> Any:
    """A field of :class:`Settings`: its variable, what it does, how it is read."""
    if isinstance(default, dict | frozenset | list):
        return field(
            default_factory=lambda: default,
            metadata={"env": env, "description": description, "parse": parse},
        )
    return field(default=default, metadata={"env": env, "description": description, "parse": parse})


@dataclass(frozen=True)
class Settings:
    """Every environment setting of ipcity (all optional). ``None`` means "not set": the
    documented fallback applies where the value is used."""

    # --- where the data is --------------------------------------------------------------
    warehouse: Path | None = setting(
        "IPCITY_WAREHOUSE", "Warehouse directory (default ./ipcity-data); --warehouse wins.", _path
    )
    db: str | None = setting(
        "IPCITY_DB",
        "Workspace database URL (default: workspace.sqlite in the warehouse); --db wins.",
        _text,
    )
    cache_dir: Path | None = setting(
        "IPCITY_CACHE_DIR", "Cache of the geocoding gazetteer (default ~/.cache/ipcity).", _path
    )
    # --- the day and the figures ----------------------------------------------------------
    today: date | None = setting(
        "IPCITY_TODAY",
        "The app's date (YYYY-MM-DD) for statuses, reports and evaluations (default: today).",
        _day,
    )
    population_lag: dict[str, int] = setting(
        POPULATION_LAG_ENV,
        "Per-region population lag, REGION=0|1 comma-separated (shipped: 310000=1).",
        _lags,
        {},
    )
    near_days: int | None = setting(
        "IPCITY_NEAR_DAYS", "Days before a deadline a task turns yellow (default 14).", _near_days
    )
    # --- uploads --------------------------------------------------------------------------
    upload_types: frozenset[str] | None = setting(
        "IPCITY_UPLOAD_TYPES",
        "Allowed upload extensions, comma-separated (default: office, PDF/OFD, images, text, "
        "archives; executables never).",
        _upload_types,
    )
    upload_max_mb: int | None = setting(
        "IPCITY_UPLOAD_MAX_MB",
        f"Largest uploaded file in MB, 1 to {UPLOAD_MOST_MB} (default 20).",
        _whole(1, UPLOAD_MOST_MB),
    )
    upload_max_rows: int | None = setting(
        "IPCITY_UPLOAD_MAX_ROWS", "Most rows of an uploaded sheet (default 5000).", _whole(1)
    )
    upload_max_columns: int | None = setting(
        "IPCITY_UPLOAD_MAX_COLUMNS", "Most columns of an uploaded sheet (default 200).", _whole(1)
    )
    upload_max_cells: int | None = setting(
        "IPCITY_UPLOAD_MAX_CELLS", "Most cells of an uploaded sheet (default 1000000).", _whole(1)
    )
    upload_max_unzipped_mb: int | None = setting(
        "IPCITY_UPLOAD_MAX_UNZIPPED_MB",
        "Most MB an uploaded workbook may unpack to (default 50).",
        _whole(1),
    )
    # --- the web app ----------------------------------------------------------------------
    web_threads: int | None = setting(
        "IPCITY_WEB_THREADS",
        "Requests handled at once per worker, 1 to 64 (default 4); the database connection "
        "pool is sized from it.",
        _whole(1, 64),
    )
    cookie_secure: bool | None = setting(
        "IPCITY_COOKIE_SECURE",
        "Force the Secure cookie flag on (1) or off (0) (default: when the request is HTTPS).",
        parse_flag,
    )
    session_idle_minutes: int | None = setting(
        "IPCITY_SESSION_IDLE_MINUTES",
        "Minutes without a request before a page session ends, 1 to 1440 (default 30).",
        _whole(1, 24 * 60),
    )
    session_max_hours: int | None = setting(
        "IPCITY_SESSION_MAX_HOURS",
        "Hours after login a page session ends, 1 to 720 (default 12).",
        _whole(1, 24 * 30),
    )
    # --- e-mail notices -------------------------------------------------------------------
    smtp_host: str | None = setting(
        "IPCITY_SMTP_HOST", "Mail server for notices (unset: no e-mail is sent).", _text
    )
    smtp_port: int | None = setting("IPCITY_SMTP_PORT", "Mail server port (default 25).", _port)
    smtp_user: str | None = setting(
        "IPCITY_SMTP_USER", "Mail server login (with IPCITY_SMTP_PASSWORD).", _text
    )
    smtp_password: str | None = setting("IPCITY_SMTP_PASSWORD", "Mail server password.", _text)
    smtp_from: str | None = setting(
        "IPCITY_SMTP_FROM", "Sender address (default ipcity@<host>).", _text
    )
    smtp_security: str | None = setting(
        "IPCITY_SMTP_SECURITY",
        "none, starttls or ssl (default: ssl on 465, starttls on 587, else none).",
        _smtp_security,
    )
    # --- engines --------------------------------------------------------------------------
    spark_master: str | None = setting(
        "IPCITY_SPARK_MASTER", "Spark master: local[N], spark://host:port, yarn, k8s://...", _text
    )
    spark_remote: str | None = setting(
        "IPCITY_SPARK_REMOTE", "Spark Connect server sc://host:port.", _text
    )
    spark_properties: Path | None = setting(
        "IPCITY_SPARK_PROPERTIES", "Spark properties file (spark-defaults.conf format).", _path
    )
    spark_memory: str | None = setting(
        "IPCITY_SPARK_MEMORY", "Driver memory of a local Spark session (default 2g).", _text
    )
    duckdb_memory_limit: str | None = setting(
        "IPCITY_DUCKDB_MEMORY_LIMIT", "DuckDB memory cap, e.g. 6GB (default: DuckDB's).", _text
    )
    duckdb_temp_directory: str | None = setting(
        "IPCITY_DUCKDB_TEMP_DIRECTORY",
        "Where DuckDB spills large queries (default: DuckDB's).",
        _text,
    )
    # --- the command line -----------------------------------------------------------------
    cli_lang: Literal["zh", "en"] | None = setting(
        "IPCITY_CLI_LANG",
        "Language of the CLI's messages and errors: zh or en (default en).",
        _cli_lang,
    )
    # --- troubleshooting ------------------------------------------------------------------
    debug: bool = setting(
        "IPCITY_DEBUG", "1: the CLI shows the traceback of an internal error.", parse_flag, False
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Parse every setting from ``environ`` (default: the process environment)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f.metadata["env"], "").strip()
            if raw:
                values[f.name] = f.metadata["parse"](f.metadata["env"], raw)
        return cls(**values)

    @classmethod
    def documentation(cls) -> list[tuple[str, str, str, str]]:
        """(variable, type, default, description) of every setting, in order."""
        out = []
        for f in fields(cls):
            default = f.default_factory() if callable(f.default_factory) else f.default
            out.append((f.metadata["env"], str(f.type), repr(default), f.metadata["description"]))
        return out

    def population_lags(self) -> dict[str, int]:
        """The configured lag of every region that does not use the default (0)."""
        return {**SHIPPED_POPULATION_LAGS, **self.population_lag}


_cache: dict[tuple[tuple[str, str], ...], Settings] = {}
_cache_lock = threading.Lock()


def current() -> Settings:
    """The settings of the process environment, parsed once per distinct ``IPCITY_*`` set."""
    key = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("IPCITY_")))
    with _cache_lock:
        found = _cache.get(key)
    if found is None:
        found = Settings.from_env()
        with _cache_lock:
            _cache[key] = found
    return found


def population_lags() -> dict[str, int]:
    """The configured lag of every region that does not use the default (0)."""
    return current().population_lags()


def population_lag(region: str) -> int:
    """The lag a region's per-10,000 figures use: its own entry, else 0 (NBS definition).
    A district does not inherit its province's entry: each published series is set alone."""
    return population_lags().get(str(region).strip().upper(), DEFAULT_POPULATION_LAG)


def warehouse_dir(explicit: str | Path | None = None) -> Path:
    """The warehouse directory: --warehouse, else $IPCITY_WAREHOUSE, else ./ipcity-data."""
    if explicit:
        return Path(explicit).expanduser()
    configured = current().warehouse
    return configured if configured else Path.cwd() / DEFAULT_WAREHOUSE


def workspace_db_url(explicit: str | None = None, warehouse: Path | None = None) -> str:
    """The workspace database: --db, else $IPCITY_DB, else a SQLite file in the warehouse dir."""
    if explicit:
        return explicit
    configured = current().db
    if configured:
        return configured
    wh = warehouse or warehouse_dir()
    return f"sqlite:///{(wh / 'workspace.sqlite').resolve()}"
