"""The SEI concordance table's cells as CNIPA writes them: IPC patterns by level, exclusions,
keyword qualifiers, full-width input. Matching on the engines: tests/indicators/test_sei.py."""

from __future__ import annotations

import pytest

from ipcity.errors import InputError
from ipcity.sources.ipc import Keywords, parse_symbol, rows_from_cells


def test_pattern_levels() -> None:
    s = parse_symbol
    assert (s("G16*").level, s("G16*").key) == ("class", "G16")
    assert (s("G06F*").level, s("G06F*").key) == ("subclass", "G06F")
    assert (s("G06F3*").level, s("G06F3*").key) == ("group", "G06F3")
    assert (s("G16H").level, s("H03M13").level) == ("subclass", "group")  # bare levels
    assert (s("A61B5/0476").level, s("A61B5/0476").key) == ("subgroup", "A61B5/0476")
    assert s("G06F 3/010000").key == "G06F3/01"  # spaces, padded subgroup
    assert s("Ｇ０６Ｆ３＊").key == "G06F3"  # full-width
    assert s("g06f0003/01").key == "G06F3/01"  # lower case, zero-padded main group
    with pytest.raises(InputError, match="not an IPC symbol"):
        s("G06F3/01/02")


def test_cnipa_cell_with_exclusions_and_fullwidth() -> None:
    rows, problems = rows_from_cells(
        [
            {
                "branch": "1.1 下一代信息网络产业",
                "ipc": "Ｇ０６Ｆ３＊、H04B7* （不含 H04B7/14、G06F3/01）",
                "keywords": "计算机整机制造；可穿戴智能设备制造",
            }
        ]
    )
    assert problems == []
    assert [(r.pattern.key, [e.key for e in r.exclusions]) for r in rows] == [
        ("G06F3", ["G06F3/01"]),
        ("H04B7", ["H04B7/14"]),
    ]
    assert rows[0].keywords.positive == ("计算机整机制造", "可穿戴智能设备制造")


def test_keyword_terms() -> None:
    k = Keywords.parse("平行链、中继链、以太币等区块链相关关键词;不包括航天相关设备制造")
    assert k.positive == ("平行链", "中继链", "以太币", "区块链")
    assert k.negative == ("航天相关设备制造",)
