"""The SEI concordance (definition version 2): patterns by IPC level, exclusions, keyword
qualifiers, full-width input, the shipped transcription, the sei_branch breakdown; and that
version 1's character-prefix matching is unchanged. Pinned patent by patent on both engines."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from ipcity.errors import InputError
from ipcity.indicators import DefinitionConfig, IndicatorResult, compute, sei
from ipcity.indicators.config import sei_table_text
from ipcity.warehouse.store import Warehouse
from tests.support.indicator_helpers import build_warehouse, patent

HV = "high_value_invention_patents"
# Only the SEI criterion: the other four never hold for these patents (filed 2014, no
# family abroad, no pledge, no award, years before 2024).
SEI_ONLY = {"family": False, "maintained": False, "pledge": False, "award": False}


def _cfg(**changes: Any) -> DefinitionConfig:
    return DefinitionConfig.default().with_changes(**(SEI_ONLY | changes))


def _p(pid: str, ipc: str | None) -> tuple[Any, ...]:
    return patent(pid, "2014-03-01", "2015-06-01", ipc=ipc)


def _warehouse(
    directory: Path,
    patents: list[tuple[Any, ...]],
    concordance: Sequence[tuple[str, str, str | None, str | None, str | None]] = (),
    titles: dict[str, str] | None = None,
) -> Warehouse:
    """Each patent owned in its own district 3101NN (NN = position); ``concordance`` rows are
    (ipc cell, branch code, branch name, exclusions, keywords) as the CNIPA table writes them."""
    codes = {p[0]: f"3101{i:02d}" for i, p in enumerate(patents, start=1)}
    wh = build_warehouse(
        directory, patents=patents, parties=[(pid, "owner", 1, "CN", c) for pid, c in codes.items()]
    )
    if concordance:
        wh.con.executemany(
            "INSERT INTO sei_concordance (ipc_prefix, category, branch_name, exclusions, keywords)"
            " VALUES (?, ?, ?, ?, ?)",
            list(concordance),
        )
    for pid, title in (titles or {}).items():
        wh.con.execute("UPDATE patents SET title = ? WHERE patent_id = ?", [title, pid])
    return wh


def _counted(r: IndicatorResult, year: int = 2016) -> set[str]:
    """Districts (= patents) counted as high-value at the end of ``year``."""
    return {
        row["region_code"]
        for row in r.table.to_pylist()
        if row["indicator"] == HV and row["year"] == year and row["value"]
    }


def _run(wh: Warehouse, engine: str, **cfg: Any) -> IndicatorResult:
    return compute(wh, [HV], years=[2016], by=["region_code"], engine=engine, config=_cfg(**cfg))


# --------------------------------------------------------------------------- the shipped table
def test_packaged_transcription_loads_without_shared_data() -> None:
    c = sei.shipped(DefinitionConfig.default())
    assert c.summary() | {"table": None} == {
        "table": None,
        "source": "shipped",
        "matching": "IPC level (class, subclass, main group, exact subgroup)",
        "branches": 40,
        "patterns": 1689,
        "exclusions": 983,
        "keyword_rows": 1486,
    }
    assert c.problems == ()
    assert "transcription" in c.name


@pytest.mark.shared
def test_packaged_copy_is_the_shared_transcription(shared_data: Path) -> None:
    path = shared_data / "reference" / "sei-ipc-concordance-2021.csv"
    if not path.exists():
        pytest.skip(f"{path} is absent: cannot compare the packaged copy with it")
    text = path.read_text(encoding="utf-8")
    assert text == sei_table_text("cnipa-2021-transcription")
    rows = list(csv.DictReader(text.splitlines()))
    loaded = sei.load_csv(text)
    assert len({r["branch_code"] for r in rows}) == 40 == loaded.summary()["branches"]
    assert len(rows) == 1689 == loaded.summary()["patterns"]
    assert loaded.summary()["exclusions"] == 983


def test_unknown_table_or_rule_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="unknown sei_table"):
        DefinitionConfig.default().with_changes(sei_table="cnipa-2030")
    with pytest.raises(InputError, match="unknown sei_keyword_rule"):
        DefinitionConfig.default().with_changes(sei_keyword_rule="abstract")


# --------------------------------------------------------------------------- on the engines
def test_main_group_wildcard_is_not_a_character_prefix(tmp_path: Path, engine: str) -> None:
    wh = _warehouse(
        tmp_path,
        [_p("P1", "G06F30/20"), _p("P2", "G06F3/01"), _p("P3", "G06F 3/0488;A01B1/00")],
        [("G06F3*", "1.1", "下一代信息网络产业", None, None)],
    )
    r = _run(wh, engine)
    assert _counted(r) == {"310102", "310103"}  # G06F30/20 is not under G06F 3/
    assert r.meta["definition"]["sei_concordance"]["source"] == "warehouse"
    assert not any("transcription" in w for w in r.meta["warnings"])
    # Version 1's character prefix reproduces the old figure: G06F3 also takes G06F30/20.
    legacy = _run(wh, engine, sei_table="ai-subset-v1")
    assert _counted(legacy) == {"310101", "310102", "310103"}


def test_exclusions_apply_exactly(tmp_path: Path, engine: str) -> None:
    wh = _warehouse(
        tmp_path,
        [
            _p("P1", "H04B7/14"),  # excluded subgroup
            _p("P2", "H04B7/145"),  # a different subgroup: the exclusion is exact
            _p("P3", "H04B7/26"),  # excluded by a main-group exclusion? no: H04B1* only
            _p("P4", "H04B1/40"),  # under the excluded main group H04B1*
            _p("P5", "H04B7/14;H04B5/00"),  # one excluded symbol, one matching
        ],
        [("H04B*", "1.1", "下一代信息网络产业", "H04B7/14;H04B1*", None)],
    )
    assert _counted(_run(wh, engine)) == {"310102", "310103", "310105"}


def test_subgroup_pattern_is_exact(tmp_path: Path, engine: str) -> None:
    wh = _warehouse(
        tmp_path,
        [
            _p("P1", "A61B5/0476"),
            _p("P2", "A61B5/04762"),  # a longer number: another subgroup
            _p("P3", "A61B5/047"),
            _p("P4", "A61B 5/047600"),  # padded as some exports write it
            _p("P5", "A61B5/0478;G06N3/063"),
        ],
        [
            ("A61B5/0476", "1.5", "人工智能", None, None),
            ("G06N3/063", "1.5", "人工智能", None, None),
        ],
    )
    assert _counted(_run(wh, engine)) == {"310101", "310104", "310105"}


def test_symbol_listed_as_pattern_and_as_exclusion(tmp_path: Path, engine: str) -> None:
    # The transcription's 1.1: H04B7* excluding H04B7/14, and H04B7/14 as its own pattern.
    wh = _warehouse(
        tmp_path,
        [_p("P1", "H04B7/14"), _p("P2", "H04B7/15")],
        [
            ("H04B7*", "1.1", "下一代信息网络产业", "H04B7/14;H04B7/15", None),
            ("H04B7/14", "1.1", "下一代信息网络产业", None, None),
        ],
    )
    assert _counted(_run(wh, engine)) == {"310101"}


def test_keyword_rows_under_each_rule(tmp_path: Path, engine: str) -> None:
    rows = [
        ("A61B5*", "4.2", "生物医学工程产业", None, "脑电;医疗机器人"),
        ("B60L*", "5.1", "新能源汽车整车制造", None, "不包含非机动车"),
        ("C01F17*", "3.2", "先进有色金属材料", None, "稀土相关关键词"),
        ("G16H*", "1.5", "人工智能", None, None),  # IPC-only row: no title needed
    ]
    wh = _warehouse(
        tmp_path,
        [
            _p("P1", "A61B5/0476"),  # title has 脑电
            _p("P2", "A61B5/0476"),  # title without a keyword
            _p("P3", "A61B5/0476"),  # no title
            _p("P4", "B60L50/60"),  # negative qualifier, title clean
            _p("P5", "B60L50/60"),  # title names a 非机动车
            _p("P6", "C01F17/10"),  # placeholder 稀土相关关键词 -> 稀土
            _p("P7", "G16H50/20"),
        ],
        rows,
        titles={
            "P1": "一种脑电信号采集装置",
            "P2": "一种血压计",
            "P4": "电动汽车的电池管理系统",
            "P5": "非机动车用电机",
            "P6": "稀土元素的分离方法",
        },
    )
    by_title = _run(wh, engine, sei_keyword_rule="title")
    assert _counted(by_title) == {"310101", "310104", "310106", "310107"}
    assert by_title.meta["definition"]["sei_concordance"]["keyword_rule"] == "title"
    ipc_only = _run(wh, engine)  # the default: keywords describe, the IPC decides
    assert _counted(ipc_only) == {f"3101{i:02d}" for i in range(1, 8)}


def test_fullwidth_table_cells(tmp_path: Path, engine: str) -> None:
    wh = _warehouse(
        tmp_path,
        [_p("P1", "G06N3/04"), _p("P2", "G06N3/08"), _p("P3", "Ｇ06N 3/063")],
        [("Ｇ０６Ｎ３＊（不含Ｇ０６Ｎ３／０８）", "１．５", "人工智能", None, None)],
    )
    r = compute(
        wh,
        [HV],
        years=[2016],
        by=["sei_branch"],
        engine=engine,
        config=_cfg(sei_keyword_rule="ipc"),
    )
    # P1 and P3 (full-width in the data too); P2 excluded
    assert {row["sei_branch"]: row["value"] for row in r.table.to_pylist()} == {"1.5 人工智能": 2.0}


def test_sei_branch_counts_a_patent_in_each_branch(tmp_path: Path, engine: str) -> None:
    wh = _warehouse(
        tmp_path,
        [
            patent("P1", "2014-03-01", "2015-06-01", ipc="G06N3/04;H01M10/052"),
            patent("P2", "2014-03-01", "2015-06-01", ipc="H01M10/052", family_countries="CN;US"),
            patent("P3", "2014-03-01", "2015-06-01", ipc="A01B1/00", family_countries="CN;EP"),
            patent("P4", "2014-03-01", "2015-06-01", ipc="A01B1/00"),
        ],
        [
            ("G06N3*", "1.5", "人工智能", None, None),
            ("H01M10*", "5.2", "新能源汽车装置、配件制造", None, None),
        ],
    )
    r = compute(
        wh,
        [HV, "invention_patents_in_force"],
        years=[2016],
        by=["sei_branch"],
        engine=engine,
    )
    got = {(row["indicator"], row["sei_branch"]): row["value"] for row in r.table.to_pylist()}
    assert got == {
        (HV, "1.5 人工智能"): 1.0,  # P1
        (HV, "5.2 新能源汽车装置、配件制造"): 2.0,  # P1 again, and P2
        (HV, None): 1.0,  # P3: high-value by its family, in no branch
        ("invention_patents_in_force", "1.5 人工智能"): 1.0,
        ("invention_patents_in_force", "5.2 新能源汽车装置、配件制造"): 2.0,
        ("invention_patents_in_force", None): 2.0,
    }


def test_shipped_transcription_on_the_engines(tmp_path: Path, engine: str) -> None:
    wh = _warehouse(
        tmp_path,
        [
            _p("P1", "G06F30/20"),  # 1.3 (G06F30*), not 1.1's G06F3*
            _p("P2", "G06F3/02"),  # 1.1 (G06F3*, not among its exclusions)
            _p("P3", "G06F3/01"),  # excluded from 1.1's G06F3*, its own row in 1.5
            _p("P4", "A47J27/00"),  # in no branch (a cooking vessel)
        ],
    )
    r = compute(
        wh,
        [HV],
        years=[2016],
        by=["sei_branch"],
        engine=engine,
        config=_cfg(sei_keyword_rule="ipc"),
    )
    got = {row["sei_branch"]: row["value"] for row in r.table.to_pylist()}
    assert got == {
        "1.3 新兴软件和新型信息技术服务": 1.0,
        "1.1 下一代信息网络产业": 1.0,
        "1.5 人工智能": 1.0,
    }
    meta = r.meta["definition"]["sei_concordance"]
    assert (meta["source"], meta["patterns"], meta["exclusions"]) == ("shipped", 1689, 983)
    assert any("check it against the official table" in w for w in r.meta["warnings"])


# --------------------------------------------------------------------------- loading a table
def test_ingest_the_transcription_layout(tmp_path: Path) -> None:
    """The user loads a table with ``ipcity ingest``: the transcription's own columns."""
    from ipcity.warehouse.ingest import ingest

    path = tmp_path / "sei_concordance.csv"
    path.write_text(sei_table_text("cnipa-2021-transcription"), encoding="utf-8")
    wh = _warehouse(tmp_path / "wh", [_p("P1", "G06F30/20"), _p("P2", "A47J27/00")])
    report = ingest(wh, [path])
    assert report.files[0].loaded == 1689, report.as_json()
    r = compute(wh, [HV], years=[2016], by=["sei_branch"], config=_cfg())
    conc = r.meta["definition"]["sei_concordance"]
    assert (conc["source"], conc["branches"], conc["patterns"], conc["exclusions"]) == (
        "warehouse",
        40,
        1689,
        983,
    )
    assert {row["sei_branch"]: row["value"] for row in r.table.to_pylist()} == {
        "1.3 新兴软件和新型信息技术服务": 1.0
    }
    assert not any("transcription" in w for w in r.meta["warnings"])


