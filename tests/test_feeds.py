"""Atom feeds (gen/feeds): they parse without errors, ids and bytes do not depend on the build's
time, entries are newest first and capped, hostile titles stay text, every feed path is the one its
listing page names, and the five seeds' pages give the golden feeds."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import etree
from markupsafe import Markup

from gen import frontmatter
from gen.feeds.atom import NO_DATE, render_atom
from gen.feeds.collect import entry_id, feed_id, feeds_of, meta_of
from gen.feeds.paths import ARCHIVE_FEED, ENTRIES, feed_path, href
from gen.site.markup import url_of as page_url
from gen.feeds.summary import CHARS, summary_of
from gen.feeds.write import write_feeds
from gen.indexes import SITE_TITLE, render_indexes
from gen.site.records import PageInfo, SiteInfo
from tests.conftest import REPO

# A test dependency (pyproject's `test` extra); until it is installed these tests say so and skip.
feedparser = pytest.importorskip("feedparser", reason="feedparser is not installed (pip install -e '.[test]')")

ATOM = "{http://www.w3.org/2005/Atom}"
BUILT = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc)
SITE = SiteInfo(SITE_TITLE, "", BUILT)
PUBLISHED = SiteInfo(SITE_TITLE, "https://example.org/archive/", BUILT)


def seed_pages() -> list[PageInfo]:
    """The five seeds' pages in docs/archive, as the site build sees them."""
    pages = []
    for path in sorted((REPO / "docs" / "archive").rglob("*.md")):
        page = path.relative_to(REPO / "docs").as_posix()
        parsed = frontmatter.parse(path.read_text(encoding="utf-8"), page)
        pages.append(PageInfo(page, page_url(page), frontmatter.typed(parsed.meta), parsed.body))
    return pages


def doc(name: str, day: dt.date | None, body: str = "正文。", **fields) -> PageInfo:
    page = f"archive/{name}.md"
    meta = {"title": fields.pop("title", f"文档 {name}"), "seed": f"seeds/{name}.txt", **fields}
    if day:
        meta["date"] = day
    return PageInfo(page, page_url(page), meta, body)


def parse(data: bytes):
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


# ---------------------------------------------------------------- the five seeds


def test_seed_feeds_parse_without_errors_and_hold_every_dated_document():
    pages = seed_pages()
    assert len(pages) == 5
    feeds = feeds_of(pages, SITE)
    for path, feed in feeds.items():
        parsed = parse(render_atom(feed))
        assert parsed.feed.title == feed.title and parsed.feed.id == feed.id, path
    archive = parse(render_atom(feeds[ARCHIVE_FEED]))
    assert [e.link for e in archive.entries] == [f"../archive/{n}/" for n in (
        "000_73acca2f4bde7c0a", "001_eec9e63713adc293", "002_2790eb9220dfb574", "003_17d5a1e15a32e4e6", "004_487f552e651a47cf")]
    assert [e.updated[:10] for e in archive.entries] == ["2022-06-01", "2020-07-20", "2020-07-07", "2020-04-16", "2020-02-06"]
    assert archive.feed.updated == "2022-06-01T00:00:00+08:00"


def test_seed_feeds_golden(golden):
    feeds = feeds_of(seed_pages(), SITE)
    golden("feeds/feeds.list", "\n".join(sorted(feeds)) + "\n")
    golden("feeds/archive.xml", render_atom(feeds[ARCHIVE_FEED]).decode("utf-8"))
    published = feeds_of(seed_pages(), PUBLISHED)
    golden("feeds/published/districts/shijingshanqu.xml", render_atom(published["feeds/districts/shijingshanqu.xml"]).decode("utf-8"))


def test_feed_paths_are_the_ones_the_listing_pages_name():
    pages = seed_pages()
    metas = [meta_of(p) for p in pages]
    named = {}
    for page, text in render_indexes(metas).items():
        meta = frontmatter.parse(text, page).meta
        if "feed" in meta:
            assert meta["feed"] == feed_path(page), page
            named[meta["feed"]] = meta["feed_title"]
    feeds = feeds_of(pages, SITE)
    assert set(named) == set(feeds)
    assert named == {path: feed.title for path, feed in feeds.items()}
    assert "feeds/districts/shijingshanqu.xml" in feeds and "feeds/tags/hesuanjiance.xml" in feeds


