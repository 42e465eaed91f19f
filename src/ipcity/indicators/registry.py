"""The official indicators: ids (part of the interface), names, units and where each
definition comes from. Docs, the CLI and reports read this registry; ``compute`` implements it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["flow", "stock", "ratio"]

_CNIPA_STATS = (
    "CNIPA patent statistics (国家知识产权局专利统计年报 / 专利统计简报): applications by "
    "application date, grants by grant announcement date, attributed to the first-named "
    "applicant's region"
)
_NBS_PER_10K = (
    "NBS / CNIPA indicator explanation of 每万人口发明专利拥有量: invention patents in force "
    "at year end / resident population x 10,000 (national and provincial statistical "
    "bulletins; Shanghai divides by the previous year-end population, see population_lag)"
)
_FYP14 = (
    "14th Five-Year Plan (国民经济和社会发展第十四个五年规划和2035年远景目标纲要) indicator "
    "explanation of 每万人口高价值发明专利拥有量, CNIPA 2021: invention patents in force that "
    "belong to a strategic emerging industry, have an overseas family member, have been "
    "maintained for more than 10 years, carry pledge financing of at least CNY 10 million, or "
    "have won the China Patent Award / a national S&T award (national list only)"
)


@dataclass(frozen=True)
class IndicatorDef:
    id: str
    name_zh: str
    name_en: str
    unit: str
    kind: Kind
    description: str
    source: str


def _defs(*items: IndicatorDef) -> dict[str, IndicatorDef]:
    return {d.id: d for d in items}


INDICATORS: dict[str, IndicatorDef] = _defs(
    IndicatorDef(
        "patents_granted",
        "专利授权量",
        "Patents granted",
        "patents",
        "flow",
        "Inventions, utility models and designs granted in the year (grant_date), of the "
        "office chosen (CN by default); attributed to applicants.",
        _CNIPA_STATS,
    ),
    IndicatorDef(
        "invention_patents_granted",
        "发明专利授权量",
        "Invention patents granted",
        "patents",
        "flow",
        "Invention patents granted in the year (grant_date), of the office chosen (CN by "
        "default); attributed to applicants.",
        _CNIPA_STATS,
    ),
    IndicatorDef(
        "utility_models_granted",
        "实用新型专利授权量",
        "Utility models granted",
        "patents",
        "flow",
        "Utility model patents granted in the year (grant_date), of the office chosen (CN by "
        "default); attributed to applicants.",
        _CNIPA_STATS,
    ),
    IndicatorDef(
        "designs_granted",
        "外观设计专利授权量",
        "Design patents granted",
        "patents",
        "flow",
        "Design patents granted in the year (grant_date), of the office chosen (CN by "
        "default); attributed to applicants.",
        _CNIPA_STATS,
    ),
    IndicatorDef(
        "patent_applications",
        "专利申请量",
        "Patent applications",
        "applications",
        "flow",
        "Invention, utility model and design applications filed in the year "
        "(application_date), of the office chosen (CN by default); attributed to applicants.",
        _CNIPA_STATS,
    ),
    IndicatorDef(
        "pct_applications",
        "PCT国际专利申请量",
        "PCT international applications",
        "applications",
        "flow",
        "PCT applications (office WO) by international filing year (application_date); "
        "attributed to applicants.",
        "CNIPA / WIPO PCT statistics (CNIPA annual report table 6-4): PCT applications by "
        "international filing date",
    ),
    IndicatorDef(
        "pct_applications_growth_pct",
        "PCT国际专利申请量增长率",
        "Growth of PCT international applications",
        "percent",
        "ratio",
        "(PCT applications this year - last year) / last year x 100; empty with a note when "
        "last year had none.",
        "Year-on-year growth as published in the Shanghai IP Joint Conference reports",
    ),
    IndicatorDef(
        "invention_patents_in_force",
        "有效发明专利拥有量",
        "Invention patents in force",
        "patents",
        "stock",
        "Invention patents (office chosen, CN by default) granted on or before 31 December, "
        "not lapsed on or before that day and within their statutory term; attributed to "
        "owners, or to applicants where a patent has no owner rows.",
        "CNIPA statistics of 有效发明专利 (patents in force at year end, by the patentee)",
    ),
    IndicatorDef(
        "invention_patents_in_force_per_10k",
        "每万人口发明专利拥有量",
        "Invention patents in force per 10,000 residents",
        "per 10,000 residents",
        "ratio",
        "invention_patents_in_force / resident population x 10,000 (population of the same "
        "year, or of the year before with population_lag=1).",
        _NBS_PER_10K,
    ),
    IndicatorDef(
        "high_value_invention_patents",
        "高价值发明专利拥有量",
        "High-value invention patents in force",
        "patents",
        "stock",
        "Invention patents in force at 31 December meeting at least one high-value criterion "
        "(strategic emerging industry IPC, overseas family, maintained > 10 years, pledges "
        ">= CNY 10 million, award); criteria and threshold set by the versioned definition.",
        _FYP14,
    ),
    IndicatorDef(
        "high_value_invention_patents_per_10k",
        "每万人口高价值发明专利拥有量",
        "High-value invention patents per 10,000 residents",
        "per 10,000 residents",
        "ratio",
        "high_value_invention_patents / resident population x 10,000 (population of the same "
        "year, or of the year before with population_lag=1).",
        _FYP14,
    ),
    IndicatorDef(
        "high_value_invention_patents_per_10k_change",
        "每万人口高价值发明专利拥有量增加值",
        "Change of high-value invention patents per 10,000 residents",
        "per 10,000 residents",
        "ratio",
        "This year's high_value_invention_patents_per_10k minus last year's.",
        "Shanghai IP Joint Conference reports (e.g. +6.7 in 2022)",
    ),
)

# Indicators counted from patents (the engines compute these); ratios derive from them.
COUNTED: tuple[str, ...] = tuple(k for k, d in INDICATORS.items() if d.kind != "ratio")

# What each ratio needs: (counted indicator, needs the year before).
RATIO_INPUTS: dict[str, tuple[str, bool]] = {
    "pct_applications_growth_pct": ("pct_applications", True),
    "invention_patents_in_force_per_10k": ("invention_patents_in_force", False),
    "high_value_invention_patents_per_10k": ("high_value_invention_patents", False),
    "high_value_invention_patents_per_10k_change": ("high_value_invention_patents", True),
}

FLOWS: tuple[str, ...] = tuple(k for k, d in INDICATORS.items() if d.kind == "flow")
STOCKS: tuple[str, ...] = tuple(k for k, d in INDICATORS.items() if d.kind == "stock")
