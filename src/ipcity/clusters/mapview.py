"""The cluster map: an SVG world map drawn in the browser from Natural Earth outlines that ship
with ipcity (``static/world-50m.json``), with locally served script and style. No tile server,
no CDN: the page works on an intranet without internet access.

* ``fragment(report, static_url)``: HTML for the web app; the app serves ``static_files()``
  under ``static_url``.
* ``standalone_parts(report)``: the same map with outlines, script and style inlined, for the
  self-contained HTML report.
"""

from __future__ import annotations

import html
import json
import math
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ipcity.clusters.engine import MAP_POINTS, Report

STATIC_FILES = ("clusters-map.js", "clusters-map.css", "world-50m.json")
LABELLED = 12  # clusters named on the world map


def static_dir() -> Path:
    return Path(str(resources.files("ipcity.clusters").joinpath("static")))


def static_files() -> list[Path]:
    """The files the web app must serve (under the ``static_url`` given to ``fragment``)."""
    return [static_dir() / name for name in STATIC_FILES]


@lru_cache(maxsize=4)
def _static_text(name: str) -> str:
    return (static_dir() / name).read_text(encoding="utf-8")


def map_data(report: Report) -> dict[str, Any]:
    """Clusters and located points of the report's window, as the map script reads them."""
    cur = report.current
    shown = {c.label for c in report.shown()}
    pts = cur.points
    # The heaviest points first, at most MAP_POINTS; each as [lat, lon, weight, label].
    order = np.argsort(-pts["weight"].to_numpy(), kind="stable")[:MAP_POINTS]
    sub = pts.iloc[order]
    points = [
        [round(float(a), 4), round(float(b), 4), round(float(w), 4), int(lab)]
        for a, b, w, lab in zip(sub["lat"], sub["lon"], sub["weight"], sub["label"], strict=True)
    ]
    extents = _extents(report)
    clusters = []
    for c in cur.clusters:
        if c.label not in shown and c.rank > report.options.top:
            continue
        clusters.append(
            {
                "label": c.label,
                "rank": c.rank,
                "name": c.name,
                "score": round(c.score, 4),
                "latitude": round(c.latitude, 4),
                "longitude": round(c.longitude, 4),
                "is_city": c.is_city,
                "labelled": c.rank <= LABELLED or c.is_city,
                "extent_deg": extents.get(c.label, 0.5),
            }
        )
    return {
        "window": str(cur.window),
        "radius_km": report.options.radius_km,
        "clusters": clusters,
        "points": points,
    }


def _extents(report: Report) -> dict[int, float]:
    """Half-size in degrees of each cluster's located area (for zooming to it)."""
    pts = report.current.points
    inside = pts[pts["label"] >= 0]
    out: dict[int, float] = {}
    for label, g in inside.groupby("label"):
        dlat = float(g["lat"].max() - g["lat"].min())
        mid = math.radians(float(g["lat"].mean()))
        dlon = float(g["lon"].max() - g["lon"].min()) * max(math.cos(mid), 0.2)
        out[int(str(label))] = round(max(dlat, dlon, 0.2) / 2 + 0.1, 3)
    return out


def _legend(report: Report) -> str:
    o = report.options
    return (
        f"Window {report.current.window}; radius {o.radius_km:g} km; minimum weight "
        f"{o.min_weight} = {report.current.min_weight:.1f}. Dots: located inventors and "
        "authors (unique coordinates), size by weight, colour by cluster, grey = in no listed "
        "cluster; red = the city's cluster. Outlines: Natural Earth 1:50m."
    )


def _container(report: Report, inner: str, attrs: str = "") -> str:
    data = json.dumps(map_data(report), ensure_ascii=False, separators=(",", ":"))
    # '</' cannot end a script element inside JSON text.
    data = data.replace("</", "<\\/")
    return (
        f'<div class="ipc-clusters-map"{attrs}>'
        '<div class="ipc-map-tools"><button type="button" class="ipc-map-city">'
        'City cluster</button><button type="button" class="ipc-map-reset">World</button></div>'
        f'<script type="application/json" class="ipc-map-data">{data}</script>{inner}'
        f'<div class="ipc-map-legend">{html.escape(_legend(report))}</div></div>'
    )


def fragment(report: Report, static_url: str = "/static/clusters") -> str:
    """The map for the web app: a container plus links to the locally served assets."""
    base = static_url.rstrip("/")
    attrs = f' data-outline-url="{html.escape(base)}/world-50m.json"'
    return (
        f'<link rel="stylesheet" href="{html.escape(base)}/clusters-map.css">'
        + _container(report, "", attrs)
        + f'<script src="{html.escape(base)}/clusters-map.js"></script>'
    )


def standalone_parts(report: Report) -> tuple[str, str, str]:
    """(style, map HTML with inlined outlines, script) for a self-contained page."""
    outline = _static_text("world-50m.json").replace("</", "<\\/")
    inner = f'<script type="application/json" class="ipc-map-outline">{outline}</script>'
    script = _static_text("clusters-map.js").replace("</script", "<\\/script")
    return _static_text("clusters-map.css"), _container(report, inner), script


@lru_cache(maxsize=1)
def outline_rings() -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Land rings and border lines as arrays of (lon, lat) in degrees (for the PNG export)."""
    data = json.loads(_static_text("world-50m.json"))
    unit = float(data["unit"])

    def decode(flat: list[int]) -> np.ndarray:
        a = np.asarray(flat, dtype=np.float64).reshape(-1, 2)
        return np.cumsum(a, axis=0) * unit

    return [decode(r) for r in data["land"]], [decode(r) for r in data["borders"]]
