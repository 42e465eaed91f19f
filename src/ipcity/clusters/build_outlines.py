"""Regenerate ``clusters/static/world-50m.json`` (maintainers only; never imported at run time).

Source: ``countries-50m.json`` of the npm package ``world-atlas`` 2.0.2 (ISC licence,
Copyright 2013-2019 Michael Bostock), a TopoJSON redistribution of Natural Earth 4.1.0
1:50m admin-0 boundaries (public domain). Get it without a network at run time, once:

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python -m ipcity.clusters.build_outlines package/countries-50m.json

Output: land rings (for filling) and the lines shared by two countries (borders), coordinates
rounded to 0.01 degree (about 1 km) and delta-encoded as integers of 1/100 degree, so the map
needs no tile server and no CDN.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "static" / "world-50m.json"
SOURCE = (
    "Natural Earth 4.1.0 1:50m admin-0 (public domain) via world-atlas 2.0.2 "
    "(ISC, Copyright 2013-2019 Michael Bostock)"
)


def _decode_arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def _ring(arcs: list[list[tuple[float, float]]], refs: list[int]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for r in refs:
        pts = arcs[r] if r >= 0 else arcs[~r][::-1]
        out.extend(pts[1:] if out else pts)
    return out


def _unwrap(points: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A line that crosses the antimeridian (a step of more than 180 degrees of longitude)
    continues past +-180 instead of jumping across the map; the part beyond is repeated
    shifted by 360 degrees so it shows on the other edge."""
    if not points:
        return []
    out = [points[0]]
    for lon, lat in points[1:]:
        prev = out[-1][0]
        while lon - prev > 180:
            lon -= 360
        while lon - prev < -180:
            lon += 360
        out.append((lon, lat))
    copies = [out]
    if max(p[0] for p in out) > 180:
        copies.append([(x - 360, y) for x, y in out])
    if min(p[0] for p in out) < -180:
        copies.append([(x + 360, y) for x, y in out])
    return copies


def _encode(points: list[tuple[float, float]], closed: bool) -> list[int]:
    q: list[tuple[int, int]] = []
    for lon, lat in points:
        p = (round(lon * 100), round(lat * 100))
        if not q or q[-1] != p:
            q.append(p)
    if closed and len(q) < 4:
        return []
    flat: list[int] = []
    px = py = 0
    for x, y in q:
        flat += [x - px, y - py]
        px, py = x, y
    return flat


def build(path: Path) -> dict[str, Any]:
    topo = json.loads(path.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topo)
    land: list[list[int]] = []
    for geom in topo["objects"]["land"]["geometries"]:
        polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        for poly in polys:
            for refs in poly:
                for ring in _unwrap(_ring(arcs, refs)):
                    enc = _encode(ring, closed=True)
                    if enc:
                        land.append(enc)
    # Arcs used by two different countries are borders; arcs used once are coastline.
    users: dict[int, set[int]] = {}
    for n, geom in enumerate(topo["objects"]["countries"]["geometries"]):
        polys = geom.get("arcs") or []
        polys = polys if geom["type"] == "MultiPolygon" else [polys]
        for poly in polys:
            for refs in poly:
                for r in refs:
                    users.setdefault(r if r >= 0 else ~r, set()).add(n)
    borders = [
        enc
        for a, who in sorted(users.items())
        if len(who) > 1
        for line in _unwrap(arcs[a])
        if len(enc := _encode(line, closed=False)) >= 4
    ]
    return {"source": SOURCE, "unit": 0.01, "encoding": "delta", "land": land, "borders": borders}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m ipcity.clusters.build_outlines countries-50m.json\n")
        return 2
    data = build(Path(argv[0]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    sys.stdout.write(f"wrote {OUT} ({OUT.stat().st_size} bytes)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
