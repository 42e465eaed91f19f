"""Terminal output for CLI commands: rich progress on a terminal, plain lines when piped."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

err = Console(stderr=True)


def interactive() -> bool:
    return sys.stderr.isatty()


@contextlib.contextmanager
def progress(title: str) -> Iterator[Callable[[str, int, int], None]]:
    """Yields ``update(message, done, total)``. A bar on a terminal; otherwise one line per
    message on stderr, so logs of scripted runs stay readable."""
    if not interactive():
        last: list[str] = [""]

        def plain(message: str, done: int, total: int) -> None:
            if message != last[0] and message != "done":
                err.print(f"{title}: {message} ({done + 1}/{total})", highlight=False)
                last[0] = message

        yield plain
        return
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(title, total=None)

        def update(message: str, done: int, total: int) -> None:
            bar.update(task, description=f"{title}: {message}", completed=done, total=total)

        yield update
