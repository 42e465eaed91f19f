"""Assessment scores and ranks, computed by hand in the comments."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal

import pytest

from ipcity.errors import InputError
from ipcity.evaluation.assessment import AssessmentInput, ReportDue, assess
from ipcity.evaluation.scheme import default_scheme, load_scheme, parse_scheme
from ipcity.evaluation.tasks import TaskInput, UnitRef

AS_OF = date(2022, 12, 31)
SCHEME = """
[scheme]
name = "test"
full_score = 100
decimals = 2

[[item]]
id = "tasks"
kind = "tasks_on_time"
weight = 50

[[item]]
id = "reports"
kind = "reports_on_time"
weight = 20

[[item]]
id = "hv"
kind = "indicator_growth"
indicator = "hv"
measure = "change"
against = "best"
weight = 30
applies_to = ["district"]

[[item]]
id = "overdue"
kind = "overdue_deduction"
points_per_task = 2
cap = 5
"""


def unit(code: str, kind: str, admin: str | None = None, order: int = 0) -> UnitRef:
    return UnitRef(code, f"unit {code}", kind, admin_code=admin, sort_order=order)


A, B, C, E = (unit(c, "municipal", order=i) for i, c in enumerate("ABCE"))
D1, D2, D3 = (unit(f"D{i}", "district", f"31010{i}", 10 + i) for i in (1, 2, 3))


def t(code: str, u: UnitRef, deadline: date, done: date | None) -> TaskInput:
    return TaskInput(code, code, u, deadline, completed_on=done)


ON_TIME = (date(2022, 6, 30), date(2022, 6, 1))
LATE = (date(2022, 6, 30), date(2022, 7, 1))
OVERDUE = (date(2022, 6, 30), None)
OPEN = (date(2023, 6, 30), None)


def tasks_of(u: UnitRef, *kinds: tuple[date, date | None]) -> list[TaskInput]:
    return [t(f"{u.code}{i}", u, d, done) for i, (d, done) in enumerate(kinds)]


def reports_of(u: UnitRef, on_time: int, late: int) -> list[ReportDue]:
    due = date(2022, 7, 10)
    return [ReportDue(u.code, "x", f"p{i}", due, date(2022, 7, 1)) for i in range(on_time)] + [
        ReportDue(u.code, "x", f"q{i}", due, None) for i in range(late)
    ]


def data(units: tuple[UnitRef, ...]) -> AssessmentInput:
    tasks = (
        tasks_of(A, ON_TIME, ON_TIME, ON_TIME, LATE)  # 3/4 on time, none overdue
        + tasks_of(B, ON_TIME, ON_TIME, ON_TIME, OVERDUE)  # 3/4 on time, 1 overdue
        + tasks_of(C, OPEN)  # nothing due yet
        + tasks_of(E, ON_TIME, ON_TIME, ON_TIME, LATE)  # the same as A
        + tasks_of(D1, ON_TIME)
        + tasks_of(D2, ON_TIME, OVERDUE)
        + tasks_of(D3, ON_TIME)
    )
    reports = (
        reports_of(A, 2, 0)
        + reports_of(B, 2, 0)
        + reports_of(C, 1, 1)
        + reports_of(E, 2, 0)
        + reports_of(D1, 1, 0)
        + reports_of(D2, 1, 0)
        + reports_of(D3, 0, 1)
    )
    hv = {
        "310101": {2021: 30.0, 2022: 36.0},  # +6.0, the best
        "310102": {2021: 20.0, 2022: 23.0},  # +3.0
        "310103": {2022: 25.0},  # no 2021: no change
    }
    return AssessmentInput(
        year=2022,
        as_of=AS_OF,
        units=units,
        tasks=tuple(tasks),
        reports=tuple(reports),
        indicator_values={"hv": hv},
    )


def scheme(text: str = SCHEME):  # type: ignore[no-untyped-def]
    return parse_scheme(tomllib.loads(text), "test")


def by_code(result):  # type: ignore[no-untyped-def]
    return {s.unit.code: s for s in result.scores}


def test_municipal_scores_and_ranks_by_hand() -> None:
    r = by_code(assess(data((A, B, C)), scheme()))
    # Municipal units: items tasks 50 + reports 20 apply = 70 -> scale 100/70.
    # A: tasks 3/4 -> 50 x 100/70 x 3/4 = 53.5714 -> 53.57; reports 2/2 -> 28.5714 -> 28.57
    assert [b.points for b in r["A"].breakdown] == [
        Decimal("53.57"),
        Decimal("28.57"),
        Decimal("0.00"),
    ]
    assert r["A"].score == Decimal("82.14")
    # B: the same, minus 2 for its overdue task -> 80.14
    assert r["B"].score == Decimal("80.14")
    assert r["B"].breakdown[-1].points == Decimal("-2.00")
    # C: no task due -> tasks left out; scale 100/20 = 5; reports 1/2 -> 20 x 5 x 1/2 = 50
    assert r["C"].breakdown[0].points is None
    assert r["C"].score == Decimal("50.00")
    assert (r["A"].rank, r["B"].rank, r["C"].rank) == (1, 2, 3)


def test_breakdown_adds_up_to_the_score() -> None:
    for s in assess(data((A, B, C, D1, D2, D3)), scheme()).scores:
        assert s.score == sum(b.points for b in s.breakdown if b.points is not None)


def test_ties_share_a_rank_and_the_next_rank_skips() -> None:
    res = assess(data((A, B, C, E)), scheme())
    r = by_code(res)
    # A and E both 82.14 -> both 1st; B 80.14 -> 3rd (not 2nd); C 4th
    assert (r["A"].rank, r["E"].rank, r["B"].rank, r["C"].rank) == (1, 1, 3, 4)
    # ties listed by sort order, then code
    assert [s.unit.code for s in res.scores] == ["A", "E", "B", "C"]


def test_districts_ranked_among_districts() -> None:
    res = assess(data((A, D1, D2, D3)), scheme())
    r = by_code(res)
    # D1: tasks 1/1 -> 50; reports 1/1 -> 20; hv +6 = best -> 30 x 6/6 = 30; total 100
    assert r["D1"].score == Decimal("100.00")
    # D2: tasks 1/2 -> 25; reports 20; hv +3 -> 30 x 3/6 = 15; overdue -2: 58
    assert r["D2"].score == Decimal("58.00")
    hv = next(b for b in r["D2"].breakdown if b.item_id == "hv")
    assert hv.raw == 3.0 and hv.raw_text == "23.00 - 20.00" and "best 6.00" in hv.note
    # D3: no hv change -> left out, scale 100/70; tasks 1/1 -> 71.43; reports 0/1 -> 0
    assert r["D3"].score == Decimal("71.43")
    assert (r["D1"].rank, r["D3"].rank, r["D2"].rank) == (1, 2, 3)
    assert r["A"].rank == 1  # alone in the municipal group
    assert [s.group for s in res.scores] == ["municipal", "district", "district", "district"]


def test_rank_within_all() -> None:
    s = scheme(SCHEME.replace('name = "test"', 'name = "test"\nrank_within = "all"'))
    r = by_code(assess(data((A, D1, D2)), s))
    # D1 100, A 82.14, D2 58
    assert (r["D1"].rank, r["A"].rank, r["D2"].rank) == (1, 2, 3)


def test_deduction_cap() -> None:
    many = AssessmentInput(
        year=2022, as_of=AS_OF, units=(A,), tasks=tuple(tasks_of(A, *([OVERDUE] * 4)))
    )
    r = by_code(assess(many, scheme()))
    # 4 overdue x 2 = 8, capped at 5; tasks 0/4 -> 0; no report due -> left out
    assert r["A"].breakdown[-1].points == Decimal("-5.00")
    assert r["A"].breakdown[-1].note == "capped"
    assert r["A"].score == Decimal("-5.00")


def test_count_done_late_option() -> None:
    s = scheme(SCHEME.replace("cap = 5", "cap = 5\ncount_done_late = true"))
    r = by_code(assess(data((A,)), s))
    # A has 1 task done late: -2
    assert r["A"].breakdown[-1].points == Decimal("-2.00")


def test_when_empty_zero_and_full() -> None:
    zero = scheme(
        SCHEME.replace('kind = "tasks_on_time"', 'kind = "tasks_on_time"\nwhen_empty = "zero"')
    )
    # C: tasks counted as 0 of weight 50; reports 1/2 -> 20 x 1/2 = 10; scale 100/70
    # 0 + 20 x 100/70 x 1/2 = 14.2857 -> 14.29
    assert by_code(assess(data((C,)), zero))["C"].score == Decimal("14.29")
    full = scheme(
        SCHEME.replace('kind = "tasks_on_time"', 'kind = "tasks_on_time"\nwhen_empty = "full"')
    )
    # 50 x 100/70 = 71.43 + 14.29 = 85.72
    assert by_code(assess(data((C,)), full))["C"].score == Decimal("85.72")


def test_against_median_and_target() -> None:
    med = scheme(SCHEME.replace('against = "best"', 'against = "median"'))
    r = by_code(assess(data((D1, D2, D3)), med))
    # changes +6 and +3 (D3 has none): median 4.5; D2: 30 x 3/4.5 = 20; D1 capped at 30
    assert next(b for b in r["D2"].breakdown if b.item_id == "hv").points == Decimal("20.00")
    assert next(b for b in r["D1"].breakdown if b.item_id == "hv").points == Decimal("30.00")
    tgt = scheme(SCHEME.replace('against = "best"', 'against = "target"\ntarget = 4'))
    r = by_code(assess(data((D1, D2)), tgt))
    # D2: 30 x 3/4 = 22.5
    assert next(b for b in r["D2"].breakdown if b.item_id == "hv").points == Decimal("22.50")


def test_no_district_improved_scores_from_worst_to_best() -> None:
    d = data((D1, D2))
    falling = AssessmentInput(
        **{
            **d.__dict__,
            "indicator_values": {
                "hv": {"310101": {2021: 30.0, 2022: 29.0}, "310102": {2021: 20.0, 2022: 17.0}}
            },
        }
    )
    r = by_code(assess(falling, scheme()))
    # best -1 (not positive): linear from worst -3 (0 points) to best -1 (30 points)
    hv1 = next(b for b in r["D1"].breakdown if b.item_id == "hv")
    hv2 = next(b for b in r["D2"].breakdown if b.item_id == "hv")
    assert (hv1.points, hv2.points) == (Decimal("30.00"), Decimal("0.00"))


def test_growth_pct_measure() -> None:
    s = scheme(SCHEME.replace('measure = "change"', 'measure = "growth_pct"'))
    r = by_code(assess(data((D1, D2)), s))
    # D1: (36 - 30) / 30 = 20%; D2: (23 - 20) / 20 = 15% -> 30 x 15/20 = 22.5
    hv2 = next(b for b in r["D2"].breakdown if b.item_id == "hv")
    assert hv2.raw == pytest.approx(15.0) and hv2.points == Decimal("22.50")


def test_default_scheme_loads_and_documents_itself() -> None:
    s = default_scheme()
    assert {i.kind for i in s.items} >= {"tasks_on_time", "reports_on_time", "overdue_deduction"}
    assert s.full_score == 100
    assert s.as_dict()["items"][0]["weight"] == 50.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('kind = "tasks_on_time"', 'kind = "speed"'), "kind must be one of"),
        (("weight = 50", "weight = -1"), "weight must be positive"),
        (('against = "best"', 'against = "target"'), "needs target"),
        (('applies_to = ["district"]', 'applies_to = ["county"]'), "applies_to"),
        (("cap = 5", "cap = 5\nweight = 3"), "not a weight"),
        (('id = "reports"', 'id = "tasks"'), "same id"),
        (("decimals = 2", "decimals = 9"), "decimals"),
        (("points_per_task = 2", "points_per_task = 2\ncolour = 1"), "unknown key"),
    ],
)
def test_bad_schemes_are_one_line_errors(change: tuple[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        scheme(SCHEME.replace(*change))


def test_load_scheme_file_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="not found"):
        load_scheme(tmp_path / "missing.toml")
    f = tmp_path / "s.toml"
    f.write_text(SCHEME, encoding="utf-8")
    assert load_scheme(f).name == "test"
