"""Remake paths.csv (the district map's outlines) from geoBoundaries' CHN ADM3 GeoJSON.

    .venv/bin/python gen/data/districts-geo/simplify.py SOURCE.geojson [--tolerance 1.0]

SOURCE is geoBoundaries-CHN-ADM3_simplified.geojson of release 9469f09 (all of China), or any
file holding Beijing's 16 features of it unchanged (see SOURCE.md); other features are ignored.
The script picks the 16 by shapeID, projects them into the map's square (equirectangular, x
scaled by the cosine of the middle latitude), simplifies shared borders once so neighbours still
meet exactly, finds a label point per district and writes paths.csv next to this file. Only the
standard library and gen.tables (for the project's district names and order) are used.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "paths.csv"
SIZE = 1000  # the map's viewBox is 0 0 SIZE SIZE; gen/charts/map.py draws in it
PAD = 8  # margin inside the square, in map units
LABEL_STEP = 2.0  # grid step of the label search, in map units (refined twice by 10)

# geoBoundaries' feature ids (release 9469f09, boundaryID CHN-ADM3-62558664) and names → ours.
# The source names Yanqing by its pre-2015 title; its outline is the district's.
SHAPES = {
    "62558664B68263371825694": ("Dongcheng District", "东城区"),
    "62558664B44927070892501": ("Xicheng District", "西城区"),
    "62558664B74959469394402": ("Chaoyang District", "朝阳区"),
    "62558664B41376651817616": ("Fengtai District", "丰台区"),
    "62558664B36909562740020": ("Shijingshan District", "石景山区"),
    "62558664B9496053300630": ("Haidian District", "海淀区"),
    "62558664B30901166514475": ("Mentougou District", "门头沟区"),
    "62558664B87645971027140": ("Fangshan District", "房山区"),
    "62558664B64941001830154": ("Tongzhou District", "通州区"),
    "62558664B49463482757947": ("Shunyi District", "顺义区"),
    "62558664B63350039287143": ("Changping District", "昌平区"),
    "62558664B2086641718758": ("Daxing District", "大兴区"),
    "62558664B96311982000806": ("Huairou District", "怀柔区"),
    "62558664B33295885678407": ("Pinggu District", "平谷区"),
    "62558664B69030319126397": ("Miyun District", "密云区"),
    "62558664B42427478122521": ("Yanqing County", "延庆区"),
}

Point = tuple[float, float]
Ring = list[Point]


def read_districts(text: str, source: str) -> dict[str, list[list[Ring]]]:
    """Our district name → its polygons (each a list of rings, outer first) in lon/lat."""
    found: dict[str, list[list[Ring]]] = {}
    for i, feature in enumerate(json.loads(text)["features"]):
        props = feature.get("properties") or {}
        shape = SHAPES.get(props.get("shapeID", ""))
        if shape is None:
            continue
        english, name = shape
        if props.get("shapeName") != english:
            raise ValueError(f"{source}: feature {i}: shapeName {props.get('shapeName')!r}, expected {english!r} for {props['shapeID']}")
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        found[name] = [[[(float(x), float(y)) for x, y in ring] for ring in polygon] for polygon in polygons]
    missing = sorted({name for _, name in SHAPES.values()} - set(found))
    if missing:
        raise ValueError(f"{source}: no feature for {', '.join(missing)} (shapeIDs as in SHAPES)")
    return found


def projector(districts: dict[str, list[list[Ring]]]):
    """lon/lat → map units: x scaled by cos(middle latitude), fitted and centred in the square."""
    points = [p for polygons in districts.values() for polygon in polygons for ring in polygon for p in ring]
    lon0, lon1 = min(p[0] for p in points), max(p[0] for p in points)
    lat0, lat1 = min(p[1] for p in points), max(p[1] for p in points)
    k = math.cos(math.radians((lat0 + lat1) / 2))
    width, height = (lon1 - lon0) * k, lat1 - lat0
    scale = (SIZE - 2 * PAD) / max(width, height)
    dx, dy = (SIZE - width * scale) / 2, (SIZE - height * scale) / 2
    return lambda p: ((p[0] - lon0) * k * scale + dx, (lat1 - p[1]) * scale + dy)


def _junctions(rings: list[Ring]) -> set[Point]:
    """Points where borders meet or part: those with more than two distinct neighbours."""
    neighbours: dict[Point, set[Point]] = {}
    for ring in rings:
        n = len(ring) - 1  # closed: the last point repeats the first
        for i in range(n):
            neighbours.setdefault(ring[i], set()).update((ring[i - 1], ring[i + 1]))
    return {p for p, near in neighbours.items() if len(near) > 2}


def _distance(p: Point, a: Point, b: Point) -> float:
    """Distance from p to the segment a–b."""
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return math.hypot(x - x1, y - y1)
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - x1 - t * dx, y - y1 - t * dy)


def douglas_peucker(line: list[Point], tolerance: float) -> list[Point]:
    """Keep the ends and every point farther than `tolerance` from the simplified line."""
    if len(line) < 3:
        return list(line)
    if line[0] == line[-1]:  # a closed loop: split at the point farthest from its start
        far = max(range(len(line)), key=lambda i: math.dist(line[0], line[i]))
        return douglas_peucker(line[: far + 1], tolerance)[:-1] + douglas_peucker(line[far:], tolerance)
    keep = [False] * len(line)
    keep[0] = keep[-1] = True
    stack = [(0, len(line) - 1)]
    while stack:
        i, j = stack.pop()
        best, at = 0.0, -1
        for k in range(i + 1, j):
            d = _distance(line[k], line[i], line[j])
            if d > best:
                best, at = d, k
        if best > tolerance:
            keep[at] = True
            stack += [(i, at), (at, j)]
    return [p for p, kept in zip(line, keep) if kept]


def _canonical(arc: list[Point]) -> tuple[tuple[Point, ...], bool]:
    """The arc in one direction whichever ring it came from, and whether it was reversed."""
    forward, backward = tuple(arc), tuple(reversed(arc))
    return (backward, True) if backward < forward else (forward, False)


def simplify_rings(rings: list[Ring], tolerance: float) -> list[Ring]:
    """Simplify closed rings so that a border two rings share is simplified once, identically."""
    junctions = _junctions(rings)
    done: dict[tuple[Point, ...], list[Point]] = {}

    def arc_of(arc: list[Point]) -> list[Point]:
        key, reversed_ = _canonical(arc)
        if key not in done:
            done[key] = douglas_peucker(list(key), tolerance)
        out = done[key]
        return out[::-1] if reversed_ else out

    result = []
    for ring in rings:
        points = ring[:-1]
        cuts = [i for i, p in enumerate(points) if p in junctions]
        if not cuts:  # a ring touching no other: rotate to its least point so both copies agree
            start = points.index(min(points))
            loop = points[start:] + points[:start]
            simplified = arc_of(loop + [loop[0]])
        else:
            start = cuts[0]
            loop = points[start:] + points[:start] + [points[start]]
            cuts = [i - start if i >= start else i - start + len(points) for i in cuts] + [len(points)]
            simplified = []
            for a, b in zip(cuts, cuts[1:]):
                simplified += arc_of(loop[a : b + 1])[:-1]
            simplified.append(simplified[0])
        if len(set(simplified)) < 3:
            raise ValueError(f"a ring of {len(ring)} points collapses at tolerance {tolerance}; lower it")
        result.append(simplified)
    return result


def _inside(p: Point, rings: list[Ring]) -> bool:
    """Even-odd rule over all rings of a polygon (holes included)."""
    x, y = p
    inside = False
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def _room(p: Point, rings: list[Ring]) -> float:
    """Distance from p to the nearest edge, negative outside."""
    d = min(_distance(p, a, b) for ring in rings for a, b in zip(ring, ring[1:]))
    return d if _inside(p, rings) else -d


def label_point(polygons: list[list[Ring]]) -> tuple[Point, float]:
    """The point deepest inside the largest polygon (a grid search, refined twice), and its depth:
    the radius of the largest circle around it that stays inside."""

    def area(ring: Ring) -> float:
        return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:]))) / 2

    rings = max(polygons, key=lambda polygon: area(polygon[0]) - sum(area(r) for r in polygon[1:]))
    xs, ys = [x for x, _ in rings[0]], [y for _, y in rings[0]]
    best, depth = (xs[0], ys[0]), -math.inf
    x0, x1, y0, y1, step = min(xs), max(xs), min(ys), max(ys), LABEL_STEP
    for _ in range(3):
        for i in range(int((x1 - x0) / step) + 1):
            for j in range(int((y1 - y0) / step) + 1):
                p = (x0 + i * step, y0 + j * step)
                d = _room(p, rings)
                if d > depth:
                    best, depth = p, d
        x0, x1, y0, y1 = best[0] - step, best[0] + step, best[1] - step, best[1] + step
        step /= 10
    return best, depth


def _despike(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop out-and-back spikes (…A B A… becomes …A…) of a closed ring on the grid. A sliver of
    land narrower than the tolerance simplifies to one; both districts along a shared sliver have
    the same spike, so both lose it alike."""
    changed = True
    while changed and len(points) > 3:
        changed = False
        n = len(points)
        for i in range(n):
            if points[i - 1] == points[(i + 1) % n]:
                drop = {i, (i + 1) % n}
                points = [p for j, p in enumerate(points) if j not in drop]
                changed = True
                break
    return points


