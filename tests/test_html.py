"""The title-line + HTML-fragment reader: sanitising, paragraphs, lists, emphasis, links, credits."""

from __future__ import annotations

import html as html_escapes
import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gen.readers import html, pick_reader

from tests.conftest import REPO, seed_of, seed_text

FIXTURES = REPO / "tests" / "fixtures" / "html"
HAN = re.compile(r"[\u4e00-\u9fff]")
INDENTS = ("\u00a0", "\u3000", "&nbsp;")




def fixture(name: str):
    return html.read(seed_of(FIXTURES / name))


def spans(reading):
    return [s for b in reading.articles[0].blocks for line in b.lines for s in line]


def paragraphs(reading) -> list[str]:
    return [b.text for b in reading.articles[0].blocks]


@pytest.fixture(scope="module", params=["001_eec9e63713adc293", "002_2790eb9220dfb574"])
def seed_reading(request):
    return request.param, html.read(seed_of(REPO / "seeds" / f"{request.param}.txt"))


# --- seeds 001 and 002 ----------------------------------------------------------------------


def test_read_seed_kind_and_title(seed_reading):
    stem, reading = seed_reading
    assert reading.kind == "html"
    expected = {"001_eec9e63713adc293": "第103次会议", "002_2790eb9220dfb574": "第九十九次会议"}[stem]
    assert reading.title == f"区新冠肺炎疫情防控工作领导小组召开{expected}"


def test_read_seed_no_style_no_indent_no_empty(seed_reading):
    _, reading = seed_reading
    assert all(s.style == "" and s.href is None for s in spans(reading))
    assert not any(mark in s.text for s in spans(reading) for mark in INDENTS)
    assert all(b.kind == "p" and b.text.strip() for b in reading.articles[0].blocks)
    assert all(b.text == b.text.strip() for b in reading.articles[0].blocks)


def test_read_seed_paragraph_count(seed_reading):
    stem, reading = seed_reading
    paras = paragraphs(reading)
    assert len(paras) == {"001_eec9e63713adc293": 7, "002_2790eb9220dfb574": 6}[stem]
    assert [p[:4] for p in paras[1:3]] == ["会议指出", "会议强调"]
    assert len(set(paras)) == len(paras)  # nested div/span make no duplicates


def test_read_seed_002_author(seed_reading):
    stem, reading = seed_reading
    if stem == "001_eec9e63713adc293":
        assert reading.author is None
        return
    assert reading.author == "唐炜"
    assert not any("唐炜" in p or "记者" in p for p in paragraphs(reading))
    assert paragraphs(reading)[-1].endswith("努力完成全年经济社会发展各项目标任务。")


# --- fixtures -------------------------------------------------------------------------------


def test_read_nested_div_span():
    assert paragraphs(fixture("nested_div_span.html")) == [
        "3月1日，某区疫情防控工作领导小组召开第十次会议。",
        "会议指出，要坚持外防输入、内防反弹。",
    ]


HOSTILE_MARKERS = ("script-body", "img-onerror", "js-href", "iframe-body", "noscript-body", "textarea-body",
                   "svg-script", "comment-body", "object-body", "color: red", "steal", "javascript", "alert")


def test_read_hostile_nothing_leaks():
    reading = fixture("hostile.html")
    for s in spans(reading):
        for marker in HOSTILE_MARKERS:
            assert marker not in s.text.lower()
            assert marker not in (s.href or "").lower()
    assert all(s.href is None for s in spans(reading))
    assert paragraphs(reading) == ["正文第一段。", "正文第二段，危险链接，大小写，数据链接，相对链接。", "正文第三段。"]


def test_sanitise_allow_list():
    cleaned = html.sanitise(
        '<p onclick="x" style="color:red;display:block">a<script>b</script><a href="javascript:c">d</a></p>'
    )
    assert "onclick" not in cleaned and "script" not in cleaned and "javascript" not in cleaned
    assert "color" not in cleaned


