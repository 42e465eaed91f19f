"""Protection indicators against values computed by hand, on SQLite and PostgreSQL.

The cases (today = 2024-03-31; A = 市科委, B = 市商务委, C = 市司法局):

| # | unit | kind | IP | received | closed | days | district | other |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
| 1 | A | civil | patent | 2022-12-20 | 2023-01-10 | 21 | 310101 | |
| 2 | A | civil | patent | 2023-02-01 | 2023-02-11 | 10 | 310101 | |
| 3 | A | civil | trademark | 2023-03-01 | open | | 310104 | |
| 4 | B | mediation | copyright | 2023-05-01 | 2023-05-04 | 3 | 310104 | mediated, foreign, claimed 1000.50 |
| 5 | B | mediation | copyright | 2023-06-01 | 2023-07-11 | 40 | | failed, 长三角 |
| 6 | B | mediation | trademark | 2023-12-31 | 2024-01-02 | 2 | | settled |
| 7 | A | admin_ruling | patent | 2022-11-01 | open | | | |
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import select

from ipcity.errors import InputError
from ipcity.protection import indicators as ind
from ipcity.protection.actions import do_add_joint_unit, do_transfer_case, do_update_case
from ipcity.protection.indicators import CaseScope, compute, parse_indicator_id
from ipcity.protection.queries import CaseFilter, list_cases
from ipcity.workspace.actions import do_create_target
from ipcity.workspace.actuals import indicator_series
from ipcity.workspace.errors import PermissionDenied, ValidationError
from ipcity.workspace.models import ComputedActual
from tests.support.prot_fixtures import TODAY, ProtWorld, case


def seed(pw: ProtWorld) -> dict[int, int]:
    w = pw.w
    a, b = w.editor_a, w.editor_b
    ids = {
        1: case(w.db, a, case_no="C1", received_on="2022-12-20", closed_on="2023-01-10",
                outcome="upheld", district="310101"),
        2: case(w.db, a, case_no="C2", received_on="2023-02-01", closed_on="2023-02-11",
                outcome="withdrawn", district="黄浦区"),
        3: case(w.db, a, case_no="C3", ip_type="商标", received_on="2023-03-01", district="310104"),
        4: case(w.db, b, case_no="M4", kind="调解", ip_type="著作权", received_on="2023-05-01",
                closed_on="2023-05-04", outcome="调解成功", foreign_related="是", district="徐汇",
                amount_claimed="1000.50"),
        5: case(w.db, b, case_no="M5", kind="mediation", ip_type="copyright",
                received_on="2023-06-01", closed_on="2023-07-11", outcome="mediation_failed",
                cross_region_note="长三角"),
        6: case(w.db, b, case_no="M6", kind="mediation", ip_type="trademark",
                received_on="2023-12-31", closed_on="2024-01-02", outcome="和解"),
        7: case(w.db, a, case_no="R7", kind="admin_ruling", received_on="2022-11-01"),
    }  # fmt: skip
    return {k: v.id for k, v in ids.items()}


def test_city_values_by_hand(pw: ProtWorld) -> None:
    seed(pw)
    with pw.db.read() as s:
        t = compute(s, years=[2022, 2023, 2024])

    def v(name: str, year: int) -> object:
        return t.value(f"protection.{name}", year)

    # 2023: received 2,3,4,5,6 = 5; closed 1,2,4,5 = 4 (6 closes in 2024);
    # pending at the start: 1 (received 2022-12-20, still open on 1 January) and 7 = 2;
    # pending at the end: 3 (open), 6 (closed 2024-01-02), 7 (open) = 3.
    assert v("cases_received", 2023) == 5
    assert v("cases_closed", 2023) == 4
    assert v("pending_start", 2023) == 2
    assert v("pending_end", 2023) == 3
    # closure rate = 4 / (5 + 2) x 100 = 400/7; open cases count only in the denominator.
    assert v("closure_rate", 2023) == Fraction(400, 7)
    # handling days of the cases closed in 2023: 21 (across the year end: 20 Dec -> 10 Jan),
    # 10, 3, 40. Mean 74/4 = 18.5; median (10 + 21) / 2 = 15.5. Open 3 and 7 left out.
    assert v("avg_handling_days", 2023) == Fraction(37, 2)
    assert v("median_handling_days", 2023) == Fraction(31, 2)
    # mediation closed in 2023: 4 (调解成功) and 5 (failed): 1/2 = 50%; 6 closes in 2024.
    assert v("mediation_success_rate", 2023) == 50
    # foreign-related among the 5 received: case 4 -> 1/5 = 20%; cross-region: case 5.
    assert v("foreign_related_cases", 2023) == 1
    assert v("foreign_related_share", 2023) == 20
    assert v("cross_region_cases", 2023) == 1
    assert v("amount_claimed", 2023) == Decimal("1000.50")
    assert v("amount_awarded", 2023) == 0
    # 2022: received 1 and 7; nothing closed; rate 0 / (2 + 0) = 0; no handling time.
    assert v("cases_received", 2022) == 2
    assert v("closure_rate", 2022) == 0
    assert v("avg_handling_days", 2022) is None
    assert v("median_handling_days", 2022) is None
    assert v("mediation_success_rate", 2022) is None
    # 2024: the 21-day case is not counted again; case 6 (2 days, 和解 = success) is.
    # Pending on 1 January 2024: 3, 6, 7 -> closure rate 1 / (0 + 3) = 100/3.
    assert v("cases_closed", 2024) == 1
    assert v("avg_handling_days", 2024) == 2
    assert v("pending_start", 2024) == 3
    assert v("closure_rate", 2024) == Fraction(100, 3)
    assert v("mediation_success_rate", 2024) == 100


def test_year_to_date_with_as_of(pw: ProtWorld) -> None:
    seed(pw)
    with pw.db.read() as s:
        t = compute(s, years=[2023], as_of=date(2023, 6, 30))
    # By 30 June: received 2, 3, 4, 5 = 4; closed 1, 2, 4 = 3 (5 closes 11 July: still open).
    assert t.value("protection.cases_received", 2023) == 4
    assert t.value("protection.cases_closed", 2023) == 3
    # rate 3 / (4 + 2) = 50%; days 21, 10, 3: mean 34/3 (exact, not 11.333...), median 10.
    assert t.value("protection.closure_rate", 2023) == 50
    assert t.value("protection.avg_handling_days", 2023) == Fraction(34, 3)
    assert t.value("protection.median_handling_days", 2023) == 10
    assert t.value("protection.pending_end", 2023) == 3  # 3, 5, 7


def test_breakdowns(pw: ProtWorld) -> None:
    seed(pw)
    with pw.db.read() as s:
        by_d = compute(s, years=[2023], by=["district"], indicators=["cases_received"])
        by_k = compute(
            s,
            years=[2023],
            by=["kind"],
            indicators=["cases_received", "cases_closed", "pending_start"],
        )
        by_ku = compute(s, years=[2023], by=["unit", "ip_type"], indicators=["cases_received"])
    # districts of the five received in 2023: 310101 (2), 310104 (3, 4), none (5, 6).
    assert by_d.value("protection.cases_received", 2023, district="310101") == 1
    assert by_d.value("protection.cases_received", 2023, district="310104") == 2
    assert by_d.value("protection.cases_received", 2023, district="") == 2
    assert by_k.value("protection.cases_received", 2023, kind="civil") == 2
    assert by_k.value("protection.cases_closed", 2023, kind="civil") == 2  # 1 and 2
    assert by_k.value("protection.cases_received", 2023, kind="mediation") == 3
    assert by_k.value("protection.cases_closed", 2023, kind="mediation") == 2
    # the ruling received in 2022 and still open appears through its pending count
    assert by_k.value("protection.pending_start", 2023, kind="admin_ruling") == 1
    assert by_k.value("protection.cases_received", 2023, kind="admin_ruling") == 0
    assert by_ku.value("protection.cases_received", 2023, unit="STCSM", ip_type="patent") == 1
    assert by_ku.value("protection.cases_received", 2023, unit="COMM", ip_type="copyright") == 2
    # the breakdown adds up to the city
    total = sum(int(r.value or 0) for r in by_d.rows)
    assert total == 5


def test_referrals_counted_once(pw: ProtWorld) -> None:
    ids = seed(pw)
    w = pw.w
    with pw.db.write() as s:
        v = do_transfer_case(
            s, w.editor_a, ids[2], expected_version=1, to_unit_id=w.unit_b, today=TODAY
        )
        do_add_joint_unit(s, w.editor_b, ids[2], expected_version=v.version, unit_id=pw.unit_c)
    with pw.db.read() as s:
        city = compute(s, years=[2023], indicators=["cases_received", "cases_closed"])
        by_unit = compute(s, years=[2023], by=["unit"], indicators=["cases_received"])
    # Case 2 moved from A to B and C handles it jointly: still one case in the city ...
    assert city.value("protection.cases_received", 2023) == 5
    assert city.value("protection.cases_closed", 2023) == 4
    # ... counted under its owner B only: A keeps case 3; B has 2, 4, 5, 6; C has no row.
    assert by_unit.value("protection.cases_received", 2023, unit="STCSM") == 1
    assert by_unit.value("protection.cases_received", 2023, unit="COMM") == 4
    assert {r.dim("unit") for r in by_unit.rows} == {"STCSM", "COMM"}
    assert sum(int(r.value or 0) for r in by_unit.rows) == 5


def test_scope_and_rights(pw: ProtWorld) -> None:
    seed(pw)
    w = pw.w
    with pw.db.read() as s:
        mine = ind.indicators_for(s, w.editor_b, years=[2023], indicators=["cases_received"])
        every = ind.indicators_for(s, w.leader, years=[2023], indicators=["cases_received"])
        with pytest.raises(PermissionDenied):
            ind.indicators_for(s, w.anonymous, years=[2023])
        civil_patent = compute(
            s,
            years=[2023],
            indicators=["avg_handling_days"],
            scope=CaseScope(kinds=("civil",), ip_types=("patent",)),
        )
    assert mine.value("protection.cases_received", 2023) == 3  # B's own: 4, 5, 6
    assert every.value("protection.cases_received", 2023) == 5
    assert civil_patent.value("protection.avg_handling_days", 2023) == Fraction(31, 2)  # 21, 10


def test_bad_requests() -> None:
    with pytest.raises(InputError, match="unknown protection indicator"):
        ind._check_indicators(["nope"])
    assert parse_indicator_id("protection.avg_handling_days?kind=admin_ruling&ip=patent") == (
        ind.ParsedId("protection.avg_handling_days", ("admin_ruling",), ("patent",), ())
    )
    assert parse_indicator_id("protection.cases_received?kind=civil,criminal").kinds == (
        "civil",
        "criminal",
    )
    for bad in (
        "protection.nope",
        "protection.closure_rate?kind=foo",
        "protection.closure_rate?colour=red",
        "protection.closure_rate?kind=civil&kind=criminal",
        "protection." + "x" * 60,
    ):
        with pytest.raises(InputError):
            parse_indicator_id(bad)


def _target(pw: ProtWorld, code: str, engine: str, region: str = "310000") -> int:
    with pw.db.write() as s:
        return do_create_target(
            s,
            pw.w.admin,
            {
                "plan_id": pw.w.plan,
                "code": code,
                "name": code,
                "engine_indicator": engine,
                "region": region,
                "direction": "lower",
                "target_year": 2025,
                "target_value": 10,
            },
        ).id


def test_workspace_targets_track_cases_live(pw: ProtWorld) -> None:
    seed(pw)
    w = pw.w
    days = _target(pw, "DAYS", "protection.avg_handling_days?kind=civil&ip=patent")
    xuhui = _target(pw, "XH", "protection.cases_received", region="310104")
    with pw.db.write() as s:
        added = ind.refresh_live_actuals(s)
    # years with cases: 2022..2024, for both targets
    assert added == 6
    with pw.db.read() as s:
        series = indicator_series(s, w.admin, days)
        computed = {r.year: r.computed for r in series.rows}
        assert computed == {2022: None, 2023: 15.5, 2024: None}  # (21 + 10) / 2
        xh = {r.year: r.computed for r in indicator_series(s, w.admin, xuhui).rows}
        assert xh == {2022: 0, 2023: 2, 2024: 0}  # cases 3 and 4 in 徐汇
    # A new civil patent case closed in 2023 after 30 days moves the target at once:
    # (21 + 10 + 30) / 3 = 61/3.
    case(w.db, w.editor_a, case_no="C8", received_on="2023-11-01", closed_on="2023-12-01",
         outcome="upheld")  # fmt: skip
    with pw.db.read() as s:
        computed = {r.year: r.computed for r in indicator_series(s, w.admin, days).rows}
        assert computed[2023] == pytest.approx(61 / 3)
        snaps = list(s.scalars(select(ComputedActual).where(ComputedActual.target_id == days)))
        # 3 first snapshots + one for 2023 (only the changed year is stored again)
        assert len(snaps) == 4
        assert snaps[-1].vintage == {"source": "protection_cases", "definition_version": 1}
    # Editing a case (closing case 3, trademark) leaves the patent target's value alone.
    with pw.db.write() as s:
        v3 = list_cases(s, w.editor_a, CaseFilter(search="C3"))[0]
        do_update_case(
            s,
            w.editor_a,
            v3.id,
            expected_version=v3.version,
            changes={"closed_on": "2023-12-15", "outcome": "dismissed"},
            today=TODAY,
        )
    with pw.db.read() as s:
        n = len(list(s.scalars(select(ComputedActual).where(ComputedActual.target_id == days))))
        assert n == 4
        xh = {r.year: r.computed for r in indicator_series(s, w.admin, xuhui).rows}
        assert xh[2023] == 2


def test_target_ids_are_validated(pw: ProtWorld) -> None:
    for bad in ("protection.nope", "protection.closure_rate?kind=foo", "protection.x?y"):
        with pytest.raises(ValidationError) as err:
            _target(pw, "BAD", bad)
        assert err.value.errors[0].field == "engine_indicator"
    # an ordinary engine id is still accepted as before
    assert _target(pw, "HVP", "high_value_invention_patents_per_10k") > 0
