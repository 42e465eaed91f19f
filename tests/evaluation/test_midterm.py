"""Mid-term classification: every case computed by hand in the comment beside it."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from ipcity.clock import year_end
from ipcity.errors import InputError
from ipcity.evaluation.midterm import (
    Actual,
    IndicatorTargetInput,
    PathPoint,
    evaluate_indicator,
)
from ipcity.evaluation.thresholds import Thresholds, load_thresholds
from ipcity.evaluation.timeline import period_share, year_time

TH = Thresholds()
AS_OF = date(2025, 12, 31)


def ind(
    actual: float | None,
    *,
    direction: str = "higher",
    baseline: float | None = 100,
    target: float = 200,
    baseline_year: int | None = 2020,
    target_year: int = 2030,
    actual_year: int = 2025,
    milestones: tuple[PathPoint, ...] = (),
) -> IndicatorTargetInput:
    return IndicatorTargetInput(
        code="X",
        name="x",
        direction=direction,  # type: ignore[arg-type]
        baseline_year=baseline_year,
        baseline_value=baseline,
        target_year=target_year,
        target_value=target,
        milestones=milestones,
        actuals=() if actual is None else (Actual(actual_year, actual, "test"),),
    )


# --- the time base


def test_year_end_is_the_year_itself_on_the_year_scale() -> None:
    assert year_end(2022) == date(2022, 12, 31)
    assert year_time(date(2022, 12, 31)) == 2022
    # 2 July 2023 is day 183 of 365: 2022 + 183/365
    assert year_time(date(2023, 7, 2)) == Fraction(2022) + Fraction(183, 365)
    # leap year: 31 Dec 2024 is day 366 of 366 -> exactly 2024
    assert year_time(date(2024, 12, 31)) == 2024


def test_plan_period_share() -> None:
    # 2021-2025 runs from 2020 (end) to 2025 (end); end of 2022 is 2/5 through
    assert period_share(2021, 2025, date(2022, 12, 31)) == Fraction(2, 5)
    # before the start 0, after the end 1
    assert period_share(2021, 2025, date(2019, 5, 1)) == 0
    assert period_share(2021, 2025, date(2027, 1, 1)) == 1


# --- higher is better: baseline 100 (2020), target 200 (2030), actual of 2025
# t = (2025 - 2020) / (2030 - 2020) = 1/2, expected = 100 + 100 x 1/2 = 150, expected gain 50


def test_expected_value_and_ratio_on_the_straight_path() -> None:
    r = evaluate_indicator(ind(160), AS_OF, TH)
    assert r.expected_value == 150
    assert r.time_share == 0.5
    # (160 - 100) / (150 - 100) = 1.2
    assert r.progress_ratio == pytest.approx(1.2)
    # way to target: (160 - 100) / (200 - 100) = 0.6
    assert r.target_share == pytest.approx(0.6)
    assert r.status == "ahead"


@pytest.mark.parametrize(
    ("actual", "status"),
    [
        (152.5, "ahead"),  # 52.5 / 50 = 1.05 exactly: ahead (>= 1.05)
        (152.4, "on_track"),  # 52.4 / 50 = 1.048
        (147.5, "on_track"),  # 47.5 / 50 = 0.95 exactly: on track (>= 0.95)
        (147.4, "lagging"),  # 47.4 / 50 = 0.948
        (200, "achieved_early"),  # target met exactly
        (199.9, "ahead"),  # 99.9 / 50 = 1.998, target not met
        (90, "lagging"),  # worse than the baseline: -10 / 50 = -0.2
    ],
)
def test_boundaries_higher_is_better(actual: float, status: str) -> None:
    assert evaluate_indicator(ind(actual), AS_OF, TH).status == status


# --- lower is better: baseline 200, target 100; expected 150 in 2025, expected gain -50
# ratio = (actual - 200) / (150 - 200): both negative when going to plan


@pytest.mark.parametrize(
    ("actual", "status", "ratio"),
    [
        (147.5, "ahead", 1.05),  # (147.5 - 200) / (150 - 200) = -52.5 / -50 = 1.05
        (147.6, "on_track", 1.048),  # -52.4 / -50
        (152.5, "on_track", 0.95),  # -47.5 / -50
        (152.6, "lagging", 0.948),  # -47.4 / -50
        (100, "achieved_early", 2.0),  # target met exactly: -100 / -50 = 2
        (99, "achieved_early", 2.02),  # beyond the target
        (210, "lagging", -0.2),  # worse than baseline: 10 / -50
    ],
)
def test_boundaries_lower_is_better(actual: float, status: str, ratio: float) -> None:
    r = evaluate_indicator(ind(actual, direction="lower", baseline=200, target=100), AS_OF, TH)
    assert r.status == status
    assert r.progress_ratio == pytest.approx(ratio)


def test_boundary_is_exact_where_floats_are_not() -> None:
    # baseline 0.1, target 0.7 over 2020-2026, actual of 2023: expected = 0.4;
    # (0.415 - 0.1) / (0.4 - 0.1) = 1.05 exactly; in binary floats it is 1.0499999999999996
    assert (0.415 - 0.1) / (0.4 - 0.1) < 1.05
    r = evaluate_indicator(
        ind(0.415, baseline=0.1, target=0.7, target_year=2026, actual_year=2023), AS_OF, TH
    )
    assert r.status == "ahead"


def test_thresholds_are_configurable() -> None:
    strict = Thresholds(ahead=Fraction(11, 10), on_track=Fraction(1))
    # 52.5 / 50 = 1.05: below 1.10 but at least 1.00
    assert evaluate_indicator(ind(152.5), AS_OF, strict).status == "on_track"
    # 49.5 / 50 = 0.99 < 1.00
    assert evaluate_indicator(ind(149.5), AS_OF, strict).status == "lagging"


# --- no ratio: no improvement expected yet


@pytest.mark.parametrize(("actual", "status"), [(100, "on_track"), (101, "ahead"), (99, "lagging")])
def test_at_the_baseline_year_no_ratio(actual: float, status: str) -> None:
    # the latest actual is of the baseline year itself: expected = baseline, no ratio
    r = evaluate_indicator(ind(actual, actual_year=2020), AS_OF, TH)
    assert r.progress_ratio is None
    assert r.expected_value == 100
    assert r.status == status


@pytest.mark.parametrize(("actual", "status"), [(50, "achieved_early"), (49.9, "lagging")])
def test_target_equal_to_baseline_is_a_floor(actual: float, status: str) -> None:
    r = evaluate_indicator(ind(actual, baseline=50, target=50), AS_OF, TH)
    assert r.status == status
    assert r.progress_ratio is None
    assert r.target_share is None
    assert "floor" in r.note


def test_lower_is_better_ceiling() -> None:
    # keep at most 5 (baseline 5): 5.1 breaks the ceiling
    r = evaluate_indicator(ind(5.1, direction="lower", baseline=5, target=5), AS_OF, TH)
    assert r.status == "lagging"


# --- missing data


def test_no_actual_is_no_data() -> None:
    r = evaluate_indicator(ind(None), AS_OF, TH)
    assert r.status == "no_data"
    assert r.progress_ratio is None and r.actual_value is None


def test_a_missing_value_is_not_a_number() -> None:
    i = ind(None)
    i = IndicatorTargetInput(
        **{**i.__dict__, "actuals": (Actual(2024, None), Actual(2025, float("nan")))}
    )
    assert evaluate_indicator(i, AS_OF, TH).status == "no_data"


def test_unfinished_year_is_not_used() -> None:
    # as of 30 June 2026 the 2026 value is a part-year: the 2025 one is used
    i = IndicatorTargetInput(
        **{
            **ind(None).__dict__,
            "actuals": (Actual(2025, 160), Actual(2026, 120)),
        }
    )
    r = evaluate_indicator(i, date(2026, 6, 30), TH)
    assert r.actual_year == 2025 and r.actual_value == 160
    assert r.expected_value == 150  # at the end of 2025, not at mid-2026
    # the path at 30 June 2026: 100 + 100 x (2025 + 181/365 - 2020) / 10
    assert r.expected_at_as_of == pytest.approx(100 + 100 * (5 + 181 / 365) / 10)
    # only the part-year exists: no data
    j = IndicatorTargetInput(**{**ind(None).__dict__, "actuals": (Actual(2026, 120),)})
    assert evaluate_indicator(j, date(2026, 6, 30), TH).status == "no_data"


def test_value_before_baseline_is_ignored() -> None:
    assert evaluate_indicator(ind(150, actual_year=2019), AS_OF, TH).status == "no_data"


def test_no_baseline() -> None:
    assert evaluate_indicator(ind(250, baseline=None, baseline_year=None), AS_OF, TH).status == (
        "achieved_early"
    )
    r = evaluate_indicator(ind(150, baseline=None, baseline_year=None), AS_OF, TH)
    assert r.status == "no_data" and "baseline" in r.note


# --- milestones


def test_path_through_milestones() -> None:
    # 10 (2020) -> 30 (2022) -> 40 (2025)
    ms = (PathPoint(2022, 30),)
    r2021 = evaluate_indicator(
        ind(20, baseline=10, target=40, target_year=2025, actual_year=2021, milestones=ms),
        AS_OF,
        TH,
    )
    assert r2021.expected_value == 20  # halfway to the milestone: 10 + 20 x 1/2
    assert r2021.status == "on_track"  # (20 - 10) / (20 - 10) = 1
    r2023 = evaluate_indicator(
        ind(32, baseline=10, target=40, target_year=2025, actual_year=2023, milestones=ms),
        AS_OF,
        TH,
    )
    # 30 + (40 - 30) x 1/3 = 33.33...; (32 - 10) / (33.33 - 10) = 22 / (70/3) = 0.942857
    assert r2023.expected_value == pytest.approx(100 / 3)
    assert r2023.progress_ratio == pytest.approx(66 / 70)
    assert r2023.status == "lagging"


def test_flat_milestone_gives_no_ratio() -> None:
    # 10 (2020) -> 10 (2022) -> 40 (2025): nothing expected by 2021
    r = evaluate_indicator(
        ind(
            10,
            baseline=10,
            target=40,
            target_year=2025,
            actual_year=2021,
            milestones=(PathPoint(2022, 10),),
        ),
        AS_OF,
        TH,
    )
    assert r.progress_ratio is None and r.status == "on_track"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"milestones": (PathPoint(2030, 1),)}, "milestone year 2030"),
        ({"milestones": (PathPoint(2020, 1),)}, "milestone year 2020"),
        ({"milestones": (PathPoint(2022, 1), PathPoint(2022, 2))}, "two milestones"),
        ({"baseline_year": 2030}, "must be before the target year"),
        ({"direction": "up"}, "direction"),
    ],
)
def test_invalid_indicators_are_one_line_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        evaluate_indicator(ind(150, **kwargs), AS_OF, TH)  # type: ignore[arg-type]


# --- thresholds files


def test_default_thresholds() -> None:
    t = load_thresholds()
    assert t.ahead == Fraction(105, 100) and t.on_track == Fraction(95, 100)


def test_thresholds_file_and_explicit_values(tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "t.toml"
    f.write_text("[midterm]\nahead = 1.1\n", encoding="utf-8")
    t = load_thresholds(f)
    assert t.ahead == Fraction(11, 10) and t.on_track == Fraction(95, 100)
    assert load_thresholds(f, on_track=0.9).on_track == Fraction(9, 10)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[midterm]\nahead = 0.9\n", "on_track <= ahead"),
        ("[midterm]\nfast = 1\n", "unknown key"),
        ("[midterm]\nahead = 'x'\n", "must be a number"),
        ("[midterm\n", "not valid TOML"),
    ],
)
def test_bad_thresholds_files(tmp_path, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "t.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_thresholds(f)
