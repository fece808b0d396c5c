"""What a document page is cited as: one frozen record per citable item, read from a PageInfo; pure.

A page gives its original (the document as first published), the archived copy on this site, and
for a newspaper issue one record per `## headline` article instead of an original for the issue.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, replace
from typing import Any

from markupsafe import Markup

from gen.cite.articles import names, read_articles
from gen.render import safe_url
from gen.site.records import PageInfo, SiteInfo

NEWSPAPER = "newspaper"  # an article in a newspaper: GB/T [N], CSL article-newspaper
WEB = "web"  # anything read from a web page, wire or broadcast listing: GB/T [EB], CSL webpage

ARCHIVED = "-archive"  # key suffix of an archived copy; articles get "-a1", "-a2" … by position

# date_basis values that mean the year was inferred, not stated: GB/T 7714-2015 puts an estimated
# year (估计的出版年) in brackets; CSL marks the date `circa` and the style brackets it.
INFERRED_BASIS = "推断"

_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"\s+")
_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


@dataclass(frozen=True)
class Item:
    """One citable thing; every text field is plain text on one line."""

    key: str  # BibTeX key and CSL id, from the page path (and the article's position)
    kind: str  # NEWSPAPER or WEB
    title: str
    authors: tuple[str, ...] = ()  # persons as printed, or one organisation (see `institution`)
    institution: bool = False  # authors is the source standing in for a missing personal author
    container: str = ""  # the newspaper, or the outlet a web item came from
    issued: tuple[int, ...] = ()  # (year,), (year, month) or (year, month, day); () when unknown
    circa: bool = False  # the year was inferred (date_basis 推断…)
    issue: str = ""  # the newspaper's issue as printed: "第30期(总第1907期)"
    page: str = ""  # 版次 where known: "2"
    url: str = ""  # http(s) address, or the site-relative address of an archived copy
    archive: str = ""  # the site's name when this is the archived copy
    anchor: str = ""  # an article's heading id on its page


@dataclass(frozen=True)
class PageCitations:
    """Everything a page's citation box shows."""

    key: str
    original: Item | None  # None for a newspaper issue: its articles are cited one by one
    archived: Item
    articles: tuple[Item, ...]
    accessed: str  # the build's date, ISO: [引用日期] of the static page
    relative: bool  # archived URLs are site-relative (site_url unset): the browser makes them absolute

    @property
    def items(self) -> tuple[Item, ...]:
        """Every record, in the order the BibTeX and CSL-JSON downloads list them."""
        head = (self.original,) if self.original else ()
        return (*head, self.archived, *self.articles)


def cite_key(page: str) -> str:
    """`archive/2020/x_1.md` → `archive-2020-x_1`: ASCII, stable while the page keeps its path."""
    # A path with other characters gets a short hash, so that two such paths never share a key.
    stem = page[:-3] if page.endswith(".md") else page
    plain = stem.replace("/", "-")
    key = _KEY_UNSAFE.sub("-", plain).strip("-.")
    if key != plain or not key:
        key = f"{key}-{hashlib.sha1(page.encode('utf-8')).hexdigest()[:8]}".lstrip("-")
    return key


def text(value: Any) -> str:
    """A front-matter value as one line of plain text ("" for None); lists joined with 、."""
    if value is None:
        return ""
    if isinstance(value, Markup):  # front matter escaped for a template (gen/render.escape_meta)
        value = value.unescape()
    if isinstance(value, (list, tuple)):
        return "、".join(t for t in (text(v) for v in value) if t)
    return _SPACES.sub(" ", _CONTROL.sub(" ", str(value))).strip()


def issued(value: Any) -> tuple[int, ...]:
    """A date, datetime or "YYYY[-MM[-DD]]" string as date parts; () when it is none of these."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return (value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return (value,)
    if isinstance(value, str) and (m := _PARTIAL_DATE.fullmatch(value.strip())):
        parts = tuple(int(g) for g in m.groups() if g)
        year, month, day = (parts + (1, 1))[:3]
        try:
            dt.date(year, month, day)
        except ValueError:
            return ()
        return parts
    return ()


def original_url(value: Any) -> str:
    """The original's address when it is a usable http(s) URL (percent-encoded), else ""."""
    url = safe_url(text(value)) if value else None
    return url if url and url.lower().startswith(("http://", "https://")) else ""


def citations(info: PageInfo, site: SiteInfo) -> PageCitations:
    """The citable records of one document page."""
    fields = info.fields
    key = cite_key(info.page)
    archive_url = site.link(info.url)
    title = text(fields.get("title")) or "[题名不详]"
    source = text(fields.get("source"))
    date = issued(fields.get("date"))
    circa = bool(date) and text(fields.get("date_basis")).startswith(INFERRED_BASIS)
    accessed = site.built.date().isoformat()
    relative = not site.url
    if text(fields.get("reader")) == NEWSPAPER:
        # The issue is cited through its articles; the archived copy is the issue's page.
        issue = text(fields.get("issue"))
        archived = Item(key + ARCHIVED, WEB, title, container=source, issued=date, circa=circa, issue=issue,
                        url=archive_url, archive=site.name)
        articles = tuple(
            Item(f"{key}-a{n}", NEWSPAPER, a.headline, a.authors, container=source, issued=date, circa=circa,
                 issue=issue, page=a.page, anchor=a.anchor)
            for n, a in enumerate(read_articles(info.body), 1)
        )
        return PageCitations(key, None, archived, articles, accessed, relative)
    persons = names(text(fields.get("author")))
    # No personal author: the outlet is the responsible body (新京报. 题名[EB/OL]…), as Chinese
    # references to unsigned news do; with neither, the entry starts with the title.
    by = persons or ((source,) if source else ())
    original = Item(key, WEB, title, by, institution=not persons and bool(source), container=source, issued=date,
                    circa=circa, url=original_url(fields.get("url")))
    archived = replace(original, key=key + ARCHIVED, url=archive_url, archive=site.name)
    return PageCitations(key, original, archived, (), accessed, relative)
