"""Where the Spark engine runs: local mode (the default), an existing cluster (standalone,
YARN, Kubernetes) or a Spark Connect server, and the Spark configuration passed through.

Command options win over environment settings, which win over the defaults; a properties file
(Spark's ``spark-defaults.conf`` format) is read first and ``--spark-conf`` pairs override it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ipcity.errors import IpcityError
from ipcity.settings import current

DEFAULT_MASTER = "local[2]"
APP_NAME = "ipcity-indicators"

_MASTER = re.compile(
    r"^(local(\[(\*|[1-9][0-9]*)(,[0-9]+)?\])?"  # local, local[4], local[*], local[4,2]
    r"|spark://[^\s/]+(:[0-9]+)?(,[^\s/]+(:[0-9]+)?)*"  # standalone, HA masters comma-separated
    r"|yarn"
    r"|k8s://\S+)$"
)
_REMOTE = re.compile(r"^sc://[^\s/]+(/\S*)?$")
_KEY = re.compile(r"^spark\.[A-Za-z0-9_.\-]+$")


@dataclass(frozen=True)
class SparkSettings:
    """One Spark target. ``conf`` pairs are applied last (they win over ipcity's defaults)."""

    master: str = DEFAULT_MASTER
    remote: str | None = None
    conf: tuple[tuple[str, str], ...] = ()

    @property
    def is_local(self) -> bool:
        """The executors run inside this process and read this machine's disk."""
        return self.remote is None and self.master.startswith("local")

    @property
    def target(self) -> str:
        return self.remote or self.master

    @property
    def app_name(self) -> str:
        return dict(self.conf).get("spark.app.name", APP_NAME)

    @classmethod
    def resolve(
        cls,
        master: str | None = None,
        remote: str | None = None,
        conf: Sequence[str] = (),
        properties: str | Path | None = None,
    ) -> SparkSettings:
        """Options first, then ``IPCITY_SPARK_*``, then local mode."""
        configured = current()
        master = (master or configured.spark_master or "").strip() or None
        remote = (remote or configured.spark_remote or "").strip() or None
        if master and remote:
            raise IpcityError(
                f"give a Spark master ({master}) or a Spark Connect server ({remote}), not both"
            )
        if master and not _MASTER.match(master):
            raise IpcityError(
                f"invalid Spark master '{master}' (valid: local[N], spark://host:port, yarn, "
                "k8s://https://host:port)"
            )
        if remote and not _REMOTE.match(remote):
            raise IpcityError(f"invalid Spark Connect address '{remote}' (valid: sc://host:port)")
        pairs: dict[str, str] = {}
        props = properties or configured.spark_properties
        if props:
            pairs.update(read_properties(Path(props)))
        pairs.update(parse_conf(conf))
        return cls(master=master or DEFAULT_MASTER, remote=remote, conf=tuple(pairs.items()))


def _pair(key: str, value: str, origin: str) -> tuple[str, str]:
    key, value = key.strip(), value.strip()
    if not _KEY.match(key):
        raise IpcityError(f"{origin}: '{key}' is not a Spark property (they start with 'spark.')")
    if not value:
        raise IpcityError(f"{origin}: {key} has no value")
    return key, value


def parse_conf(items: Iterable[str]) -> dict[str, str]:
    """``--spark-conf key=value`` pairs (a later pair wins)."""
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise IpcityError(f"--spark-conf needs key=value, not '{item}'")
        raw_key, raw_value = item.split("=", 1)
        key, value = _pair(raw_key, raw_value, "--spark-conf")
        out[key] = value
    return out


def read_properties(path: Path) -> dict[str, str]:
    """A Spark properties file: ``key value`` or ``key=value`` per line, ``#`` comments."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise IpcityError(f"cannot read Spark properties file {path}: {exc.strerror}") from exc
    out: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", "!")):
            continue
        m = re.match(r"^(\S+?)\s*(?:=|\s)\s*(.*)$", line)
        if not m:
            raise IpcityError(f"{path}:{n}: expected 'key value' or 'key=value'")
        key, value = _pair(m.group(1), m.group(2), origin=f"{path}:{n}")
        out[key] = value
    return out
