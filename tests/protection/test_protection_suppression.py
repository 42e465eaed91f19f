"""Small-count suppression: primary (< 5, zero included) and secondary (no line with exactly
one unknown), checked by hand and as properties."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ipcity.protection.suppression import public_count, public_table, suppression_mask


def _hidden(counts: list[list[int]]) -> list[list[bool]]:
    return suppression_mask(counts)[0]


def test_two_by_two_by_hand() -> None:
    #       c1  c2 | 13          3 < 5 is hidden; row 1 would give it away (13 - 10),
    #        3  10 | 13          so 10 is hidden too; column 1 (11 - 8) -> 8; column 2
    #        8  12 | 20          (22 - 10 hidden -> 12 would reveal 10) -> 12.
    #       11  22 | 33          Every inner cell is hidden, the margins stay.
    hidden = _hidden([[3, 10], [8, 12]])
    assert hidden == [
        [True, True, False],
        [True, True, False],
        [False, False, False],
    ]


def test_three_by_three_hides_a_rectangle() -> None:
    #  2 20 30 | 52     2 is small; in its row the smallest other is 20; in column 1 the
    # 40  6 50 | 96     smallest other is 40, in column 2 it is 6 -> the 2 x 2 block
    # 60 70  7 | 137    {2, 20, 40, 6} is hidden; 7 (>= 5) and everything else stays.
    hidden = _hidden([[2, 20, 30], [40, 6, 50], [60, 70, 7]])
    assert [(i, j) for i in range(4) for j in range(4) if hidden[i][j]] == [
        (0, 0),
        (0, 1),
        (1, 0),
        (1, 1),
    ]


def test_small_total_spreads_to_the_other_rows() -> None:
    #  1  2 |  3    the whole first row is small (3 is a total under 5); each column would
    # 10 20 | 30    then give its first cell away (11 - 10, 22 - 20), so 10 and 20 go, and
    # 11 22 | 33    the column of row totals (33 - 30) takes 30 with them.
    hidden = _hidden([[1, 2], [10, 20]])
    assert hidden == [
        [True, True, True],
        [True, True, True],
        [False, False, False],
    ]


def test_one_column() -> None:
    # 3 | 3    a row total equals its only cell: hidden with it; the column total (12)
    # 9 | 9    would reveal 3 from 9, so 9 and its row total go too.
    # 12 | 12
    assert _hidden([[3], [9]]) == [[True, True], [True, True], [False, False]]


def test_zero_is_a_count_under_five() -> None:
    assert _hidden([[0, 50], [50, 50]])[0][0]
    assert public_count(4) is None and public_count(5) == 5 and public_count(0) is None


def test_public_table_shapes() -> None:
    t = public_table(
        [[3, 10], [8, 12]],
        row_keys=["a", "b"],
        row_labels=["A", "B"],
        col_keys=["x", "y"],
        col_labels=["X", "Y"],
    )
    assert [c.text() for c in t.cells[0]] == ["*", "*"]
    assert t.cells[0][0].primary and t.cells[0][1].secondary
    assert t.row_totals[0].value == 13 and t.total.value == 33
    d = t.as_dict()
    assert d["rows"][0]["cells"][0] == {"value": None, "suppressed": True, "reason": "small"}
    assert d["rows"][0]["cells"][1]["reason"] == "secondary"
    assert sorted(t.shown_values()) == [11, 13, 20, 22, 33]


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(0, 30), min_size=cols, max_size=cols), min_size=1, max_size=6
        )
    )
)
def test_properties(counts: list[list[int]]) -> None:
    hidden, primary = suppression_mask(counts)
    n_rows, n_cols = len(counts), len(counts[0])
    full = [[*r, sum(r)] for r in counts]
    full.append([sum(counts[i][j] for i in range(n_rows)) for j in range(n_cols)])
    full[-1].append(sum(full[-1]))
    for i in range(n_rows + 1):
        for j in range(n_cols + 1):
            # nothing under 5 is shown; everything under 5 is primary
            assert hidden[i][j] or full[i][j] >= 5
            assert primary[i][j] == (full[i][j] < 5)
    # no line (a row or a column with its total) has exactly one unknown number
    for i in range(n_rows + 1):
        assert sum(hidden[i]) != 1
    for j in range(n_cols + 1):
        assert sum(hidden[i][j] for i in range(n_rows + 1)) != 1
