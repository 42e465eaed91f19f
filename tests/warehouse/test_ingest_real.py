"""The real USPTO and CNIPA samples in ../shared/data/real: every document is accounted for and
the indicators on them equal values counted independently from the files.

The expected numbers are counted from the raw bytes (document declarations, root elements,
``appl-type`` attributes), not with the readers, and the per-year grant dates come from the
weekly file names (USPTO publishes each Tuesday's grants in ipgYYMMDD)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from ipcity.cli import main
from ipcity.indicators import compute
from ipcity.warehouse.store import Warehouse

pytestmark = pytest.mark.shared


def _ingest_json(shared_data: Path, wh_dir: Path, capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    rc = main(
        [
            "ingest",
            str(shared_data / "real" / "uspto-grant-xml"),
            str(shared_data / "real" / "cnipa-xml"),
            "--warehouse",
            str(wh_dir),
            "--format",
            "json",
        ]
    )
    assert rc == 0
    out: dict = json.loads(capsys.readouterr().out)  # type: ignore[type-arg]
    return out


def uspto_counts(path: Path) -> dict[str, int]:
    data = path.read_bytes()
    return {
        "documents": len(re.findall(rb"<\?xml version", data)),
        "grants": data.count(b"<us-patent-grant"),
        "sequence_listings": data.count(b"<sequence-cwu"),
        "utility": data.count(b'appl-type="utility"'),
        "design": data.count(b'appl-type="design"'),
        "plant": data.count(b'appl-type="plant"'),
    }


def grant_year(path: Path) -> int:
    m = re.match(r"ipg(\d\d)\d{4}", path.name)
    if m:
        return 2000 + int(m.group(1))
    # single-grant files: the date in the publication reference
    text = path.read_text(encoding="utf-8")
    pub = re.search(r"<publication-reference>.*?<date>(\d{4})\d{4}</date>", text, re.S)
    assert pub
    return int(pub.group(1))


def test_every_document_accounted_and_indicators_match(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _ingest_json(shared_data, tmp_path, capsys)
    files = {Path(f["path"]).name: f for f in doc["files"]}
    uspto = sorted((shared_data / "real" / "uspto-grant-xml").glob("*.xml"))
    cnipa = sorted((shared_data / "real" / "cnipa-xml").glob("*.xml"))
    assert set(files) == {p.name for p in uspto + cnipa}

    granted: Counter[int] = Counter()
    inventions: Counter[int] = Counter()
    designs: Counter[int] = Counter()
    for p in uspto:
        c = uspto_counts(p)
        f = files[p.name]
        assert f["read"] == c["documents"] == f["loaded"] + f["rejected"] + f["skipped"]
        assert f["loaded"] == c["grants"]
        assert f["skipped"] == c["sequence_listings"]
        assert f["rejected"] == 0
        year = grant_year(p)
        granted[year] += c["grants"]
        inventions[year] += c["utility"]
        designs[year] += c["design"]
    for p in cnipa:  # each CNIPA sample file is one publication
        f = files[p.name]
        assert (f["read"], f["loaded"], f["rejected"], f["skipped"]) == (1, 1, 0, 0)

    # Hand check of the independent counts (grep of the files):
    # 2006 = 22 utility + 2 design + 1 SIR; 2007 = 25 weekly + US07272630B2; 2015 = 3 singles.
    assert granted[2006] == 25 and inventions[2006] == 22 and designs[2006] == 2
    assert granted[2007] == 26 and granted[2015] == 3

    with Warehouse(tmp_path, read_only=True) as wh:
        years = sorted(granted)
        wanted = ["patents_granted", "invention_patents_granted", "designs_granted"]
        # Definition 1 counted every grant of every office but WO (SIR and plants included).
        res = compute(wh, indicators=wanted, years=years, definition="1")
        got = {(r["indicator"], r["year"]): r["value"] for r in res.table.to_pylist()}
        for y in years:
            assert got[("patents_granted", y)] == granted[y], y
            assert got[("invention_patents_granted", y)] == inventions[y], y
            assert got[("designs_granted", y)] == designs[y], y
        # Definition 2 counts one office (CN by default: these USPTO grants are not in it) and
        # only invention + utility model + design (plants and SIR out).
        cn = compute(wh, indicators=["patents_granted"], years=years)
        assert all(r["value"] == 0 for r in cn.table.to_pylist())
        us = compute(wh, indicators=wanted, years=years, office="US")
        got = {(r["indicator"], r["year"]): r["value"] for r in us.table.to_pylist()}
        for y in years:
            assert got[("patents_granted", y)] == inventions[y] + designs[y], y
            assert got[("invention_patents_granted", y)] == inventions[y], y

        # CNIPA applications by the first applicant's region, read by hand from the files:
        # 2014: 云南中烟 (昆明五华区 530102), 叶建鑫 (温州瓯海区 330304), 日本新药 (JP),
        #       可隆科技特 (KR); 2017: 三星显示 (KR; a divisional keeps the parent's 2017 date);
        # 2021: 浙商银行 (杭州萧山区 330109), 阿堤亚制药 (US).
        def apps(region: str, year: int) -> float:
            r = compute(wh, indicators=["patent_applications"], years=[year], region=region)
            return float(r.table.to_pylist()[0]["value"])

        assert apps("530000", 2014) == 1
        assert apps("330000", 2014) == 1
        assert apps("330000", 2021) == 1
        assert apps("330100", 2021) == 1  # Hangzhou contains Xiaoshan
        assert apps("CN", 2014) == 2
        assert apps("KR", 2014) == 1
        assert apps("KR", 2017) == 1
        assert apps("JP", 2014) == 1


def test_reingesting_the_samples_changes_nothing(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _ingest_json(shared_data, tmp_path, capsys)
    with Warehouse(tmp_path, read_only=True) as wh:
        before = (wh.count("patents"), wh.count("parties"))
    again = _ingest_json(shared_data, tmp_path, capsys)
    assert {f["status"] for f in again["files"]} == {"unchanged"}
    with Warehouse(tmp_path, read_only=True) as wh:
        assert (wh.count("patents"), wh.count("parties")) == before
        dup = wh.con.execute(
            "SELECT count(*) - count(DISTINCT (patent_id, role, sequence)) FROM parties"
        ).fetchall()
        assert dup == [(0,)]
