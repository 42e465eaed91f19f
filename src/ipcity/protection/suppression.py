"""Small-count suppression for public tables (the portal and public exports).

A public table of case counts (rows x columns, with row totals, column totals and the grand
total) never shows a count under ``min_count`` (default 5), and no suppressed count can be
worked back from the totals:

1. **Primary**: every cell, total or grand total below ``min_count`` is suppressed — zero
   included (the issue's rule is "never a count under 5 in a cell"; a zero is a count).
2. **Secondary**: the table is a set of lines — each row with its row total, each column with
   its column total, the row of column totals with the grand total, the column of row totals
   with the grand total. A line with exactly one unknown (suppressed) number would give it
   away (total minus the others). So while some line has exactly one unknown, the smallest
   shown part of that line is suppressed too (ties: the first); when every part of such a
   line is already hidden (a one-column table), its total is. Repeated until every line has
   none or at least two unknowns.

This is the classic rule of statistical offices for one two-way table; it does not defend
against every combination of several published tables (publish one table per topic).
Suppressed cells are shown as ``*`` with a note, never as ``<5`` (a secondary one may be
large).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

MIN_COUNT = 5
SUPPRESSED_MARK = "*"


class SuppressionDidNotConverge(RuntimeError):
    """The secondary suppression went past its proven bound: a bug, never a user error."""

    def __init__(self, n_rows: int, n_cols: int, bound: int) -> None:
        super().__init__(
            f"small-count suppression of a {n_rows} x {n_cols} table did not settle within "
            f"{bound} passes; this is a bug in ipcity, please report it"
        )


@dataclass(frozen=True)
class PublicCell:
    value: int | None  # None when suppressed
    primary: bool = False  # suppressed because it is small
    secondary: bool = False  # suppressed to protect another cell

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def text(self) -> str:
        return SUPPRESSED_MARK if self.value is None else f"{self.value:,}"

    def as_dict(self) -> dict[str, Any]:
        if self.value is None:
            return {
                "value": None,
                "suppressed": True,
                "reason": "small" if self.primary else "secondary",
            }
        return {"value": self.value, "suppressed": False}


@dataclass(frozen=True)
class PublicTable:
    """A two-way table of counts after suppression."""

    row_keys: tuple[str, ...]
    row_labels: tuple[str, ...]
    col_keys: tuple[str, ...]
    col_labels: tuple[str, ...]
    cells: tuple[tuple[PublicCell, ...], ...]
    row_totals: tuple[PublicCell, ...]
    col_totals: tuple[PublicCell, ...]
    total: PublicCell
    min_count: int = MIN_COUNT

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": [
                {
                    "key": k,
                    "label": lbl,
                    "cells": [c.as_dict() for c in row],
                    "total": t.as_dict(),
                }
                for k, lbl, row, t in zip(
                    self.row_keys, self.row_labels, self.cells, self.row_totals, strict=True
                )
            ],
            "columns": [
                {"key": k, "label": lbl}
                for k, lbl in zip(self.col_keys, self.col_labels, strict=True)
            ],
            "column_totals": [c.as_dict() for c in self.col_totals],
            "total": self.total.as_dict(),
            "min_count": self.min_count,
        }

    def shown_values(self) -> list[int]:
        """Every number the table shows (tests: none may be under min_count)."""
        cells = [c for row in self.cells for c in row] + list(self.row_totals)
        cells += [*self.col_totals, self.total]
        return [c.value for c in cells if c.value is not None]


def suppression_mask(
    counts: Sequence[Sequence[int]],
    *,
    min_count: int = MIN_COUNT,
    forced: Iterable[tuple[int, int]] = (),
    n_cols: int | None = None,
) -> tuple[list[list[bool]], list[list[bool]]]:
    """(suppressed, primary) over the full (R+1) x (C+1) matrix: the cells, the row totals in
    the last column, the column totals in the last row, the grand total in the corner.
    ``forced`` positions are hidden from the start (a margin another published table had to
    hide). ``n_cols``: the number of columns, needed when there are no rows (else taken
    from the first row)."""
    n_rows = len(counts)
    if n_cols is None:
        n_cols = len(counts[0]) if n_rows else 0
    if any(len(r) != n_cols for r in counts):
        raise ValueError("every row needs the same number of cells")
    full = [[*list(r), sum(r)] for r in counts]
    full.append([sum(counts[i][j] for i in range(n_rows)) for j in range(n_cols)])
    full[-1].append(sum(full[-1]))
    primary = [[v < min_count for v in row] for row in full]
    hidden = [list(row) for row in primary]
    for i, j in forced:
        hidden[i][j] = True
    # Each line: its parts (cells) and its total, as matrix positions.
    lines: list[tuple[list[tuple[int, int]], tuple[int, int]]] = []
    for i in range(n_rows + 1):
        lines.append(([(i, j) for j in range(n_cols)], (i, n_cols)))
    for j in range(n_cols + 1):
        lines.append(([(i, j) for i in range(n_rows)], (n_rows, j)))
    # Termination: a pass either hides at least one position that was shown (and nothing is
    # ever shown again) or leaves ``changed`` False and ends the loop. There are
    # (R+1)(C+1) positions, so after at most that many changing passes everything is hidden
    # and the next pass changes nothing: at most (R+1)(C+1) + 1 passes. A line whose only
    # unknown is its own (already hidden) total has no part left to hide -- an empty line, as
    # in a table with no rows or no columns, whose total is 0 by definition -- and gives
    # nothing away, so it is left as it is (it once looped for ever here, issue 10).
    max_passes = (n_rows + 1) * (n_cols + 1) + 1
    passes = 0
    changed = True
    while changed:
        passes += 1
        if passes > max_passes:  # cannot happen (see above): fail loudly, never spin
            raise SuppressionDidNotConverge(n_rows, n_cols, max_passes)
        changed = False
        for parts, total in lines:
            unknown = sum(hidden[i][j] for i, j in parts) + hidden[total[0]][total[1]]
            if unknown != 1:
                continue
            shown = [p for p in parts if not hidden[p[0]][p[1]]]
            if shown:
                i, j = min(shown, key=lambda p: full[p[0]][p[1]])
            elif not hidden[total[0]][total[1]]:
                i, j = total
            else:
                continue  # the lone unknown is this empty line's own total: nothing to add
            hidden[i][j] = True
            changed = True
    return hidden, primary


def public_table(
    counts: Sequence[Sequence[int]],
    *,
    row_keys: Sequence[str],
    row_labels: Sequence[str],
    col_keys: Sequence[str],
    col_labels: Sequence[str],
    min_count: int = MIN_COUNT,
    forced: Iterable[tuple[int, int]] = (),
) -> PublicTable:
    """The counts with margins, suppressed as the module doc says (``forced``: positions of
    the full matrix to hide whatever their value; see :func:`suppression_mask`)."""
    n_rows, n_cols = len(counts), len(col_keys)
    if len(row_keys) != n_rows or len(row_labels) != n_rows or len(col_labels) != n_cols:
        raise ValueError("one key and one label per row and per column")
    hidden, primary = suppression_mask(counts, min_count=min_count, forced=forced, n_cols=n_cols)
    full = [[*list(r), sum(r)] for r in counts]
    full.append([sum(counts[i][j] for i in range(n_rows)) for j in range(n_cols)])
    full[-1].append(sum(full[-1]))

    def cell(i: int, j: int) -> PublicCell:
        if hidden[i][j]:
            return PublicCell(None, primary=primary[i][j], secondary=not primary[i][j])
        return PublicCell(full[i][j])

    return PublicTable(
        row_keys=tuple(row_keys),
        row_labels=tuple(row_labels),
        col_keys=tuple(col_keys),
        col_labels=tuple(col_labels),
        cells=tuple(tuple(cell(i, j) for j in range(n_cols)) for i in range(n_rows)),
        row_totals=tuple(cell(i, n_cols) for i in range(n_rows)),
        col_totals=tuple(cell(n_rows, j) for j in range(n_cols)),
        total=cell(n_rows, n_cols),
        min_count=min_count,
    )


def public_count(value: int, *, min_count: int = MIN_COUNT) -> int | None:
    """A single published count: None when under ``min_count``."""
    return None if value < min_count else value
