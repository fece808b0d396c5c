"""Reader for a title line followed by an HTML fragment (district sites, CCTV 新闻联播 items):
sanitise with an allow-list, then turn paragraphs, lists, emphasis and safe links into blocks."""

from __future__ import annotations

import html as html_escapes
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import groupby

import lxml.html
import nh3

from gen.clean import WIDE_SPACES, ends_sentence, normalise_newlines, strip_invisible
from gen.model import Article, Block, Reading, Seed, Span
from gen.readers.wire import extract_credits, kept_space, tidy_spaces
from gen.tables import SAFE_SCHEMES, SAFE_URL_STARTS

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
# A link kept: a safe scheme's start, then no white space, quote or angle bracket to the end.
SAFE_HREF = re.compile(rf"^(?:{'|'.join(map(re.escape, SAFE_URL_STARTS.values()))})[^\s\"'<>]+$", re.IGNORECASE)

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
# Real pages nest a few levels; below this depth an element is read as plain text, so a hostile
# document nested thousands deep cannot exhaust the stack.
MAX_DEPTH = 100
# Tags deeper than this are dropped (their text kept) before the sanitiser and the parser see the
# fragment: html5ever (inside nh3) slows down with the square of the nesting, and libxml2 silently
# drops everything below 256 levels.
MAX_NESTING = 200
# Elements that never hold others (no end tag), and elements a parser closes when the next one of
# their kind opens: neither adds a level of nesting.
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
SELF_CLOSING = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rp", "rt"})
# How many characters at the end of a line decide whether it ends a sentence before a <br>.
SENTENCE_TAIL = 16
_NESTING_START = re.compile(
    rf"<(?!(?:{'|'.join(sorted(VOID_TAGS | SELF_CLOSING))})\b)[a-z]", re.IGNORECASE
)
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)

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


def _text_of(el: lxml.html.HtmlElement) -> str:
    return " ".join(el.itertext())


def _read_document(text: str) -> tuple[str, tuple[Block, ...]]:
    """Title (<title>, else the first <h1>) and blocks of a whole page, without an <h1> repeating it."""
    root = _parse(cap_nesting(text))
    if root is None:
        return "", ()
    title_el = root.find(".//title")
    title = clean_title(_text_of(title_el)) if title_el is not None else ""
    h1 = root.find(".//h1")
    if h1 is not None and (not title or clean_title(_text_of(h1)) == title):
        title = title or clean_title(_text_of(h1))
        h1.drop_tree()  # keeps the text after it
    for head in root.findall("head"):
        head.drop_tree()
    body = root.find("body")
    body = root if body is None else body
    inner = html_escapes.escape(body.text or "", quote=False)
    inner += "".join(lxml.html.tostring(child, encoding="unicode") for child in body)
    return title, blocks_from_html(inner)


def _parse(markup: str) -> lxml.html.HtmlElement | None:
    """The document element of markup parsed by libxml2, or None when it holds nothing."""
    if not markup.strip():
        return None
    try:
        return lxml.html.document_fromstring(markup, parser=_PARSER)
    except lxml.etree.ParserError:  # "Document is empty"
        return None


class _NestingCap(HTMLParser):
    """Re-emits HTML as it came, except start and end tags nested deeper than MAX_NESTING."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropped: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in VOID_TAGS:
            self.out.append(self.get_starttag_text() or "")
            return
        if tag in SELF_CLOSING and tag in self.open[-3:]:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]  # the parser closes the previous one
        if len(self.open) >= MAX_NESTING:
            self.dropped[tag] += 1
            return
        self.open.append(tag)
        self.out.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open[-MAX_NESTING:]:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]
        elif self.dropped[tag]:
            self.dropped[tag] -= 1
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")


def cap_nesting(markup: str) -> str:
    """The markup with tags nested deeper than MAX_NESTING dropped (their text kept); comments dropped."""
    if sum(1 for _ in _NESTING_START.finditer(markup)) <= MAX_NESTING:
        return markup  # too few tags that nest to nest that deep
    cap = _NestingCap()
    cap.feed(markup)
    cap.close()
    return "".join(cap.out)


# --- sanitising and parsing -------------------------------------------------------------------


def sanitise(fragment: str) -> str:
    """The fragment with only allow-listed tags, a[href] with http/https/mailto, and CSS display."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(SAFE_SCHEMES),
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
    clean = sanitise(cap_nesting(strip_invisible(fragment)))
    root = _parse(f"<html><body>{clean}</body></html>") if clean.strip() else None
    body = root.find("body") if root is not None else None
    if body is None:
        return ()
    flow = _Flow()
    _walk(_children(body), "", None, flow, 0)
    flow.end_paragraph()
    return tuple(flow.blocks)


