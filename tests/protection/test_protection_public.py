"""The portal's protection block: aggregates only, no count under 5, shared totals agree."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from ipcity.protection.public import public_aggregates
from ipcity.protection.suppression import PublicTable
from tests.support.prot_fixtures import TODAY, ProtWorld, case


def _lines_ok(t: PublicTable) -> None:
    rows = [[*row, total] for row, total in zip(t.cells, t.row_totals, strict=True)]
    rows.append([*t.col_totals, t.total])
    for line in rows:
        assert sum(c.suppressed for c in line) != 1
    for j in range(len(rows[0])):
        assert sum(r[j].suppressed for r in rows) != 1
    assert all(v >= t.min_count for v in t.shown_values())


def test_small_world_by_hand(pw: ProtWorld) -> None:
    w = pw.w
    # 6 civil patent cases in 黄浦 (closed after 10..60 days), 2 mediations in 徐汇, 1 customs
    # seizure without a district; all received in 2023, names everywhere.
    for n in range(6):
        received = date(2023, 3, 1) + timedelta(days=n)
        case(w.db, w.editor_a, case_no=f"C{n}", district="310101", received_on=received,
             closed_on=received + timedelta(days=10 * (n + 1)), outcome="upheld",
             claimants="张三丰")  # fmt: skip
    for n in range(2):
        case(w.db, w.editor_b, case_no=f"M{n}", kind="mediation", ip_type="copyright",
             district="310104", received_on="2023-04-01", respondents="李四")  # fmt: skip
    case(w.db, pw.editor_c, case_no="S1", kind="customs_seizure", ip_type="trademark",
         received_on="2023-05-01")  # fmt: skip
    with pw.db.read() as s:
        stats = public_aggregates(s, year=2023, as_of=TODAY)
    text = json.dumps(stats.as_dict(), ensure_ascii=False)
    assert "张三" not in text and "李四" not in text and "C0" not in text
    f = {x.key: x.value for x in stats.figures}
    assert f["cases_received"] == 9
    assert f["cases_closed"] == 6
    # closure rate 6 / 9: the 3 not closed are fewer than 5 -> not shown
    assert f["closure_rate"] is None
    # median of 10, 20, ..., 60 days over 6 (>= 5) closed cases: (30 + 40) / 2 = 35
    assert f["median_handling_days"] == 35
    assert f["foreign_related_cases"] is None  # 0
    assert f["mediation_success_rate"] is None
    t1 = stats.by_kind_ip
    judicial, patent = t1.row_keys.index("judicial"), t1.col_keys.index("patent")
    assert t1.cells[judicial][patent].value == 6
    assert t1.row_totals[judicial].value == 6
    admin, mediation = (
        t1.row_keys.index("administrative"),
        t1.row_keys.index("mediation_arbitration"),
    )
    assert t1.row_totals[admin].suppressed and t1.row_totals[mediation].suppressed
    assert t1.total.value == 9
    t2 = stats.by_district
    assert t2.row_keys == ("310101", "310104", "")  # 未注明区 for the customs case
    assert t2.cells[0][t2.col_keys.index("judicial")].value == 6
    for t in (t1, t2):
        _lines_ok(t)
    assert stats.to_csv().decode("utf-8-sig").count("*") > 0


def test_shared_totals_agree_on_random_worlds(pw: ProtWorld) -> None:
    w = pw.w
    rng = random.Random(7)
    kinds = ["civil", "mediation", "customs_seizure", "admin_enforcement", "criminal"]
    ips = ["patent", "trademark", "copyright", "trade_secret"]
    districts = ["310101", "310104", ""]
    for n in range(60):
        kind = rng.choice(kinds)
        d = rng.choice(districts)
        extra = {"district": d} if d else {}
        case(w.db, w.editor_a, case_no=f"R{n}", kind=kind, ip_type=rng.choice(ips),
             received_on=date(2023, 1, 1) + timedelta(days=rng.randrange(300)), **extra)  # fmt: skip
    with pw.db.read() as s:
        stats = public_aggregates(s, year=2023, as_of=TODAY)
    t1, t2 = stats.by_kind_ip, stats.by_district
    for t in (t1, t2):
        _lines_ok(t)
    # the kind-of-protection totals and the grand total are the same numbers in both tables:
    # hidden in one means hidden in the other
    for g, key in enumerate(t1.row_keys):
        j = t2.col_keys.index(key)
        assert t1.row_totals[g].suppressed == t2.col_totals[j].suppressed
        if not t1.row_totals[g].suppressed:
            assert t1.row_totals[g].value == t2.col_totals[j].value
    assert t1.total.value == t2.total.value == 60
    assert stats.figure("cases_received").value == 60
