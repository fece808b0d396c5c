"""The sitemap of every page, the archive's included (MkDocs' own lists only the pages it renders).

A sitemap holds at most 50,000 addresses (sitemaps.org); beyond that `sitemap.xml` becomes a
sitemap index naming `sitemap-1.xml`, `sitemap-2.xml` … Without `site_url` there is no sitemap
(its addresses must be absolute), as with MkDocs.
"""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Sequence
from xml.sax.saxutils import escape

LIMIT = 50_000
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def _urlset(site_url: str, urls: Sequence[str], lastmod: str) -> bytes:
    rows = "".join(f"<url><loc>{escape(site_url + u)}</loc><lastmod>{lastmod}</lastmod></url>\n" for u in urls)
    return f"{_HEAD}<urlset {_NS}>\n{rows}</urlset>\n".encode("utf-8")


def sitemaps(site_url: str, urls: Sequence[str], built: dt.date) -> dict[str, bytes]:
    """The sitemap files (site-relative path -> bytes) for the site's page addresses."""
    if not site_url:
        return {}
    if not site_url.endswith("/"):
        site_url += "/"
    lastmod = built.isoformat()
    urls = sorted(set(urls))
    if len(urls) <= LIMIT:
        files = {"sitemap.xml": _urlset(site_url, urls, lastmod)}
    else:
        files = {}
        parts = []
        for n, start in enumerate(range(0, len(urls), LIMIT), start=1):
            name = f"sitemap-{n}.xml"
            files[name] = _urlset(site_url, urls[start:start + LIMIT], lastmod)
            parts.append(f"<sitemap><loc>{escape(site_url + name)}</loc><lastmod>{lastmod}</lastmod></sitemap>\n")
        files["sitemap.xml"] = f"{_HEAD}<sitemapindex {_NS}>\n{''.join(parts)}</sitemapindex>\n".encode("utf-8")
    files["sitemap.xml.gz"] = gzip.compress(files["sitemap.xml"], mtime=0)
    return files
