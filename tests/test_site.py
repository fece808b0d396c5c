"""gen/site/: addresses and links, the lean shell, the rendered-page store, the sitemap."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import posixpath
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gen import fs
from gen.search.segments import body_digest
from gen.site import page as P
from gen.site import publish as pub
from gen.site.markup import Converter, dest_of, relative, site_relpath, url_of
from gen.site.shell import WORDS, Script, Shell
from gen.site.sitemap import LIMIT, sitemaps
from gen.site.store import Store, Stored, compact

REPO = Path(__file__).resolve().parents[1]
EXTENSIONS = ["admonition", "attr_list", "tables", "toc"]
CONFIGS = {"toc": {"permalink": True}}


def shell(**changes) -> Shell:
    fields = dict(site_name="档案", language="zh",
                  stylesheets=("assets/stylesheets/main.x.min.css", "assets/archive.css"), scripts=(Script("assets/javascripts/bundle.x.min.js"),),
                  shell_script="assets/javascripts/archive-shell.x.js", sprite="assets/images/archive-icons.x.svg", favicon="assets/images/favicon.png",
                  edit_base="https://example.org/repo/edit/main/docs/", site_url="", words=tuple((w, w.upper()) for w in WORDS),
                  digest="d1")
    fields.update(changes)
    return Shell(**fields)


def test_url_of_and_dest_of_follow_mkdocs_directory_urls():
    assert url_of("archive/2020/x.md") == "archive/2020/x/"
    assert url_of("index.md") == "" and url_of("timeline/index.md") == "timeline/"
    assert url_of("tags.md") == "tags/"
    assert url_of("archive/x.md", use_directory_urls=False) == "archive/x.html"
    assert dest_of("archive/x.md") == "archive/x/index.html" and dest_of("index.md") == "index.html"


@pytest.mark.parametrize("target, here, expected", [
    ("", "archive/x/", "../../"),
    ("timeline/", "archive/2020/x/", "../../../timeline/"),
    ("archive/y/", "archive/x/", "../y/"),
    ("tags/", "", "tags/"),
    ("", "", "./"),
])
def test_relative_addresses(target, here, expected):
    assert relative(target, here) == expected


_PART = st.sampled_from(["archive", "x", "y", "2020", "tags", "标签", ".", "..", "", "a.html", "%E6"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PART, max_size=4), st.lists(_PART, max_size=4), st.booleans(), st.booleans())
def test_relative_path_is_posixpaths_without_the_working_folder(to, here, to_lead, here_lead):
    path = ("/" if to_lead else "") + "/".join(to) or "."
    start = ("/" if here_lead else "") + "/".join(here) or "."
    assert site_relpath(path, start) == posixpath.relpath(path, start)


def test_converter_resolves_links_to_pages_and_reports_missing_ones():
    pages = {"archive/a.md": "archive/a/", "archive/sub/b.md": "archive/sub/b/", "timeline/index.md": "timeline/"}
    conv = Converter(EXTENSIONS, CONFIGS, pages)
    done = conv.convert("archive/a.md", "archive/a/", "[b](sub/b.md#p2) [t](../timeline/index.md) [gone](c.md) [web](https://x.org/a.md)\n\n## 标题")
    assert 'href="../sub/b/#p2"' in done.html and 'href="../../timeline/"' in done.html
    assert 'href="c.md"' in done.html and 'href="https://x.org/a.md"' in done.html
    assert done.links == (("archive/c.md", False), ("archive/sub/b.md", True), ("timeline/index.md", True))
    assert len(done.problems) == 1 and "'archive/a.md'" in done.problems[0] and "c.md" in done.problems[0]
    assert [(level, name) for level, _, name in done.toc] == [(2, "标题")]
    # The converter is reused: nothing carries over to the next page.
    again = conv.convert("archive/sub/b.md", "archive/sub/b/", "plain")
    assert again.links == () and again.problems == () and again.toc == ()


def _seed_page(name: str) -> str:
    return next((REPO / "docs" / "archive").rglob(name)).read_text(encoding="utf-8")


def test_document_page_golden(golden):
    text = _seed_page("000_73acca2f4bde7c0a.md")
    conv = Converter(EXTENSIONS, CONFIGS, {"archive/000_73acca2f4bde7c0a.md": "archive/000_73acca2f4bde7c0a/"})
    src = P.Source("archive/000_73acca2f4bde7c0a.md", "archive/000_73acca2f4bde7c0a/", text, True, None)
    done = P.render(src, shell(), conv, {"核酸检测": "tags/hesuanjiance/"})
    golden("site/document.html", done.html)
    assert done.title == "区委书记常卫主持召开石景山新冠肺炎疫情防控工作领导小组会议"
    assert done.fields["date"] == dt.date(2022, 6, 1) and done.fields["district"] == "石景山区"
    assert done.html.count("<h1>") == 1 and done.content in done.html


def test_hostile_front_matter_is_escaped_everywhere():
    text = '---\ntitle: "</title><script>alert(1)</script>"\nseed: "seeds/x.txt"\nsource: "<b>报</b>"\nurl: "javascript:alert(1)"\ntags:\n  - "<i>t</i>"\n---\n\n正文\n'
    conv = Converter(EXTENSIONS, CONFIGS, {})
    done = P.render(P.Source("archive/x.md", "archive/x/", text, True, None), shell(), conv, {"<i>t</i>": "tags/t/"})
    assert "<script>alert" not in done.html and "&lt;/title&gt;&lt;script&gt;" in done.html
    assert "<b>报</b>" not in done.html and "javascript:" not in done.html
    assert "&lt;i&gt;t&lt;/i&gt;" in done.html


def test_index_page_has_no_edit_button_and_marks_its_tab():
    conv = Converter(EXTENSIONS, CONFIGS, {})
    done = P.render(P.Source("timeline/index.md", "timeline/", "# 时间线\n\n- 2020\n", False, "timeline/"), shell(), conv, {})
    assert 'rel="edit"' not in done.html
    assert '<script src="../assets/javascripts/archive-shell.x.js" data-base=".." data-tab="timeline/">' in done.html
    assert done.html.count("<h1") == 1


def test_broken_front_matter_still_renders_the_body():
    conv = Converter(EXTENSIONS, CONFIGS, {})
    done = P.render(P.Source("archive/x.md", "archive/x/", "---\ntitle: [unclosed\n---\n\n正文段落\n", True, None), shell(), conv, {})
    assert done.fields == {} and "正文段落" in done.html


def _job(tmp_path: Path, pages: dict[str, str], sh: Shell | None = None) -> pub.Job:
    return pub.Job(sh or shell(), tuple(EXTENSIONS), CONFIGS, pages, {}, (), Store(tmp_path / "store"))


def _sources(texts: dict[str, str]):
    return [(P.Source(uri, url_of(uri), text, True, None), ()) for uri, text in texts.items()]


def test_publish_renders_only_what_changed(tmp_path):
    texts = {f"archive/p{i}.md": f"---\ntitle: \"页{i}\"\nseed: \"seeds/p{i}.txt\"\n---\n\n第{i}页 [下一页](p{i + 1}.md)\n" for i in range(5)}
    pages = {uri: url_of(uri) for uri in texts}
    site = tmp_path / "site"
    first = pub.publish(_job(tmp_path, pages), _sources(texts), site)
    assert first.rendered == 5 and (site / "archive" / "p0" / "index.html").is_file()
    assert len(first.problems) == 1 and "p5.md" in first.problems[0]  # p4 links a page that does not exist
    again = pub.publish(_job(tmp_path, pages), _sources(texts), site)
    assert again.rendered == 0 and len(again.problems) == 1
    texts["archive/p2.md"] += "补充\n"
    edited = pub.publish(_job(tmp_path, pages), _sources(texts), site)
    assert edited.rendered == 1 and "补充" in (site / "archive" / "p2" / "index.html").read_text(encoding="utf-8")
    # p5 appears: p4, which links it, is rendered again (its link now resolves).
    texts["archive/p5.md"] = "---\ntitle: \"页5\"\n---\n\n末页\n"
    pages["archive/p5.md"] = "archive/p5/"
    grown = pub.publish(_job(tmp_path, pages), _sources(texts), site)
    assert grown.rendered == 2 and grown.problems == ()
    assert 'href="../p5/"' in (site / "archive" / "p4" / "index.html").read_text(encoding="utf-8")
    # A new shell (template, theme, settings) renders every page again.
    assert pub.publish(_job(tmp_path, pages, shell(digest="d2")), _sources(texts), site).rendered == 6


def test_publish_hands_every_page_to_search_in_order(tmp_path):
    texts = {f"archive/p{i:02d}.md": f"---\ntitle: \"页{i}\"\n---\n\n第{i}页\n" for i in range(60)}
    pages = {uri: url_of(uri) for uri in texts}
    seen = []
    job = _job(tmp_path, pages)
    pub.publish(job, _sources(texts), tmp_path / "site", jobs=2, each=lambda s, st: seen.append((s.src_uri, job.store.content(st))))
    assert [u for u, _ in seen] == sorted(texts) and all(f"第{int(u[-5:-3])}页" in c for u, c in seen)
    seen.clear()
    texts["archive/p07.md"] += "改\n"
    pub.publish(job, _sources(texts), tmp_path / "site", jobs=2, each=lambda s, st: seen.append((s.src_uri, job.store.content(st))))
    assert [u for u, _ in seen] == sorted(texts) and "改" in dict(seen)["archive/p07.md"]


def test_records_of_an_earlier_release_are_read_and_given_their_bodys_digest(tmp_path):
    """A store index written before records had the body's digest (seven fields) is read as it is:
    no page is rendered again, each record gets the digest of its body once (search names its
    segments by it), and every part handed to search carries the digest of the bytes it points at."""
    import pickle

    texts = {f"archive/p{i}.md": f"---\ntitle: \"页{i}\"\n---\n\n第{i}页\n" for i in range(4)}
    pages = {uri: url_of(uri) for uri in texts}
    site = tmp_path / "site"
    job = _job(tmp_path, pages)
    pub.publish(job, _sources(texts), site)
    index = pickle.loads(job.store.index_path.read_bytes())
    assert all(r.body for r in index["pages"].values())

    class Earlier:  # pickles as a record of the earlier release did: its seven fields, no digest
        def __init__(self, record):
            self.record = record

        def __reduce__(self):
            return (Stored.__new__, (Stored,), list(self.record.__getstate__())[:7])

    old = {uri: Earlier(r) for uri, r in index["pages"].items()}
    job.store.index_path.write_bytes(pickle.dumps({**index, "pages": old}))
    loaded = Store(tmp_path / "store").load()
    assert loaded and all(r.body == "" for r in loaded.values())
    parts = []
    again = pub.publish(_job(tmp_path, pages), _sources(texts), site, each=lambda s, st: parts.append(job.store.part(st)))
    assert again.rendered == 0 and len(parts) == 4
    assert all(part.digest == body_digest(part.read_bytes()) for part in parts)
    assert all(r.body for r in Store(tmp_path / "store").load().values())  # kept: the next build reads no body


def test_stored_records_share_what_repeats_between_pages():
    """100,000 pages' records are held at once: equal names and short values are one string."""
    def record(n):  # as a worker sends it: every string its own object
        name = "".join(["distr", "ict"])
        fields = {name: "".join(["海淀", "区"]), "title": f"页{n}", "tags": ["".join(["核酸", "检测"])], "date": dt.date(2020, 3, n)}
        return Stored("k" * 32, f"页{n}", fields, (0, 1), (("".join(["archive/", "a.md"]), True),), (),
                      (("".join(["seeds/", "a.txt"]), True),))
    a, b = compact(record(1)), compact(record(2))
    assert a.fields == record(1).fields and a.title == "页1" and a.title is a.fields["title"]
    ka, kb = next(iter(a.fields)), next(iter(b.fields))
    assert ka is kb and a.fields["district"] is b.fields["district"] and a.fields["tags"][0] is b.fields["tags"][0]
    assert a.links == (("archive/a.md", True),) and a.links[0][0] is b.links[0][0] and a.files[0][0] is b.files[0][0]