def _children(el: lxml.html.HtmlElement) -> Iterator[str | lxml.html.HtmlElement]:
    """What an element holds, in document order: text as strings, elements as themselves."""
    if el.text:
        yield el.text
    for child in el:
        yield child
        if child.tail:
            yield child.tail


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
            ended = ends_sentence(self.tail())
            if self.breaks >= BREAKS_PER_PARAGRAPH or ended:
                self.end_paragraph()
            else:
                self.line.append(Span("\n", style, href))  # a soft break: white space between the lines
            self.breaks = 0
        self.line.append(Span(text, style, href))

    def tail(self) -> str:
        """The last few visible characters of the open line: enough to see a sentence end, in bounded time."""
        pieces: list[str] = []
        seen = 0
        for span in reversed(self.line):
            pieces.append(span.text)
            seen += len(span.text.strip())
            if seen >= SENTENCE_TAIL:
                break
        return "".join(reversed(pieces)).rstrip()[-SENTENCE_TAIL:]

    def add_break(self) -> None:
        self.breaks += 1

    def end_paragraph(self) -> None:
        spans = clean_spans(self.line)
        if spans:
            self.blocks.append(Block("p", (spans,)))
        self.line, self.breaks = [], 0


def _is_block(el: lxml.html.HtmlElement) -> bool:
    return el.tag in PARAGRAPH_TAGS or (el.tag == "span" and bool(BLOCK_DISPLAY.search(el.get("style", ""))))


def _walk(nodes: Iterable[str | lxml.html.HtmlElement], style: str, href: str | None, flow: _Flow, depth: int) -> None:
    """Add nodes to flow: text as spans, paragraph elements as blocks of their own."""
    for child in nodes:
        if isinstance(child, str):
            flow.add_text(child, style, href)
        elif not isinstance(child.tag, str):
            continue  # a comment or processing instruction (the sanitiser drops them already)
        elif depth >= MAX_DEPTH:
            flow.add_text(child.text_content(), style, href)
        elif child.tag == "br":
            flow.add_break()
        elif child.tag in LIST_KINDS:
            flow.end_paragraph()
            if block := _list_block(child, style, href, depth + 1):
                flow.blocks.append(block)
        elif _is_block(child):
            flow.end_paragraph()
            _walk(_children(child), style, href, flow, depth + 1)
            flow.end_paragraph()
        elif child.tag == "a":
            _walk(_children(child), style, safe_href(child.get("href")), flow, depth + 1)
        else:
            inner = STYLES.get(child.tag, "")
            _walk(_children(child), max(style, inner, key=STYLE_RANK.__getitem__), href, flow, depth + 1)


def _list_block(node: lxml.html.HtmlElement, style: str, href: str | None, depth: int) -> Block | None:
    """A ul/ol block, one line per item; nested lists add their items after their parent's."""
    lines: list[tuple[Span, ...]] = []
    for child in _children(node):
        if not isinstance(child, str) and not isinstance(child.tag, str):
            continue
        item = _Flow()
        # stray text or elements between items (invalid, but common) read as items of their own
        is_item = not isinstance(child, str) and child.tag == "li"
        _walk(_children(child) if is_item else (child,), style, href, item, depth + 1)
        item.end_paragraph()
        # the item's own paragraphs make one line; its nested list blocks follow as further items
        own = [b for b in item.blocks if b.kind == "p"]
        if own:
            joined = [span for i, b in enumerate(own) for span in ((Span(" "),) if i else ()) + b.lines[0]]
            lines.append(clean_spans(joined))
        lines.extend(line for b in item.blocks if b.kind != "p" for line in b.lines)
    lines = [line for line in lines if line]
    return Block(LIST_KINDS[node.tag], tuple(lines)) if lines else None


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
