"""Indicator actuals: computed snapshots (fake engine) beside published values."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from ipcity.workspace import actions as A
from ipcity.workspace import actuals as ACT
from ipcity.workspace.errors import NoWarehouse, StaleVersion, ValidationError
from ipcity.workspace.models import AuditEntry, ComputedActual
from tests.support.ws_fixtures import World


class Table:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def to_pylist(self) -> list[dict[str, Any]]:
        return self.rows


class Result:
    def __init__(self, rows: list[dict[str, Any]], vintage: dict[str, Any]) -> None:
        self.table = Table(rows)
        self.meta = {"vintage": vintage}


class FakeEngine:
    def __init__(self) -> None:
        self.values = {2021: 24.0, 2022: 27.5}
        self.vintage = {"latest_run": 7}
        self.calls: list[tuple[str, str]] = []

    def __call__(
        self, wh: Any, *, indicators: list[str], years: Any, region: str, **_: Any
    ) -> Result:
        self.calls.append((indicators[0], region))
        if indicators[0] == "broken":
            raise KeyError("unknown indicator broken")
        rows = [
            {"indicator": indicators[0], "year": y, "region": region, "value": v}
            for y, v in self.values.items()
        ]
        return Result(rows, self.vintage)


def _targets(w: World) -> tuple[int, int, int]:
    with w.db.write() as s:
        hvp = A.do_create_target(
            s,
            w.admin,
            {
                "plan_id": w.plan,
                "code": "HVP",
                "name": "每万人口高价值发明专利拥有量",
                "engine_indicator": "hvp",
                "unit": "件",
                "direction": "higher",
                "baseline_year": 2020,
                "baseline_value": 20,
                "target_year": 2025,
                "target_value": 40,
            },
        )
        manual = A.do_create_target(
            s,
            w.admin,
            {
                "plan_id": w.plan,
                "code": "PLEDGE",
                "name": "知识产权质押融资额",
                "unit": "亿元",
                "direction": "higher",
                "target_year": 2025,
                "target_value": 100,
            },
        )
        broken = A.do_create_target(
            s,
            w.admin,
            {
                "plan_id": w.plan,
                "code": "BRK",
                "name": "坏指标",
                "engine_indicator": "broken",
                "direction": "lower",
                "target_year": 2025,
                "target_value": 1,
            },
        )
        return hvp.id, manual.id, broken.id


def test_refresh_snapshots_and_side_by_side(world: World) -> None:
    w = world
    hvp, _manual, _broken = _targets(w)
    engine = FakeEngine()
    with w.db.write() as s:
        summary = A.do_refresh_computed_actuals(s, w.admin, warehouse=object(), compute=engine)
    assert summary.snapshots_added == 2 and "broken/ALL" in summary.errors
    assert sorted(engine.calls) == [("broken", "ALL"), ("hvp", "ALL")]
    # Same values and vintage again: nothing new.
    with w.db.write() as s:
        again = A.do_refresh_computed_actuals(s, w.admin, warehouse=object(), compute=engine)
    assert (again.snapshots_added, again.unchanged) == (0, 2)
    # New vintage with a revised 2022 value: one new snapshot, the old one kept.
    engine.values[2022] = 28.0
    engine.vintage = {"latest_run": 8}
    with w.db.write() as s:
        third = A.do_refresh_computed_actuals(s, w.admin, warehouse=object(), compute=engine)
    assert third.snapshots_added == 2  # the vintage changed for both years
    with w.db.write() as s:
        A.do_enter_published_actual(
            s, w.admin, hvp, {"year": 2022, "value": 27.0, "source": "2022年知识产权白皮书"}
        )
        A.do_enter_published_actual(
            s, w.admin, hvp, {"year": 2020, "value": 20.0, "source": "十四五规划"}
        )
    with w.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ComputedActual)) == 4
        series = ACT.indicator_series(s, w.leader, hvp)
    rows = {r.year: r for r in series.rows}
    assert sorted(rows) == [2020, 2021, 2022]
    assert rows[2020].computed is None and rows[2020].difference is None
    assert rows[2021].published is None and rows[2021].computed == 24.0
    # 2022: computed 28.0 (newest snapshot, vintage 8) vs published 27.0: difference 1.0,
    # relative 1/27.
    assert rows[2022].computed == 28.0 and rows[2022].computed_vintage == {"latest_run": 8}
    assert rows[2022].difference == 1.0
    assert rows[2022].relative_difference == pytest.approx(1 / 27)
    assert rows[2022].published_source == "2022年知识产权白皮书"
    # Latest value prefers the published one: 27 -> attainment (27-20)/(40-20) = 0.35
    assert (series.latest_year, series.latest_value) == (2022, 27.0)
    assert series.attainment == pytest.approx(0.35)
    with w.db.read() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "actual.refresh")).all()
    assert audit[0].before == {"computed": {"2021": None, "2022": None}}
    assert audit[0].after["computed"] == {"2021": 24.0, "2022": 27.5}


def test_published_values_need_source_and_version(world: World) -> None:
    w = world
    _hvp, manual, _ = _targets(w)
    with w.db.write() as s, pytest.raises(ValidationError) as info:
        A.do_enter_published_actual(s, w.admin, manual, {"year": 2022, "value": 95.6, "source": ""})
    assert info.value.errors[0].field == "source"
    with w.db.write() as s:
        row = A.do_enter_published_actual(
            s, w.admin, manual, {"year": 2022, "value": 95.6, "source": "年报"}
        )
        assert row.version == 1
    with w.db.write() as s, pytest.raises(StaleVersion):
        A.do_enter_published_actual(
            s, w.admin, manual, {"year": 2022, "value": 96, "source": "更正"}
        )
    with w.db.write() as s:
        row = A.do_enter_published_actual(
            s, w.admin, manual, {"year": 2022, "value": 96, "source": "更正"}, expected_version=1
        )
        assert (row.value, row.version) == (96, 2)
    with w.db.read() as s:
        series = ACT.indicator_series(s, w.editor_a, manual)
    assert [(r.year, r.published, r.computed) for r in series.rows] == [(2022, 96.0, None)]
    assert series.attainment == pytest.approx(0.96)  # no baseline: 96 / 100


def test_attainment_directions() -> None:
    # lower is better: baseline 4.5 months -> target 3.0; actual 3.9: (3.9-4.5)/(3-4.5) = 0.4
    assert ACT.attainment(baseline=4.5, target=3.0, actual=3.9, direction="lower") == pytest.approx(
        0.4
    )
    # lower without baseline: 3 / 4 = 0.75
    assert ACT.attainment(baseline=None, target=3.0, actual=4.0, direction="lower") == 0.75
    assert ACT.attainment(baseline=5.0, target=5.0, actual=6.0, direction="higher") == 1.0
    assert ACT.attainment(baseline=5.0, target=5.0, actual=4.0, direction="higher") == 0.0
    assert ACT.attainment(baseline=1.0, target=2.0, actual=None, direction="higher") is None


def test_without_warehouse(world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    w = world
    _targets(w)
    # No warehouse directory: NoWarehouse (the warehouse is opened read-only, never created).
    monkeypatch.setenv("IPCITY_WAREHOUSE", str(tmp_path / "none"))
    with w.db.write() as s, pytest.raises(NoWarehouse):
        A.do_refresh_computed_actuals(s, w.admin, compute=FakeEngine())


def test_public_sees_only_published_indicators(world: World) -> None:
    from ipcity.workspace.errors import NotFound

    w = world
    hvp, manual, _ = _targets(w)
    with w.db.read() as s, pytest.raises(NotFound):
        ACT.indicator_series(s, w.anonymous, hvp)
    with w.db.write() as s:
        A.do_update_plan(s, w.admin, w.plan, expected_version=1, changes={"published": True})
        A.do_update_target(s, w.admin, hvp, expected_version=1, changes={"published": True})
    with w.db.read() as s:
        assert [x.target.id for x in ACT.plan_indicator_series(s, w.anonymous, w.plan)] == [hvp]
        with pytest.raises(NotFound):
            ACT.indicator_series(s, w.anonymous, manual)


def test_real_engine_on_an_empty_warehouse(world: World, tmp_path: Any) -> None:
    """The call matches the real ipcity.indicators.compute."""
    from ipcity.warehouse.store import Warehouse

    Warehouse(tmp_path / "wh").close()  # an empty warehouse with the schema
    w = world
    with w.db.write() as s:
        target = A.do_create_target(
            s,
            w.admin,
            {
                "plan_id": w.plan,
                "code": "PCT",
                "name": "PCT国际专利申请量",
                "engine_indicator": "pct_applications",
                "region": "310000",
                "direction": "higher",
                "target_year": 2025,
                "target_value": 5000,
            },
        )
    with Warehouse(tmp_path / "wh", read_only=True) as wh, w.db.write() as s:
        summary = A.do_refresh_computed_actuals(s, w.admin, warehouse=wh, years=[2022])
    assert summary.errors == {} and summary.snapshots_added == 1
    with w.db.read() as s:
        (row,) = ACT.indicator_series(s, w.leader, target.id).rows
    assert row.year == 2022 and "latest_run" in (row.computed_vintage or {})
