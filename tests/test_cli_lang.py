"""The CLI's language (IPCITY_CLI_LANG, ipcity.clitext): one language a run, English by
default, Chinese on request; a bad value is a one-line error naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipcity import cli
from ipcity.clitext import error_line
from ipcity.errors import InputError
from ipcity.settings import Settings
from ipcity.workspace.errors import NotFound, PermissionDenied


def _err(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    rc = cli.main(argv)
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


def test_the_error_line_in_each_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["report", "--year", "2022", "--lang", "fr"]
    monkeypatch.delenv("IPCITY_CLI_LANG", raising=False)
    assert _err(argv, capsys)[2] == "error: --lang must be zh or en, not 'fr'\n"
    monkeypatch.setenv("IPCITY_CLI_LANG", "zh")
    assert _err(argv, capsys)[2] == "错误：--lang must be zh or en, not 'fr'\n"
    monkeypatch.setenv("IPCITY_CLI_LANG", "fr")
    rc, _, err = _err(["version"], capsys)
    assert rc == 1 and err == "error: IPCITY_CLI_LANG must be zh or en, not 'fr'\n"


def test_a_workspace_error_is_worded_in_the_cli_language() -> None:
    exc = PermissionDenied("task.update")
    assert error_line(exc, "zh") == "错误：您的账号无权执行此操作"
    assert error_line(exc, "en") == "error: your account is not allowed to do this"
    missing = NotFound("task", 5)  # the administrator's line names the record
    assert error_line(missing, "en") == "error: task 5 does not exist"
    assert error_line(missing, "zh").startswith("错误：该")
    assert error_line(missing, "zh").endswith("（编号 5）")
    assert error_line(InputError("bad value"), "zh") == "错误：bad value"


def test_the_setting_reads_either_spelling() -> None:
    assert Settings.from_env({"IPCITY_CLI_LANG": "zh_CN"}).cli_lang == "zh"
    assert Settings.from_env({"IPCITY_CLI_LANG": "EN"}).cli_lang == "en"
    assert Settings.from_env({}).cli_lang is None  # the CLI says English


def test_a_command_speaks_one_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'ws.sqlite'}"
    monkeypatch.delenv("IPCITY_CLI_LANG", raising=False)
    rc, out, _ = _err(["db", "upgrade", "--db", url], capsys)
    assert rc == 0 and out.startswith("workspace schema at ")
    monkeypatch.setenv("IPCITY_CLI_LANG", "zh")
    rc, out, _ = _err(["db", "upgrade", "--db", url], capsys)
    assert rc == 0 and out.startswith("工作台数据库结构版本：")
    rc, out, _ = _err(["units", "add", "SIPA", "市知识产权局", "--db", url], capsys)
    assert rc == 0 and out == "已创建单位 SIPA 市知识产权局\n"
