"""Index pages (home, timeline, districts, sources, tags) from the pages' front matter; pure.

They are built from the front matter as it stands in docs/, so an editor's correction of a date,
district or source shows up on every index at the next build.

No index page lists more than `page_size` entries (at 10,124 documents the single tags page was
1.75 MB of HTML, the undated timeline 1.19 MB). Each listing (the timeline; every district, source
and tag) is split by year and month, and long runs are paginated:

    timeline/index.md        years with their months, counts; the undated count
    timeline/2020.md         the year's months with counts (anchors #2020-03, as before the split)
    timeline/2020/03.md      the month's documents, oldest first …
    timeline/2020/03-2.md    … continued on numbered pages with previous/next links
    timeline/undated.md      documents without a date, by page path, paginated the same way

A district, source or tag has one page, `districts/<slug>.md`. While it fits on a page it lists the
documents itself; otherwise it shows years and months with counts, and the documents go to
`districts/<slug>/2020.md` (a year that fits), `districts/<slug>/2020/03.md` (each month of a year
that does not) and `districts/<slug>/undated.md`. `districts/index.md` (`index-2.md` …), and
`tags.md` (`tags-2.md` …, where Material's tags page was), list the names with counts. Paths come
from dates and pinyin slugs (gen/slug.py), never from titles.

The home page and the first page of every district, source and tag listing name their Atom feed in
the front matter (`feed`, `feed_title`: the theme's <link rel="alternate">), link it ("订阅"), and
chart their documents per month with the counts as a table beside the chart. Both are raw HTML
blocks: MkDocs would report a Markdown link to a feed as missing (feeds are written after the
build), and the chart is an inline SVG.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from markupsafe import escape as html_escape

from gen import frontmatter
from gen.charts.timeline import FIRST, LAST, monthly_chart_svg, monthly_table_html
from gen.feeds.paths import ENTRIES, HOME, feed_path, feed_title, href
from gen.charts.map import district_map_svg, district_names, district_table_html
from gen.export.addresses import download_links_html
from gen.site.markup import relative, site_relpath, url_of
from gen.model import Document, Meta
from gen.render import escape
from gen.slug import slug, slugs

SITE_TITLE = "北京各区新冠肺炎疫情防控文献档案"
LATEST = 20  # documents on the home page
# Entries per index page (the archive plugin's `index_page_size`). 200 entries of a typical
# title make 35-45 KB of Markdown and well under 100 KB of HTML, which a phone opens at once.
PAGE_SIZE = 200
# An overview lists years and months (the archive's period, 2019-12 to 2022-12, is 42 entries):
# a smaller page size could not hold it.
MIN_PAGE_SIZE = 50
TIMELINE = "timeline/index.md"
TAGS_INDEX = "tags.md"  # where Material's tags page was: links editors wrote to it keep working

# Index pages are navigation, not content: keep them out of search results.
INDEX_META = {"search": {"exclude": True}}


@dataclass(frozen=True)
class Kind:
    """A way of grouping documents by a front-matter field, with its folder and wording."""

    field: str  # Meta attribute: a name or a tuple of names
    folder: str  # where the names' pages go
    index: str  # the page listing the names, continued on index-2.md … (tags-2.md …) beside it
    title: str
    unit: str  # counting the names: 个地区
    missing: str  # the documents without one
    show: tuple[str, ...]  # what each entry shows besides the title


KINDS = (
    Kind("district", "districts", "districts/index.md", "地区", "个地区", "未标明地区", ("date", "source")),
    Kind("source", "sources", "sources/index.md", "来源", "个来源", "未标明来源", ("date", "district")),
    Kind("tags", "tags", TAGS_INDEX, "标签", "个标签", "没有标签", ("date", "district", "source")),
)
# Slugs a name must not take: districts/index-2.md is the index's, tags/index.md has tags.md's address.
RESERVED = re.compile(r"index(-\d+)?")
UNDATED_NOTE = "以下文档的日期无法从正文或清单确定，欢迎编辑补充。"


@dataclass(frozen=True)
class Listing:
    """One browsable listing: the timeline, or the documents of one district, source or tag."""

    title: str  # heading of its first page: 时间线, 海淀区
    root: str  # its first page
    folder: str  # where its other pages go
    trail: tuple[tuple[str, str], ...]  # (title, page) of the pages above its first page
    show: tuple[str, ...]
    split_always: bool  # the timeline has a page per year and month however few its documents
    prefix: str = ""  # of its pages' titles: `海淀区 · ` makes `海淀区 · 2020年3月`
    feed: bool = False  # its first page links its Atom feed and charts its documents per month

    def named(self, part: str) -> str:
        """The title of one of its pages below the first."""
        return self.prefix + part


# The (title, page) of the pages before and after a month page, if any.
Near = tuple[tuple[str, str] | None, tuple[str, str] | None]


def _chronological(m: Meta) -> tuple:
    return (m.date or dt.date.min, m.title, m.page)


_DIGITS = re.compile(r"(\d+)")


def _by_path(m: Meta) -> list:
    # Natural order, so archive/dxy_9 comes before archive/dxy_10.
    return [int(p) if i % 2 else p for i, p in enumerate(_DIGITS.split(m.page))]


def _rel(here: str, page: str) -> str:
    """A link from one docs-relative page to another."""
    return site_relpath(page, posixpath.dirname(here) or ".")


def _page(title: str, body: list[str], meta: dict[str, str] | None = None) -> str:
    return frontmatter.dump({"title": title, **INDEX_META, **(meta or {})}) + "\n" + "\n".join(body).rstrip() + "\n"


def feed_meta(listing: str, name: str | None) -> dict[str, str]:
    """The front matter naming a listing's feed (the theme links it in the page's head)."""
    return {"feed": feed_path(listing), "feed_title": feed_title(name, SITE_TITLE)}


def _feed_link(here: str, name: str | None, directory_urls: bool) -> list[str]:
    """The "订阅" paragraph of a listing's first page, as raw HTML (a Markdown link to a file that
    is not among the docs would be reported as broken)."""
    url = html_escape(href(here, feed_path(here), directory_urls))
    title = html_escape(feed_title(name, SITE_TITLE))
    return [f'<p class="archive-feed"><a href="{url}" type="application/atom+xml" title="{title}">订阅</a>'
            f"（Atom 源，最新 {ENTRIES} 篇有日期的文档）</p>", ""]


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _chart(title: str, metas: Iterable[Meta]) -> list[str]:
    """Documents per month as an inline SVG chart with the counts as a table, a raw HTML block;
    what the chart leaves out (undated documents, dates outside the period) said under it."""
    counts: Counter[str] = Counter()
    undated = 0
    for m in metas:
        if m.date:
            counts[_month(m.date)] += 1
        else:
            undated += 1
    outside = sum(n for month, n in counts.items() if not FIRST <= month <= LAST)
    note = f"每月文档数：图中是有日期的 {counts.total() - outside} 篇"
    note += f"；日期不详的 {undated} 篇不在图中" if undated else ""
    note += f"；日期在 {FIRST} 至 {LAST} 之外的 {outside} 篇也不在图中" if outside else ""
    return ['<div class="archive-chart">', "<figure>", monthly_chart_svg(counts, title=title),
            f"<figcaption>{html_escape(note)}。</figcaption>", "</figure>",
            f"<details><summary>按月统计表</summary>{monthly_table_html(counts)}</details>", "</div>", ""]


def _pages_note(n: int) -> str:
    return f"，{n} 页" if n > 1 else ""


@dataclass(frozen=True)
class Writer:
    """Renders listing pages: the page size, and every title and name escaped once (a document
    appears on several listings, and escaping took most of the time)."""

    size: int
    titles: dict[str, str]  # page -> escaped title
    names: dict[str, str]  # district or source -> escaped
    by_path: dict[str, int]  # page -> its place in natural path order (how undated pages are listed)
    directory_urls: bool = True  # MkDocs' use_directory_urls: how raw HTML links climb to the site's root

    def item(self, m: Meta, prefix: str, show: Iterable[str]) -> str:
        """One document as a list item; `prefix` climbs from the listing page to docs/."""
        parts = []
        if "date" in show:
            parts.append(m.date.isoformat() if m.date else "日期不详")
        parts.append(f"[{self.titles[m.page]}](<{prefix}{m.page}>)")
        if "district" in show and m.district:
            parts.append(self.names[m.district])
        if "source" in show and m.source:
            parts.append(self.names[m.source])
        return "- " + " · ".join(parts)

    def items(self, metas: Iterable[Meta], here: str, show: Iterable[str]) -> list[str]:
        prefix = "../" * here.count("/")
        return [self.item(m, prefix, show) for m in metas]

    def count(self, n: int) -> int:
        """How many pages n entries take."""
        return max(1, -(-n // self.size))

    def paged(self, stem: str, title: str, label: str, trail: tuple[tuple[str, str], ...], intro: str, entries: list[str],
              siblings: Near = (None, None), first: list[str] | None = None) -> dict[str, str]:
        """`entries` on `stem`.md, then `stem`-2.md …, each with a pager and, last in the trail,
        `label`; the entries' (and intro's) links must be written for `stem`'s folder. `first`:
        lines shown on the first page only, after the intro."""
        chunks = [entries[i:i + self.size] for i in range(0, len(entries), self.size)] or [[]]
        paths = [f"{stem}.md"] + [f"{stem}-{k}.md" for k in range(2, len(chunks) + 1)]
        out = {}
        for k, (here, chunk) in enumerate(zip(paths, chunks)):
            pager = _pager(paths, k)
            body = [f"# {escape(title)}", ""] + ([_crumbs(here, trail, escape(label)), ""] if trail else [])
            body += [intro + (f"这是第 {k + 1}/{len(paths)} 页。" if len(paths) > 1 else ""), ""]
            if k == 0 and first:
                body += first
            if pager:
                body += [pager, ""]
            body += chunk or ["暂无文档。"]
            if pager:
                body += ["", pager]
            near = _siblings(here, siblings)
            if near:
                body += ["", near]
            out[here] = _page(title if k == 0 else f"{title}（第 {k + 1} 页）", body)
        return out


def _crumbs(here: str, trail: Iterable[tuple[str, str]], current: str) -> str:
    return " › ".join([f"[{escape(t)}]({_rel(here, p)})" for t, p in trail] + [current])


def _pager(paths: list[str], k: int) -> str:
    """Previous, next, the first, the last and the two pages either side of page k."""
    n = len(paths)
    if n == 1:
        return ""
    here = paths[k]
    nav = [f"[« 上一页]({_rel(here, paths[k - 1])})"] if k > 0 else []
    last = -1
    for i in sorted({0, n - 1, *range(max(0, k - 2), min(n, k + 3))}):
        if i > last + 1:
            nav.append("…")
        nav.append(f"**{i + 1}**" if i == k else f"[{i + 1}]({_rel(here, paths[i])})")
        last = i
    if k < n - 1:
        nav.append(f"[下一页 »]({_rel(here, paths[k + 1])})")
    return "页码：" + " · ".join(nav)


def _siblings(here: str, siblings: Near) -> str:
    before, after = siblings
    parts = ([f"[« {escape(before[0])}]({_rel(here, before[1])})"] if before else [])
    parts += ([f"[{escape(after[0])} »]({_rel(here, after[1])})"] if after else [])
    return " · ".join(parts)


def render_listing(w: Writer, lst: Listing, metas: list[Meta]) -> dict[str, str]:
    """Every page of one listing (`metas` in chronological order): its first page, year and month
    pages, undated pages."""
    if not lst.split_always and len(metas) <= w.size:
        body = [f"# {escape(lst.title)}", "", _crumbs(lst.root, lst.trail, escape(lst.title)), "",
                f"共 {len(metas)} 篇，按日期从新到旧排列。", ""]
        body += _front(w, lst, metas)
        body += w.items(reversed(metas), lst.root, lst.show) or ["暂无文档。"]
        return {lst.root: _page(lst.title, body, feed_meta(lst.root, lst.title) if lst.feed else None)}
    by_year: dict[int, dict[int, list[Meta]]] = defaultdict(lambda: defaultdict(list))
    undated = []
    for m in metas:
        if m.date:
            by_year[m.date.year][m.date.month].append(m)
        else:
            undated.append(m)
    pages: dict[str, str] = {}
    months: dict[int, list[tuple[int, str, str]]] = {}  # year -> (month, link, count text)
    split = {y: lst.split_always or sum(map(len, ms.values())) > w.size for y, ms in by_year.items()}
    near = _neighbours(lst.folder, [(y, mo) for y in sorted(by_year) if split[y] for mo in sorted(by_year[y])])
    for year in sorted(by_year):
        if split[year]:
            pages.update(_split_year(w, lst, year, by_year[year], near))
            months[year] = [(mo, f"{lst.folder}/{year}/{mo:02d}.md", f"{len(ms)}{_pages_note(w.count(len(ms)))}")
                            for mo, ms in sorted(by_year[year].items())]
        else:
            pages.update(_flat_year(w, lst, year, by_year[year]))
            months[year] = [(mo, f"{lst.folder}/{year}.md#{year}-{mo:02d}", str(len(ms))) for mo, ms in sorted(by_year[year].items())]
    if undated:
        intro = f"共 {len(undated)} 篇，按页面路径排列。{UNDATED_NOTE}"
        trail = (*lst.trail, (lst.title, lst.root))
        entries = w.items(sorted(undated, key=lambda m: w.by_path[m.page]), f"{lst.folder}/undated.md", [f for f in lst.show if f != "date"])
        pages.update(w.paged(f"{lst.folder}/undated", lst.named("日期不详"), "日期不详", trail, intro, entries))
    pages[lst.root] = _overview(w, lst, by_year, months, undated, metas)
    return pages


def _front(w: Writer, lst: Listing, metas: list[Meta]) -> list[str]:
    """What a listing's first page shows above its entries: its feed and its chart, if it has them."""
    if not lst.feed:
        return []
    return _feed_link(lst.root, lst.title, w.directory_urls) + _chart(f"{lst.title} · 每月文档数", metas)


