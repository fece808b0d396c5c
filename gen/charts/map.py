"""Beijing's 16 districts as a static SVG map shaded by document count, and the same counts as a
table; pure, apart from reading the outlines once.

The outlines are gen/data/districts-geo/paths.csv: OpenStreetMap-derived boundaries from
geoBoundaries (ODbL 1.0), simplified and projected into a 1000-unit square by simplify.py there
(see SOURCE.md). The map carries their attribution, as the licence asks of a map made from them.

Shading: a district with no documents is hatched, so that it differs from one with a few in
texture as well as colour; the others take the link colour at four opacities. The steps grow
geometrically up to the largest count (each bound about the fourth root of the top times the last,
rounded up to 1, 2 or 5 × a power of ten), because district counts span orders of magnitude: with
equal steps a city-centre district with thousands of documents would leave every other district
in the lightest one.

The map is a picture (role="img"): its links are for the mouse, out of the tab order; the table
(`district_table_html`) carries the same names, counts and links for keyboards, screen readers
and readers without SVG. Colours are Material's CSS variables (each with the default scheme's
value as a fallback), so the map follows the reader's palette, default or slate.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from gen.charts.palette import FAINT, MARK, MUTED, PAGE, TEXT, check_count, svg_text
from gen.tables import DATA_PACKAGE, SAFE_SCHEMES, load_tables

OUTLINES = "districts-geo/paths.csv"  # inside gen/data
SIZE = 1000  # the viewBox is 0 0 SIZE SIZE (simplify.py projects into it)
WIDTH = 640  # CSS pixels at full size; narrower pages shrink it (max-width:100%)
FONT = 24  # labels, in map units: 15 px at full size
SMALL = 18  # legend and attribution
STEPS = 4
OPACITY = (".3", ".5", ".75", "1")  # the steps' fill opacities, lightest first
NICE = (1, 2, 5)  # step bounds are rounded up to one of these times a power of ten
# Colours from Material's palette (gen/charts/palette.py): districts take the link colour,
# borders and label halos the page's background.
FILL, HATCH = MARK, FAINT
HOVER = "var(--md-accent-fg-color,#526cfe)"
# aria-labelledby and the hatch need ids: a page shows one district map, so fixed ones cannot collide.
TITLE_ID, DESC_ID, NONE_ID = "district-map-title", "district-map-desc", "district-map-none"
ATTRIBUTION = "边界 © OpenStreetMap 贡献者，geoBoundaries（ODbL）"
LEGEND_X, LEGEND_Y, KEY = 780, 770, 26  # the legend's corner and box size: south-east, outside the city
# The attribution runs along the bottom edge, right-aligned: Daxing's southern tip is left of it.

_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")  # browsers drop these before reading a scheme
_PATH = re.compile(r"(?:[Mlz]|-?\d+)(?: ?(?:[Mlz]|-?\d+))*")


@dataclass(frozen=True)
class Outline:
    """One district's shape on the map."""

    name: str  # 石景山区
    short_name: str  # 石景山: the label
    d: str  # SVG path data in map units
    label: tuple[float, float]  # the point deepest inside its largest part
    room: float  # radius of the largest circle around `label` inside the district


def parse_outlines(text: str, file: str = f"gen/data/{OUTLINES}") -> tuple[Outline, ...]:
    """The outlines from the text of paths.csv, in the project's district order; errors name file,
    line and field."""
    districts = load_tables().districts
    short = {d.name: d.short_name for d in districts}
    rows = list(csv.DictReader(io.StringIO(text)))
    columns = ["name", "label_x", "label_y", "label_r", "d"]
    if not rows or list(rows[0]) != columns:
        raise ValueError(f"{file}:1: expected the columns {','.join(columns)}")
    by_name: dict[str, Outline] = {}
    for line, row in enumerate(rows, start=2):
        name = row["name"]
        if name not in short or name in by_name:
            raise ValueError(f"{file}:{line}: name: {name!r} is {'repeated' if name in by_name else 'not a district of gen/data/districts.csv'}")
        try:
            x, y, r = (float(row[f]) for f in ("label_x", "label_y", "label_r"))
        except (TypeError, ValueError):
            raise ValueError(f"{file}:{line}: label_x, label_y, label_r: expected numbers") from None
        if not (0 <= x <= SIZE and 0 <= y <= SIZE and r > 0):
            raise ValueError(f"{file}:{line}: label: ({x}, {y}) r {r} is outside the map")
        if not _PATH.fullmatch(row["d"] or ""):
            raise ValueError(f"{file}:{line}: d: expected path data of M, l and z with whole numbers")
        by_name[name] = Outline(name, short[name], row["d"], (x, y), r)
    missing = [d.name for d in districts if d.name not in by_name]
    if missing:
        raise ValueError(f"{file}: no outline for {', '.join(missing)}")
    return tuple(by_name[d.name] for d in districts)


