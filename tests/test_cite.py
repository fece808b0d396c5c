"""Citations (gen/cite): GB/T 7714, BibTeX and CSL-JSON of every input kind, the box's HTML, and the
box driven in a browser. The GB/T text is checked against citeproc-py running the CSL style."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from markupsafe import Markup

from gen import frontmatter
from gen.cite import articles, box_html, citations, cite_key, csl_item, csl_json, gbt, render_box
from gen.cite.formats import bibtex, numeric_date
from gen.cite.records import PageCitations
from gen.site.records import PageInfo, SiteInfo

REPO = Path(__file__).resolve().parents[1]
CSL_DIR = REPO / "gen" / "data" / "csl"
STYLE = CSL_DIR / "china-national-standard-gb-t-7714-2015-numeric.csl"
SCHEMA = CSL_DIR / "csl-data.json"

NAME = "北京各区新冠肺炎疫情防控文献档案"
BUILT = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
SITE = SiteInfo(NAME, "", BUILT)
PUBLISHED = SiteInfo(NAME, "https://example.org/covid-archive/", BUILT)
SEEDS = ("000_73acca2f4bde7c0a", "001_eec9e63713adc293", "002_2790eb9220dfb574", "003_17d5a1e15a32e4e6",
         "004_487f552e651a47cf")

HOSTILE_TITLE = "A {b} %c & <d> \"e\" 'f' #g _h ~i ^j \\k $l “引号” </pre><script>alert(1)</script>"

NEWSPAPER_BODY = """!!! abstract "本期导读"

    - 第二篇 报道（3版）

## 头版新闻 \\*加急\\*

*本报记者 王五 · 2021-01-04*

第一段。

*（下转2版）*

## 第二篇 报道

*记者赵六 钱七 孙八 周九 吴十 摄*

第二段。

## 头版新闻 \\*加急\\*

没有署名的一段。

## A &amp; B &lt;c&gt; \\{d\\}

*文/Smith*

## 自定锚点 {#custom-id}

## 头版新闻 \\*加急\\* {: .x #头版新闻-加急_2 }

最后一段。
"""


def page_url(page: str) -> str:
    return page[: -len(".md")] + "/"


def seed_page(stem: str) -> PageInfo:
    """A seed's page in docs/archive, as the site build sees it."""
    page = f"archive/{stem}.md"
    parsed = frontmatter.parse((REPO / "docs" / page).read_text(encoding="utf-8"), page)
    return PageInfo(page, page_url(page), frontmatter.typed(parsed.meta), parsed.body)


def made(name: str, body: str = "正文。", **fields) -> PageInfo:
    page = f"archive/2020/{name}.md"
    return PageInfo(page, page_url(page), {"seed": f"seeds/{name}.txt", **fields}, body)


# Hand-made pages, one per case the seeds do not cover (titles and names are made up).
MADE = {
    "web_with_url": made("web_with_url", title="本市新增3例确诊病例 均为集中隔离人员", date=dt.date(2020, 3, 27),
                         date_basis="清单", source="北京日报客户端", author="记者 王小明、李华", reader="wire",
                         url="https://example.com/news/2020/0327/a.html?id=1&from=app"),
    "missing_all": made("missing_all", title="关于做好社区防控工作的通知", reader="html"),
    "source_only": made("source_only", title="某街道开展环境整治", source="某区融媒体中心", reader="html",
                        date="2021-05", date_basis="编辑"),
    "four_authors": made("four_authors", title="四位作者的稿件", author="张一 张二 张三 张四", date=dt.date(2021, 1, 2),
                         date_basis="正文", url="http://example.com/4"),
    "hostile": made("hostile", title=HOSTILE_TITLE, author="O'Brien, Pat and {Co}", source="<b>Src</b> & Co",
                    date=dt.date(2022, 1, 2), url="https://example.com/a b?x={y}&z=\"q\"<"),
    "unsafe_url": made("unsafe_url", title="不安全的地址", url="javascript:alert(1)", date=dt.date(2022, 1, 3)),
    "newspaper": made("newspaper", NEWSPAPER_BODY, title="某区报 2021年1月5日 第2期", source="某区报", issue="第2期",
                      date=dt.date(2021, 1, 5), date_basis="报头", reader="newspaper"),
}


def all_pages() -> dict[str, PageInfo]:
    return {**{f"seed_{s[:3]}": seed_page(s) for s in SEEDS}, **MADE}


def formats_text(c: PageCitations) -> str:
    """Every format of a page, as one text for a golden file."""
    gbt_lines = "\n".join(gbt(item, c.accessed) for item in c.items)
    return (f"== GB/T 7714\n{gbt_lines}\n\n== BibTeX\n{bibtex(c.items, c.accessed)}\n\n"
            f"== CSL-JSON\n{csl_json(c.items, c.accessed)}\n")


# Golden files: every format of every case -----------------------------------------------------------

@pytest.mark.parametrize("name", sorted(all_pages()))
def test_formats_golden(name, golden):
    golden(f"cite/{name}.txt", formats_text(citations(all_pages()[name], SITE)))


