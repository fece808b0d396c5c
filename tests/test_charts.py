"""Documents-per-month chart (gen/charts/timeline.py): golden SVG, bar heights proportional to the
counts, zero months, one month, an empty archive, escaping, the table beside it, the chart on the
index pages; and, in a browser, bars that stand out from the page in both of Material's palettes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from lxml import etree

from gen.charts.timeline import MIN_BAR, PLOT, STEP, describe, monthly_chart_svg, monthly_table_html, months
from gen.indexes import render_indexes
from gen.model import Meta
from tests.test_index_scale import synthetic

SVG = "{http://www.w3.org/2000/svg}"
# A shape like the archive's: a peak in February 2020, quiet months, one month with a single document.
COUNTS = {"2019-12": 3, "2020-01": 41, "2020-02": 230, "2020-03": 118, "2020-04": 60, "2020-06": 75, "2020-07": 1,
          "2021-01": 22, "2021-08": 9, "2022-04": 96, "2022-05": 140, "2022-11": 57, "2022-12": 12}


def _svg(text: str) -> etree._Element:
    return etree.fromstring(text.encode("utf-8"))


def _bars(text: str) -> dict[str, tuple[float, float]]:
    """(height, bottom) of each bar, keyed by its tooltip's month."""
    out = {}
    for rect in _svg(text).iter(f"{SVG}rect"):
        label = rect.find(f"{SVG}title").text
        out[label.split("：")[0]] = (float(rect.get("height")), float(rect.get("y")) + float(rect.get("height")))
    return out


def _label(key: str) -> str:
    year, month = key.split("-")
    return f"{int(year)}年{int(month)}月"


def test_monthly_chart_svg_golden(golden):
    golden("charts/timeline.svg", monthly_chart_svg(COUNTS, title="全部文档 · 每月文档数") + "\n")


def test_monthly_chart_svg_empty_golden(golden):
    golden("charts/timeline-empty.svg", monthly_chart_svg({}, title="没有文档") + "\n")


def test_monthly_chart_svg_bars_are_proportional_to_the_counts():
    bars = _bars(monthly_chart_svg(COUNTS, title="t"))
    assert set(bars) == {_label(k) for k in COUNTS}
    top = max(COUNTS.values())
    for key, n in COUNTS.items():
        height, bottom = bars[_label(key)]
        assert height == pytest.approx(max(PLOT * n / top, MIN_BAR), abs=0.01), key
        assert bottom == pytest.approx(bars[_label("2020-02")][1]), "every bar stands on the baseline"
    assert bars[_label("2020-02")][0] == PLOT
    assert bars[_label("2020-07")][0] == MIN_BAR, "one document in a month of a busy archive is still visible"


def test_monthly_chart_svg_tooltips_give_each_months_count():
    root = _svg(monthly_chart_svg(COUNTS, title="t"))
    tips = [r.find(f"{SVG}title").text for r in root.iter(f"{SVG}rect")]
    assert "2020年2月：230 篇" in tips and "2022年12月：12 篇" in tips and len(tips) == len(COUNTS)


def test_monthly_chart_svg_zero_months_draw_no_bar_but_the_baseline_spans_every_month():
    text = monthly_chart_svg({"2020-02": 5}, title="t")
    root = _svg(text)
    assert len(list(root.iter(f"{SVG}rect"))) == 1
    x_positions = sorted(float(r.get("x")) for r in root.iter(f"{SVG}rect"))
    lines = [(float(l.get("x1")), float(l.get("x2")), l.get("y1") == l.get("y2")) for l in root.iter(f"{SVG}line")]
    width = float(root.get("viewBox").split()[2])
    baseline = max(lines, key=lambda l: l[1] - l[0])
    assert baseline[2] and baseline[1] - baseline[0] >= 37 * STEP, "a horizontal line under all 37 months"
    assert baseline[0] < x_positions[0] and baseline[1] <= width
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels[:2] == ["0", "5"], "the baseline's 0 and the maximum tick"


