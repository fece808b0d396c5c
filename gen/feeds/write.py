"""Writing the feeds into the built site: the only part of gen/feeds that touches the disk."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gen.feeds.atom import render_atom
from gen.feeds.collect import feeds_of
from gen.fs import write_bytes_atomic
from gen.site.records import PageInfo, SiteInfo


def write_feeds(site_dir: Path, pages: Sequence[PageInfo], site: SiteInfo) -> list[str]:
    """Write every feed under site_dir (after MkDocs has built it); their site-relative paths, sorted.
    A file already holding the same bytes is left as it is."""
    written = []
    for path, feed in sorted(feeds_of(pages, site).items()):
        data = render_atom(feed)
        target = site_dir / path
        if not (target.is_file() and target.read_bytes() == data):
            write_bytes_atomic(target, data)
        written.append(path)
    return written