@pytest.mark.parametrize("name, site", [("seed_000", SITE), ("seed_004", SITE), ("web_with_url", PUBLISHED),
                                        ("hostile", SITE), ("breakout", SITE)])
def test_box_golden(name, site, golden):
    golden(f"cite/{name}.html", box_html(box_pages()[name], site) + "\n")


# GB/T 7714 rules ------------------------------------------------------------------------------------

def test_gbt_newspaper_article_seed():
    c = citations(seed_page(SEEDS[3]), SITE)
    assert c.original is None
    assert [gbt(a, c.accessed) for a in c.articles] == [
        "石荣平. 持续抓好疫情常态化防控[N]. 石景山报, 2020-04-16.",
        "石伟. 区委常委会召开会议[N]. 石景山报, 2020-04-16.",
        "石伟. 我区召开应对新型冠状病毒感染疫情工作领导小组第五十六次会议 贯彻落实蔡奇书记调研我区指示要求 "
        "继续全面从严防控 统筹推进经济社会发展各项工作[N]. 石景山报, 2020-04-16(1).",
        "吴赛赛, 田甜. 快递管理精细化 居民“件件有着落”[N]. 石景山报, 2020-04-16.",
    ]


def test_gbt_web_with_url_has_date_access_date_and_address():
    c = citations(MADE["web_with_url"], PUBLISHED)
    assert gbt(c.original, c.accessed) == (
        "王小明, 李华. 本市新增3例确诊病例 均为集中隔离人员[EB/OL]. (2020-03-27)[2025-03-01]. "
        "https://example.com/news/2020/0327/a.html?id=1&from=app.")
    assert gbt(c.archived, c.accessed) == (
        "王小明, 李华. 本市新增3例确诊病例 均为集中隔离人员[EB/OL]. (2020-03-27)[2025-03-01]. "
        "https://example.org/covid-archive/archive/2020/web_with_url/.")


def test_gbt_missing_author_date_and_url():
    c = citations(MADE["missing_all"], SITE)
    # No author: left out (顺序编码制); no URL: no /OL, no access date; no date: nothing to print.
    assert gbt(c.original, c.accessed) == "关于做好社区防控工作的通知[EB]."
    assert gbt(c.archived, c.accessed) == "关于做好社区防控工作的通知[EB/OL]. [2025-03-01]. archive/2020/missing_all/."


def test_gbt_source_stands_in_for_a_missing_author():
    c = citations(MADE["source_only"], SITE)
    assert c.original.authors == ("某区融媒体中心",) and c.original.institution
    assert gbt(c.original, c.accessed) == "某区融媒体中心. 某街道开展环境整治[EB]. 2021."
    assert gbt(c.archived, c.accessed).endswith("[EB/OL]. (2021-05)[2025-03-01]. archive/2020/source_only/.")


def test_gbt_inferred_year_in_brackets():
    c = citations(seed_page(SEEDS[0]), SITE)  # date_basis 推断：…
    assert c.original.circa
    assert gbt(c.original, c.accessed) == "新京报. 区委书记常卫主持召开石景山新冠肺炎疫情防控工作领导小组会议[EB]. [2022]."


def test_gbt_more_than_three_authors():
    c = citations(MADE["four_authors"], SITE)
    assert gbt(c.original, c.accessed).startswith("张一, 张二, 张三, 等. 四位作者的稿件[EB/OL]. (2021-01-02)")


def test_unsafe_url_is_left_out():
    c = citations(MADE["unsafe_url"], SITE)
    assert c.original.url == ""
    assert "javascript" not in box_html(MADE["unsafe_url"], SITE)


def test_url_is_percent_encoded():
    c = citations(MADE["hostile"], SITE)
    assert c.original.url == "https://example.com/a%20b?x=%7By%7D&z=%22q%22%3C"


# Newspaper articles ---------------------------------------------------------------------------------

def test_articles_of_a_hand_made_issue():
    got = articles.read_articles(NEWSPAPER_BODY)
    assert [(a.headline, a.authors, a.page, a.anchor) for a in got] == [
        ("头版新闻 *加急*", ("王五",), "1", "头版新闻-加急"),
        ("第二篇 报道", ("赵六", "钱七", "孙八", "周九"), "3", "第二篇-报道"),
        ("头版新闻 *加急*", (), "", "头版新闻-加急_1"),
        ("A & B <c> {d}", ("Smith",), "", "a--b--d"),
        ("自定锚点", (), "", "custom-id"),
        ("头版新闻 *加急*", (), "", "头版新闻-加急_2"),
    ]


@pytest.mark.parametrize("body", [seed_page(SEEDS[3]).body, seed_page(SEEDS[4]).body, NEWSPAPER_BODY])
def test_article_anchors_are_the_rendered_heading_ids(body):
    """The anchors are the ids Python-Markdown's toc gives with mkdocs.yml's slugify."""
    import markdown
    import yaml
    from mkdocs.utils.yaml import get_yaml_loader

    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=get_yaml_loader())
    # The ids come from toc (its slugify from mkdocs.yml) and attr_list; other extensions there
    # (the build guard) need the site build around them.
    toc = next(e["toc"] for e in config["markdown_extensions"] if isinstance(e, dict) and "toc" in e)
    html = markdown.Markdown(extensions=["admonition", "attr_list", "toc"], extension_configs={"toc": toc}).convert(body)
    ids = re.findall(r'<h2[^>]* id="([^"]+)"', html)
    assert [a.anchor for a in articles.read_articles(body)] == [__import__("html").unescape(i) for i in ids]


