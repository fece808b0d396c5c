"""The citation box of a document page as HTML; pure.

The page carries only what must work without JavaScript: a collapsed <details> with the GB/T 7714
entries (the original and the archived copy; for a newspaper issue the archived issue and each
article, with a link to its section), and one JSON data island with the records the BibTeX and
CSL-JSON texts are made from. overrides/assets/javascripts/cite.js builds the tabs, those two texts
(a port of formats.bibtex and formats.csl_json, checked against them in tests/test_cite.py), the copy
and download buttons, and puts the reader's date and the page's own address into the GB/T text.
"""

from __future__ import annotations

import json
from dataclasses import replace
from html import escape

from gen.cite.formats import csl_item, gbt
from gen.cite.records import ARCHIVED, Item, PageCitations, citations
from gen.site.records import PageInfo, SiteInfo

# CSL fields the data island leaves out: cite.js reads the title (<cite>) and the address (<span
# data-cite-url>) from the record's GB/T entry, adds the reader's access date, and for the archived
# copy the site's name (the island's "site").
FROM_ENTRY = ("title", "URL", "accessed")
FROM_ENTRY_ARCHIVE = (*FROM_ENTRY, "source")
# What a newspaper issue's articles take from the issue's record (records.citations makes them so);
# their id is the page's key + "-a<position>" and their type article-newspaper.
ARTICLE_SHARED = ("container-title", "issue", "issued")
FROM_ISSUE = (*FROM_ENTRY, "id", "type", *ARTICLE_SHARED)

# A JSON text inside <script> must not contain "</script" or "<!--": JSON allows these escapes.
SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"))
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # one encoder for every page
# Stands for the title while the GB/T entry is written, so that the title can be put in <cite>
# wherever the format places it; records.text() leaves no control character in any field.
TITLE = "\x00"


def box_html(info: PageInfo, site: SiteInfo) -> str:
    """The citation box of one document page."""
    return render_box(citations(info, site))


def render_box(c: PageCitations) -> str:
    """The box for a page's citation records."""
    if c.original is None:
        summary = "引用本期"
        entries = f"<dt>本期存档（本站）</dt><dd>{_gbt_html(c.archived, c.accessed)}</dd>"
        if c.articles:
            items = "".join(f'<li>{_gbt_html(a, c.accessed)}<a href="#{escape(a.anchor)}">正文</a></li>'
                            for a in c.articles)
            entries += f"<dt>各篇文章（原报）</dt><dd><ol>{items}</ol></dd>"
    else:
        summary = "引用本文"
        entries = (f"<dt>原文</dt><dd>{_gbt_html(c.original, c.accessed)}</dd>"
                   f"<dt>存档（本站）</dt><dd>{_gbt_html(c.archived, c.accessed)}</dd>")
    return (f'<details class="cite quote"><summary>{summary}</summary><dl class="cite-gbt">{entries}</dl>'
            f'<script type="application/json" class="cite-data">{data_json(c)}</script></details>')


def data_island(c: PageCitations) -> dict:
    """What cite.js needs besides the GB/T text: the site's name and the records, without repeats.

    A wire or web page: {"site", "org"?, "original"}; its archived copy is the same record with the
    key + "-archive". A newspaper issue: {"site", "issue": the archived issue, "articles": each
    article's own fields}. A record is its CSL-JSON item without what its GB/T entry shows and what
    cite.js adds (FROM_ENTRY, FROM_ENTRY_ARCHIVE, FROM_ISSUE); "org" says that the author is the
    source standing in for a missing personal author (BibTeX braces it).
    """
    data: dict = {"site": c.archived.archive}
    if c.original is not None:
        _require(replace(c.original, key=c.original.key + ARCHIVED, url=c.archived.url, archive=c.archived.archive)
                 == c.archived, c, "the archived copy is not the original with this site's address")
        if c.original.institution:
            data["org"] = True
        data["original"] = _without(csl_item(c.original, c.accessed), FROM_ENTRY)
        return data
    issue = csl_item(c.archived, c.accessed)
    data["issue"] = _without(issue, FROM_ENTRY_ARCHIVE)
    data["articles"] = []
    for n, article in enumerate(c.articles, 1):
        item = csl_item(article, c.accessed)
        _require(article.key == f"{c.key}-a{n}" and not article.url and not article.institution
                 and all(item.get(k) == issue.get(k) for k in ARTICLE_SHARED), c,
                 f"article {n} does not share the issue's {', '.join(ARTICLE_SHARED)} or has its own address")
        data["articles"].append(_without(item, FROM_ISSUE))
    return data


def data_json(c: PageCitations) -> str:
    """The data island as compact JSON that cannot end its <script> element."""
    text = _COMPACT(data_island(c))
    for char, escaped in SCRIPT_SAFE:  # three replaces: a tenth of str.translate's time here
        text = text.replace(char, escaped)
    return text


def _without(item: dict, keys: tuple[str, ...]) -> dict:
    return {k: v for k, v in item.items() if k not in keys}


def _require(ok: bool, c: PageCitations, problem: str) -> None:
    # render_box takes any PageCitations; cite.js rebuilds the records by records.citations' rules.
    if not ok:
        raise ValueError(f"citations of {c.key}: {problem}; cite.js could not rebuild them")


def _gbt_html(item: Item, accessed: str) -> str:
    """An entry with its title in <cite>, its access date in <time> and its address in <span
    data-cite-url>: cite.js reads them, puts in the reader's date and makes a relative address
    absolute."""
    text = gbt(item, accessed, title=TITLE)
    if text.count(TITLE) != 1:
        raise ValueError(f"citation {item.key}: a field other than the title contains U+0000")
    head, _, tail = (escape(part, quote=False) for part in text.partition(TITLE))
    title = f"<cite>{escape(item.title, quote=False)}</cite>"
    if not item.url:
        return head + title + tail
    # The entry ends "[accessed]. URL." (formats.gbt).
    url = escape(item.url, quote=False)
    rest, found, _ = tail.rpartition(f"[{accessed}]. {url}.")
    if not found:
        raise ValueError(f"citation {item.key}: the GB/T entry does not end with its access date and address")
    return f"{head}{title}{rest}[<time>{accessed}</time>]. <span data-cite-url>{url}</span>."
