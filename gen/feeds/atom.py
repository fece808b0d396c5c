"""Atom 1.0 documents (RFC 4287) from feed records; pure.

lxml writes them, so every title, summary and name is escaped as XML requires, and the same
records always give the same bytes: nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from lxml import etree

from gen.charts.timeline import FIRST
from gen.clean import strip_invisible

ATOM = "http://www.w3.org/2005/Atom"
LANGUAGE = "zh-CN"
# A document's date is a day in Beijing; Atom wants a date-time, so midnight there.
TIMEZONE = "+08:00"
# `updated` of a feed with no dated entry yet: Atom requires one, and the build's time would make
# every build's bytes differ. The start of the archive's period (the W3C validator calls dates
# before 1990 implausible, so not the Unix epoch).
NO_DATE = f"{FIRST}-01T00:00:00{TIMEZONE}"
# What XML 1.0 cannot hold besides the control characters strip_invisible drops: lone surrogates
# and the two non-characters (lxml refuses them).
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Entry:
    """One document in a feed."""

    id: str  # permanent: never the title, never the build time
    title: str  # plain text
    link: str  # the document's page (absolute, or relative to the feed)
    date: dt.date  # the document's date: its `published` and `updated`
    summary: str  # plain text
    categories: tuple[str, ...] = ()  # district, source, tags
    authors: tuple[str, ...] = ()  # the document's own author, when its front matter names one


@dataclass(frozen=True)
class Feed:
    """One feed: the archive's, or a district's, source's or tag's."""

    id: str
    title: str
    subtitle: str
    link: str  # the listing page it follows (rel="alternate")
    self_link: str  # its own absolute address; "" when the site's address is not known
    author: str  # the site's name: the feed's author, for entries that name none
    entries: tuple[Entry, ...]  # newest first


def timestamp(day: dt.date) -> str:
    """An RFC 3339 date-time for a document's date: midnight in Beijing."""
    return f"{day.isoformat()}T00:00:00{TIMEZONE}"


def xml_text(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold (control characters, lone surrogates)."""
    return _NOT_XML.sub("", strip_invisible(text))


def _add(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def render_atom(feed: Feed) -> bytes:
    """The feed as an Atom document, UTF-8, entries in the order given."""
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    root.set("{http://www.w3.org/XML/1998/namespace}lang", LANGUAGE)
    _add(root, "id", feed.id)
    _add(root, "title", feed.title, type="text")
    if feed.subtitle:
        _add(root, "subtitle", feed.subtitle, type="text")
    _add(root, "updated", timestamp(max(e.date for e in feed.entries)) if feed.entries else NO_DATE)
    _add(root, "link", rel="alternate", type="text/html", href=feed.link)
    if feed.self_link:
        _add(root, "link", rel="self", type="application/atom+xml", href=feed.self_link)
    _add(_add(root, "author"), "name", feed.author)
    for e in feed.entries:
        entry = _add(root, "entry")
        _add(entry, "id", e.id)
        _add(entry, "title", e.title, type="text")
        _add(entry, "link", rel="alternate", type="text/html", href=e.link)
        _add(entry, "published", timestamp(e.date))
        _add(entry, "updated", timestamp(e.date))
        for name in e.authors:
            _add(_add(entry, "author"), "name", name)
        for term in e.categories:
            _add(entry, "category", term=term)
        if e.summary:
            _add(entry, "summary", e.summary, type="text")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