def test_a_page_saved_while_the_build_runs_is_never_kept_as_the_rendering_of_its_old_text(tmp_path):
    """A build keys a page by the digest of its text when it looked at it, and renders it later. A
    save in between is rendered as it is, but not kept as the rendering of the text the build saw,
    which the editor may yet put back (then that text is rendered, not the save)."""
    page = tmp_path / "docs" / "archive" / "a.md"
    page.parent.mkdir(parents=True)
    seen, saved = '---\ntitle: "甲"\n---\n\n先前的正文\n', '---\ntitle: "甲"\n---\n\n存下的正文\n'
    page.write_text(saved, encoding="utf-8")  # saved after the build read `seen`
    pages = {"archive/a.md": "archive/a/"}

    def publish():
        source = P.Source("archive/a.md", "archive/a/", None, True, None, str(page), fs.text_digest(seen))
        return pub.publish(_job(tmp_path, pages), [(source, ())], tmp_path / "site")

    html = tmp_path / "site" / "archive" / "a" / "index.html"
    assert publish().rendered == 1 and "存下的正文" in html.read_text(encoding="utf-8")
    page.write_text(seen, encoding="utf-8")  # put back
    assert publish().rendered == 1 and "先前的正文" in html.read_text(encoding="utf-8")
    assert publish().rendered == 0


