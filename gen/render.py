"""Markdown for document pages; pure. Every piece of seed text is escaped so it shows as written."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote as urlquote
from urllib.parse import urlsplit

from markupsafe import escape as html_escape

from gen import frontmatter
from gen.model import Article, Block, Document, Span
from gen.tables import SAFE_SCHEMES

# The characters a backslash escapes as the site reads Markdown: Python-Markdown's own and the
# tables extension's `|` (mkdocs.yml enables it). A backslash before any other character stays on
# the page. One table for this writer and the reader of its Markdown (gen/cite/articles.py);
# tests/test_render.py checks it against Python-Markdown with mkdocs.yml's
# extensions.
BACKSLASH_ESCAPES = "\\`*_{}[]()#+-.!>|"
# Characters that start inline markup anywhere in a line (escaped wherever they are).
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]{}|#])")
# Entity-looking text (`&amp;`, `&#60;`) would be decoded by the browser; `&` alone is harmless.
_ENTITY = re.compile(r"&(?=#?\w+;)")
# Line starts that make a block: quotes, lists, rules, admonitions, ordered lists. (`#` is
# escaped everywhere above.) Only characters Python-Markdown can backslash-escape are listed.
_LINE_START = re.compile(r"^(\s*)([>+\-!]|\d+(?=[.)]))")


# Line breaks inside one piece of text: in Markdown a second line could turn the first into a
# heading ("===", "---" below it) or open a block; as text they would show as a space anyway.
_LINE_BREAK = re.compile(r"[\r\n]+")


def escape(text: str) -> str:
    """Plain text → Markdown that renders as exactly that text (one line; line breaks become spaces)."""
    text = _LINE_BREAK.sub(" ", text)
    text = _ENTITY.sub("&amp;", text)
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = text.replace("<", "&lt;")
    return _LINE_START.sub(_escape_line_start, text)


def _escape_line_start(m: re.Match) -> str:
    lead, mark = m.group(1), m.group(2)
    if mark.isdigit():
        # "1. text" would start an ordered list; escape the dot or paren after the number.
        return lead + mark + "\\"
    return lead + "\\" + mark


# Front-matter values that MkDocs and Material print into HTML without escaping them: the title
# (in <title>, the header, navigation, tabs, footer and tag listings), the description and author
# (<meta> attributes), a navigation subtitle and status, and the tags.
HTML_META_KEYS = ("title", "description", "author", "subtitle", "status")
TAGS_KEY = "tags"


def escape_meta(meta: dict[str, Any], keys: tuple[str, ...] = HTML_META_KEYS) -> dict[str, Any]:
    """The string values of `keys` as escaped HTML (Markup: Jinja's `| e` leaves them as they are); idempotent."""
    out = {}
    for key in keys:
        value = meta.get(key)
        if isinstance(value, str):
            out[key] = html_escape(value)
        elif key == TAGS_KEY and isinstance(value, list):
            out[key] = [html_escape(v) if isinstance(v, str) else v for v in value]
    return out


def safe_url(url: str) -> str | None:
    """The URL if its scheme is http, https or mailto, percent-encoded for Markdown; else None."""
    url = url.strip()
    if re.search(r"[\x00-\x1f\x7f]", url):
        return None
    scheme = urlsplit(url).scheme.lower()
    if scheme not in SAFE_SCHEMES:
        return None
    return urlquote(url, safe=":/?#@!$&'*+,;=%~-._")


def render_span(span: Span) -> str:
    """One inline run as Markdown."""
    text = escape(span.text)
    if not text.strip():
        return text
    if span.style == "strong":
        text = f"**{text}**"
    elif span.style == "em":
        text = f"*{text}*"
    if span.href and (url := safe_url(span.href)):
        text = f"[{text}]({url})"
    return text


def render_line(line: tuple[Span, ...]) -> str:
    """A line of spans as one Markdown line."""
    return "".join(render_span(s) for s in line).strip()


def render_block(block: Block) -> str:
    """A paragraph or list as Markdown."""
    if block.kind == "p":
        return render_line(block.lines[0])
    items = [render_line(line) for line in block.lines]
    if block.kind == "ol":
        return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))
    return "\n".join(f"- {item}" for item in items)


