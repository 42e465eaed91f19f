"""``compute``: the official indicators from a warehouse, on DuckDB or Spark."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from ipcity import settings
from ipcity.errors import IpcityError
from ipcity.geo.regions import check_region
from ipcity.indicators import assemble, sei
from ipcity.indicators.awards import AwardNames
from ipcity.indicators.config import DefinitionConfig
from ipcity.indicators.dataset import dataset_for
from ipcity.indicators.engines import ENGINES, open_tables
from ipcity.indicators.expressions import COUNTINGS, DIMENSIONS, Plan, counts
from ipcity.indicators.registry import COUNTED, INDICATORS, RATIO_INPUTS
from ipcity.indicators.spark_settings import SparkSettings
from ipcity.warehouse.store import Warehouse

_REGION = re.compile(r"^(ALL|[A-Z]{2}|[0-9]{6})$")
_OFFICE = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class IndicatorResult:
    """``table``: indicator, year, region, value, <by dims>, note. ``meta``: how it was
    computed (definition version and criteria, counting, population lag and sources, data
    vintage, engine, warnings)."""

    table: pa.Table
    meta: dict[str, Any]

    def to_json_dict(self) -> dict[str, Any]:
        return {"meta": self.meta, "rows": self.table.to_pylist()}


def _choices(kind: str, value: object, valid: Sequence[str]) -> IpcityError:
    return IpcityError(f"unknown {kind} '{value}' (valid: {', '.join(valid)})")


def _validate(
    indicators: Sequence[str] | None,
    years: Sequence[int] | None,
    region: str,
    by: Sequence[str],
    counting: str,
    population_lag: int | None,
    engine: str,
) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    if isinstance(indicators, str):
        indicators = [indicators]
    wanted = tuple(indicators) if indicators is not None else tuple(INDICATORS)
    if not wanted:
        raise IpcityError("no indicator requested (valid: " + ", ".join(INDICATORS) + ")")
    for ind in wanted:
        if ind not in INDICATORS:
            raise _choices("indicator", ind, list(INDICATORS))
    if counting not in COUNTINGS:
        raise _choices("counting", counting, COUNTINGS)
    if engine not in ENGINES:
        raise _choices("engine", engine, ENGINES)
    if isinstance(by, str):
        by = [by]
    for d in by:
        if d not in DIMENSIONS:
            raise _choices("breakdown", d, DIMENSIONS)
    if len(set(by)) != len(by):
        raise IpcityError(f"breakdown lists a dimension twice: {', '.join(by)}")
    if "inventor_country" in by and ({"region_code", "applicant_country"} & set(by)):
        raise IpcityError(
            "inventor_country cannot be combined with region_code or applicant_country "
            "(inventors and applicants/owners are different parties); break down by one of them"
        )
    reg = str(region).strip().upper()
    if not _REGION.match(reg):
        raise IpcityError(
            f"invalid region '{region}' (valid: ALL, a two-letter country such as CN or HK, or "
            "a six-digit GB/T 2260 code such as 310000 or 310104)"
        )
    reg = check_region(reg)  # a known code or country (one-line InputError otherwise)
    if population_lag is not None and (
        isinstance(population_lag, bool) or population_lag not in (0, 1)
    ):
        raise IpcityError(
            f"invalid population_lag '{population_lag}' (valid: 0, 1); leave it out to use "
            "each region's configured lag"
        )
    if years is not None:
        if isinstance(years, int):
            years = [years]
        bad = [y for y in years if isinstance(y, bool) or not isinstance(y, int)]
        if bad or not years:
            raise IpcityError(f"years must be a non-empty list of whole years, not {years!r}")
        if any(y < 1800 or y > 2200 for y in years):
            raise IpcityError(f"years out of range 1800-2200: {sorted(years)}")
    return wanted, reg, tuple(by)


def _data_years(tables: dict[str, Any]) -> tuple[int, ...]:
    p = tables["patents"]
    row = (
        p.aggregate(
            a0=p.application_date.year().min(),
            a1=p.application_date.year().max(),
            g0=p.grant_date.year().min(),
            g1=p.grant_date.year().max(),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    found = [int(v) for v in row.values() if v is not None]
    if not found:
        return ()
    return tuple(range(min(found), max(found) + 1))


def _definition(config: DefinitionConfig | None, definition: str | int | None) -> DefinitionConfig:
    if config is None:
        return (
            DefinitionConfig.default()
            if definition is None
            else DefinitionConfig.shipped(definition)
        )
    if definition is not None and str(definition).strip() != config.version:
        raise IpcityError(
            f"definition {definition} and a configuration of version {config.version} given: "
            "give one of them"
        )
    return config


def _office(office: str | None, dims: tuple[str, ...], cfg: DefinitionConfig) -> str:
    """The office counted: the one asked for, else every office (but WO) when broken down by
    office, else the definition's (CN)."""
    if office is None:
        return "ALL" if "office" in dims else cfg.office
    code = str(office).strip().upper()
    if code == "WO":
        raise IpcityError(
            "office WO is not a patent office of grants: PCT applications are always counted "
            "by pct_applications; choose CN, another two-letter code, or ALL"
        )
    if code != "ALL" and not _OFFICE.match(code):
        raise IpcityError(
            f"invalid office '{office}' (valid: ALL or a two-letter code such as CN, US)"
        )
    return code


