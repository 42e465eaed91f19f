"""Projection of plan indicators (ipcity.evaluation.project), pinned by hand."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest

from ipcity.evaluation.midterm import Actual, IndicatorTargetInput
from ipcity.evaluation.project import (
    FlowHistory,
    flow_history,
    project_flows,
    project_series,
    project_target,
)
from tests.support.indicator_helpers import build_warehouse, patent


def test_drift_by_hand() -> None:
    # national series 2020-2022: changes 1.2 and 1.9 -> drift 1.55, 2023 = 9.4 + 1.55
    p = project_series({2020: 6.3, 2021: 7.5, 2022: 9.4}, 2023, target=12.0)
    assert p.method == "drift"
    assert p.value == pytest.approx(10.95)
    assert p.low is not None and p.high is not None
    assert p.low < p.value < p.high
    # one degree of freedom: the interval is very wide (Student t, 80%: +-3.08 scale)
    scale = (0.4949747**2 * (1 + 1 / 2)) ** 0.5
    assert p.high - p.low == pytest.approx(2 * 3.0777 * scale, rel=0.1)
    assert p.p_meet_target is not None and 0 < p.p_meet_target < 0.5
    assert set(p.as_dict()) == {"method", "year", "value", "low", "high", "p_meet_target"}


def test_longer_horizon_is_wider_and_lower_is_better() -> None:
    hist = {2018: 10.0, 2019: 11.0, 2020: 11.5, 2021: 13.0}
    near, far = project_series(hist, 2022), project_series(hist, 2025)
    assert (far.high or 0) - (far.low or 0) > (near.high or 0) - (near.low or 0)
    down = project_series({2019: 5.0, 2020: 4.0, 2021: 3.5}, 2023, 2.0, "lower")
    up = project_series({2019: 5.0, 2020: 4.0, 2021: 3.5}, 2023, 2.0, "higher")
    assert down.p_meet_target == pytest.approx(1 - (up.p_meet_target or 0), abs=0.01)


def test_too_short_series_has_no_projection() -> None:
    p = project_series({2021: 1.0, 2022: 2.0}, 2025, 3.0)
    assert p.method == "insufficient_data" and p.value is None and p.p_meet_target is None


def test_flows_with_constant_rates_by_hand() -> None:
    # stock 100 -> grants 10 a year (no drift), 10% newly qualify, 5% leave, every year
    flows = [FlowHistory(y, 100.0, 10.0, 10.0, 5.0, 115.0) for y in (2019, 2020, 2021)]
    p = project_flows(flows, 2023, target=150.0)
    s = 115.0
    for _ in range(2):
        s = s + 10 + 0.05 * s
    assert p.method == "flows"
    assert p.value == pytest.approx(s)  # 137.8375
    assert p.low == pytest.approx(s) and p.high == pytest.approx(s)
    assert p.p_meet_target == 0.0
    # per 10,000 residents: population 1,000,000 flat -> stock / 100
    pop = {2019: 1e6, 2020: 1e6, 2021: 1e6}
    q = project_flows(flows, 2023, population=pop)
    assert q.value == pytest.approx(s / 100)


def test_project_target_from_the_warehouse(tmp_path: Path) -> None:
    # one new high-value (US family) grant a year 2016-2021, none lapse
    pats = [
        patent(f"G{y}", f"{y - 1}-03-01", f"{y}-05-01", family_countries="CN;US")
        for y in range(2016, 2022)
    ]
    parties = [(p[0], "owner", 1, "CN", "310101") for p in pats]
    wh = build_warehouse(tmp_path / "wh", patents=pats, parties=parties)
    flows = flow_history(wh, "high_value_invention_patents", "310000", [2019, 2020, 2021])
    assert [(f.start, f.new_grants, f.leaving, f.end) for f in flows] == [
        (3.0, 1.0, 0.0, 4.0),
        (4.0, 1.0, 0.0, 5.0),
        (5.0, 1.0, 0.0, 6.0),
    ]
    target = IndicatorTargetInput(
        code="HV",
        name="high-value",
        direction="higher",
        target_year=2025,
        target_value=10.0,
        baseline_year=2020,
        baseline_value=5.0,
        engine_indicator="high_value_invention_patents",
        actuals=(Actual(2020, 5.0), Actual(2021, 6.0)),
        region="310000",
    )
    p = project_target(target, date(2022, 6, 30), wh, region="310000")
    assert p.method == "flows"
    assert p.value == pytest.approx(10.0)  # 6 + one grant a year for four years
    assert p.p_meet_target == 1.0
    done = project_target(target, date(2026, 1, 1), None)
    # no warehouse, two values: too few for the drift method
    assert done.method == "insufficient_data"
    observed = IndicatorTargetInput(**{**target.__dict__, "actuals": (Actual(2025, 9.0),)})
    o = project_target(observed, date(2026, 1, 1), None)
    assert (o.method, o.value, o.p_meet_target) == ("observed", 9.0, 0.0)


def test_evaluate_json_has_a_projection_per_target(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from ipcity.cli import app
    from ipcity.workspace.db import open_db
    from ipcity.workspace.models import IndicatorTarget, Plan, PublishedActual

    pats = [
        patent(f"G{y}", f"{y - 1}-03-01", f"{y}-05-01", family_countries="CN;US")
        for y in range(2016, 2022)
    ]
    parties = [(p[0], "owner", 1, "CN", "310101") for p in pats]
    wh = build_warehouse(tmp_path / "wh", patents=pats, parties=parties)
    wh.close()
    url = f"sqlite:///{tmp_path / 'ws.sqlite'}"
    db = open_db(url)
    with db.write() as s:
        plan = Plan(code="FYP", title="规划", kind="five_year", start_year=2021, end_year=2025)
        s.add(plan)
        s.flush()
        hv = IndicatorTarget(
            plan_id=plan.id,
            code="HV",
            name="高价值",
            direction="higher",
            baseline_year=2020,
            baseline_value=5,
            target_year=2025,
            target_value=12,
            engine_indicator="high_value_invention_patents",
            region="310000",
        )
        pub = IndicatorTarget(
            plan_id=plan.id,
            code="P",
            name="公布",
            direction="higher",
            baseline_year=2019,
            baseline_value=1,
            target_year=2025,
            target_value=9,
        )
        s.add_all([hv, pub])
        s.flush()
        s.add_all(
            [
                # entered before the as-of date: a value entered later would not count then
                PublishedActual(
                    target_id=pub.id,
                    year=y,
                    value=v,
                    source="公报",
                    entered_at=datetime(2022, 3, 1, 2),
                )
                for y, v in ((2019, 1.0), (2020, 2.5), (2021, 3.0))
            ]
        )
    out = CliRunner().invoke(
        app,
        [
            "evaluate",
            "--plan",
            "FYP",
            "--as-of",
            "2022-06-30",
            "--format",
            "json",
            "--warehouse",
            str(tmp_path / "wh"),
            "--db",
            url,
        ],
    )
    assert out.exit_code == 0, out.output
    rows = {r["code"]: r for r in json.loads(out.output)["indicators"]}
    assert rows["HV"]["projection"]["method"] == "flows"
    assert rows["HV"]["projection"]["value"] == pytest.approx(10.0)
    assert rows["HV"]["projection"]["p_meet_target"] == 0.0
    p = rows["P"]["projection"]
    assert p["method"] == "drift" and p["year"] == 2025
    assert p["value"] == pytest.approx(3.0 + 4 * 1.0)  # drift (1.5 + 0.5) / 2 = 1
    assert p["low"] < p["value"] < p["high"]
    assert 0 < p["p_meet_target"] < 0.5


def test_drift_fit_by_hand_and_with_a_gap() -> None:
    from ipcity.evaluation.project import fit_drift

    # changes 1.2, 1.9, 2.4: mean 1.8333, unbiased variance 0.3633
    drift, s2, m = fit_drift({2020: 6.3, 2021: 7.5, 2022: 9.4, 2023: 11.8})
    assert (drift, s2, m) == (pytest.approx(5.5 / 3), pytest.approx(0.36333333), 3)
    # 2019 missing: the 2018 -> 2020 change of 4 counts as 2 a year, with weight 2
    drift, s2, m = fit_drift({2017: 1.0, 2018: 2.0, 2020: 6.0, 2021: 9.0})
    assert m == 3 and drift == pytest.approx((1 * 1 + 2 * 2 + 1 * 3) / 4)


def test_drift_interval_is_wider_than_the_textbook_one() -> None:
    """statsmodels' own ARIMA interval treats the fitted drift and noise as known; ours
    draws them too, so it is never narrower (and much wider on four points)."""
    import warnings

    from statsmodels.tsa.arima.model import ARIMA

    values = [6.3, 7.5, 9.4, 11.8]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = ARIMA(np.array(values), order=(0, 1, 0), trend="t").fit().get_forecast(2)
    lo, hi = fc.conf_int(alpha=0.2)[-1]
    p = project_series(dict(zip(range(2020, 2024), values, strict=True)), 2025)
    assert p.value == pytest.approx(fc.predicted_mean[-1], rel=1e-4)
    assert p.low is not None and p.high is not None
    assert p.low < lo and p.high > hi
    assert (p.high - p.low) > 1.5 * (hi - lo)


def _flows(shares: list[float]) -> list[FlowHistory]:
    # stock 1,000 each year, grants 50 + 5 a year, the given shares newly qualifying
    return [
        FlowHistory(2017 + i, 1000.0, 50.0 + 5 * i, q * 1000, 20.0, 1000.0)
        for i, q in enumerate(shares)
    ]


def test_flows_interval_carries_the_uncertainty_of_the_rates() -> None:
    steady = project_flows(_flows([0.05, 0.05, 0.05, 0.05, 0.05]), 2026)
    noisy = project_flows(_flows([0.03, 0.07, 0.04, 0.06, 0.05]), 2026)
    # same mean share, same grants: the same point value (rolled forward by hand)
    s, g = 1000.0, 70.0
    for _ in range(5):
        g += 5
        s = s + g + (0.05 - 0.02) * s
    assert steady.value == pytest.approx(s) and noisy.value == pytest.approx(s)
    assert steady.low is not None and steady.high is not None
    assert noisy.low is not None and noisy.high is not None
    assert noisy.high - noisy.low > steady.high - steady.low
    # five years ahead, the unknown mean share dominates: the interval is wider than the one
    # a share drawn afresh each year (no persistent uncertainty) would give
    rng = np.random.default_rng(1)
    shares = np.array([0.03, 0.07, 0.04, 0.06, 0.05])
    yearly_only = []
    for _ in range(4000):
        st, gg = 1000.0, 70.0
        for _ in range(5):
            gg += 5
            st = st + gg + (rng.choice(shares) - 0.02) * st
        yearly_only.append(st)
    lo, hi = np.percentile(yearly_only, [10, 90])
    assert noisy.high - noisy.low > 1.3 * (hi - lo)


def test_flows_interval_carries_the_population_uncertainty() -> None:
    flows = _flows([0.05] * 5)
    line = {2017: 1.00e6, 2018: 1.01e6, 2019: 1.02e6, 2020: 1.03e6, 2021: 1.04e6}
    wobbly = {2017: 1.00e6, 2018: 1.03e6, 2019: 1.00e6, 2020: 1.05e6, 2021: 1.02e6}
    exact = project_flows(flows, 2024, population=line)
    noisy = project_flows(flows, 2024, population=wobbly)
    assert exact.low is not None and exact.high is not None
    assert noisy.low is not None and noisy.high is not None
    assert noisy.high - noisy.low > exact.high - exact.low


def test_basis_in_plain_words() -> None:
    from ipcity.evaluation.project_text import basis, method_label

    flows = _flows([0.03, 0.07, 0.04, 0.06, 0.05])
    pop = {2017: 1.00e6, 2018: 1.01e6, 2019: 1.02e6, 2020: 1.03e6, 2021: 1.04e6}
    p = project_flows(flows, 2025, population=pop)
    assert basis(p, "zh") == (
        "按2017–2021年实测情况逐年推算：上年新授权70件（近年每年约增加5件），"
        "每年约5.0%的存量专利新达到高价值标准，每年约2.0%因失效、期满或不再达标退出；"
        "人口按近年趋势推至2025年，约108万人。"
    )
    assert basis(p, "en") == (
        "Rolled forward year by year from 2017–2021: 70 new grants in the last year (rising by "
        "about 5 a year); each year about 5.0% of the patents newly meet a high-value "
        "criterion; about 2.0% lapse, expire or no longer qualify each year; population by its "
        "recent trend, about 1.08 million in 2025."
    )
    d = project_series({2020: 6.3, 2021: 7.5, 2022: 9.4}, 2025)
    assert basis(d, "zh") == (
        "按2020–2022年共3个年度值的趋势推算：平均每年增加1.55，各年变化相差约0.49；"
        "年度值少，区间相应放宽。"
    )
    assert method_label(d, "en") == "trend of the yearly values"
    for lang in ("zh", "en"):
        for text in (basis(p, lang), basis(d, lang), method_label(p, lang)):  # type: ignore[arg-type]
            for internal in ("flows", "drift", "engine", "ARIMA"):
                assert internal not in text


def test_the_baseline_counts_as_an_observed_value() -> None:
    target = IndicatorTargetInput(
        code="P",
        name="published",
        direction="higher",
        target_year=2025,
        target_value=9.0,
        baseline_year=2020,
        baseline_value=5.0,
        engine_indicator=None,
        actuals=(Actual(2021, 6.0), Actual(2022, 7.0), Actual(2023, 99.0)),
        region="310000",
    )
    # 2020 (baseline), 2021, 2022 by 30 June 2023: three values, one a year -> 2025 = 10
    p = project_target(target, date(2023, 6, 30), None)
    assert p.method == "drift" and p.inputs["years"] == [2020, 2021, 2022]
    assert p.value == pytest.approx(10.0)