def _overview(w: Writer, lst: Listing, by_year, months, undated: list[Meta], metas: list[Meta]) -> str:
    here = lst.root
    dated = [m.date for ms in by_year.values() for group in ms.values() for m in group]
    body = [f"# {escape(lst.title)}", ""]
    if lst.trail:
        body += [_crumbs(here, lst.trail, escape(lst.title)), ""]
    total = len(dated) + len(undated)
    summary = f"共 {total} 篇"
    if dated:
        summary += f"：有日期的 {len(dated)} 篇（{min(dated).isoformat()} 至 {max(dated).isoformat()}）"
        summary += f"，日期不详的 {len(undated)} 篇。" if undated else "。"
    else:
        summary += "，都没有日期。" if undated else "。"
    body += [summary, ""]
    body += _front(w, lst, metas)
    for year in sorted(by_year):
        n = sum(map(len, by_year[year].values()))
        body += [f"## [{year}年]({_rel(here, f'{lst.folder}/{year}.md')})（{n} 篇）", ""]
        body += [" · ".join(f"[{mo}月（{count}）]({_rel(here, link)})" for mo, link, count in months[year]), ""]
    if undated:
        note = _pages_note(w.count(len(undated)))
        body += [f"## [日期不详]({_rel(here, f'{lst.folder}/undated.md')})（{len(undated)} 篇{note}）", ""]
    if total == 0:
        body.append("暂无文档。")
    return _page(lst.title, body, feed_meta(lst.root, lst.title) if lst.feed else None)


