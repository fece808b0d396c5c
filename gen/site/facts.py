"""What the archive's pages and outputs take from MkDocs' configuration: the site's facts, a
page's address, the top navigation entry it belongs to."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from gen.site.records import SiteInfo


def address(url: str | None) -> str:
    """A page's site-relative address, "" for the home page (MkDocs says "./")."""
    return "" if url in (None, "./", ".") else url


def site_info(config, root: Path) -> SiteInfo:
    """The site's facts for its outputs; the build's time is SOURCE_DATE_EPOCH when set (the
    Makefile sets the last commit's), so one commit builds the same files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    try:
        built = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now(dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        built = dt.datetime.now(dt.timezone.utc)
    url = config.get("site_url") or ""
    if url and not url.endswith("/"):
        url += "/"
    return SiteInfo(config["site_name"], url, built.replace(microsecond=0), str(root), config.get("site_description") or "")


def tab_of(url: str, tabs: tuple[tuple[str, str], ...]) -> str | None:
    """The top navigation entry a page belongs to: its own, or the longest whose address its
    own begins with; None for a document."""
    best = None
    for _, tab in tabs:
        if url == tab:
            return tab
        if tab and url.startswith(tab) and len(tab) > len(best or ""):
            best = tab
    return best
