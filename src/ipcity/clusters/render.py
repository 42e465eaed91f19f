"""Outputs of the cluster ranking: terminal table, JSON, CSV, a self-contained HTML page with
the map, and a PNG map (matplotlib; Chinese names in Noto Sans CJK)."""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ipcity.clusters.engine import Cluster, Report
from ipcity.clusters.geocode import REASONS
from ipcity.clusters.mapview import outline_rings, standalone_parts
from ipcity.clusters.places import describe

CSV_COLUMNS = (
    "rank",
    "name",
    "countries",
    "pct_share",
    "pub_share",
    "score",
    "pct_weight",
    "pub_weight",
    "previous_rank",
    "rank_change",
    "is_city",
    "latitude",
    "longitude",
)
CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "DejaVu Sans"]


def _change(c: Cluster) -> str:
    if c.previous_rank is None:
        return "new"
    d = c.previous_rank - c.rank
    return "=" if d == 0 else (f"▲{d}" if d > 0 else f"▼{-d}")


def _pct(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def to_json(report: Report) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2)


def to_csv(report: Report) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for c in report.shown():
        row = c.as_json()
        row["countries"] = "/".join(c.countries)
        w.writerow(["" if row[k] is None else row[k] for k in CSV_COLUMNS])
    return out.getvalue()