@pytest.mark.parametrize(
    ("href", "kept"),
    [("https://a.org/x", True), ("http://a.org", True), ("mailto:a@b.org", True), ("javascript:alert(1)", False),
     ("/relative", False), ("data:text/html,x", False), ("ftp://a.org", False), ("", False), (None, False)],
)
def test_safe_href_cases(href, kept):
    assert (html.safe_href(href) is not None) == kept


def test_read_lists_emphasis_links():
    reading = fixture("lists_emphasis_links.html")
    blocks = reading.articles[0].blocks
    assert [b.kind for b in blocks] == ["p", "ul", "ol", "p"]
    first = [(s.text, s.style) for s in blocks[0].lines[0]]
    assert first == [("请注意", ""), ("以下事项", "strong"), ("，并", ""), ("按时完成", "em"), ("：", ""), ("粗斜", "strong")]
    assert [("".join(s.text for s in line)) for line in blocks[1].lines] == ["第一项 官方链接", "第二项", "嵌套项"]
    assert blocks[1].lines[0][-1].href == "https://example.org/a"
    assert [("".join(s.text for s in line)) for line in blocks[2].lines] == ["步骤一", "步骤二 写信"]
    assert blocks[2].lines[1][-1].href == "mailto:office@example.org"
    assert [(s.text, s.href) for s in blocks[3].lines[0]] == [("详见", None), ("通知", "http://example.org/b"), ("。", None)]


def test_read_br_paragraphs():
    assert paragraphs(fixture("br_paragraphs.html")) == ["第一段结束。", "第二段开头，接着写完。", "第三段由一个换行隔开。"]


def test_read_br_after_any_sentence_end_ends_paragraph():
    # the sentence ends of clean.ends_sentence, ASCII ";" and a closing 》 included
    assert [b.text for b in html.blocks_from_html("<p>第一条;<br>第二条</p>")] == ["第一条;", "第二条"]
    assert [b.text for b in html.blocks_from_html("<p>见《通知。》<br>第二条</p>")] == ["见《通知。》", "第二条"]
    assert [b.text for b in html.blocks_from_html("<p>第一条，<br>接着写</p>")] == ["第一条，接着写"]


def test_read_entity_encoded_invisible_characters_dropped():
    # entities are decoded after hygiene.scrub(): a right-to-left override must still not reach the page
    assert [b.text for b in html.blocks_from_html("<p>甲&#8238;乙&shy;丙&#8203;丁&lrm;</p>")] == ["甲乙丙丁"]


def test_read_reporter_credit_ascii():
    reading = fixture("reporter_credit_ascii.html")
    assert reading.author == "张三、李四"
    assert paragraphs(reading)[-1] == "会议要求各单位加强值守。"


def test_read_credit_alone_paragraph_dropped():
    reading = fixture("credit_alone.html")
    assert reading.author == "王五"
    assert paragraphs(reading) == ["某区今天召开会议，部署疫情防控工作。"]


def test_read_legit_parentheses_kept():
    reading = fixture("legit_parentheses.html")
    assert reading.author is None
    assert paragraphs(reading)[0].endswith("（其中重症2例）。")


@pytest.mark.parametrize(("name", "title"), [("video_title_crlf.html", "国家卫生健康委通报最新疫情"),
                                            ("video_title_brackets.html", "某区举行发布会")])
def test_clean_title_drops_video_tag(name, title):
    assert fixture(name).title == title


def test_read_video_title_crlf_paragraphs():
    assert paragraphs(fixture("video_title_crlf.html")) == [
        "央视网消息（新闻联播）：国家卫生健康委今天通报，新增确诊病例5例。",
        "截至今天24时，现有确诊病例40例。",
    ]


def test_read_whole_document():
    reading = fixture("whole_document.html")
    assert reading.title == "某区发布复工指引"
    assert paragraphs(reading) == ["某区今天发布复工复产指引。"]
    assert "head-script" not in reading.text


