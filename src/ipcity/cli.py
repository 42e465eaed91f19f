"""The ``ipcity`` command. Thin: each area registers its own commands from ``<area>/commands.py``.

Errors reach the user as one line and a non-zero exit code, never a traceback (set
``IPCITY_DEBUG=1`` to see one when reporting a bug), in the CLI's language
(``IPCITY_CLI_LANG``, see :mod:`ipcity.clitext`).
"""

from __future__ import annotations

import importlib
import sys

import typer
from typer._click import exceptions as click_exceptions  # typer 0.2x vendors click

from ipcity.errors import IpcityError
from ipcity.settings import current

app = typer.Typer(
    name="ipcity",
    help="IP policy toolkit for a city's IP Joint Conference.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Modules that define ``register(app)``; listed here so the command set is explicit.
COMMAND_MODULES = (
    "ipcity.demo.command",
    "ipcity.warehouse.commands",
    "ipcity.geo.commands",
    "ipcity.indicators.commands",
    "ipcity.samplecity.commands",
    "ipcity.workspace.commands",
    "ipcity.workspace.plan_commands",
    "ipcity.web.commands",
    "ipcity.evaluation.commands",
    "ipcity.meetings.commands",
    "ipcity.reports.commands",
    "ipcity.clusters.commands",
    "ipcity.protection.commands",
    # after the areas: mounts their seed-demo subcommands (the demo sits above every area)
    "ipcity.demo.seed_commands",
)


@app.callback()
def _root() -> None:
    """IP policy toolkit for a city's IP Joint Conference."""


@app.command()
def version() -> None:
    """Print the ipcity version."""
    from importlib.metadata import version as _version

    typer.echo(_version("ipcity"))


def _register_all() -> None:
    # Every area ships with the product: a module that fails to import is a bug to see.
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)


_register_all()


def main(argv: list[str] | None = None) -> int:
    from ipcity.clitext import error_line, say

    try:
        debug = current().debug  # every setting is checked here, before any command runs
    except IpcityError as exc:
        print(error_line(exc, "en"), file=sys.stderr)  # the language setting may be the bad one
        return 1
    try:
        rc = app(args=argv, standalone_mode=False)
    except IpcityError as exc:
        print(error_line(exc), file=sys.stderr)
        return 1
    except typer.Abort:
        print(say("cli.aborted"), file=sys.stderr)
        return 130
    except click_exceptions.ClickException as exc:
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        print(say("cli.interrupted"), file=sys.stderr)
        return 130
    except Exception as exc:
        if debug:
            raise
        print(say("cli.internal_error", {"error": f"{type(exc).__name__}: {exc}"}), file=sys.stderr)
        return 70
    return rc if isinstance(rc, int) else 0


if __name__ == "__main__":
    sys.exit(main())
