"""The site's outputs made from every document page after the pages are in place: the data
exports and the feeds (gen/export, gen/feeds), written in the background while search finishes."""

from __future__ import annotations

import logging
import os
import posixpath
import threading
from pathlib import Path

from gen import fs
from gen.config import CACHE_DIR, cache_name
from gen.export.addresses import FILES_DIR
from gen.export.record import NAME as RECORD
from gen.export.record import Record
from gen.export.write import write_exports
from gen.feeds.write import write_feeds
from gen.search import FOLDER as SEARCH_FOLDER
from gen.site.publish import info_of
from gen.site.records import SiteInfo
from gen.site.size import folder_bytes

log = logging.getLogger("mkdocs.plugins.gen")

EMPTY_SITEMAP = b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n'


class Outputs(threading.Thread):
    """write_outputs in the background, keeping what went wrong for the build to report. With
    `weigh`, it then sums the bytes of site/ but for its search index (gen/site/size.py), while
    search is still writing that: files/ as the exports' record has them (200,000 files at
    100,000 documents: 2-3 s of stat calls spared), the rest from the file system."""

    def __init__(self, site_dir: Path, documents, site: SiteInfo, files: bool, weigh: bool = False,
                 serving: bool = False, swept: threading.Event | None = None):
        super().__init__(daemon=True, name="archive-outputs")
        self.args_ = (site_dir, documents, site, files, serving)
        self.weigh = weigh
        self.swept = swept  # set once the build has removed what site/ no longer holds (weighed after)
        self.documents = len(documents)
        self.error: BaseException | None = None
        self.site_bytes: dict[str, int] | None = None  # by top-level entry of site/

    def run(self) -> None:
        try:
            files_bytes = write_outputs(*self.args_)
            if self.weigh:
                if self.swept is not None:
                    self.swept.wait()
                sizes = folder_bytes(self.args_[0], frozenset({SEARCH_FOLDER, FILES_DIR}))
                self.site_bytes = {**sizes, FILES_DIR: files_bytes} if files_bytes else sizes
        except BaseException as exc:  # reported by the build when it waits for this thread
            self.error = exc


def write_outputs(site_dir: Path, documents, site: SiteInfo, files: bool = True, serving: bool = False) -> int:
    """The site's outputs made from every document page: its feeds and its data exports; the
    bytes of the documents' files (files/). `serving`: the site is `mkdocs serve`'s (its own
    record of the files made, gen/export/record.py)."""
    infos = [info_of(src, stored) for src, stored in documents]
    kept = Path(site.root) / CACHE_DIR / cache_name(RECORD, serving) if site.root else None
    record = Record(kept, os.path.realpath(site_dir))
    exported = write_exports(site_dir, infos, site, files, record)
    for problem in exported.problems:
        # The generator's report covers seeds; a page whose original cannot be published (its
        # seed deleted or changed since) has no 原件 link and is named here, without failing --strict.
        log.info(str(problem))
    feeds = write_feeds(site_dir, infos, site)
    # Material's script reads every <link rel="alternate"> as a page in another language and
    # fetches sitemap.xml beside it: an empty one in each feed folder spares readers a 404.
    for folder in sorted({posixpath.dirname(f) for f in feeds}):
        fs.write_bytes_atomic(site_dir / folder / "sitemap.xml", EMPTY_SITEMAP)
    return record.size()
