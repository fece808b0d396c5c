"""Reader for a title line followed by an HTML fragment (district sites, CCTV 新闻联播 items):
sanitise with an allow-list, then turn paragraphs, lists, emphasis and safe links into blocks."""

from __future__ import annotations

import html as html_escapes
import re
from collections.abc import Iterable
from itertools import groupby
from dataclasses import dataclass, field

import nh3
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, PageElement, ProcessingInstruction

from gen.clean import WIDE_SPACES, normalise_newlines, strip_invisible
from gen.model import Article, Block, Reading, Seed, Span
from gen.readers.wire import extract_credits, kept_space, tidy_spaces

# --- sanitising -------------------------------------------------------------------------------

ALLOWED_TAGS = frozenset({
    "p", "div", "span", "br", "ul", "ol", "li", "strong", "b", "em", "i", "a",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
})
# Tags whose content is code, a form control or an embedded document: dropped with what they hold.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "frame", "frameset", "noframes", "noscript", "object", "embed", "applet", "template",
     "textarea", "select", "option", "title", "head", "svg", "math", "xmp", "noembed", "canvas", "audio", "video"}
)
# Only a[href] survives, plus the CSS display of block containers (so <span style="display:block">
# still reads as a paragraph; every other property is filtered out by nh3).
ALLOWED_ATTRIBUTES = {"a": {"href"}, "span": {"style"}, "div": {"style"}, "p": {"style"}}
ALLOWED_STYLE_PROPERTIES = frozenset({"display"})
URL_SCHEMES = frozenset({"http", "https", "mailto"})
SAFE_HREF = re.compile(r"^(?:https?://[^\s\"'<>]+|mailto:[^\s\"'<>]+)$", re.IGNORECASE)

# --- structure --------------------------------------------------------------------------------

# Elements that make a paragraph of their own; lists become list blocks.
PARAGRAPH_TAGS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})
LIST_KINDS = {"ul": "ul", "ol": "ol"}
# Inline styles; nested, the stronger wins (bold italic text reads as strong).
STYLES = {"strong": "strong", "b": "strong", "em": "em", "i": "em"}
STYLE_RANK = {"": 0, "em": 1, "strong": 2}
BLOCK_DISPLAY = re.compile(r"display\s*:\s*(?:block|flex|list-item|table)", re.IGNORECASE)
# Two <br> in a row end a paragraph; one does when the text before it ends a sentence.
BREAKS_PER_PARAGRAPH = 2
SENTENCE_END_BEFORE_BREAK = re.compile(r"[。！？!?；…][”’」』）)\"']*\s*$")
# Real pages nest a few levels; below this depth an element is read as plain text, so a hostile
# document nested thousands deep cannot exhaust the stack.
MAX_DEPTH = 100
# Nodes that hold no body text even after sanitising.
SKIPPED_NODES = (Comment, Declaration, Doctype, ProcessingInstruction)

# --- sniffing and title -----------------------------------------------------------------------

ANY_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?\s*>")
BLOCK_HTML_START = re.compile(
    r"^\s*<\s*(?:p|div|span|br|ul|ol|li|h[1-6]|blockquote|table|section|article|strong|b|font|center)\b", re.IGNORECASE
)
BLOCK_HTML_INSIDE = re.compile(r"<\s*/\s*(?:p|div|li|h[1-6])\s*>|<\s*br\s*/?\s*>", re.IGNORECASE)
WHOLE_DOCUMENT = re.compile(r"^\s*(?:<!doctype\s+html|<html\b)", re.IGNORECASE)
# Programme tags at the start of a title: "[视频]国家卫生健康委通报最新疫情", "【视频】…".
TITLE_TAGS = re.compile(r"^\s*[\[【]\s*(?:视频|组图|图文|音频)\s*[\]】]\s*")

_WHITE = re.compile(f"[ \t\n\r\f\v{WIDE_SPACES}]+")


