"""Index pages at scale: over 10,000 synthetic documents no index page lists more than the page size
or grows past 60 KB of Markdown, every document is reachable from the timeline and from each of its
district, source and tag listings by following the rendered links, and every count adds up; a real
site (mkdocs build --strict) with a lowered page size keeps every index page under 100 KB of HTML
and links the tag chips to existing pages."""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import random
import re
import subprocess
import sys
import time
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import pytest

from gen import frontmatter
from gen.indexes import KINDS, MIN_PAGE_SIZE, PAGE_SIZE, TAGS_INDEX, TIMELINE, pages_of, render_indexes
from gen.model import Meta
from gen.slug import slugs
from gen.tables import load_tables
from tests.conftest import make_project

DISTRICTS = sorted(load_tables().district_names - {"北京市"})  # 16
SOURCES = ("央视网", "新京报", "人民日报", "北京日报", "石景山报")
TAGS = (*(t.tag for t in load_tables().tags if "{" not in t.tag), "第3次会议", "第21次会议", "A&B <c>", "Index")[:30]
WORDS = "北京市各区新冠肺炎疫情防控工作领导小组召开会议部署核酸检测社区防控复工复产隔离观察进京管理"
MAX_MARKDOWN = 60_000
NAV_LINKS = 30  # breadcrumbs, pager (twice), neighbouring months: links on a page besides its entries


def synthetic(n: int, seed: int = 7) -> list[Meta]:
    """n documents: 40 % undated, the rest over 2019-12 … 2022-12 with a peak in February 2020;
    16 districts (most documents none), five sources with one huge, 0-3 of 30 tags."""
    rng = random.Random(seed)
    months = [(2019, 12)] + [(y, m) for y in (2020, 2021, 2022) for m in range(1, 13)]
    metas = []
    for i in range(n):
        date = None
        if rng.random() > 0.4:
            year, month = (2020, 2) if rng.random() < 0.3 else rng.choice(months)
            date = dt.date(year, month, rng.randint(1, 28))
        title = "".join(rng.choice(WORDS) for _ in range(rng.randint(6, 40)))
        district = rng.choice(DISTRICTS) if rng.random() < 0.3 else None
        source = rng.choices((*SOURCES, None), weights=(60, 10, 5, 5, 2, 18))[0]
        tags = tuple(rng.sample(TAGS, rng.choice((0, 1, 1, 2, 3))))
        metas.append(Meta(page=f"archive/{i // 1000:02d}/doc_{i}.md", title=title, date=date, district=district, source=source, tags=tags))
    return metas


# A Markdown link, its text and (in the text or right after it) a count: `[3月（190）](2020/03.md)`,
# `[海淀区](haidianqu.md)（5 篇）`.
_LINK = re.compile(r"\[((?:[^\[\]\\]|\\.)*)\]\(<?([^()<>]+?)>?\)(?:（(\d+) 篇)?")
_COUNT_IN_TEXT = re.compile(r"（(\d+)(?:，\d+ 页)?）$")


class Site:
    """The rendered index pages as a link graph."""

    def __init__(self, pages: dict[str, str], docs: set[str]):
        self.pages, self.docs = pages, docs
        self.links = {page: list(self._links(page, text)) for page, text in pages.items()}

    @staticmethod
    def _links(page: str, text: str):
        body = text.split("\n---\n", 1)[1]
        for m in _LINK.finditer(body):
            target, _, anchor = m.group(2).partition("#")
            path = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(target)))
            count = m.group(3) or (c.group(1) if (c := _COUNT_IN_TEXT.search(m.group(1))) else None)
            yield path, anchor, int(count) if count is not None else None

    @cache
    def reach(self, start: str) -> frozenset[str]:
        """The documents linked from `start` and the index pages below it (its pagination, its folder)."""
        stem = start[:-3]
        folder = posixpath.dirname(start) if start.endswith("/index.md") else stem
        below = re.compile(re.escape(stem) + r"-\d+\.md|" + re.escape(folder) + "/.*")
        seen, todo, found = {start}, [start], set()
        while todo:
            for path, _, _ in self.links[todo.pop()]:
                if path in self.docs:
                    found.add(path)
                elif path in self.pages and path not in seen and below.fullmatch(path):
                    seen.add(path)
                    todo.append(path)
        return frozenset(found)

    def section(self, page: str, anchor: str) -> set[str]:
        """The documents under the heading `{#anchor}` of a page."""
        text = self.pages[page]
        start = text.index(f"{{#{anchor}}}")
        end = text.find("\n## ", start)
        return {p for p, _, _ in self._links(page, "\n---\n" + text[start:end if end > 0 else None]) if p in self.docs}