@pytest.mark.parametrize("byline, expected", [
    ("石荣平", ("石荣平",)),
    ("通讯员石伟", ("石伟",)),
    ("记者甄趁勇 张林", ("甄趁勇", "张林")),
    ("记者吴赛赛 通讯员田甜", ("吴赛赛", "田甜")),
    ("本报记者 王五、赵六", ("王五", "赵六")),
    ("本报评论员", ("本报评论员",)),
    ("记者 张三 摄", ()),
    ("记者李四 王五/摄", ("李四",)),
    ("文/李四", ("李四",)),
    ("John Smith, Jane Doe", ("John Smith", "Jane Doe")),
    ("张三 · 李四", ("张三", "李四")),
    ("甲, 乙 and 丙", ("甲", "乙", "丙")),
    ("John Smith and Jane Doe", ("John Smith", "Jane Doe")),
    ("张三、李四和王五", ("张三", "李四", "王五")),
    ("记者 张三 和 李四", ("张三", "李四")),
    ("记者李四与王五", ("李四", "王五")),
    ("王和平", ("王和平",)),
    ("记者 欧阳和平", ("欧阳和平",)),
    ("", ()),
])
def test_names(byline, expected):
    assert articles.names(byline) == expected


def test_a_paragraph_in_italics_is_not_a_byline():
    body = "## 标题\n\n*" + "很长的一段强调文字，" * 10 + "*\n"
    assert articles.read_articles(body)[0].authors == ()


def test_headings_in_code_are_not_articles():
    body = "## 一\n\n```\n## 不是标题\n```\n\n## 二\n"
    assert [a.headline for a in articles.read_articles(body)] == ["一", "二"]


# BibTeX ---------------------------------------------------------------------------------------------

def parse_bibtex(text: str, decode: bool = False):
    """Entries read back by bibtexparser; `decode` turns LaTeX escapes into text (pylatexenc)."""
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware

    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()] if decode else [])
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return library.entries


def decoded(value: str) -> str:
    # pylatexenc reads \textasciicircum{} as U+02C6 (modifier letter circumflex); LaTeX prints "^".
    return value.replace("\u02c6", "^")


@pytest.mark.parametrize("name", sorted(all_pages()))
def test_bibtex_parses_back(name):
    c = citations(all_pages()[name], SITE)
    text = bibtex(c.items, c.accessed)
    raw, plain = parse_bibtex(text), parse_bibtex(text, decode=True)
    assert [e.key for e in raw] == [i.key for i in c.items]
    for entry, text_entry, item in zip(raw, plain, c.items, strict=True):
        fields = {f.key: f.value for f in entry.fields}
        assert entry.entry_type == ("article" if item.kind == "newspaper" else "online")
        assert decoded(text_entry.fields_dict["title"].value) == item.title
        assert fields.get("date", "") == numeric_date(item.issued)
        assert fields.get("url", "") == item.url  # verbatim: no LaTeX decoding
        assert fields.get("urldate", "") == (c.accessed if item.url else "")
        if item.authors:
            assert len(fields["author"].split(" and ")) >= len(item.authors)
        if item.kind == "newspaper":
            assert fields["entrysubtype"] == "newspaper" and fields["journal"] == item.container


def test_bibtex_escapes_what_latex_reads():
    c = citations(MADE["hostile"], SITE)
    text = bibtex((c.original,), c.accessed)
    assert (r"title = {A \{b\} \%c \& <d> " + '"e"' + r" 'f' \#g \_h \textasciitilde{}i \textasciicircum{}j "
            r"\textbackslash{}k \$l “引号” </pre><script>alert(1)</script>}") in text
    # Latin names split at commas and at a spaced "and" (BibTeX's own separator between names).
    assert "author = {O'Brien and Pat and \\{Co\\}}" in text
    assert text.count("{") - text.count(r"\{") == text.count("}") - text.count(r"\}")
    entry = parse_bibtex(text, decode=True)[0]
    assert decoded(entry.fields_dict["title"].value) == HOSTILE_TITLE


def test_bibtex_persons_and_organisations():
    web = citations(MADE["web_with_url"], SITE)
    assert "author = {王小明 and 李华}" in bibtex((web.original,), web.accessed)
    wire = citations(seed_page(SEEDS[0]), SITE)
    assert "author = {{新京报}}" in bibtex((wire.original,), wire.accessed)


# Keys -----------------------------------------------------------------------------------------------

def test_keys_come_from_the_path_never_the_title():
    page = MADE["web_with_url"]
    retitled = PageInfo(page.page, page.url, {**page.fields, "title": "改过的标题"}, page.body)
    assert citations(page, SITE).key == citations(retitled, SITE).key == "archive-2020-web_with_url"