def looks_like(text: str) -> bool:
    """True for a title line without tags followed by block HTML, or a whole HTML document."""
    text = strip_invisible(normalise_newlines(text))
    if WHOLE_DOCUMENT.match(text):
        return True
    first, _, rest = text.strip().partition("\n")
    if not first.strip() or ANY_TAG.search(first):
        return False
    return bool(BLOCK_HTML_START.match(rest) or BLOCK_HTML_INSIDE.search(rest))


def read(seed: Seed) -> Reading:
    """Read a title line plus an HTML fragment (or a whole HTML page) into one article."""
    text = strip_invisible(normalise_newlines(seed.text))
    if WHOLE_DOCUMENT.match(text):
        title, blocks = _read_document(text)
    else:
        first, _, fragment = text.strip().partition("\n")
        title, blocks = clean_title(first), blocks_from_html(fragment)
    blocks, editor, author = strip_credits(blocks)
    warnings = () if blocks else ("no body text",)
    return Reading(kind="html", title=title or None, articles=(Article(blocks=blocks),), editor=editor,
                   author=author, warnings=warnings)


def clean_title(line: str) -> str:
    """The title line as plain text: entities decoded, padding gone, a [视频]-style tag dropped."""
    return TITLE_TAGS.sub("", tidy_spaces(html_escapes.unescape(line)))


def _read_document(text: str) -> tuple[str, tuple[Block, ...]]:
    """Title (<title>, else the first <h1>) and blocks of a whole page, without an <h1> repeating it."""
    soup = BeautifulSoup(text, "lxml")
    title = clean_title(soup.title.get_text(" ")) if soup.title else ""
    h1 = soup.find("h1")
    if h1 is not None and (not title or clean_title(h1.get_text(" ")) == title):
        title = title or clean_title(h1.get_text(" "))
        h1.decompose()
    body = soup.body if soup.body is not None else soup
    return title, blocks_from_html(body.decode_contents())


# --- sanitising and parsing -------------------------------------------------------------------


def sanitise(fragment: str) -> str:
    """The fragment with only allow-listed tags, a[href] with http/https/mailto, and CSS display."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        filter_style_properties=set(ALLOWED_STYLE_PROPERTIES),
        link_rel=None,
        strip_comments=True,
    )


def safe_href(href: str | None) -> str | None:
    """The link target when it is an absolute http, https or mailto URL; otherwise None."""
    href = (href or "").strip()
    return href if SAFE_HREF.match(href) else None


def blocks_from_html(fragment: str) -> tuple[Block, ...]:
    """Blocks of a sanitised HTML fragment: paragraphs, lists, emphasis and safe links."""
    soup = BeautifulSoup(f"<body>{sanitise(fragment)}</body>", "lxml")
    flow = _Flow()
    _walk((soup.body or soup).children, "", None, flow, 0)
    flow.end_paragraph()
    return tuple(flow.blocks)


@dataclass
class _Flow:
    """Blocks being built while walking the tree, and the inline line not yet closed."""

    blocks: list[Block] = field(default_factory=list)
    line: list[Span] = field(default_factory=list)
    breaks: int = 0

    def add_text(self, text: str, style: str, href: str | None) -> None:
        if not text:
            return
        if self.breaks and _WHITE.sub("", text):
            ended = SENTENCE_END_BEFORE_BREAK.search("".join(s.text for s in self.line))
            if self.breaks >= BREAKS_PER_PARAGRAPH or ended:
                self.end_paragraph()
            else:
                self.line.append(Span("\n", style, href))  # a soft break: white space between the lines
            self.breaks = 0
        self.line.append(Span(text, style, href))

    def add_break(self) -> None:
        self.breaks += 1

    def end_paragraph(self) -> None:
        spans = clean_spans(self.line)
        if spans:
            self.blocks.append(Block("p", (spans,)))
        self.line, self.breaks = [], 0


def _is_block(tag: Tag) -> bool:
    return tag.name in PARAGRAPH_TAGS or (tag.name == "span" and bool(BLOCK_DISPLAY.search(tag.get("style", ""))))


def _walk(nodes: Iterable[PageElement], style: str, href: str | None, flow: _Flow, depth: int) -> None:
    """Add nodes to flow: text as spans, paragraph elements as blocks of their own."""
    for child in nodes:
        if isinstance(child, SKIPPED_NODES):
            continue
        if isinstance(child, NavigableString):
            flow.add_text(str(child), style, href)
        elif not isinstance(child, Tag):
            continue
        elif depth >= MAX_DEPTH:
            flow.add_text(child.get_text(), style, href)
        elif child.name == "br":
            flow.add_break()
        elif child.name in LIST_KINDS:
            flow.end_paragraph()
            if block := _list_block(child, style, href, depth + 1):
                flow.blocks.append(block)
        elif _is_block(child):
            flow.end_paragraph()
            _walk(child.children, style, href, flow, depth + 1)
            flow.end_paragraph()
        elif child.name == "a":
            _walk(child.children, style, safe_href(child.get("href")), flow, depth + 1)
        else:
            inner = STYLES.get(child.name, "")
            _walk(child.children, max(style, inner, key=STYLE_RANK.__getitem__), href, flow, depth + 1)


def _list_block(node: Tag, style: str, href: str | None, depth: int) -> Block | None:
    """A ul/ol block, one line per item; nested lists add their items after their parent's."""
    lines: list[tuple[Span, ...]] = []
    for child in node.children:
        if isinstance(child, SKIPPED_NODES):
            continue
        item = _Flow()
        # stray text or elements between items (invalid, but common) read as items of their own
        is_item = isinstance(child, Tag) and child.name == "li"
        _walk(child.children if is_item else (child,), style, href, item, depth + 1)
        item.end_paragraph()
        # the item's own paragraphs make one line; its nested list blocks follow as further items
        own = [b for b in item.blocks if b.kind == "p"]
        if own:
            joined = [span for i, b in enumerate(own) for span in ((Span(" "),) if i else ()) + b.lines[0]]
            lines.append(clean_spans(joined))
        lines.extend(line for b in item.blocks if b.kind != "p" for line in b.lines)
    lines = [line for line in lines if line]
    return Block(LIST_KINDS[node.name], tuple(lines)) if lines else None


