"""The one as-of rule (issue 12, problems 3 and 4): the reference date and which years the
warehouse covers completely, on hand-built DuckDB warehouses (boundaries included)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from ipcity.clock import app_today
from ipcity.evaluation.asof import (
    IncompleteYear,
    as_of_for_year,
    last_complete_year,
    require_complete_year,
    year_coverage,
)
from ipcity.reports.gather import default_as_of, gather_report_data
from ipcity.warehouse.store import Warehouse
from ipcity.workspace.errors import ValidationError


def make_warehouse(path: Path, grants: list[date]) -> Warehouse:
    wh = Warehouse(path)
    for i, g in enumerate(grants):
        wh.con.execute(
            "INSERT INTO patents (patent_id, office, patent_type, application_date, grant_date) "
            "VALUES (?, 'CN', 'invention', ?, ?)",
            [f"CN{i:06d}", date(g.year - 2, 1, 5), g],
        )
    return wh


def monthly(year: int, last_month: int, day: int = 15) -> list[date]:
    return [date(year, m, day) for m in range(1, last_month + 1)]


@pytest.fixture
def wh(tmp_path: Path) -> Iterator[Warehouse]:
    # 2021: every month; 2022: January to September only (an unfinished delivery)
    w = make_warehouse(tmp_path / "wh", monthly(2021, 12) + monthly(2022, 9))
    yield w
    w.close()


def test_complete_partial_and_empty_years(wh: Warehouse) -> None:
    cov = year_coverage(wh)
    assert sorted(cov) == [2021, 2022]
    assert cov[2021].complete and cov[2021].grants == 12
    assert not cov[2022].complete and cov[2022].last_grant == date(2022, 9, 15)
    assert last_complete_year(wh, date(2023, 3, 1)) == 2021
    require_complete_year(wh, 2021, date(2023, 3, 1))
    with pytest.raises(IncompleteYear) as partial:
        require_complete_year(wh, 2022, date(2023, 3, 1))
    assert partial.value.kind == "partial"
    assert "2022年的专利数据不完整（截至2022年9月15日）" in partial.value.message("zh")
    assert "最近的完整年度是2021年" in partial.value.message("zh")
    # the English UI's date format (fmt_date), not an ISO date
    assert "incomplete (it ends on 15 September 2022)" in partial.value.message("en")
    assert "2022-09-15" not in partial.value.message("en")
    with pytest.raises(IncompleteYear) as empty:
        require_complete_year(wh, 2024, date(2024, 3, 1))
    assert empty.value.kind == "empty"
    assert empty.value.message("zh").startswith("2024年没有专利数据")
    assert "There is no patent data for 2024" in empty.value.message("en")


@pytest.mark.parametrize(
    ("last_grant", "complete"),
    [(date(2022, 12, 1), True), (date(2022, 11, 30), False), (date(2022, 12, 31), True)],
)
def test_a_year_is_complete_once_its_data_reaches_december(
    tmp_path: Path, last_grant: date, complete: bool
) -> None:
    with make_warehouse(tmp_path / "wh", [date(2022, 1, 4), last_grant]) as w:
        assert year_coverage(w)[2022].complete is complete


def test_later_data_completes_an_earlier_year(tmp_path: Path) -> None:
    # 2022's data stops in June, but 2023 has grants: the delivery went past 2022
    with make_warehouse(tmp_path / "wh", [date(2022, 6, 7), date(2023, 1, 3)]) as w:
        assert year_coverage(w)[2022].complete
        assert not year_coverage(w)[2023].complete
        assert last_complete_year(w, date(2023, 9, 15)) == 2022


def test_a_year_not_begun_on_the_reference_date_is_refused(tmp_path: Path) -> None:
    with make_warehouse(tmp_path / "wh", monthly(2022, 12) + monthly(2023, 12)) as w:
        assert last_complete_year(w, date(2022, 6, 1)) == 2022  # 2023 is in the future then
        with pytest.raises(IncompleteYear):
            require_complete_year(w, 2023, date(2022, 6, 1))


def test_without_a_warehouse_the_default_is_last_year() -> None:
    assert last_complete_year(None, date(2023, 9, 15)) == 2022


def test_reference_date_is_the_apps_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPCITY_TODAY", "2023-09-15")
    assert app_today() == date(2023, 9, 15)
    assert app_today(date(2024, 1, 2)) == date(2024, 1, 2)  # the web app's own day wins
    assert as_of_for_year(2023) == date(2023, 9, 15)  # the year is running
    assert as_of_for_year(2022) == date(2022, 12, 31)  # the year is over
    # the report's default (ipcity report --as-of) is the same rule: not the calendar's today
    assert default_as_of(2023) == date(2023, 9, 15)
    monkeypatch.setenv("IPCITY_TODAY", "15.09.2023")
    with pytest.raises(Exception, match="IPCITY_TODAY must be a date"):
        app_today()


def test_no_report_for_a_partial_year(wh: Warehouse) -> None:
    with pytest.raises(IncompleteYear):
        gather_report_data(wh, None, 2022)
    with pytest.raises(IncompleteYear):
        gather_report_data(wh, None, 2024)


def test_no_portal_headline_for_a_partial_year(wh: Warehouse) -> None:
    from ipcity.meetings.headline import engine_figures

    with pytest.raises(ValidationError) as exc:
        engine_figures([2021, 2022], region="310000", warehouse=wh)
    [err] = exc.value.errors
    assert err.key == "field.year_partial"
    assert "2022年的专利数据不完整" in err.message("zh")
    assert "last complete year is 2021" in err.message("en")
