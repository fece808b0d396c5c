import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gen.model import Block, Span
from gen.render import BACKSLASH_ESCAPES, escape, render_block, safe_url

MD = markdown.Markdown(extensions=["tables", "attr_list", "admonition"])


def site_markdown() -> markdown.Markdown:
    """Python-Markdown with the extensions mkdocs.yml enables, as the site renders pages."""
    from pathlib import Path

    import yaml
    from mkdocs.utils.yaml import get_yaml_loader

    config = yaml.load((Path(__file__).parents[1] / "mkdocs.yml").read_text(encoding="utf-8"), Loader=get_yaml_loader())
    names, configs = [], {}
    for entry in config["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, None)
        if not name.startswith("gen."):  # the build guard needs a site build around it
            names.append(name)
            configs[name] = options or {}
    return markdown.Markdown(extensions=names, extension_configs=configs)


def test_backslash_escapes_are_what_the_sites_markdown_reads():
    """The one table of backslash escapes (read back by the citations) is
    Python-Markdown's with the extensions mkdocs.yml enables."""
    site_md = site_markdown()
    assert len(BACKSLASH_ESCAPES) == len(set(BACKSLASH_ESCAPES))
    assert set(BACKSLASH_ESCAPES) == set(site_md.ESCAPED_CHARS)


def _html(text: str) -> str:
    MD.reset()
    return MD.convert(text)


@pytest.mark.parametrize(
    "text",
    ["# 标题", "---", "- 列表", "+ 列表", "> 引用", "1. 第一", "2) 第二", "**粗**", "_斜_", "`代码`", "[x](javascript:alert(1))",
     "<b>粗</b>", "<!-- more -->", "a | b", "&amp; &#60;", "!!! note", "{#id}", "\\转义", "5*3*2"],
)
def test_escape_renders_as_the_same_characters(text):
    html = _html(escape(text))
    assert html.startswith("<p>") and html.endswith("</p>")
    inner = html[3:-4]
    import html as h

    assert h.unescape(inner) == text


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).map(str.strip).filter(bool))
def test_escape_never_produces_markup(text):
    html = _html(escape(text))
    assert "<a" not in html and "<strong" not in html and "<em" not in html and "<code" not in html and "<h" not in html


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "vbscript:x", "java\tscript:x", " javascript:x", "file:///etc/passwd"])
def test_safe_url_refuses_unsafe_schemes(url):
    assert safe_url(url) is None


def test_safe_url_keeps_http_and_encodes_parens():
    assert safe_url("https://example.org/a (b)") == "https://example.org/a%20%28b%29"


def test_render_block_lists_and_links():
    block = Block("ul", ((Span("一"), Span("粗", "strong")), (Span("链接", href="https://example.org"),), (Span("坏", href="javascript:x"),)))
    assert render_block(block) == "- 一**粗**\n- [链接](https://example.org)\n- 坏"