# --- inline text ------------------------------------------------------------------------------


def clean_spans(spans: list[Span] | tuple[Span, ...]) -> tuple[Span, ...]:
    """A line of spans without invisible characters and padding, same-style neighbours merged."""
    if len(spans) == 1:  # the common case: one plain run, cleaned as a whole (same rules, far faster)
        text = tidy_spaces(spans[0].text)
        return (Span(text, spans[0].style, spans[0].href),) if text else ()
    # work on characters, each remembering its span, so cleaning never shifts a style or a link
    chars = [(ch, s.style, s.href) for s in spans for ch in strip_invisible(s.text)]
    text = "".join(ch for ch, _, _ in chars)
    out = [ch for ch, _, _ in chars]
    for m in _WHITE.finditer(text):
        a, b = m.span()
        out[a : b] = [kept_space(m.group(), text[a - 1 : a], text[b : b + 1]), *[""] * (b - a - 1)]
    kept = [(ch, style, href) for ch, (_, style, href) in zip(out, chars) if ch]
    runs = groupby(kept, key=lambda c: (c[1], c[2]))
    return tuple(Span("".join(c[0] for c in run), style, href) for (style, href), run in runs)


def _trim_end(line: tuple[Span, ...], keep: int) -> tuple[Span, ...]:
    """The first `keep` characters of a line of spans."""
    out: list[Span] = []
    for s in line:
        if keep <= 0:
            break
        out.append(Span(s.text[:keep], s.style, s.href))
        keep -= len(s.text)
    return clean_spans(out)


def strip_credits(blocks: tuple[Block, ...]) -> tuple[tuple[Block, ...], str | None, str | None]:
    """Blocks without the credits closing the last paragraph, the editor and the author."""
    if not blocks or blocks[-1].kind != "p":
        return blocks, None, None
    last = blocks[-1]
    text = last.text
    rest, editor, author = extract_credits(text)
    if len(rest) == len(text):
        return blocks, None, None
    line = _trim_end(last.lines[0], len(rest))
    kept = (Block("p", (line,)),) if line else ()
    return blocks[:-1] + kept, editor, author