def test_monthly_chart_svg_one_month():
    root = _svg(monthly_chart_svg({"2020-02": 7}, title="t", first="2020-02", last="2020-02"))
    (rect,) = root.iter(f"{SVG}rect")
    assert float(rect.get("height")) == PLOT
    assert [t.text for t in root.iter(f"{SVG}text")] == ["0", "7"], "no year label under a single month"
    assert "2020年2月至2020年2月" in root.find(f"{SVG}desc").text


def test_monthly_chart_svg_empty_archive_has_a_baseline_and_says_so():
    root = _svg(monthly_chart_svg({}, title="t"))
    assert not list(root.iter(f"{SVG}rect"))
    assert [t.text for t in root.iter(f"{SVG}text")] == ["0", "2020", "2021", "2022"], "no maximum tick"
    assert "没有有日期的文档" in root.find(f"{SVG}desc").text


def test_monthly_chart_svg_is_accessible_static_and_small():
    text = monthly_chart_svg({f"{y}-{m:02d}": 10_000 + m for y in (2019, 2020, 2021, 2022) for m in range(1, 13)}, title="t" * 40)
    root = _svg(text)
    assert root.get("role") == "img"
    assert root[0].tag == f"{SVG}title" and root[1].tag == f"{SVG}desc"
    assert root.get("aria-labelledby") == f"{root[0].get('id')} {root[1].get('id')}"
    assert len(text.encode("utf-8")) < 8_000
    assert not re.search(r"<script|\bon\w+=|href=|https?://(?!www\.w3\.org/2000/svg\")", text), "no script, nothing from other hosts"
    assert "var(--md-typeset-a-color" in text and "var(--md-default-fg-color--light" in text


def test_monthly_chart_svg_escapes_its_title():
    title = '</title><script>alert(1)</script> & "x" \x01'
    text = monthly_chart_svg({"2020-02": 1}, title=title)
    assert "<script>" not in text
    assert _svg(text).find(f"{SVG}title").text == '</title><script>alert(1)</script> & "x" '


def test_monthly_chart_svg_leaves_out_months_outside_the_period_and_says_how_many():
    text = monthly_chart_svg({"2020-02": 4, "2023-05": 2, "1999-01": 1}, title="t")
    assert set(_bars(text)) == {"2020年2月"}
    assert "另有 3 篇的日期在这期间之外" in _svg(text).find(f"{SVG}desc").text


