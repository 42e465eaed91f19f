"""The files of an exported dataset, wherever it lives: a local or mounted directory, or a file
system Spark's executors read directly (``s3a://``, ``s3://``, ``hdfs://``, ``viewfs://``,
``gs://``) through pyarrow's file systems on the driver.

The driver needs the same file system as the executors, with its own settings: S3 through the
``AWS_*`` variables (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_ENDPOINT_URL``,
``AWS_DEFAULT_REGION``), HDFS through libhdfs and a Hadoop client (``JAVA_HOME``, ``HADOOP_HOME``,
``CLASSPATH=$(hadoop classpath --glob)``), GCS through the default Google credentials. When it is
missing or unreachable, every operation fails with one line naming the scheme and the cause.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pyarrow as pa
import pyarrow.fs as pafs

from ipcity.errors import IpcityError

MANIFEST = "_ipcity_manifest.json"
_CHUNK = 1 << 20
# URI scheme -> pyarrow file system family. s3a/s3n are Hadoop's names for the same S3 buckets.
REMOTE_SCHEMES = {
    "s3": "s3",
    "s3a": "s3",
    "s3n": "s3",
    "hdfs": "hdfs",
    "viewfs": "hdfs",
    "gs": "gs",
}


def is_local(uri: str) -> bool:
    """A plain path (POSIX or Windows) or a ``file://`` URI."""
    scheme = urlparse(uri).scheme
    return scheme in ("", "file") or (len(scheme) == 1 and uri[1:3] in (":\\", ":/"))


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


@dataclass(frozen=True)
class RemoteFiles:
    """A dataset directory ``root`` on the pyarrow file system ``fs`` (``uri`` for messages and
    for Spark, which reads the URI itself)."""

    uri: str
    fs: pafs.FileSystem
    root: str

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except (OSError, pa.ArrowException) as exc:
            scheme = urlparse(self.uri).scheme or "file"
            raise IpcityError(
                f"dataset {self.uri}: {scheme}:// failed here: {_first_line(exc)} "
                "(see docs/scale-out.md for the driver's settings)"
            ) from exc

    def _path(self, rel: str) -> str:
        return f"{self.root.rstrip('/')}/{rel}"

    def read_manifest(self) -> str | None:
        """The manifest's text, None when there is none."""
        with self._errors():
            info = self.fs.get_file_info(self._path(MANIFEST))
            if info.type != pafs.FileType.File:
                return None
            with self.fs.open_input_stream(self._path(MANIFEST)) as f:
                return bytes(f.read()).decode("utf-8")

    def files(self) -> dict[str, int]:
        """Every data file (the manifest excluded) as relative path -> bytes."""
        with self._errors():
            if self.fs.get_file_info(self.root).type != pafs.FileType.Directory:
                return {}
            infos = self.fs.get_file_info(pafs.FileSelector(self.root, recursive=True))
        base = self.root.rstrip("/") + "/"
        out = {
            i.path[len(base) :]: int(i.size or 0)
            for i in infos
            if i.type == pafs.FileType.File and i.path.startswith(base)
        }
        out.pop(MANIFEST, None)
        return out

    def sha256(self, rel: str) -> str:
        h = hashlib.sha256()
        with self._errors(), self.fs.open_input_stream(self._path(rel)) as f:
            while chunk := f.read(_CHUNK):
                h.update(chunk)
        return h.hexdigest()

    def replace_with(self, stage: Path, manifest: str) -> None:
        """Make the dataset the files of the local directory ``stage`` plus ``manifest``.
        Object stores cannot rename a directory, so the manifest is the commit point: the old
        one goes first (from then on readers find no dataset, never a mixed one), then the old
        files, then the new files, and the new manifest last."""
        local = pafs.LocalFileSystem()
        had_manifest = self.read_manifest() is not None
        with self._errors():
            if had_manifest:
                self.fs.delete_file(self._path(MANIFEST))
            self.fs.create_dir(self.root, recursive=True)
            self.fs.delete_dir_contents(self.root, missing_dir_ok=True)
            pafs.copy_files(
                str(stage),
                self.root,
                source_filesystem=local,
                destination_filesystem=self.fs,
            )
            with self.fs.open_output_stream(self._path(MANIFEST)) as out:
                out.write(manifest.encode("utf-8"))


def remote_files(uri: str) -> RemoteFiles:
    """The file system of a non-local ``uri``; one line when the scheme is unknown or its
    file system cannot be set up on this machine."""
    parsed = urlparse(uri)
    family = REMOTE_SCHEMES.get(parsed.scheme.lower())
    if family is None:
        raise IpcityError(
            f"dataset URI '{uri}': no file system for '{parsed.scheme}://' (use a local or "
            f"mounted path, or {', '.join(f'{s}://' for s in REMOTE_SCHEMES)})"
        )
    if not parsed.netloc or not parsed.path.strip("/"):
        raise IpcityError(f"dataset URI '{uri}' needs a {parsed.scheme}://HOST-OR-BUCKET/PATH")
    try:
        fs = _filesystem(family, parsed.scheme.lower(), parsed.netloc, parsed.port)
    except (OSError, pa.ArrowException, ImportError) as exc:
        raise IpcityError(
            f"dataset {uri}: {parsed.scheme}:// is not available on this machine: "
            f"{_first_line(exc)} (see docs/scale-out.md for the driver's settings)"
        ) from exc
    # S3 and GCS paths start with the bucket; HDFS paths are absolute on the name node.
    root = parsed.path.rstrip("/") if family == "hdfs" else parsed.netloc + parsed.path.rstrip("/")
    return RemoteFiles(uri=uri.rstrip("/"), fs=fs, root=root)


def _filesystem(family: str, scheme: str, netloc: str, port: int | None) -> pafs.FileSystem:
    if family == "s3":
        endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
        return pafs.S3FileSystem(
            endpoint_override=endpoint or None,
            connect_timeout=10,
            request_timeout=60,
            retry_strategy=pafs.AwsStandardS3RetryStrategy(max_attempts=3),
        )
    if family == "hdfs":
        host = f"{scheme}://{netloc.split('@')[-1].split(':')[0]}"
        return pafs.HadoopFileSystem(host, port or 0)
    return pafs.GcsFileSystem()