@pytest.mark.parametrize("path, key", [
    ("archive/000_73acca2f4bde7c0a.md", "archive-000_73acca2f4bde7c0a"),
    ("archive/2020/04/x.y.md", "archive-2020-04-x.y"),
    ("archive/中文 页面.md", "archive-849e95ad"),
    ("archive/a b.md", "archive-a-b-0e3154b5"),
])
def test_cite_key(path, key):
    assert cite_key(path) == key


def test_keys_of_lossy_paths_differ():
    assert cite_key("archive/甲.md") != cite_key("archive/乙.md")
    assert cite_key("archive/a b.md") != cite_key("archive/a-b.md")


def test_article_keys_follow_their_position():
    c = citations(MADE["newspaper"], SITE)
    assert [a.key for a in c.articles] == [f"archive-2020-newspaper-a{n}" for n in range(1, 7)]
    assert c.archived.key == "archive-2020-newspaper-archive"


# CSL-JSON -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(all_pages()))
def test_csl_json_is_valid_against_the_schema(name):
    import jsonschema

    c = citations(all_pages()[name], SITE)
    data = json.loads(csl_json(c.items, c.accessed))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(data)
    assert data == [csl_item(i, c.accessed) for i in c.items]
    assert [d["type"] for d in data] == [{"web": "webpage", "newspaper": "article-newspaper"}[i.kind] for i in c.items]


def test_csl_json_fields():
    c = citations(MADE["web_with_url"], PUBLISHED)
    original, archived = json.loads(csl_json(c.items, c.accessed))
    assert original == {
        "id": "archive-2020-web_with_url", "type": "webpage", "title": "本市新增3例确诊病例 均为集中隔离人员",
        "author": [{"literal": "王小明"}, {"literal": "李华"}], "container-title": "北京日报客户端",
        "issued": {"date-parts": [[2020, 3, 27]]}, "accessed": {"date-parts": [[2025, 3, 1]]},
        "URL": "https://example.com/news/2020/0327/a.html?id=1&from=app",
    }
    assert archived["URL"] == "https://example.org/covid-archive/archive/2020/web_with_url/"
    assert archived["source"] == NAME
    assert json.loads(csl_json(citations(seed_page(SEEDS[0]), SITE).items, "2025-03-01"))[0]["issued"]["circa"] is True


# The box --------------------------------------------------------------------------------------------

# Hand-made pages for the box and cite.js only (the format goldens and citeproc checks above keep to
# MADE): what could break the data island, or cite.js' port of the formats.
EDGE = {
    "breakout": made("breakout", title="</script><script>alert(1)</script><!-- -->", author="甲, 乙 and 丙",
                     source="</SCRIPT ><b>&amp;", date="2020-02", url="https://example.com/?a=<b>&c='d'"),
    "unicode": made("unicode", title="😷 口罩\u3000“引号”\t\\ \"q\" ^_^ 100% {x}", author="Ⅻ 𠀀",
                    date=dt.date(2020, 1, 31), date_basis="推断：星期", reader="wire"),
    "person_like_source": made("person_like_source", title="作者与来源同名", author="新京报", source="新京报",
                               date=dt.date(2020, 5, 6), url="http://example.com/x"),
    "issue_without_articles": made("issue_without_articles", "只有正文，没有标题。", title="某报 第1期", reader="newspaper"),
    "issue_without_source": made("issue_without_source", "## 甲\n\n*记者 张一 张二 张三 张四*\n\n正文。\n\n## 乙\n",
                                 title="无名报", reader="newspaper", issue="第9期"),
}


def box_pages() -> dict[str, PageInfo]:
    return {**all_pages(), **EDGE}


def gbt_entries(html: str) -> list[str]:
    """The text of every GB/T entry in a box, as a browser shows it (without its 正文 link)."""
    import lxml.html

    root = lxml.html.fromstring(html)
    out = []
    for cite in root.iter("cite"):
        entry = cite.getparent()
        parts = [entry.text or ""]
        for child in entry:
            if child.tag != "a":
                parts.append(child.text_content())
            parts.append(child.tail or "")
        out.append("".join(parts))
    return out


def island(html: str) -> dict:
    import lxml.html

    (script,) = lxml.html.fromstring(html).xpath('//script[@type="application/json"]')
    return json.loads(script.text)


def rebuilt(html: str, accessed: str) -> list[dict]:
    """The CSL items cite.js makes from a box (its `records`, in Python): the data island, each
    entry's <cite> as its title and its address span as its URL; the site's name on the archive."""
    import lxml.html

    data = island(html)
    entries = [cite.getparent() for cite in lxml.html.fromstring(html).iter("cite")]
    if "original" in data:
        items = [dict(data["original"]), {**data["original"], "id": data["original"]["id"] + "-archive"}]
        archived = items[1]
    else:
        archived = dict(data["issue"])
        key = archived["id"][: -len("-archive")]
        shared = {k: archived[k] for k in ("container-title", "issue", "issued") if k in archived}
        items = [archived] + [{"id": f"{key}-a{n}", "type": "article-newspaper", **shared, **own}
                              for n, own in enumerate(data["articles"], 1)]
    assert len(entries) == len(items)
    for item, entry in zip(items, entries):
        item["title"] = entry.find("cite").text_content()
        url = entry.find("span[@data-cite-url]")
        if url is not None:
            item["URL"] = url.text_content()
            item["accessed"] = {"date-parts": [[int(p) for p in accessed.split("-")]]}
    archived["source"] = data["site"]
    order = ("id", "type", "title", "author", "container-title", "issue", "page", "issued", "accessed", "URL",
             "source")
    return [{k: item[k] for k in order if k in item} for item in items]


