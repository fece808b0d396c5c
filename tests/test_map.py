"""District map (gen/charts/map.py) and its outlines (gen/data/districts-geo/): golden SVG, every
district once with its count and link, path data inside the map, shared borders that still meet,
shading steps, escaping, the table beside it, the outline file's checks, the script that makes it;
and, in a browser, districts that stand out from the page in both of Material's palettes."""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter

import pytest
from lxml import etree

from gen.charts.map import (NONE_ID, SIZE, breaks, describe, district_map_svg, district_names,
                            district_table_html, load_outlines, parse_outlines, step_of)
from tests.conftest import REPO

SVG = "{http://www.w3.org/2000/svg}"
NAMES = ("东城区", "西城区", "朝阳区", "丰台区", "石景山区", "海淀区", "门头沟区", "房山区",
         "通州区", "顺义区", "昌平区", "大兴区", "怀柔区", "平谷区", "密云区", "延庆区")
# A shape like the archive's: the city centre busy, two districts with none, one with a single document.
COUNTS = dict(zip(NAMES, (410, 388, 1290, 205, 64, 702, 9, 31, 120, 0, 96, 1, 0, 14, 22, 5)))
LINKS = {name: f"{i:02d}-{name}/" for i, name in enumerate(NAMES)}
PATHS = REPO / "gen" / "data" / "districts-geo" / "paths.csv"


def _svg(text: str) -> etree._Element:
    return etree.fromstring(text.encode("utf-8"))


def _districts(text: str) -> dict[str, etree._Element]:
    """Each district's <path>, keyed by the name in its tooltip."""
    out = {}
    for path in _svg(text).iter(f"{SVG}path"):
        name = path.find(f"{SVG}title").text.split("：")[0]
        assert name not in out, f"{name} drawn twice"
        out[name] = path
    return out


def _points(d: str) -> list[list[tuple[int, int]]]:
    """Absolute points of each subpath of path data made of M, l and z with whole numbers; fails
    on anything else."""
    tokens = re.findall(r"[Mlz]|-?\d+|\S", d)
    rings, ring, i, command, at = [], [], 0, None, (0, 0)
    while i < len(tokens):
        token = tokens[i]
        if token in "Mlz":
            command = token
            i += 1
            if token == "z":
                assert len(ring) >= 3, f"a subpath of {len(ring)} points"
                rings.append(ring)
                ring = []
            continue
        x, y = int(tokens[i]), int(tokens[i + 1])  # ValueError on anything that is not a number
        i += 2
        at = (x, y) if command == "M" else (at[0] + x, at[1] + y)
        if command == "M":
            assert not ring, "a move inside an open subpath"
        ring.append(at)
    assert not ring, "an unclosed subpath"
    return rings


def test_district_map_svg_golden(golden):
    golden("charts/map.svg", district_map_svg(COUNTS, LINKS, title="各区文档数"))


def test_district_map_svg_empty_golden(golden):
    golden("charts/map-empty.svg", district_map_svg({}, {}, title="各区文档数"))


def test_district_map_svg_draws_every_district_once_in_code_order():
    paths = _districts(district_map_svg(COUNTS, LINKS, title="t"))
    assert tuple(paths) == NAMES
    assert district_names() == NAMES


def test_district_map_svg_links_and_counts_are_as_given():
    root = _svg(district_map_svg(COUNTS, LINKS, title="t"))
    links = {a.find(f"{SVG}path/{SVG}title").text: a.get("href") for a in root.iter(f"{SVG}a")}
    assert links == {f"{name}：{COUNTS[name]} 篇": LINKS[name] for name in NAMES}
    assert all(a.get("tabindex") == "-1" for a in root.iter(f"{SVG}a")), "the table is the keyboard's way in"


def test_district_map_svg_without_links_draws_plain_districts():
    root = _svg(district_map_svg(COUNTS, {"朝阳区": "chaoyangqu/"}, title="t"))
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == ["chaoyangqu/"]
    assert len(list(root.iter(f"{SVG}path"))) == 16


def test_district_map_svg_paths_parse_and_stay_inside_the_map():
    for name, path in _districts(district_map_svg(COUNTS, LINKS, title="t")).items():
        rings = _points(path.get("d"))
        assert rings, name
        for ring in rings:
            assert all(0 <= x <= SIZE and 0 <= y <= SIZE for x, y in ring), name