def _neighbours(folder: str, months: list[tuple[int, int]]) -> dict[tuple[int, int], Near]:
    """The (title, page) of the month pages before and after each month page of a listing."""
    pages = [(f"{y}年{m}月", f"{folder}/{y}/{m:02d}.md") for y, m in months]
    return {ym: (pages[i - 1] if i else None, pages[i + 1] if i + 1 < len(pages) else None) for i, ym in enumerate(months)}


def _split_year(w: Writer, lst: Listing, year: int, by_month: dict[int, list[Meta]], near: dict[tuple[int, int], Near]) -> dict[str, str]:
    """A year page listing its months, and the (paginated) month pages."""
    here = f"{lst.folder}/{year}.md"
    title = lst.named(f"{year}年")
    n = sum(map(len, by_month.values()))
    body = [f"# {escape(title)}", "", _crumbs(here, lst.trail + ((lst.title, lst.root),), f"{year}年"), "",
            f"共 {n} 篇，每月一页。", ""]
    pages = {}
    trail = (*lst.trail, (lst.title, lst.root), (f"{year}年", here))
    for month in sorted(by_month):
        stem = f"{lst.folder}/{year}/{month:02d}"
        metas = by_month[month]
        # A heading per month keeps the anchors the year page had when it listed the documents.
        body += [f"## [{year}年{month}月]({_rel(here, stem + '.md')})（{len(metas)} 篇{_pages_note(w.count(len(metas)))}） {{#{year}-{month:02d}}}", ""]
        pages.update(w.paged(stem, lst.named(f"{year}年{month}月"), f"{month}月", trail, f"共 {len(metas)} 篇，按日期排列。",
                             w.items(metas, stem + ".md", lst.show), near[(year, month)]))
    pages[here] = _page(title, body)
    return pages


