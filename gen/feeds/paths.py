"""Where a listing's feed is published and what it is called; pure.

The one definition the feed writer and the index pages share, so a page never links a feed that
the writer did not make. A feed sits beside the listing it follows, under `feeds/`, named by the
same pinyin slug: `districts/haidianqu.md` → `feeds/districts/haidianqu.xml`; the home page's
feed, of the whole archive, is `feeds/archive.xml`.
"""

from __future__ import annotations

from gen.site.markup import url_of

FOLDER = "feeds"
HOME = "index.md"
ARCHIVE_FEED = f"{FOLDER}/archive.xml"
# Newest documents per feed: a reader that polls daily sees everything new unless more than this
# many documents are added at once, and a feed stays under ~40 KB however large the archive grows.
ENTRIES = 50


def feed_path(listing: str) -> str:
    """The site-relative path of the feed of a listing's first page (docs-relative): `index.md` →
    `feeds/archive.xml`, `tags/hesuanjiance.md` → `feeds/tags/hesuanjiance.xml`."""
    if listing == HOME:
        return ARCHIVE_FEED
    folder, _, name = listing.partition("/")
    if not folder or "/" in name or not name.endswith(".md") or len(name) <= 3 or folder == FOLDER:
        raise ValueError(f"{listing}: not the home page nor the first page of a district, source or tag listing")
    return f"{FOLDER}/{folder}/{name[:-3]}.xml"


def feed_title(name: str | None, site_name: str) -> str:
    """A feed's title: the site's name, after the district, source or tag it follows."""
    return f"{name} · {site_name}" if name else site_name


def href(here: str, path: str, directory_urls: bool = True) -> str:
    """A site-relative path as a link from the HTML of a docs-relative page, for raw HTML, which
    MkDocs does not rewrite: `districts/haidianqu.md` links `feeds/x.xml` as `../../feeds/x.xml`."""
    return "../" * url_of(here, directory_urls).count("/") + path