@functools.cache
def load_outlines() -> tuple[Outline, ...]:
    """The 16 outlines, read from the package once."""
    return parse_outlines(resources.files(DATA_PACKAGE).joinpath(OUTLINES).read_text(encoding="utf-8"))


def district_names() -> tuple[str, ...]:
    """The districts the map draws, in the project's order (by administrative code)."""
    return tuple(o.name for o in load_outlines())


def _checked(counts: Mapping[str, int], links: Mapping[str, str]) -> tuple[dict[str, int], dict[str, str]]:
    names = set(district_names())
    for what, given in (("counts", counts), ("links", links)):
        unknown = sorted(set(given) - names)
        if unknown:
            raise ValueError(f"{what}: {', '.join(map(repr, unknown))}: not one of the 16 districts")
    for name, n in counts.items():
        check_count(name, n)
    for name, href in links.items():
        scheme = _SCHEME.match(_URL_IGNORED.sub("", href))
        if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
            raise ValueError(f"links: {name}: {scheme.group(1)}: links may be relative or {', '.join(SAFE_SCHEMES)}")
    return {name: counts.get(name, 0) for name in district_names()}, dict(links)


def _nice(x: float) -> int:
    """The least of 1, 2, 5 × 10^k that is at least x."""
    power = 10 ** max(0, math.floor(math.log10(x)) if x > 0 else 0)
    while True:
        for n in NICE:
            if n * power >= x:
                return n * power
        power *= 10


def breaks(top: int) -> tuple[int, ...]:
    """Upper bounds of the shading steps for counts 1..top, lightest first; fewer than STEPS when
    the top is small (a step never spans nothing)."""
    if top <= 0:
        return ()
    bounds = sorted({min(top, _nice(top ** ((i + 1) / STEPS))) for i in range(STEPS - 1)} | {top})
    return tuple(bounds)


def step_of(n: int, bounds: tuple[int, ...]) -> int:
    """0 for no documents, else 1 + the index of the first bound at or above n."""
    return 0 if n == 0 else 1 + next(i for i, b in enumerate(bounds) if n <= b)


def _ranges(bounds: tuple[int, ...]) -> list[str]:
    lows = [1] + [b + 1 for b in bounds[:-1]]
    return [str(lo) if lo == hi else f"{lo}–{hi}" for lo, hi in zip(lows, bounds)]


def _opacity(step: int, steps: int) -> str:
    """The darkest step is always 1; fewer steps skip the lightest opacities."""
    return OPACITY[len(OPACITY) - steps + step - 1]


def describe(counts: Mapping[str, int]) -> str:
    """The map in one sentence (its <desc>): total, the district with most, districts with none."""
    by_name, _ = _checked(counts, {})
    total = sum(by_name.values())
    if not total:
        return "北京市 16 个区都还没有文档。"
    top = max(by_name, key=by_name.__getitem__)  # the first in code order of equal ones
    text = f"北京市 16 个区按文档数着色：共 {total} 篇，最多的是{top}（{by_name[top]} 篇）"
    none = [name for name, n in by_name.items() if n == 0]
    text += f"；{len(none)} 个区没有文档（{'、'.join(none)}），以斜线表示。" if none else "。"
    return text


def _fits(o: Outline) -> bool:
    """A label fits when its text's half width and half height stay inside the district's circle."""
    return max(len(o.short_name) * FONT / 2, FONT / 2) <= o.room