def test_store_prunes_pages_no_page_uses(tmp_path):
    store = Store(tmp_path)
    store.put("aa" * 16, b"x")
    store.put("bb" * 16, b"y")
    assert store.prune({"aa" * 16}) == 1 and store.has("aa" * 16) and not store.has("bb" * 16)


def test_store_prune_removes_what_killed_builds_left_but_not_what_a_build_is_writing(tmp_path):
    store = Store(tmp_path)
    store.put("aa" * 16, b"x")
    folder = store.path("aa" * 16).parent
    left = [folder / f"{fs.TMP_PREFIX}1-0badc0de", tmp_path / f"{fs.TMP_PREFIX}1-0ddba11"]  # a page, an index
    writing = [folder / f"{fs.TMP_PREFIX}2-5eed1e55", tmp_path / f"{fs.TMP_PREFIX}2-5ca1ab1e"]
    long_ago = time.time() - fs.STALE_TMP_SECONDS - 60
    for path in left + writing:
        path.write_bytes(b"half a file")
    for path in left:
        os.utime(path, (long_ago, long_ago))
    store.prune({"aa" * 16})
    assert [p.exists() for p in left + writing] == [False, False, True, True]
    assert store.has("aa" * 16)


def test_damaged_store_index_means_render_again(tmp_path):
    store = Store(tmp_path)
    store.index_path.parent.mkdir(parents=True, exist_ok=True)
    store.index_path.write_bytes(b"not a pickle")
    assert store.load() == {}


