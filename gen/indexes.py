"""Index pages (home, timeline, districts, sources, tags) from the pages' front matter; pure.

They are built from the front matter as it stands in docs/, so an editor's correction of a date,
district or source shows up on every index at the next build.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from gen import frontmatter
from gen.model import Document, Meta
from gen.render import escape
from gen.slug import slug, slugs

SITE_TITLE = "北京各区新冠肺炎疫情防控文献档案"
LATEST = 20
UNDATED_PAGE = "timeline/undated.md"

# Index pages are navigation, not content: keep them out of search results.
INDEX_META = {"search": {"exclude": True}}


def _order(m: Meta) -> tuple:
    return (m.date or dt.date.min, m.title, m.page)


def _link(meta: Meta, from_page: str) -> str:
    # Pages are docs-relative paths without "..": climbing out of from_page's folder is enough.
    target = "../" * from_page.count("/") + meta.page
    return f"[{escape(meta.title)}](<{target}>)"


def _item(meta: Meta, from_page: str, show: Iterable[str] = ("date", "district", "source")) -> str:
    parts = []
    if "date" in show:
        parts.append(meta.date.isoformat() if meta.date else "日期不详")
    parts.append(_link(meta, from_page))
    if "district" in show and meta.district:
        parts.append(escape(meta.district))
    if "source" in show and meta.source:
        parts.append(escape(meta.source))
    return "- " + " · ".join(parts)


def _page(title: str, body: list[str]) -> str:
    return frontmatter.dump({"title": title, **INDEX_META}) + "\n" + "\n".join(body).rstrip() + "\n"


def _newest_first(metas: Iterable[Meta]) -> list[Meta]:
    return sorted(metas, key=_order, reverse=True)


def render_home(metas: list[Meta], district_slugs: dict[str, str], source_slugs: dict[str, str]) -> str:
    """The home page: what the archive holds, counts, latest documents."""
    path = "index.md"
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
        f"| 文档 | {len(metas)} |",
        f"| 有日期的文档 | {len(dated)} |",
        f"| 涉及地区 | {len(district_slugs)} |",
        f"| 来源 | {len(source_slugs)} |",
    ]
    if dated:
        body.append(f"| 时间范围 | {min(dated).isoformat()} 至 {max(dated).isoformat()} |")
    body += ["", "## 最新文档", ""]
    body += [_item(m, path) for m in _newest_first(metas)[:LATEST]] or ["暂无文档。"]
    return _page("首页", body)


def render_timeline(metas: list[Meta]) -> dict[str, str]:
    """timeline/index.md (years and months with counts), one page per year, one for undated documents."""
    by_year: dict[int, list[Meta]] = defaultdict(list)
    undated = []
    for m in metas:
        (by_year[m.date.year] if m.date else undated).append(m)
    pages: dict[str, str] = {}
    index = ["# 时间线", ""]
    for year in sorted(by_year):
        months = Counter(m.date.month for m in by_year[year])  # type: ignore[union-attr]
        index.append(f"## [{year}年]({year}.md)（{len(by_year[year])} 篇）")
        index.append("")
        index.append(" · ".join(f"[{mo}月（{n}）]({year}.md#{year}-{mo:02d})" for mo, n in sorted(months.items())))
        index.append("")
        pages[f"timeline/{year}.md"] = _render_year(year, by_year[year])
    if undated:
        index.append(f"## [日期不详](undated.md)（{len(undated)} 篇）")
        page = UNDATED_PAGE
        body = ["# 日期不详", "", "以下文档的日期无法从正文或清单确定，欢迎编辑补充。", ""]
        body += [_item(m, page, show=("district", "source")) for m in sorted(undated, key=_order)]
        pages[page] = _page("日期不详", body)
    if not by_year and not undated:
        index.append("暂无文档。")
    pages["timeline/index.md"] = _page("时间线", index)
    return pages


def _render_year(year: int, metas: list[Meta]) -> str:
    path = f"timeline/{year}.md"
    body = [f"# {year}年", ""]
    by_month: dict[int, list[Meta]] = defaultdict(list)
    for m in metas:
        by_month[m.date.month].append(m)  # type: ignore[union-attr]
    for month in sorted(by_month):
        body += [f"## {year}年{month}月 {{#{year}-{month:02d}}}", ""]
        body += [_item(m, path) for m in sorted(by_month[month], key=_order)]
        body.append("")
    return _page(f"{year}年", body)


def _render_groups(kind: str, title: str, groups: dict[str, list[Meta]], slug_of: dict[str, str], show: tuple[str, ...]) -> dict[str, str]:
    pages: dict[str, str] = {}
    index = [f"# {title}", ""]
    for name in sorted(groups, key=lambda n: (-len(groups[n]), slug_of[n])):
        page = f"{kind}/{slug_of[name]}.md"
        index.append(f"- [{escape(name)}]({slug_of[name]}.md)（{len(groups[name])} 篇）")
        body = [f"# {escape(name)}", "", f"共 {len(groups[name])} 篇，按日期从新到旧排列。", ""]
        body += [_item(m, page, show=show) for m in _newest_first(groups[name])]
        pages[page] = _page(name, body)
    if not groups:
        index.append("暂无文档。")
    pages[f"{kind}/index.md"] = _page(title, index)
    return pages


def render_indexes(metas: list[Meta], slug_of: Callable[[str], str] = slug) -> dict[str, str]:
    """Every index page, keyed by docs-relative path."""
    by_district: dict[str, list[Meta]] = defaultdict(list)
    by_source: dict[str, list[Meta]] = defaultdict(list)
    for m in metas:
        if m.district:
            by_district[m.district].append(m)
        if m.source:
            by_source[m.source].append(m)
    district_slugs = slugs(list(by_district), slug_of)
    source_slugs = slugs(list(by_source), slug_of)
    pages = {"index.md": render_home(metas, district_slugs, source_slugs)}
    pages.update(render_timeline(metas))
    pages.update(_render_groups("districts", "地区", by_district, district_slugs, ("date", "source")))
    pages.update(_render_groups("sources", "来源", by_source, source_slugs, ("date", "district")))
    pages["tags.md"] = _page("标签", ["# 标签", "", "<!-- material/tags -->"])
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
