"""Writes on cases: validation, optimistic concurrency, referrals and their audit trail."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ipcity.protection.actions import (
    do_add_joint_unit,
    do_delete_case,
    do_remove_joint_unit,
    do_transfer_case,
    do_update_case,
)
from ipcity.protection.models import CaseUnit, ProtectionCase, Referral
from ipcity.protection.queries import case_history, get_case
from ipcity.workspace.audit import list_audit
from ipcity.workspace.errors import NotFound, PermissionDenied, StaleVersion, ValidationError
from tests.support.prot_fixtures import TODAY, ProtWorld, case


def _keys(exc: ValidationError) -> dict[str, str]:
    return {e.field: e.key for e in exc.errors}


def test_create_reads_every_form_of_input(pw: ProtWorld) -> None:
    w = pw.w
    v = case(
        w.db,
        w.editor_a,
        case_no="〔2023〕沪73知民初 12号",
        kind="民事案件",
        ip_type="发明专利",
        received_on="2023年3月1日",
        closed_on="2023/6/30",
        outcome="部分支持",
        foreign_related="是",
        cross_region="否",
        district="黄浦",
        claimants="张三",
        amount_claimed="12.5万",
        amount_awarded="1,234.567",
        cause="侵害发明专利权纠纷",
    )
    assert v.case_no == "(2023)沪73知民初12号"  # brackets and spaces normalised
    assert (v.kind, v.ip_type, v.outcome) == ("civil", "patent", "partly_upheld")
    assert v.handling_days == 121  # 1 March -> 30 June: 30 + 30 + 31 + 30
    assert v.district == "310101" and v.district_name == "黄浦区"
    assert v.amount_claimed == Decimal("125000")
    assert v.amount_awarded == Decimal("1234.57")  # half-up to the fen
    assert v.unit_id == w.unit_a and v.access == "owner" and not v.names_masked
    # a district unit's case lies in its own district unless it says otherwise
    d = case(w.db, pw.editor_hp, case_no="HP-1", kind="行政执法", ip_type="商标")
    assert d.district == "310101"


@pytest.mark.parametrize(
    ("data", "field", "key"),
    [
        ({"received_on": "2023-03-01", "closed_on": "2023-02-28"}, "closed_on",
         "field.closed_before_received"),
        ({"received_on": "2024-04-01"}, "received_on", "field.future_date"),
        ({"outcome": "upheld"}, "outcome", "field.outcome_needs_closed"),
        ({"kind": "刑侦"}, "kind", "field.unknown_kind"),
        ({"ip_type": "域名"}, "ip_type", "field.unknown_ip_type"),
        ({"closed_on": "2023-05-01", "outcome": "大获全胜"}, "outcome", "field.unknown_outcome"),
        ({"district": "杭州"}, "district", "field.unknown_district"),
        ({"received_on": "2023年3月"}, "received_on", "field.invalid_date"),
        ({"amount_claimed": "-5"}, "amount_claimed", "field.out_of_range"),
        ({"amount_claimed": "abc"}, "amount_claimed", "field.not_a_number"),
        ({"colour": "red"}, "colour", "field.unknown_field"),
    ],
)  # fmt: skip
def test_create_rejects(pw: ProtWorld, data: dict[str, str], field: str, key: str) -> None:
    with pytest.raises(ValidationError) as err:
        case(pw.db, pw.w.editor_a, case_no="X", **data)
    assert _keys(err.value)[field] == key
    with pw.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ProtectionCase)) == 0


def test_case_number_is_the_key_per_unit(pw: ProtWorld) -> None:
    w = pw.w
    case(w.db, w.editor_a, case_no="K-1")
    with pytest.raises(ValidationError) as err:
        case(w.db, w.editor_a, case_no="K-1")
    assert _keys(err.value) == {"case_no": "field.duplicate"}
    # another unit may use the same number for its own case
    assert case(w.db, w.editor_b, case_no="K-1").unit_id == w.unit_b


def test_update_and_stale_version(pw: ProtWorld) -> None:
    w = pw.w
    v = case(w.db, w.editor_a, case_no="U-1")
    with w.db.write() as s:
        v2 = do_update_case(
            s,
            w.editor_a,
            v.id,
            expected_version=v.version,
            changes={"closed_on": "2023-04-01", "outcome": "撤诉"},
            today=TODAY,
        )
    assert v2.version == v.version + 1 and v2.outcome == "withdrawn"
    with pytest.raises(StaleVersion) as err, w.db.write() as s:
        do_update_case(
            s, w.admin, v.id, expected_version=v.version, changes={"cause": "x"}, today=TODAY
        )
    assert err.value.current_version == v2.version
    assert err.value.current["outcome"] == "withdrawn"
    assert err.value.as_dict()["error"] == "error.stale_version"
    # the unit cannot be changed by an update (use a transfer)
    with pytest.raises(ValidationError) as verr, w.db.write() as s:
        do_update_case(
            s,
            w.editor_a,
            v.id,
            expected_version=v2.version,
            changes={"unit_id": w.unit_b},
            today=TODAY,
        )
    assert _keys(verr.value) == {"unit_id": "field.unknown_field"}
    # the check across fields uses the stored values: reopening needs the outcome removed
    with pytest.raises(ValidationError) as verr, w.db.write() as s:
        do_update_case(
            s,
            w.editor_a,
            v.id,
            expected_version=v2.version,
            changes={"closed_on": None},
            today=TODAY,
        )
    assert _keys(verr.value) == {"outcome": "field.outcome_needs_closed"}


def test_transfer_joint_history_and_audit(pw: ProtWorld) -> None:
    w = pw.w
    v = case(w.db, w.editor_a, case_no="T-1", claimants="张三")
    with w.db.write() as s:
        after = do_transfer_case(
            s,
            w.editor_a,
            v.id,
            expected_version=v.version,
            to_unit_id=w.unit_b,
            note="移送：张三另案",
            today=TODAY,
        )
    # A gave it away: it keeps a masked read view and cannot change it any more
    assert after.access == "previous" and after.names_masked and after.claimants == "张*"
    assert after.unit_id == w.unit_b
    with pytest.raises(PermissionDenied), w.db.write() as s:
        do_update_case(s, w.editor_a, v.id, expected_version=after.version, changes={"cause": "x"})
    with w.db.write() as s:
        j = do_add_joint_unit(
            s, w.editor_b, v.id, expected_version=after.version, unit_id=pw.unit_c, note="联合"
        )
        assert [(p.unit_id, p.role) for p in j.participants] == [
            (w.unit_a, "previous"),
            (pw.unit_c, "joint"),
        ]
    with w.db.read() as s:
        # the joint unit sees it like the owner (names in clear) but may not change it
        cv = get_case(s, pw.editor_c, v.id)
        assert cv.access == "joint" and cv.claimants == "张三" and not cv.can_edit
        hist_b = case_history(s, w.editor_b, v.id)
        hist_a = case_history(s, w.editor_a, v.id)
    assert [h.kind for h in hist_b] == ["transfer", "join"]
    assert hist_b[0].note == "移送：张三另案" and hist_a[0].note == ""  # A's view is masked
    with pytest.raises(PermissionDenied), w.db.write() as s:
        do_update_case(s, pw.editor_c, v.id, expected_version=j.version, changes={"cause": "x"})
    # transferring back makes A the owner again and B a previous owner
    with w.db.write() as s:
        back = do_transfer_case(
            s, w.admin, v.id, expected_version=j.version, to_unit_id=w.unit_a, today=TODAY
        )
        assert back.access == "office"
        assert {(p.unit_id, p.role) for p in back.participants} == {
            (w.unit_b, "previous"),
            (pw.unit_c, "joint"),
        }
        left = do_remove_joint_unit(
            s, w.editor_a, v.id, expected_version=back.version, unit_id=pw.unit_c
        )
        assert {(p.unit_id, p.role) for p in left.participants} == {
            (w.unit_b, "previous"),
            (pw.unit_c, "previous"),
        }
    with w.db.read() as s:
        actions = [e.action for e in list_audit(s, w.admin, entity="case", entity_id=v.id)]
        assert actions == [
            "case.leave",
            "case.transfer",
            "case.join",
            "case.transfer",
            "case.create",
        ]
        assert s.scalar(select(func.count()).select_from(Referral)) == 4


def test_referral_rules(pw: ProtWorld) -> None:
    w = pw.w
    v = case(w.db, w.editor_a, case_no="R-1")
    case(w.db, w.editor_b, case_no="R-1")
    with pytest.raises(ValidationError) as err, w.db.write() as s:
        do_transfer_case(s, w.editor_a, v.id, expected_version=v.version, to_unit_id=w.unit_b)
    assert _keys(err.value) == {"to_unit_id": "field.duplicate"}  # B has its own R-1
    with pytest.raises(ValidationError) as err, w.db.write() as s:
        do_transfer_case(s, w.editor_a, v.id, expected_version=v.version, to_unit_id=w.unit_a)
    assert _keys(err.value) == {"to_unit_id": "field.same_unit"}
    with pytest.raises(ValidationError) as err, w.db.write() as s:
        do_remove_joint_unit(s, w.editor_a, v.id, expected_version=v.version, unit_id=pw.unit_c)
    assert _keys(err.value) == {"unit_id": "field.not_participant"}
    # a unit cannot record again a case number it gave away or handles jointly
    with w.db.write() as s:
        do_transfer_case(
            s, w.editor_a, v.id, expected_version=v.version, to_unit_id=pw.unit_c, today=TODAY
        )
    with pytest.raises(ValidationError) as err:
        case(w.db, w.editor_a, case_no="R-1")
    assert _keys(err.value) == {"case_no": "field.case_elsewhere"}


def test_delete(pw: ProtWorld) -> None:
    w = pw.w
    v = case(w.db, w.editor_a, case_no="D-1")
    with w.db.write() as s:
        j = do_add_joint_unit(s, w.editor_a, v.id, expected_version=v.version, unit_id=pw.unit_c)
    with pytest.raises(PermissionDenied), w.db.write() as s:
        do_delete_case(s, pw.editor_c, v.id, expected_version=j.version)
    with pytest.raises(NotFound), w.db.write() as s:
        do_delete_case(s, w.editor_b, v.id, expected_version=j.version)
    with w.db.write() as s:
        do_delete_case(s, w.editor_a, v.id, expected_version=j.version, today=TODAY)
    with w.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ProtectionCase)) == 0
        assert s.scalar(select(func.count()).select_from(CaseUnit)) == 0
        entry = list_audit(s, w.admin, entity="case", entity_id=v.id)[0]
        assert entry.action == "case.delete" and entry.before and entry.before["case_no"] == "D-1"
