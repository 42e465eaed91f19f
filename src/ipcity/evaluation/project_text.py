"""Each projection's method and inputs in plain words (zh/en), for the evaluation page and
the reports: what a reader needs to defend the figure, without the model's vocabulary.

    按2017–2021年实测情况逐年推算：每年新授权约1,240件（每年约增加60件），每年约3.1%的
    存量专利新达到高价值标准、约4.2%因失效或期满退出；人口按近年趋势，2025年约2,480万人。
    Rolled forward year by year from 2017–2021: about 1,240 new grants a year (rising by
    about 60 a year); each year about 3.1% of the patents newly meet a high-value criterion
    and about 4.2% lapse or expire; population by its recent trend, about 24.80 million in 2025.
"""

from __future__ import annotations

from typing import Any, Literal

from ipcity.evaluation.project import Projection

Lang = Literal["zh", "en"]

LABELS: dict[str, tuple[str, str]] = {
    "flows": (
        "按授权和存量增减逐年推算",
        "rolled forward from grants and the patents kept or lost",
    ),
    "drift": ("按年度值的趋势推算", "trend of the yearly values"),
    "observed": ("目标年实际值", "observed value of the target year"),
    "insufficient_data": ("数据太少，无法预测", "too few values to project"),
}


def method_label(p: Projection, lang: Lang) -> str:
    zh, en = LABELS[p.method]
    return zh if lang == "zh" else en


def _years(years: list[int], lang: Lang) -> str:
    if not years:
        return ""
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    return span + ("年" if lang == "zh" else "")


def _n(v: float, places: int = 0) -> str:
    return f"{v:,.{places}f}"


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _places(values: list[float]) -> int:
    """Decimals for a series' changes: enough for its size (a per-10,000 figure of 9.4
    moves by tenths, a count of 1,240 by whole units)."""
    top = max((abs(v) for v in values), default=0.0)
    return 0 if top >= 100 else 1 if top >= 10 else 2 if top >= 0.1 else 4


def _flows(inputs: dict[str, Any], year: int, lang: Lang) -> str:
    years = inputs.get("years", [])
    grants = inputs.get("new_grants", [])
    drift = float(inputs.get("grant_drift_per_year", 0.0))
    q = 100 * _mean(inputs.get("newly_qualifying_share", []))
    x = 100 * _mean(inputs.get("leaving_share", []))
    last = float(grants[-1]) if grants else 0.0
    pop = inputs.get("population_trend")
    if lang == "zh":
        trend = (
            f"每年约增加{_n(drift)}件"
            if round(drift) > 0
            else f"每年约减少{_n(-drift)}件"
            if round(drift) < 0
            else "大体持平"
        )
        text = f"按{_years(years, lang)}实测情况逐年推算：上年新授权{_n(last)}件（近年{trend}）"
        if q > 0:
            text += f"，每年约{q:.1f}%的存量专利新达到高价值标准"
        why = "失效、期满或不再达标" if q > 0 else "失效或期满"
        text += f"，每年约{x:.1f}%因{why}退出"
        if pop is not None:
            of = inputs.get("population_of", year)
            text += f"；人口按近年趋势推至{of}年，约{_n(pop / 1e4)}万人"
            if of != year:  # the per-10,000 figure divides by an earlier year's population
                text += f"（{year}年的每万人口指标按{of}年人口计算）"
        return text + "。"
    trend = (
        f"rising by about {_n(drift)} a year"
        if round(drift) > 0
        else f"falling by about {_n(-drift)} a year"
        if round(drift) < 0
        else "about level"
    )
    text = (
        f"Rolled forward year by year from {_years(years, lang)}: {_n(last)} new grants in the "
        f"last year ({trend})"
    )
    if q > 0:
        text += f"; each year about {q:.1f}% of the patents newly meet a high-value criterion"
    why = "lapse, expire or no longer qualify" if q > 0 else "lapse or expire"
    text += f"; about {x:.1f}% {why} each year"
    if pop is not None:
        of = inputs.get("population_of", year)
        text += f"; population by its recent trend, about {pop / 1e6:,.2f} million in {of}"
        if of != year:
            text += f" (the per-10,000 figure of {year} divides by the population of {of})"
    return text + "."


def _drift(inputs: dict[str, Any], lang: Lang) -> str:
    years = inputs.get("years", [])
    drift = float(inputs.get("drift_per_year", 0.0))
    sd = float(inputs.get("sd_of_changes", 0.0))
    n = len(years)
    d = _places([float(v) for v in inputs.get("values", [])])
    if lang == "zh":
        word = "增加" if drift >= 0 else "减少"
        text = (
            f"按{_years(years, lang)}共{n}个年度值的趋势推算：平均每年{word}"
            f"{_n(abs(drift), d)}，各年变化相差约{_n(sd, d)}"
        )
        if n <= 6:
            text += "；年度值少，区间相应放宽"
        return text + "。"
    word = "up" if drift >= 0 else "down"
    text = (
        f"From the trend of the {n} yearly values {_years(years, lang)}: on average {word} "
        f"{_n(abs(drift), d)} a year, the yearly change varying by about {_n(sd, d)}"
    )
    if n <= 6:
        text += "; few values, so the range is wide"
    return text + "."


def basis(p: Projection, lang: Lang) -> str:
    """The method and its inputs in one or two sentences."""
    if p.method == "flows":
        return _flows(p.inputs, p.year, lang)
    if p.method == "drift":
        return _drift(p.inputs, lang)
    if p.method == "observed":
        return (
            f"{p.year}年已结束，取实际值。" if lang == "zh" else f"{p.year} has ended: its value."
        )
    n = len(p.inputs.get("years", []))
    if lang == "zh":
        return f"只有{n}个年度值，至少需要3个才能推算。"
    return f"Only {n} yearly value{'s' if n != 1 else ''}; at least 3 are needed."


def range_note(lang: Lang) -> str:
    """What the 80% range and the chance mean, and what they cannot foresee."""
    if lang == "zh":
        return (
            "区间为按近年情况模拟的结果中居中的80%（十次中约八次落在其中），已计入参数本身的不确定性"
            "（年度值少时区间更宽）；实现目标的概率为模拟结果中达到目标的比例。推算假定近年趋势延续，"
            "不预见政策或统计口径的变化；回测中实际值落在区间内的比例低于80%，应视为偏窄的估计。"
        )
    return (
        "The range holds the middle 80% of outcomes simulated from recent years (about eight in "
        "ten should fall inside), including the uncertainty of the estimates themselves (fewer "
        "values give a wider range); the chance of meeting the target is the share of simulated "
        "outcomes that meet it. It assumes the recent course continues and does not foresee a "
        "change of policy or of statistical definitions; in back-tests fewer than 80% of actual "
        "values fell inside, so read the range as too narrow rather than too wide."
    )