def test_clean_spans_merges_same_style():
    from gen.model import Span

    merged = html.clean_spans([Span("\u3000\u3000甲", "strong"), Span("乙", "strong"), Span("\n丙 ", ""), Span("\u200b")])
    assert merged == (Span("甲乙", "strong"), Span("丙", ""))
    # a plain space between Chinese phrases separates them ("全美超550万用户停电 多地轮流限电")
    assert html.clean_spans([Span("停电 "), Span("限电", "em")]) == (Span("停电 "), Span("限电", "em"))


# --- sniffing -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_looks_like_html_fixtures(name):
    text = seed_of(FIXTURES / name).text
    assert html.looks_like(text)
    assert pick_reader(text) is html


@pytest.mark.parametrize("stem", ["001_eec9e63713adc293", "002_2790eb9220dfb574"])
def test_looks_like_html_seeds(stem):
    assert pick_reader(seed_of(REPO / "seeds" / f"{stem}.txt").text) is html


@pytest.mark.parametrize(
    "text",
    [
        (REPO / "seeds" / "000_73acca2f4bde7c0a.txt").read_text(encoding="utf-8"),
        "标题\n正文没有任何标签。",
        "<p>第一行就是标签</p>\n<p>正文</p>",
        "只有一行",
        "",
    ],
)
def test_looks_like_rejects_non_html(text):
    assert not html.looks_like(text)


# --- properties -----------------------------------------------------------------------------

HAN_SAMPLE = "区委书常卫主持召开会议防控疫情新增病例确诊出院社区核酸检测要加强宣传引导张三李四北京朝阳"
TEXT = st.text(st.sampled_from(list(HAN_SAMPLE) + list("，。（）() \t\n\u3000\u00a0\u200b<>&\"'ab1")), max_size=40)
INLINE_TAGS = ("span", "strong", "b", "em", "i", "a", "font", "u")
BLOCK_TAGS = ("p", "div", "h2", "blockquote", "ul", "ol", "li", "section")


def _element(tag: str, children: list[tuple[str, str]], block: bool) -> tuple[str, str]:
    attributes = (' href="https://a.org/"' if tag == "a" else "") + (' style="display:block"' if block else "")
    markup = "".join(c[0] for c in children)
    return f"<{tag}{attributes}>{markup}</{tag}>", "".join(c[1] for c in children)


def _node(children):
    """An element around children, as (html, expected Han text)."""
    return st.builds(_element, st.sampled_from(INLINE_TAGS + BLOCK_TAGS), st.lists(children, max_size=4), st.booleans())


LEAF = st.one_of(
    TEXT.map(lambda s: (html_escapes.escape(s), s)),
    st.just(("<br>", "")),
    st.just(("&nbsp;", "")),
    TEXT.map(lambda s: (f"<script>{html_escapes.escape(s)}</script>", "")),
    TEXT.map(lambda s: (f"<style>{html_escapes.escape(s)}</style>", "")),
)
FRAGMENT = st.lists(st.recursive(LEAF, _node, max_leaves=20), max_size=5)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(list(HAN_SAMPLE) + list("，。 ")), min_size=1, max_size=20).filter(str.strip), FRAGMENT)
def test_read_never_loses_chinese(title, fragment):
    markup = "".join(f[0] for f in fragment)
    expected = title + "".join(f[1] for f in fragment)
    reading = html.read(seed_text(f"{title}\n{markup}"))
    out = (reading.title or "") + reading.articles[0].text + (reading.author or "") + (reading.editor or "")
    assert Counter(HAN.findall(out)) == Counter(HAN.findall(expected))
    assert all(b.text.strip() for b in reading.articles[0].blocks)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_read_never_crashes(text):
    reading = html.read(seed_text(text))
    assert reading.kind == "html"
    assert all(s.href is None or html.safe_href(s.href) for s in
               (s for b in reading.articles[0].blocks for line in b.lines for s in line))


@pytest.mark.parametrize("tag", ["div", "ul", "strong"])
def test_read_deep_nesting_reads_text(tag):
    depth = 3000
    reading = html.read(seed_text("标题\n" + f"<{tag}><span>" * depth + "正文。" + f"</span></{tag}>" * depth))
    assert reading.articles[0].text == "正文。"