@pytest.fixture(scope="module")
def big():
    metas = synthetic(10_500)
    return metas, render_indexes(metas)


def test_render_indexes_over_10000_documents_stays_under_the_page_size(big):
    metas, pages = big
    site = Site(pages, {m.page for m in metas})
    for page, text in pages.items():
        to_docs = [p for p, _, _ in site.links[page] if p in site.docs]
        items = [line for line in text.splitlines() if line.startswith("- ")]
        assert len(to_docs) <= PAGE_SIZE and len(items) <= PAGE_SIZE, page
        assert len(site.links[page]) <= PAGE_SIZE + NAV_LINKS, page
        assert len(text.encode("utf-8")) <= MAX_MARKDOWN, (page, len(text.encode("utf-8")))
    largest = max(pages, key=lambda p: len(pages[p]))
    print(f"{len(pages)} index pages; largest {largest}: {len(pages[largest].encode('utf-8')) / 1000:.1f} KB")


def test_every_document_is_reachable_from_the_timeline_and_each_of_its_listings(big):
    metas, pages = big
    site = Site(pages, {m.page for m in metas})
    assert site.reach(TIMELINE) == site.docs
    for kind in KINDS:
        groups: dict[str, set[str]] = {}
        for m in metas:
            value = getattr(m, kind.field)
            for name in value if isinstance(value, tuple) else (value,) * bool(value):
                groups.setdefault(name, set()).add(m.page)
        roots = pages_of(groups, kind)
        listed = {p for page in pages if page == kind.index or re.fullmatch(re.escape(kind.index[:-3]) + r"-\d+\.md", page)
                  for p, _, _ in site.links[page]}
        for name, docs in groups.items():
            assert roots[name] in listed, (kind.folder, name)
            assert site.reach(roots[name]) == docs, (kind.folder, name)
    assert "tags/index.md" not in pages and pages_of(["Index"], KINDS[2])["Index"] != "tags/index.md"


def test_every_link_resolves_and_every_count_adds_up(big):
    metas, pages = big
    site = Site(pages, {m.page for m in metas})
    for page, links in site.links.items():
        for path, anchor, count in links:
            assert path in pages or path in site.docs, (page, path)
            if anchor:
                assert f"{{#{anchor}}}" in pages[path], (page, path, anchor)
            if count is not None:
                found = site.section(path, anchor) if anchor else site.reach(path)
                assert len(found) == count, (page, path, anchor)
    total = re.search(r"共 (\d+) 篇", pages[TIMELINE])
    assert total and int(total.group(1)) == len(metas)


