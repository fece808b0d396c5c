"""What a document page shows below its text besides the shell's own parts: its downloads (the
page's plain text, made in the reader's browser, and the original as received, gen/export) and
its citations (gen/cite)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from markupsafe import Markup

from gen.cite.box import box_html
from gen.export.addresses import downloads, href
from gen.export.files import may_publish
from gen.site.records import PageInfo, SiteInfo

# Makes the page's 纯文本 download in the reader's browser from the page (theme override folder);
# every archive page loads it (gen/plugin.py).
PAGE_TEXT_SCRIPT = "assets/javascripts/page-text.js"


def downloads_html(info: PageInfo, root: str, real: dict[str, str] | None = None, files: bool = True) -> str:
    """The 下载 line: the name the page's text is saved under (`data-text`: page-text.js puts
    the 纯文本 link first), and the original when `files` and its seed file is there to publish
    (`real`: where the seeds' folders are, found once per build; see seed_path). Without
    JavaScript a line without the original is hidden."""
    try:
        d = downloads(info)
    except ValueError:
        return ""
    seed = info.fields.get("seed")
    if files and d.original and isinstance(seed, str) and may_publish(root, seed, real):
        link = Markup('<a href="{}" download="{}">原件</a>').format(href(d.original, info.url), d.original_name)
        return Markup('<p class="doc-downloads" data-text="{}">下载：{}</p>').format(d.text_name, link)
    return Markup('<p class="doc-downloads" data-text="{}" hidden>下载：</p>').format(d.text_name)


def document_extras(site: SiteInfo, files: bool = True) -> tuple[Callable[[PageInfo], str], ...]:
    """The parts every document page gets, in order (plain functions: they travel to the workers);
    `files`: the archive publishes each document's original (the 下载 line links it)."""
    cite = functools.partial(box_html, site=site)
    # Made for one build (each worker gets its own copy), so what it finds of the seeds' folders is its own.
    downloads_line = functools.partial(downloads_html, root=site.root, real={}, files=files)
    return downloads_line, cite
