"""A hand-made ReportData: the numbers of Shanghai's 2022 report, districts, tasks, a plan.

Imported by the tests as ``report_samples`` (a unique name: every test directory has a
conftest.py)."""

from __future__ import annotations

from datetime import date

from ipcity.evaluation.midterm import Actual, IndicatorTargetInput
from ipcity.evaluation.plan import PlanInput, evaluate_plan
from ipcity.evaluation.tasks import (
    TaskInput,
    UnitRef,
    completion_by_unit,
    completion_row,
    overdue_tasks,
)
from ipcity.evaluation.thresholds import Thresholds
from ipcity.reports.model import (
    DataNotes,
    DistrictComparison,
    DistrictValue,
    HeadlineFigure,
    ReportData,
    TaskSummary,
)

OFFICE = UnitRef("SIPA", "市知识产权局", "municipal", sort_order=1)
COURT = UnitRef("HPC", "市高级人民法院", "municipal", sort_order=2)
PUDONG = UnitRef("PD", "浦东新区", "district", admin_code="310115", sort_order=10)


def headline_figures() -> tuple[HeadlineFigure, ...]:
    return (
        HeadlineFigure(
            "patents_granted", "专利授权量", "Patents granted", "count", 178300.0, 179317.0
        ),
        HeadlineFigure(
            "pct_applications",
            "PCT国际专利申请量",
            "PCT international applications",
            "count",
            5591.0,
            4830.0,
            change=15.755693581780538,  # (5591 - 4830) / 4830 x 100, as the engine gives it
        ),
        HeadlineFigure(
            "high_value_invention_patents_per_10k",
            "每万人口高价值发明专利拥有量",
            "High-value invention patents per 10,000 residents",
            "rate",
            40.89,
            34.23,
            change=6.66,
            change_kind="absolute",
            places=1,
        ),
        HeadlineFigure(
            "invention_patents_in_force",
            "有效发明专利拥有量",
            "Invention patents in force",
            "count",
            201900.0,
            171500.0,
        ),
    )


def sample_tasks() -> tuple[TaskInput, ...]:
    return (
        TaskInput(
            "T1",
            "制定知识产权强市建设纲要",
            OFFICE,
            date(2022, 6, 30),
            completed_on=date(2022, 6, 20),
            area_code="G1",
            area_title="知识产权创造",
        ),
        TaskInput(
            "T2",
            "完善知识产权审判机制",
            COURT,
            date(2022, 9, 30),
            completed_on=date(2022, 10, 15),
            area_code="G2",
            area_title="知识产权保护",
        ),
        TaskInput(
            "T3",
            "建设知识产权保护中心",
            PUDONG,
            date(2022, 11, 30),
            area_code="G2",
            area_title="知识产权保护",
        ),
        TaskInput(
            "T4",
            "开展专利转化专项计划",
            OFFICE,
            date(2023, 3, 31),
            area_code="G1",
            area_title="知识产权创造",
        ),
    )


def sample_report_data() -> ReportData:
    as_of = date(2022, 12, 31)
    tasks = sample_tasks()
    th = Thresholds()
    share = None
    plan = PlanInput(
        code="FYP14",
        title="上海市知识产权保护和运用“十四五”规划",
        start_year=2021,
        end_year=2025,
        indicators=(
            IndicatorTargetInput(
                code="HV10K",
                name="每万人口高价值发明专利拥有量",
                unit="件",
                direction="higher",
                baseline_year=2020,
                baseline_value=26.5,
                target_year=2025,
                target_value=50.0,
                actuals=(Actual(2021, 34.2, "published"), Actual(2022, 40.9, "published")),
                binding=False,
            ),
            IndicatorTargetInput(
                code="PCT",
                name="PCT国际专利申请量",
                unit="件",
                direction="higher",
                baseline_year=2020,
                baseline_value=3558,
                target_year=2025,
                target_value=6000,
                actuals=(Actual(2022, 5591, "computed"),),
            ),
        ),
        tasks=tasks,
    )
    evaluation = evaluate_plan(plan, as_of, th)
    districts = tuple(
        DistrictValue(code, zh, en, v, p)
        for code, zh, en, v, p in (
            ("310115", "浦东新区", "Pudong New Area", 30000.0, 28000.0),
            ("310104", "徐汇区", "Xuhui District", 12000.0, 12500.0),
            ("310112", "闵行区", "Minhang District", 15000.0, 14000.0),
            ("310151", "崇明区", "Chongming District", 900.0, None),
        )
    )
    return ReportData(
        year=2022,
        city_code="310000",
        city_name_zh="上海市",
        city_name_en="Shanghai",
        as_of=as_of,
        report_date=date(2023, 5, 10),
        headline=headline_figures(),
        notes=DataNotes(
            definition_version="hv-2021.1",
            vintage={"latest_run": 7, "latest_run_at": "2023-04-01T10:00:00", "runs": 7},
            population_sources=("Shanghai statistical bulletin 2021",),
            population_lag=1,
            counting="first",
            region="310000",
            engine="duckdb",
            command="ipcity indicators --year 2021..2022 --region 310000 --population-lag 1 "
            "--format json",
        ),
        districts=(
            DistrictComparison("patents_granted", "专利授权量", "Patents granted", 2022, districts),
        ),
        tasks=TaskSummary(
            title="2022年上海市知识产权强市建设推进计划",
            as_of=as_of,
            overall=completion_row("", "", tasks, as_of, share, th),
            by_unit=tuple(completion_by_unit(tasks, as_of, share, th)),
            overdue=tuple(overdue_tasks(tasks, as_of)),
            work_plans=("2022年上海市知识产权强市建设推进计划",),
        ),
        evaluation=evaluation,
        issuer_zh="上海市知识产权联席会议办公室",
        issuer_en="Office of the Shanghai IP Joint Conference",
    )