@pytest.mark.parametrize("name", sorted(box_pages()))
@pytest.mark.parametrize("site", [SITE, PUBLISHED], ids=["relative", "published"])
def test_box_shows_exactly_the_gbt_entries(name, site):
    c = citations(box_pages()[name], site)
    assert gbt_entries(render_box(c)) == [gbt(i, c.accessed) for i in c.items]


@pytest.mark.parametrize("name", sorted(box_pages()))
@pytest.mark.parametrize("site", [SITE, PUBLISHED], ids=["relative", "published"])
def test_box_holds_every_record_once(name, site):
    """The data island and the GB/T entries give back every CSL item, and BibTeX's one extra fact."""
    c = citations(box_pages()[name], site)
    html = render_box(c)
    assert rebuilt(html, c.accessed) == [csl_item(i, c.accessed) for i in c.items]
    assert island(html).get("org", False) == bool(c.original and c.original.institution)
    # Nothing is said twice in the island: no title, no address, no access date, no source.
    text = json.dumps(island(html), ensure_ascii=False)
    assert not re.search(r'"(title|URL|accessed|source)"', text)


# What a page may carry (bytes of UTF-8): the archive must fit GitHub Pages' 1 GB at 100,000 pages.
BOX_BUDGET = {"000": 1000, "001": 1000, "002": 1000, "003": 2000, "004": 2000}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("site", [SITE, PUBLISHED], ids=["relative", "published"])
def test_box_size(seed, site):
    assert len(box_html(seed_page(seed), site).encode("utf-8")) <= BOX_BUDGET[seed[:3]]


def test_box_escapes_everything():
    html = box_html(MADE["hostile"], SITE)
    assert "<script>" not in html and "</pre>" not in html
    assert "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert island(html)["original"]["container-title"] == "<b>Src</b> & Co"


@pytest.mark.parametrize("name", sorted(box_pages()))
def test_data_island_cannot_end_its_script(name):
    html = box_html(box_pages()[name], SITE)
    start = html.index('<script type="application/json" class="cite-data">') + len('<script type="application/json" class="cite-data">')
    text = html[start:html.index("</script>", start)]
    assert "<" not in text and ">" not in text and "&" not in text
    assert html.lower().count("</script") == 1 and html.endswith("</script></details>")
    assert json.loads(text) == island(html)


def test_data_island_of_a_web_page():
    assert island(box_html(MADE["web_with_url"], SITE)) == {
        "site": NAME,
        "original": {"id": "archive-2020-web_with_url", "type": "webpage",
                     "author": [{"literal": "王小明"}, {"literal": "李华"}], "container-title": "北京日报客户端",
                     "issued": {"date-parts": [[2020, 3, 27]]}},
    }
    assert island(box_html(seed_page(SEEDS[0]), SITE))["org"] is True


def test_data_island_of_a_newspaper_issue():
    data = island(box_html(MADE["newspaper"], SITE))
    assert data["issue"] == {"id": "archive-2020-newspaper-archive", "type": "webpage", "container-title": "某区报",
                             "issue": "第2期", "issued": {"date-parts": [[2021, 1, 5]]}}
    assert data["articles"][:2] == [
        {"author": [{"literal": "王五"}], "page": "1"},
        {"author": [{"literal": "赵六"}, {"literal": "钱七"}, {"literal": "孙八"}, {"literal": "周九"}], "page": "3"},
    ]
    assert data["articles"][2] == {} and len(data["articles"]) == 6


def test_box_marks_titles_access_dates_and_addresses():
    html = box_html(MADE["web_with_url"], SITE)
    assert html.count("<cite>本市新增3例确诊病例 均为集中隔离人员</cite>") == 2
    assert html.count("[<time>2025-03-01</time>]") == 2
    assert "<span data-cite-url>archive/2020/web_with_url/</span>" in html
    assert "<span data-cite-url>https://example.com/news/2020/0327/a.html?id=1&amp;from=app</span>" in html
    # No address, no access date: the original of a page without a URL.
    html = box_html(MADE["missing_all"], SITE)
    assert html.count("<time>") == html.count("data-cite-url") == 1


def test_box_with_site_url_has_the_absolute_address_once():
    html = box_html(MADE["web_with_url"], PUBLISHED)
    assert html.count("https://example.org/covid-archive/archive/2020/web_with_url/") == 1
    assert ">archive/2020/web_with_url/<" not in html


def test_box_of_a_newspaper_issue_lists_its_articles_with_links():
    html = box_html(MADE["newspaper"], SITE)
    assert html.count("<li>") == 6 and html.count("正文</a></li>") == 6
    assert 'href="#头版新闻-加急_1"' in html and 'href="#a--b--d"' in html and 'href="#custom-id"' in html
    assert "引用本期" in html and "<dt>原文</dt>" not in html and "<dt>本期存档（本站）</dt>" in html