def _award_names(raw: dict[str, Any]) -> AwardNames:
    a = raw["awards"]
    rows = a.group_by("award").aggregate(n=a.count()).to_pyarrow().to_pylist()
    return AwardNames.of((str(r["award"]), int(r["n"])) for r in rows)


@dataclass
class CriteriaInputs:
    """What the high-value criteria read besides the patents: the SEI concordance, the award
    names that count, and how they were found (for the result's meta)."""

    concordance: sei.Concordance | None = None
    award_names: tuple[str, ...] | None = None
    sei_meta: dict[str, Any] = field(default_factory=lambda: {"source": "not used"})
    award_meta: dict[str, Any] = field(default_factory=lambda: {"used": False})
    family_meta: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def criteria_inputs(
    raw: dict[str, Any], cfg: DefinitionConfig, hv: bool, dims: Sequence[str]
) -> CriteriaInputs:
    out = CriteriaInputs()
    if (hv and cfg.sei) or "sei_branch" in dims:
        out.concordance, sei_warnings = sei.resolve(raw["sei_concordance"], cfg)
        out.sei_meta = out.concordance.summary() | {"keyword_rule": cfg.sei_keyword_rule}
        out.warnings += sei_warnings
    if hv and cfg.family and cfg.family_dated:
        out.family_meta = {"dated_patents": _dated_patents(raw)}
    if hv and cfg.award:
        names = _award_names(raw)
        out.award_meta = {"used": True, "list": cfg.award_list} | names.listing(cfg.award_list)
        out.warnings += names.warnings(cfg.award_list)
        if cfg.award_list != "any":
            out.award_names = names.counted_names(cfg.award_list)
    return out