def _flat_year(w: Writer, lst: Listing, year: int, by_month: dict[int, list[Meta]]) -> dict[str, str]:
    """A year page with all its documents, under a heading per month."""
    here = f"{lst.folder}/{year}.md"
    title = lst.named(f"{year}年")
    n = sum(map(len, by_month.values()))
    body = [f"# {escape(title)}", "", _crumbs(here, lst.trail + ((lst.title, lst.root),), f"{year}年"), "",
            f"共 {n} 篇，按日期排列。", ""]
    for month in sorted(by_month):
        body += [f"## {year}年{month}月（{len(by_month[month])} 篇） {{#{year}-{month:02d}}}", ""]
        body += w.items(by_month[month], here, lst.show)
        body.append("")
    return {here: _page(title, body)}


def _names(m: Meta, kind: Kind) -> Iterable[str]:
    value = getattr(m, kind.field)
    if isinstance(value, tuple):
        return dict.fromkeys(value)  # a tag listed twice counts once
    return (value,) if value else ()


def group(metas: Iterable[Meta], kind: Kind) -> dict[str, list[Meta]]:
    """Documents by district, source or tag, each in the order given."""
    out: dict[str, list[Meta]] = defaultdict(list)
    for m in metas:
        for name in _names(m, kind):
            out[name].append(m)
    return dict(out)