def test_sitemap_lists_every_address_and_splits_at_the_limit():
    day = dt.date(2022, 1, 2)
    assert sitemaps("", ["a/"], day) == {}
    small = sitemaps("https://x.org/site", ["", "archive/a/", "archive/a/"], day)
    text = small["sitemap.xml"].decode()
    assert text.count("<url>") == 2 and "<loc>https://x.org/site/archive/a/</loc>" in text and "<lastmod>2022-01-02</lastmod>" in text
    assert gzip.decompress(small["sitemap.xml.gz"]) == small["sitemap.xml"]
    big = sitemaps("https://x.org/", [f"p{i}/" for i in range(LIMIT + 1)], day)
    assert set(big) == {"sitemap.xml", "sitemap.xml.gz", "sitemap-1.xml", "sitemap-2.xml"}
    assert big["sitemap.xml"].decode().count("<sitemap>") == 2 and big["sitemap-2.xml"].decode().count("<url>") == 1


def test_markdown_digest_is_stable_and_follows_the_settings():
    import functools

    from pymdownx.slugs import slugify

    from gen.site.shell import markdown_digest

    a = markdown_digest(EXTENSIONS, {"toc": {"permalink": True, "slugify": slugify(case="lower")}})
    assert a == markdown_digest(EXTENSIONS, {"toc": {"permalink": True, "slugify": slugify(case="lower")}})
    assert a != markdown_digest(EXTENSIONS, {"toc": {"permalink": True, "slugify": slugify(case="upper")}})
    assert a != markdown_digest([*EXTENSIONS, "gen.guard"], {"toc": {"permalink": True, "slugify": slugify(case="lower")}})
    assert markdown_digest([], {"x": functools.partial(len)}) == markdown_digest([], {"x": functools.partial(len)})