def compute(
    warehouse: Warehouse,
    indicators: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    region: str = "ALL",
    by: Sequence[str] = (),
    counting: str = "first",
    population_lag: int | None = None,
    engine: str = "duckdb",
    config: DefinitionConfig | None = None,
    *,
    office: str | None = None,
    definition: str | int | None = None,
    data: str | None = None,
    spark: SparkSettings | None = None,
) -> IndicatorResult:
    """Compute indicators (ids of ``INDICATORS``; None = all) for ``years`` (None = every year
    from the first to the last application or grant year in the warehouse) in ``region``
    (ALL, a country code or a GB/T 2260 code), broken down ``by`` dimensions, with the
    ``counting`` rule (first | whole | fractional). ``office``: the patent office of every
    indicator but the PCT ones (a code, or ALL = every office but WO; None = the definition's,
    CN, or ALL when broken down by office). ``population_lag``: None = each region's
    configured lag (``ipcity.settings.population_lag``). ``definition``: a shipped definition
    version ("1", "2"; None = the current one); ``config``: a custom definition. On Spark,
    ``data`` is an exported dataset (``ipcity export``; refused when stale or partial) and
    ``spark`` the Spark target."""
    wanted, reg, dims = _validate(indicators, years, region, by, counting, population_lag, engine)
    dataset = dataset_for(data, engine, warehouse)
    cfg = _definition(config, definition)
    chosen_office = _office(office, dims, cfg)
    lag: assemble.Lag = population_lag if population_lag is not None else settings.population_lag
    warnings: list[str] = []
    with open_tables(warehouse, engine, dataset, spark) as (tables, raw):
        out_years = tuple(sorted(set(years))) if years is not None else _data_years(raw)
        counted = sorted(
            {RATIO_INPUTS[i][0] if i in RATIO_INPUTS else i for i in wanted},
            key=COUNTED.index,
        )
        needs_prior = any(i in RATIO_INPUTS and RATIO_INPUTS[i][1] for i in wanted)
        needed_years = set(out_years)
        if needs_prior:
            needed_years |= {y - 1 for y in out_years}
        hv = "high_value_invention_patents" in counted
        inputs = criteria_inputs(raw, cfg, hv, dims)
        concordance, award_names = inputs.concordance, inputs.award_names
        sei_meta, award_meta, family_meta = inputs.sei_meta, inputs.award_meta, inputs.family_meta
        warnings += inputs.warnings
        plan = Plan(
            counted=tuple(counted),
            years=tuple(sorted(needed_years)),
            region=reg,
            by=dims,
            counting=counting,
            config=cfg,
            sei=concordance,
            office=chosen_office,
            award_names=award_names,
        )
        if plan.years:
            long = counts(tables, plan).to_pyarrow()
        else:
            warnings.append("the warehouse holds no patents: nothing to count")
            long = None
        needs_population = any(i in RATIO_INPUTS and "per_10k" in i for i in wanted)
        population = assemble.Population(
            {}
            if not needs_population
            else assemble.Population.from_arrow(raw["population"].to_pyarrow()).rows
        )
    dim_list = list(dims)
    if long is not None:
        values = assemble.exact_values(long, dim_list)
        values = assemble.densify(values, plan.counted, plan.years, dim_list)
        rows = assemble.build_rows(
            values,
            indicators=wanted,
            years=out_years,
            dims=dim_list,
            region=reg,
            lag=lag,
            population=population,
        )
        table = assemble.to_arrow(rows, dim_list, reg)
    else:
        table = _empty_table(dim_list)
    warnings += assemble.summarise_missing(population.missing)
    if dims:
        present = set(table.column("indicator").to_pylist())
        empty = [i for i in wanted if i not in present]
        if empty:
            warnings.append("nothing counted in any year, so no rows: " + ", ".join(empty))
    if any(v is not None for v in table.column("note").to_pylist()):
        notes = {v for v in table.column("note").to_pylist() if v is not None}
        if any(n.startswith("no PCT") for n in notes):
            warnings.append("PCT growth is empty where the year before had no PCT applications")
    meta: dict[str, Any] = {
        "definition_version": cfg.label,
        "definition": _definition_meta(cfg, family_meta)
        | {"sei_concordance": sei_meta, "awards": award_meta},
        "indicators": list(wanted),
        "years": list(out_years),
        "region": reg,
        "office": chosen_office,
        "by": dim_list,
        "counting": counting,
        "population_lag": _lags_used(population, reg, lag),
        "vintage": dataset.vintage if dataset else warehouse.vintage().as_dict(),
        "population_sources": sorted(population.used_sources),
        "missing_population": [
            {"region": r, "year": y}
            for r, y in sorted(population.missing)[: assemble.MAX_MISSING_LISTED]
        ],
        "missing_population_total": len(population.missing),
        "engine": engine,
        "warnings": warnings,
    }
    if dataset is not None:
        meta["data"] = dataset.describe()
    return IndicatorResult(table=table, meta=meta)


def _dated_patents(raw: dict[str, Any]) -> int:
    """Patents whose family members are dated (rows in the optional families table)."""
    if "families" not in raw:
        return 0
    f = raw["families"]
    return int(f.patent_id.nunique().to_pyarrow().as_py() or 0)


def _definition_meta(cfg: DefinitionConfig, family: dict[str, Any]) -> dict[str, Any]:
    out = cfg.as_dict()
    out["family"] = out["family"] | family
    return out


def _lags_used(population: assemble.Population, region: str, lag: assemble.Lag) -> dict[str, int]:
    """The lag of each region of the result: those the per-10,000 values used, else the
    region filter's."""
    if population.lags:
        return dict(sorted(population.lags.items()))
    if region == "ALL":
        return {}
    return {region: lag if isinstance(lag, int) else lag(region)}


def _empty_table(dims: list[str]) -> pa.Table:
    fields = [
        pa.field("indicator", pa.string()),
        pa.field("year", pa.int64()),
        pa.field("region", pa.string()),
        pa.field("value", pa.float64()),
        *(pa.field(d, pa.string()) for d in dims),
        pa.field("note", pa.string()),
    ]
    return pa.schema(fields).empty_table()
