"""Exports for researchers: the archive's metadata as CSV, JSON Lines and a Data Package, and
each document's original file, written into the built site (its plain text is a download the
reader's browser makes from the page: overrides/assets/javascripts/page-text.js).

    write_exports(site_dir, pages, site) -> Exported     at the end of a site build
    downloads(info) -> Downloads                          a document page's two downloads
    download_links_html(base="") -> str                   the home page's 下载数据 links

Layout in the site (see addresses.py for the names and their Content-Types):

    data/archive.csv  data/archive.jsonl  data/datapackage.json
    files/<page path without .md>/original<.ext>.bin
"""

from gen.export.addresses import Downloads, download_links_html, downloads, href
from gen.export.rows import LIST_SEPARATOR, unguard
from gen.export.write import Exported, write_exports

__all__ = ["Downloads", "Exported", "LIST_SEPARATOR", "download_links_html", "downloads", "href", "unguard", "write_exports"]