def test_outlines_shared_borders_meet():
    """Every border segment is drawn by at most two districts, and the segments drawn by one only
    are the city's edge: a single closed loop. A gap or overlap between neighbours breaks both."""
    segments: Counter[frozenset] = Counter()
    for outline in load_outlines():
        for ring in _points(outline.d):
            for a, b in zip(ring, ring[1:] + ring[:1]):
                segments[frozenset((a, b))] += 1
    assert max(segments.values()) == 2
    for outline in load_outlines():
        for ring in _points(outline.d):
            assert all(ring[i - 1] != ring[(i + 1) % len(ring)] for i in range(len(ring))), f"{outline.name}: a spike"
    edge = [tuple(s) for s, n in segments.items() if n == 1]
    degree = Counter(p for s in edge for p in s)
    assert set(degree.values()) == {2}, "the edge is a loop: every point on it has two neighbours"
    seen, todo = set(), [edge[0][0]]
    near: dict[tuple[int, int], list] = {}
    for a, b in edge:
        near.setdefault(a, []).append(b)
        near.setdefault(b, []).append(a)
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.add(p)
            todo += near[p]
    assert seen == set(degree), "one loop, not several"


def test_outlines_chaoyang_keeps_its_exclave_and_shunyi_its_hole():
    rings = {o.name: _points(o.d) for o in load_outlines()}
    assert len(rings["朝阳区"]) == 2 and len(rings["顺义区"]) == 2
    assert set(rings["朝阳区"][1]) == set(rings["顺义区"][1])


def test_district_map_svg_shades_by_step_and_hatches_districts_without_documents():
    paths = _districts(district_map_svg(COUNTS, LINKS, title="t"))
    for name in ("顺义区", "怀柔区"):
        assert paths[name].get("fill") == f"url(#{NONE_ID})" and paths[name].get("fill-opacity") is None
    opacity = {name: float(p.get("fill-opacity")) for name, p in paths.items() if COUNTS[name]}
    assert opacity["朝阳区"] == 1.0
    by_count = sorted(opacity, key=COUNTS.__getitem__)
    assert [opacity[n] for n in by_count] == sorted(opacity[n] for n in by_count), "more documents, never lighter"
    assert len(set(opacity.values())) == 4


def test_district_map_svg_legend_lists_the_steps():
    root = _svg(district_map_svg(COUNTS, LINKS, title="t"))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[texts.index("文档数") + 1:][:5] == ["0", "1–10", "11–50", "51–500", "501–1290"]


@pytest.mark.parametrize("top, expected", [
    (1, (1,)), (2, (2,)), (3, (2, 3)), (10, (2, 5, 10)), (37, (5, 10, 20, 37)),
    (100, (5, 10, 50, 100)), (1290, (10, 50, 500, 1290)), (5000, (10, 100, 1000, 5000)), (0, ()),
])
def test_breaks_grow_geometrically_to_the_top(top, expected):
    assert breaks(top) == expected


def test_step_of_counts():
    bounds = (5, 20, 200, 1290)
    assert [step_of(n, bounds) for n in (0, 1, 5, 6, 20, 21, 1290)] == [0, 1, 1, 2, 2, 3, 4]


def test_district_map_svg_labels_districts_where_they_fit():
    root = _svg(district_map_svg(COUNTS, LINKS, title="t"))
    labels = {t.text for t in root.iter(f"{SVG}text")}
    assert {"朝阳", "海淀", "密云", "延庆", "丰台"} <= labels
    assert not {"东城", "西城"} & labels, "the two smallest districts have no room for a name"


def test_district_map_svg_is_accessible_static_and_small():
    text = district_map_svg(COUNTS, LINKS, title="各区文档数")
    root = _svg(text)
    assert root.get("role") == "img"
    title, desc = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title and root.find(f"{SVG}desc").get("id") == desc
    assert root.find(f"{SVG}title").text == "各区文档数"
    assert not list(root.iter(f"{SVG}script")) and "http" not in text.replace("http://www.w3.org/2000/svg", "")
    assert "\n\n" not in text, "a blank line would end the page's raw HTML block"
    assert len(text.encode("utf-8")) < 25_000
    assert "OpenStreetMap" in text and "ODbL" in text, "the licence asks maps to say where the data comes from"


def test_district_map_svg_is_deterministic():
    shuffled = dict(reversed(list(COUNTS.items())))
    assert district_map_svg(COUNTS, LINKS, title="t") == district_map_svg(shuffled, dict(reversed(list(LINKS.items()))), title="t")


