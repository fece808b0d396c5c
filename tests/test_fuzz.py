"""Property-based runs over arbitrary input (hypothesis): decoding never fails but with DecodeError,
the readers never crash, sanitised HTML renders to allow-listed markup only, front matter round-trips,
and a single 5 MB line is read in bounded time."""

from __future__ import annotations

import time

import lxml.html
import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gen import frontmatter
from gen.decode import DecodeError, decode_bytes
from gen.document import article_dates, make_document
from gen.model import Seed
from gen.readers import html, pick_reader
from gen.render import render_block, render_page
from gen.tables import load_tables

MD = markdown.Markdown(extensions=["tables", "attr_list", "admonition", "toc"])
# What rendered seed text may become: paragraphs, lists, headings, emphasis, safe links.
ALLOWED_ELEMENTS = {"html", "body", "div", "p", "ul", "ol", "li", "h2", "strong", "em", "a", "br"}
SAFE_HREF = ("http://", "https://", "mailto:")
ADMONITION_CLASSES = {"admonition abstract", "admonition-title"}

TAGS = ["p", "div", "span", "br", "b", "i", "a", "ul", "ol", "li", "h1", "script", "style", "iframe", "svg", "img",
        "form", "math", "table", "td", "noscript", "template", "object", "SCRIPT", "ScRiPt", "textarea", "title"]
ATTRS = ['href="javascript:alert(1)"', "href=' java\tscript:alert(1)'", 'href="https://example.org/x?a=1&b=2"',
         'onerror="alert(1)"', "onload=alert(1)", 'style="display:block;background:url(javascript:x)"', "src=x",
         'href="&#106;avascript:alert(1)"', 'href="mailto:a@b.c"', "xlink:href=javascript:alert(1)", 'href="data:text/html,x"']
TEXTS = ["中文", "alert(1)", "<", ">", "&", "&lt;script&gt;", "[x](javascript:alert(1))", "# ", "---", "|", "`", "*", "_",
         "{: onclick=x}", "<!--", "-->", "\n", "\u3000", "\u200b", " ", "。", "1. ", "> ", "!!! note"]


@st.composite
def html_soup(draw) -> str:
    """HTML-like text: tags (open, close, self-closing) with hostile attributes between bits of text."""
    parts = []
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.integers(0, 3))
        tag = draw(st.sampled_from(TAGS))
        if kind == 0:
            attrs = " ".join(draw(st.lists(st.sampled_from(ATTRS), max_size=3)))
            parts.append(f"<{tag} {attrs}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        else:
            parts.append(draw(st.sampled_from(TEXTS) | st.text(max_size=8)))
    return "".join(parts)


def _html(md_text: str) -> lxml.html.HtmlElement:
    MD.reset()
    return lxml.html.document_fromstring(f"<html><body><div>{MD.convert(md_text)}</div></body></html>")


def assert_only_allowed_markup(md_text: str) -> None:
    root = _html(md_text)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        assert el.tag in ALLOWED_ELEMENTS, (el.tag, md_text)
        for name, value in el.attrib.items():
            allowed = (
                (el.tag == "a" and name == "href" and value.startswith(SAFE_HREF))
                or (el.tag == "h2" and name == "id")
                or (el.tag in ("div", "p") and name == "class" and value in ADMONITION_CLASSES)  # the 导读 box
            )
            assert allowed, (el.tag, name, value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_soup())
def test_sanitised_html_renders_only_allow_listed_markup(fragment):
    for block in html.blocks_from_html(fragment):
        assert_only_allowed_markup(render_block(block))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_decode_only_ever_raises_decode_error(data):
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        assert str(exc)
        return
    assert "\x00" not in decoded.text and "\r" not in decoded.text and decoded.text.strip()


def _document(text: str):
    seed = Seed(path="seeds/fuzz.txt", stem="fuzz", sha256="0" * 64, encoding="utf-8", text=text)
    reading = pick_reader(text).read(seed)
    doc = make_document(seed, reading, None, load_tables())
    return render_page(doc, article_dates(doc))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), html_soup().map(lambda h: "标题\n" + h),
                 st.lists(st.sampled_from(TEXTS + ["石景山报", "2020年4月16日 星期四", "第30期", "●石荣平", "本报讯（记者 张三）"]), max_size=30).map("\n".join)))
def test_readers_never_crash_and_pages_stay_inert(text):
    try:
        text = decode_bytes(text.encode()).text
    except DecodeError:
        return
    page = _document(text)
    parsed = frontmatter.parse(page)
    assert parsed.meta["title"]
    assert_only_allowed_markup(parsed.body)


FIELDS_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1).filter(str.strip)


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries(
    {"title": FIELDS_TEXT, "source": FIELDS_TEXT, "seed": FIELDS_TEXT},
    optional={"tags": st.lists(FIELDS_TEXT, max_size=4), "district": FIELDS_TEXT, "encoding_confidence": st.sampled_from(["0.06", "1.00"])},
))
def test_front_matter_round_trips_arbitrary_unicode(meta):
    assert frontmatter.parse(frontmatter.dump(meta)).meta == meta


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "新京报讯 " + "中文" * 2_500_000,  # one 5 MB line of wire text without a full stop
        "Word. A" * 700_000,  # English sentences on one line
        "标题\n<p>" + "中文，<br>" * 600_000 + "</p>",  # one paragraph of soft breaks
        "标题\n" + "<div>" * 200_000 + "深" + "</div>" * 200_000,  # absurd nesting
    ],
    ids=["wire", "english", "html-breaks", "html-nesting"],
)
def test_a_5mb_line_is_read_in_bounded_time(text):
    start = time.perf_counter()
    seed = Seed(path="seeds/big.txt", stem="big", sha256="0" * 64, encoding="utf-8", text=decode_bytes(text.encode()).text)
    reading = pick_reader(seed.text).read(seed)
    assert reading.articles[0].blocks
    assert time.perf_counter() - start < 60