def unmatched_csv(report: Report) -> str:
    """Every record group that could not be located, with its reason (``--unmatched FILE``)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    cols = ("reason", "address", "country", "region_code", "records", "pct_weight", "pub_weight")
    w.writerow(cols)
    for u in report.unmatched:
        row = u.as_json()
        w.writerow(["" if row[k] is None else row[k] for k in cols])
    return out.getvalue()


def print_table(report: Report, console: Console) -> None:
    meta = report.meta()
    geo = report.geocoding
    console.print(
        f"[bold]Science and technology clusters[/bold], {meta['window']} "
        f"(previous {meta['previous_window'] or '–'}); radius {meta['radius_km']:g} km, "
        f"minimum weight {meta['min_weight']} = {meta['min_weight_absolute']:.2f}; "
        f"{meta['pct_applications']:,.0f} PCT applications"
        + (f", {meta['publications']:,.0f} articles" if meta["publications"] else "")
        + f"; located {geo.located:,} of {geo.records:,} records ({100 * geo.rate:.1f} %)",
        highlight=False,
    )
    t = Table(show_lines=False)
    for col, justify in (
        ("Rank", "right"),
        ("Δ", "right"),
        ("Cluster", "left"),
        ("Economies", "left"),
        ("PCT %", "right"),
        ("Articles %", "right"),
        ("Score", "right"),
        ("PCT apps", "right"),
    ):
        t.add_column(col, justify=justify)  # type: ignore[arg-type]
    for c in report.shown():
        style = "bold red" if c.is_city else None
        t.add_row(
            str(c.rank),
            _change(c),
            c.name,
            "/".join(c.countries),
            _pct(c.pct_share),
            _pct(c.pub_share),
            _pct(c.score),
            f"{c.pct_weight:,.1f}",
            style=style,
        )
    console.print(t)
    city = report.city
    if city is not None:
        if city.cluster is None:
            console.print(f"{city.name} ({city.code}): in no cluster with these parameters.")
        else:
            c = city.cluster
            console.print(
                f"[bold]{city.name} {city.name_zh}[/bold]: cluster #{c.rank} {c.name} "
                f"(previous rank {c.previous_rank or '–'}); the city holds "
                f"{city.in_cluster_pct:,.1f} of the cluster's {c.pct_weight:,.1f} PCT applications",
                highlight=False,
            )
            b = Table(title="Cluster by district and neighbouring city")
            for col in ("Place", "中文", "Kind", "PCT apps", "Articles", "Share %"):
                b.add_column(col)
            for p in city.breakdown[:20]:
                b.add_row(
                    p.name,
                    p.name_zh or "",
                    p.kind,
                    f"{p.pct_weight:,.1f}",
                    f"{p.pub_weight:,.1f}",
                    f"{p.share:.1f}",
                )
            console.print(b)
    m = report.merge
    if m is not None:
        console.print(
            f"[bold]What if[/bold] #{m.first.rank} {m.first.name} and #{m.second.rank} "
            f"{m.second.name} were one cluster: {m.name}, score {m.score:.2f}, rank {m.rank}"
        )
    if geo.by_reason:
        console.print("Not located (kept, with their weight):")
        for reason, v in geo.by_reason.items():
            console.print(
                f"  {reason}: {int(v['records']):,} records, weight {v['weight']:,.1f} "
                f"({REASONS.get(reason, reason)})",
                highlight=False,
            )
    for w in report.warnings:
        console.print(f"[yellow]warning:[/yellow] {w}")


def to_html(report: Report) -> str:
    """A self-contained page: the map (outlines, script and style inlined) and the tables."""
    style, map_html, script = standalone_parts(report)
    meta = report.meta()
    e = html.escape
    rows = []
    for c in report.shown():
        cls = ' class="city"' if c.is_city else ""
        rows.append(
            f'<tr{cls} data-cluster-label="{c.label}"><td>{c.rank}</td><td>{e(_change(c))}</td>'
            f"<td>{e(c.name)}</td><td>{e('/'.join(c.countries))}</td>"
            f"<td>{_pct(c.pct_share)}</td><td>{_pct(c.pub_share)}</td><td>{_pct(c.score)}</td>"
            f"<td>{c.pct_weight:,.1f}</td><td>{c.pub_weight:,.1f}</td></tr>"
        )
    city_html = ""
    city = report.city
    if city is not None and city.cluster is not None:
        brow = "".join(
            f"<tr><td>{e(p.name)}</td><td>{e(p.name_zh or '')}</td><td>{e(p.kind)}</td>"
            f"<td>{p.pct_weight:,.1f}</td><td>{p.pub_weight:,.1f}</td><td>{p.share:.1f}</td></tr>"
            for p in city.breakdown
        )
        city_html = (
            f"<h2>{e(city.name)} {e(city.name_zh)}: cluster #{city.cluster.rank} "
            f"{e(city.cluster.name)}</h2><table><thead><tr><th>Place</th><th>中文</th>"
            "<th>Kind</th><th>PCT apps</th><th>Articles</th><th>Share of cluster %</th></tr>"
            f"</thead><tbody>{brow}</tbody></table>"
        )
    elif city is not None:
        city_html = f"<h2>{e(city.name)}</h2><p>In no cluster with these parameters.</p>"
    merge_html = ""
    if report.merge is not None:
        m = report.merge
        mrows = "".join(
            f"<tr><td>{r}</td><td>{e(n)}</td><td>{s:.2f}</td><td>{old or 'merged'}</td></tr>"
            for r, n, s, old in m.ranking
        )
        merge_html = (
            f"<h2>What if #{m.first.rank} {e(m.first.name)} and #{m.second.rank} "
            f"{e(m.second.name)} were one cluster</h2><p>{e(m.name)}: score {m.score:.2f}, "
            f"rank {m.rank}.</p><table><thead><tr><th>Rank</th><th>Cluster</th><th>Score</th>"
            f"<th>Rank before</th></tr></thead><tbody>{mrows}</tbody></table>"
        )
    geo = report.geocoding
    reasons = "".join(
        f"<li>{e(k)}: {int(v['records']):,} records, weight {v['weight']:,.1f} "
        f"({e(REASONS.get(k, k))})</li>"
        for k, v in geo.by_reason.items()
    )
    header = (
        f"Window {e(str(meta['window']))} (previous {e(str(meta['previous_window']))}); "
        f"radius {meta['radius_km']:g} km; minimum weight {e(str(meta['min_weight']))} = "
        f"{meta['min_weight_absolute']:.2f}; {meta['pct_applications']:,.0f} PCT applications; "
        f"located {geo.located:,} of {geo.records:,} records ({100 * geo.rate:.1f} %)."
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>S&amp;T clusters {e(str(meta["window"]))}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Noto Sans", Arial, sans-serif; margin: 1.5em;
  color: #222; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 14px; }}
th, td {{ border-bottom: 1px solid #dde; padding: 3px 8px; text-align: right; }}
th:nth-child(3), td:nth-child(3), td:first-child {{ text-align: left; }}
tr.city td {{ color: #c00000; font-weight: bold; }}
tr[data-cluster-label] {{ cursor: pointer; }}
{style}
</style></head><body>
<h1>Science and technology clusters</h1>
<p>{header}</p>
{map_html}
<h2>Ranking</h2>
<table><thead><tr><th>Rank</th><th>Δ</th><th>Cluster</th><th>Economies</th><th>PCT %</th>
<th>Articles %</th><th>Score</th><th>PCT apps</th><th>Articles</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
{city_html}
{merge_html}
<h2>Geocoding</h2><p>{geo.located:,} of {geo.records:,} records located
({100 * geo.rate:.1f} %). Not located, kept with their weight:</p><ul>{reasons}</ul>
<script>{script}</script>
</body></html>
"""


