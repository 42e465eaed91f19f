"""The demo's data ends on the demo's day (``ipcity.demo.horizon``): no grant, application or
other dated record from after the one app clock, on a hand-made warehouse (each rule, the day
itself included) and on the demo's own warehouse built small."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from ipcity.demo.command import DEMO_TODAY
from ipcity.demo.horizon import cut_at
from ipcity.demo.meetings import seed_meetings_demo
from ipcity.demo.warehouse import DEMO_MARKER, build_demo_warehouse
from ipcity.demo.workspace_seed import seed_demo
from ipcity.evaluation.asof import last_complete_year, year_coverage
from ipcity.evaluation.gather import task_inputs, year_tasks
from ipcity.warehouse.store import Warehouse
from ipcity.workspace.db import Database

DAY = date(2023, 11, 15)
NEXT = DAY + timedelta(days=1)


@pytest.fixture
def wh(tmp_path: Path) -> Iterator[Warehouse]:
    w = Warehouse(tmp_path / "wh")
    con = w.con
    patents = [
        ("ON_DAY", "CN", date(2021, 1, 5), DAY, None),
        ("GRANTED_LATER", "CN", date(2022, 1, 5), NEXT, None),
        ("FILED_LATER", "CN", NEXT, None, None),
        ("LAPSED_LATER", "CN", DAY, date(2022, 5, 3), NEXT),
        ("PENDING", "CN", DAY, None, None),
        ("WO1", "WO", DAY, None, None),
        ("WO2", "WO", NEXT, None, None),
    ]
    con.executemany(
        "INSERT INTO patents (patent_id, office, application_date, grant_date, lapse_date) "
        "VALUES (?, ?, ?, ?, ?)",
        patents,
    )
    for pid in ("ON_DAY", "FILED_LATER", "GRANTED_LATER", "WO1", "WO2"):
        con.execute(
            "INSERT INTO parties (patent_id, role, sequence) VALUES (?, 'applicant', 1)", [pid]
        )
    con.executemany(
        "INSERT INTO pledges (patent_id, registration_date, amount_cny) VALUES (?, ?, ?)",
        [("ON_DAY", DAY, 1.0), ("ON_DAY", NEXT, 2.0)],
    )
    con.executemany(
        "INSERT INTO awards (patent_id, award, year) VALUES (?, ?, ?)",
        [("ON_DAY", "gold", 2023), ("GRANTED_LATER", "silver", 2023), ("ON_DAY", "gold", 2024)],
    )
    con.executemany(
        "INSERT INTO population (region_code, year, population) VALUES ('310000', ?, ?)",
        [(2022, 1.0), (2023, 2.0)],
    )
    con.executemany(
        "INSERT INTO publications (publication_id, year) VALUES (?, ?)",
        [("ART1", 2023), ("ART2", 2024)],
    )
    con.executemany(
        "INSERT INTO authors (publication_id, sequence) VALUES (?, 1)", [("ART1",), ("ART2",)]
    )
    yield w
    w.close()


def _rows(wh: Warehouse, sql: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in wh.con.execute(sql).fetchall()]


def test_each_rule_keeps_the_day_itself_and_drops_what_came_after(wh: Warehouse) -> None:
    summary = cut_at(wh, DAY)
    patents = {
        r[0]: r[1:] for r in _rows(wh, "SELECT patent_id, grant_date, lapse_date FROM patents")
    }
    assert sorted(patents) == ["GRANTED_LATER", "LAPSED_LATER", "ON_DAY", "PENDING", "WO1"]
    assert patents["ON_DAY"] == (DAY, None)  # granted on the day: known that day
    assert patents["GRANTED_LATER"] == (None, None)  # pending on the day
    assert patents["LAPSED_LATER"] == (date(2022, 5, 3), None)  # still in force on the day
    parties = _rows(wh, "SELECT patent_id FROM parties ORDER BY patent_id")
    assert parties == [("GRANTED_LATER",), ("ON_DAY",), ("WO1",)]
    assert _rows(wh, "SELECT registration_date FROM pledges") == [(DAY,)]
    assert _rows(wh, "SELECT patent_id, year FROM awards") == [("ON_DAY", 2023)]
    # a year-end population is known once the year is over
    assert _rows(wh, "SELECT year FROM population") == [(2022,)]
    assert _rows(wh, "SELECT publication_id FROM publications") == [("ART1",)]
    assert _rows(wh, "SELECT publication_id FROM authors") == [("ART1",)]
    assert summary.dropped["patents"] == 2 and summary.cleared["patents"] == 2


def test_a_second_cut_changes_nothing(wh: Warehouse) -> None:
    cut_at(wh, DAY)
    again = cut_at(wh, DAY)
    assert again.dropped == {} and again.cleared == {}


@pytest.mark.slow
def test_the_demo_warehouse_ends_on_the_demo_day(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "demo") as wh:
        assert build_demo_warehouse(wh, scale=0.005, seed=7, rebuild=False, until=DEMO_TODAY)
        con = wh.con
        last = con.execute(
            "SELECT max(application_date), max(grant_date), max(lapse_date) FROM patents"
        ).fetchone()
        assert last is not None
        assert all(d is not None and d <= DEMO_TODAY for d in last), last
        # the data reaches the day: the last weekly grant (a Tuesday) of the week before it
        assert DEMO_TODAY - last[1] < timedelta(days=7)
        (pledged,) = con.execute("SELECT max(registration_date) FROM pledges").fetchone() or (None,)
        assert pledged is None or pledged <= DEMO_TODAY
        (awarded,) = con.execute("SELECT max(year) FROM awards").fetchone() or (None,)
        assert awarded is None or awarded <= DEMO_TODAY.year
        (orphans,) = con.execute(
            "SELECT count(*) FROM parties WHERE patent_id NOT IN (SELECT patent_id FROM patents)"
        ).fetchone() or (1,)
        assert orphans == 0
        (population,) = con.execute("SELECT max(year) FROM population").fetchone() or (None,)
        assert population == DEMO_TODAY.year - 1
        # so the running year is partial on the demo's day, and 2022 the last complete one
        assert not year_coverage(wh)[DEMO_TODAY.year].complete
        assert last_complete_year(wh, DEMO_TODAY) == DEMO_TODAY.year - 1
        marker = (wh.directory / DEMO_MARKER).read_text()
        assert DEMO_TODAY.isoformat() in marker
        # the same demo again: reused, not rebuilt
        assert not build_demo_warehouse(wh, scale=0.005, seed=7, rebuild=False, until=DEMO_TODAY)


def test_the_demo_decisions_tasks_exist_from_the_meeting_day(db: Database) -> None:
    """The demo's meeting decisions become tasks on 7 April (the minutes' day): a report or an
    evaluation as of an earlier day does not count them, one as of that day does."""
    with db.write() as s:
        seed_demo(s, today=DEMO_TODAY)
        decided = seed_meetings_demo(s, today=DEMO_TODAY).tasks
    with db.read() as s:
        _, tasks = year_tasks(s, 2023)
        before = {t.id for t in task_inputs(s, tasks, today=DEMO_TODAY, as_of=date(2023, 4, 6))}
        on_day = {t.id for t in task_inputs(s, tasks, today=DEMO_TODAY, as_of=date(2023, 4, 7))}
    assert len(decided) == 3 and len(tasks) == 63
    assert not before & set(decided) and set(decided) <= on_day
    assert len(before) == 60
