"""``ipcity serve``: registered, documented, one-line errors; ``serve`` and ``create_app`` as
the demo command uses them."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ipcity.cli import app, main


def test_serve_is_registered_with_its_options() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--db", "--warehouse", "--workers", "--today"):
        assert option in result.output
    assert "office_admin" in result.output  # how to create the first admin


def test_bad_today_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--today", "yesterday"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: --today must be a date") and err.count("\n") == 1


def test_bad_database_url_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--db", "mysql://nobody@nowhere/x"]) == 1
    err = capsys.readouterr().err
    assert "unsupported workspace database" in err and "Traceback" not in err


def test_create_app_opens_and_upgrades_the_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ipcity.web import create_app
    from ipcity.web.config import WebSettings

    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    web = create_app(WebSettings(db_url=url))
    assert web.state.db.url == url
    assert (tmp_path / "fresh.sqlite").exists()
    web.state.db.dispose()