def test_preview_renders_a_known_document_page_and_nothing_else(tmp_path):
    from gen.site.preview import LastBuild, render_one

    docs = tmp_path / "docs"
    (docs / "archive").mkdir(parents=True)
    page = docs / "archive" / "a.md"
    page.write_text("---\ntitle: \"甲\"\n---\n\n改过的正文\n", encoding="utf-8")
    (docs / "notes.md").write_text("# 笔记\n", encoding="utf-8")
    (docs / "archive" / "new.md").write_text("# 新\n", encoding="utf-8")
    pages = {"archive/a.md": "archive/a/", "notes.md": "notes/"}
    last = LastBuild(_job(tmp_path, pages), tmp_path / "site", docs, True, {"archive/a.md": (None, ())})
    assert render_one(last, page) == "archive/a.md"
    assert "改过的正文" in (tmp_path / "site" / "archive" / "a" / "index.html").read_text(encoding="utf-8")
    assert render_one(last, docs / "notes.md") is None  # not a document page: the rebuild shows it
    assert render_one(last, docs / "archive" / "new.md") is None  # unknown to the last build: the rebuild adds it
    assert render_one(last, tmp_path / "elsewhere.md") is None


def test_url_of_follows_mkdocs_for_index_and_readme_pages():
    assert url_of("README.md") == "" and url_of("a/README.md") == "a/"
    assert url_of("index.md", use_directory_urls=False) == "index.html"
    assert url_of("a/index.md", use_directory_urls=False) == "a/index.html"
    assert dest_of("a/index.md", use_directory_urls=False) == "a/index.html"


def test_citations_exports_and_feeds_give_a_page_the_same_address(tmp_path):
    """A page path with Chinese, a space and brackets: encoded once, the same way everywhere."""
    from gen.cite.records import citations
    from gen.export.write import write_exports
    from gen.feeds.collect import feeds_of
    from gen.site.records import PageInfo, SiteInfo

    site = SiteInfo("档案", "https://example.org/a/", dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
    info = PageInfo("archive/北京 通报(1).md", "archive/北京 通报(1)/", {"title": "通报", "date": dt.date(2020, 3, 1),
                                                                     "district": "海淀区", "seed": "seeds/x.txt"}, "正文")
    want = "https://example.org/a/archive/%E5%8C%97%E4%BA%AC%20%E9%80%9A%E6%8A%A5(1)/"
    assert site.link(info.url) == want
    assert citations(info, site).archived.url == want
    links = {e.link for feed in feeds_of([info], site).values() for e in feed.entries}
    assert links == {want}
    write_exports(tmp_path, [info], site, files=False)
    assert f",{want}," in (tmp_path / "data" / "archive.csv").read_text(encoding="utf-8-sig")


def test_the_original_is_linked_only_when_the_export_may_publish_it(tmp_path):
    from gen.site.extras import downloads_html
    from gen.site.records import PageInfo

    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text("正文", encoding="utf-8")
    (tmp_path / "elsewhere.txt").write_text("正文", encoding="utf-8")
    (tmp_path / "seeds" / "link.txt").symlink_to(tmp_path / "elsewhere.txt")
    page = lambda seed: PageInfo("archive/a.md", "archive/a/", {"seed": seed}, "")
    assert "原件" in downloads_html(page("seeds/a.txt"), str(tmp_path))
    for refused in ("seeds/link.txt", "seeds/missing.txt", "../elsewhere.txt"):  # as the export refuses them
        line = downloads_html(page(refused), str(tmp_path))
        assert "原件" not in line and 'data-text="a.txt" hidden' in line  # the text is made in the browser


def test_header_is_material_markup_with_the_page_base_and_title_filled_in_by_the_script():
    from gen.site.shell import BASE, TITLE, header_html

    words = {w: w.upper() for w in WORDS}
    header = header_html("档案 <&>", words, "assets/images/i.svg", '<div class="md-search"></div>', '<form class="palette"></form>')
    assert header.count(BASE) == 4 and header.count(TITLE) == 1
    assert "档案 &lt;&amp;&gt;" in header and "<&>" not in header  # the site's name, escaped once
    assert header.index('<form class="palette">') < header.index('for="__search"') < header.index('<div class="md-search">')
    assert header.startswith('<input class="md-toggle" data-md-toggle="drawer"') and header.endswith("</nav></header>")


def _sheets(tmp_path: Path, texts: dict[str, str]):
    from mkdocs.structure.files import File

    files = []
    for uri, text in texts.items():
        (tmp_path / uri).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / uri).write_text(text, encoding="utf-8")
        files.append(File(uri, str(tmp_path), str(tmp_path / "site"), True))
    return files


