"""Which documents each feed holds, and their entries; pure.

A feed per listing that has an index page of its own: the whole archive (followed from the home
page) and each district, source and tag. Each holds the newest ENTRIES dated documents, newest
first (equal dates by page path, descending, so the order never changes between builds).

Documents without a date are left out: an Atom entry must say when it was updated, and any time
we made up for it (the build's) would change at every build and put old documents on top. The
feed's subtitle says so, and the index pages count the undated documents.

Ids are `urn:uuid:` names (RFC 4122, version 5) of the page's path (entries) or the feed's path,
whether or not the site's address is known: RFC 4287 (4.2.6) says an id must not change when a
feed is moved or republished, so setting or changing `site_url` must not make every entry new.
An entry's id changes only when its page moves (a new path is a new page to a feed reader).

Links are absolute when the site's address is known, else relative to the feed (Atom resolves
them against the feed's own address); the rel="self" link is written only when it can be
absolute, as the W3C feed validator asks.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from markupsafe import Markup

from gen.feeds.atom import Entry, Feed
from gen.feeds.paths import ENTRIES, HOME, feed_path, feed_title
from gen.feeds.summary import markdown_reader, summary_of
from gen.frontmatter import date_of
from gen.indexes import KINDS, group, pages_of
from gen.model import Meta
from gen.site.markup import url_of
from gen.site.records import PageInfo, SiteInfo, encoded
from gen.slug import slug

# Fixed for good: the ids of every feed and entry are made from it and the page's path.
ID_NAMESPACE = uuid.UUID("9a7c7168-d84c-4bce-bf49-90af7edba6f4")
SUBTITLE = f"最新 {ENTRIES} 篇有日期的文档，按日期从新到旧排列；日期不详的文档不在其中。"
# Characters an address may hold as they are; everything else (a space, a bracket) is
# percent-encoded, and escapes already there are kept.


def entry_id(page: str) -> str:
    """A document's permanent id: from its docs-relative page path."""
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, 'page:' + page)}"


def feed_id(path: str) -> str:
    """A feed's permanent id: from its site-relative path."""
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, 'feed:' + path)}"


def _plain(value: object) -> str:
    # Front matter the theme has been given is escaped HTML (render.escape_meta): read it back as text.
    return value.unescape() if isinstance(value, Markup) else str(value)


def meta_of(page: PageInfo) -> Meta | None:
    """The index record of a document page (None for pages that are not documents): the facts
    the index pages group by (indexes.meta_from_front_matter), read from front matter that may
    have been escaped for the theme already."""
    f = page.fields
    if "seed" not in f or not f.get("title"):
        return None
    names = [_plain(t) for t in (f.get("tags") or ()) if t is not None and t != ""]
    return Meta(page=page.page, title=_plain(f["title"]), date=date_of(f.get("date")),
                district=_plain(f["district"]) if f.get("district") else None,
                source=_plain(f["source"]) if f.get("source") else None, tags=tuple(names))


def _link(url: str, feed: str, site: SiteInfo) -> str:
    """A site-relative address as a feed links it: absolute, or relative to the feed."""
    return site.link(url) if site.url else "../" * feed.count("/") + encoded(url)


def feeds_of(pages: Sequence[PageInfo], site: SiteInfo, slug_of: Callable[[str], str] = slug) -> dict[str, Feed]:
    """Every feed, by site-relative path: the archive's and each district's, source's and tag's."""
    by_page = {p.page: p for p in pages}
    metas = [m for p in pages if (m := meta_of(p)) is not None]
    # Newest first once; grouping keeps the order, so no listing sorts again.
    dated = sorted((m for m in metas if m.date), key=lambda m: (m.date, m.page), reverse=True)
    # MkDocs' use_directory_urls, as the pages' own addresses show it (the default when there are none).
    directory_urls = not any(p.url.endswith(".html") for p in pages[:1])
    md = markdown_reader()
    summaries: dict[str, str] = {}  # by page: a document is in several feeds, its summary made once

    def entry(m: Meta, path: str) -> Entry:
        info = by_page[m.page]
        if m.page not in summaries:
            summaries[m.page] = summary_of(info.body, md)
        author = info.fields.get("author")
        categories = tuple(dict.fromkeys(n for n in (m.district, m.source, *m.tags) if n))
        return Entry(entry_id(m.page), m.title, _link(info.url, path, site), m.date, summaries[m.page], categories,
                     (_plain(author),) if author else ())

    def feed(listing: str, name: str | None, members: list[Meta]) -> tuple[str, Feed]:
        path = feed_path(listing)
        return path, Feed(feed_id(path), feed_title(name, site.name), SUBTITLE, _link(url_of(listing, directory_urls), path, site),
                          site.absolute(path) if site.url else "", site.name,
                          tuple(entry(m, path) for m in members[:ENTRIES]))

    out = dict([feed(HOME, None, dated)])
    for kind in KINDS:
        # Named by every document, dated or not: the slugs must be the index pages' own.
        listings = pages_of(group(metas, kind), kind, slug_of)
        newest = group(dated, kind)
        out.update(feed(listing, name, newest.get(name, [])) for name, listing in listings.items())
    return out