def test_ingest_the_docx_layout_with_chinese_headers(tmp_path: Path) -> None:
    """One row per table row as in the official docx: several symbols and （不含…） in one cell,
    full-width characters, Chinese headers."""
    from ipcity.warehouse.ingest import ingest

    path = tmp_path / "sei_concordance.csv"
    path.write_text(
        "编号,名称,国际专利分类,关键词\n"
        "1.5,人工智能,"
        '"Ｇ０６Ｎ３＊、G06N 5*（不含G06N3/08、G06N5/04）",\n'
        "5.2,新能源汽车装置、配件制造,H01M10*,动力电池\n",
        encoding="utf-8",
    )
    wh = _warehouse(
        tmp_path / "wh",
        [
            _p("P1", "G06N3/04"),
            _p("P2", "G06N3/08"),  # excluded
            _p("P3", "G06N5/04"),  # excluded
            _p("P4", "G06N5/02"),
            _p("P5", "H01M10/052"),  # keyword row: its title has no 动力电池
        ],
        titles={"P5": "一种锂离子电池"},
    )
    ingest(wh, [path])
    assert _counted(_run(wh, "duckdb")) == {"310101", "310104", "310105"}
    assert _counted(_run(wh, "duckdb", sei_keyword_rule="title")) == {"310101", "310104"}