def test_stylesheets_are_joined_in_order_until_one_reads_another_file(tmp_path):
    from gen.site.shell import join_stylesheets

    files = _sheets(tmp_path, {
        "assets/main.css": '@charset "UTF-8";a{color:red}/*# sourceMappingURL=main.css.map*/',
        "assets/b.css": "b{background:url('data:image/svg+xml;x')}",
        "assets/font.css": "@font-face{src:url(f.woff2)}",
        "assets/c.css": "c{}",
    })
    links, written = join_stylesheets(files, ["assets/main.css", "assets/b.css", "assets/font.css", "assets/c.css", "https://cdn.example/x.css"])
    [(path, data)] = written.items()
    assert links == (path, "assets/font.css", "assets/c.css", "https://cdn.example/x.css")
    assert data.decode() == '@charset "UTF-8";\na{color:red}\nb{background:url(\'data:image/svg+xml;x\')}\n'
    # nothing to gain from one sheet, or none the site has
    assert join_stylesheets(files, ["assets/font.css", "assets/main.css"]) == (("assets/font.css", "assets/main.css"), {})
    assert join_stylesheets(files, ["https://cdn.example/x.css"]) == (("https://cdn.example/x.css",), {})


def test_scripts_are_joined_in_runs_that_can_run_as_one(tmp_path):
    from gen.site.shell import join_scripts

    files = _sheets(tmp_path, {
        "js/bundle.js": '"use strict";(()=>{})();\n//# sourceMappingURL=bundle.js.map',
        "js/a.js": "/* a */\n;(function () {\n  'use strict'\n})()\n// last line",
        "js/b.js": "var b = 1\n//# sourceMappingURL=b.js.map",
        "js/here.js": "var s = document.currentScript",
        "js/c.js": "c()",
        "js/d.js": "d()",
        "js/m.mjs": "export const m = 1",
        "js/e.js": "e()",
        "js/f.js": "f()",
    })
    scripts = [Script(p) for p in ("js/bundle.js", "js/a.js?v=1", "js/b.js", "js/here.js", "js/c.js", "https://cdn.example/x.js", "js/d.js")]
    links, written = join_scripts(files, scripts)
    [(path, data)] = written.items()
    # a file-level "use strict", a look at its own <script>, an address elsewhere: each stays as it is
    assert links == (Script("js/bundle.js"), Script(path), *(Script(p) for p in ("js/here.js", "js/c.js", "https://cdn.example/x.js", "js/d.js")))
    assert data.decode() == "/* a */\n;(function () {\n  'use strict'\n})()\n// last line\n;\nvar b = 1\n;\n"
    assert join_scripts(files, [Script("js/c.js")]) == ((Script("js/c.js"),), {})
    # a module, a deferred or an async script keeps its own tag and attributes
    kept = (Script("js/m.mjs", "module"), Script("js/e.js", defer=True), Script("js/f.js", async_=True))
    assert join_scripts(files, list(kept)) == (kept, {})


def test_extra_scripts_and_stylesheets_keep_their_attributes_and_other_hosts_addresses():
    """What mkdocs.yml's extra_javascript says of a script (module, defer, async) reaches the tag,
    as Material's own template writes it; addresses of other hosts are not made relative."""
    page = shell(scripts=(Script("assets/javascripts/bundle.x.min.js"), Script("js/m.mjs", "module"), Script("js/d.js", defer=True, async_=True),
                          Script("https://cdn.example/x.js")),
                 stylesheets=("assets/stylesheets/main.x.min.css", "https://cdn.example/x.css"))
    conv = Converter(EXTENSIONS, CONFIGS, {})
    done = P.render(P.Source("archive/x.md", "archive/x/", "# x\n", True, None), page, conv, {})
    assert ('<script src="../../assets/javascripts/bundle.x.min.js"></script><script src="../../js/m.mjs" type="module"></script>'
            '<script src="../../js/d.js" defer async></script><script src="https://cdn.example/x.js"></script>') in done.html
    assert '<link rel="stylesheet" href="https://cdn.example/x.css">' in done.html
    from mkdocs.config.config_options import ExtraScript

    entry = ExtraScript().validate  # as mkdocs.yml's entries reach the plugin
    assert [Script.of(entry(v)) for v in ("js/a.js", "js/m.mjs", {"path": "js/d.js", "defer": True})] == [
        Script("js/a.js"), Script("js/m.mjs", "module"), Script("js/d.js", defer=True)]