@pytest.mark.parametrize("counts, message", [
    ({"2020-2": 1}, "counts: month '2020-2': expected YYYY-MM"),
    ({"2020-13": 1}, "expected YYYY-MM"),
    ({"2020-02": -1}, "2020-02: expected a count of 0 or more"),
])
def test_monthly_chart_svg_refuses_bad_counts(counts, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        monthly_chart_svg(counts, title="t")


def test_months_spans_years_and_refuses_a_reversed_period():
    assert months("2019-11", "2020-02") == [(2019, 11), (2019, 12), (2020, 1), (2020, 2)]
    with pytest.raises(ValueError, match="after"):
        months("2021-01", "2020-12")


def test_describe_names_the_busiest_month_the_earliest_of_equals():
    assert describe({"2020-03": 5, "2021-03": 5, "2020-01": 1}) == "2019年12月至2022年12月每月的文档数：共 11 篇，最多的是2020年3月（5 篇）。"


def test_monthly_table_html_rows_per_month_columns_per_year():
    root = etree.fromstring(monthly_table_html(COUNTS))
    rows = {tr[0].text: [td.text for td in tr[1:]] for tr in root.find("tbody")}
    assert [th.text for th in root.find("thead")[0]] == ["月份", "2019年", "2020年", "2021年", "2022年"]
    assert list(rows) == [f"{m}月" for m in range(1, 13)] + ["合计"]
    assert rows["1月"] == [None, "41", "22", "0"], "months before the period are blank"
    assert rows["2月"] == [None, "230", "0", "0"] and rows["12月"] == ["3", "0", "0", "12"]
    assert rows["合计"] == [str(sum(n for k, n in COUNTS.items() if k.startswith(str(y)))) for y in (2019, 2020, 2021, 2022)]


# ---------------------------------------------------------------- on the index pages


def _metas() -> list[Meta]:
    days = [dt.date(2020, 2, 1), dt.date(2020, 2, 9), dt.date(2020, 3, 5), dt.date(2022, 6, 1), None, None, dt.date(2024, 1, 1)]
    return [Meta(f"archive/d{i}.md", f"文档{i}", day, "海淀区" if i % 2 else "石景山区", None, ("核酸检测",)) for i, day in enumerate(days)]


def _chart_of(page: str) -> tuple[dict[str, tuple[float, float]], str]:
    block = page[page.index('<div class="archive-chart">'):page.index("</details>\n</div>") + len("</details>\n</div>")]
    svg = block[block.index("<svg"):block.index("</svg>") + len("</svg>")]
    return _bars(svg), block


def test_home_page_charts_every_dated_document_and_says_what_it_leaves_out():
    pages = render_indexes(_metas())
    bars, block = _chart_of(pages["index.md"])
    assert {k: h for k, (h, _) in bars.items()} == {"2020年2月": PLOT, "2020年3月": PLOT / 2, "2022年6月": PLOT / 2}
    assert "图中是有日期的 4 篇；日期不详的 2 篇不在图中；日期在 2019-12 至 2022-12 之外的 1 篇也不在图中。" in block
    assert "<details><summary>按月统计表</summary><table" in block
    assert "\n\n" not in block, "a raw HTML block ends at the first blank line"


def test_first_pages_of_district_source_and_tag_listings_chart_their_own_documents():
    pages = render_indexes(_metas())
    bars, block = _chart_of(pages["districts/haidianqu.md"])
    assert set(bars) == {"2020年2月", "2022年6月"} and "日期不详的 1 篇" in block
    assert "海淀区 · 每月文档数" in block
    assert '<div class="archive-chart">' in pages["tags/hesuanjiance.md"]
    assert '<div class="archive-chart">' not in pages["timeline/index.md"]
    assert '<div class="archive-chart">' not in pages["districts/index.md"]


# ---------------------------------------------------------------- in a browser


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_chart_bars_stand_out_in_both_palettes(scheme, tmp_path, shared_browser):
    from tests.browser.harness import contrast, material_page, rgb

    block = _chart_of(render_indexes(synthetic(3_000))["index.md"])[1]
    html = material_page(block, scheme)
    page_file = tmp_path / f"chart-{scheme}.html"
    page_file.write_text(html, encoding="utf-8")
    b = shared_browser
    page = b.new_page(viewport={"width": 720, "height": 420})
    page.goto(page_file.as_uri())
    fill = page.eval_on_selector("svg.archive-chart__svg rect", "r => getComputedStyle(r).fill")
    text = page.eval_on_selector("svg.archive-chart__svg text", "t => getComputedStyle(t).fill")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.click("div.archive-chart summary")
    cells = page.eval_on_selector_all("div.archive-chart table tbody td", "tds => tds.map(td => td.offsetWidth)")
    table_width = page.eval_on_selector("div.archive-chart table", "t => t.scrollWidth")
    shot = tmp_path / f"chart-{scheme}.png"
    page.screenshot(path=str(shot), full_page=True)
    page.close()
    print(f"{scheme}: bars {fill}, labels {text}, background {background}; screenshot {shot}")
    page_bg = rgb(background)
    assert rgb(fill, page_bg) != page_bg
    assert contrast(rgb(fill, page_bg), page_bg) >= 3, "bars need 3:1 against the page (WCAG 1.4.11)"
    assert contrast(rgb(text, page_bg), page_bg) >= 3, "labels must be legible"
    assert len(cells) == 13 * 4 and min(cells) > 0, "the table opens and shows every cell"
    assert table_width <= 720, "the table fits the page without scrolling"


def test_chart_refuses_a_bool_for_a_count_as_the_map_does():
    with pytest.raises(ValueError, match="expected a count of 0 or more"):
        monthly_chart_svg({"2020-03": True}, title="x")