def path_data(rings: list[Ring]) -> str:
    """SVG path data on the integer grid: an absolute move, then relative lines, closed."""
    out = []
    for ring in rings:
        points = []
        for x, y in ring[:-1]:
            p = (round(x), round(y))
            if not points or p != points[-1]:
                points.append(p)
        while len(points) > 1 and points[-1] == points[0]:
            points.pop()
        points = _despike(points)
        (x, y), rest = points[0], points[1:]
        step = []
        for px, py in rest:
            step.append(f"{px - x} {py - y}")
            x, y = px, py
        out.append(f"M{points[0][0]} {points[0][1]}l" + " ".join(step) + "z")
    return "".join(out).replace(" -", "-")


def build(text: str, source: str, tolerance: float) -> str:
    """The text of paths.csv: name,label_x,label_y,label_r,d in the project's district order."""
    from gen.tables import load_tables

    districts = read_districts(text, source)
    project = projector(districts)
    rings: list[Ring] = []
    where: list[tuple[str, int, int]] = []  # (district, polygon, ring) of each entry in rings
    for name, polygons in districts.items():
        for p, polygon in enumerate(polygons):
            for r, ring in enumerate(polygon):
                rings.append([project(pt) for pt in ring])
                where.append((name, p, r))
    simplified = simplify_rings(rings, tolerance)
    shapes: dict[str, list[list[Ring]]] = {}
    for (name, p, r), ring in zip(where, simplified):
        polygons = shapes.setdefault(name, [])
        if r == 0:
            polygons.append([])
        polygons[p].append(ring)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "label_x", "label_y", "label_r", "d"])
    for district in load_tables().districts:
        polygons = shapes[district.name]
        (x, y), r = label_point(polygons)
        writer.writerow([district.name, f"{x:.1f}", f"{y:.1f}", f"{r:.1f}", path_data([ring for polygon in polygons for ring in polygon])])
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="geoBoundaries CHN ADM3 GeoJSON (see SOURCE.md)")
    parser.add_argument("--tolerance", type=float, default=1.0, help="Douglas–Peucker tolerance in map units (default 1.0, about 140 m)")
    args = parser.parse_args(argv)
    raw = args.source.read_bytes()
    text = build(raw.decode("utf-8"), str(args.source), args.tolerance)
    OUT.write_text(text, encoding="utf-8")
    print(f"source sha256 {hashlib.sha256(raw).hexdigest()}; wrote {OUT.name}: {len(text.encode())} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
