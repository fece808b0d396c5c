"""Split a page's rendered HTML into what the reader sees: sections at `<h2>`, each a list of blocks.

A block is the text of one block-level element (paragraph, list item, heading, table cell …), with
inline markup dropped, entities decoded and whitespace collapsed. Permalink anchors (`¶`), scripts,
styles and elements marked `data-search-exclude` are left out. Linear in the size of the HTML.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

_TAG = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
_ID = re.compile(r"""\bid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_SPACE = re.compile(r"\s+")
BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd details dialog div dl dt fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot th "
    "thead tr ul".split()
)
SKIP_TAGS = frozenset("script style template noscript svg".split())
VOID_TAGS = frozenset("area base br col embed hr img input link meta source track wbr".split())


@dataclass
class Section:
    """One search unit: the page's intro (anchor "") or one `<h2>` section."""

    anchor: str
    heading: str
    blocks: list[str] = field(default_factory=list)


def _skips(tag: str, attrs: str) -> bool:
    if tag in SKIP_TAGS or "data-search-exclude" in attrs:
        return True
    return tag == "a" and "headerlink" in attrs


def extract_sections(content: str, title: str) -> list[Section]:
    """Sections of rendered page content; the first one is headed by the page title."""
    sections = [Section("", title)]
    text: list[str] = []
    skip: list[str] = []  # stack of open tags whose content is skipped
    heading: list[str] | None = None  # text of the <h2> being read
    anchor = ""

    def flush() -> None:
        block = _SPACE.sub(" ", html.unescape("".join(text))).strip()
        text.clear()
        if block:
            sections[-1].blocks.append(block)

    pos = 0
    for m in _TAG.finditer(content):
        if not skip:
            (heading if heading is not None else text).append(content[pos : m.start()])
        pos = m.end()
        closing, tag, attrs = m.group(1), (m.group(2) or "").lower(), m.group(3) or ""
        if not tag:
            continue  # a comment
        if skip:
            if tag == skip[-1] and tag not in VOID_TAGS:
                if closing:
                    skip.pop()
                elif not attrs.rstrip().endswith("/"):
                    skip.append(tag)
            continue
        if not closing and _skips(tag, attrs):
            if tag not in VOID_TAGS and not attrs.rstrip().endswith("/"):
                skip.append(tag)
            continue
        if tag == "h2":
            if not closing:
                flush()
                heading = []
                ident = _ID.search(attrs)
                anchor = next((g for g in ident.groups() if g is not None), "") if ident else ""
            elif heading is not None:
                name = _SPACE.sub(" ", html.unescape("".join(heading))).strip()
                sections.append(Section(anchor, name))
                heading = None
            continue
        if tag in BLOCK_TAGS and heading is None:
            flush()
    if not skip:
        (heading if heading is not None else text).append(content[pos:])
    if heading is not None:  # an unclosed <h2>: keep its text as a block
        text.extend(heading)
    flush()
    return sections
