"""One archive page → its HTML in the lean shell; pure, given the shell and the converter."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from gen import frontmatter
from gen.render import safe_url
from gen.site.markup import Converter, relative
from gen.site.records import PageInfo
from gen.site.shell import Shell

TEMPLATE = Path(__file__).parent / "templates" / "page.html"
NO_DATE = "日期不详"


@lru_cache(maxsize=1)
def template() -> jinja2.Template:
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)
    return env.from_string(TEMPLATE.read_text(encoding="utf-8"))


def template_digest() -> str:
    return hashlib.sha256(TEMPLATE.read_bytes()).hexdigest()[:16]


@dataclass(frozen=True)
class Source:
    """A page to render: where it is, its text, and what the site knows about it."""

    src_uri: str  # docs-relative
    url: str  # site-relative address
    text: str | None  # None: read from `path` when the page must be rendered
    editable: bool  # an editor's file (an edit button), not one the plugin made
    tab: str | None  # the address of the top navigation entry it belongs to (None: none)
    path: str | None = None  # the file, when `text` is not given
    digest: str = ""  # of the text; "" to take it from `text`

    def read(self) -> str:
        """The page's text (MkDocs reads pages the same way: UTF-8, a byte-order mark dropped)."""
        if self.text is not None:
            return self.text
        with open(self.path, encoding="utf-8-sig") as f:  # type: ignore[arg-type]
            return f.read()


@dataclass(frozen=True)
class Rendered:
    """A rendered page and what the rest of the build needs of it."""

    src_uri: str
    html: str
    title: str
    content: str  # the body's HTML, as search indexes it
    fields: dict[str, Any]  # front matter, typed (dates as datetime.date)
    body: str
    links: tuple[tuple[str, bool], ...]
    problems: tuple[str, ...]


def split_page(text: str, src_uri: str) -> tuple[dict[str, Any], str]:
    """(typed front matter, body); a page whose front matter does not parse renders its body with none
    (the plugin reports the problem with file, line and field)."""
    found = frontmatter.load_fields(text)
    if found is None:
        try:
            _, body, _ = frontmatter.split(text)
        except ValueError:
            body = text
        return {}, body
    meta, body = found
    try:
        return frontmatter.typed(meta), body
    except (ValueError, TypeError):
        return meta, body


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip()


def meta_line(fields: Mapping[str, Any]) -> str:
    """Date · district · source · issue of a document (its front matter as it stands)."""
    parts = [_text(fields.get("date")) or NO_DATE]
    parts += [_text(fields.get(k)) for k in ("district", "source", "issue") if _text(fields.get(k))]
    return " · ".join(parts)


def provenance(fields: Mapping[str, Any]) -> Markup:
    """The seed file, the original's address, the author and editor of a document."""
    out = Markup("原始文件：<code>{}</code>").format(_text(fields.get("seed")))
    url = safe_url(_text(fields.get("url"))) if fields.get("url") else None
    if url and url.startswith(("http://", "https://")):
        out += Markup(' · <a href="{}" rel="nofollow noopener">原文链接</a>').format(url)
    if _text(fields.get("author")):
        out += Markup(" · 记者：{}").format(_text(fields.get("author")))
    if _text(fields.get("editor")):
        out += Markup(" · 责任编辑：{}").format(_text(fields.get("editor")))
    return out


class TagUrls(dict):
    """Tag -> the site-relative address of its page; a tag without a page links to the tags index."""

    def __init__(self, urls: Mapping[str, str], fallback: str | None = None):
        super().__init__(urls)
        self.fallback = fallback

    def get(self, key, default=None):
        return super().get(key, self.fallback if default is None else default)


def tag_chips(fields: Mapping[str, Any], tag_urls: Mapping[str, str], here: str) -> list[tuple[str, str]]:
    tags = fields.get("tags")
    if not isinstance(tags, list):
        return []
    out = []
    for tag in tags:
        name = _text(tag)
        url = tag_urls.get(name)
        if name and url is not None:
            out.append((name, relative(url, here)))
    return out


def render(src: Source, shell: Shell, converter: Converter, tag_urls: Mapping[str, str],
           extras: tuple[Callable[[PageInfo], str], ...] = ()) -> Rendered:
    """The page's HTML in the shell."""
    fields, body = split_page(src.read(), src.src_uri)
    converted = converter.convert(src.src_uri, src.url, body)
    content = converted.html
    h1 = next((name for level, _, name in converted.toc if level == 1), None)
    title = _text(fields.get("title")) or (Markup(h1).striptags() if h1 else "") or shell.site_name
    document = bool(fields.get("seed"))
    info = PageInfo(src.src_uri, src.url, fields, body)
    back = relative("", src.url).rstrip("/") or "."
    page = {
        "home": src.url == "",
        "title": title,
        "canonical": shell.site_url + src.url if shell.site_url else "",
        "feed": _text(fields.get("feed")),
        "feed_title": _text(fields.get("feed_title")) or title,
        "tab": src.tab,
        "toc": [(lvl, anchor, Markup(name).striptags()) for lvl, anchor, name in converted.toc if lvl > 1],
        "tags": tag_chips(fields, tag_urls, src.url),
        "edit_url": shell.edit_base + src.src_uri if shell.edit_base and src.editable else "",
        "has_h1": "<h1" in content,
        "meta_line": meta_line(fields) if document else "",
        "content": Markup(content),
        "provenance": provenance(fields) if document else "",
        "extra": Markup("".join(f(info) for f in extras)) if document else "",
    }
    html = template().render(shell=shell, page=page, b=back)
    return Rendered(src.src_uri, html, str(title), content, fields, body, converted.links, converted.problems)