def test_feed_paths_follow_colliding_and_reserved_slugs_like_the_listings():
    # "Index" would take tags/index.md (tags.md's address) and two names share a slug: both get a hash.
    pages = [doc("a", dt.date(2020, 2, 1), tags=["Index", "A&B", "A-B"]), doc("b", None, tags=["核酸检测"])]
    listed = {frontmatter.parse(t, p).meta["feed"] for p, t in render_indexes([meta_of(p) for p in pages]).items()
              if "feed:" in t}
    assert listed == set(feeds_of(pages, SITE))
    assert any(re.fullmatch(r"feeds/tags/index-[0-9a-f]{6}\.xml", p) for p in listed)


# ---------------------------------------------------------------- stable across builds


def test_write_feeds_makes_the_same_bytes_whatever_the_build_time(tmp_path):
    pages = seed_pages()
    first = write_feeds(tmp_path / "a", pages, SITE)
    later = SiteInfo(SITE_TITLE, "", dt.datetime(2031, 1, 2, 3, 4, tzinfo=dt.timezone.utc))
    second = write_feeds(tmp_path / "b", pages, later)
    assert first == second == sorted(feeds_of(pages, SITE))
    for path in first:
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes(), path
    ids = {e.id for e in parse((tmp_path / "a" / ARCHIVE_FEED).read_bytes()).entries}
    assert ids == {entry_id(p.page) for p in pages}


def test_ids_do_not_change_with_the_title_or_the_sites_address():
    before = feeds_of([doc("a", dt.date(2020, 2, 1), title="旧标题")], SITE)[ARCHIVE_FEED]
    after = feeds_of([doc("a", dt.date(2020, 2, 1), title="编辑改过的标题")], PUBLISHED)[ARCHIVE_FEED]
    assert before.id == after.id == feed_id(ARCHIVE_FEED)
    assert before.entries[0].id == after.entries[0].id == entry_id("archive/a.md")
    assert re.fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", before.entries[0].id)
    assert entry_id("archive/a.md") != entry_id("archive/b.md") and feed_id(ARCHIVE_FEED) != entry_id(ARCHIVE_FEED)


def test_write_feeds_leaves_an_unchanged_feed_alone(tmp_path):
    pages = [doc("a", dt.date(2020, 2, 1))]
    write_feeds(tmp_path, pages, SITE)
    target = tmp_path / ARCHIVE_FEED
    stamp = 1_000_000_000
    os.utime(target, (stamp, stamp))
    write_feeds(tmp_path, pages, SITE)
    assert target.stat().st_mtime == stamp
    write_feeds(tmp_path, [doc("a", dt.date(2020, 2, 2))], SITE)
    assert target.stat().st_mtime != stamp


# ---------------------------------------------------------------- order, cap, undated


def test_entries_newest_first_equal_dates_by_path_undated_left_out():
    pages = [doc("b", dt.date(2020, 3, 1)), doc("a", dt.date(2020, 3, 1)), doc("c", dt.date(2021, 1, 5)),
             doc("old", dt.date(2019, 12, 30)), doc("nodate", None)]
    parsed = parse(render_atom(feeds_of(pages, SITE)[ARCHIVE_FEED]))
    assert [e.link for e in parsed.entries] == ["../archive/c/", "../archive/b/", "../archive/a/", "../archive/old/"]
    assert parsed.feed.updated == "2021-01-05T00:00:00+08:00"
    assert "日期不详的文档不在其中" in parsed.feed.subtitle


def test_feeds_hold_at_most_the_newest_entries():
    start = dt.date(2020, 1, 1)
    pages = [doc(f"d{i:03d}", start + dt.timedelta(days=i), district="海淀区") for i in range(ENTRIES + 30)]
    feeds = feeds_of(pages, SITE)
    for path in (ARCHIVE_FEED, "feeds/districts/haidianqu.xml"):
        entries = feeds[path].entries
        assert len(entries) == ENTRIES
        assert entries[0].date == start + dt.timedelta(days=ENTRIES + 29) and entries[-1].date == start + dt.timedelta(days=30)


def test_a_listing_with_only_undated_documents_has_an_empty_feed_with_a_fixed_date():
    feeds = feeds_of([doc("a", None, source="新京报"), doc("b", dt.date(2020, 5, 1))], SITE)
    feed = feeds["feeds/sources/xinjingbao.xml"]
    assert feed.entries == ()
    parsed = parse(render_atom(feed))
    assert parsed.feed.updated == NO_DATE and parsed.entries == []


def test_an_empty_archive_still_has_its_feed():
    feeds = feeds_of([], SITE)
    assert list(feeds) == [ARCHIVE_FEED]
    assert parse(render_atom(feeds[ARCHIVE_FEED])).feed.updated == NO_DATE


