"""What a document page shows below its text besides the shell's own parts: its downloads (the
normalised text and the original as received, gen/export) and its citations (gen/cite)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from markupsafe import Markup

from gen.cite.box import box_html
from gen.export.addresses import downloads, href
from gen.export.files import may_publish
from gen.site.records import PageInfo, SiteInfo


def downloads_html(info: PageInfo, root: str, real: dict[str, str] | None = None) -> str:
    """The 下载 line: the text always, the original when its seed file is there to publish
    (`real`: where the seeds' folders are, found once per build; see seed_path)."""
    try:
        d = downloads(info)
    except ValueError:
        return ""
    links = [Markup('<a href="{}" download="{}">纯文本</a>').format(href(d.text, info.url), d.text_name)]
    seed = info.fields.get("seed")
    if d.original and isinstance(seed, str) and may_publish(root, seed, real):
        links.append(Markup('<a href="{}" download="{}">原件</a>').format(href(d.original, info.url), d.original_name))
    return Markup('<p class="doc-downloads">下载：{}</p>').format(Markup(" · ").join(links))


def document_extras(site: SiteInfo, files: bool = True) -> tuple[Callable[[PageInfo], str], ...]:
    """The parts every document page gets, in order (plain functions: they travel to the workers);
    `files`: the archive publishes each document's text and original (the 下载 line links them)."""
    cite = functools.partial(box_html, site=site)
    # Made for one build (each worker gets its own copy), so what it finds of the seeds' folders is its own.
    downloads_line = functools.partial(downloads_html, root=site.root, real={})
    return (downloads_line, cite) if files else (cite,)