def test_district_map_svg_escapes_hostile_title_and_links():
    title = 'Map </title><script>alert(1)</script> & "quotes"'
    href = 'x" onmouseover="alert(1)&<b>'
    text = district_map_svg(COUNTS, {"朝阳区": href}, title=title)
    root = _svg(text)
    assert root.find(f"{SVG}title").text == title
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == [href]
    assert not list(root.iter(f"{SVG}script")) and "onmouseover" not in {k for e in root.iter() for k in e.attrib}
    table = etree.fromstring(district_table_html(COUNTS, {"朝阳区": href}))
    assert [a.get("href") for a in table.iter("a")] == [href]


@pytest.mark.parametrize("href", ["javascript:alert(1)", " JavaScript:alert(1)", "java\nscript:alert(1)", "data:text/html,x"])
def test_district_map_svg_refuses_links_with_unsafe_schemes(href):
    with pytest.raises(ValueError, match="links: 朝阳区"):
        district_map_svg(COUNTS, {"朝阳区": href}, title="t")


@pytest.mark.parametrize("counts, message", [
    ({"北京市": 3}, "counts: '北京市': not one of the 16 districts"),
    ({"朝阳区": -1}, "counts: 朝阳区: expected a count of 0 or more"),
    ({"朝阳区": 2.5}, "counts: 朝阳区"),
    ({"朝阳区": True}, "counts: 朝阳区"),
])
def test_district_map_svg_refuses_bad_counts(counts, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        district_map_svg(counts, {}, title="t")


def test_describe_names_the_busiest_district_and_those_without_documents():
    assert describe(COUNTS) == ("北京市 16 个区按文档数着色：共 3357 篇，最多的是朝阳区（1290 篇）；"
                                "2 个区没有文档（顺义区、怀柔区），以斜线表示。")
    assert describe({}) == "北京市 16 个区都还没有文档。"


def test_district_table_html_rows_in_code_order_with_links_and_total():
    table = etree.fromstring(district_table_html(COUNTS, LINKS))
    rows = [[cell.xpath("string()") for cell in tr] for tr in table.iter("tr")]
    assert rows[0] == ["区", "文档数"]
    assert rows[1:-1] == [[name, str(COUNTS[name])] for name in NAMES]
    assert rows[-1] == ["合计", "3357"]
    assert [a.get("href") for a in table.iter("a")] == [LINKS[name] for name in NAMES]


def test_parse_outlines_reads_the_shipped_file():
    outlines = parse_outlines(PATHS.read_text(encoding="utf-8"))
    assert tuple(o.name for o in outlines) == NAMES
    assert load_outlines() == outlines
    assert PATHS.stat().st_size < 20_000


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("label_r", "radius"), "paths.csv:1: expected the columns"),
    (lambda t: t.replace("东城区,", "东城,", 1), "paths.csv:2: name: '东城' is not a district"),
    (lambda t: t.replace("西城区,", "东城区,", 1), "paths.csv:3: name: '东城区' is repeated"),
    (lambda t: re.sub(r"(?m)^(西城区,)[\d.]+", r"\1x", t), "paths.csv:3: label_x, label_y, label_r: expected numbers"),
    (lambda t: re.sub(r"(?m)^(西城区,[^,]*,[^,]*,[^,]*,M)", r"\1C", t), "paths.csv:3: d: expected path data"),
    (lambda t: "\n".join(line for line in t.splitlines() if not line.startswith("延庆区")), "no outline for 延庆区"),
])
def test_parse_outlines_names_file_line_and_field(edit, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_outlines(edit(PATHS.read_text(encoding="utf-8")))


# --- simplify.py: the script that makes paths.csv -------------------------------------------------

def _script():
    spec = importlib.util.spec_from_file_location("simplify", REPO / "gen" / "data" / "districts-geo" / "simplify.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_simplify_rings_simplifies_a_shared_border_once():
    s = _script()
    wiggle = [(10.0, y + 0.3 * (y % 2)) for y in range(1, 20)]  # the border, with sub-tolerance wiggles
    left = [(0.0, 0.0), (10.0, 0.0)] + wiggle + [(10.0, 20.0), (0.0, 20.0), (0.0, 0.0)]
    right = [(10.0, 0.0), (20.0, 0.0), (20.0, 20.0), (10.0, 20.0)] + wiggle[::-1] + [(10.0, 0.0)]
    a, b = s.simplify_rings([left, right], 1.0)
    assert len(a) < len(left) and len(b) < len(right)
    border_a = {p for p in a if 0 < p[1] < 20 and p[0] > 5}
    border_b = {p for p in b if 0 < p[1] < 20 and p[0] < 15}
    assert border_a == border_b, "both sides of the border keep the same points"


def test_douglas_peucker_keeps_ends_and_corners():
    s = _script()
    line = [(0.0, 0.0), (1.0, 0.1), (2.0, 0.0), (2.0, 5.0)]
    assert s.douglas_peucker(line, 0.5) == [(0.0, 0.0), (2.0, 0.0), (2.0, 5.0)]


def test_simplify_builds_a_file_parse_outlines_accepts():
    """16 made-up squares carrying geoBoundaries' ids, in a 4 × 4 grid: the whole chain, without the
    real (large) source."""
    s = _script()
    features = []
    for i, (shape_id, (english, _)) in enumerate(s.SHAPES.items()):
        x, y = 116 + 0.2 * (i % 4), 40 + 0.2 * (i // 4)
        ring = [[x, y], [x + 0.2, y], [x + 0.2, y + 0.2], [x, y + 0.2], [x, y]]
        features.append({"type": "Feature", "properties": {"shapeID": shape_id, "shapeName": english},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    features.append({"type": "Feature", "properties": {"shapeID": "elsewhere", "shapeName": "Tianjin"},
                     "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}})
    text = s.build(json.dumps({"type": "FeatureCollection", "features": features}), "grid.geojson", 1.0)
    outlines = parse_outlines(text, "grid")
    assert tuple(o.name for o in outlines) == NAMES
    assert all(len(_points(o.d)[0]) == 4 for o in outlines), "a square stays a square"
    # Each square is 246 units high and 188 wide (x shrinks by cos 40.3°): labels sit at their middle.
    assert all(93 < o.room < 95 for o in outlines), "labels sit deep inside"


def test_simplify_refuses_a_source_without_beijing():
    s = _script()
    with pytest.raises(ValueError, match=r"x\.geojson: no feature for"):
        s.build(json.dumps({"type": "FeatureCollection", "features": []}), "x.geojson", 1.0)


# --- in a browser ---------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_district_map_stands_out_in_both_palettes(scheme, tmp_path, shared_browser):
    from tests.browser.harness import contrast, material_page, rgb

    block = (f'<figure class="district-map">{district_map_svg(COUNTS, LINKS, title="各区文档数")}</figure>'
             f"{district_table_html(COUNTS, LINKS)}")
    html = material_page(block, scheme)
    page_file = tmp_path / f"map-{scheme}.html"
    page_file.write_text(html, encoding="utf-8")
    b = shared_browser
    page = b.new_page(viewport={"width": 760, "height": 1100})
    page.goto(page_file.as_uri())
    paths = page.eval_on_selector_all(
        "svg.district-map__svg path",
        "ps => ps.map(p => [p.querySelector('title').textContent, getComputedStyle(p).fill, getComputedStyle(p).fillOpacity])")
    hatch = page.eval_on_selector(f"#{NONE_ID} line", "l => getComputedStyle(l).stroke")
    label = page.eval_on_selector("svg.district-map__svg text", "t => getComputedStyle(t).fill")
    links = page.eval_on_selector_all("svg.district-map__svg a", "as => as.map(a => a.getAttribute('href'))")
    box = page.eval_on_selector("svg.district-map__svg", "s => [s.getBoundingClientRect().width, s.getBoundingClientRect().height]")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    shot = tmp_path / f"map-{scheme}.png"
    page.screenshot(path=str(shot), full_page=True)
    page.close()
    print(f"{scheme}: districts {sorted({f for _, f, _ in paths})}, hatch {hatch}, labels {label}, background {background}; screenshot {shot}")
    page_bg = rgb(background)
    assert len(paths) == 16 and links == [LINKS[name] for name in NAMES]
    for title, fill, opacity in paths:
        if fill.startswith("url("):
            assert title.endswith("：0 篇")
            assert contrast(rgb(hatch, page_bg), page_bg) >= 1.5, "the hatching shows on the page"
        else:
            seen = rgb(fill, page_bg, float(opacity))
            assert seen != page_bg and contrast(seen, page_bg) >= 1.3, f"{title} stands out from the page"
    darkest = [rgb(f, page_bg, float(o)) for t, f, o in paths if t.startswith("朝阳区")][0]
    assert contrast(darkest, page_bg) >= 3, "the darkest step is a clear 3:1 against the page"
    assert contrast(rgb(label, page_bg), page_bg) >= 4.5, "labels are legible"
    assert 600 <= box[0] <= 640 and box[0] == box[1], "square, at most its full size"
