"""Charts: PNG images (matplotlib) for DOCX and PDF, interactive plotly for HTML.

Chinese labels need a CJK font: the first installed of ``CJK_FONTS`` is used (Debian's
fonts-noto-cjk provides Noto Sans CJK SC); with none installed rendering stops with a clear
message instead of drawing empty boxes. plotly.js is read from the plotly package on disk and
embedded, never fetched from a CDN.
"""

from __future__ import annotations

import functools
import io
import json
import math
import textwrap
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

from ipcity.errors import IpcityError
from ipcity.numbers import fmt_fixed
from ipcity.reports.document import ChartSpec

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
)
MINUS = "\u2212"  # the typographic minus of fmt_fixed
DEFAULT_COLORS = ("#2c7fb8", "#c0392b", "#27ae60", "#f1c40f", "#8e44ad", "#95a5a6")


@functools.cache
def cjk_font() -> str:
    """The family name of an installed CJK font, preferring Noto Sans CJK SC."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    fallback = sorted(n for n in installed if "CJK SC" in n or "CJK" in n)
    if fallback:
        return fallback[0]
    raise IpcityError(
        "no Chinese (CJK) font is installed, so charts cannot show Chinese text: install "
        "Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk)"
    )


def _colors(spec: ChartSpec) -> list[str]:
    return [s.color or DEFAULT_COLORS[i % len(DEFAULT_COLORS)] for i, s in enumerate(spec.series)]


def _num(v: float | None) -> float:
    return 0.0 if v is None else float(v)


@dataclass(frozen=True)
class WaterfallStep:
    """One bar of a waterfall: from ``bottom`` to ``top``; ``kind`` total/up/down."""

    bottom: float
    top: float
    kind: Literal["total", "up", "down"]
    label: str


def waterfall_steps(spec: ChartSpec) -> list[WaterfallStep]:
    """The bars of a waterfall chart: the first and last values are levels (drawn from the
    axis floor), the ones between are changes stacked on the running level. Labels: levels
    as they are, changes signed (+4.1 / −0.6), with ``spec.places`` decimals; a change that
    rounds to zero is "0.0", without a sign (never "−0.0")."""
    values = [_num(v) for v in spec.series[0].values] if spec.series else []
    steps: list[WaterfallStep] = []
    level = 0.0
    for i, v in enumerate(values):
        if i == 0 or i == len(values) - 1:
            level = v
            steps.append(WaterfallStep(0.0, v, "total", fmt_fixed(v, spec.places)))
            continue
        text = fmt_fixed(v, spec.places)  # "−0.6"; "0.0" for whatever rounds to zero
        label = text if text.startswith(MINUS) or _rounds_to_zero(text) else "+" + text
        steps.append(WaterfallStep(level, level + v, "up" if v >= 0 else "down", label))
        level += v
    return steps


def _rounds_to_zero(text: str) -> bool:
    return not text.strip("0.,")


def waterfall_floor(spec: ChartSpec) -> float:
    """Where a waterfall's value axis starts: zero when the changes are large enough to be
    seen from there, else a round number below the lowest running level, so that a change of
    a few tenths on a level of forty stays visible (the caption says the axis is cut)."""
    steps = waterfall_steps(spec)
    if not steps:
        return 0.0
    levels = [x for s in steps for x in (s.top, s.bottom if s.kind != "total" else s.top)]
    low, high = min(levels), max(levels)
    if low <= 0 or (high - low) >= 0.25 * high:
        return 0.0
    span = high - low
    step = 10 ** math.floor(math.log10(max(span, 1e-9)))
    return max(0.0, float(math.floor((low - span) / step) * step))


def _render_waterfall(ax: Any, spec: ChartSpec) -> None:
    steps = waterfall_steps(spec)
    floor = waterfall_floor(spec)
    colors = {"total": "#1f4e79", "up": "#2e7d32", "down": "#c62828"}
    positions = list(range(len(steps)))
    bottoms = [floor if s.kind == "total" else min(s.bottom, s.top) for s in steps]
    heights = [s.top - floor if s.kind == "total" else abs(s.top - s.bottom) for s in steps]
    bars = ax.bar(
        positions, heights, bottom=bottoms, color=[colors[s.kind] for s in steps], width=0.6
    )
    ax.bar_label(bars, labels=[s.label for s in steps], padding=2, fontsize=8)
    for i in range(len(steps) - 1):  # connectors at the running level
        ax.plot([i + 0.3, i + 0.7], [steps[i].top] * 2, color="#888888", linewidth=0.8)
    # long English names wrap (six bars share an A4 column); Chinese ones are short
    names = [textwrap.fill(c, 14) for c in spec.categories]
    ax.set_xticks(positions, names, fontsize=8)
    top = max(max(s.top, s.bottom) for s in steps)
    ax.set_ylim(floor, top + (top - floor) * 0.12)


def render_png(spec: ChartSpec, dpi: int = 150, width_in: float = 6.3) -> bytes:
    """The chart as a PNG (width fits an A4 text column)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    font = cjk_font()
    horizontal = spec.kind.endswith("barh")
    n = max(1, len(spec.categories))
    per_category = 0.27 if spec.kind == "grouped_barh" else 0.2
    height = max(2.4, 1.0 + per_category * n) if horizontal else 3.4
    with matplotlib.rc_context(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [font, "DejaVu Sans"],
            "axes.unicode_minus": False,
        }
    ):
        fig = Figure(figsize=(width_in, height), dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot(1, 1, 1)
        colors = _colors(spec)
        cats = list(spec.categories)
        positions = list(range(n))
        if spec.kind == "waterfall":
            _render_waterfall(ax, spec)
        elif spec.kind in ("barh", "grouped_barh"):
            k = len(spec.series)
            bar = 0.8 / max(1, k)
            for i, s in enumerate(spec.series):
                offs = [p - 0.4 + bar * (i + 0.5) for p in positions]
                vals = [_num(v) for v in s.values]
                bars = ax.barh(offs, vals, height=bar, color=colors[i], label=s.name)
                if i == k - 1:
                    ax.bar_label(
                        bars,
                        labels=["" if v is None else fmt_fixed(v, spec.places) for v in s.values],
                        padding=2,
                        fontsize=7,
                    )
            ax.set_yticks(positions, cats)
            ax.invert_yaxis()  # first category on top, as tables read
        elif spec.kind == "stacked_barh":
            left = [0.0] * n
            for i, s in enumerate(spec.series):
                vals = [_num(v) for v in s.values]
                ax.barh(positions, vals, left=left, color=colors[i], label=s.name, height=0.6)
                left = [a + b for a, b in zip(left, vals, strict=True)]
            ax.set_yticks(positions, cats)
            ax.invert_yaxis()
        elif spec.kind == "bar":
            k = len(spec.series)
            bar = 0.8 / max(1, k)
            for i, s in enumerate(spec.series):
                offs = [p - 0.4 + bar * (i + 0.5) for p in positions]
                ax.bar(offs, [_num(v) for v in s.values], width=bar, color=colors[i], label=s.name)
            ax.set_xticks(positions, cats, rotation=30, ha="right")
        else:  # line
            for i, s in enumerate(spec.series):
                ax.plot(
                    cats, [_num(v) for v in s.values], marker="o", color=colors[i], label=s.name
                )
        # The title is the numbered caption under the image (图1 …), not drawn twice.
        if spec.integer:
            (ax.set_xticks if horizontal else ax.set_yticks)(value_ticks(spec))
        if spec.value_label:
            (ax.set_xlabel if horizontal else ax.set_ylabel)(spec.value_label, fontsize=8)
        ax.tick_params(labelsize=8)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if len(spec.series) > 1:
            ax.legend(fontsize=7, frameon=False, loc="lower right" if horizontal else "best")
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def plotly_figure(spec: ChartSpec) -> dict[str, Any]:
    """The chart as a plotly figure dict (data + layout)."""
    if spec.kind == "waterfall":
        return _plotly_waterfall(spec)
    colors = _colors(spec)
    horizontal = spec.kind.endswith("barh")
    data: list[dict[str, Any]] = []
    fmt = f",.{spec.places}f"
    for i, s in enumerate(spec.series):
        vals = [None if v is None else float(v) for v in s.values]
        trace: dict[str, Any] = {"name": s.name, "marker": {"color": colors[i]}}
        if spec.kind == "line":
            trace |= {
                "type": "scatter",
                "mode": "lines+markers",
                "x": list(spec.categories),
                "y": vals,
            }
        elif horizontal:
            trace |= {
                "type": "bar",
                "orientation": "h",
                "y": list(spec.categories),
                "x": vals,
                "hovertemplate": f"%{{y}}: %{{x:{fmt}}}<extra>{s.name}</extra>",
            }
        else:
            trace |= {
                "type": "bar",
                "x": list(spec.categories),
                "y": vals,
                "hovertemplate": f"%{{x}}: %{{y:{fmt}}}<extra>{s.name}</extra>",
            }
        data.append(trace)
    n = max(1, len(spec.categories))
    layout: dict[str, Any] = {
        "barmode": "stack" if spec.kind == "stacked_barh" else "group",
        "font": {"family": "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"},
        "margin": {"l": 10, "r": 10, "t": 20, "b": 40},
        "height": max(320, 60 + 28 * n) if horizontal else 380,
        "legend": {"orientation": "h"},
    }
    axis: dict[str, Any] = {"title": {"text": spec.value_label}, "tickformat": fmt}
    if spec.integer:  # counts: whole-number ticks (plotly would step by 2.5)
        axis |= {"tickformat": ",d", "dtick": integer_step(spec)}
    if horizontal:
        layout |= {"xaxis": axis, "yaxis": {"autorange": "reversed", "automargin": True}}
    else:
        layout |= {"yaxis": axis, "xaxis": {"automargin": True}}
    return {"data": data, "layout": layout}


def _plotly_waterfall(spec: ChartSpec) -> dict[str, Any]:
    steps = waterfall_steps(spec)
    values = [s.top if s.kind == "total" else s.top - s.bottom for s in steps]
    measure = ["absolute" if i == 0 else "relative" for i in range(len(steps))]
    if len(steps) > 1:
        measure[-1] = "total"
    top = max((max(s.top, s.bottom) for s in steps), default=0.0)
    floor = waterfall_floor(spec)
    trace = {
        "type": "waterfall",
        "x": list(spec.categories),
        "y": values,
        "measure": measure,
        "text": [s.label for s in steps],
        "textposition": "outside",
        "hoverinfo": "x+text",
        "connector": {"line": {"color": "#888"}},
        "increasing": {"marker": {"color": "#2e7d32"}},
        "decreasing": {"marker": {"color": "#c62828"}},
        "totals": {"marker": {"color": "#1f4e79"}},
    }
    return {
        "data": [trace],
        "layout": {
            "font": {"family": "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"},
            "margin": {"l": 10, "r": 10, "t": 20, "b": 40},
            "height": 380,
            "showlegend": False,
            "yaxis": {
                "title": {"text": spec.value_label},
                "range": [floor, top + (top - floor) * 0.12],
                "tickformat": f",.{spec.places}f",
                "automargin": True,
            },
            "xaxis": {"automargin": True, "type": "category"},  # "2021" is a name, not a number
        },
    }


def _top(spec: ChartSpec) -> float:
    """The largest value (stacked bars: the largest total)."""
    if spec.kind == "stacked_barh":
        totals = [sum(_num(s.values[i]) for s in spec.series) for i in range(len(spec.categories))]
    else:
        totals = [_num(v) for s in spec.series for v in s.values]
    return max(totals, default=0.0)


def integer_step(spec: ChartSpec, ticks: int = 8) -> int:
    """A whole tick step giving at most about ``ticks`` ticks over the chart's largest value
    (stacked bars: the largest total)."""
    raw = max(1.0, _top(spec) / ticks)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if step >= raw:
            return step
    return math.ceil(raw)


def value_ticks(spec: ChartSpec) -> list[float]:
    """The whole-number ticks of a count chart, 0 to just past the largest value."""
    step = integer_step(spec)
    top = _top(spec)
    return [float(v) for v in range(0, math.ceil(top / step) * step + step, step)]


def plotly_div(spec: ChartSpec, div_id: str) -> str:
    """A <div> and the script that draws the chart into it (plotly.js must be loaded first)."""
    payload = json.dumps(plotly_figure(spec), ensure_ascii=False).replace("</", "<\\/")
    config = json.dumps({"displaylogo": False, "responsive": True})
    return (
        f'<div id="{div_id}" class="chart" role="img" aria-label="{_attr(spec.title)}"></div>\n'
        f"<script>(function () {{ var f = {payload}; "
        f"Plotly.newPlot({json.dumps(div_id)}, f.data, f.layout, {config}); }})();</script>"
    )


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


@functools.cache
def plotly_js() -> str:
    """plotly.min.js as shipped inside the plotly Python package (no network)."""
    try:
        return (
            resources.files("plotly")
            .joinpath("package_data", "plotly.min.js")
            .read_text(encoding="utf-8")
        )
    except (FileNotFoundError, ModuleNotFoundError) as exc:  # a broken install
        raise IpcityError(
            "plotly.min.js is missing from the plotly package: reinstall plotly"
        ) from exc