def pages_of(names: Iterable[str], kind: Kind, slug_of: Callable[[str], str] = slug) -> dict[str, str]:
    """The first page of each name's listing: `districts/haidianqu.md`."""
    return {name: f"{kind.folder}/{s}.md" for name, s in slugs(list(names), slug_of, reserved=RESERVED).items()}


def tag_pages(metas: Iterable[Meta], slug_of: Callable[[str], str] = slug) -> dict[str, str]:
    """Each tag's page, as render_indexes makes it: the tag chips on document pages link there."""
    return pages_of({t for m in metas for t in m.tags}, KINDS[2], slug_of)


def render_kind(w: Writer, kind: Kind, groups: dict[str, list[Meta]], pages_by_name: dict[str, str], total: int) -> dict[str, str]:
    """A kind's index (names with counts, paginated) and every name's listing."""
    index = kind.index
    pages: dict[str, str] = {}
    order = sorted(groups, key=lambda n: (-len(groups[n]), pages_by_name[n]))
    for name in order:
        lst = Listing(name, pages_by_name[name], pages_by_name[name][:-3], ((kind.title, index),), kind.show, False, f"{name} · ", True)
        pages.update(render_listing(w, lst, groups[name]))
    covered = len({m.page for ms in groups.values() for m in ms})
    intro = f"共 {len(groups)} {kind.unit}，{covered} 篇文档"
    intro += f"；另有 {total - covered} 篇{kind.missing}，见[时间线]({_rel(index, TIMELINE)})。" if total > covered else "。"
    entries = [f"- [{escape(n)}]({_rel(index, pages_by_name[n])})（{len(groups[n])} 篇）" for n in order]
    first = _district_map(index, groups, pages_by_name, w.directory_urls) if kind.field == "district" else None
    pages.update(w.paged(index[:-3], kind.title, kind.title, (), intro, entries, first=first))
    return pages


MAP_NOTE = ("地图边界数据来自 geoBoundaries（Runfola 等，2020），源自 OpenStreetMap（© OpenStreetMap 贡献者），"
            "依开放数据库许可（ODbL 1.0）提供。")


def _district_map(index: str, groups: dict[str, list[Meta]], pages_by_name: dict[str, str], directory_urls: bool) -> list[str]:
    """Beijing's 16 districts shaded by their documents, each linking its page, with the counts as a
    table: a raw HTML block (its links written as the addresses MkDocs would make of them)."""
    names = set(district_names())
    counts = {name: len(ms) for name, ms in groups.items() if name in names}
    here = url_of(index, directory_urls)
    links = {name: relative(url_of(pages_by_name[name], directory_urls), here) for name in counts}
    return ['<div class="district-map">', "<figure>", district_map_svg(counts, links, title="北京市各区文档数"),
            f"<figcaption>{html_escape(MAP_NOTE)}</figcaption>", "</figure>",
            district_table_html(counts, links), "</div>", ""]