def test_pages_that_are_not_documents_are_not_entries():
    pages = [doc("a", dt.date(2020, 2, 1)), PageInfo("about.md", "about/", {"title": "关于"}, "关于本站。"),
             PageInfo("x.md", "x/", {"seed": "seeds/x.txt"}, "没有标题。")]
    assert [e.link for e in feeds_of(pages, SITE)[ARCHIVE_FEED].entries] == ["../archive/a/"]


# ---------------------------------------------------------------- entries


def test_entry_has_title_link_dates_summary_categories_and_author():
    page = doc("a", dt.date(2020, 7, 20), "## 标题 {#x}\n\n*记者 · 2020*\n\n正文 \\*星号\\* &lt;b&gt; [链接](http://x.org/)。",
               district="海淀区", source="新京报", tags=["核酸检测", "海淀区"], author="唐炜")
    parsed = parse(render_atom(feeds_of([page], SITE)[ARCHIVE_FEED]))
    (e,) = parsed.entries
    assert e.title == "文档 a" and e.link == "../archive/a/"
    assert e.published == e.updated == "2020-07-20T00:00:00+08:00"
    assert e.summary == "标题 记者 · 2020 正文 *星号* <b> 链接。"
    assert [t.term for t in e.tags] == ["海淀区", "新京报", "核酸检测"], "district, source, tags; each once"
    assert e.author == "唐炜"
    assert parsed.feed.author == SITE_TITLE


def test_links_are_absolute_when_the_sites_address_is_known_and_resolve_alike_otherwise():
    pages = [doc("子 目录/新京报 (1)", dt.date(2020, 2, 1), district="海淀区")]
    relative = feeds_of(pages, SITE)
    absolute = feeds_of(pages, PUBLISHED)
    for path in (ARCHIVE_FEED, "feeds/districts/haidianqu.xml"):
        rel, ab = relative[path], absolute[path]
        assert ab.entries[0].link == "https://example.org/archive/archive/%E5%AD%90%20%E7%9B%AE%E5%BD%95/%E6%96%B0%E4%BA%AC%E6%8A%A5%20(1)/"
        assert urljoin(PUBLISHED.url + path, rel.entries[0].link) == ab.entries[0].link
        assert urljoin(PUBLISHED.url + path, rel.link) == ab.link
        assert ab.self_link == PUBLISHED.url + path and rel.self_link == ""
    assert absolute["feeds/districts/haidianqu.xml"].link == "https://example.org/archive/districts/haidianqu/"
    assert absolute[ARCHIVE_FEED].link == "https://example.org/archive/"
    data = render_atom(absolute[ARCHIVE_FEED])
    assert b'rel="self"' in data and b'rel="self"' not in render_atom(relative[ARCHIVE_FEED])


def test_links_without_directory_urls():
    pages = [PageInfo("archive/a.md", "archive/a.html", {"title": "a", "seed": "s", "date": dt.date(2020, 2, 1), "district": "海淀区"}, "")]
    feeds = feeds_of(pages, SITE)
    assert feeds["feeds/districts/haidianqu.xml"].link == "../../districts/haidianqu.html"
    assert feeds[ARCHIVE_FEED].link == "../index.html"
    assert feeds[ARCHIVE_FEED].entries[0].link == "../archive/a.html"


def test_hostile_titles_names_and_summaries_stay_text():
    title = '</title><script>alert(1)</script> & "引号" \x01 ]]>'
    page = doc("a", dt.date(2020, 2, 1), "<script>alert(2)</script>\n\n正文 &amp; <em>强调</em>", title=title,
               district="海淀区", tags=["A&B <c>"], author="<i>记者</i>")
    data = render_atom(feeds_of([page], SITE)[ARCHIVE_FEED])
    assert b"<script>" not in data and b"<i>" not in data and b"\x01" not in data
    root = etree.fromstring(data)
    entry = root.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == '</title><script>alert(1)</script> & "引号"  ]]>'
    assert [c.get("term") for c in entry.iter(f"{ATOM}category")] == ["海淀区", "A&B <c>"]
    assert entry.find(f"{ATOM}summary").text == "正文 & 强调"
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "<i>记者</i>"
    parsed = parse(data)
    assert parsed.entries[0].title_detail.type == "text/plain"


def test_front_matter_escaped_for_the_theme_reads_back_as_text():
    page = PageInfo("archive/a.md", "archive/a/", {"title": Markup("A &amp; B"), "seed": "s", "date": "2020-02-01",
                                                   "tags": [Markup("&lt;x&gt;")]}, "")
    (entry,) = feeds_of([page], SITE)[ARCHIVE_FEED].entries
    assert entry.title == "A & B" and entry.categories == ("<x>",) and entry.date == dt.date(2020, 2, 1)