def test_records_cite_js_cannot_rebuild_are_refused():
    from dataclasses import replace

    c = citations(MADE["newspaper"], SITE)
    odd = replace(c, articles=(replace(c.articles[0], container="别的报"), *c.articles[1:]))
    with pytest.raises(ValueError, match="archive-2020-newspaper: article 1 does not share"):
        render_box(odd)
    c = citations(MADE["web_with_url"], SITE)
    with pytest.raises(ValueError, match="archived copy is not the original"):
        render_box(replace(c, archived=replace(c.archived, title="另一个标题")))


def test_escaped_front_matter_is_read_as_text():
    page = made("markup", title=Markup("A &amp; B"), reader="html")
    assert citations(page, SITE).original.title == "A & B"


def test_dates_of_every_form():
    from gen.cite.records import issued

    assert issued(dt.date(2020, 4, 16)) == (2020, 4, 16)
    assert issued(dt.datetime(2020, 4, 16, 8)) == (2020, 4, 16)
    assert issued("2020-04") == (2020, 4)
    assert issued("2020") == (2020,)
    assert issued(2021) == (2021,)
    assert issued("2020-13-01") == ()
    assert issued("四月") == ()
    assert issued(None) == ()


# citeproc-py with the CSL style: our GB/T equals it -------------------------------------------------

def citeproc_gbt(c_items, accessed: str) -> list[str]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    style = CitationStylesStyle(str(STYLE), validate=False)
    source = CiteProcJSON([csl_item(i, accessed) for i in c_items])
    bib = CitationStylesBibliography(style, source, formatter.plain)
    for item in c_items:
        bib.register(Citation([CitationItem(item.key)]))
    return [re.sub(r"^\[\d+\]", "", str(entry)) for entry in bib.bibliography()]


def as_citeproc_py_gives(text: str, item) -> str:
    """Our entry with citeproc-py's two known differences (see test_citeproc_py_quirks):
    - without a URL it drops the [N]/[EB] group: it counts a macro as calling a variable when any of
      its branches names one, where CSL 1.0.2 suppresses a group only when the variables it actually
      calls are empty;
    - it applies the family name-part's text-case="uppercase" to literal names too, which have no
      parts; we print names as written (organisations such as CNN, Chinese names unaffected)."""
    if not item.url:
        marker = f"{item.title}[{'N' if item.kind == 'newspaper' else 'EB'}]"
        text = text.replace(marker, item.title, 1)
    if item.authors:
        names = text.split(". ", 1)[0]
        text = names.upper() + text[len(names):]
    return text


def check_against_citeproc(c_items, accessed: str) -> int:
    ours = [as_citeproc_py_gives(gbt(i, accessed), i) for i in c_items]
    assert ours == citeproc_gbt(c_items, accessed)
    return len(ours)


def test_gbt_equals_citeproc_py_on_seeds_and_made_pages():
    n = 0
    for page in all_pages().values():
        c = citations(page, SITE)
        n += check_against_citeproc(c.items, c.accessed)
    assert n == 35


def test_citeproc_py_quirks():
    """If this fails, citeproc-py changed: drop the matching part of as_citeproc_py_gives."""
    c = citations(seed_page(SEEDS[3]), SITE)
    assert citeproc_gbt(c.articles[:1], c.accessed) == ["石荣平. 持续抓好疫情常态化防控. 石景山报, 2020-04-16."]
    c = citations(made("latin", title="T", author="Jane Doe, CNN", url="https://example.com/"), SITE)
    assert citeproc_gbt((c.original,), c.accessed) == ["JANE DOE, CNN. T[EB/OL]. [2025-03-01]. https://example.com/."]


