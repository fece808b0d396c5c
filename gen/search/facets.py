"""Facets: what search results can be filtered and sorted by, read from each page's front matter.

A page's district, source, date and tags (the front matter keys of the same names, as MkDocs hands
them to the plugin in `page.meta`) go into one small table, `f.z`, which the worker loads when it
starts: it filters a result set, counts the results behind every value and sorts by date without
fetching a single page record.

Values that normalise alike (`Reuters`, `REUTERS`; traditional and simplified spellings) are one
value, shown with its most frequent spelling, so the count on a filter is the number of results
that filtering by it gives.

`f.z` (zlib), all numbers unsigned varints:

- the page count n;
- three vocabularies, districts, sources, tags: a count, then each name as its UTF-8 length and bytes;
- the district column and the source column: n numbers each, 0 = none, else vocabulary index + 1;
- the date column: n zigzag-coded differences between consecutive values, where a value is the
  day counted from EPOCH plus one, and 0 = no date;
- per tag, in vocabulary order: the number of pages, then their page ids (the first as is, then
  the gaps).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from gen.frontmatter import date_of
from gen.search.encode import put_varint
from gen.search.text import normalise

# Day 0 of the date column; the archive starts in 2019, so a day fits in two varint bytes.
EPOCH = dt.date(2000, 1, 1)
FIELDS = ("district", "source", "tags")


@dataclass(frozen=True)
class Facets:
    """One page's facet values; empty string, None or () when the front matter has none."""

    district: str = ""
    source: str = ""
    date: dt.date | None = None
    tags: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """Plain values (for the child indexer's pipe and the dirty-build page cache); facets_of reads them back."""
        return {"district": self.district, "source": self.source,
                "date": self.date.isoformat() if self.date else None, "tags": list(self.tags)}


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def facets_of(meta: Mapping | None) -> Facets:
    """The facets of a page from its front matter (`page.meta`); unknown shapes count as absent."""
    if not isinstance(meta, Mapping):
        return Facets()
    tags = meta.get("tags")
    tags = tuple(dict.fromkeys(t for t in map(_text, tags) if t)) if isinstance(tags, (list, tuple)) else ()
    return Facets(_text(meta.get("district")), _text(meta.get("source")), date_of(meta.get("date")), tags)


class FacetTable:
    """Pages' facets in page-id order; `encode()` gives the bytes of `f`."""

    def __init__(self, fold: dict[int, str]):
        self.fold = fold
        self.pages: list[Facets] = []

    def add(self, facets: Facets) -> None:
        self.pages.append(facets)

    def _vocabulary(self, field: str) -> tuple[list[str], dict[str, int]]:
        """Names of one field (most frequent spelling of each normalised value, in order of
        normalised value) and normalised value → index."""
        spellings: dict[str, Counter[str]] = {}
        for page in self.pages:
            values = page.tags if field == "tags" else (getattr(page, field),)
            for value in values:
                if value:
                    spellings.setdefault(normalise(value, self.fold), Counter())[value] += 1
        keys = sorted(spellings)
        names = [min(spellings[k].items(), key=lambda kv: (-kv[1], kv[0]))[0] for k in keys]
        return names, {k: i for i, k in enumerate(keys)}

    def encode(self) -> bytes:
        buf = bytearray()
        n = len(self.pages)
        put_varint(buf, n)
        ids = {}
        for field in FIELDS:
            names, ids[field] = self._vocabulary(field)
            put_varint(buf, len(names))
            for name in names:
                raw = name.encode("utf-8")
                put_varint(buf, len(raw))
                buf += raw
        for field in ("district", "source"):
            for page in self.pages:
                value = getattr(page, field)
                put_varint(buf, ids[field][normalise(value, self.fold)] + 1 if value else 0)
        prev = 0
        for page in self.pages:
            value = (page.date - EPOCH).days + 1 if page.date and page.date >= EPOCH else 0
            gap = value - prev
            put_varint(buf, gap * 2 if gap >= 0 else -gap * 2 - 1)
            prev = value
        lists: list[list[int]] = [[] for _ in ids["tags"]]
        for pid, page in enumerate(self.pages):
            for tag in {ids["tags"][normalise(t, self.fold)] for t in page.tags}:
                lists[tag].append(pid)
        for pids in lists:
            put_varint(buf, len(pids))
            prev = 0
            for pid in pids:
                put_varint(buf, pid - prev)
                prev = pid
        return bytes(buf)
