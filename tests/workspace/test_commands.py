"""The workspace CLI: first office admin via --password-stdin, db upgrade, demo seed,
supervision, import/export."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from ipcity import cli
from ipcity.workspace import auth
from ipcity.workspace.db import head_revision, open_db
from ipcity.workspace.models import User


def run(argv: list[str], stdin: str = "", monkeypatch: pytest.MonkeyPatch | None = None) -> int:
    assert monkeypatch is not None
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return cli.main(argv)


def test_first_admin_and_units(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'ws.sqlite'}"
    assert run(["db", "upgrade", "--db", url], monkeypatch=monkeypatch) == 0
    assert "workspace schema at" in capsys.readouterr().out
    # No password on stdin: refused, nothing created.
    assert (
        run(
            ["users", "create", "boss", "--role", "office_admin", "--db", url],
            monkeypatch=monkeypatch,
        )
        == 1
    )
    assert "--password-stdin" in capsys.readouterr().err
    assert (
        run(
            ["users", "create", "boss", "--role", "office_admin", "--password-stdin", "--db", url],
            stdin="short\n",
            monkeypatch=monkeypatch,
        )
        == 1
    )
    assert "at least 10" in capsys.readouterr().err
    assert (
        run(
            ["users", "create", "Boss", "--role", "office_admin", "--password-stdin", "--db", url],
            stdin="a long secret phrase\n",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    assert run(["units", "add", "SAMR", "市市场监管局", "--db", url], monkeypatch=monkeypatch) == 0
    assert (
        run(
            [
                "users",
                "create",
                "samr",
                "--role",
                "unit_editor",
                "--unit",
                "SAMR",
                "--password-stdin",
                "--db",
                url,
            ],
            stdin="another long one\n",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    assert (
        run(
            ["users", "create", "xy", "--role", "unit_editor", "--password-stdin", "--db", url],
            stdin="another long one\n",
            monkeypatch=monkeypatch,
        )
        == 1
    )
    assert "unit editor must belong to a unit" in capsys.readouterr().err
    assert run(["users", "list", "--db", url], monkeypatch=monkeypatch) == 0
    out = capsys.readouterr().out
    assert "boss\toffice_admin\t-" in out and "samr\tunit_editor\t市市场监管局" in out
    db = open_db(url)
    with db.read() as s:
        boss = s.scalar(select(User).where(User.username == "boss"))
        assert boss is not None and auth.verify_password(boss.password_hash, "a long secret phrase")
    assert (
        auth.authenticate(db, "boss", "a long secret phrase", client="cli").role == "office_admin"
    )
    db.dispose()


def test_demo_supervise_export_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from argon2 import PasswordHasher

    monkeypatch.setattr(
        auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)
    )
    url = f"sqlite:///{tmp_path / 'ws.sqlite'}"
    assert (
        run(
            ["workspace", "seed-demo", "--today", "2023-09-15", "--db", url],
            monkeypatch=monkeypatch,
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "units 40" in out and "tasks 60" in out and "office_admin" in out
    assert (
        run(
            ["workspace", "supervise", "--today", "2023-09-16", "--db", url],
            monkeypatch=monkeypatch,
        )
        == 0
    )
    assert "new notices" in capsys.readouterr().out
    xlsx = tmp_path / "wp.xlsx"
    assert (
        run(
            ["workspace", "export-tasks", "--work-plan", "WP2023", "-o", str(xlsx), "--db", url],
            monkeypatch=monkeypatch,
        )
        == 0
    )
    assert (
        run(
            ["workspace", "import-tasks", str(xlsx), "--work-plan", "WP2023", "--db", url],
            monkeypatch=monkeypatch,
        )
        == 0
    )
    assert "60 rows: 0 created, 0 updated, 60 unchanged" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("重点任务,牵头单位,完成时限\n新任务,市外星局,明年\n", encoding="utf-8")
    bad_import = ["workspace", "import-tasks", str(bad), "--work-plan", "WP2023", "--db", url]
    assert run(bad_import, monkeypatch=monkeypatch) == 1
    err = capsys.readouterr().err  # the CLI's language: English by default
    assert "Row 2, " in err and "第2行" not in err
    monkeypatch.setenv("IPCITY_CLI_LANG", "zh")
    assert run(bad_import, monkeypatch=monkeypatch) == 1
    err = capsys.readouterr().err
    assert "第2行 牵头单位" in err and "第2行 完成时限" in err
    monkeypatch.delenv("IPCITY_CLI_LANG")
    # The office's 序号 sheet with a dry run: what it would do, nothing written (the demo's
    # aliases resolve 市高院 and 市金融办).
    xuhao = tmp_path / "xuhao.csv"
    xuhao.write_text(
        "序号,重点任务,牵头单位,配合单位,完成时限\n"
        "1,开展知识产权宣传周活动,市委宣传部,市文旅局,4月底\n"
        "2,推进知识产权质押融资,市金融办,市高院,2025年6月\n",
        encoding="utf-8",
    )
    args = ["workspace", "import-tasks", str(xuhao), "--work-plan", "WP2023", "--db", url]
    assert run([*args, "--dry-run"], monkeypatch=monkeypatch) == 0
    captured = capsys.readouterr()
    assert "add 2023-061: 开展知识产权宣传周活动" in captured.out
    assert "dry run: 2 to add, 0 to change, 0 unchanged; nothing was written" in captured.out
    assert "outside the plan year 2023" in captured.err
    assert run(args, monkeypatch=monkeypatch) == 0
    assert "2 rows: 2 created, 0 updated" in capsys.readouterr().out
    audit = tmp_path / "audit.csv"
    assert (
        run(["workspace", "audit-export", "-o", str(audit), "--db", url], monkeypatch=monkeypatch)
        == 0
    )
    assert audit.read_bytes().startswith("\ufeffid,at,".encode())
    assert (
        run(
            [
                "workspace",
                "export-targets",
                "--plan",
                "FYP14",
                "-o",
                str(tmp_path / "t.csv"),
                "--db",
                url,
            ],
            monkeypatch=monkeypatch,
        )
        == 0
    )
    assert run(["db", "current", "--db", url], monkeypatch=monkeypatch) == 0
    assert f"current: {head_revision()}" in capsys.readouterr().out
