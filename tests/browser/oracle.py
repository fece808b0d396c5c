"""Reference answers for search queries, computed from the built pages' text by brute force.

Independent of gen/search: the text is read back from the built HTML with lxml, tokenised with
unicodedata categories (not the index's regular expression) and every query is answered by
looking for the token sequence in every block of every page. The rules it applies are the
search's specification (gen/search/plugin.py, worker.js header):

- a term matches a page when its tokens occur in a row inside one block (paragraph, heading …)
  of the page's text or title; punctuation and whitespace are not tokens;
- text is folded with OpenCC t2s character by character, NFKC'd and lower-cased;
- an unquoted term of two or more tokens that no page contains is replaced by its split into
  the fewest pieces that each occur somewhere (no piece a lone CJK character), then the longest
  shortest piece, then the most pages holding all pieces, then the leftmost longest piece;
- every term must match.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from lxml import html as lxml_html

BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
}
QUOTES = set("\"“”「」『』")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=None)
def _fold(char: str) -> str:
    out = _t2s().convert(char)
    return out if len(out) == 1 else char


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return cp == 0x3007 or 0x3400 <= cp <= 0x4DBF or 0x4E00 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3134F


def tokenize(text: str) -> tuple[str, ...]:
    """Tokens: one per CJK character, one per run of letters, one per run of digits."""
    text = "".join(_fold(c) if _is_cjk(c) else c for c in unicodedata.normalize("NFKC", text)).lower()
    out: list[str] = []
    run, kind = "", ""
    for ch in text:
        cat = unicodedata.category(ch)
        if _is_cjk(ch):
            this = "c"
        elif cat == "Nd":
            this = "d"
        elif cat[0] == "L" or cat in ("Nl", "No"):
            this = "l"
        else:
            this = ""
        if this != kind or this == "c":
            if run:
                out.append(run)
            run = ""
        kind = this
        if this:
            run += ch
    if run:
        out.append(run)
    return tuple(out)


@dataclass(frozen=True)
class Page:
    url: str
    blocks: tuple[str, ...]  # each block's tokens joined as " a b c " for substring tests


def _direct_text(el) -> str:
    """Text of an element without its block-level descendants (those are blocks of their own)."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag in BLOCKS:
            pass
        elif isinstance(child.tag, str):
            parts.append(_direct_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def read_page(path: Path, url: str) -> Page:
    """The title and content blocks of one built page, as the reader sees them."""
    tree = lxml_html.fromstring(path.read_bytes())
    article = tree.xpath('//article[contains(@class, "md-content__inner")]')[0]
    for junk in article.xpath(
        './/nav[contains(@class,"md-tags")] | .//a[contains(@class,"md-content__button")]'
        ' | .//p[@class="doc-meta"] | .//p[@class="doc-provenance"] | .//a[@class="headerlink"]'
        ' | .//p[@class="doc-downloads"] | .//details[contains(@class,"cite")]'
        ' | .//script | .//style | .//svg'
    ):
        junk.drop_tree()
    blocks = []
    for el in article.iter():
        if isinstance(el.tag, str) and el.tag in BLOCKS:
            toks = tokenize(_direct_text(el))
            if toks:
                blocks.append(" " + " ".join(toks) + " ")
    return Page(url, tuple(blocks))


def _documents(docs: Path):
    """(URL, front matter) of every Markdown page that is not excluded from search."""
    for md in sorted(docs.rglob("*.md")):
        if any(part.startswith(".") for part in md.relative_to(docs).parts):
            continue  # MkDocs leaves dot folders out of the site
        text = md.read_text(encoding="utf-8-sig")
        meta = {}
        if text.startswith("---"):
            meta = yaml.safe_load(text.split("---", 2)[1]) or {}
        if isinstance(meta.get("search"), dict) and meta["search"].get("exclude"):
            continue
        rel = md.relative_to(docs).with_suffix("").as_posix()
        url = rel[: -len("index")] if rel == "index" or rel.endswith("/index") else rel + "/"
        yield url, meta


def site_pages(site: Path, docs: Path) -> list[Page]:
    """Every page of the site that is not excluded from search (front matter `search.exclude`)."""
    return [read_page(site / url / "index.html", url) for url, _ in _documents(docs)]


def _parse(query: str) -> list[tuple[tuple[str, ...], bool]]:
    terms, buf, quoted = [], "", False

    def flush():
        toks = tokenize(buf)
        if toks:
            terms.append((toks, quoted))

    for ch in unicodedata.normalize("NFKC", query):
        if ch in QUOTES:
            flush()
            buf, quoted = "", not quoted
        elif not quoted and ch.isspace():
            flush()
            buf = ""
        else:
            buf += ch
    flush()
    return terms


class Oracle:
    """Answers queries over a list of pages."""

    def __init__(self, pages: list[Page]):
        self.pages = pages

    def holding(self, toks: tuple[str, ...]) -> frozenset[str]:
        needle = " " + " ".join(toks) + " "
        return frozenset(p.url for p in self.pages if any(needle in b for b in p.blocks))

    def split(self, toks: tuple[str, ...]) -> list[tuple[str, ...]] | None:
        """The split of an unmatched run into pieces (None when there is none)."""
        m = len(toks)
        found = {}
        for i in range(m):
            for j in range(i + 1, m + 1):
                if (i, j) != (0, m) and (j - i >= 2 or not _is_cjk(toks[i][0])):
                    pages = self.holding(toks[i:j])
                    if pages:
                        found[(i, j)] = pages
        fewest = [0] * (m + 1)
        for i in range(m - 1, -1, -1):
            fewest[i] = min((fewest[j] + 1 for j in range(i + 1, m + 1) if (i, j) in found), default=m + 1)
        if fewest[0] > m:
            return None
        candidates = []

        def walk(i, pieces):
            if i == m:
                candidates.append(pieces)
                return
            for j in range(m, i, -1):
                if (i, j) in found and fewest[j] == fewest[i] - 1:
                    walk(j, pieces + [(i, j)])

        walk(0, [])

        def key(pieces):
            common = frozenset.intersection(*(found[p] for p in pieces))
            return (-min(j - i for i, j in pieces), -len(common))

        best = min(candidates, key=key)  # min() keeps the first of equals: leftmost longest
        return [toks[i:j] for i, j in best]

    def answer(self, query: str) -> frozenset[str]:
        """URLs of the pages a query must find."""
        result = None
        for toks, quoted in _parse(query):
            pages = self.holding(toks)
            if not pages and not quoted and len(toks) >= 2:
                pieces = self.split(toks)
                if pieces:
                    pages = frozenset.intersection(*(self.holding(p) for p in pieces))
            result = pages if result is None else result & pages
        return result or frozenset()


# ---------------------------------------------------------------- filters and sorting
# The query syntax's filters (gen/search/README.md), answered from the pages' front matter:
# `区:` district, `来源:` source, `年:` and `日期:` date (a year, month or day, or a range a..b),
# `标签:` tag. A value names a value exactly (after the same folding as text), or else stands for
# every value that begins with it; values of one field are alternatives, fields must all hold.

FIELD_KEYS = {"district": "district", "source": "source", "tag": "tags"}


@dataclass(frozen=True)
class Meta:
    district: str
    source: str
    date: dt.date | None
    tags: tuple[str, ...]


def _str(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def site_meta(docs: Path) -> dict[str, Meta]:
    """URL → the facets its front matter gives, for every searchable page."""
    out = {}
    for url, meta in _documents(docs):
        date = meta.get("date")
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError:
                date = None
        if not isinstance(date, dt.date) or date < dt.date(2000, 1, 1):
            date = None
        tags = meta.get("tags") if isinstance(meta.get("tags"), list) else []
        out[url] = Meta(_str(meta.get("district")), _str(meta.get("source")), date,
                        tuple(dict.fromkeys(t for t in map(_str, tags) if t)))
    return out


def fold_name(text: str) -> str:
    return "".join(_fold(c) if _is_cjk(c) else c for c in unicodedata.normalize("NFKC", text)).lower().strip()


def _names(value: str, names: set[str]) -> set[str]:
    want = fold_name(value)
    exact = {n for n in names if fold_name(n) == want}
    return exact or {n for n in names if want and fold_name(n).startswith(want)}


def _period(text: str) -> tuple[dt.date, dt.date]:
    def end(part: str, last: bool) -> dt.date:
        y, *rest = (int(x) for x in part.split("-"))
        if len(rest) == 2:
            return dt.date(y, rest[0], rest[1])
        if len(rest) == 1:
            if not last:
                return dt.date(y, rest[0], 1)
            return (dt.date(y + rest[0] // 12, rest[0] % 12 + 1, 1) - dt.timedelta(days=1))
        return dt.date(y, 12, 31) if last else dt.date(y, 1, 1)

    if ".." in text:
        a, b = text.split("..")
        return (end(a, False) if a else dt.date.min, end(b, True) if b else dt.date.max)
    return end(text, False), end(text, True)


def filter_pages(meta: dict[str, Meta], filters: dict[str, list[str]]) -> frozenset[str]:
    """URLs whose facets pass every field's filter (any of its values)."""
    every = {f: {getattr(m, FIELD_KEYS[f]) for m in meta.values()} for f in ("district", "source")}
    every["tag"] = {t for m in meta.values() for t in m.tags}
    keep = set()
    for url, m in meta.items():
        ok = True
        for field, values in filters.items():
            if field in ("year", "date"):
                periods = [_period(v) for v in values]
                ok = m.date is not None and any(a <= m.date <= b for a, b in periods)
            else:
                wanted = set().union(*(_names(v, every[field] - {""}) for v in values))
                have = set(m.tags) if field == "tag" else {getattr(m, field)}
                ok = bool(have & wanted)
            if not ok:
                break
        if ok:
            keep.add(url)
    return frozenset(keep)