def test_a_bad_pattern_in_the_loaded_table_is_one_clear_line(tmp_path: Path) -> None:
    wh = _warehouse(
        tmp_path, [_p("P1", "G06N3/04")], [("人工智能G06N", "1.5", "人工智能", None, None)]
    )
    with pytest.raises(InputError, match="is not an IPC symbol or pattern"):
        _run(wh, "duckdb")


def test_a_bad_pattern_is_rejected_on_ingest(tmp_path: Path) -> None:
    from ipcity.warehouse.ingest import ingest

    path = tmp_path / "sei_concordance.csv"
    path.write_text(
        "ipc_pattern,branch_code,exclusions\nG06N3*,1.5,\n人工智能,1.5,\nH04B*,1.1,H04B7/1x\n",
        encoding="utf-8",
    )
    wh = _warehouse(tmp_path / "wh", [_p("P1", "G06N3/04")])
    report = ingest(wh, [path])
    assert report.files[0].rejected == 2
    reasons = [
        r[0] for r in wh.con.execute("SELECT reason FROM rejects ORDER BY reason").fetchall()
    ]
    assert reasons == [
        "SEI concordance: 'H04B7/1X' is not an IPC symbol or pattern (expected e.g. G16*, "
        "G06F*, G06F3*, G16H, A61B5/0476)",
        "SEI concordance: '人工智能' is not an IPC symbol or pattern (expected e.g. G16*, "
        "G06F*, G06F3*, G16H, A61B5/0476)",
    ]
    assert _counted(_run(wh, "duckdb")) == {"310101"}  # the good row loaded
