"""The layers of ``ipcity``, in one list: who may import whom.

Data flows one way. A package may import packages of a LOWER rank, never its own rank's
neighbours nor anything above. ``tests/test_layers.py`` reads every module with ``ast`` and
enforces this list; docs/architecture.md describes it.

Where the code breaks the list today, the import is named in :data:`EXCEPTIONS` with the
reason. The test fails when an exception is no longer needed, so the list only shrinks.

Inside a package too, imports run one way: the module-level imports of ``ipcity`` form no
circle, and an import inside a function (kept for start-up speed or an optional dependency)
never closes one. A shared piece moves down to the module where it belongs instead (as
``web/web_error.py`` and ``clusters/sphere.py`` did). The test reads this from the code too.
"""

from __future__ import annotations

# Lowest first. Base modules (errors, console, numbers, settings, tomlfile, i18n, clock) sit
# below everything.
LAYERS: tuple[tuple[str, ...], ...] = (
    # numbers: the number formats of the report, the pages, the portal and the evaluation.
    ("errors", "console", "layers", "numbers"),
    ("settings", "tomlfile", "i18n"),
    ("clock",),  # the app's one reference date (IPCITY_TODAY) and the finished-year rule
    ("clitext",),  # the CLI's language (a setting) over the catalogues: every command uses it
    ("geo",),  # GB/T 2260 regions and address resolution, used from the readers on
    ("sources",),
    ("warehouse",),
    ("indicators",),
    # Beside the flow: the WIPO GII cluster method and the synthetic sample city work on the
    # warehouse and the engine; only the demo and the CLI use them.
    ("clusters",),
    ("samplecity",),
    ("workspace",),
    ("evaluation",),
    # The annual report sits under protection and meetings: they build on its document model
    # (reports/document.py) and publish its files.
    ("reports",),
    ("protection", "meetings"),
    ("web",),
    # Entry points: they mount and seed every area; clidoc renders the CLI's help as docs/cli.md.
    ("demo",),
    ("cli",),
    ("clidoc",),
)

# "importing module -> imported package": why the import is there. Only the migration
# registry, which must see every table; a new entry is a debt to pay off.
EXCEPTIONS: dict[str, str] = {
    "ipcity.workspace.all_models -> meetings": "migrations see every area's tables",
    "ipcity.workspace.all_models -> protection": "migrations see every area's tables",
    "ipcity.workspace.all_models -> reports": "migrations see every area's tables",
}


def rank_of(package: str) -> int:
    """The rank of a top-level package or module of ``ipcity`` (KeyError if unlisted)."""
    for rank, names in enumerate(LAYERS):
        if package in names:
            return rank
    raise KeyError(package)


# "importing module -> imported module": a function-local import that closes an import circle,
# and why it must. Empty, and the test keeps it so unless an entry names its reason.
CIRCLE_BREAKERS: dict[str, str] = {}
