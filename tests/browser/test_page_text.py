"""The 纯文本 download of a document page, made in headless chromium from the page itself
(overrides/assets/javascripts/page-text.js): the seeds' texts as reviewed (golden files), and the
text of Markdown of every kind the site renders, as the page shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import REPO

from tests.test_render import site_markdown

SEED_PAGES = sorted(p.stem for p in (REPO / "docs" / "archive").glob("*.md"))
SCRIPT = REPO / "overrides" / "assets" / "javascripts" / "page-text.js"
# The article of a document page as the lean shell's template frames the rendered Markdown.
FRAME = ('<article class="md-content__inner md-typeset"><nav class="md-tags"><a class="md-tag">标签</a></nav>'
         '<h1>{title}</h1><p class="doc-meta">2020-04-16 · 石景山区</p>\n{body}\n'
         '<p class="doc-provenance">原始文件：<code>seeds/a.txt</code></p>'
         '<p class="doc-downloads" data-text="a.txt">下载：<a href="x">原件</a></p>'
         '<details class="cite quote"><summary>引用本文</summary><dl><dt>原文</dt><dd>甲</dd></dl></details></article>')
TEXT_OF = "(html) => window.archivePageText(new DOMParser().parseFromString(html, 'text/html').querySelector('article'))"


@pytest.mark.parametrize("name", SEED_PAGES)
def test_the_text_download_of_each_seed_page_golden(page, base_url, golden, name):
    page.goto(f"{base_url}archive/{name}/")
    links = page.locator(".doc-downloads a")
    assert links.all_inner_texts() == ["纯文本", "原件"]
    with page.expect_download() as made:
        links.first.click()
    download = made.value
    assert download.suggested_filename == f"{name}.txt"
    golden(f"page-text/{name}.txt", Path(download.path()).read_text(encoding="utf-8"))


# Markdown of every kind the pages hold or an editor may type, and its text as the page shows it.
CASES = [
    ("# 标题 #", "标题"),
    ("#话题#", "话题"),
    ("a **b** *c* _d_ x_y_z \\*e\\* `\\*f*`", "a b c d x_y_z *e* \\*f*"),
    ("[链接](http://x.com) ![图](a.png) <http://a.b/c> <b>粗</b>x<br>y", "链接 图 http://a.b/c 粗x\ny"),
    ("&amp;lt; &lt;script&gt; &notice AT&T", "&lt; <script> &notice AT&T"),
    ("| a | b |\n|---|---|\n| 1 | 2 |\n\nafter", "a\tb\n1\t2\n\nafter"),
    ("> 引用\n> 第二行", "引用\n第二行"),
    ("1. 一\n2. 二\n\n段落\n\n- 项目\n    - 子项目\n* 项目2", "1. 一\n2. 二\n\n段落\n\n项目\n子项目\n项目2"),
    ("3. 从三数起\n4. 四", "1. 从三数起\n2. 四"),  # Python-Markdown numbers every list from 1
    ("1\\. 不是列表\n- 也不是：列表前要空一行", "1. 不是列表\n- 也不是：列表前要空一行"),
    ("    code *x*\n\n    second\n\ntext", "code *x*\n\nsecond\n\ntext"),
    ("标题\n===\n\n正文\n\n---\n\n后文", "标题\n\n正文\n\n后文"),
    ('!!! abstract "本期导读"\n\n    - 第一条（2版）\n    - 第二条', "本期导读\n\n第一条（2版）\n第二条"),
    ("!!! note\n    内容", "Note\n\n内容"),
    ('!!! note ""\n    无标题', "无标题"),
    ("段落\n{: .cls }\n\n## 标题 {#id}", "段落\n\n标题"),
    ("[ref]: http://x\n见[ref]与[other]", "见ref与[other]"),
    ("<!-- 注释 -->文本<script>alert(1)</script><style>p{}</style>", "文本"),
    ("***强调***", "强调"),
    ("*a\n\nb*", "*a\n\nb*"),
    ("全角缩进的段落\n\n\n\n下一段  ", "全角缩进的段落\n\n下一段"),
    ("*通讯员石伟 · 2020\\-02\\-05*\n\n*（下转2版）*", "通讯员石伟 · 2020-02-05\n\n（下转2版）"),
    ("a\\&b x\\<y a\\|b", "a\\&b x\\<y a|b"),  # a backslash stays where the page shows it
    ("行一  \n行二", "行一\n行二"),
    ('<div markdown="1">块里的段落</div>\n\n<p>HTML 段落</p>', "块里的段落\n\nHTML 段落"),
    ("<div>直接的文字<span>与行内</span><p>段落</p>其后</div>", "直接的文字与行内\n\n段落\n\n其后"),
    ("- 项目 ![图](a.png)<br>\n  第二行", "项目 图\n第二行"),
]


@pytest.fixture(scope="module")
def blank(chromium):
    context = chromium.new_context()
    tab = context.new_page()
    tab.set_content("<!doctype html><html><body></body></html>")
    tab.add_script_tag(content=SCRIPT.read_text(encoding="utf-8"))
    yield tab
    context.close()


@pytest.mark.parametrize("source, text", CASES)
def test_the_text_is_what_the_page_shows(blank, source, text):
    body = site_markdown().convert(source)
    assert blank.evaluate(TEXT_OF, FRAME.format(title="标题", body=body)) == f"标题\n\n{text}\n"


def test_a_page_with_its_own_first_heading_and_an_empty_one(blank):
    assert blank.evaluate(TEXT_OF, FRAME.format(title="", body="")) == ""
    assert blank.evaluate(TEXT_OF, FRAME.format(title="只有标题", body="")) == "只有标题\n"
    # A page whose Markdown starts with its own heading has no heading of the template's.
    own = FRAME.replace("<h1>{title}</h1>", "").format(body=site_markdown().convert("# 自己的标题\n\n正文"))
    assert blank.evaluate(TEXT_OF, own) == "自己的标题\n\n正文\n"