def render_article(article: Article, date_note: str | None) -> str:
    """An article: `##` headline (if any), byline line, paragraphs, jump note."""
    parts = []
    if article.heading:
        parts.append(f"## {escape(article.heading)}")
    credit = " · ".join(escape(x) for x in (article.byline, date_note) if x)
    if credit:
        parts.append(f"*{credit}*")
    parts.extend(render_block(b) for b in article.blocks if b.text.strip())
    if article.continued:
        parts.append(f"*（下转{escape(article.continued)}）*")
    return "\n\n".join(parts)


def render_contents(doc: Document) -> str:
    """The 导读 block of a newspaper issue as a small list."""
    items = doc.reading.contents
    if not items:
        return ""
    lines = ['!!! abstract "本期导读"', ""]
    for item in items:
        where = f"（{escape(item.page)}）" if item.page else ""
        lines.append(f"    - {escape(item.title)}{where}")
    return "\n".join(lines)


def front_matter(doc: Document) -> dict[str, Any]:
    """The front matter of a document page, keys as in frontmatter.FIELDS."""
    return {
        "title": doc.title,
        "title_basis": doc.title_basis,
        "date": doc.date,
        "date_basis": doc.date_basis,
        "district": doc.district,
        "district_basis": doc.district_basis,
        "source": doc.source,
        "issue": doc.issue,
        "url": doc.url,
        "author": doc.reading.author,
        "editor": doc.reading.editor,
        "tags": list(doc.tags),
        "seed": doc.seed.path,
        "seed_sha256": doc.seed.sha256,
        "encoding": doc.seed.encoding,
        "encoding_confidence": None if doc.seed.encoding_confidence is None else f"{doc.seed.encoding_confidence:.2f}",
        "reader": doc.reading.kind,
    }


def render_related(page: str, related: tuple[tuple[str, str], ...]) -> str:
    """Links to near-identical documents (the same story reposted elsewhere)."""
    if not related:
        return ""
    here = posixpath.dirname(page)
    lines = ['!!! info "相同或相近的文档"', ""]
    for other, title in related:
        lines.append(f"    - [{escape(title)}]({posixpath.relpath(other, here)})")
    return "\n".join(lines)


@dataclass(frozen=True)
class PageParts:
    """A page as far as it depends on its own seed alone; the seeds that copy it or nearly do
    are only known once every seed is read."""

    page: str
    front: dict[str, Any]  # front matter but duplicate_seeds (assemble adds it)
    body: str  # contents and articles, without the related section


def page_parts(doc: Document, article_dates: tuple[str | None, ...]) -> PageParts:
    """The parts of a document's page. `article_dates` are ISO dates per article."""
    body = [render_contents(doc)]
    for article, date_note in zip(doc.reading.articles, article_dates, strict=True):
        body.append(render_article(article, date_note))
    return PageParts(doc.page, front_matter(doc), "\n\n".join(part for part in body if part))


def assemble(parts: PageParts, duplicate_seeds: tuple[str, ...] = (), related: tuple[tuple[str, str], ...] = ()) -> str:
    """The whole page: front matter (naming byte-identical copies), the body, then links to
    near-identical documents."""
    front = {**parts.front, "duplicate_seeds": list(duplicate_seeds) or None}
    text = "\n\n".join(part for part in (parts.body, render_related(parts.page, related)) if part)
    return frontmatter.dump(front) + "\n" + text + "\n"


def render_page(doc: Document, article_dates: tuple[str | None, ...]) -> str:
    """The whole page of a document that no other seed copies or nearly copies."""
    return assemble(page_parts(doc, article_dates))
