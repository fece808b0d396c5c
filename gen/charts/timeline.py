"""Documents per month as a static SVG bar chart, and the same counts as a table; pure.

A small writer of our own rather than a charting library: pygal (the smallest well-kept SVG one)
installs 1.3 MB and writes 22-34 KB per chart with its own colours in a <style> block and a script
reference to add (js=[] removes it); this writes one chart in about 4 KB, coloured by Material's
CSS variables so it follows the reader's palette (default and slate), and needs nothing beyond
the standard library. matplotlib would be tens of megabytes for a few dozen rectangles.

The chart is for seeing the shape; the table (`monthly_table_html`) is the same data for screen
readers and for reading exact values. Bar heights are proportional to the counts (a month with
any documents is at least MIN_BAR high, so it never looks empty); months with none show only the
baseline. The period is fixed (the archive's, 2019-12 to 2022-12), so charts of different
districts can be compared at a glance; counts outside it are not drawn, and the description says
how many there are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from gen.charts.palette import FAINT, MARK, MUTED, check_count, svg_text

FIRST, LAST = "2019-12", "2022-12"  # the archive's period

# Layout, in the SVG's own units (CSS pixels at full size). 37 months make a chart 459 wide: a
# phone's ~358 px column shrinks its 13-unit text to 10 px, still legible (12-unit text on a chart
# 488 wide came out at 8.8 px). LEFT holds a five-digit maximum.
STEP = 11  # per month
BAR = 8  # bar width; the rest is the gap
LEFT, RIGHT, TOP, PLOT, BOTTOM = 44, 8, 8, 96, 24
MIN_BAR = 1.0  # the height of the smallest non-zero bar
FONT = 13
# Colours from Material's palette (gen/charts/palette.py).
BAR_FILL, TEXT_FILL, AXIS, GRID = MARK, MUTED, MUTED, FAINT
# aria-labelledby needs ids: a page shows one timeline chart, so fixed ones cannot collide.
TITLE_ID, DESC_ID = "archive-timeline-title", "archive-timeline-desc"
YEAR_LABEL_MONTHS = 3  # a year with fewer months in the period gets no label (it would overlap the next)

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def _parse(key: str, what: str) -> tuple[int, int]:
    m = _MONTH.fullmatch(key)
    if not m:
        raise ValueError(f"{what}: month {key!r}: expected YYYY-MM")
    return int(m.group(1)), int(m.group(2))


def months(first: str, last: str) -> list[tuple[int, int]]:
    """(year, month) from first to last, both "YYYY-MM", inclusive."""
    y, m = _parse(first, "first")
    end = _parse(last, "last")
    if (y, m) > end:
        raise ValueError(f"first {first} is after last {last}")
    out = []
    while (y, m) <= end:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _checked(counts: Mapping[str, int]) -> dict[tuple[int, int], int]:
    out = {}
    for key, n in counts.items():
        ym = _parse(key, "counts")
        check_count(key, n)
        out[ym] = n
    return out


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _label(ym: tuple[int, int]) -> str:
    return f"{ym[0]}年{ym[1]}月"


def describe(counts: Mapping[str, int], *, first: str = FIRST, last: str = LAST) -> str:
    """The chart in one sentence (its <desc>): period, total, the busiest month, counts left out."""
    period = months(first, last)
    by_month = _checked(counts)
    shown = {ym: by_month.get(ym, 0) for ym in period}
    total = sum(shown.values())
    text = f"{_label(period[0])}至{_label(period[-1])}每月的文档数："
    if total:
        peak = max(period, key=shown.__getitem__)  # the earliest of equal months
        text += f"共 {total} 篇，最多的是{_label(peak)}（{shown[peak]} 篇）。"
    else:
        text += "这期间没有有日期的文档。"
    outside = sum(by_month.values()) - total
    if outside:
        text += f"另有 {outside} 篇的日期在这期间之外，图中没有画出。"
    return text


def monthly_chart_svg(counts: Mapping[str, int], *, title: str, first: str = FIRST, last: str = LAST) -> str:
    """Documents per month ("YYYY-MM" → count) as an accessible SVG bar chart, to put inline in a page."""
    period = months(first, last)
    by_month = _checked(counts)
    values = [by_month.get(ym, 0) for ym in period]
    top = max(values, default=0)
    width = LEFT + STEP * len(period) + RIGHT
    height = TOP + PLOT + BOTTOM
    base = TOP + PLOT
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="archive-chart__svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{TITLE_ID} {DESC_ID}" '
        f'style="max-width:100%;height:auto" font-size="{FONT}">',
        f'<title id="{TITLE_ID}">{svg_text(title)}</title>',
        f'<desc id="{DESC_ID}">{svg_text(describe(counts, first=first, last=last))}</desc>',
    ]
    if top:
        out.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{width - RIGHT}" y2="{TOP}" style="stroke:{GRID}" stroke-dasharray="2 3"/>')
    out.append(f'<g style="fill:{BAR_FILL}">')
    for i, (ym, n) in enumerate(zip(period, values)):
        if n:
            h = max(PLOT * n / top, MIN_BAR)
            out.append(f'<rect x="{_num(LEFT + STEP * i + (STEP - BAR) / 2)}" y="{_num(base - h)}" width="{BAR}" height="{_num(h)}">'
                       f'<title>{_label(ym)}：{n} 篇</title></rect>')
    out.append("</g>")
    out.append(f'<g style="stroke:{AXIS}">')
    out.append(f'<line x1="{LEFT}" y1="{base}" x2="{width - RIGHT}" y2="{base}"/>')
    starts = [i for i, (_, m) in enumerate(period) if m == 1 and i > 0]
    for i in starts:  # year boundaries: a tick below the baseline
        out.append(f'<line x1="{LEFT + STEP * i}" y1="{base}" x2="{LEFT + STEP * i}" y2="{base + 6}"/>')
    out.append("</g>")
    out.append(f'<g style="fill:{TEXT_FILL}">')
    out.append(f'<text x="{LEFT - 4}" y="{base}" text-anchor="end" dominant-baseline="middle">0</text>')
    if top:
        out.append(f'<text x="{LEFT - 4}" y="{TOP}" text-anchor="end" dominant-baseline="middle">{top}</text>')
    for year in sorted({y for y, _ in period}):
        span = [i for i, (y, _) in enumerate(period) if y == year]
        if len(span) >= YEAR_LABEL_MONTHS:
            middle = LEFT + STEP * (span[0] + span[-1] + 1) / 2
            out.append(f'<text x="{_num(middle)}" y="{base + BOTTOM - 6}" text-anchor="middle">{year}</text>')
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def monthly_table_html(counts: Mapping[str, int], *, first: str = FIRST, last: str = LAST) -> str:
    """The same counts as an HTML table: a row per month of the year, a column per year, the years'
    totals last; months outside the period are blank. (Twelve columns of months would not fit a
    phone's width in Material's table style; four or five years do.)"""
    period = months(first, last)
    by_month = _checked(counts)
    inside = set(period)
    years = sorted({y for y, _ in period})
    head = "".join(f'<th scope="col">{y}年</th>' for y in years)
    rows = []
    for m in range(1, 13):
        cells = "".join(f"<td>{by_month.get((y, m), 0) if (y, m) in inside else ''}</td>" for y in years)
        rows.append(f'<tr><th scope="row">{m}月</th>{cells}</tr>')
    totals = "".join(f"<td>{sum(by_month.get((y, m), 0) for m in range(1, 13) if (y, m) in inside)}</td>" for y in years)
    rows.append(f'<tr><th scope="row">合计</th>{totals}</tr>')
    return f'<table><thead><tr><th scope="col">月份</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