def corpus_pages(corpus: Path, every: int) -> list[PageInfo]:
    """Corpus-like pages: wire items and broadcast items with the corpus' titles, dates, sources and
    addresses, and newspaper issues whose articles carry its titles; missing parts by row number."""
    pages = []
    for source, date_col, source_col in (("dxy-news", "pubDate", "infoSource"), ("cctv-xwlb", "pubtime", "source")):
        with open(corpus / source / "index.csv", encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        for n, row in enumerate(rows[::every]):
            fields = {"title": row["title"], "date": row[date_col][:10], "source": row[source_col],
                      "url": row.get("sourceUrl") or row.get("url"), "reader": "wire",
                      "date_basis": "推断：星期" if n % 5 == 1 else "清单",
                      "author": ["", "记者 王五", "张一 张二 张三 张四", "本报评论员"][n % 4]}
            if n % 7 == 3:
                fields["url"] = ""
            if n % 11 == 4:
                del fields["date"]
            pages.append(made(f"{source}-{n}", **fields))
            if n % 4 == 0:
                heads = [r["title"] for r in rows[n * every:n * every + 4]]
                bylines = ["*记者甲一 · 2020-02-01*", "", "*通讯员丙一 丁二 · 2020-02-03*", "*本报评论员*"]
                contents = f'!!! abstract "本期导读"\n\n    - {heads[(n // 8) % 2]}（3版）\n\n' if n % 8 == 0 else ""
                body = contents + "\n\n".join(f"## {h}\n\n{bylines[i]}\n\n正文。" for i, h in enumerate(heads))
                pages.append(made(f"{source}-issue-{n}", body, title="某区报", source="某区报", issue="第1期",
                                  date=row[date_col][:10], reader="newspaper"))
    return pages


@pytest.mark.slow
def test_gbt_equals_citeproc_py_on_corpus_like_records(corpus):
    n = 0
    for page in corpus_pages(corpus, every=25):
        c = citations(page, SITE)
        n += check_against_citeproc(c.items, c.accessed)
    assert n > 300


# In a browser ---------------------------------------------------------------------------------------

TODAY = "2031-12-09"  # the access date cite.js is pinned to (<html data-cite-today>)

PAGE = """<!doctype html><html lang="zh"{today}><head><meta charset="utf-8">
<link rel="stylesheet" href="{root}cite.css"></head><body><article class="md-typeset">{box}</article>
<script src="{root}cite.js"></script></body></html>"""

# The box as cite.js left it: GB/T entries (without buttons and links), panel texts, downloads.
READ_BOX = """() => {
  const box = document.querySelector("details.cite")
  const text = el => Array.from(el.childNodes).filter(n => n.nodeName !== "BUTTON" && n.nodeName !== "A")
    .map(n => n.textContent).join("")
  return {
    ready: box.hasAttribute("data-cite-ready"),
    gbt: Array.from(box.querySelectorAll(".cite-gbt cite")).map(c => text(c.parentNode)),
    pre: Array.from(box.querySelectorAll(".cite-panel pre")).map(p => p.textContent),
    labels: Array.from(box.querySelectorAll(".cite-tabs > label")).map(l => l.textContent),
    copies: box.querySelectorAll(".cite-copy").length,
    files: Array.from(box.querySelectorAll(".cite-dl")).map(b => [b.dataset.file, b.dataset.type]),
  }
}"""


def write_page(site: Path, path: str, box: str, today: str | None = TODAY) -> None:
    """A static page at `path` (a site-relative folder) with the box, cite.js and cite.css."""
    folder = site / path
    folder.mkdir(parents=True, exist_ok=True)
    root = "../" * path.rstrip("/").count("/") + "../"
    attr = f' data-cite-today="{today}"' if today else ""
    (folder / "index.html").write_text(PAGE.format(today=attr, root=root, box=box), encoding="utf-8")


@pytest.fixture(scope="module")
def cite_site(tmp_path_factory, shared_browser):
    """Every box page (with and without site_url) served, and a browser: (base URL, browser)."""
    sys.path.insert(0, str(REPO / "tests" / "browser"))
    from harness import serve

    site = tmp_path_factory.mktemp("cite") / "site"
    site.mkdir()
    for src in ("javascripts/cite.js", "stylesheets/cite.css"):
        (site / Path(src).name).write_bytes((REPO / "overrides" / "assets" / src).read_bytes())
    for name, info in box_pages().items():
        write_page(site, info.url, box_html(info, SITE))
        write_page(site, "published/" + info.url, box_html(info, PUBLISHED))
    write_page(site, "today/", box_html(MADE["web_with_url"], SITE), today=None)
    broken = box_html(MADE["web_with_url"], SITE).replace('class="cite-data">{', 'class="cite-data">{oops')
    write_page(site, "broken/", broken)
    with serve(site) as base:
        yield base, shared_browser


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(box_pages()))
def test_cite_js_makes_exactly_the_formats(cite_site, name):
    """cite.js' BibTeX and CSL-JSON are formats.bibtex's and formats.csl_json's, byte for byte, for
    the same records and access date; its GB/T text is formats.gbt's with the page's own address."""
    base, b = cite_site
    info = box_pages()[name]
    page = b.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    for prefix, site in (("", SiteInfo(NAME, base, BUILT)), ("published/", PUBLISHED)):
        # Served without site_url, the archived address is this page's; with it, the site's.
        page.goto(base + prefix + info.url)
        got = page.evaluate(READ_BOX)
        c = citations(info, site)
        assert got["ready"] and got["labels"] == ["GB/T 7714", "BibTeX", "CSL-JSON"]
        assert got["gbt"] == [gbt(i, TODAY) for i in c.items]
        assert got["pre"] == [bibtex(c.items, TODAY), csl_json(c.items, TODAY)]
        assert got["copies"] == len(c.items) + 2
        assert got["files"] == [[f"{c.key}.bib", "application/x-bibtex"],
                                [f"{c.key}.json", "application/vnd.citationstyles.csl+json"]]
    assert errors == []
    page.close()


@pytest.mark.slow
def test_box_without_javascript(cite_site):
    base, b = cite_site
    context = b.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "archive/2020/web_with_url/")
    page.click("details.cite summary")
    # The build's date and the site-relative address; the note says whose date it is; no buttons.
    assert page.locator(".cite-gbt dd").nth(1).inner_text().endswith("(2020-03-27)[2025-03-01]. archive/2020/web_with_url/.")
    note = page.evaluate("() => getComputedStyle(document.querySelector('.cite-gbt'), '::after').content")
    assert "本站生成本页的日期" in note
    assert page.locator("details.cite button").count() == 0 and page.locator(".cite-tabs").count() == 0
    page.goto(base + "archive/2020/newspaper/")
    page.click("details.cite summary")
    assert page.locator(".cite-gbt li").nth(0).inner_text() == "王五. 头版新闻 *加急*[N]. 某区报, 2021-01-05(1).正文"
    assert page.locator(".cite-gbt li a").nth(0).get_attribute("href") == "#头版新闻-加急"
    context.close()