def test_shell_script_marks_tabs_to_other_hosts_so_they_keep_their_address():
    """A nav entry linking another host (`- GitHub: https://…`) is a tab whose address the script
    does not put under the page's way to the site's root."""
    from gen.site.shell import shell_script

    script = shell_script("<header></header>", "站", {}, {"nav": "导航", "tabs": "标签页"},
                          tabs=(("首页", ""), ("时间线", "timeline/"), ("GitHub", "https://github.com/x/y")))
    tabs = json.loads(re.search(r"T=(\[.*?\]\]),B=", script).group(1))
    assert tabs == [["首页", "", False], ["时间线", "timeline/", False], ["GitHub", "https://github.com/x/y", True]]
    assert "x(e[2]?e[1]:b+'/'+e[1])" in script


def test_each_shell_keeps_its_own_pages_so_preview_and_site_builds_do_not_undo_each_other(tmp_path):
    """`make serve` renders with another site_url than `make site` (another shell): after one,
    the other still finds every page of its own; a third shell pushes out the oldest."""
    texts = {f"archive/p{i:02d}.md": f"---\ntitle: \"页{i}\"\n---\n\n第{i}页\n" for i in range(12)}
    pages = {uri: url_of(uri) for uri in texts}

    def build(digest):
        sh = shell(digest=digest)
        return pub.publish(pub.Job(sh, tuple(EXTENSIONS), CONFIGS, pages, {}, (), Store(tmp_path / "store", digest)),
                           _sources(texts), tmp_path / f"site-{digest}")

    assert build("site").rendered == 12 and build("serve").rendered == 12
    assert build("site").rendered == 0 and build("serve").rendered == 0
    texts["archive/p03.md"] += "改\n"
    assert build("site").rendered == 1  # one page: only the page it replaces goes
    assert len(list((tmp_path / "store" / "html").rglob("*.html"))) == 24
    assert build("serve").rendered == 1
    assert len(list((tmp_path / "store" / "html").rglob("*.html"))) == 24
    assert build("third").rendered == 12  # every page rendered: a full prune, of the oldest shell's pages too
    assert sorted(p.name for p in (tmp_path / "store").glob("index*")) == ["index-serve.pickle", "index-third.pickle"]
    assert len(list((tmp_path / "store" / "html").rglob("*.html"))) == 24
    assert build("serve").rendered == 0


def test_page_digests_are_recorded_by_stamp_for_the_same_code(tmp_path):
    from gen.site import stamps

    record = tmp_path / "page-digests.pickle"
    assert stamps.load(record, "v1") == {}  # none yet
    stamps.save(record, "v1", [(("/d/a.md", 5, 10), "aa"), (("/d/b.md", 6, 11), "bb"), (("/d/a.md", 7, 12), "cc")])
    assert stamps.load(record, "v1") == {("/d/a.md", 7, 12): "cc", ("/d/b.md", 6, 11): "bb"}  # a path's last stamp
    now = 10 * fs.RACY_NS
    stamps.save(record, "v1", [(("/d/old.md", now - fs.RACY_NS - 1, 3), "dd"), (("/d/new.md", now - 1, 4), "ee")], now_ns=now)
    assert stamps.load(record, "v1") == {("/d/old.md", now - fs.RACY_NS - 1, 3): "dd"}  # changed just now: read next time
    assert stamps.load(record, "v2") == {}  # other code
    record.write_bytes(b"damaged")
    assert stamps.load(record, "v1") == {}
    stamps.save(tmp_path / "no-such-folder" / "page-digests.pickle", "v1", [])  # cannot be written: nothing else happens
