"""The protection self-assessment's task item, as of a past day, counts the tasks as they
stood that day (the history the evaluation reads), not today's tasks and review states."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ipcity.clock import on_app_day
from ipcity.evaluation.tasks import task_state
from ipcity.protection.assessment import gather
from ipcity.protection.scheme import ProtectionScheme, default_scheme
from ipcity.workspace.db import Database

# the evaluation's hand-built year (T1 accepted after its day, NEW made in August, ...)
from tests.evaluation.test_asof_history import TODAY, Year
from tests.evaluation.test_asof_history import year as year


def _tasks_only() -> ProtectionScheme:
    """The default scheme's task item over every task (the test world has no F1 goal)."""
    scheme = default_scheme()
    items = tuple(replace(i, goals=()) for i in scheme.items if i.kind == "tasks")
    return replace(scheme, items=items)


def _city_tasks(db: Database, world: Year, as_of: date) -> dict[str, str]:
    scheme = _tasks_only()
    with db.read() as s, on_app_day(TODAY):
        data = gather(s, 2023, as_of, scheme)
    (item,) = scheme.items
    tasks = next(ts for (item_id, _code), ts in data.tasks.items() if item_id == item.id)
    return {world.codes[t.id]: task_state(t, as_of) for t in tasks if t.id is not None}


def test_a_task_made_later_is_not_assessed_on_an_earlier_day(db: Database, year: Year) -> None:
    assert "NEW" not in _city_tasks(db, year, date(2023, 7, 4))  # NEW was made on 1 August
    assert "NEW" in _city_tasks(db, year, TODAY)


def test_a_report_reviewed_later_waits_for_review_on_the_day(db: Database, year: Year) -> None:
    # T1 (due 30 June): 100 % submitted 28 June, accepted 5 July. On 4 July it waited for
    # review: not overdue, not done; on the app's day it is done, on time (the 100 % report
    # dates the completion).
    assert _city_tasks(db, year, date(2023, 7, 4))["T1"] == "open"
    assert _city_tasks(db, year, TODAY)["T1"] == "done_on_time"
