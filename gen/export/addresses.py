"""Where the exports live in the site, and the links to them; pure.

Per document, under `files/<page path without .md>/`: `original<.ext>.bin`, the seed exactly as
received, its own extension kept visible (lowercased). The page's plain text is a download made in
the reader's browser from the page itself (overrides/assets/javascripts/page-text.js), so the site
holds no second copy of every text; the `text.txt` files earlier builds published are removed.

The names decide the Content-Type, because GitHub Pages (mime-db's extension table) and
`mkdocs serve` (Python's `mimetypes`) take it from the last extension alone, and no other is
allowed. `.bin` is `application/octet-stream` in both, so a browser downloads the original
whatever it holds (an HTML seed is never rendered or run). Never end a name in `.gz`, `.br`, `.xz`, `.bz2` or `.Z`:
Python then reports the type of the extension before it (`x.html.gz` is text/html).

The metadata files: `archive.csv` is text/csv (browsers download it), `datapackage.json`
application/json, and `archive.jsonl` has no entry in mime-db or Python, so both servers send
application/octet-stream (a download).

The folder is the page's own path, so a document's files keep their address as long as the page
keeps its path (the generator keeps that stable); only the original's extension comes from the seed.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import quote

from markupsafe import escape

from gen.site.records import PageInfo

DATA_DIR = "data"
FILES_DIR = "files"
CSV_NAME = "archive.csv"
JSONL_NAME = "archive.jsonl"
PACKAGE_NAME = "datapackage.json"

ORIGINAL_STEM = "original"
ORIGINAL_SUFFIX = ".bin"  # application/octet-stream: downloaded, never rendered
LEGACY_TEXT_NAME = "text.txt"  # the text file of earlier builds: an export file, so that it is removed
# The seed's extension kept in the original's name: letters and digits only, at most 16.
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,16}")


@dataclass(frozen=True)
class Downloads:
    """A document page's two downloads: the name its text is saved under (made in the browser) and
    its original's site-relative URL (percent-encoded) and file name."""

    text_name: str  # the name to save the page's text under (an <a download> value): "x.txt"
    original: str | None  # "files/archive/2020/x/original.html.bin"; None when the page names no seed
    original_name: str | None  # the seed's own file name: "x.html"


def folder(page: str) -> str | None:
    """The site folder of a page's files, or None for a path that is not a page inside the site
    (MkDocs skips hidden files and folders)."""
    parts = page.split("/")
    if not page.endswith(".md") or any(p in ("", ".", "..") or p.startswith(".") for p in parts) or "\\" in page:
        return None
    return f"{FILES_DIR}/{page[: -len('.md')]}"


_EXPORT_FILE = re.compile(rf"{re.escape(LEGACY_TEXT_NAME)}|{ORIGINAL_STEM}(?:\.[a-z0-9]{{1,16}})?{re.escape(ORIGINAL_SUFFIX)}")


def is_export_file(name: str) -> bool:
    """True for the names the export gives a document's files (others under files/ are not its own)."""
    return _EXPORT_FILE.fullmatch(name) is not None


def original_name(seed: str) -> str:
    """The original's file name in the site: `original.txt.bin` for `seeds/x.txt`."""
    ext = posixpath.splitext(posixpath.basename(seed))[1]
    return ORIGINAL_STEM + (ext.lower() if _EXTENSION.fullmatch(ext) else "") + ORIGINAL_SUFFIX


def original_path(info: PageInfo) -> str | None:
    """The site-relative path (not URL-encoded) of a page's original, or None when the page names
    no seed; ValueError for a page path that is unusable."""
    base = folder(info.page)
    if base is None:
        raise ValueError(f"{info.page}: not a Markdown page inside the site; it has no downloads")
    seed = info.fields.get("seed")
    return f"{base}/{original_name(seed)}" if isinstance(seed, str) and seed else None


def downloads(info: PageInfo) -> Downloads:
    """The two downloads of a document page; ValueError for a path that is not a page."""
    original = original_path(info)
    stem = posixpath.basename(info.page)[: -len(".md")]
    seed = info.fields.get("seed")
    return Downloads(
        text_name=f"{stem}.txt",
        original=quote(original) if original else None,
        original_name=posixpath.basename(seed) if original else None,
    )


def href(target: str, page_url: str) -> str:
    """A site-relative URL as a relative link from the page at page_url ("archive/x/", or
    "archive/x.html" without directory URLs)."""
    folder_of_page = page_url if page_url.endswith("/") else posixpath.dirname(page_url)
    depth = len([p for p in folder_of_page.split("/") if p])
    return "../" * depth + target


# The home page's 下载数据 links: (file, label, what it is).
_DATA_LINKS = (
    (CSV_NAME, "CSV", "元数据表，UTF-8（带 BOM），Excel 可直接打开"),
    (JSONL_NAME, "JSON Lines", "同一份元数据，每行一个 JSON 对象，供程序读取"),
    (PACKAGE_NAME, "datapackage.json", "字段说明、类型与校验值（Frictionless Data Package）"),
)


def download_links_html(base: str = "") -> str:
    """The 下载数据 links to the three metadata files, as an HTML list; `base` is the way from
    the linking page to the site root ("" on the home page, "../" one level down)."""
    items = []
    for name, label, what in _DATA_LINKS:
        url = escape(f"{base}{DATA_DIR}/{name}")
        items.append(f'<li><a href="{url}" download="{escape(name)}">{escape(label)}</a>：{escape(what)}</li>')
    return '<ul class="archive-downloads">\n' + "\n".join(items) + "\n</ul>\n"
