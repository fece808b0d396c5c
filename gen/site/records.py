"""The records the published site is made from: one per document page, and the site's own facts.

Citations, exports, feeds and charts are made from these; they never read docs/ themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote


@dataclass(frozen=True)
class PageInfo:
    """A document page as it stands in docs/ (after editors)."""

    page: str  # docs-relative path of the Markdown page: "archive/2020/x.md"
    url: str  # site-relative address of its HTML: "archive/2020/x/"
    fields: Mapping[str, Any]  # its front matter as YAML parsed it (date: datetime.date, tags: list[str] …)
    # The Markdown after the front matter, as the editor left it; or a function that reads it, so
    # that a build can hold 100,000 pages' records without their texts.
    markdown: str | Callable[[], str]

    @property
    def body(self) -> str:
        """The Markdown after the front matter."""
        return self.markdown() if callable(self.markdown) else self.markdown


@dataclass(frozen=True)
class SiteInfo:
    """What every output needs to know about the site."""

    name: str  # site_name
    url: str  # site_url with a trailing slash, or "" when not set (links are then site-relative)
    built: dt.datetime  # the build's time, UTC: SOURCE_DATE_EPOCH when set, so a commit builds the same site
    root: str = ""  # the project folder (mkdocs.yml's); `seed:` paths in front matter are relative to it
    description: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def absolute(self, url: str) -> str:
        """A site-relative address made absolute when the site's address is known."""
        return self.url + url if self.url else url

    def link(self, url: str) -> str:
        """A page's site-relative address as citations, exports and feeds give it: percent-encoded
        (page paths may hold Chinese and spaces), absolute when the site's address is known."""
        return self.absolute(encoded(url))


# What a page's address keeps as it is when encoded (RFC 3986's reserved and unreserved characters).
URL_SAFE = ":/?#@!$&'()*+,;=%~-._"


def encoded(url: str) -> str:
    """A site-relative address percent-encoded."""
    return quote(url, safe=URL_SAFE)
