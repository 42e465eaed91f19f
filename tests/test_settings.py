"""ipcity.settings: every IPCITY_* variable is parsed in one place, one way, with a one-line
error naming the variable; the web workers get the resolved settings without environment
variables being written."""

from __future__ import annotations

import os
import pickle
from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest

from ipcity.errors import InputError
from ipcity.settings import Settings, current, population_lag
from ipcity.web.app import WorkerConfig
from ipcity.web.config import WebSettings

BAD = {
    "IPCITY_TODAY": "15/09/2023",
    "IPCITY_POPULATION_LAG": "310000=2",
    "IPCITY_NEAR_DAYS": "-1",
    "IPCITY_UPLOAD_TYPES": "pdf,exe",
    "IPCITY_UPLOAD_MAX_MB": "25",
    "IPCITY_UPLOAD_MAX_ROWS": "0",
    "IPCITY_UPLOAD_MAX_COLUMNS": "many",
    "IPCITY_UPLOAD_MAX_CELLS": "1e6",
    "IPCITY_UPLOAD_MAX_UNZIPPED_MB": "-5",
    "IPCITY_WEB_THREADS": "65",
    "IPCITY_COOKIE_SECURE": "maybe",
    "IPCITY_SESSION_IDLE_MINUTES": "0",
    "IPCITY_SESSION_MAX_HOURS": "721",
    "IPCITY_SMTP_PORT": "smtp",
    "IPCITY_SMTP_SECURITY": "tls",
    "IPCITY_DEBUG": "2",
    "IPCITY_CLI_LANG": "fr",
}


def test_every_setting_has_an_env_name_a_type_and_a_description() -> None:
    names = [f.metadata["env"] for f in fields(Settings)]
    assert len(names) == len(set(names))
    assert all(n.startswith("IPCITY_") for n in names)
    assert all(f.metadata["description"].strip() for f in fields(Settings))


def test_unset_means_defaults() -> None:
    assert Settings.from_env({}) == Settings()
    assert Settings.from_env({"IPCITY_TODAY": "  "}).today is None


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_value_is_a_one_line_error_naming_the_variable(name: str) -> None:
    with pytest.raises(InputError) as err:
        Settings.from_env({name: BAD[name]})
    message = str(err.value)
    assert name in message and "\n" not in message


def test_the_validated_variables_cover_every_parsed_kind() -> None:
    """Every setting that is more than free text is among the bad-value cases above."""
    free = {"_text", "_path"}
    parsed = {
        f.metadata["env"] for f in fields(Settings) if f.metadata["parse"].__name__ not in free
    }
    assert parsed == set(BAD)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1", True), ("true", True), ("Yes", True), ("on", True), ("0", False), ("off", False)],
)
def test_booleans_are_read_one_way(raw: str, value: bool) -> None:
    s = Settings.from_env({"IPCITY_DEBUG": raw, "IPCITY_COOKIE_SECURE": raw})
    assert s.debug is value and s.cookie_secure is value


def test_values_are_typed() -> None:
    s = Settings.from_env(
        {
            "IPCITY_TODAY": "2023-09-15",
            "IPCITY_WAREHOUSE": "~/wh",
            "IPCITY_POPULATION_LAG": "440300=1, 310000=0",
            "IPCITY_UPLOAD_TYPES": ".PDF, docx",
            "IPCITY_SMTP_SECURITY": "SSL",
        }
    )
    assert s.today == date(2023, 9, 15)
    assert s.warehouse == Path("~/wh").expanduser()
    assert s.population_lags() == {"310000": 0, "440300": 1}
    assert s.upload_types == frozenset({"pdf", "docx"})
    assert s.smtp_security == "ssl"


def test_current_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IPCITY_POPULATION_LAG", raising=False)
    assert population_lag("310000") == 1  # the shipped table
    monkeypatch.setenv("IPCITY_POPULATION_LAG", "310000=0")
    assert population_lag("310000") == 0
    assert current() is current()  # parsed once for one environment


def test_workers_get_the_settings_without_environment_variables(
    tmp_path: Path, collector: None
) -> None:
    before = dict(os.environ)
    web = WebSettings(
        db_url=f"sqlite:///{tmp_path / 'ws.sqlite'}",
        warehouse=tmp_path,
        cookie_secure=True,
        today=date(2023, 11, 15),
        threads=3,
    )
    config = WorkerConfig(web, workers=2, host="127.0.0.1", port=0)
    # uvicorn pickles the config into each worker process (multiprocessing "spawn").
    copied = pickle.loads(pickle.dumps(config))
    app = copied.load_app()
    try:
        assert app.state.settings == web
        assert app.state.exit_after_shutdown is True
    finally:
        app.state.db.dispose()
    assert dict(os.environ) == before
