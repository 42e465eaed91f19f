"""Small-count suppression: primary (< 5, zero included) and secondary (no line with exactly
one unknown), checked by hand and as properties."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
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


def _check_rules(counts: list[list[int]], n_cols: int, min_count: int = 5) -> None:
    """The suppression rules on the full matrix: nothing under min_count shown, everything
    under it primary, and no line (a row or a column with its total) with exactly one
    unknown, except an empty line's own total (0 by definition, nothing to work back)."""
    hidden, primary = suppression_mask(counts, n_cols=n_cols, min_count=min_count)
    n_rows = len(counts)
    full = [[*r, sum(r)] for r in counts]
    full.append([sum(counts[i][j] for i in range(n_rows)) for j in range(n_cols)])
    full[-1].append(sum(full[-1]))
    assert len(hidden) == n_rows + 1 and all(len(r) == n_cols + 1 for r in hidden)
    for i in range(n_rows + 1):
        for j in range(n_cols + 1):
            assert hidden[i][j] or full[i][j] >= min_count
            assert primary[i][j] == (full[i][j] < min_count)
    if n_cols:
        for i in range(n_rows + 1):
            assert sum(hidden[i]) != 1
    if n_rows:
        for j in range(n_cols + 1):
            assert sum(hidden[i][j] for i in range(n_rows + 1)) != 1


def _in_thread(fn: Callable[[], object]) -> object:
    """Run fn with a guard: a non-terminating loop fails the test instead of hanging the
    suite (the guard is generous; this is not a speed check)."""
    out: list[object] = []
    worker = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "suppression_mask did not terminate"
    return out[0]


@pytest.mark.timeout(120)
def test_empty_table_terminates() -> None:
    # Issue 10: no rows (a year without cases, a city without districts) looped for ever,
    # because a line without parts kept "hiding" its already hidden total.
    assert _in_thread(lambda: suppression_mask([])) == ([[True]], [[True]])
    hidden, _primary = suppression_mask([], n_cols=3)
    assert hidden == [[True, True, True, True]]
    t = public_table([], row_keys=[], row_labels=[], col_keys=["x", "y"], col_labels=["X", "Y"])
    assert t.cells == () and [c.value for c in t.col_totals] == [None, None]
    assert t.total.suppressed and t.as_dict()["rows"] == []


def test_rows_without_columns_terminate() -> None:
    hidden, _primary = suppression_mask([[], []])
    assert hidden == [[True], [True], [True]]


def test_public_table_refuses_mismatched_labels() -> None:
    with pytest.raises(ValueError, match="one key and one label"):
        public_table([[1]], row_keys=[], row_labels=[], col_keys=["x"], col_labels=["X"])


_shapes = st.tuples(st.integers(0, 6), st.integers(0, 5))


@settings(max_examples=300, deadline=None)
@given(
    _shapes.flatmap(
        lambda rc: st.tuples(
            st.just(rc[1]),
            st.lists(
                st.lists(st.integers(0, 30), min_size=rc[1], max_size=rc[1]),
                min_size=rc[0],
                max_size=rc[0],
            ),
        )
    )
)
def test_properties_random_tables(shape_counts: tuple[int, list[list[int]]]) -> None:
    n_cols, counts = shape_counts
    _check_rules(counts, n_cols)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=0, max_size=8))
def test_properties_one_row(row: list[int]) -> None:
    _check_rules([row], len(row))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=0, max_size=8))
def test_properties_one_column(column: list[int]) -> None:
    _check_rules([[v] for v in column], 1)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(0, 4), min_size=cols, max_size=cols), min_size=0, max_size=6
        ).map(lambda rows: (cols, rows))
    )
)
def test_properties_all_small(cols_rows: tuple[int, list[list[int]]]) -> None:
    cols, rows = cols_rows
    _check_rules(rows, cols)
    hidden, _p = suppression_mask(rows, n_cols=cols)
    # every cell is under 5: every cell and every margin under 5 is hidden
    assert all(hidden[i][j] for i in range(len(rows)) for j in range(cols))


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(0, 200), min_size=cols, max_size=cols), min_size=1, max_size=5
        )
    ),
    st.integers(1, 20),
)
def test_properties_any_threshold(counts: list[list[int]], min_count: int) -> None:
    _check_rules(counts, len(counts[0]), min_count=min_count)