def district_map_svg(counts: Mapping[str, int], links: Mapping[str, str], *, title: str) -> str:
    """Beijing's districts shaded by `counts` (name → documents; missing names count 0), each a
    link to `links[name]` when given, as an accessible SVG to put inline in a page."""
    by_name, hrefs = _checked(counts, links)
    bounds = breaks(max(by_name.values()))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="district-map__svg" viewBox="0 0 {SIZE} {SIZE}" '
        f'width="{WIDTH}" height="{WIDTH}" role="img" aria-labelledby="{TITLE_ID} {DESC_ID}" '
        f'style="max-width:100%;height:auto" font-size="{FONT}">',
        f'<title id="{TITLE_ID}">{svg_text(title)}</title>',
        f'<desc id="{DESC_ID}">{svg_text(describe(counts))}</desc>',
        f"<style>.district-map__svg a:hover path{{stroke:{HOVER};stroke-width:4}}</style>",
        f'<defs><pattern id="{NONE_ID}" width="12" height="12" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="12" height="12" style="fill:{PAGE}"/><line x1="3" y1="0" x2="3" y2="12" style="stroke:{HATCH};stroke-width:3"/>'
        "</pattern></defs>",
        f'<g style="fill:{FILL};stroke:{PAGE};stroke-width:2;stroke-linejoin:round" fill-rule="evenodd">',
    ]
    for o in load_outlines():
        n = by_name[o.name]
        step = step_of(n, bounds)
        paint = f'fill="url(#{NONE_ID})"' if step == 0 else f'fill-opacity="{_opacity(step, len(bounds))}"'
        shape = f'<path {paint} d="{o.d}"><title>{svg_text(o.name)}：{n} 篇</title></path>'  # its own tooltip
        if o.name in hrefs:
            shape = f'<a href="{svg_text(hrefs[o.name])}" tabindex="-1">{shape}</a>'
        out.append(shape)
    out.append("</g>")
    out.append(f'<g style="fill:{TEXT};stroke:{PAGE};stroke-width:5;stroke-linejoin:round;paint-order:stroke" '
               'text-anchor="middle" dominant-baseline="central" pointer-events="none">')
    for o in load_outlines():
        if _fits(o):
            out.append(f'<text x="{o.label[0]:g}" y="{o.label[1]:g}">{svg_text(o.short_name)}</text>')
    out.append("</g>")
    out += _legend(bounds)
    out.append(f'<text x="{SIZE - 8}" y="{SIZE - 10}" font-size="{SMALL}" text-anchor="end" style="fill:{MUTED}">{svg_text(ATTRIBUTION)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _legend(bounds: tuple[int, ...]) -> list[str]:
    """Boxes from no documents (hatched) to the darkest step, with their ranges, under a heading."""
    keys = [(f'fill="url(#{NONE_ID})"', "0")]
    keys += [(f'fill-opacity="{_opacity(i + 1, len(bounds))}"', r) for i, r in enumerate(_ranges(bounds))]
    out = [f'<g font-size="{SMALL}">',
           f'<text x="{LEGEND_X}" y="{LEGEND_Y - 12}" style="fill:{TEXT}">文档数</text>',
           f'<g style="fill:{FILL};stroke:{MUTED};stroke-width:1">']
    for i, (paint, _) in enumerate(keys):
        out.append(f'<rect x="{LEGEND_X}" y="{LEGEND_Y + i * (KEY + 6)}" width="{KEY}" height="{KEY}" {paint}/>')
    out.append(f'</g><g style="fill:{TEXT}" dominant-baseline="central">')
    for i, (_, label) in enumerate(keys):
        out.append(f'<text x="{LEGEND_X + KEY + 10}" y="{LEGEND_Y + i * (KEY + 6) + KEY / 2:g}">{label}</text>')
    out.append("</g></g>")
    return out


def district_table_html(counts: Mapping[str, int], links: Mapping[str, str]) -> str:
    """The same counts as an HTML table, a row per district in code order (its name a link when
    given), the total last."""
    by_name, hrefs = _checked(counts, links)
    rows = []
    for name, n in by_name.items():
        cell = f'<a href="{svg_text(hrefs[name])}">{svg_text(name)}</a>' if name in hrefs else svg_text(name)
        rows.append(f'<tr><th scope="row">{cell}</th><td>{n}</td></tr>')
    rows.append(f'<tr><th scope="row">合计</th><td>{sum(by_name.values())}</td></tr>')
    return f'<table><thead><tr><th scope="col">区</th><th scope="col">文档数</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
