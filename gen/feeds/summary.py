"""A document's summary for feeds: the first characters of its text as a reader sees it; pure.

The body is Markdown written by gen/render.py (backslash escapes, `&lt;`, headings with `{#id}`,
the newspaper's `!!! abstract` contents) and perhaps edited since. It is rendered with
Python-Markdown and read back as text by the search's extractor, so the summary shows exactly
what the page shows, never a stray `\\*` or `&lt;`.
"""

from __future__ import annotations

import re

from markdown import Markdown

from gen.search.extract import extract_sections

CHARS = 120  # of plain text; more is cut, and an ellipsis follows
# Only the body's first blocks are rendered: this much Markdown holds far more than CHARS of text
# (markup and a byline line cost a few dozen characters), and a 1 MB page costs no more than a short one.
HEAD = 2_000
# The page's own Markdown extensions that change what text shows (mkdocs.yml): admonition titles,
# `{#id}` after headings, tables.
EXTENSIONS = ("admonition", "attr_list", "tables")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
ELLIPSIS = "…"


def markdown_reader() -> Markdown:
    """A Markdown converter with the site's text-bearing extensions (reset between pages)."""
    return Markdown(extensions=list(EXTENSIONS))


def _head(body: str) -> str:
    """The body's first blocks, up to about HEAD characters, cut at a blank line when one is near."""
    if len(body) <= HEAD:
        return body
    cut = max((m.start() for m in _BLANK_LINE.finditer(body, 0, HEAD)), default=-1)
    return body[: cut if cut > HEAD // 4 else HEAD]


def summary_of(body: str, md: Markdown | None = None, chars: int = CHARS) -> str:
    """The first `chars` characters of a page's text, plain, on one line; an ellipsis when cut."""
    md = md or markdown_reader()
    html = md.reset().convert(_head(body))
    parts = []
    for section in extract_sections(html, ""):
        parts += ([section.heading] if section.heading else []) + section.blocks
    text = " ".join(parts)
    return text if len(text) <= chars else text[:chars].rstrip() + ELLIPSIS
