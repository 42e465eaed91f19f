"""The reporting rhythm's current and previous periods, at the year and quarter boundaries."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from ipcity.workspace import actions as A
from ipcity.workspace.cn_dates import parse_period
from ipcity.workspace.db import Database
from ipcity.workspace.errors import ValidationError
from ipcity.workspace.permissions import system_actor
from ipcity.workspace.rhythm import RHYTHMS, period_of, previous_period, suggestions


@pytest.mark.parametrize(
    ("day", "rhythm", "current", "previous"),
    [
        (date(2023, 9, 15), "quarter", "2023-Q3", "2023-Q2"),
        (date(2023, 1, 1), "quarter", "2023-Q1", "2022-Q4"),
        (date(2023, 3, 31), "quarter", "2023-Q1", "2022-Q4"),
        (date(2023, 4, 1), "quarter", "2023-Q2", "2023-Q1"),
        (date(2023, 12, 31), "quarter", "2023-Q4", "2023-Q3"),
        (date(2023, 1, 31), "month", "2023-01", "2022-12"),
        (date(2023, 6, 30), "half", "2023-H1", "2022-H2"),
        (date(2023, 7, 1), "half", "2023-H2", "2023-H1"),
        (date(2023, 5, 5), "year", "2023", "2022"),
    ],
)
def test_periods(day: date, rhythm: str, current: str, previous: str) -> None:
    assert period_of(day, rhythm) == current
    assert previous_period(day, rhythm) == previous
    # every proposal is a period the report form accepts, and it contains/precedes the day
    for p in suggestions(day, rhythm):
        parsed = parse_period(p)
        assert parsed is not None and parsed[0] == p


def test_suggestions_put_the_rhythm_first() -> None:
    s = suggestions(date(2023, 9, 15), "quarter")
    assert s[:2] == ["2023-Q3", "2023-Q2"]
    assert set(s) >= {"2023-09", "2023-H2", "2023"} and len(s) == len(set(s))
    assert suggestions(date(2023, 9, 15), "month")[:2] == ["2023-09", "2023-08"]


def test_work_plan_rhythm_default_and_choice(db: Database) -> None:
    with db.write() as session:
        _check_rhythm(session)


def _check_rhythm(session: Session) -> None:
    sysa = system_actor("test")
    wp = A.do_create_work_plan(session, sysa, {"code": "W1", "year": 2023, "title": "计划"})
    assert wp.report_rhythm == "quarter" and wp.as_dict()["report_rhythm"] == "quarter"
    half = A.do_create_work_plan(
        session, sysa, {"code": "W2", "year": 2023, "title": "计划2", "report_rhythm": "half"}
    )
    assert half.report_rhythm == "half"
    with pytest.raises(ValidationError) as exc:
        A.do_create_work_plan(
            session, sysa, {"code": "W3", "year": 2023, "title": "计划3", "report_rhythm": "weekly"}
        )
    assert exc.value.errors[0].field == "report_rhythm"
    assert RHYTHMS == ("month", "quarter", "half", "year")