def test_long_runs_are_paginated_with_previous_and_next_links(big):
    metas, pages = big
    undated = [p for p in pages if re.fullmatch(r"timeline/undated(-\d+)?\.md", p)]
    n = sum(1 for m in metas if m.date is None)
    assert len(undated) == -(-n // PAGE_SIZE)
    page, seen = "timeline/undated.md", []
    while page:
        seen.append(page)
        assert f"这是第 {len(seen)}/{len(undated)} 页" in pages[page]
        nxt = re.search(r"\[下一页 »\]\(([^)]+)\)", pages[page])
        page = posixpath.join("timeline", nxt.group(1)) if nxt else None
        if page:
            assert f"[« 上一页]({posixpath.basename(seen[-1])})" in pages[page]
    assert sorted(seen) == sorted(undated)
    assert "timeline/2020/02-2.md" in pages and "[« 2020年1月](01.md)" in pages["timeline/2020/02.md"]


def test_a_kind_with_more_names_than_fit_lists_them_on_several_pages():
    metas = [Meta(page=f"archive/s{i}.md", title=f"文档{i}", date=dt.date(2020, 3, 1), source=f"来源{i:03d}") for i in range(130)]
    pages = render_indexes(metas, page_size=MIN_PAGE_SIZE)
    assert [p for p in pages if p.startswith("sources/index")] == ["sources/index.md", "sources/index-2.md", "sources/index-3.md"]
    site = Site(pages, {m.page for m in metas})
    listed = {p for page in ("sources/index.md", "sources/index-2.md", "sources/index-3.md") for p, _, _ in site.links[page]}
    assert set(pages_of([m.source for m in metas], KINDS[1]).values()) <= listed


def test_render_indexes_grows_in_step_with_the_archive(big):
    """Four times the documents take about four times as long, not sixteen (a quadratic step
    among the index pages). Relative, so that it holds on a slow or busy machine; the absolute
    figures are bench/scale.py's."""
    metas, _ = big
    quarter = metas[: len(metas) // 4]
    small = min(_timed(quarter) for _ in range(3))
    whole = min(_timed(metas) for _ in range(3))
    print(f"render_indexes: {len(quarter)} documents in {small * 1000:.0f} ms, {len(metas)} in {whole * 1000:.0f} ms")
    assert whole < 10 * small  # linear: 4 and a little (sorting); quadratic: 16


def _timed(metas: list[Meta]) -> float:
    start = time.perf_counter()
    render_indexes(metas)
    return time.perf_counter() - start


def test_render_indexes_refuses_a_page_size_too_small_for_an_overview():
    with pytest.raises(ValueError, match="50 or more"):
        render_indexes([], page_size=MIN_PAGE_SIZE - 1)


def test_slugs_keep_clear_of_the_index_pages_names():
    out = slugs(["Index", "index-2", "海淀区"], reserved=re.compile(r"index(-\d+)?"))
    assert out["海淀区"] == "haidianqu"
    assert re.fullmatch(r"index-[0-9a-f]{6}", out["Index"]) and out["index-2"] == "index2"


# ---------------------------------------------------------------- a real site


SMALL = 50  # index_page_size for the site build: enough pages split and paginated with 1,500 documents
MAX_HTML = 100_000


def _write_docs(docs: Path, metas: list[Meta]) -> None:
    for m in metas:
        meta = {"title": m.title, "date": m.date, "district": m.district, "source": m.source, "tags": list(m.tags), "seed": f"seeds/{m.page}"}
        path = docs / m.page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(frontmatter.dump({k: v for k, v in meta.items() if v is not None}) + "\n正文。\n", encoding="utf-8")


@pytest.mark.slow
def test_a_real_site_keeps_index_pages_small_and_tag_chips_linked(tmp_path):
    root = make_project(tmp_path, seeds=False)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "index_page_size: 200" in text
    config.write_text(text.replace("index_page_size: 200", f"index_page_size: {SMALL}"), encoding="utf-8")
    metas = synthetic(1_500, seed=11)
    _write_docs(root / "docs", metas)
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr
    site = root / "site"
    expected = render_indexes(metas, page_size=SMALL)
    assert any(re.fullmatch(r"timeline/\d{4}/\d\d-\d+\.md", p) for p in expected), "the build must exercise pagination"
    sizes = {}
    for page in expected:
        html = site / (page[: -len("index.md")] if page.endswith("index.md") else page[:-3] + "/") / "index.html"
        sizes[page] = html.stat().st_size
        body = html.read_text(encoding="utf-8").split("<article", 1)[1]
        assert len(re.findall(r'href="(?:\.\./)*archive/', body)) <= SMALL, page
    assert max(sizes.values()) <= MAX_HTML, max(sizes.items(), key=lambda kv: kv[1])
    by_tag = pages_of({t for m in metas for t in m.tags}, KINDS[2])
    for m in metas[:200]:
        page_dir = site / m.page[:-3]
        html = (page_dir / "index.html").read_text(encoding="utf-8")
        chips = re.findall(r'<a href="([^"]+)" class="md-tag">', html)
        assert len(chips) == len(m.tags), m.page
        for href, tag in zip(chips, m.tags):
            target = (page_dir / unquote(href)).resolve()
            assert (target / "index.html").is_file(), (m.page, href)
            assert target == (site / by_tag[tag][:-3]).resolve(), (m.page, tag, href)
    assert (site / TAGS_INDEX[:-3] / "index.html").is_file()
    assert _crawl(site, "timeline/") == {m.page[:-3] + "/" for m in metas}


def _crawl(site: Path, start: str) -> set[str]:
    """The document URLs reachable in the built site from `start` through pages under it."""
    seen, todo, found = {start}, [start], set()
    while todo:
        url = todo.pop()
        html = (site / url / "index.html").read_text(encoding="utf-8")
        article = html.split("<article", 1)[1].split("</article>", 1)[0]
        for href in re.findall(r'href="([^"#:]+)', article):
            target = posixpath.normpath(posixpath.join(url, unquote(href))) + "/"
            if target.startswith("archive/"):
                found.add(target)
            elif target.startswith(start) and target not in seen:
                seen.add(target)
                todo.append(target)
    return found