@pytest.mark.slow
def test_box_in_a_browser(cite_site):
    """Tabs, copy and download as a reader uses them; the reader's own date; a broken island."""
    base, b = cite_site
    context = b.new_context(accept_downloads=True)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    url = base + "archive/2020/web_with_url/"
    c = citations(MADE["web_with_url"], SiteInfo(NAME, base, BUILT))
    page.goto(url)
    page.click("details.cite summary")
    assert not page.locator(".cite-panel").nth(1).is_visible()
    assert page.evaluate("() => getComputedStyle(document.querySelector('.cite-gbt'), '::after').content") == "none"
    # Copy the archived copy's GB/T entry.
    copy = page.locator(".cite-gbt dd").nth(1).locator(".cite-copy")
    copy.click()
    page.wait_for_function("b => b.textContent === '已复制'", arg=copy.element_handle())
    assert page.evaluate("() => navigator.clipboard.readText()") == gbt(c.archived, TODAY)
    assert gbt(c.archived, TODAY).endswith(f"[{TODAY}]. {url}.")
    # BibTeX: the tab, its copy button, and a .bib download equal to the text.
    page.click(".cite-tabs > label:nth-of-type(2)")
    assert page.locator(".cite-panel").nth(1).is_visible() and not page.locator(".cite-panel").nth(0).is_visible()
    page.locator(".cite-panel").nth(1).locator(".cite-copy").click()
    page.wait_for_function("() => document.querySelectorAll('.cite-panel')[1].querySelector('.cite-copy').textContent === '已复制'")
    assert page.evaluate("() => navigator.clipboard.readText()") == bibtex(c.items, TODAY)
    with page.expect_download() as info:
        page.locator(".cite-panel").nth(1).locator(".cite-dl").click()
    assert info.value.suggested_filename == "archive-2020-web_with_url.bib"
    assert Path(info.value.path()).read_text(encoding="utf-8") == bibtex(c.items, TODAY)
    # CSL-JSON: a .json download equal to the text, valid against the schema.
    page.click(".cite-tabs > label:nth-of-type(3)")
    with page.expect_download() as info:
        page.locator(".cite-panel").nth(2).locator(".cite-dl").click()
    assert info.value.suggested_filename == "archive-2020-web_with_url.json"
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert text == csl_json(c.items, TODAY)
    # A newspaper issue: each article's copy button, its link to its section left in place.
    page.goto(base + "archive/2020/newspaper/")
    page.click("details.cite summary")
    first = page.locator(".cite-gbt li").nth(0)
    assert page.locator(".cite-gbt li .cite-copy:visible").count() == 6
    first.locator(".cite-copy").click()
    page.wait_for_function("() => document.querySelector('.cite-gbt li .cite-copy').textContent === '已复制'")
    assert page.evaluate("() => navigator.clipboard.readText()") == "王五. 头版新闻 *加急*[N]. 某区报, 2021-01-05(1)."
    assert first.locator("a").get_attribute("href") == "#头版新闻-加急"
    # Without a pinned date, the reader's own local date.
    page.goto(base + "today/")
    local = page.evaluate("() => { const d = new Date(); return [d.getFullYear(), d.getMonth() + 1, d.getDate()] }")
    iso = f"{local[0]}-{local[1]:02d}-{local[2]:02d}"
    assert page.locator(".cite-gbt time").all_text_contents() == [iso, iso]
    assert f"urldate = {{{iso}}}" in page.locator(".cite-panel pre").nth(0).text_content()
    assert errors == []
    # A data island that does not parse: the box stays as the page has it, note and all; nothing thrown.
    page.goto(base + "broken/")
    assert page.locator(".cite-tabs").count() == 0 and page.locator("details.cite button").count() == 0
    assert page.locator(".cite-gbt time").all_text_contents() == ["2025-03-01", "2025-03-01"]
    assert "本站生成本页的日期" in page.evaluate(
        "() => getComputedStyle(document.querySelector('.cite-gbt'), '::after').content")
    assert errors == []
    context.close()


def test_a_jump_note_in_chinese_numerals_also_places_the_article_on_page_one():
    """The newspaper reader keeps a printed "(转第二版)" as "（下转二版）"."""
    from gen.cite.articles import read_articles

    for note in ("下转2版", "下转二版", "下转第二版"):
        body = f"\n## 标题一\n\n*记者张三 · 2020-04-08*\n\n正文。\n\n*（{note}）*\n\n## 标题二\n\n正文二。\n"
        assert [a.page for a in read_articles(body)] == ["1", ""], note
    body = "\n## 标题一\n\n正文。\n\n*（下转三版）*\n"
    assert [a.page for a in read_articles(body)] == [""]