def test_summary_is_cut_at_the_limit_with_an_ellipsis():
    assert summary_of("字" * (CHARS + 10)) == "字" * CHARS + "…"
    assert summary_of("字" * CHARS) == "字" * CHARS
    assert summary_of("") == ""
    # A long page: only its beginning is rendered, cut at a blank line.
    long = "第一段。\n\n" + ("长" * 3000 + "\n\n") * 50
    assert summary_of(long).startswith("第一段。 长长") and len(summary_of(long)) == CHARS + 1


def test_summary_of_the_newspaper_page_starts_with_its_contents_box():
    page = next(p for p in seed_pages() if p.page.endswith("004_487f552e651a47cf.md"))
    assert summary_of(page.body).startswith("本期导读 常卫主持召开专题会议 研究疫情防控时期支持企业发展工作（2版）")


# ---------------------------------------------------------------- paths


@pytest.mark.parametrize("listing, path", [
    ("index.md", "feeds/archive.xml"),
    ("districts/haidianqu.md", "feeds/districts/haidianqu.xml"),
    ("sources/xinjingbao.md", "feeds/sources/xinjingbao.xml"),
    ("tags/index-1a2b3c.md", "feeds/tags/index-1a2b3c.xml"),
])
def test_feed_path(listing, path):
    assert feed_path(listing) == path


@pytest.mark.parametrize("listing", ["timeline/2020/03.md", "districts.md", "feeds/x.md", "districts/.md", "districts/x.html"])
def test_feed_path_refuses_what_is_not_a_listings_first_page(listing):
    with pytest.raises(ValueError, match=re.escape(listing)):
        feed_path(listing)


def test_href_climbs_from_the_pages_address():
    assert href("index.md", "feeds/archive.xml") == "feeds/archive.xml"
    assert href("districts/haidianqu.md", "feeds/x.xml") == "../../feeds/x.xml"
    assert href("districts/haidianqu.md", "feeds/x.xml", directory_urls=False) == "../feeds/x.xml"
    assert href("index.md", "feeds/archive.xml", directory_urls=False) == "feeds/archive.xml"
    assert page_url("timeline/index.md") == "timeline/" and page_url("timeline/index.md", False) == "timeline/index.html"


def test_index_pages_link_their_feed_for_either_url_style():
    metas = [meta_of(doc("a", dt.date(2020, 2, 1), district="海淀区"))]
    for directory_urls, prefix in ((True, "../../"), (False, "../")):
        page = render_indexes(metas, directory_urls=directory_urls)["districts/haidianqu.md"]
        assert f'<a href="{prefix}feeds/districts/haidianqu.xml" type="application/atom+xml"' in page
    home = render_indexes(metas)["index.md"]
    assert '<a href="feeds/archive.xml" type="application/atom+xml" title="北京各区新冠肺炎疫情防控文献档案">订阅</a>' in home


# ---------------------------------------------------------------- a real site


_FEED_LINK = re.compile(r'<link rel="alternate" type="application/atom\+xml" title="([^"]*)" href="([^"]+)">')
_SUBSCRIBE = re.compile(r'<a href="([^"]+)" type="application/atom\+xml"')


@pytest.mark.slow
def test_every_feed_a_built_page_links_is_written(project):
    """mkdocs build --strict of the five seeds, then write_feeds as the plugin will call it: each
    index page's <link rel="alternate"> and "订阅" link lead to a feed that was written."""
    import subprocess
    import sys

    from gen.cli import main

    assert main(["build"]) == 0
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr
    site = project / "site"
    pages = []
    for path in sorted((project / "docs").rglob("*.md")):
        page = path.relative_to(project / "docs").as_posix()
        parsed = frontmatter.parse(path.read_text(encoding="utf-8"), page)
        pages.append(PageInfo(page, page_url(page), frontmatter.typed(parsed.meta), parsed.body))
    written = set(write_feeds(site, pages, SITE))
    linked = {}
    for html_file in site.rglob("index.html"):
        html = html_file.read_text(encoding="utf-8")
        heads = _FEED_LINK.findall(html)
        subscribe = _SUBSCRIBE.findall(html)
        # The head and the page link the same feed.
        assert [(html_file.parent / h).resolve() for _, h in heads] == [(html_file.parent / h).resolve() for h in subscribe], html_file
        for title, link in heads:
            target = (html_file.parent / link).resolve()
            assert target.is_file(), (html_file, link)
            linked[target.relative_to(site).as_posix()] = title
    assert set(linked) == written and len(written) == 31
    assert linked[ARCHIVE_FEED] == SITE_TITLE
    for path in written:
        assert parse((site / path).read_bytes()).feed.title == linked[path]
