"""The command line's language: its sentences are message keys of the catalogues, rendered in
the language ``IPCITY_CLI_LANG`` names (``en``, the default, or ``zh``).

English is the default because everything else the terminal shows is English (the commands,
their options and ``--help``, docs/cli.md); ``IPCITY_CLI_LANG=zh`` puts the sentences, the
labels and the errors of the workspace into Chinese. Machine output (JSON, CSV, the columns of
the tables) and the data (names, titles) are never translated. The keys are ``cli.*`` of each
area's ``keys.po``; the ones every command shares (the error line) are in this package's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from ipcity.i18n import render
from ipcity.settings import current

CliLang = Literal["zh", "en"]


def cli_lang() -> CliLang:
    """The language of the CLI's sentences (IPCITY_CLI_LANG; default en)."""
    return current().cli_lang or "en"


def say(key: str, params: Mapping[str, Any] | None = None) -> str:
    """The sentence of ``key`` in the CLI's language."""
    return render(key, params, cli_lang())


def error_line(exc: BaseException, lang: CliLang | None = None) -> str:
    """``error: <message>`` for an error the user can act on. In English, the error's own
    line (a workspace error's English message; a missing record named with its id, for the
    administrator); in Chinese, a workspace error (one with a message key) in Chinese, with
    the id of a missing record, and any other error as its text."""
    lang = lang or cli_lang()
    message = getattr(exc, "message", None)
    if lang == "en" or not callable(message):
        text = str(exc)
    else:
        text = message(lang)
        record = getattr(exc, "entity_id", None)
        if record is not None:
            text = render("cli.record", {"text": text, "id": record}, lang)
    return render("cli.error", {"message": text}, lang)
