"""What an annual work report is made of: numbers from the engine and the workspace only.

``gather.gather_report_data`` fills a :class:`ReportData` from the warehouse and the workspace;
tests and other callers may build one by hand. Nothing here is text for the reader except
names (zh and en) that come with the data: ``compose`` writes the sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, Protocol

from ipcity.evaluation.assessment import AssessmentResult
from ipcity.evaluation.plan import MidtermEvaluation
from ipcity.evaluation.tasks import CompletionRow, OverdueTask
from ipcity.numbers import Lang
from ipcity.reports.document import Section

ChangeKind = Literal["percent", "absolute"]
ValueKind = Literal["count", "rate", "percent"]


@dataclass(frozen=True)
class HeadlineFigure:
    """One headline indicator for the report year and the year before.

    ``change`` is the engine's own change where it computes one (growth % of PCT
    applications, change of the per-10k value), so the report prints exactly what
    ``ipcity indicators`` prints; otherwise ``compose`` derives it from value and previous.
    """

    indicator: str
    name_zh: str
    name_en: str
    kind: ValueKind
    value: float | None
    previous: float | None = None
    change: float | None = None
    change_kind: ChangeKind = "percent"
    unit_zh: str = "件"
    unit_en: str = ""
    places: int = 0  # decimals shown for the value (1 for per-10k values)

    def name(self, lang: Lang) -> str:
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class DistrictValue:
    code: str
    name_zh: str
    name_en: str
    value: float | None
    previous: float | None = None

    def name(self, lang: Lang) -> str:
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class DistrictComparison:
    """One indicator across the districts of the city, this year and last."""

    indicator: str
    name_zh: str
    name_en: str
    year: int
    rows: tuple[DistrictValue, ...]
    kind: ValueKind = "count"
    places: int = 0
    unit_zh: str = "件"
    unit_en: str = ""

    def name(self, lang: Lang) -> str:
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class TaskSummary:
    """The key tasks of the year's work plan(s) as of ``as_of``."""

    title: str
    as_of: date
    overall: CompletionRow
    by_unit: tuple[CompletionRow, ...]
    overdue: tuple[OverdueTask, ...]
    work_plans: tuple[str, ...] = ()  # titles; empty: the workspace has none for the year


@dataclass(frozen=True)
class DataNotes:
    """Where the figures come from: shown in the last section of every report."""

    definition_version: str
    vintage: dict[str, Any]
    population_sources: tuple[str, ...]
    population_lag: int
    counting: str
    region: str
    engine: str
    command: str  # the `ipcity indicators` command that prints the same numbers
    warnings: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()


class SectionSource(Protocol):
    """Anything that can add a section to the report (a ready :class:`Section` is one):
    returns the section in ``lang``, or None to add nothing."""

    def section(self, lang: Lang) -> Section | None: ...


@dataclass
class ReportData:
    year: int
    city_code: str
    city_name_zh: str
    city_name_en: str
    as_of: date
    report_date: date
    headline: tuple[HeadlineFigure, ...]
    notes: DataNotes
    districts: tuple[DistrictComparison, ...] = ()
    tasks: TaskSummary | None = None
    evaluation: MidtermEvaluation | None = None
    assessment: AssessmentResult | None = None
    extra_sections: list[SectionSource] = field(default_factory=list)
    issuer_zh: str = ""
    issuer_en: str = ""
    explained: Any = None  # ipcity.reports.decomposition.ExplainedChange of the headline ratio
    projections: Any = None  # [(indicator name, ipcity.evaluation.project.Projection)]

    def figure(self, indicator: str) -> HeadlineFigure | None:
        return next((f for f in self.headline if f.indicator == indicator), None)

    def city_name(self, lang: Lang) -> str:
        return self.city_name_zh if lang == "zh" else self.city_name_en
