"""``ipcity clusters``: every output format, on a hand-built warehouse and on the world sample
ingested from its files."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from ipcity.cli import main
from ipcity.clusters.engine import Options, run
from ipcity.clusters.mapview import fragment, static_files
from ipcity.clusters.sample import generate_world_sample
from ipcity.warehouse.ingest import ingest
from ipcity.warehouse.store import Warehouse

ROW_KEYS = {
    "rank",
    "name",
    "countries",
    "pct_share",
    "pub_share",
    "score",
    "pct_weight",
    "pub_weight",
    "previous_rank",
}


@pytest.fixture
def small(make_warehouse: Callable[..., Warehouse], tmp_path: Path) -> Path:
    apps = []
    for year in (2022, 2023):
        apps += [(f"S{year}{i}", year, [("310115", None, None, None, None)]) for i in range(3)]
        apps += [(f"B{year}{i}", year, [("110108", None, None, None, None)]) for i in range(2)]
        apps.append((f"T{year}", year, [(None, "Tokyo, JP", "JP", None, None)]))
        apps.append((f"X{year}", year, [(None, "Xyzzyville, FR", "FR", None, None)]))
    wh = make_warehouse(apps)
    wh.close()
    return wh.directory


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["clusters", *args]) == 0
    return capsys.readouterr().out


def test_json_rows_and_meta(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = json.loads(
        cli(
            capsys,
            "--warehouse",
            str(small),
            "--format",
            "json",
            "--window",
            "2023..2023",
            "--min-weight",
            "1",
        )
    )
    assert out["rows"] and all(set(r) >= ROW_KEYS for r in out["rows"])
    names = [r["name"] for r in out["rows"]]
    assert names == ["Shanghai", "Beijing", "Tokyo"]  # 3, 2, 1 of 7 applications
    assert [r["previous_rank"] for r in out["rows"]] == [1, 2, 3]
    meta = out["meta"]
    assert meta["window"] == "2023..2023" and meta["previous_window"] == "2022..2022"
    assert meta["radius_km"] == 15 and meta["min_weight"] == "1"
    # 7 records, 6 located; the French one is kept with its reason.
    assert meta["geocoding"]["records"] == 7 and meta["geocoding"]["located"] == 6
    assert meta["geocoding"]["unmatched_by_reason"] == {"not_found": {"records": 1, "weight": 1.0}}
    assert out["unmatched"] == [
        {
            "reason": "not_found",
            "address": "Xyzzyville, FR",
            "country": "FR",
            "region_code": None,
            "records": 1,
            "pct_weight": 1.0,
            "pub_weight": 0.0,
        }
    ]
    assert out["city"]["cluster_rank"] == 1


def test_csv_table_html_png_and_unmatched(
    small: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    base = ["--warehouse", str(small), "--window", "2023..2023", "--min-weight", "1"]
    rows = list(csv.DictReader(io.StringIO(cli(capsys, *base, "--format", "csv"))))
    assert [r["name"] for r in rows] == ["Shanghai", "Beijing", "Tokyo"]
    assert set(rows[0]) >= ROW_KEYS
    assert rows[0]["pct_share"] == "42.8571"  # 3 of 7
    table = cli(capsys, *base, "--merge", "Beijing+Tokyo", "--top", "2")
    assert "Shanghai" in table and "What if" in table and "not_found" in table
    page = tmp_path / "c.html"
    png = tmp_path / "c.png"
    unmatched = tmp_path / "u.csv"
    cli(
        capsys,
        *base,
        "--format",
        "html",
        "-o",
        str(page),
        "--png",
        str(png),
        "--unmatched",
        str(unmatched),
    )
    text = page.read_text(encoding="utf-8")
    assert "ipc-clusters-map" in text and "Shanghai" in text
    # Self-contained: no script, style or data is loaded from anywhere else.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)
    assert "fetch(" in text  # the script can fetch outlines, but the page inlines them:
    assert 'class="ipc-map-outline"' in text
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (
        unmatched.read_text(encoding="utf-8").splitlines()[1]
        == 'not_found,"Xyzzyville, FR",FR,,1,1.0,0.0'
    )


def test_bad_options_are_one_line_errors(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clusters", "--warehouse", str(small), "--format", "xml"]) == 1
    assert "--format" in capsys.readouterr().err
    assert main(["clusters", "--warehouse", str(small), "--window", "soon"]) == 1
    assert main(["clusters", "--warehouse", str(small), "--merge", "Shanghai"]) == 1
    assert main(["clusters", "--warehouse", str(small / "nope")]) == 1


def test_web_fragment_uses_local_assets(small: Path) -> None:
    with Warehouse(small, read_only=True) as wh:
        rep = run(wh, Options(min_weight="1"))
    html = fragment(rep, static_url="/static/clusters")
    assert 'src="/static/clusters/clusters-map.js"' in html
    assert 'data-outline-url="/static/clusters/world-50m.json"' in html
    assert "http" not in html
    assert sorted(p.name for p in static_files()) == [
        "clusters-map.css",
        "clusters-map.js",
        "world-50m.json",
    ]
    assert all(p.is_file() for p in static_files())


def test_world_sample_ingested_from_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = generate_world_sample(tmp_path / "files", scale=0.1, seed=7)
    assert summary.applications == 3000
    with Warehouse(tmp_path / "wh") as wh:
        report = ingest(wh, [tmp_path / "files"])
        assert report.ok
        assert wh.count("patents") == 3000 and wh.count("parties") == summary.inventor_records
    out = json.loads(cli(capsys, "--warehouse", str(tmp_path / "wh"), "--format", "json"))
    assert out["meta"]["window"] == "2019..2023"
    assert out["meta"]["geocoding"]["rate"] > 0.95
    names = [r["name"] for r in out["rows"][:3]]
    assert any(n.startswith("Tokyo") for n in names)
    assert out["city"]["cluster_name"] is not None and "Shanghai" in out["city"]["cluster_name"]
