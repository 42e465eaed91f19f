"""The CLI: ipcity cases import/export, ipcity protection indicators/assess/public."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipcity import cli

SHEET = (
    "案号,案件类型,知识产权类型,收案日期,结案日期,处理结果,当事人\n"
    "A-1,民事,专利,2023-01-05,2023-01-25,支持,张三丰\n"
    "A-2,调解,商标,2023-02-01,2023-02-04,调解成功,李四\n"
    "A-3,调解,商标,2023-03-01,,,王五\n"
)


def test_cli_round(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'ws.sqlite'}"
    assert cli.main(["units", "add", "COURT", "市高级人民法院", "--db", url]) == 0
    sheet = tmp_path / "court.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["cases", "import", str(sheet), "--unit", "COURT", "--db", url,
                     "--today", "2024-01-01", "--dry-run"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert (
        "add A-1 (civil, 2023-01-05)" in out and "3 to add" in out and "nothing was written" in out
    )
    assert cli.main(["cases", "import", str(sheet), "--unit", "COURT", "--db", url,
                     "--today", "2024-01-01"]) == 0  # fmt: skip
    assert "3 rows: 3 created" in capsys.readouterr().out  # the dry run wrote nothing
    changed = tmp_path / "changed.csv"
    changed.write_text(
        SHEET.replace("A-3,调解,商标,2023-03-01", "A-3,调解,商标,2023-03-02"), encoding="utf-8"
    )
    assert cli.main(["cases", "import", str(changed), "--unit", "COURT", "--db", url,
                     "--today", "2024-01-01", "--dry-run"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "update A-3: received_on: 2023-03-01 -> 2023-03-02" in out and "1 to change" in out
    assert cli.main(["cases", "import", str(sheet), "--unit", "COURT", "--db", url,
                     "--today", "2024-01-01"]) == 0  # fmt: skip
    assert "3 unchanged" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(SHEET + "A-4,民事,域名,2023-01-05,,,\n", encoding="utf-8")
    assert cli.main(["cases", "import", str(bad), "--unit", "COURT", "--db", url]) == 1
    err = capsys.readouterr().err  # the CLI's language: English by default
    assert "nothing was written" in err and "Row 5, 知识产权类型" in err
    monkeypatch.setenv("IPCITY_CLI_LANG", "zh")
    assert cli.main(["cases", "import", str(bad), "--unit", "COURT", "--db", url]) == 1
    err = capsys.readouterr().err
    assert "未写入任何数据" in err and "第5行 知识产权类型" in err  # header row 1, data rows 2-5
    monkeypatch.delenv("IPCITY_CLI_LANG")

    out = tmp_path / "out.csv"
    assert cli.main(["cases", "export", "-o", str(out), "--db", url]) == 0
    assert "张三丰" in out.read_text(encoding="utf-8-sig")
    assert cli.main(["cases", "export", "-o", str(out), "--masked", "--db", url]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "张三丰" not in text and "张**" in text
    capsys.readouterr()

    assert cli.main(["protection", "indicators", "--year", "2023", "--format", "json",
                     "-i", "cases_received", "-i", "avg_handling_days", "--db", url]) == 0  # fmt: skip
    rows = {r["indicator"]: r["value"] for r in json.loads(capsys.readouterr().out)["rows"]}
    # received 3; closed A-1 (20 days) and A-2 (3 days): mean 11.5
    assert rows == {"protection.cases_received": 3, "protection.avg_handling_days": 11.5}
    assert cli.main(["protection", "indicators", "--year", "2022..2023", "--by", "kind",
                     "--format", "csv", "-i", "cases_received", "--db", url]) == 0  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "indicator,year,kind,value,numerator,denominator"
    assert "protection.cases_received,2023,mediation,2,," in lines
    assert cli.main(["protection", "indicators", "--year", "2023", "--db", url]) == 0
    assert "结案率" in capsys.readouterr().out
    assert cli.main(["protection", "indicators", "--year", "20x3", "--db", url]) == 1
    assert "--year must look like" in capsys.readouterr().err
    assert cli.main(["protection", "indicators", "--year", "2023", "--by", "colour",
                     "--db", url]) == 1  # fmt: skip
    assert "cannot break down by 'colour'" in capsys.readouterr().err

    assert cli.main(["protection", "assess", "--year", "2023", "--as-of", "2023-12-31",
                     "--format", "json", "--db", url]) == 0  # fmt: skip
    result = json.loads(capsys.readouterr().out)
    assert result["city"]["entity"]["code"] == "310000" and result["districts"] == []
    assert cli.main(["protection", "assess", "--year", "2023", "--db", url]) == 0
    assert "全市" in capsys.readouterr().out

    assert cli.main(["protection", "public", "--year", "2023", "--db", url]) == 0
    public = json.loads(capsys.readouterr().out)
    assert all(f["value"] is None for f in public["figures"])  # everything under 5
    assert "张三丰" not in json.dumps(public, ensure_ascii=False)
