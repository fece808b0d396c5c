"""The citation box of a document page as HTML; pure.

A collapsed <details> with three tabs (GB/T 7714, BibTeX, CSL-JSON; radio inputs, so they work
without JavaScript). Copy and download buttons are hidden until overrides/assets/javascripts/cite.js
shows them; it also puts the reader's own date into the marked [引用日期] spans and, when the site
has no site_url, the page's absolute address into the marked archived-URL spans. Without JavaScript
the box shows the build's date and the site-relative address.
"""

from __future__ import annotations

from html import escape
from json.encoder import encode_basestring

from gen.cite.formats import MIME_BIBTEX, MIME_CSL_JSON, bibtex, csl_json, gbt
from gen.cite.records import Item, PageCitations, citations
from gen.site.records import PageInfo, SiteInfo

TABS = (("gbt", "GB/T 7714"), ("bib", "BibTeX"), ("csl", "CSL-JSON"))
NOTE = "［引用日期］为本站生成本页的日期；浏览器运行脚本时改为您当天的日期。"
COPY = '<button type="button" class="cite-copy" hidden>复制</button>'


def box_html(info: PageInfo, site: SiteInfo) -> str:
    """The citation box of one document page."""
    return render_box(citations(info, site))


def render_box(c: PageCitations) -> str:
    """The box for a page's citation records."""
    url = c.archived.url if c.relative else ""
    tabs = "".join(
        f'<input type="radio" name="__cite" id="__cite-{name}"{" checked" if n == 0 else ""}>'
        f'<label for="__cite-{name}">{label}</label>'
        for n, (name, label) in enumerate(TABS)
    )
    gbt_panel = _gbt_panel(c, url)
    bib = _entry(_mark_bibtex(escape(bibtex(c.items, c.accessed), quote=False), c.accessed, url),
                 _download(c.key + ".bib", MIME_BIBTEX, "下载 .bib"))
    csl = _entry(_mark_csl(escape(csl_json(c.items, c.accessed), quote=False), c.accessed, url),
                 _download(c.key + ".json", MIME_CSL_JSON, "下载 .json"))
    summary = "引用本期" if c.original is None else "引用本文"
    return (
        f'<details class="cite quote"><summary>{summary}</summary><div class="cite-tabs">{tabs}'
        f'<div class="cite-panel">{gbt_panel}</div><div class="cite-panel">{bib}</div>'
        f'<div class="cite-panel">{csl}</div></div></details>'
    )


def _gbt_panel(c: PageCitations, url: str) -> str:
    out = []
    if c.original is not None:
        out.append(f'<p class="cite-h">原文</p>{_entry(_gbt_html(c.original, c.accessed, url))}')
    label = "本期存档（本站）" if c.original is None else "存档（本站）"
    out.append(f'<p class="cite-h">{label}</p>{_entry(_gbt_html(c.archived, c.accessed, url))}')
    if c.articles:
        items = "".join(
            f'<li class="cite-entry"><pre class="cite-text">{escape(gbt(a, c.accessed), quote=False)}</pre>{COPY}'
            f'<a class="cite-go" href="#{escape(a.anchor)}">正文</a></li>'
            for a in c.articles
        )
        out.append(f'<p class="cite-h">各篇文章（原报）</p><ol class="cite-list">{items}</ol>')
    out.append(f'<p class="cite-note">{NOTE}</p>')
    return "".join(out)


def _entry(text_html: str, extra: str = "") -> str:
    return f'<div class="cite-entry"><pre class="cite-text">{text_html}</pre>{COPY}{extra}</div>'


def _download(filename: str, mime: str, label: str) -> str:
    return (f'<button type="button" class="cite-dl" data-file="{escape(filename)}" data-type="{mime}" hidden>'
            f"{label}</button>")


def _acc(value: str, form: str) -> str:
    return f'<span data-cite-acc="{form}">{value}</span>'


def _url(value: str) -> str:
    return f"<span data-cite-url>{value}</span>"


def _gbt_html(item: Item, accessed: str, relative_url: str) -> str:
    """An entry with its access date (and a site-relative address) marked for cite.js."""
    text = escape(gbt(item, accessed), quote=False)
    if not item.url:
        return text
    # The entry ends "[accessed]. URL." (formats.gbt): mark the last occurrences only.
    tail = f"[{accessed}]. {escape(item.url, quote=False)}."
    head, found, _ = text.rpartition(tail)
    if not found:
        return text
    url_html = _url(escape(item.url, quote=False)) if item.url == relative_url else escape(item.url, quote=False)
    return f"{head}[{_acc(accessed, 'iso')}]. {url_html}."


def _mark_bibtex(text: str, accessed: str, relative_url: str) -> str:
    # Field values escape their braces, so "urldate = {…}" occurs only as the field itself.
    text = text.replace(f"urldate = {{{accessed}}}", f"urldate = {{{_acc(accessed, 'iso')}}}")
    if relative_url:
        url = escape(relative_url, quote=False)
        text = text.replace(f"url = {{{url}}}", f"url = {{{_url(url)}}}")
    return text


def _mark_csl(text: str, accessed: str, relative_url: str) -> str:
    # JSON strings escape their quotes, so these key/value runs occur only as the fields themselves.
    parts = ", ".join(str(int(p)) for p in accessed.split("-"))
    text = text.replace(f'"accessed": {{"date-parts": [[{parts}]]}}',
                        f'"accessed": {{"date-parts": [[{_acc(parts, "parts")}]]}}')
    if relative_url:
        url = escape(encode_basestring(relative_url)[1:-1], quote=False)
        text = text.replace(f'"URL": "{url}"', f'"URL": "{_url(url)}"')
    return text
