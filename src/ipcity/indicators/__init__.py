"""The official indicators, written once (Ibis) and run on DuckDB or Spark.

from ipcity.indicators import compute, INDICATORS
result = compute(warehouse, ["high_value_invention_patents_per_10k"], years=[2022],
                 region="310000", population_lag=1)
"""

from __future__ import annotations

from ipcity.indicators.api import IndicatorResult, compute
from ipcity.indicators.config import DefinitionConfig
from ipcity.indicators.expressions import COUNTINGS, DIMENSIONS
from ipcity.indicators.registry import INDICATORS, IndicatorDef

__all__ = [
    "COUNTINGS",
    "DIMENSIONS",
    "INDICATORS",
    "DefinitionConfig",
    "IndicatorDef",
    "IndicatorResult",
    "compute",
]