def to_png(report: Report, path: Path) -> Path:
    """A PNG of the world map and of the city's cluster (matplotlib, offline fonts)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection, PolyCollection

    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = CJK_FONTS
    land, borders = outline_rings()
    cur = report.current
    by_label = {c.label: c for c in cur.clusters}
    city = report.city.cluster if report.city else None
    fig, axes = plt.subplots(
        1,
        2 if city else 1,
        figsize=(16 if city else 12, 6.5),
        dpi=110,
        gridspec_kw={"width_ratios": [2, 1]} if city else None,
        squeeze=False,
    )
    palette = plt.get_cmap("tab20")

    def colours(labels: list[int]) -> list[object]:
        out: list[object] = []
        for lab in labels:
            c = by_label.get(lab)
            if c is None:
                out.append("#bbbbbb")
            elif c.is_city:
                out.append("#c00000")
            elif c.rank <= 20:
                out.append(palette((c.rank - 1) % 20))
            else:
                out.append("#888888")
        return out

    pts = cur.points
    wmax = float(pts["weight"].max()) if len(pts) else 1.0
    for n, ax in enumerate(axes[0]):
        ax.add_collection(
            PolyCollection(land, facecolors="#f4f1ea", edgecolors="#b9b3a5", linewidths=0.3)
        )
        ax.add_collection(LineCollection(borders, colors="#cfc8b8", linewidths=0.3))
        ax.set_facecolor("#eef4fa")
        sizes = 2 + 60 * (pts["weight"].to_numpy() / wmax) ** 0.5
        ax.scatter(
            pts["lon"],
            pts["lat"],
            s=sizes,
            c=colours(list(pts["label"])),
            alpha=0.7,
            linewidths=0,
            zorder=3,
        )
        if n == 0:
            ax.set_xlim(-180, 180)
            ax.set_ylim(-60, 80)
            ax.set_title(f"S&T clusters {cur.window} (radius {report.options.radius_km:g} km)")
            for c in cur.clusters[:12]:
                ax.annotate(
                    f"{c.rank} {c.name}",
                    (c.longitude, c.latitude),
                    fontsize=6,
                    xytext=(3, 3),
                    textcoords="offset points",
                    zorder=4,
                )
        elif city is not None:
            members = pts[pts["label"] == city.label]
            lat0, lon0 = float(members["lat"].mean()), float(members["lon"].mean())
            span = (
                max(
                    float(members["lat"].max() - members["lat"].min()),
                    float(members["lon"].max() - members["lon"].min()),
                    0.5,
                )
                * 0.75
                + 0.2
            )
            ax.set_xlim(lon0 - span, lon0 + span)
            ax.set_ylim(lat0 - span, lat0 + span)
            ax.set_title(f"#{city.rank} {city.name}: {city.score:.2f} %")
            for p in (report.city.breakdown if report.city else [])[:8]:
                if p.key:
                    info = describe(p.key)
                    ax.annotate(
                        p.name_zh or p.name, (info.longitude, info.latitude), fontsize=7, zorder=4
                    )
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
    fig.text(
        0.01,
        0.01,
        "Outlines: Natural Earth 1:50m. Synthetic or ingested data as loaded.",
        fontsize=7,
        color="#666",
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
