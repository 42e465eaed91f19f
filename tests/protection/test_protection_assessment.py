"""The protection self-assessment: scores computed by hand, the scheme file, and the data
gathered from the workspace."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from ipcity.errors import InputError
from ipcity.evaluation.tasks import TaskInput, UnitRef
from ipcity.protection.assessment import (
    AssessmentData,
    Entity,
    Observation,
    assess,
    gather,
    self_assessment,
)
from ipcity.protection.scheme import default_scheme, load_scheme, parse_scheme
from tests.support.prot_fixtures import ProtWorld, case

SCHEME = """
[scheme]
name = "测试方案"
full_score = 100

[[item]]
id = "rate"
kind = "indicator"
indicator = "protection.closure_rate"
weight = 40
full_at = 90
zero_at = 60
min_cases = 5

[[item]]
id = "days"
kind = "indicator"
indicator = "protection.avg_handling_days"
weight = 30
full_at = 30
zero_at = 90
min_cases = 5

[[item]]
id = "tasks"
kind = "tasks"
weight = 30
"""

AS_OF = date(2023, 12, 31)
UNIT = UnitRef("X", "X", "municipal")


def _task(code: str, deadline: date, done: date | None) -> TaskInput:
    return TaskInput(code, code, UNIT, deadline, completed_on=done)


def _data() -> AssessmentData:
    city = Entity("310000", "全市", "the city", "city")
    d1 = Entity("310101", "黄浦区", "Huangpu", "district", 1)
    d2 = Entity("310104", "徐汇区", "Xuhui", "district", 2)
    d3 = Entity("310105", "长宁区", "Changning", "district", 3)
    obs = {
        ("rate", "310000"): Observation(Fraction(80), cases=100),
        ("days", "310000"): Observation(Fraction(45), cases=50),
        ("rate", "310101"): Observation(Fraction(95), cases=10),
        ("days", "310101"): Observation(Fraction(20), cases=3),
        ("rate", "310104"): Observation(Fraction(60), cases=4),
        ("days", "310104"): Observation(Fraction(120), cases=8),
        ("rate", "310105"): Observation(Fraction(60), cases=4),
        ("days", "310105"): Observation(Fraction(120), cases=8),
    }
    tasks = {
        ("tasks", "310000"): [
            _task("on time", date(2023, 6, 30), date(2023, 6, 1)),
            _task("late", date(2023, 6, 30), date(2023, 7, 1)),
            _task("overdue", date(2023, 6, 30), None),
            _task("open", date(2024, 6, 30), None),
        ],
        ("tasks", "310104"): [_task("on time", date(2023, 6, 30), date(2023, 6, 1))],
        ("tasks", "310105"): [_task("on time", date(2023, 6, 30), date(2023, 6, 1))],
    }
    return AssessmentData(2023, AS_OF, (city, d1, d2, d3), obs, tasks)


def test_scores_by_hand() -> None:
    scheme = parse_scheme(tomllib.loads(SCHEME), "test")
    result = assess(_data(), scheme)
    city = result.city
    assert city is not None
    points = {b.item_id: b.points for b in city.breakdown}
    # rate 80: (80 - 60) / (90 - 60) = 2/3 of 40 = 26.666.. -> 26.67
    # days 45 (lower is better): (45 - 90) / (30 - 90) = 3/4 of 30 = 22.50
    # tasks: due or done 3 (the open one is not judged), on time 1 -> 1/3 of 30 = 10.00
    assert points == {"rate": Decimal("26.67"), "days": Decimal("22.50"), "tasks": Decimal("10.00")}
    assert city.score == Decimal("59.17")  # the sum of the rounded points
    assert [b.raw_text for b in city.breakdown] == ["80.00", "45.00", "1/3"]
    d = {s.entity.code: s for s in result.districts}
    # 黄浦: rate 95 is beyond full_at -> the whole weight; days rest on 3 cases (< 5) and
    # there is no task: both left out, so rate is scaled to the full 100.
    hp = {b.item_id: b for b in d["310101"].breakdown}
    assert d["310101"].score == Decimal("100.00") and hp["rate"].max_points == Decimal("100.00")
    assert hp["days"].points is None and "only 3 cases" in hp["days"].note
    # 徐汇: rate on 4 cases left out; days 120 is worse than zero_at -> 0; tasks 1/1.
    # Judged weights 30 + 30 = 60: scale 100/60, so each item is out of 50.
    xh = {b.item_id: b for b in d["310104"].breakdown}
    assert (xh["days"].points, xh["days"].max_points) == (Decimal("0.00"), Decimal("50.00"))
    assert xh["tasks"].points == Decimal("50.00") and d["310104"].score == Decimal("50.00")
    # ranks: equal scores share a rank (1, 2, 2)
    assert [(s.entity.code, s.rank) for s in result.districts] == [
        ("310101", 1),
        ("310104", 2),
        ("310105", 2),
    ]
    for s in [city, *result.districts]:
        assert s.score == sum((b.points for b in s.breakdown if b.points is not None), Decimal(0))


def test_when_empty_zero_and_change_measure() -> None:
    text = SCHEME.replace(
        'id = "tasks"\nkind = "tasks"', 'id = "tasks"\nkind = "tasks"\nwhen_empty = "zero"'
    )
    text = text.replace(
        'indicator = "protection.avg_handling_days"\nweight = 30\nfull_at = 30\nzero_at = 90',
        'indicator = "protection.avg_handling_days"\nmeasure = "change"\nweight = 30\n'
        "full_at = -10\nzero_at = 10",
    )
    assert 'measure = "change"' in text
    scheme = parse_scheme(tomllib.loads(text), "test")
    data = _data()
    obs = dict(data.observations)
    # days change: 45 - 50 = -5 days; from zero_at +10 to full_at -10:
    # (-5 - 10) / (-10 - 10) = 3/4 of 30 = 22.50
    obs[("days", "310000")] = Observation(Fraction(45), Fraction(50), 50)
    result = assess(AssessmentData(2023, AS_OF, data.entities, obs, data.tasks), scheme)
    by_code = {d.entity.code: d for d in result.districts}
    hp = {b.item_id: b for b in by_code["310101"].breakdown}
    # 徐汇 has no value for the year before: days left out; tasks 1/1 -> 100, ranked first
    assert by_code["310104"].score == Decimal("100.00") and by_code["310104"].rank == 1
    # 黄浦 has no task: with when_empty = zero it scores 0 of 30; days still left out (3 cases);
    # judged 40 + 30 -> scale 100/70: rate 40 x 100/70 = 57.14, tasks 0.
    assert hp["tasks"].points == Decimal("0.00") and hp["rate"].points == Decimal("57.14")
    city = {b.item_id: b for b in result.city.breakdown} if result.city else {}
    assert city["days"].raw_text == "45.00 - 50.00" and city["days"].points == Decimal("22.50")


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ('[[item]]\nid = "a"\nkind = "indicator"\nindicator = "protection.nope"\nweight = 1\nfull_at = 1\nzero_at = 0', "unknown protection indicator"),
        ('[[item]]\nid = "a"\nkind = "indicator"\nindicator = "protection.closure_rate"\nweight = 1\nfull_at = 1\nzero_at = 1', "must differ"),
        ('[[item]]\nid = "a"\nkind = "indicator"\nindicator = "protection.closure_rate"\nweight = 1', "needs full_at and zero_at"),
        ('[[item]]\nid = "a"\nkind = "tasks"\nweight = 1\nfull_at = 3', "has no full_at"),
        ('[[item]]\nid = "a"\nkind = "tasks"', "weight must be a number"),
        ('[[item]]\nid = "a"\nkind = "tasks"\nweight = 1\ncolour = 1', "unknown key"),
        ('[[item]]\nid = "a"\nkind = "votes"\nweight = 1', "kind must be"),
        ('[[item]]\nid = "a"\nkind = "tasks"\nweight = 1\n[[item]]\nid = "a"\nkind = "tasks"\nweight = 1', "same id"),
        ('[[item]]\nid = "a"\nkind = "tasks"\nweight = 1\napplies_to = ["county"]', "applies_to"),
    ],
)  # fmt: skip
def test_scheme_errors(snippet: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_scheme(tomllib.loads(snippet), "s.toml")


def test_shipped_scheme_and_files(tmp_path: Path) -> None:
    scheme = default_scheme()
    assert scheme.full_score == 100 == sum(i.weight for i in scheme.items)
    cross = next(i for i in scheme.items if i.id == "cross_region")
    assert cross.bounds_for("district").full_at == 5 and cross.bounds_for("city").full_at == 40
    with pytest.raises(InputError, match="not found"):
        load_scheme(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[scheme\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        load_scheme(bad)


def test_gathered_from_the_workspace(pw: ProtWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    # the assessment is made on its as-of day: the workspace's present state counts (on a
    # later day, the tasks this world made today would not have existed on AS_OF)
    monkeypatch.setenv("IPCITY_TODAY", AS_OF.isoformat())
    w = pw.w
    # 黄浦: 5 civil cases received in 2023, 4 closed after 10, 20, 30, 40 days; 徐汇: 1 open.
    for n in range(5):
        received = date(2023, 2, 1) + timedelta(days=n)
        extra = {"closed_on": received + timedelta(days=10 * (n + 1)), "outcome": "upheld"}
        case(w.db, w.editor_a, case_no=f"H{n}", district="310101", received_on=received,
             **(extra if n < 4 else {}))  # fmt: skip
    case(w.db, w.editor_a, case_no="X1", district="310104", received_on="2023-03-01")
    scheme = parse_scheme(
        tomllib.loads(SCHEME.replace('kind = "tasks"', 'kind = "tasks"\ngoals = ["G1"]')), "t"
    )
    with pw.db.read() as s:
        data = gather(s, 2023, AS_OF, scheme)
        result = self_assessment(s, w.admin, 2023, as_of=AS_OF, scheme=scheme)
    # city: closed 4 of 6 on hand = 200/3 %; mean days (10+20+30+40)/4 = 25
    assert data.observations[("rate", "310000")] == Observation(Fraction(200, 3), None, 6)
    assert data.observations[("days", "310000")] == Observation(Fraction(25), None, 4)
    assert data.observations[("rate", "310101")] == Observation(Fraction(80), None, 5)
    assert data.observations[("rate", "310104")] == Observation(Fraction(0), None, 1)
    # the two tasks of the test work plan sit under G1 (one under G1.1); neither is done,
    # both deadlines have passed on 31 December
    assert [t.code for t in data.tasks[("tasks", "310000")]] == ["2023-001", "2023-002"]
    assert data.tasks[("tasks", "310101")] == []
    city = result.city
    assert city is not None
    pts = {b.item_id: b.points for b in city.breakdown}
    # days rest on 4 closed cases (< min_cases 5): left out, scale 100/70.
    # rate 200/3: (200/3 - 60) / 30 = 2/9 of 40 x 100/70 = 800/63 = 12.698.. -> 12.70;
    # tasks 0/2 -> 0 of 42.86.  Score 12.70.
    assert pts == {"rate": Decimal("12.70"), "days": None, "tasks": Decimal("0.00")}
    assert city.score == Decimal("12.70")
    # 黄浦: rate 80 on 5 cases -> 2/3 of 40; days on 4 cases (< 5) and no task left out:
    # scale 100/40 -> 2/3 x 100 = 66.67
    hp = next(d for d in result.districts if d.entity.code == "310101")
    assert hp.score == Decimal("66.67")
    d = result.as_dict()
    assert d["city"]["score"] == 12.7 and d["districts"][0]["rank"] == 1
