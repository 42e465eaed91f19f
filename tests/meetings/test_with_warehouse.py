"""With a real sample-city warehouse: the generated work report is attached to the meeting and
published on the portal, the published headline figures are the engine's figures, and the
commands work end to end."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date

import pytest
import typer
from typer.testing import CliRunner

from ipcity.demo.meetings import seed_meetings_demo
from ipcity.demo.workspace_seed import seed_demo
from ipcity.indicators import compute
from ipcity.meetings.commands import register
from ipcity.meetings.queries import (
    current_headline_snapshot,
    get_material,
    get_publication_file,
    list_materials,
    list_publications,
)
from ipcity.reports.gather import HEADLINE_INDICATORS
from ipcity.warehouse.store import Warehouse
from ipcity.workspace.db import open_db
from ipcity.workspace.permissions import ANONYMOUS, system_actor
from tests.support.sample_warehouse import Demo, ingest_sample_city

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    root = tmp_path_factory.mktemp("meetings-demo")
    ingest_sample_city(root)
    url = f"sqlite:///{root / 'ws.sqlite'}"
    db = open_db(url)
    with Warehouse(root / "wh", read_only=True) as wh, db.write() as s:
        seed_demo(s, today=date(2023, 9, 30))
        out = seed_meetings_demo(s, today=date(2023, 9, 30), warehouse=wh)
    assert out.notes == []
    db.dispose()
    yield Demo(root / "wh", url)


def test_report_attached_and_published(demo: Demo) -> None:
    db = open_db(demo.db)
    with db.read() as s:
        [material] = list_materials(s, system_actor(), 1)
        assert (material.kind, material.report_year, material.report_format) == (
            "work_report",
            2022,
            "docx",
        )
        _, docx = get_material(s, system_actor(), material.id)
        with zipfile.ZipFile(io.BytesIO(docx)) as z:
            body = z.read("word/document.xml").decode("utf-8")
        assert "2022" in body and "主要指标" in body  # the report's first section
        [report] = [p for p in list_publications(s, ANONYMOUS) if p.kind == "work_report"]
        assert [(f.lang, f.format) for f in report.files] == [("zh", "pdf"), ("en", "pdf")]
        for f in report.files:
            _, data = get_publication_file(s, ANONYMOUS, f.id)
            assert data.startswith(b"%PDF")
    db.dispose()


def test_published_figures_are_the_engine_figures(demo: Demo) -> None:
    db = open_db(demo.db)
    with Warehouse(demo.warehouse, read_only=True) as wh:
        result = compute(
            wh,
            indicators=list(HEADLINE_INDICATORS),
            years=[2018, 2019, 2020, 2021, 2022],
            region="310000",
            population_lag=1,
        )
        vintage = wh.vintage().as_dict()
    engine = {(r["indicator"], r["year"]): r["value"] for r in result.table.to_pylist()}
    with db.read() as s:
        snap = current_headline_snapshot(s, ANONYMOUS)
        assert snap is not None
        assert (snap.year, snap.source, snap.population_lag) == (2022, "engine", 1)
        assert snap.definition_version == result.meta["definition_version"]
        assert snap.vintage == vintage
        stored = {(v.indicator, v.year): v.value for v in snap.values}
    assert len(stored) == 8 * 5
    for key, value in stored.items():
        assert value == engine.get(key), key
    assert any(v is not None for v in stored.values())
    db.dispose()


def test_commands(demo: Demo) -> None:
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    res = runner.invoke(app, ["meetings", "list", "--db", demo.db], env={"IPCITY_CLI_LANG": "zh"})
    assert res.exit_code == 0, res.output
    assert "年度（扩大）会议" in res.output and "(决定 3)" in res.output
    res = runner.invoke(app, ["meetings", "list", "--db", demo.db])  # English by default
    assert res.exit_code == 0, res.output
    assert "(3 decisions)" in res.output and "annual (enlarged) meeting" in res.output
    res = runner.invoke(
        app,
        [
            "portal",
            "publish-headline",
            "--year",
            "2021",
            "--years-back",
            "1",
            "--warehouse",
            str(demo.warehouse),
            "--db",
            demo.db,
        ],
    )
    assert res.exit_code == 0, res.output
    assert "of 2021 published (16 values, engine)" in res.output
    res = runner.invoke(
        app,
        [
            "portal",
            "publish-report",
            "--year",
            "2022",
            "--lang",
            "zh",
            "--format",
            "html",
            "--publish",
            "--warehouse",
            str(demo.warehouse),
            "--db",
            demo.db,
        ],
    )
    assert res.exit_code == 0, res.output
    assert "(published): 2022年知识产权工作报告.html" in res.output
    res = runner.invoke(app, ["portal", "list", "--db", demo.db])
    assert res.exit_code == 0, res.output
    assert res.output.count("snapshot ") == 2
