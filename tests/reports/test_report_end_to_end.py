"""From a sample-city warehouse and the demo workspace to the report: the figures of the
report are the figures ``ipcity indicators`` prints, and the commands work end to end."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from ipcity.cli import main
from ipcity.evaluation.gather import EngineOptions
from ipcity.reports.build import build_report_bytes
from ipcity.reports.gather import gather_report_data
from ipcity.reports.headline import headline_sentence, value_text
from ipcity.warehouse.store import Warehouse
from tests.support.sample_warehouse import Demo, ingest_sample_city

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    from ipcity.demo.workspace_seed import seed_demo
    from ipcity.workspace.db import open_db

    root = tmp_path_factory.mktemp("demo")
    ingest_sample_city(root)
    url = f"sqlite:///{root / 'ws.sqlite'}"
    db = open_db(url)
    with db.write() as s:
        seed_demo(s, today=date(2023, 6, 30))
    db.dispose()
    yield Demo(root / "wh", url)


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    rc = main(args)
    out, err = capsys.readouterr()
    return rc, out, err


def test_report_figures_are_the_indicator_command_figures(
    demo: Demo, capsys: pytest.CaptureFixture[str]
) -> None:
    from ipcity.workspace.db import open_db

    rc, out, _ = _run(
        [
            "indicators",
            "--year",
            "2021..2022",
            "--region",
            "310000",
            "--population-lag",
            "1",
            "--format",
            "json",
            "--warehouse",
            str(demo.warehouse),
        ],
        capsys,
    )
    assert rc == 0
    printed = {(r["indicator"], r["year"]): r["value"] for r in json.loads(out)["rows"]}
    db = open_db(demo.db)
    with Warehouse(demo.warehouse, read_only=True) as wh, db.read() as s:
        data = gather_report_data(wh, s, 2022, options=EngineOptions(population_lag=1))
    db.dispose()
    assert len(data.headline) == 8
    for f in data.headline:
        assert f.value == printed[(f.indicator, 2022)], f.indicator
        assert f.previous == printed[(f.indicator, 2021)], f.indicator
    assert data.figure("pct_applications").change == printed[("pct_applications_growth_pct", 2022)]  # type: ignore[union-attr]
    hv = data.figure("high_value_invention_patents_per_10k")
    assert hv is not None
    assert hv.change == printed[("high_value_invention_patents_per_10k_change", 2022)]
    assert data.notes.command == (
        "ipcity indicators --year 2021..2022 --region 310000 --office CN --population-lag 1 "
        "--format json"
    )
    assert data.notes.population_lag == 1 and data.notes.population_sources
    # 16 districts, named
    hv_districts = next(c for c in data.districts if c.indicator.endswith("per_10k"))
    assert len(hv_districts.rows) == 16
    assert hv_districts.rows[0].name_zh == "黄浦区"
    # the plan covering 2022 and the 2022 (empty) work plans in the demo
    assert data.evaluation is not None and data.evaluation.plan_code == "FYP14"
    assert data.tasks is not None and data.tasks.work_plans == ()
    # the DOCX holds the sentence made of these very numbers
    doc = Document(io.BytesIO(build_report_bytes(data, "zh", "docx")))
    sentence = headline_sentence(data.headline, 2022, "zh")
    assert sentence is not None and sentence in [p.text for p in doc.paragraphs]
    granted = data.figure("patents_granted")
    assert granted is not None and value_text(granted, "zh") in sentence
    # the headline ratio's change explained, and each target's projection (issue 13)
    from ipcity.reports.decomposition import sentence as explained_sentence

    assert data.explained is not None
    texts = [p.text for p in doc.paragraphs]
    assert any(explained_sentence(data.explained.decomposition, "zh") in t for t in texts)
    assert data.projections and len(data.projections) == len(data.evaluation.indicators)
    assert any("目标年预测" in t for t in texts)


def test_report_command(demo: Demo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    common = ["--warehouse", str(demo.warehouse), "--db", demo.db, "--date", "2023-05-10"]
    out = tmp_path / "r.html"
    rc, stdout, err = _run(
        [
            "report",
            "--year",
            "2023",
            "--lang",
            "en",
            "--format",
            "html",
            "-o",
            str(out),
            "--as-of",
            "2023-06-30",
            "--assessment",
            *common,
        ],
        capsys,
    )
    assert rc == 0, err
    assert stdout.strip() == f"wrote {out}"
    html = out.read_text(encoding="utf-8")
    assert "Key tasks" in html and "Assessment of member units and districts" in html
    assert "10 May 2023" in html
    rc, _, err = _run(["report", "--year", "2022", "--lang", "fr", *common], capsys)
    assert rc == 1 and err.strip() == "error: --lang must be zh or en, not 'fr'"
    rc, _, err = _run(["report", "--year", "2022", "--warehouse", str(tmp_path / "none")], capsys)
    assert rc == 1 and err.startswith("error: no warehouse at")


def test_evaluate_command(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    common = ["--warehouse", str(demo.warehouse), "--db", demo.db]
    rc, out, err = _run(
        ["evaluate", "--plan", "FYP14", "--as-of", "2023-06-30", "--format", "json", *common],
        capsys,
    )
    assert rc == 0, err
    doc = json.loads(out)
    assert doc["plan"]["code"] == "FYP14" and doc["as_of"] == "2023-06-30"
    assert doc["thresholds"] == {"ahead": 1.05, "on_track": 0.95}
    assert len(doc["indicators"]) == 7
    for r in doc["indicators"]:
        assert set(r["projection"]) == {"method", "year", "value", "low", "high", "p_meet_target"}
        assert r["projection"]["year"] == r["target_year"]
    assert {r["status"] for r in doc["indicators"]} <= {
        "achieved_early",
        "ahead",
        "on_track",
        "lagging",
        "no_data",
    }
    assert doc["tasks"]["overall"]["total"] == 60
    rc, out, _ = _run(["evaluate", "--plan", "FYP14", "--as-of", "2023-06-30", *common], capsys)
    assert rc == 0 and "Tasks by plan area" in out
    rc, _, err = _run(["evaluate", "--plan", "NOPE", *common], capsys)
    assert rc == 1 and err.startswith("error: no plan 'NOPE' in the workspace (plans: ")
    rc, _, err = _run(["evaluate", "--plan", "FYP14", "--as-of", "30/06/2023", *common], capsys)
    assert rc == 1 and "--as-of must be a date" in err
    rc, _, err = _run(
        ["evaluate", "--plan", "FYP14", "--ahead", "0.9", "--on-track", "0.95", *common], capsys
    )
    assert rc == 1 and "on_track <= ahead" in err


def test_assess_command(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = _run(
        [
            "assess",
            "--year",
            "2023",
            "--as-of",
            "2023-06-30",
            "--format",
            "json",
            "--warehouse",
            str(demo.warehouse),
            "--db",
            demo.db,
        ],
        capsys,
    )
    assert rc == 0, err
    doc = json.loads(out)
    # the demo: the office, 23 municipal units, 16 districts, ranked within their kind
    groups = [s["group"] for s in doc["scores"]]
    assert (groups.count("office"), groups.count("municipal"), groups.count("district")) == (
        1,
        23,
        16,
    )
    assert groups == sorted(groups, key=["office", "municipal", "district"].index)
    districts = [s for s in doc["scores"] if s["group"] == "district"]
    assert len(districts) == 16
    for s in doc["scores"]:
        assert s["score"] == pytest.approx(
            sum(b["points"] for b in s["breakdown"] if b["points"] is not None)
        )
    ranks = [s["rank"] for s in districts]
    assert ranks[0] == 1 and ranks == sorted(ranks)