def render_home(metas: list[Meta], counts: dict[str, int], w: Writer) -> str:
    """The home page (`metas` in chronological order): what the archive holds, counts, latest documents."""
    path = HOME
    dated = [m.date for m in metas if m.date]
    body = [
        f"# {SITE_TITLE}",
        "",
        "本档案收录北京市各区 2020—2022 年新冠肺炎疫情防控工作的新闻稿、区政府网站文章和区报版面，"
        "逐篇整理为带有日期、地区、来源和标签的页面。可以按[时间线](timeline/index.md)、"
        "[地区](districts/index.md)、[来源](sources/index.md)和[标签](tags.md)浏览，或使用页首的搜索。",
        "",
        "## 馆藏概况",
        "",
        "| 项目 | 数量 |",
        "| --- | ---: |",
        f"| [文档](timeline/index.md) | {len(metas)} |",
        f"| 有日期的文档 | {len(dated)} |",
        f"| [涉及地区](districts/index.md) | {counts['districts']} |",
        f"| [来源](sources/index.md) | {counts['sources']} |",
        f"| [标签](tags.md) | {counts['tags']} |",
    ]
    if dated:
        body.append(f"| 时间范围 | {min(dated).isoformat()} 至 {max(dated).isoformat()} |")
    body += [""] + _chart("全部文档 · 每月文档数", metas)
    body += ["## 下载数据", "",
             "全部文档的元数据，每篇一行，含页面地址：", "",
             download_links_html(""), ""]
    body += [f"## 最新文档（{min(LATEST, len(metas))} 篇）", ""] + _feed_link(path, None, w.directory_urls)
    body += w.items(metas[::-1][:LATEST], path, ("date", "district", "source")) or ["暂无文档。"]
    return _page("首页", body, feed_meta(path, None))


def render_indexes(metas: list[Meta], slug_of: Callable[[str], str] = slug, page_size: int = PAGE_SIZE,
                   directory_urls: bool = True) -> dict[str, str]:
    """Every index page, keyed by docs-relative path; none lists more than `page_size` entries.
    `directory_urls` is MkDocs' use_directory_urls (the feed links are raw HTML, which MkDocs leaves as written)."""
    if page_size < MIN_PAGE_SIZE:
        raise ValueError(f"index page size: {MIN_PAGE_SIZE} or more expected, found {page_size}")
    # Sorted once: every listing below keeps this order (grouping preserves it), so none sorts again.
    metas = sorted(metas, key=_chronological)
    names = {n for m in metas for n in (m.district, m.source) if n}
    in_path_order = {m.page: i for i, m in enumerate(sorted(metas, key=_by_path))}
    w = Writer(page_size, {m.page: escape(m.title) for m in metas}, {n: escape(n) for n in names}, in_path_order, directory_urls)
    groups = {kind.folder: group(metas, kind) for kind in KINDS}
    pages = {"index.md": render_home(metas, {k: len(g) for k, g in groups.items()}, w)}
    pages.update(render_listing(w, Listing("时间线", TIMELINE, "timeline", (), ("date", "district", "source"), True), metas))
    for kind in KINDS:
        pages.update(render_kind(w, kind, groups[kind.folder], pages_of(groups[kind.folder], kind, slug_of), len(metas)))
    return pages


def index_record(doc: Document) -> Meta:
    """The index record of a generated document: what its front matter says, without parsing it."""
    return Meta(page=doc.page, title=doc.title, date=doc.date, district=doc.district, source=doc.source, tags=doc.tags)


def meta_from_front_matter(page: str, meta: dict) -> Meta | None:
    """A Meta record from a page's validated, typed front matter; None for pages that are not documents."""
    if "seed" not in meta or not meta.get("title"):
        return None
    return Meta(
        page=page,
        title=str(meta["title"]),
        date=meta.get("date"),
        district=meta.get("district"),
        source=meta.get("source"),
        tags=tuple(meta.get("tags") or ()),
    )
